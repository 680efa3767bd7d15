//! Acting on one complete line: each field's rule, and the dispatch of an
//! event at the empty line.

use core::mem;
use core::ops::Range;

use super::fields::{self, Line};
use super::item::Found;
use super::region::Regions;
use super::step::{LineAt, Mode, Step};
use super::text::{self, ReadProof};
use super::{full, work, Decoder, Storage};
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
    ) -> Option<Result<Step, DecodeError>> {
        let LineAt {
            base,
            stored,
            line_start,
            eol,
            next: pos,
            ascii,
        } = at;
        match parsed {
            Line::Empty => {
                self.main.drop_after_data();
                match self.dispatch(proof, input, data_in) {
                    Ok(None) => None,
                    Ok(Some(found)) => Some(Ok(Step {
                        end: pos,
                        found: Some(found),
                    })),
                    // Fail before the empty line, so skip mode ends right on it.
                    Err(error) => {
                        Some(self.fail(error, line_start, Mode::Skip { mid_line: false }))
                    }
                }
            }
            Line::Comment(_) if !self.comments => {
                self.main.drop_after_data();
                None
            }
            Line::Comment(r) => {
                let r = base + r.start..base + r.end;
                let loc = if stored {
                    self.text_in_main(r, ascii)
                } else {
                    self.materialize(input, data_in);
                    self.text_in_input(proof, input, r, ascii)
                };
                Some(match loc {
                    Ok(loc) => Ok(Step {
                        end: pos,
                        found: Some(Found::Comment(loc)),
                    }),
                    Err(error) => self.fail(error, eol, Mode::Skip { mid_line: true }),
                })
            }
            Line::Data(r) => {
                let r = base + r.start..base + r.end;
                self.block.open = true;
                let buffered = self.main.data_len() + data_in.as_ref().map_or(0, |d| d.len() + 1);
                let new_len = buffered.saturating_add(r.len() + 1);
                if new_len > self.limits.max_event_len {
                    let limit = self.limits.max_event_len;
                    let error = DecodeError::EventTooLarge { limit };
                    return Some(self.fail(error, eol, Mode::Skip { mid_line: true }));
                }
                if new_len > self.main.capacity() {
                    let capacity = self.main.capacity();
                    let error = DecodeError::BufferFull { capacity };
                    return Some(self.fail(error, eol, Mode::Skip { mid_line: true }));
                }
                self.block.data_ascii = ascii && (buffered == 0 || self.block.data_ascii);
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
                self.block.open = true;
                let r = base + r.start..base + r.end;
                let value = value_at(&self.main, input, stored, r);
                // `ty` is valid UTF-8, so equal bytes need no check or copy.
                work(value.len());
                let result = if self.ty.bytes() == value {
                    Ok(())
                } else {
                    self.ty.truncate(0);
                    text::push_text(&mut self.ty, value, ascii)
                };
                self.block.typed = true;
                self.main.drop_after_data();
                match result {
                    Ok(()) => None,
                    Err(f) => Some(self.fail(full(f), eol, Mode::Skip { mid_line: true })),
                }
            }
            Line::Id(r) => {
                self.block.open = true;
                let r = base + r.start..base + r.end;
                let value = value_at(&self.main, input, stored, r);
                // An ID with NUL is ignored (it could not be sent back in a header).
                let result = if !fields::has_nul(value) {
                    self.id_pending.truncate(0);
                    self.block.id_set = true;
                    text::push_text(&mut self.id_pending, value, ascii)
                } else {
                    Ok(())
                };
                self.main.drop_after_data();
                match result {
                    Ok(()) => None,
                    Err(f) => Some(self.fail(full(f), eol, Mode::Skip { mid_line: true })),
                }
            }
            Line::Retry(r) => {
                let r = base + r.start..base + r.end;
                let value = value_at(&self.main, input, stored, r);
                let retry = fields::parse_retry(value);
                self.main.drop_after_data();
                let d = retry?;
                self.retry = Some(d);
                self.materialize(input, data_in);
                Some(Ok(Step {
                    end: pos,
                    found: Some(Found::Retry(d)),
                }))
            }
            Line::Other => {
                self.main.drop_after_data();
                None
            }
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
        self.block.open = false;
        if self.block.id_set {
            mem::swap(&mut self.id, &mut self.id_pending);
            self.block.id_set = false;
        }
        let loc = match data_in.take() {
            Some(r) => self.text_in_input(proof, input, r, self.block.data_ascii),
            None => match self.main.take_data() {
                Some(data) => self.text_in_main(data, self.block.data_ascii),
                None => {
                    self.block.typed = false;
                    return Ok(None);
                }
            },
        };
        let data = loc?;
        // The next block starts without a type; `ty` keeps its bytes (valid until
        // the next step) for this event and for recognising a repeat.
        let typed = mem::replace(&mut self.block.typed, false);
        Ok(Some(Found::Event { data, typed }))
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
