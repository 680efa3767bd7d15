//! Decoding a whole input item by item: [`Feed`], and the cursor it keeps.

use super::item::Found;
use super::utf8::ReadProof;
use super::{Decoder, Storage};
use crate::scan::lines::LineEnds;
use crate::{DecodeError, Item};

/// Decodes one input item by item; made by [`Decoder::feed`].
///
/// A lending iterator: each item borrows the feed until the next call, so it is
/// used with `while let`, not `for`. Input not drained is not decoded: drain the
/// feed, or keep [`remaining`](Feed::remaining) for later.
///
/// It keeps the line scanner's state from item to item, so no byte of the input
/// is classified twice.
#[derive(Debug)]
#[must_use = "a feed decodes nothing until `next_item` is called"]
pub struct Feed<'d, 'i, S: Storage> {
    decoder: &'d mut Decoder<S>,
    cursor: Cursor<'i>,
}

impl<'d, 'i, S: Storage> Feed<'d, 'i, S> {
    /// A feed of `input` into `decoder`.
    pub(super) fn new(decoder: &'d mut Decoder<S>, input: &'i [u8]) -> Self {
        Feed {
            decoder,
            cursor: Cursor::new(input),
        }
    }
}

impl<S: Storage> Feed<'_, '_, S> {
    /// The next item, `None` once the input is used up, or the error of an
    /// over-limit event (the next call goes on after that event).
    ///
    /// # Errors
    ///
    /// `Some(Err(_))` as [`Decoder::decode`] gives it; call again to go on.
    #[inline]
    #[must_use = "an item dropped unread is lost: the decoder has moved past it"]
    pub fn next_item(&mut self) -> Option<Result<Item<'_>, DecodeError>> {
        let input = self.cursor.lines.input();
        let found = self.cursor.next_found(self.decoder)?;
        Some(found.map(|found| self.decoder.view(input, found)))
    }

    /// The bytes of the input not yet decoded.
    pub fn remaining(&self) -> &[u8] {
        self.cursor.remaining()
    }
}

/// Where a feed stands in its input: the line scanner, kept from item to item,
/// and the offset of the first byte not yet decoded.
#[derive(Debug)]
pub(super) struct Cursor<'i> {
    lines: LineEnds<'i>,
    /// Non-ASCII text proven valid a whole read at a time.
    proof: ReadProof,
    pub(super) pos: usize,
}

impl<'i> Cursor<'i> {
    pub(super) fn new(input: &'i [u8]) -> Self {
        Cursor {
            lines: LineEnds::new(input, 0),
            proof: ReadProof::whole_input(),
            pos: 0,
        }
    }

    /// Steps `decoder` through the input up to the next item (or error), or to
    /// the end of the input (`None`). Inlined with the step, so that what it
    /// found reaches [`Decoder::view`] in registers (see `Decoder::lines`).
    #[inline(always)]
    pub(super) fn next_found<S: Storage>(
        &mut self,
        decoder: &mut Decoder<S>,
    ) -> Option<Result<Found, DecodeError>> {
        while self.pos < self.lines.input().len() {
            match decoder.step(&mut self.lines, &mut self.proof, self.pos) {
                Err(e) => return Some(Err(e)),
                Ok(step) => {
                    self.pos = step.end;
                    if let Some(found) = step.found {
                        return Some(Ok(found));
                    }
                }
            }
        }
        None
    }

    /// The bytes of the input not yet decoded.
    pub(super) fn remaining(&self) -> &'i [u8] {
        &self.lines.input()[self.pos..]
    }
}
