//! One decoding step: the state carried between reads taken up
//! ([`Decoder::resume`]), then the complete lines of the input up to an item,
//! an error, or the end of the input.

use core::ops::Range;

use super::fields;
use super::item::Found;
use super::state::{LineState, Resumed};
use super::text::Ascii;
use super::utf8::ReadProof;
use super::{Decoder, Storage};
use crate::scan::lines::LineEnds;
use crate::{DecodeError, Item};

/// The result of one [`Decoder::decode`] step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "advance the input by `consumed`, and take the `item`: both are lost otherwise"]
pub struct Decoded<'a> {
    /// How many bytes of the input this step used. Advance the input by this many
    /// before the next call; they are never needed again.
    pub consumed: usize,
    /// The item the step ended on, or `None` when the input ran out first (the
    /// decoder kept what it needs of a partial line or event).
    pub item: Option<Item<'a>>,
}

/// Where a step stopped (an offset in its input) and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Step {
    pub(super) end: usize,
    pub(super) found: Option<Found>,
}

/// Where a complete line lies, for [`Decoder::handle_line`].
#[derive(Debug, Clone, Copy)]
pub(super) struct LineAt {
    /// Offset of the line's content (after a BOM) in `main` or the input.
    pub(super) base: usize,
    /// In `main` (a completed partial line) rather than in the input.
    pub(super) stored: bool,
    /// Input offset where the line (or its part in this input) starts.
    pub(super) line_start: usize,
    /// Input offset of its line end.
    pub(super) eol: usize,
    /// Input offset after its line end.
    pub(super) next: usize,
    /// What is known of the line's bytes.
    pub(super) ascii: Ascii,
}

impl<S: Storage> Decoder<S> {
    /// The decoding step behind [`decode`](Decoder::decode), from offset `start`
    /// of the scanner's input: item positions instead of borrowed text, so that
    /// callers can loop without holding a borrow. An error found after `start`
    /// ends the step before it and is returned by the next one, so an `Err`
    /// always consumes nothing.
    #[inline(always)]
    pub(super) fn step(
        &mut self,
        lines: &mut LineEnds<'_>,
        proof: &mut ReadProof,
        start: usize,
    ) -> Result<Step, DecodeError> {
        // Drop the scratch text of the item returned last.
        self.main.drop_scratch();
        let (pos, first) = match self.line {
            LineState::Start { first } => (start, first),
            _ => match self.resume(lines, proof, start) {
                Resumed::Lines(pos) => (pos, false),
                Resumed::Done(step) => return self.stepped(lines, start, step),
            },
        };
        let step = self.lines(lines, proof, pos, first);
        self.stepped(lines, start, step)
    }

    /// The end of [`step`](Self::step): an error met before any line of it
    /// is returned now.
    #[inline(always)]
    fn stepped(
        &mut self,
        lines: &LineEnds<'_>,
        start: usize,
        step: Step,
    ) -> Result<Step, DecodeError> {
        if step.end == start && step.found.is_none() {
            if let LineState::Failed { error, mid_line } = self.line {
                self.line = LineState::Skip {
                    mid_line,
                    after_cr: false,
                };
                return Err(error);
            }
        }
        // Progress: a caller's loop (`Feed`, a `decode` loop) ends because every
        // step with input moves on.
        debug_assert!(
            step.end > start || start >= lines.input().len(),
            "a step made no progress"
        );
        Ok(step)
    }

    /// The complete lines from `pos` (a line start; `first`: the body's first
    /// line) up to an item, an error, or the end of the input, where a partial
    /// line is kept. Inlined into its one caller, so that the step it returns
    /// stays in registers (returned through memory, reading it back stalled
    /// store forwarding: a tenth of the time on long-line streams).
    #[inline(always)]
    fn lines(
        &mut self,
        lines: &mut LineEnds<'_>,
        proof: &mut ReadProof,
        mut pos: usize,
        mut first: bool,
    ) -> Step {
        let input = lines.input();
        // A single data value that lies in `input`: borrowed, copied only if the
        // step ends before the event does.
        let mut data_in: Option<Range<usize>> = None;
        while pos < input.len() {
            let rest = &input[pos..];
            if rest[0] == b'\n' && !first {
                // An empty line ended by LF, the end of most events: no search,
                // nothing to classify.
                let line_start = pos;
                pos += 1;
                if let Some(step) = self.empty_line(proof, input, &mut data_in, line_start, pos) {
                    return step;
                }
                continue;
            }
            let Some(eol) = lines.find(pos) else {
                return self.keep_partial_line(lines, pos, first, &mut data_in);
            };
            if eol - pos > self.limits.max_line_len {
                return self.line_limit_error(pos, false, &data_in);
            }
            let line_start = pos;
            let mut base = pos;
            if first {
                first = false;
                self.line = LineState::Start { first };
                base += fields::bom_len(&rest[..eol - pos]);
            }
            pos = self.after_line_end(input, eol);
            let parsed = fields::parse_line(&input[base..eol]);
            let at = LineAt {
                base,
                stored: false,
                line_start,
                eol,
                next: pos,
                ascii: Ascii::scanned(lines, line_start),
            };
            if let Some(step) = self.handle_line(proof, parsed, at, input, &mut data_in) {
                return step;
            }
        }
        self.materialize(input, &mut data_in);
        Step {
            end: pos,
            found: None,
        }
    }

    /// The input ends inside a line at `pos`: keep it in `main`, after moving
    /// borrowed data out of the way (the partial line follows the data), and
    /// end the step.
    fn keep_partial_line(
        &mut self,
        lines: &LineEnds<'_>,
        pos: usize,
        first: bool,
        data_in: &mut Option<Range<usize>>,
    ) -> Step {
        let input = lines.input();
        let rest = &input[pos..];
        let limit = self.limits.max_line_len.min(self.line_room(data_in));
        if rest.len() > limit {
            return self.line_limit_error(pos, true, data_in);
        }
        self.materialize(input, data_in);
        let prefix = if self.main.is_growable() && !first {
            fields::data_prefix_len(rest)
        } else {
            0
        };
        self.main.start_partial_line(rest, prefix);
        self.line = LineState::Partial {
            ascii: Ascii::scanned(lines, pos),
            first,
        };
        Step {
            end: input.len(),
            found: None,
        }
    }

    /// Copies a data value still borrowed from the input into `main`.
    #[inline(always)]
    pub(super) fn materialize(&mut self, input: &[u8], data_in: &mut Option<Range<usize>>) {
        if let Some(r) = data_in.take() {
            debug_assert!(self.main.data_len() == 0 && self.main.bytes().is_empty());
            self.main.push_data(&input[r]);
        }
    }

    /// Forgets the event being built and the partial line.
    pub(super) fn discard_block(&mut self) {
        self.main.clear();
        self.block.discard();
    }
}
