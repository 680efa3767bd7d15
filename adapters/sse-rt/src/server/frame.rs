//! One unit of an event stream, encoded once and shared.

use std::time::Duration;

use bytes::Bytes;
use sse_proto::{EncodeError, Encoder, Frame};

/// One complete, validated unit of an event stream (an event, a comment, a
/// `retry:`), encoded once into [`Bytes`]: cloning it shares the bytes.
///
/// Every server path of this crate carries frames this way: an
/// [`EventBody`](super::EventBody) writes them as they are, the
/// [`Hub`](super::Hub) hands the same bytes to every subscriber, and a
/// [`Sender`](super::Sender) encodes at the call, so a refused frame is an
/// error there and never a panic or half a frame on the wire.
///
/// A frame may hold several events back to back (a replay from a
/// [`History`](sse_proto::server::History) is one frame); it always ends with
/// an empty line.
///
/// # Examples
///
/// ```
/// use sse_rt::server::EncodedFrame;
/// use sse_rt::{EventFrame, Frame};
///
/// let frame = EncodedFrame::new(EventFrame::new("line 1\nline 2").with_event_type("note"))?;
/// assert_eq!(frame.as_bytes(), b"event: note\ndata: line 1\ndata: line 2\n\n");
/// assert_eq!(EncodedFrame::new(Frame::Comment(" hi"))?.as_bytes(), b": hi\n\n");
///
/// // An ID with a line break would inject a field: refused, nothing encoded.
/// assert!(EncodedFrame::new(EventFrame::new("x").with_id("1\nevent: forged")).is_err());
/// # Ok::<(), sse_rt::EncodeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EncodedFrame(Bytes);

impl EncodedFrame {
    /// Encodes `frame` (an [`EventFrame`](sse_proto::EventFrame) or any
    /// [`Frame`]) with the core's [`Encoder`], in one allocation of the exact
    /// size.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidField`] for a CR or LF in the event type or ID, or
    /// a NUL in the ID.
    pub fn new<'a>(frame: impl Into<Frame<'a>>) -> Result<EncodedFrame, EncodeError> {
        let frame = frame.into();
        let encoder = Encoder::new();
        let mut buf = Vec::with_capacity(encoder.encoded_len(frame)?);
        encoder.encode_to_vec(frame, &mut buf)?;
        Ok(EncodedFrame(Bytes::from(buf)))
    }

    /// The encoder's keepalive comment, `:` and an empty line.
    ///
    /// ```
    /// assert_eq!(sse_rt::server::EncodedFrame::keepalive().as_bytes(), b":\n\n");
    /// ```
    pub const fn keepalive() -> EncodedFrame {
        EncodedFrame(Bytes::from_static(KEEPALIVE))
    }

    /// A `retry:` frame: the client's reconnection delay, in whole
    /// milliseconds.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let frame = sse_rt::server::EncodedFrame::retry(Duration::from_secs(2));
    /// assert_eq!(frame.as_bytes(), b"retry: 2000\n\n");
    /// ```
    pub fn retry(delay: Duration) -> EncodedFrame {
        match EncodedFrame::new(Frame::Retry(delay)) {
            Ok(frame) => frame,
            // Unreachable: a `retry` frame holds no field the encoder refuses.
            Err(_) => EncodedFrame::keepalive(),
        }
    }

    /// Bytes the caller vouches for: complete units written by the core's
    /// encoder (a [`History`](sse_proto::server::History) replay, a pushed
    /// event).
    pub(crate) fn from_encoded(bytes: Bytes) -> EncodedFrame {
        EncodedFrame(bytes)
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The encoded bytes, shared.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: every frame ends with an empty line (clippy's
    /// `len_without_is_empty` companion).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<EncodedFrame> for Bytes {
    fn from(frame: EncodedFrame) -> Bytes {
        frame.0
    }
}

impl AsRef<[u8]> for EncodedFrame {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// What [`EncodedFrame::keepalive`] holds: [`Frame::Keepalive`] as the default
/// encoder writes it (checked by a test).
const KEEPALIVE: &[u8] = b":\n\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keepalive_is_the_encoders() {
        assert_eq!(
            EncodedFrame::new(Frame::Keepalive).unwrap(),
            EncodedFrame::keepalive()
        );
        assert_eq!(
            EncodedFrame::new(Frame::Retry(Duration::from_millis(1500)))
                .unwrap()
                .into_bytes(),
            Bytes::from_static(b"retry: 1500\n\n")
        );
    }
}
