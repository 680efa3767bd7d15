//! Acting on one complete line: each field's rule, and the dispatch of an
//! event at the empty line.

use core::ops::Range;
use core::time::Duration;

use super::fields::{self, Line};
use super::item::Found;
use super::region::Regions;
use super::step::{LineAt, Step};
use super::text::Text;
use super::utf8::ReadProof;
use super::{full, Decoder, Storage};
use crate::DecodeError;

impl<S: Storage> Decoder<S> {
    /// Acts on one complete, classified line. `None`: go on with the next line;
    /// otherwise the step ends with this result.
    #[inline(always)]
    pub(super) fn handle_line(
        &mut self,
        proof: &mut ReadProof,
        parsed: Line,
        at: LineAt,
        input: &[u8],
        data_in: &mut Option<Range<usize>>,
    ) -> Option<Step> {
        let LineAt {
            base,
            stored,
            line_start,
            eol,
            next: pos,
            ascii,
        } = at;
        match parsed {
            Line::Empty => self.empty_line(proof, input, data_in, line_start, pos),
            Line::Comment(_) if !self.comments => {
                self.main.drop_after_data();
                None
            }
            Line::Comment(r) => {
                let r = base + r.start..base + r.end;
                let text = if stored {
                    Text::in_main(&mut self.main, r, ascii)
                } else {
                    self.materialize(input, data_in);
                    Text::in_input(&mut self.main, proof, input, r, ascii)
                };
                Some(match text {
                    Ok(text) => Step {
                        end: pos,
                        found: Some(Found::Comment(text)),
                    },
                    Err(f) => self.fail(full(f), eol, true),
                })
            }
            Line::Data(r) => {
                let r = base + r.start..base + r.end;
                let buffered = self.main.data_len() + data_in.as_ref().map_or(0, |d| d.len() + 1);
                let new_len = buffered.saturating_add(r.len() + 1);
                if new_len > self.limits.max_event_len {
                    let limit = self.limits.max_event_len;
                    let error = DecodeError::EventTooLarge { limit };
                    return Some(self.fail(error, eol, true));
                }
                if new_len > self.main.capacity() {
                    let capacity = self.main.capacity();
                    let error = DecodeError::BufferFull { capacity };
                    return Some(self.fail(error, eol, true));
                }
                self.block.add_data(ascii, buffered == 0);
                if stored {
                    // The value sits right after the data (or already at its
                    // place): slide it down.
                    self.main.push_data_within(r);
                } else if buffered == 0 {
                    *data_in = Some(r);
                } else {
                    self.materialize(input, data_in);
                    self.main.push_data(&input[r]);
                }
                None
            }
            Line::Event(r) => {
                let value = value_at(&self.main, input, stored, base + r.start..base + r.end);
                let result = self.block.set_type(value, ascii);
                self.main.drop_after_data();
                result.err().map(|f| self.fail(full(f), eol, true))
            }
            Line::Id(r) => {
                let value = value_at(&self.main, input, stored, base + r.start..base + r.end);
                let result = self.block.set_id(value, ascii);
                self.main.drop_after_data();
                result.err().map(|f| self.fail(full(f), eol, true))
            }
            Line::Retry(r) => {
                let r = base + r.start..base + r.end;
                let value = value_at(&self.main, input, stored, r);
                let retry = fields::parse_retry(value);
                self.main.drop_after_data();
                let millis = retry?;
                self.retry = Some(Duration::from_millis(millis));
                self.materialize(input, data_in);
                Some(Step {
                    end: pos,
                    found: Some(Found::Retry { millis }),
                })
            }
            Line::Other => {
                self.main.drop_after_data();
                None
            }
        }
    }

    /// An empty line from `line_start` (its line end) to `next`: the event, if
    /// it has data, ends the step.
    #[inline(always)]
    pub(super) fn empty_line(
        &mut self,
        proof: &mut ReadProof,
        input: &[u8],
        data_in: &mut Option<Range<usize>>,
        line_start: usize,
        next: usize,
    ) -> Option<Step> {
        self.main.drop_after_data();
        match self.dispatch(proof, input, data_in) {
            Ok(None) => None,
            Ok(Some(found)) => Some(Step {
                end: next,
                found: Some(found),
            }),
            // Fail before the empty line, so skip mode ends right on it.
            Err(error) => Some(self.fail(error, line_start, false)),
        }
    }

    /// The empty line: commit the last event ID, then deliver the event if it has
    /// data.
    ///
    /// # Errors
    ///
    /// Only a fixed buffer too small for the U+FFFD expansion of invalid data.
    #[inline(always)]
    pub(super) fn dispatch(
        &mut self,
        proof: &mut ReadProof,
        input: &[u8],
        data_in: &mut Option<Range<usize>>,
    ) -> Result<Option<Found>, DecodeError> {
        self.block.dispatch(&mut self.id);
        let text = match data_in.take() {
            Some(r) => Text::in_input(&mut self.main, proof, input, r, self.block.data_ascii()),
            None => match self.main.take_data() {
                Some(data) => Text::in_main(&mut self.main, data, self.block.data_ascii()),
                None => return Ok(None),
            },
        };
        // The next block starts without a type; the type's bytes stay (valid
        // until the next step) for this event and for recognising a repeat.
        Ok(Some(Found::Event {
            data: text.map_err(full)?,
        }))
    }
}

/// The bytes of a line's field value at `r`: in the completed partial line in
/// `main` (`stored`), or in the input.
#[inline(always)]
fn value_at<'a, S: Storage>(
    main: &'a Regions<S>,
    input: &'a [u8],
    stored: bool,
    r: Range<usize>,
) -> &'a [u8] {
    if stored {
        &main.bytes()[r]
    } else {
        &input[r]
    }
}
