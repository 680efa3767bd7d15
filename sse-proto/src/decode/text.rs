//! The one place where the decoder's bytes become `&str` without a check.
//!
//! Text is made only here, by types whose fields nothing else can set:
//! [`Ascii`] (what the line scanner learnt), [`Text`] (where an item's text
//! lies), [`TextBuf`] (the event type and ID buffers) and, with feature
//! `bytes`, [`Utf8Bytes`]. Each is valid UTF-8 for one of four reasons, all
//! given in this file: the line scanner classified every byte as ASCII
//! (`scan::lines`, tested per byte value at every position), a pass over the
//! read proved it ([`ReadProof`]), `from_utf8` accepted it ([`utf8::is_valid`]),
//! or [`utf8::push_lossy`] wrote it. So every `from_utf8_unchecked` below sits
//! next to its proof.

use core::ops::Range;

use super::buffer::sealed::{Full, Sealed};
use super::region::Regions;
use super::utf8::{self, ReadProof};
use super::Storage;
use crate::scan::lines::LineEnds;

/// Whether some bytes are known to be ASCII, as the line scanner classified
/// them; only this module makes one that says so.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ascii(bool);

impl Ascii {
    /// Nothing known.
    pub(super) const UNKNOWN: Ascii = Ascii(false);

    /// What `lines` knows of the bytes from `start` to its last line end found
    /// (or to the end of its input, when it found none after `start`).
    #[inline(always)]
    pub(super) fn scanned(lines: &LineEnds<'_>, start: usize) -> Ascii {
        Ascii(lines.is_ascii_from(start))
    }

    /// Known of both parts.
    #[inline(always)]
    pub(super) fn and(self, other: Ascii) -> Ascii {
        Ascii(self.0 && other.0)
    }
}

/// Where the text of a found item lies (a word-sized tag: see
/// [`Found`](super::item::Found)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[repr(usize)]
pub(super) enum Loc {
    /// In the caller's input of this step.
    Input(Range<usize>),
    /// In the decoder's main buffer.
    Main(Range<usize>),
}

/// Valid UTF-8 at a [`Loc`], until the next step writes to the main buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Text(Loc);

impl Text {
    /// `input[r]` as text: in place when known ASCII, proven by `proof` or
    /// valid; else its lossy decoding, written after everything in `main`.
    /// `r` starts after a field name or at a line start and ends at a line end
    /// (see [`ReadProof::covers`]).
    #[inline]
    pub(super) fn in_input<S: Storage>(
        main: &mut Regions<S>,
        proof: &mut ReadProof,
        input: &[u8],
        r: Range<usize>,
        ascii: Ascii,
    ) -> Result<Text, Full> {
        let bytes = &input[r.clone()];
        if ascii.0 || proof.covers(input, r.start, r.end) || utf8::is_valid(bytes) {
            return Ok(Text(Loc::Input(r)));
        }
        let r = main.append_scratch(|buf| utf8::push_lossy(buf, bytes))?;
        Ok(Text(Loc::Main(r)))
    }

    /// `main[r]` as text: in place when known ASCII or valid, else its lossy
    /// decoding after everything in `main`.
    #[inline]
    pub(super) fn in_main<S: Storage>(
        main: &mut Regions<S>,
        r: Range<usize>,
        ascii: Ascii,
    ) -> Result<Text, Full> {
        if ascii.0 || utf8::is_valid(&main.bytes()[r.clone()]) {
            return Ok(Text(Loc::Main(r)));
        }
        let r = main.append_scratch(|buf| utf8::push_lossy_within(buf, r))?;
        Ok(Text(Loc::Main(r)))
    }

    /// The text, given the step's `input` and the main buffer's bytes, neither
    /// written since the step that made it.
    #[inline(always)]
    pub(super) fn view<'a>(&self, input: &'a [u8], main: &'a [u8]) -> &'a str {
        let bytes = match &self.0 {
            Loc::Input(r) => &input[r.clone()],
            Loc::Main(r) => &main[r.clone()],
        };
        // SAFETY: a `Text` is made only by `in_input` / `in_main` above, after
        // the scanner's ASCII classification, a read's proof, `is_valid` or
        // `push_lossy*` vouched for exactly these bytes; the decoder writes
        // neither buffer between the step that made it and this view.
        unsafe { assume_utf8(bytes) }
    }
}

/// Storage that always holds valid UTF-8: the event type and ID buffers.
#[derive(Debug)]
pub(super) struct TextBuf<S>(S);

impl<S: Sealed> TextBuf<S> {
    /// Empty text over `storage` (which must be empty).
    pub(super) fn new(storage: S) -> Self {
        debug_assert!(storage.bytes().is_empty());
        TextBuf(storage)
    }

    /// The text's bytes.
    #[inline(always)]
    pub(super) fn bytes(&self) -> &[u8] {
        self.0.bytes()
    }

    /// The text.
    #[inline(always)]
    pub(super) fn as_str(&self) -> &str {
        // SAFETY: only `set` and `set_str` write, each after emptying the
        // storage, and each appends whole valid UTF-8: known ASCII, a `&str`,
        // or a lossy decoding (a failed append leaves a valid prefix).
        unsafe { assume_utf8(self.0.bytes()) }
    }

    /// Replaces the text with `value`: as is when known ASCII, else its lossy
    /// decoding.
    #[inline]
    pub(super) fn set(&mut self, value: &[u8], ascii: Ascii) -> Result<(), Full> {
        self.0.truncate(0);
        if ascii.0 {
            self.0.try_extend(value)
        } else {
            utf8::push_lossy(&mut self.0, value)
        }
    }

    /// Replaces the text with `value`.
    pub(super) fn set_str(&mut self, value: &str) -> Result<(), Full> {
        self.0.truncate(0);
        self.0.try_extend(value.as_bytes())
    }
}

/// `bytes` as text, without checking it again (debug builds, and so every
/// test and fuzz run, check it).
///
/// # Safety
///
/// `bytes` must be valid UTF-8.
#[inline(always)]
unsafe fn assume_utf8(bytes: &[u8]) -> &str {
    debug_assert!(
        core::str::from_utf8(bytes).is_ok(),
        "invariant: valid UTF-8"
    );
    // SAFETY: the caller guarantees `bytes` is valid UTF-8 (see `# Safety`).
    unsafe { core::str::from_utf8_unchecked(bytes) }
}

/// Valid UTF-8 in [`Bytes`](::bytes::Bytes) (feature `bytes`).
#[cfg(feature = "bytes")]
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct Utf8Bytes(::bytes::Bytes);

#[cfg(feature = "bytes")]
impl Utf8Bytes {
    /// `text` without a copy.
    pub(super) fn from_static(text: &'static str) -> Self {
        Utf8Bytes(::bytes::Bytes::from_static(text.as_bytes()))
    }

    /// A copy of `text`.
    pub(super) fn copy_from(text: &str) -> Self {
        Utf8Bytes(::bytes::Bytes::copy_from_slice(text.as_bytes()))
    }

    /// `text` as [`Text::view`] gives it, where `chunk` was the step's input:
    /// a slice of `chunk` when it lies there (no copy), else a copy.
    #[inline]
    pub(super) fn of_text(text: &Text, chunk: &::bytes::Bytes, main: &[u8]) -> Self {
        match &text.0 {
            Loc::Input(r) => Utf8Bytes(chunk.slice(r.clone())),
            Loc::Main(_) => Utf8Bytes::copy_from(text.view(chunk, main)),
        }
    }

    /// The text.
    #[inline]
    pub(super) fn as_str(&self) -> &str {
        // SAFETY: made above only from a `&str`, or from a chunk slice a
        // `Text` vouched for (what `Text::view` would give for it).
        unsafe { assume_utf8(&self.0) }
    }

    /// The bytes.
    pub(super) fn as_bytes(&self) -> &::bytes::Bytes {
        &self.0
    }

    /// Gives up the bytes.
    pub(super) fn into_bytes(self) -> ::bytes::Bytes {
        self.0
    }
}
