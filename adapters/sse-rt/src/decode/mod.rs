//! Decoding byte sources into owned items: one core, three thin sources.
//!
//! [`ChunkDecoder`] is the only place in the adapters that calls the core's
//! decoder. [`Driver`] runs it over any [`Source`] (a byte stream, an
//! `AsyncRead`, an HTTP body), so the three public streams share every line of
//! their logic and differ only in how they get bytes.

#[cfg(feature = "http-body")]
mod body_source;
mod read_source;
mod stream_source;

use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use sse_proto::{DecodeError, Decoder, ItemOwned, Limits, StreamEnd};

use crate::Error;

#[cfg(feature = "http-body")]
pub use body_source::DecodeBody;
pub use read_source::DecodeReader;
pub use stream_source::{ByteStreamExt, DecodeStream};

/// How to decode: the core's [`Limits`] and whether comments come out as items.
///
/// The default is the core's: [`Limits::default`] (8 MiB lines, 16 MiB events)
/// and comments on.
///
/// # Examples
///
/// ```
/// use sse_rt::{DecodeConfig, Limits};
///
/// let config = DecodeConfig::new()
///     .with_limits(Limits::new().with_max_event_len(1 << 20))
///     .with_comments(false);
/// assert_eq!(config.limits.max_event_len, 1 << 20);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DecodeConfig {
    /// Size limits on lines and events; an event over them is an
    /// [`Error::Decode`] item and is skipped.
    pub limits: Limits,
    /// Whether comment lines (`: keepalive`) come out as
    /// [`ItemOwned::Comment`]; when `false` they are passed over like browsers
    /// do.
    pub comments: bool,
}

impl DecodeConfig {
    /// The default configuration (usable in `const`).
    pub const fn new() -> DecodeConfig {
        DecodeConfig {
            limits: Limits::new(),
            comments: true,
        }
    }

    /// This configuration with other limits (builder style).
    pub const fn with_limits(mut self, limits: Limits) -> DecodeConfig {
        self.limits = limits;
        self
    }

    /// This configuration with comments surfaced (`true`) or passed over.
    pub const fn with_comments(mut self, comments: bool) -> DecodeConfig {
        self.comments = comments;
        self
    }
}

impl Default for DecodeConfig {
    fn default() -> DecodeConfig {
        DecodeConfig::new()
    }
}

/// One step of a [`ChunkDecoder`]: how much input it used and what it found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeStep {
    /// Bytes of the input used; drop them before the next call.
    pub consumed: usize,
    /// The item found, the error of an over-limit event (skipped, decoding goes
    /// on at the next call), or `None` when the input ran out first (then
    /// `consumed` is the whole input).
    pub item: Option<Result<ItemOwned, DecodeError>>,
}

/// The core's decoder handing out owned items, one per call: what the streams
/// of this crate (and `sse-tokio`'s codec) are built on.
///
/// Each item's strings are allocated once per item, when it is handed out;
/// partial lines and events live in the decoder's reused buffer meanwhile.
///
/// # Examples
///
/// ```
/// use sse_rt::{ChunkDecoder, DecodeConfig, ItemOwned};
///
/// let mut decoder = ChunkDecoder::new(DecodeConfig::new());
/// let mut input = &b"data: a\n\ndata: b\n\n"[..];
/// let mut data = Vec::new();
/// while !input.is_empty() {
///     let step = decoder.decode(input);
///     input = &input[step.consumed..];
///     if let Some(Ok(ItemOwned::Event(e))) = step.item {
///         data.push(e.data);
///     }
/// }
/// assert_eq!(data, ["a", "b"]);
/// ```
#[derive(Debug)]
pub struct ChunkDecoder {
    decoder: Decoder<Vec<u8>>,
}

impl ChunkDecoder {
    /// A decoder with `config`'s limits and comment setting.
    pub fn new(config: DecodeConfig) -> ChunkDecoder {
        ChunkDecoder {
            decoder: Decoder::new()
                .with_limits(config.limits)
                .with_comments(config.comments),
        }
    }

    /// Decodes from `input` up to the next item, or all of it when no item
    /// completes. Call again with the input after
    /// [`consumed`](DecodeStep::consumed) until it is empty.
    ///
    /// # Panics
    ///
    /// Never.
    pub fn decode(&mut self, input: &[u8]) -> DecodeStep {
        let mut feed = self.decoder.feed(input);
        let item = feed
            .next_item()
            .map(|item| item.map(|item| item.into_owned()));
        let consumed = input.len() - feed.remaining().len();
        DecodeStep { consumed, item }
    }

    /// Ends the input: an unterminated event is dropped, as the standard
    /// requires, and the decoder is ready for a new body (keeping the last
    /// event ID). Says whether anything was dropped.
    pub fn finish(&mut self) -> StreamEnd {
        self.decoder.finish()
    }

    /// The last event ID: what a reconnect sends as `Last-Event-ID`.
    pub fn last_event_id(&self) -> &str {
        self.decoder.last_event_id()
    }

    /// The reconnection time of the last valid `retry` field, if any.
    pub fn retry(&self) -> Option<Duration> {
        self.decoder.retry()
    }
}

/// Where a [`Driver`] gets its bytes: a byte stream, a reader, a body.
pub(crate) trait Source {
    /// The bytes not yet decoded (never empty), polling for more when none are
    /// held; `Ok(None)` at the end of the input.
    fn poll_bytes(self: Pin<&mut Self>, cx: &mut Context<'_>)
        -> Poll<Result<Option<&[u8]>, Error>>;

    /// Marks the first `n` bytes that `poll_bytes` returned as decoded.
    fn consume(self: Pin<&mut Self>, n: usize);
}

/// Where a [`Driver`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Decoding.
    Running,
    /// The input ended; how the decoder saw the end.
    Ended(StreamEnd),
    /// The source failed and its error was handed out.
    Failed,
}

pin_project! {
    /// The decoding loop shared by every public stream: all state lives here,
    /// so `poll_next` can be dropped at any `Pending` without losing a byte.
    #[derive(Debug)]
    pub(crate) struct Driver<S> {
        #[pin]
        source: S,
        decoder: ChunkDecoder,
        state: State,
    }
}

impl<S> Driver<S> {
    pub(crate) fn new(source: S, config: DecodeConfig) -> Self {
        Driver {
            source,
            decoder: ChunkDecoder::new(config),
            state: State::Running,
        }
    }

    pub(crate) fn decoder(&self) -> &ChunkDecoder {
        &self.decoder
    }

    pub(crate) fn source(&self) -> &S {
        &self.source
    }

    pub(crate) fn into_source(self) -> S {
        self.source
    }

    pub(crate) fn stream_end(&self) -> Option<StreamEnd> {
        match self.state {
            State::Ended(end) => Some(end),
            State::Running | State::Failed => None,
        }
    }

    pub(crate) fn is_terminated(&self) -> bool {
        self.state != State::Running
    }
}

impl<S: Source> Driver<S> {
    /// The next item: bytes are decoded as soon as the source has them, one item
    /// per call; the end of input runs [`ChunkDecoder::finish`].
    pub(crate) fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<ItemOwned, Error>>> {
        let mut this = self.project();
        while *this.state == State::Running {
            let bytes = match ready!(this.source.as_mut().poll_bytes(cx)) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => {
                    *this.state = State::Ended(this.decoder.finish());
                    break;
                }
                Err(e) => {
                    *this.state = State::Failed;
                    return Poll::Ready(Some(Err(e)));
                }
            };
            let step = this.decoder.decode(bytes);
            this.source.as_mut().consume(step.consumed);
            if let Some(item) = step.item {
                return Poll::Ready(Some(item.map_err(Error::Decode)));
            }
        }
        Poll::Ready(None)
    }
}

/// The inspection methods every decoding stream has, written once.
macro_rules! decode_stream_accessors {
    ($name:ident<$param:ident $(: $bound:path)?>, $what:literal) => {
        impl<$param $(: $bound)?> $name<$param> {
            /// The last event ID seen so far (`""` when none): what a reconnect
            /// sends as `Last-Event-ID`.
            pub fn last_event_id(&self) -> &str {
                self.driver.decoder().last_event_id()
            }

            /// The reconnection time of the last valid `retry` field, if any.
            pub fn retry(&self) -> Option<std::time::Duration> {
                self.driver.decoder().retry()
            }

            /// How the input ended, once it has: [`StreamEnd::Truncated`]
            /// when an unterminated event was dropped. `None` while the stream
            /// runs, and after the source failed.
            ///
            /// [`StreamEnd::Truncated`]: sse_proto::StreamEnd::Truncated
            pub fn stream_end(&self) -> Option<sse_proto::StreamEnd> {
                self.driver.stream_end()
            }

            #[doc = concat!("The ", $what, " being decoded.")]
            pub fn get_ref(&self) -> &$param {
                self.driver.source().get_ref()
            }

            #[doc = concat!("Gives back the ", $what, "; bytes read from it but not yet decoded are lost.")]
            pub fn into_inner(self) -> $param {
                self.driver.into_source().into_inner()
            }
        }
    };
}
pub(crate) use decode_stream_accessors;
