//! Where a found item's text lies (the input or the decoder's buffer), how it
//! is made valid text, and how it is borrowed as an [`Item`].

use core::ops::Range;
use core::time::Duration;

use super::text::{self, ReadProof};
use super::{full, Decoder, Storage};
use crate::{DecodeError, Event, Item};

/// Where the text of a found item lies; resolved into `&str` by [`Decoder::view`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Loc {
    /// In the caller's input of this step.
    Input(Range<usize>),
    /// In the decoder's `main` storage.
    Main(Range<usize>),
}

/// An item found by [`Decoder::step`], before its text is borrowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Found {
    /// An event: data at `data`, type in `ty` when `typed` (else empty), ID in `id`.
    Event {
        data: Loc,
        typed: bool,
    },
    Comment(Loc),
    Retry(Duration),
}

impl<S: Storage> Decoder<S> {
    /// The bytes of a dispatched event's type: `ty`, or empty when untyped.
    pub(super) fn event_type(&self, typed: bool) -> &[u8] {
        if typed {
            self.ty.bytes()
        } else {
            &[]
        }
    }

    /// `input[r]` as text: borrowed when valid UTF-8 (`ascii`: known to be; or
    /// proven by a pass over the read, or checked now), else a lossy copy in
    /// `main`. `r` starts after a field name or at a line start, and ends at a
    /// line end (see [`ReadProof::covers`]).
    #[inline]
    pub(super) fn text_in_input(
        &mut self,
        proof: &mut ReadProof,
        input: &[u8],
        r: Range<usize>,
        ascii: bool,
    ) -> Result<Loc, DecodeError> {
        let bytes = &input[r.clone()];
        if ascii || proof.covers(input, r.start, r.end) || text::is_valid(bytes) {
            return Ok(Loc::Input(r));
        }
        let r = (self.main)
            .append_scratch(|buf| text::push_lossy(buf, bytes))
            .map_err(full)?;
        Ok(Loc::Main(r))
    }

    /// `main[r]` as text: in place when valid UTF-8 (`ascii`: known to be), else
    /// a lossy copy after it.
    #[inline]
    pub(super) fn text_in_main(
        &mut self,
        r: Range<usize>,
        ascii: bool,
    ) -> Result<Loc, DecodeError> {
        if ascii || text::is_valid(&self.main.bytes()[r.clone()]) {
            return Ok(Loc::Main(r));
        }
        let r = (self.main)
            .append_scratch(|buf| text::push_lossy_within(buf, r))
            .map_err(full)?;
        Ok(Loc::Main(r))
    }

    /// Borrows the text of an item found by [`step`](Decoder::step) on `input`.
    pub(super) fn view<'a>(&'a self, input: &'a [u8], found: Found) -> Item<'a> {
        let text = |loc: Loc| {
            let bytes = match loc {
                Loc::Input(r) => &input[r],
                Loc::Main(r) => &self.main.bytes()[r],
            };
            // SAFETY: every `Loc` comes from `text_in_input` / `text_in_main`, which
            // return a range only after `from_utf8` accepted exactly those bytes,
            // after the line scanner classified every one of them as ASCII
            // (`scan::lines::LineEnds::is_ascii_from`, tested against a byte-by-byte
            // classification) or proved valid by one pass over the read
            // (`text::ReadProof::covers`, in `text_in_input`) in the input or before they were copied into `main`
            // (`block.data_ascii`, `line_ascii`), or after `push_lossy*` wrote valid
            // UTF-8 there;
            // nothing writes to `input` or `main` between `step` and `view`.
            unsafe { text::assume_utf8(bytes) }
        };
        match found {
            Found::Event { data, typed } => Item::Event(Event::new(
                // SAFETY: `ty` is only written by `push_text` after `truncate(0)`,
                // which appends whole valid UTF-8 strings (see `last_event_id`).
                unsafe { text::assume_utf8(self.event_type(typed)) },
                text(data),
                self.last_event_id(),
            )),
            Found::Comment(loc) => Item::Comment(text(loc)),
            Found::Retry(d) => Item::Retry(d),
        }
    }
}
