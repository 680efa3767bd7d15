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

/// Why an [`EventSource`](crate::client) connection failed for good: the client
/// is [`Closed`](crate::client::ReadyState::Closed) and will not reconnect.
///
/// Network errors and the end of a replayable stream are not failures: they
/// schedule a reconnect.
///
/// # Examples
///
/// ```
/// use sse_proto::FailReason;
///
/// assert_eq!(FailReason::Status { status: 401 }.to_string(), "response status 401, expected 200");
/// assert_eq!(FailReason::RetryBudget { retries: 5 }.to_string(), "gave up after 5 reconnect attempts");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailReason {
    /// The response status was neither 200, nor 204, nor a redirect followed
    /// (301, 302, 303, 307, 308).
    Status {
        /// The status code received.
        status: u16,
    },
    /// The server answered 204 No Content: its way of saying "stop".
    NoContent,
    /// A 200 response whose `Content-Type` is absent or not `text/event-stream`.
    ContentType,
    /// The retry budget ran out: this many reconnects in a row failed before a
    /// connection proved healthy.
    RetryBudget {
        /// The configured budget.
        retries: u32,
    },
    /// A one-shot stream (never re-sent) ended inside an event, without its final
    /// chunk, or on a network error.
    Interrupted,
    /// A one-shot stream received no byte for this long.
    IdleTimeout {
        /// The configured idle timeout, in milliseconds.
        millis: u64,
    },
    /// [`Client::close`](crate::client::Client::close) was called.
    Closed,
    /// One request was redirected more than
    /// [`Config::max_redirects`](crate::client::Config::max_redirects) times.
    TooManyRedirects {
        /// The configured limit.
        limit: u32,
    },
}

impl fmt::Display for FailReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailReason::Status { status } => write!(f, "response status {status}, expected 200"),
            FailReason::NoContent => f.write_str("server answered 204: stop reconnecting"),
            FailReason::ContentType => {
                f.write_str("response content type is not text/event-stream")
            }
            FailReason::RetryBudget { retries } => {
                write!(f, "gave up after {retries} reconnect attempts")
            }
            FailReason::Interrupted => f.write_str("one-shot stream interrupted"),
            FailReason::IdleTimeout { millis } => write!(f, "no byte received for {millis} ms"),
            FailReason::Closed => f.write_str("closed by the caller"),
            FailReason::TooManyRedirects { limit } => write!(f, "more than {limit} redirects"),
        }
    }
}

impl core::error::Error for FailReason {}

/// Malformed or oversized HTTP/1.1 input, or output that does not fit, from
/// [`sse_proto::http`](crate::http). Size variants name the limit in force.
///
/// # Examples
///
/// ```
/// use sse_proto::HttpError;
///
/// let e = HttpError::HeadTooLarge { limit: 16_384 };
/// assert_eq!(e.to_string(), "http head exceeds 16384 bytes");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HttpError {
    /// The output buffer is too small; nothing was written.
    BufferTooSmall {
        /// The bytes needed.
        required: usize,
    },
    /// The head did not end within the head-size limit.
    HeadTooLarge {
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// More header lines than the caller's header storage holds.
    TooManyHeaders {
        /// The number of header slots provided.
        limit: usize,
    },
    /// The head is not valid HTTP/1.x (httparse's reason).
    MalformedHead {
        /// What was wrong, e.g. `"invalid header name"`.
        reason: &'static str,
    },
    /// A value to be written contains a byte that would break the head (CR, LF,
    /// NUL, or a non-token byte in a method or header name).
    InvalidField {
        /// Which field: `"method"`, `"path"`, `"host"`, `"header name"`,
        /// `"header value"`, `"last-event-id"`.
        field: &'static str,
        /// The offending byte.
        byte: u8,
    },
    /// `Content-Length` is not a decimal number, or several disagree.
    InvalidContentLength,
    /// A `Transfer-Encoding` other than `chunked` alone (no decompression here).
    UnsupportedTransferCoding,
    /// A chunk-size line (size and extensions) longer than the limit.
    ChunkLineTooLong {
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// A chunk size that is not hex, or that overflows 64 bits.
    InvalidChunkSize,
    /// A chunk's data, a trailer line or the final empty line is not ended by
    /// CRLF.
    InvalidChunkEnd,
    /// The trailer section after the last chunk exceeds the limit.
    TrailersTooLarge {
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// A request body longer than the server accepts (answered `413`).
    BodyTooLarge {
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// A redirect response without a `Location` header, or with an empty one.
    MissingLocation,
    /// A URL (or `Location` value) that cannot be requested: not `http` or
    /// `https`, no host, a bad port, user info, or a space or control byte.
    InvalidUrl {
        /// What was wrong, e.g. `"scheme is not http or https"`.
        reason: &'static str,
    },
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::BufferTooSmall { required } => {
                write!(f, "buffer too small: {required} bytes required")
            }
            HttpError::HeadTooLarge { limit } => write!(f, "http head exceeds {limit} bytes"),
            HttpError::TooManyHeaders { limit } => write!(f, "more than {limit} headers"),
            HttpError::MalformedHead { reason } => write!(f, "malformed http head: {reason}"),
            HttpError::InvalidField { field, byte } => {
                write!(f, "invalid byte 0x{byte:02x} in {field}")
            }
            HttpError::InvalidContentLength => f.write_str("invalid content-length"),
            HttpError::UnsupportedTransferCoding => {
                f.write_str("unsupported transfer-encoding (only chunked)")
            }
            HttpError::ChunkLineTooLong { limit } => {
                write!(f, "chunk size line exceeds {limit} bytes")
            }
            HttpError::InvalidChunkSize => f.write_str("invalid chunk size"),
            HttpError::InvalidChunkEnd => {
                f.write_str("chunk data or trailer line not ended by crlf")
            }
            HttpError::TrailersTooLarge { limit } => write!(f, "trailers exceed {limit} bytes"),
            HttpError::BodyTooLarge { limit } => write!(f, "request body exceeds {limit} bytes"),
            HttpError::MissingLocation => f.write_str("redirect without a location"),
            HttpError::InvalidUrl { reason } => write!(f, "invalid url: {reason}"),
        }
    }
}

impl core::error::Error for HttpError {}

#[cfg(feature = "std")]
impl From<HttpError> for std::io::Error {
    fn from(e: HttpError) -> std::io::Error {
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

/// Why a [`History`](crate::server::History) did not take an event. Nothing was added.
///
/// Like every error of this crate, its `Display` says only what went wrong at
/// its own layer; the encoder's reason for [`HistoryError::Encode`] is its
/// [`source`](core::error::Error::source), so a report that walks the chain
/// prints each cause once.
///
/// # Examples
///
/// ```
/// use core::error::Error;
/// use sse_proto::{EncodeError, Field, HistoryError};
///
/// let e = HistoryError::from(EncodeError::InvalidField { field: Field::Id, byte: 0, offset: 1 });
/// assert_eq!(e.to_string(), "event not encodable");
/// assert_eq!(
///     e.source().map(|cause| cause.to_string()).as_deref(),
///     Some("invalid byte 0x00 at offset 1 of the id field")
/// );
/// ```
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
            // The encoder's reason is the `source()`, printed by whoever walks the chain.
            HistoryError::Encode(_) => f.write_str("event not encodable"),
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
