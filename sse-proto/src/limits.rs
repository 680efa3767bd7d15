//! Size limits that keep a hostile stream from growing memory without bound.

/// Size limits of a [`Decoder`](crate::Decoder).
///
/// Both limits count bytes of the *unterminated remainder*, across any number of
/// reads: a line is measured from its first byte to its end, however it was chunked,
/// and an event from its first `data` line to its dispatch.
///
/// The defaults are generous (LLM tool-call payloads of several MiB pass) yet
/// present: [`Limits::DEFAULT_MAX_LINE_LEN`] (8 MiB) and
/// [`Limits::DEFAULT_MAX_EVENT_LEN`] (16 MiB).
///
/// When a limit is exceeded the decoder returns a typed
/// [`DecodeError`](crate::DecodeError) naming the limit, skips the rest of that
/// event (up to and including the next empty line), and goes on with the events
/// after it.
///
/// # Examples
///
/// ```
/// use sse_proto::Limits;
///
/// let mut limits = Limits::default();
/// limits.max_line_len = 64 * 1024;
/// assert_eq!(limits.max_event_len, Limits::DEFAULT_MAX_EVENT_LEN);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Limits {
    /// The longest line accepted, in bytes, without its line ending. Bounds the
    /// buffered partial line, and so the `event`, `id` and comment values.
    pub max_line_len: usize,
    /// The largest data buffer of one event accepted, in bytes: the `data` values of
    /// the event plus one LF per `data` line.
    pub max_event_len: usize,
}

impl Limits {
    /// Default for [`Limits::max_line_len`]: 8 MiB.
    pub const DEFAULT_MAX_LINE_LEN: usize = 8 * 1024 * 1024;
    /// Default for [`Limits::max_event_len`]: 16 MiB.
    pub const DEFAULT_MAX_EVENT_LEN: usize = 16 * 1024 * 1024;

    /// The default limits (same as [`Limits::default`], usable in `const`).
    pub const fn new() -> Limits {
        Limits {
            max_line_len: Self::DEFAULT_MAX_LINE_LEN,
            max_event_len: Self::DEFAULT_MAX_EVENT_LEN,
        }
    }

    /// These limits with `max_line_len` replaced (builder style, usable in `const`).
    ///
    /// ```
    /// use sse_proto::Limits;
    ///
    /// const LIMITS: Limits = Limits::new().with_max_line_len(1 << 20).with_max_event_len(4 << 20);
    /// assert_eq!(LIMITS.max_line_len, 1 << 20);
    /// ```
    pub const fn with_max_line_len(mut self, bytes: usize) -> Limits {
        self.max_line_len = bytes;
        self
    }

    /// These limits with `max_event_len` replaced (builder style, usable in `const`).
    pub const fn with_max_event_len(mut self, bytes: usize) -> Limits {
        self.max_event_len = bytes;
        self
    }

    /// No limits at all: every line and event is accepted (memory is then bounded
    /// only by the storage). Meant for trusted input and tests.
    pub const fn unlimited() -> Limits {
        Limits {
            max_line_len: usize::MAX,
            max_event_len: usize::MAX,
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new()
    }
}
