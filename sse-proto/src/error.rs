//! Error types, one enum per layer.

use core::fmt;

/// Why the [`Decoder`](crate::Decoder) refused part of a stream.
///
/// The event-stream format itself never rejects bytes (invalid UTF-8 becomes
/// U+FFFD, unknown fields are ignored), so every variant is about a size limit.
/// After an error the decoder skips the rest of the offending event, up to and
/// including the next empty line, and then decodes normally again.
///
/// # Examples
///
/// ```
/// use sse_proto::DecodeError;
///
/// let e = DecodeError::LineTooLong { limit: 65_536 };
/// assert_eq!(e.to_string(), "line exceeds 65536 bytes");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeError {
    /// A line was longer than [`Limits::max_line_len`](crate::Limits::max_line_len).
    LineTooLong {
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// An event's data was larger than
    /// [`Limits::max_event_len`](crate::Limits::max_event_len).
    EventTooLarge {
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// The caller-provided buffer of a
    /// [`Decoder::with_buffer`](crate::Decoder::with_buffer) decoder cannot hold
    /// a value of the stream.
    BufferFull {
        /// The size of the part of the buffer that overflowed, in bytes.
        capacity: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::LineTooLong { limit } => write!(f, "line exceeds {limit} bytes"),
            DecodeError::EventTooLarge { limit } => write!(f, "event data exceeds {limit} bytes"),
            DecodeError::BufferFull { capacity } => {
                write!(f, "decoder buffer full: {capacity} bytes")
            }
        }
    }
}

impl core::error::Error for DecodeError {}

#[cfg(feature = "std")]
impl From<DecodeError> for std::io::Error {
    fn from(e: DecodeError) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}
