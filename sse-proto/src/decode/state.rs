//! The line state carried from one read to the next, and one function per
//! state that takes the next read up from it: an LF owed to a CR, a partial
//! line to complete, an error to report, an event to skip.

use core::ops::Range;

use super::fields::{self, Line};
use super::step::{LineAt, Step};
use super::text::Ascii;
use super::utf8::ReadProof;
use super::{work, Decoder, Storage};
use crate::scan::lines::LineEnds;
use crate::DecodeError;

/// How an event stream's body ended, from [`Decoder::finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamEnd {
    /// The body ended between events: nothing was lost.
    Clean,
    /// The body ended inside an event (or inside a line): that unterminated event
    /// was discarded, as the standard requires. A sign of a cut connection.
    Truncated,
}

/// Where the decoder stands in the stream's lines between steps.
#[derive(Debug, Clone, Copy)]
pub(super) enum LineState {
    /// At the start of a line, nothing kept. `first`: no line of this body has
    /// been completed yet, so a byte-order mark may lead the next one.
    Start { first: bool },
    /// The last line ended with a CR that ended its input: an LF right after it
    /// is part of that line end.
    AfterCr,
    /// Part of a line is kept in the main buffer (its layout is
    /// [`Regions`](super::region::Regions)'). `ascii`: what is known of it;
    /// `first`: it is the body's first line.
    Partial { ascii: Ascii, first: bool },
    /// An error was found where the last step stopped: the next step returns
    /// it, then skips.
    Failed { error: DecodeError, mid_line: bool },
    /// Discarding bytes through the next empty line after an error.
    /// `mid_line`: bytes of the current line were seen, so its end is not an
    /// empty line; `after_cr`: as [`LineState::AfterCr`].
    Skip { mid_line: bool, after_cr: bool },
}

/// How a step goes on after [`Decoder::resume`].
pub(super) enum Resumed {
    /// With the complete lines from this offset.
    Lines(usize),
    /// It ends here.
    Done(Step),
}

impl<S: Storage> Decoder<S> {
    /// Takes a step up from any state but [`LineState::Start`], at `start`.
    #[inline(never)]
    pub(super) fn resume(
        &mut self,
        lines: &mut LineEnds<'_>,
        proof: &mut ReadProof,
        start: usize,
    ) -> Resumed {
        let input = lines.input();
        match self.line {
            LineState::Start { .. } => Resumed::Lines(start),
            LineState::AfterCr => {
                self.line = LineState::Start { first: false };
                Resumed::Lines(start + usize::from(input.get(start) == Some(&b'\n')))
            }
            LineState::Partial { ascii, first } => {
                self.complete_line(lines, proof, start, ascii, first)
            }
            // `step` reports the error: the step ends before `start`.
            LineState::Failed { .. } => Resumed::Done(Step {
                end: start,
                found: None,
            }),
            LineState::Skip { mid_line, after_cr } => {
                let owed = after_cr && input.get(start) == Some(&b'\n');
                let pos = self.skip(input, start + usize::from(owed), mid_line);
                match self.line {
                    LineState::Skip { .. } => Resumed::Done(Step {
                        end: pos,
                        found: None,
                    }),
                    _ => Resumed::Lines(pos),
                }
            }
        }
    }

    /// [`LineState::Partial`]: extends the kept line with the input up to its
    /// end, and acts on it once complete.
    fn complete_line(
        &mut self,
        lines: &mut LineEnds<'_>,
        proof: &mut ReadProof,
        pos: usize,
        ascii: Ascii,
        first: bool,
    ) -> Resumed {
        let input = lines.input();
        if pos >= input.len() {
            return Resumed::Done(Step {
                end: pos,
                found: None,
            });
        }
        let rest = &input[pos..];
        let found_end = lines.find(pos).map(|eol| eol - pos);
        let seg = found_end.unwrap_or(rest.len());
        let ascii = ascii.and(Ascii::scanned(lines, pos));
        let limit = self.limits.max_line_len.min(self.main.room_after_data(0));
        if self.main.partial_line_seen().saturating_add(seg) > limit {
            return Resumed::Done(self.line_limit_error(pos, true, &None));
        }
        self.main.extend_partial_line(&rest[..seg]);
        let Some(i) = found_end else {
            self.line = LineState::Partial { ascii, first };
            return Resumed::Done(Step {
                end: input.len(),
                found: None,
            });
        };
        let eol = pos + i;
        self.line = LineState::Start { first: false };
        let next = self.after_line_end(input, eol);
        let (base, value_only) = self.main.complete_partial_line();
        let stored = &self.main.bytes()[base..];
        let bom = if first { fields::bom_len(stored) } else { 0 };
        let parsed = if value_only {
            // A data value, already in place.
            Line::Data(0..stored.len())
        } else {
            fields::parse_line(&stored[bom..])
        };
        let at = LineAt {
            base: base + bom,
            stored: true,
            line_start: pos,
            eol,
            next,
            ascii,
        };
        match self.handle_line(proof, parsed, at, input, &mut None) {
            Some(step) => Resumed::Done(step),
            None => Resumed::Lines(next),
        }
    }

    /// Where the line after a line end at `eol` starts. A CR's LF is taken along
    /// when it is in `input`; a CR at the very end leaves the state
    /// [`LineState::AfterCr`].
    #[inline(always)]
    pub(super) fn after_line_end(&mut self, input: &[u8], eol: usize) -> usize {
        let (next, owes_lf) = line_end(input, eol);
        if owes_lf {
            self.line = LineState::AfterCr;
        }
        next
    }

    /// [`LineState::Skip`]: discards lines from `pos` through the next empty line,
    /// or to the end of `input`, and sets the state it leaves. Returns where it
    /// stopped.
    fn skip(&mut self, input: &[u8], mut pos: usize, mut mid_line: bool) -> usize {
        loop {
            let rest = &input[pos..];
            let found = crate::scan::find_line_end(rest);
            work(found.map_or(rest.len(), |i| i + 1));
            let Some(i) = found else {
                let mid_line = mid_line || !rest.is_empty();
                self.line = LineState::Skip {
                    mid_line,
                    after_cr: false,
                };
                return input.len();
            };
            let (next, after_cr) = line_end(input, pos + i);
            if i == 0 && !mid_line {
                self.line = if after_cr {
                    LineState::AfterCr
                } else {
                    LineState::Start { first: false }
                };
                return next;
            }
            mid_line = false;
            pos = next;
            if after_cr {
                self.line = LineState::Skip { mid_line, after_cr };
                return pos;
            }
        }
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
    ) -> Step {
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
        self.fail(error, at, allowed > 0)
    }

    /// Enters [`LineState::Failed`] after an error found at `at`, before
    /// consuming byte `at`: the step ends there, and
    /// [`step`](Decoder::step) reports the error. `mid_line`: byte `at` is not
    /// the start of a line.
    #[cold]
    pub(super) fn fail(&mut self, error: DecodeError, at: usize, mid_line: bool) -> Step {
        self.discard_block();
        self.line = LineState::Failed { error, mid_line };
        Step {
            end: at,
            found: None,
        }
    }

    /// The room left in `main` for the partial line: all of it for growable
    /// storage, what follows the data (including data still borrowed from the
    /// input) for fixed storage.
    #[inline(always)]
    pub(super) fn line_room(&self, data_in: &Option<Range<usize>>) -> usize {
        let pending = data_in.as_ref().map_or(0, |r| r.len() + 1);
        self.main.room_after_data(pending)
    }
}

/// Where the line after a line end at `eol` starts, and whether that line end
/// is a CR at the very end of `input` (whose LF may start the next input).
#[inline(always)]
fn line_end(input: &[u8], eol: usize) -> (usize, bool) {
    if input[eol] != b'\r' {
        return (eol + 1, false);
    }
    match input.get(eol + 1) {
        Some(b'\n') => (eol + 2, false),
        Some(_) => (eol + 1, false),
        None => (eol + 1, true),
    }
}
