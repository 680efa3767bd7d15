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

/// The field of an event that an [`EncodeError::InvalidField`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The event type (the `event` field).
    EventType,
    /// The event ID (the `id` field).
    Id,
}

impl Field {
    /// The field's name as written on the wire (`"event"`, `"id"`).
    pub const fn name(self) -> &'static str {
        match self {
            Field::EventType => "event",
            Field::Id => "id",
        }
    }
}

/// Why the [`Encoder`](crate::Encoder) wrote nothing.
///
/// The encoder checks everything before it writes a byte, so after an error the
/// output is exactly as it was.
///
/// # Examples
///
/// ```
/// use sse_proto::{EncodeError, Field};
///
/// let e = EncodeError::InvalidField { field: Field::Id, byte: b'\n', offset: 2 };
/// assert_eq!(e.to_string(), "invalid byte 0x0a at offset 2 of the id field");
/// assert_eq!(EncodeError::BufferTooSmall { required: 143 }.to_string(),
///            "buffer too small: 143 bytes required");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// A single-line field held a byte it cannot carry: CR or LF in the event type
    /// or ID (it would end the line and smuggle in another field), or NUL in the ID
    /// (decoders ignore such an `id` field).
    InvalidField {
        /// The offending field.
        field: Field,
        /// The offending byte (`b'\r'`, `b'\n'` or `0`).
        byte: u8,
        /// Its offset in the field's value, in bytes.
        offset: usize,
    },
    /// The output buffer is shorter than the encoded unit.
    BufferTooSmall {
        /// The length of the encoded unit, in bytes.
        required: usize,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::InvalidField {
                field,
                byte,
                offset,
            } => write!(
                f,
                "invalid byte {byte:#04x} at offset {offset} of the {} field",
                field.name()
            ),
            EncodeError::BufferTooSmall { required } => {
                write!(f, "buffer too small: {required} bytes required")
            }
        }
    }
}

impl core::error::Error for EncodeError {}

/// Why a [`History`](crate::History) did not take an event. Nothing was added.
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HistoryError {
    /// The encoder refused the event.
    Encode(EncodeError),
    /// The history assigns IDs, and the event came with one.
    UnexpectedId,
    /// The history takes caller-given IDs, and the event had none (or an empty
    /// one, which cannot be resumed from).
    MissingId,
    /// The history takes caller-given IDs, and one equal to the event's is held.
    DuplicateId,
    /// The history assigns IDs and has given out every `u64`.
    IdsExhausted,
}

#[cfg(feature = "alloc")]
impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryError::Encode(e) => write!(f, "event not encodable: {e}"),
            HistoryError::UnexpectedId => write!(f, "event has an id but the history assigns them"),
            HistoryError::MissingId => write!(f, "event needs a non-empty id"),
            HistoryError::DuplicateId => write!(f, "event id already held"),
            HistoryError::IdsExhausted => write!(f, "history ids exhausted at {}", u64::MAX),
        }
    }
}

#[cfg(feature = "alloc")]
impl core::error::Error for HistoryError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            HistoryError::Encode(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(feature = "alloc")]
impl From<EncodeError> for HistoryError {
    fn from(e: EncodeError) -> Self {
        HistoryError::Encode(e)
    }
}
