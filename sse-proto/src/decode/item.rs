//! An item found by a step, before its text is borrowed, and how it is
//! borrowed as an [`Item`].

use core::time::Duration;

use super::text::Text;
use super::{Decoder, Storage};
use crate::{Event, Item};

/// An item found by [`Decoder::step`], before its text is borrowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Found {
    /// An event: its data, and whether its block had a type (else the type is
    /// empty); its ID is the decoder's last event ID.
    Event {
        data: Text,
        typed: bool,
    },
    Comment(Text),
    Retry(Duration),
}

impl<S: Storage> Decoder<S> {
    /// Borrows the text of an item found by [`step`](Decoder::step) on `input`.
    pub(super) fn view<'a>(&'a self, input: &'a [u8], found: Found) -> Item<'a> {
        let main = self.main.bytes();
        match found {
            Found::Event { data, typed } => Item::Event(Event::new(
                self.block.event_type(typed),
                data.view(input, main),
                self.id.as_str(),
            )),
            Found::Comment(text) => Item::Comment(text.view(input, main)),
            Found::Retry(d) => Item::Retry(d),
        }
    }
}
