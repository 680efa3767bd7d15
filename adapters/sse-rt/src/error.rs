//! The one error type of the async layer.

use std::error::Error as StdError;
use std::fmt;
use std::io;

use sse_proto::{DecodeError, EncodeError};

/// Something that went wrong in the async layer, with its cause as
/// [`source`](StdError::source).
///
/// `Display` names only this layer ("i/o error", "byte stream failed"); the cause
/// (the `io::Error`, the [`DecodeError`] with its limit) is the error's
/// `source()`, so report chains print each layer once.
///
/// Whether the stream goes on after an error depends on the variant: after
/// [`Error::Decode`] the decoder has skipped the offending event and the next
/// item follows; after [`Error::Io`] or [`Error::Transport`] from the byte
/// source, the stream ends.
///
/// # Examples
///
/// ```
/// use std::error::Error as _;
/// use sse_rt::{DecodeError, Error};
///
/// let e = Error::from(DecodeError::LineTooLong { limit: 1024 });
/// assert_eq!(e.to_string(), "event skipped: over the decoder's limits");
/// assert_eq!(e.source().unwrap().to_string(), "line exceeds 1024 bytes");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading from (or writing to) the byte source failed. The stream ends.
    Io(io::Error),
    /// An event crossed a configured [`Limits`](sse_proto::Limits) value and was
    /// skipped; decoding goes on with the next event.
    Decode(DecodeError),
    /// A frame could not be encoded (a CR or LF in an event type or ID, a NUL in
    /// an ID); nothing of it was written.
    Encode(EncodeError),
    /// The byte stream or HTTP body failed (reqwest, hyper, ...): its own error,
    /// boxed. The stream ends.
    Transport(Box<dyn StdError + Send + Sync>),
}

impl Error {
    /// Wraps a byte stream's or body's error. An `io::Error` stays
    /// [`Error::Io`]; anything else becomes [`Error::Transport`].
    pub(crate) fn transport(e: impl Into<Box<dyn StdError + Send + Sync>>) -> Error {
        match e.into().downcast::<io::Error>() {
            Ok(io) => Error::Io(*io),
            Err(other) => Error::Transport(other),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::Io(_) => "i/o error",
            Error::Decode(_) => "event skipped: over the decoder's limits",
            Error::Encode(_) => "frame not encoded",
            Error::Transport(_) => "byte stream failed",
        })
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(match self {
            Error::Io(e) => e,
            Error::Decode(e) => e,
            Error::Encode(e) => e,
            Error::Transport(e) => &**e,
        })
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(e)
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Error {
        Error::Decode(e)
    }
}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Error {
        Error::Encode(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_from_a_byte_stream_stay_io() {
        let e = Error::transport(io::Error::new(io::ErrorKind::ConnectionReset, "reset"));
        assert!(matches!(e, Error::Io(ref io) if io.kind() == io::ErrorKind::ConnectionReset));
        let e = Error::transport("tls handshake failed");
        assert!(matches!(e, Error::Transport(_)));
        assert_eq!(e.to_string(), "byte stream failed");
        assert_eq!(e.source().unwrap().to_string(), "tls handshake failed");
    }

    #[test]
    fn display_names_the_layer_and_source_the_cause() {
        let e = Error::from(io::Error::new(io::ErrorKind::UnexpectedEof, "eof"));
        assert_eq!(e.to_string(), "i/o error");
        assert_eq!(e.source().unwrap().to_string(), "eof");
        let e = Error::from(EncodeError::BufferTooSmall { required: 9 });
        assert_eq!(e.to_string(), "frame not encoded");
        assert_eq!(
            e.source().unwrap().to_string(),
            EncodeError::BufferTooSmall { required: 9 }.to_string()
        );
    }
}
