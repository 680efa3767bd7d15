//! One decoding step: state carried between reads (an LF owed to a CR, skip
//! mode after an error, a partial line), then the complete lines of the input
//! up to an item, an error, or the end of the input.

use core::ops::Range;

use super::fields::{self, Line};
use super::item::Found;
use super::text::ReadProof;
use super::{work, Block, Decoder, Storage};
use crate::scan::lines::LineEnds;
use crate::DecodeError;

/// Skipping the rest of an event after a [`DecodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Normal,
    /// Discarding bytes up to and including the next empty line. `mid_line`: bytes
    /// of the current line were already seen, so its end is not an empty line.
    Skip {
        mid_line: bool,
    },
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
    /// The line is known to be ASCII (so valid UTF-8 without a check).
    pub(super) ascii: bool,
}

impl<S: Storage> Decoder<S> {
    /// Forgets the event being built and the partial line.
    pub(super) fn discard_block(&mut self) {
        self.main.clear();
        self.block = Block::default();
        self.line_ascii = false;
    }

    /// Whether part of a line is kept from earlier input.
    pub(super) fn has_partial_line(&self) -> bool {
        self.main.has_partial_line()
    }

    /// The room left in `main` for the partial line: all of it for growable
    /// storage, what follows the data (including data still borrowed from the
    /// input) for fixed storage.
    pub(super) fn line_room(&self, data_in: &Option<Range<usize>>) -> usize {
        let pending = data_in.as_ref().map_or(0, |r| r.len() + 1);
        self.main.room_after_data(pending)
    }

    /// The line at `pos` crossed a limit: report it at the first byte past the
    /// limit, and skip the rest of the event. `stores`: the line was to be kept in
    /// `main` (a partial line), so the room there limits it too.
    #[cold]
    pub(super) fn line_limit_error(
        &mut self,
        pos: usize,
        stores: bool,
        data_in: &Option<Range<usize>>,
    ) -> Result<Step, DecodeError> {
        let max_line = self.limits.max_line_len;
        let room = if stores {
            self.line_room(data_in)
        } else {
            usize::MAX
        };
        let (error, allowed) = if max_line <= room {
            (DecodeError::LineTooLong { limit: max_line }, max_line)
        } else {
            let capacity = self.main.capacity();
            (DecodeError::BufferFull { capacity }, room)
        };
        let at = pos + allowed.saturating_sub(self.main.partial_line_seen());
        self.fail(
            error,
            at,
            Mode::Skip {
                mid_line: allowed > 0,
            },
        )
    }

    /// Enters skip mode after an error found at `at`, before consuming byte `at`:
    /// the step ends there, and [`step`](Decoder::step) reports the error.
    pub(super) fn fail(
        &mut self,
        error: DecodeError,
        at: usize,
        mode: Mode,
    ) -> Result<Step, DecodeError> {
        self.discard_block();
        self.mode = mode;
        self.after_cr = false;
        self.at_start = false;
        self.pending_error = Some(error);
        Ok(Step {
            end: at,
            found: None,
        })
    }

    /// Copies a data value still borrowed from the input into `main`.
    pub(super) fn materialize(&mut self, input: &[u8], data_in: &mut Option<Range<usize>>) {
        if let Some(r) = data_in.take() {
            debug_assert!(self.main.data_len() == 0 && self.main.bytes().is_empty());
            self.main.push_data(&input[r]);
        }
    }

    /// The decoding step behind [`decode`](Decoder::decode), from offset `start`
    /// of the scanner's input: item positions instead of borrowed text, so that
    /// callers can loop without holding a borrow. An error found after `start`
    /// ends the step before it and is returned by the next one, so an `Err`
    /// always consumes nothing.
    #[inline]
    pub(super) fn step(
        &mut self,
        lines: &mut LineEnds<'_>,
        proof: &mut ReadProof,
        start: usize,
    ) -> Result<Step, DecodeError> {
        if let Some(e) = self.pending_error.take() {
            return Err(e);
        }
        let step = self.scan_step(lines, proof, start)?;
        if step.end == start && step.found.is_none() {
            if let Some(e) = self.pending_error.take() {
                return Err(e);
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

    /// One step of [`step`](Decoder::step): lines from `start` up to an item, an
    /// error, or the end of the input.
    ///
    /// State carried between steps is dealt with on entry (an LF owed to a CR,
    /// skip mode, a partial line); the loop after that sees only complete lines
    /// lying in the input.
    pub(super) fn scan_step(
        &mut self,
        lines: &mut LineEnds<'_>,
        proof: &mut ReadProof,
        start: usize,
    ) -> Result<Step, DecodeError> {
        let input = lines.input();
        // Drop the scratch text of the item returned last.
        self.main.drop_scratch();

        let mut pos = start;
        if self.after_cr {
            self.after_cr = false;
            if input.get(start) == Some(&b'\n') {
                pos += 1;
            }
        }
        if let Mode::Skip { .. } = self.mode {
            pos = self.skip(input, pos);
            if self.mode != Mode::Normal {
                return Ok(Step {
                    end: pos,
                    found: None,
                });
            }
        }
        // A single data value that lies in `input`: borrowed, copied only if the
        // step ends before the event does.
        let mut data_in: Option<Range<usize>> = None;

        if self.has_partial_line() && pos < input.len() {
            // Complete (or extend) the partial line kept in `main`.
            let rest = &input[pos..];
            let found_end = lines.find(pos).map(|eol| eol - pos);
            let seg = found_end.unwrap_or(rest.len());
            self.line_ascii = self.line_ascii && lines.is_ascii_from(pos);
            let limit = self.limits.max_line_len.min(self.line_room(&data_in));
            let seen = self.main.partial_line_seen();
            if seen.saturating_add(seg) > limit {
                return self.line_limit_error(pos, true, &data_in);
            }
            self.main.extend_partial_line(&rest[..seg]);
            let Some(i) = found_end else {
                return Ok(Step {
                    end: input.len(),
                    found: None,
                });
            };
            let (line_start, eol) = (pos, pos + i);
            pos = self.after_line_end(input, eol);
            let (base, value_only) = self.main.complete_partial_line();
            let bom = fields::take_bom(&mut self.at_start, &self.main.bytes()[base..]);
            let parsed = if value_only {
                // A data value, already in place.
                Line::Data(0..self.main.bytes().len() - base)
            } else {
                fields::parse_line(&self.main.bytes()[base + bom..])
            };
            let at = LineAt {
                base: base + bom,
                stored: true,
                line_start,
                eol,
                next: pos,
                ascii: self.line_ascii,
            };
            if let Some(out) = self.handle_line(proof, parsed, at, input, &mut data_in) {
                return out;
            }
        }

        while pos < input.len() {
            let rest = &input[pos..];
            let Some(eol) = lines.find(pos) else {
                // A partial line: keep it, after moving borrowed data out of the way
                // (the partial line follows the data in `main`).
                let limit = self.limits.max_line_len.min(self.line_room(&data_in));
                if rest.len() > limit {
                    return self.line_limit_error(pos, true, &data_in);
                }
                self.materialize(input, &mut data_in);
                let prefix = if self.main.is_growable() && !self.at_start {
                    fields::data_prefix_len(rest)
                } else {
                    0
                };
                self.main.start_partial_line(rest, prefix);
                self.line_ascii = lines.is_ascii_from(pos);
                pos = input.len();
                break;
            };
            if eol - pos > self.limits.max_line_len {
                return self.line_limit_error(pos, false, &data_in);
            }
            let line_start = pos;
            pos = self.after_line_end(input, eol);
            let bom = fields::take_bom(&mut self.at_start, &input[line_start..eol]);
            let parsed = fields::parse_line(&input[line_start + bom..eol]);
            let at = LineAt {
                base: line_start + bom,
                stored: false,
                line_start,
                eol,
                next: pos,
                ascii: lines.is_ascii_from(line_start),
            };
            if let Some(out) = self.handle_line(proof, parsed, at, input, &mut data_in) {
                return out;
            }
        }
        self.materialize(input, &mut data_in);
        Ok(Step {
            end: pos,
            found: None,
        })
    }

    /// Where the line after a line end at `eol` starts. A CR's LF is taken along
    /// when it is in `input`; a CR at the very end is remembered in `after_cr`.
    #[inline]
    pub(super) fn after_line_end(&mut self, input: &[u8], eol: usize) -> usize {
        if input[eol] != b'\r' {
            return eol + 1;
        }
        match input.get(eol + 1) {
            Some(b'\n') => eol + 2,
            Some(_) => eol + 1,
            None => {
                self.after_cr = true;
                eol + 1
            }
        }
    }

    /// Skip mode: discards lines from `pos` through the next empty line, or to the
    /// end of `input`. Returns where it stopped.
    #[cold]
    pub(super) fn skip(&mut self, input: &[u8], mut pos: usize) -> usize {
        while let Mode::Skip { mid_line } = self.mode {
            let rest = &input[pos..];
            let found = crate::scan::find_line_end(rest);
            work(found.map_or(rest.len(), |i| i + 1));
            let Some(i) = found else {
                if !rest.is_empty() {
                    self.mode = Mode::Skip { mid_line: true };
                }
                return input.len();
            };
            pos = self.after_line_end(input, pos + i);
            self.mode = if i == 0 && !mid_line {
                Mode::Normal
            } else {
                Mode::Skip { mid_line: false }
            };
        }
        pos
    }
}
