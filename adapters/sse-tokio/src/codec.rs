//! `tokio_util::codec` for event streams (feature `codec`).

use bytes::{Buf, BytesMut};
use sse_rt::{ChunkDecoder, DecodeConfig, Encoder, Error, EventFrame, Frame, ItemOwned};

/// tokio-util's [`Decoder`](tokio_util::codec::Decoder) and
/// [`Encoder`](tokio_util::codec::Encoder) for `text/event-stream`: bytes in,
/// owned items out; [`Frame`]s (or [`EventFrame`]s) in, bytes out.
///
/// Decoding follows the core exactly, with its [`Limits`](sse_rt::Limits):
/// `decode` takes what it needs of the buffer (a partial line waits in the
/// codec's reused buffer, not in the `BytesMut`), and `decode_eof` drops an
/// unterminated event at the end of input, as the standard requires.
///
/// # Limit errors and `FramedRead`
///
/// An event over the limits is an [`Error::Decode`]; the codec skips that
/// event and goes on at the next call. tokio-util's `FramedRead` yields `None`
/// once after any decoder error (its rule since tokio#3976); polling it again
/// resumes with the events after the skipped one. A stream that simply goes
/// on is [`DecodeReader`](sse_rt::DecodeReader) over
/// [`TokioIo`](crate::TokioIo).
///
/// # Examples
///
/// ```
/// use futures_lite::StreamExt;
/// use sse_tokio::{ItemOwned, SseCodec};
/// use tokio_util::codec::FramedRead;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let body = &b"event: greet\r\ndata: hello\r\n\r\n: ping\n\n"[..];
/// let mut items = FramedRead::new(body, SseCodec::new());
/// let Some(Ok(ItemOwned::Event(event))) = items.next().await else { panic!() };
/// assert_eq!((event.event_type.as_str(), event.data.as_str()), ("greet", "hello"));
/// assert!(matches!(items.next().await, Some(Ok(ItemOwned::Comment(c))) if c == " ping"));
/// assert!(items.next().await.is_none());
/// # });
/// ```
///
/// Encoding:
///
/// ```
/// use bytes::BytesMut;
/// use sse_tokio::{EventFrame, Frame, SseCodec};
/// use tokio_util::codec::Encoder as _;
///
/// let mut codec = SseCodec::new();
/// let mut out = BytesMut::new();
/// codec.encode(EventFrame::new("a\nb").with_id("1"), &mut out).unwrap();
/// codec.encode(Frame::Keepalive, &mut out).unwrap();
/// assert_eq!(&out[..], b"id: 1\ndata: a\ndata: b\n\n:\n\n");
/// ```
#[derive(Debug)]
pub struct SseCodec {
    decoder: ChunkDecoder,
    encoder: Encoder,
}

impl SseCodec {
    /// A codec with the default [`DecodeConfig`] and [`Encoder`].
    pub fn new() -> SseCodec {
        SseCodec::with_config(DecodeConfig::new())
    }

    /// A codec decoding with `config`.
    pub fn with_config(config: DecodeConfig) -> SseCodec {
        SseCodec {
            decoder: ChunkDecoder::new(config),
            encoder: Encoder::new(),
        }
    }

    /// This codec encoding with `encoder` (its keepalive text), builder style.
    pub fn with_encoder(mut self, encoder: Encoder) -> SseCodec {
        self.encoder = encoder;
        self
    }

    /// The last event ID decoded so far (`""` when none).
    pub fn last_event_id(&self) -> &str {
        self.decoder.last_event_id()
    }
}

impl Default for SseCodec {
    fn default() -> SseCodec {
        SseCodec::new()
    }
}

impl tokio_util::codec::Decoder for SseCodec {
    type Item = ItemOwned;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<ItemOwned>, Error> {
        // One step takes everything when no item completes, so one call
        // leaves either an item or an empty buffer.
        let step = self.decoder.decode(src);
        src.advance(step.consumed);
        step.item.transpose().map_err(Error::Decode)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<ItemOwned>, Error> {
        let item = self.decode(src)?;
        if item.is_none() {
            self.decoder.finish();
        }
        Ok(item)
    }
}

impl<'a> tokio_util::codec::Encoder<Frame<'a>> for SseCodec {
    type Error = Error;

    fn encode(&mut self, frame: Frame<'a>, dst: &mut BytesMut) -> Result<(), Error> {
        self.encoder.encode_to_buf(frame, dst)?;
        Ok(())
    }
}

impl<'a> tokio_util::codec::Encoder<EventFrame<'a>> for SseCodec {
    type Error = Error;

    fn encode(&mut self, event: EventFrame<'a>, dst: &mut BytesMut) -> Result<(), Error> {
        self.encode(Frame::Event(event), dst)
    }
}
