//! The decoder's main buffer and its three regions, with named operations
//! instead of length arithmetic at every use.
//!
//! ```text
//! [ data: each value + LF | partial line | scratch: the last item's text ]
//!   0..data_len             ..+line_len    .. end (until the next step)
//! ```

use core::ops::Range;

use super::buffer::sealed::Full;
use super::{work, Storage};

/// The main buffer: the event's data, the partial line kept from earlier
/// input, and scratch text for the item returned last.
#[derive(Debug)]
pub(super) struct Regions<S> {
    buf: S,
    /// Bytes of data: each value of the event so far, plus LF.
    data_len: usize,
    /// Bytes of the partial line stored after the data.
    line_len: usize,
    /// The partial line is a `data` line whose `data:` prefix (this many bytes)
    /// was not stored: its value goes straight after the data, so a long value
    /// spanning many reads is copied once. Only for growable storage.
    line_prefix: usize,
}

impl<S: Storage> Regions<S> {
    /// Empty regions over `buf`.
    pub(super) fn new(buf: S) -> Self {
        Regions {
            buf,
            data_len: 0,
            line_len: 0,
            line_prefix: 0,
        }
    }

    /// All the bytes held (data, partial line, scratch).
    #[inline(always)]
    pub(super) fn bytes(&self) -> &[u8] {
        self.buf.bytes()
    }

    /// The storage's capacity (`usize::MAX` when it grows).
    #[inline(always)]
    pub(super) fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Whether the storage grows as needed (a `Vec`) rather than being fixed.
    #[inline(always)]
    pub(super) fn is_growable(&self) -> bool {
        self.buf.capacity() == usize::MAX
    }

    /// Bytes of data held.
    #[inline(always)]
    pub(super) fn data_len(&self) -> usize {
        self.data_len
    }

    /// Forgets everything: data, partial line, scratch.
    pub(super) fn clear(&mut self) {
        self.buf.truncate(0);
        self.data_len = 0;
        self.line_len = 0;
        self.line_prefix = 0;
    }

    /// Drops the scratch text of the item returned last.
    #[inline(always)]
    pub(super) fn drop_scratch(&mut self) {
        self.buf.truncate(self.data_len + self.line_len);
    }

    /// Drops everything after the data (a completed line, scratch).
    #[inline(always)]
    pub(super) fn drop_after_data(&mut self) {
        self.buf.truncate(self.data_len);
    }

    /// Bytes of the partial line seen so far, its unstored prefix included.
    #[inline(always)]
    pub(super) fn partial_line_seen(&self) -> usize {
        self.line_prefix + self.line_len
    }

    /// The room after the data and `pending` more bytes of it: all of it for
    /// growable storage.
    #[inline(always)]
    pub(super) fn room_after_data(&self, pending: usize) -> usize {
        self.capacity().saturating_sub(self.data_len + pending)
    }

    /// Stores the start of a partial line, its first `prefix` bytes (a `data:`
    /// field name) left out. The caller checked the room.
    pub(super) fn start_partial_line(&mut self, line: &[u8], prefix: usize) {
        let kept = self.buf.try_extend(&line[prefix..]).is_ok();
        debug_assert!(kept, "room checked by the caller");
        self.line_len = line.len() - prefix;
        self.line_prefix = prefix;
    }

    /// Appends the next part of the partial line. The caller checked the room.
    pub(super) fn extend_partial_line(&mut self, part: &[u8]) {
        let kept = self.buf.try_extend(part).is_ok();
        debug_assert!(kept, "room checked by the caller");
        self.line_len += part.len();
    }

    /// The partial line is complete: it is now an ordinary line after the data
    /// (dropped by the next [`drop_after_data`](Regions::drop_after_data)).
    /// Returns where it starts and whether it is a data value stored without
    /// its field name.
    pub(super) fn complete_partial_line(&mut self) -> (usize, bool) {
        let value_only = self.line_prefix > 0;
        self.line_len = 0;
        self.line_prefix = 0;
        (self.data_len, value_only)
    }

    /// Appends a data value and its LF. The caller checked the room.
    pub(super) fn push_data(&mut self, value: &[u8]) {
        let kept = self.buf.try_extend_line(value).is_ok();
        debug_assert!(kept, "room checked by the caller");
        self.data_len += value.len() + 1;
    }

    /// Makes the value at `r` (a completed line right after the data) the next
    /// data value: slides it down to the end of the data and ends it with LF.
    pub(super) fn push_data_within(&mut self, r: Range<usize>) {
        let len = r.len();
        if r.start != self.data_len {
            work(len);
            self.buf.bytes_mut().copy_within(r, self.data_len);
        }
        self.buf.truncate(self.data_len + len);
        // The line held at least `data` (4 bytes) more than its value.
        let kept = self.buf.try_extend(b"\n").is_ok();
        debug_assert!(kept, "a stored line frees room for its LF");
        self.data_len += len + 1;
    }

    /// Takes the event's data: its range without the final LF, or `None` when
    /// there is none. The bytes stay until the next step.
    pub(super) fn take_data(&mut self) -> Option<Range<usize>> {
        let end = self.data_len.checked_sub(1)?;
        self.data_len = 0;
        Some(0..end)
    }

    /// Appends scratch text after everything held, written by `push`; returns
    /// where it lies.
    pub(super) fn append_scratch(
        &mut self,
        push: impl FnOnce(&mut S) -> Result<(), Full>,
    ) -> Result<Range<usize>, Full> {
        let start = self.buf.bytes().len();
        push(&mut self.buf)?;
        Ok(start..self.buf.bytes().len())
    }
}
