//! The chunked transfer-coding de-framer (RFC 9112 §7.1), resumable byte by byte.

use super::HttpLimits;
use crate::digits::{hex_digit, push_digit};
use crate::HttpError;

/// Where the de-framer stands; one small function per state, no byte rescanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Reading the hex digits of a chunk size.
    Size,
    /// Spaces or tabs after the size (tolerated, as most servers' peers do).
    SizeWs,
    /// A chunk extension (`;name=value`), ignored up to CR.
    Extension,
    /// The CR of the size line was read; LF expected.
    SizeLf,
    /// Inside chunk data.
    Data,
    /// After chunk data; CR expected.
    DataCr,
    /// After chunk data and CR; LF expected.
    DataLf,
    /// At the start of a trailer line (or of the final empty line).
    TrailerStart,
    /// Inside a trailer field line, ignored up to CR.
    Trailer,
    /// A trailer line's CR was read; LF expected.
    TrailerLf,
    /// The final empty line's CR was read; LF expected.
    EndLf,
    /// The last chunk and the trailers were read: the body is complete.
    Done,
}

/// Strips chunked framing from a body, yielding the data as slices of the input.
///
/// Resumable at any byte: sizes in any case of hex, chunk extensions and
/// trailers (both ignored), with the size line and the trailers bounded by
/// [`HttpLimits`]. Errors are sticky: once the framing is broken the body is lost.
///
/// # Examples
///
/// ```
/// use sse_proto::http::{ChunkedDecoder, HttpLimits};
///
/// let mut chunked = ChunkedDecoder::new(HttpLimits::default());
/// let mut out = Vec::new();
/// for read in [&b"A;ext=1\r\n0123"[..], b"456789\r\n0\r\nX-Trailer: t\r\n\r\n"] {
///     let mut input = read;
///     while !input.is_empty() {
///         let step = chunked.decode(input)?;
///         out.extend_from_slice(step.data);
///         input = &input[step.consumed..];
///     }
/// }
/// assert_eq!(out, b"0123456789");
/// assert!(chunked.is_done());
/// # Ok::<(), sse_proto::HttpError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkedDecoder {
    state: State,
    /// The size being read, then the data left in the current chunk.
    size: u64,
    /// Bytes of the current size line (size, whitespace, extension).
    line_len: usize,
    /// Bytes of the trailer section so far.
    trailers_len: usize,
    limits: HttpLimits,
    error: Option<HttpError>,
}

/// One step of a body de-framer: bytes used and the body data among them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "the body data must be passed on and the input advanced by `consumed`"]
pub struct BodyChunk<'a> {
    /// How many input bytes this step used; advance the input by this many.
    pub consumed: usize,
    /// Body data found (a slice of the input, possibly empty).
    pub data: &'a [u8],
}

impl ChunkedDecoder {
    /// A de-framer at the start of a chunked body.
    pub const fn new(limits: HttpLimits) -> Self {
        ChunkedDecoder {
            state: State::Size,
            size: 0,
            line_len: 0,
            trailers_len: 0,
            limits,
            error: None,
        }
    }

    /// Whether the last chunk and the trailers were read: the body is complete.
    /// Bytes after it belong to the next response and are never consumed.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Consumes framing bytes from `input` up to the next run of data, and
    /// returns that data (all of it that `input` holds, up to the chunk end).
    ///
    /// Call in a loop, advancing by [`BodyChunk::consumed`], until `input` is empty
    /// or [`is_done`](ChunkedDecoder::is_done).
    ///
    /// # Errors
    ///
    /// [`HttpError::InvalidChunkSize`], [`HttpError::ChunkLineTooLong`],
    /// [`HttpError::InvalidChunkEnd`] or [`HttpError::TrailersTooLarge`]; the same
    /// error is returned by every later call.
    pub fn decode<'a>(&mut self, input: &'a [u8]) -> Result<BodyChunk<'a>, HttpError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut pos = 0;
        while pos < input.len() {
            if self.state == State::Data {
                // At most the input left, so the `usize` cast is lossless.
                let take = self.size.min((input.len() - pos) as u64) as usize;
                self.size -= take as u64;
                if self.size == 0 {
                    self.state = State::DataCr;
                }
                return Ok(BodyChunk {
                    consumed: pos + take,
                    data: &input[pos..pos + take],
                });
            }
            if self.state == State::Done {
                break;
            }
            let byte = input[pos];
            if let Err(e) = self.control(byte) {
                self.error = Some(e);
                return Err(e);
            }
            pos += 1;
        }
        Ok(BodyChunk {
            consumed: pos,
            data: &[],
        })
    }

    /// Steps the framing state machine over one byte outside chunk data.
    fn control(&mut self, byte: u8) -> Result<(), HttpError> {
        self.state = match self.state {
            State::Size => self.read_size(byte)?,
            State::SizeWs => self.read_size_ws(byte)?,
            State::Extension => self.read_extension(byte)?,
            State::SizeLf => self.read_size_lf(byte)?,
            State::DataCr => expect(byte, b'\r', State::DataLf)?,
            State::DataLf => {
                self.size = 0;
                self.line_len = 0;
                expect(byte, b'\n', State::Size)?
            }
            State::TrailerStart => match byte {
                b'\r' => self.count_trailer(State::EndLf)?,
                _ => self.count_trailer(State::Trailer)?,
            },
            State::Trailer => match byte {
                b'\r' => self.count_trailer(State::TrailerLf)?,
                _ => self.count_trailer(State::Trailer)?,
            },
            State::TrailerLf => {
                self.count_trailer(State::TrailerStart)?;
                expect(byte, b'\n', State::TrailerStart)?
            }
            State::EndLf => {
                self.count_trailer(State::Done)?;
                expect(byte, b'\n', State::Done)?
            }
            // `decode` never steps these states over a byte.
            State::Data | State::Done => self.state,
        };
        Ok(())
    }

    fn read_size(&mut self, byte: u8) -> Result<State, HttpError> {
        let digits = self.line_len;
        self.count_line(byte)?;
        if let Some(d) = hex_digit(byte) {
            self.size = push_digit(self.size, 16, d).ok_or(HttpError::InvalidChunkSize)?;
            return Ok(State::Size);
        }
        if digits == 0 {
            return Err(HttpError::InvalidChunkSize);
        }
        self.after_size(byte)
    }

    fn read_size_ws(&mut self, byte: u8) -> Result<State, HttpError> {
        self.count_line(byte)?;
        self.after_size(byte)
    }

    /// A byte after at least one size digit.
    fn after_size(&mut self, byte: u8) -> Result<State, HttpError> {
        match byte {
            b' ' | b'\t' => Ok(State::SizeWs),
            b';' => Ok(State::Extension),
            b'\r' => Ok(State::SizeLf),
            _ => Err(HttpError::InvalidChunkSize),
        }
    }

    fn read_extension(&mut self, byte: u8) -> Result<State, HttpError> {
        self.count_line(byte)?;
        match byte {
            b'\r' => Ok(State::SizeLf),
            b'\n' => Err(HttpError::InvalidChunkSize),
            _ => Ok(State::Extension),
        }
    }

    fn read_size_lf(&mut self, byte: u8) -> Result<State, HttpError> {
        if byte != b'\n' {
            return Err(HttpError::InvalidChunkSize);
        }
        Ok(if self.size == 0 {
            State::TrailerStart
        } else {
            State::Data
        })
    }

    /// Counts a byte of the size line (its CR excluded) against the limit.
    fn count_line(&mut self, byte: u8) -> Result<(), HttpError> {
        if byte == b'\r' {
            return Ok(());
        }
        self.line_len += 1;
        if self.line_len > self.limits.max_chunk_line_len {
            return Err(HttpError::ChunkLineTooLong {
                limit: self.limits.max_chunk_line_len,
            });
        }
        Ok(())
    }

    fn count_trailer(&mut self, next: State) -> Result<State, HttpError> {
        self.trailers_len += 1;
        if self.trailers_len > self.limits.max_trailers_len {
            return Err(HttpError::TrailersTooLarge {
                limit: self.limits.max_trailers_len,
            });
        }
        Ok(next)
    }
}

/// `next` when `byte` is `want`, else the chunk-end error.
fn expect(byte: u8, want: u8, next: State) -> Result<State, HttpError> {
    if byte == want {
        Ok(next)
    } else {
        Err(HttpError::InvalidChunkEnd)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    /// Decodes `reads` in order; the data, whether done, and the first error.
    fn run(limits: HttpLimits, reads: &[&[u8]]) -> (Vec<u8>, bool, Option<HttpError>) {
        let mut d = ChunkedDecoder::new(limits);
        let mut out = Vec::new();
        for read in reads {
            let mut input = *read;
            while !input.is_empty() && !d.is_done() {
                match d.decode(input) {
                    Ok(step) => {
                        assert!(step.consumed > 0 || d.is_done(), "progress");
                        out.extend_from_slice(step.data);
                        input = &input[step.consumed..];
                    }
                    Err(e) => return (out, d.is_done(), Some(e)),
                }
            }
        }
        (out, d.is_done(), None)
    }

    /// Runs `wire` whole, split at every point, and byte by byte: same result.
    fn all_splits(wire: &[u8]) -> (Vec<u8>, bool, Option<HttpError>) {
        let whole = run(HttpLimits::default(), &[wire]);
        for cut in 0..=wire.len() {
            let (a, b) = wire.split_at(cut);
            assert_eq!(run(HttpLimits::default(), &[a, b]), whole, "split at {cut}");
        }
        let bytes: Vec<&[u8]> = wire.chunks(1).collect();
        assert_eq!(run(HttpLimits::default(), &bytes), whole, "byte by byte");
        whole
    }

    #[test]
    fn full_body_with_extensions_and_trailers() {
        let wire =
            b"5\r\nhello\r\nB;name=\"v\";x\r\n world, hi!\r\n0\r\nExpires: never\r\nX: y\r\n\r\n";
        assert_eq!(all_splits(wire), (b"hello world, hi!".to_vec(), true, None));
    }

    #[test]
    fn hex_in_any_case_and_whitespace_before_crlf() {
        let mut wire = Vec::new();
        wire.extend_from_slice(b"1a \t\r\n");
        wire.extend_from_slice(&[b'x'; 26]);
        wire.extend_from_slice(b"\r\n1A\r\n");
        wire.extend_from_slice(&[b'y'; 26]);
        wire.extend_from_slice(b"\r\n0\r\n\r\n");
        let (data, done, err) = all_splits(&wire);
        assert_eq!(data.len(), 52);
        assert!(done && err.is_none());
    }

    #[test]
    fn missing_last_chunk_is_not_done() {
        assert_eq!(all_splits(b"3\r\nabc\r\n"), (b"abc".to_vec(), false, None));
        assert_eq!(
            all_splits(b"3\r\nabc\r\n0\r\n"),
            (b"abc".to_vec(), false, None)
        );
    }

    #[test]
    fn bytes_after_the_end_are_not_consumed() {
        let mut d = ChunkedDecoder::new(HttpLimits::default());
        let step = d.decode(b"0\r\n\r\nHTTP/1.1").unwrap();
        assert_eq!(step.consumed, 5);
        assert!(d.is_done());
        assert_eq!(d.decode(b"HTTP/1.1").unwrap().consumed, 0);
    }

    #[test]
    fn malformed_sizes() {
        for wire in [
            &b"\r\n"[..],
            b"g\r\n",
            b"-1\r\n",
            b" 5\r\n",
            b"5\n",
            b"5 x\r\n",
            b"5;e\n",
        ] {
            assert_eq!(
                all_splits(wire).2,
                Some(HttpError::InvalidChunkSize),
                "{wire:?}"
            );
        }
        assert_eq!(
            all_splits(b"10000000000000000\r\n").2,
            Some(HttpError::InvalidChunkSize),
            "overflow"
        );
        assert_eq!(
            all_splits(b"ffffffffffffffff\r\n").2,
            None,
            "u64::MAX is a valid size"
        );
    }

    #[test]
    fn data_must_end_with_crlf() {
        assert_eq!(all_splits(b"3\r\nabcX").2, Some(HttpError::InvalidChunkEnd));
        assert_eq!(
            all_splits(b"3\r\nabc\rX").2,
            Some(HttpError::InvalidChunkEnd)
        );
        assert_eq!(
            all_splits(b"0\r\nT: 1\rX").2,
            Some(HttpError::InvalidChunkEnd)
        );
        assert_eq!(all_splits(b"0\r\n\rX").2, Some(HttpError::InvalidChunkEnd));
    }

    #[test]
    fn errors_are_sticky() {
        let mut d = ChunkedDecoder::new(HttpLimits::default());
        assert_eq!(d.decode(b"z"), Err(HttpError::InvalidChunkSize));
        assert_eq!(d.decode(b"5\r\nhello"), Err(HttpError::InvalidChunkSize));
    }

    #[test]
    fn size_line_limit() {
        let mut limits = HttpLimits::new();
        limits.max_chunk_line_len = 8;
        assert_eq!(run(limits, &[b"5;abcdef\r\nhello\r\n0\r\n\r\n"]).2, None);
        assert_eq!(
            run(limits, &[b"5;abcdefg\r\n"]).2,
            Some(HttpError::ChunkLineTooLong { limit: 8 })
        );
        assert_eq!(
            run(limits, &[b"000000000"]).2,
            Some(HttpError::ChunkLineTooLong { limit: 8 })
        );
    }

    #[test]
    fn trailer_limit() {
        let mut limits = HttpLimits::new();
        limits.max_trailers_len = 8;
        // "A: b\r\n" (6) + "\r\n" (2) = 8 bytes of trailer section.
        assert_eq!(
            run(limits, &[b"0\r\nA: b\r\n\r\n"]),
            (Vec::new(), true, None)
        );
        assert_eq!(
            run(limits, &[b"0\r\nA: bc\r\n\r\n"]).2,
            Some(HttpError::TrailersTooLarge { limit: 8 })
        );
    }
}
