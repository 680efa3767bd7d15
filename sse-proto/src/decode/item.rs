//! An item found by a step, before its text is borrowed, and how it is
//! borrowed as an [`Item`].

use core::time::Duration;

use super::text::Text;
use super::{Decoder, Storage};
use crate::{Event, Item};

/// An item found by [`Decoder::step`], before its text is borrowed.
///
/// Word-sized tags and fields only (`repr(usize)`, and no `bool`): a step
/// returns one through the stack on some paths, and a read of it that spans
/// narrower writes stalls store forwarding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[repr(usize)]
pub(super) enum Found {
    /// An event: its data; its type is the last one its block
    /// [dispatched](super::block::Block::dispatch), its ID the decoder's last
    /// event ID.
    Event {
        data: Text,
    },
    Comment(Text),
    /// A valid `retry` field, in milliseconds (a `Duration` would put a `u32`
    /// beside the words).
    Retry {
        millis: u64,
    },
}

impl<S: Storage> Decoder<S> {
    /// Borrows the text of an item found by [`step`](Decoder::step) on `input`.
    /// Inlined, as the step is, so that the item is built in registers.
    #[inline(always)]
    pub(super) fn view<'a>(&'a self, input: &'a [u8], found: Found) -> Item<'a> {
        let main = self.main.bytes();
        match found {
            Found::Event { data } => Item::Event(Event::new(
                self.block.event_type(),
                data.view(input, main),
                self.id.as_str(),
            )),
            Found::Comment(text) => Item::Comment(text.view(input, main)),
            Found::Retry { millis } => Item::Retry(Duration::from_millis(millis)),
        }
    }
}
