//! Body framing: chunked, `Content-Length`, or until the connection closes.

use super::{trim, BodyChunk, ChunkedDecoder, Header, HttpLimits};
use crate::digits::{parse_decimal, Overflow};
use crate::{HttpError, StreamEnd};

/// How a message body is delimited; from [`Response::framing`](super::Response::framing)
/// or [`RequestHead::framing`](super::RequestHead::framing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Framing {
    /// `Transfer-Encoding: chunked`: ends with a zero-size chunk.
    Chunked,
    /// `Content-Length`: exactly this many bytes.
    Length(u64),
    /// Neither: the body runs until the server closes the connection.
    UntilClose,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Chunked(ChunkedDecoder),
    Length { remaining: u64 },
    UntilClose,
}

/// Strips the framing of a response body, whatever it is, and tells a complete
/// body from a cut one at end of input.
///
/// # Examples
///
/// ```
/// use sse_proto::http::{BodyDecoder, Framing, HttpLimits};
/// use sse_proto::StreamEnd;
///
/// let mut body = BodyDecoder::new(Framing::Length(10), HttpLimits::default());
/// let step = body.decode(b"data: x\n")?;
/// assert_eq!(step.data, b"data: x\n");
/// // The connection closes two bytes short of the promised length:
/// assert_eq!(body.finish(), StreamEnd::Truncated);
/// # Ok::<(), sse_proto::HttpError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyDecoder {
    kind: Kind,
}

impl BodyDecoder {
    /// A de-framer for a body delimited by `framing`.
    pub const fn new(framing: Framing, limits: HttpLimits) -> Self {
        let kind = match framing {
            Framing::Chunked => Kind::Chunked(ChunkedDecoder::new(limits)),
            Framing::Length(remaining) => Kind::Length { remaining },
            Framing::UntilClose => Kind::UntilClose,
        };
        BodyDecoder { kind }
    }

    /// Whether the body is complete (last chunk read, or the whole length).
    /// Never true for [`Framing::UntilClose`]: only the connection's end ends it.
    pub fn is_done(&self) -> bool {
        match &self.kind {
            Kind::Chunked(c) => c.is_done(),
            Kind::Length { remaining } => *remaining == 0,
            Kind::UntilClose => false,
        }
    }

    /// Returns the next run of body data in `input` and how many bytes were used.
    /// Once [`is_done`](BodyDecoder::is_done), consumes nothing.
    ///
    /// # Errors
    ///
    /// Chunked framing errors; see [`ChunkedDecoder::decode`].
    pub fn decode<'a>(&mut self, input: &'a [u8]) -> Result<BodyChunk<'a>, crate::HttpError> {
        match &mut self.kind {
            Kind::Chunked(c) => c.decode(input),
            Kind::Length { remaining } => {
                // At most `input.len()`, so the `usize` cast is lossless.
                let take = (*remaining).min(input.len() as u64) as usize;
                *remaining -= take as u64;
                Ok(BodyChunk {
                    consumed: take,
                    data: &input[..take],
                })
            }
            Kind::UntilClose => Ok(BodyChunk {
                consumed: input.len(),
                data: input,
            }),
        }
    }

    /// At the end of the connection's input: [`StreamEnd::Clean`] when the body
    /// was complete (or ran until close), [`StreamEnd::Truncated`] when chunked
    /// framing ended without its last chunk or fewer bytes than `Content-Length`
    /// came. Pass the result to
    /// [`Client::handle_end`](crate::client::Client::handle_end).
    #[must_use = "a truncated body must be told apart from a complete one: pass it to `Client::handle_end`"]
    pub fn finish(&self) -> StreamEnd {
        match self.kind {
            Kind::UntilClose => StreamEnd::Clean,
            _ if self.is_done() => StreamEnd::Clean,
            _ => StreamEnd::Truncated,
        }
    }
}

/// The framing the `Transfer-Encoding` and `Content-Length` headers declare
/// (a coding wins over a length, RFC 9112 §6.3); `None` for neither. The one
/// reading of these headers, for responses and requests.
pub(super) fn declared_framing(headers: &[Header<'_>]) -> Result<Option<Framing>, HttpError> {
    let named = |name: &'static str| {
        headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
    };
    let mut chunked = false;
    let mut saw_te = false;
    for h in named("transfer-encoding") {
        for coding in h
            .value
            .split(|&b| b == b',')
            .map(trim)
            .filter(|c| !c.is_empty())
        {
            saw_te = true;
            if chunked || !coding.eq_ignore_ascii_case(b"chunked") {
                return Err(HttpError::UnsupportedTransferCoding);
            }
            chunked = true;
        }
    }
    if saw_te {
        return Ok(Some(Framing::Chunked));
    }
    let mut length = None;
    for h in named("content-length") {
        for v in h.value.split(|&b| b == b',').map(trim) {
            let n = parse_decimal(v, Overflow::Reject).ok_or(HttpError::InvalidContentLength)?;
            if length.is_some_and(|l| l != n) {
                return Err(HttpError::InvalidContentLength);
            }
            length = Some(n);
        }
    }
    Ok(length.map(Framing::Length))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_stops_at_the_length() {
        let mut b = BodyDecoder::new(Framing::Length(3), HttpLimits::default());
        let step = b.decode(b"abcdef").unwrap();
        assert_eq!((step.consumed, step.data), (3, &b"abc"[..]));
        assert!(b.is_done());
        assert_eq!(b.decode(b"def").unwrap().consumed, 0);
        assert_eq!(b.finish(), StreamEnd::Clean);
    }

    #[test]
    fn until_close_takes_everything_and_ends_clean() {
        let mut b = BodyDecoder::new(Framing::UntilClose, HttpLimits::default());
        assert_eq!(b.decode(b"xyz").unwrap().data, b"xyz");
        assert!(!b.is_done());
        assert_eq!(b.finish(), StreamEnd::Clean);
    }

    #[test]
    fn chunked_end_states() {
        let mut b = BodyDecoder::new(Framing::Chunked, HttpLimits::default());
        assert_eq!(b.decode(b"2\r\nhi\r\n").unwrap().data, b"hi");
        let rest = b.decode(b"\r\n").unwrap();
        assert_eq!(rest.consumed, 2);
        assert_eq!(b.finish(), StreamEnd::Truncated);
        assert_eq!(b.decode(b"0\r\n\r\n").unwrap().consumed, 5);
        assert!(b.is_done());
        assert_eq!(b.finish(), StreamEnd::Clean);
    }
}
