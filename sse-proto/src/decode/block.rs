//! The event block being read: the fields it has set so far (its event type
//! and ID, and what is known of its data), dispatched or discarded at its end.
//! The data itself lies in the main buffer ([`Regions`](super::region::Regions)).

use core::mem;

use super::buffer::sealed::Full;
use super::text::{Ascii, TextBuf};
use super::{work, Storage};

/// The fields of the event block being read.
#[derive(Debug)]
pub(super) struct Block<S> {
    /// The event type. When `typed` is false the block has none (type
    /// `message`), and this keeps the last value only so that a repeated type
    /// (the common case) is recognised without validating and copying it again.
    ty: TextBuf<S>,
    /// The ID read in this block, committed at dispatch when `id_set`.
    id: TextBuf<S>,
    /// A `data`, `event` or `id` field was read since the last dispatch.
    open: bool,
    id_set: bool,
    typed: bool,
    /// The event dispatched last had a type.
    dispatched_typed: bool,
    /// All the data read so far is known ASCII.
    data_ascii: Ascii,
}

impl<S: Storage> Block<S> {
    /// An empty block over the type and ID storage.
    pub(super) fn new(ty: S, id: S) -> Self {
        Block {
            ty: TextBuf::new(ty),
            id: TextBuf::new(id),
            open: false,
            id_set: false,
            typed: false,
            dispatched_typed: false,
            data_ascii: Ascii::UNKNOWN,
        }
    }

    /// Whether a field was read since the last dispatch.
    pub(super) fn is_open(&self) -> bool {
        self.open
    }

    /// An `event` field. A failed write (a fixed buffer too small) leaves the
    /// block with a shorter type; the decoder then discards it.
    #[inline(always)]
    pub(super) fn set_type(&mut self, value: &[u8], ascii: Ascii) -> Result<(), Full> {
        self.open = true;
        self.typed = true;
        // `ty` is valid UTF-8, so equal bytes need no check or copy.
        work(value.len());
        if self.ty.bytes() == value {
            return Ok(());
        }
        self.ty.set(value, ascii)
    }

    /// An `id` field: ignored when it holds a NUL (it could not be sent back in
    /// a header).
    #[inline(always)]
    pub(super) fn set_id(&mut self, value: &[u8], ascii: Ascii) -> Result<(), Full> {
        self.open = true;
        if super::fields::has_nul(value) {
            return Ok(());
        }
        self.id_set = true;
        self.id.set(value, ascii)
    }

    /// A `data` field; `first`: no data was buffered before it.
    #[inline(always)]
    pub(super) fn add_data(&mut self, ascii: Ascii, first: bool) {
        self.open = true;
        self.data_ascii = if first {
            ascii
        } else {
            ascii.and(self.data_ascii)
        };
    }

    /// What is known of the data.
    #[inline(always)]
    pub(super) fn data_ascii(&self) -> Ascii {
        self.data_ascii
    }

    /// The empty line: commits the block's ID as `last_id` and starts the next
    /// block; [`event_type`](Self::event_type) is then this block's type.
    #[inline(always)]
    pub(super) fn dispatch(&mut self, last_id: &mut TextBuf<S>) {
        self.open = false;
        if mem::take(&mut self.id_set) {
            mem::swap(last_id, &mut self.id);
        }
        self.dispatched_typed = mem::take(&mut self.typed);
    }

    /// Sets `last_id` to `id` (through this block's ID storage, so a failed write
    /// leaves `last_id` as it was), dropping an ID this block read.
    pub(super) fn seed_id(&mut self, last_id: &mut TextBuf<S>, id: &str) -> Result<(), Full> {
        self.id.set_str(id)?;
        mem::swap(last_id, &mut self.id);
        self.id_set = false;
        Ok(())
    }

    /// The type of the event dispatched last (empty when it had none).
    #[inline(always)]
    pub(super) fn event_type(&self) -> &str {
        if self.dispatched_typed {
            self.ty.as_str()
        } else {
            ""
        }
    }

    /// Forgets the block's fields (the type's bytes stay, for recognising a
    /// repeat).
    pub(super) fn discard(&mut self) {
        self.open = false;
        self.id_set = false;
        self.typed = false;
        self.data_ascii = Ascii::UNKNOWN;
    }
}
