//! The checks and measurements behind the encoder: which bytes a single-line field
//! may not hold, how a multi-line value splits into lines, and how long a
//! `name: value` line is once written.

use crate::scan::{each_line_end_byte, find_line_end, find_line_end_or_nul};
use crate::{EncodeError, Field};

/// Refuses an `event` value holding CR or LF (either would end the line early and
/// let the rest of the value be read as another field).
#[inline(always)]
pub(crate) fn check_event_type(value: &str) -> Result<(), EncodeError> {
    match find_line_end(value.as_bytes()) {
        None => Ok(()),
        Some(offset) => Err(invalid(Field::EventType, value, offset)),
    }
}

/// Refuses an `id` value holding CR, LF or NUL (a decoder ignores an `id` field
/// whose value contains NUL, so it could never be read back).
#[inline(always)]
pub(crate) fn check_id(value: &str) -> Result<(), EncodeError> {
    match find_line_end_or_nul(value.as_bytes()) {
        None => Ok(()),
        Some(offset) => Err(invalid(Field::Id, value, offset)),
    }
}

/// Whether `bytes` holds a CR or LF.
#[inline]
pub(crate) fn has_line_end(bytes: &[u8]) -> bool {
    find_line_end(bytes).is_some()
}

#[cold]
fn invalid(field: Field, value: &str, offset: usize) -> EncodeError {
    EncodeError::InvalidField {
        field,
        // `offset` was found by searching `value`, so it is in bounds.
        byte: value.as_bytes()[offset],
        offset,
    }
}

/// The length of the line `name: value\n`, or `name:\n` when `value` is empty
/// (`name` is given with its colon and space, `b"data: "`).
///
/// The separating space is written whenever there is a value, so a value that
/// starts with a space keeps it: the decoder strips exactly one.
pub(crate) const fn field_line_len(name: &[u8], value: usize) -> usize {
    if value == 0 {
        name.len()
    } else {
        name.len() + value + 1
    }
}

/// The lines of a multi-line value: split at CRLF, lone LF and lone CR, the same
/// line ends a decoder recognises. Always at least one line (`""` is one empty
/// line), and a trailing line end yields a final empty line, so that writing each
/// line as a field line and decoding joins them back to the value with every line
/// end turned into LF.
#[derive(Debug, Clone)]
pub(crate) struct Lines<'a> {
    rest: &'a [u8],
    done: bool,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(value: &'a str) -> Self {
        Lines::over(value.as_bytes())
    }

    /// The lines of the bytes of a value (or of a tail of one, cut after a
    /// line end).
    pub(crate) fn over(value: &'a [u8]) -> Self {
        Lines {
            rest: value,
            done: false,
        }
    }
}

impl<'a> Iterator for Lines<'a> {
    /// The bytes of one line: whole characters, since CR and LF are ASCII.
    type Item = &'a [u8];

    #[inline(always)]
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.done {
            return None;
        }
        let bytes = self.rest;
        match find_line_end(bytes) {
            None => {
                self.done = true;
                Some(bytes)
            }
            Some(end) => {
                let (line, ending) = bytes.split_at(end);
                self.rest = match ending {
                    [b'\r', b'\n', rest @ ..] | [_, rest @ ..] => rest,
                    [] => ending,
                };
                Some(line)
            }
        }
    }
}

/// What writing a multi-line value as repeated `name` lines takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Measure {
    /// Bytes of all the lines, line ends included.
    pub(crate) len: usize,
    /// The value has no line end: it is written as one line, without a rescan.
    pub(crate) single: bool,
}

/// How many line breaks measuring records for writing.
const RECORDED: usize = 32;

/// The line breaks of a value found while measuring it, so that writing its
/// lines does not search for them again: the first [`RECORDED`] of them (none
/// for values past `u32::MAX` bytes), as offsets into the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Breaks {
    /// `(end, next)` for each recorded break: where a line ends and where the
    /// next one starts (after its CR, LF or CRLF).
    spans: [(u32, u32); RECORDED],
    count: usize,
    /// Every break of the value is recorded: what follows the last is the
    /// last line.
    complete: bool,
}

impl Breaks {
    /// No break recorded: writing finds them all.
    pub(crate) const UNKNOWN: Breaks = Breaks {
        spans: [(0, 0); RECORDED],
        count: 0,
        complete: false,
    };

    /// Calls `line` with each line of `value`, the value these breaks were
    /// recorded for.
    #[inline(always)]
    pub(crate) fn for_each_line<'a>(&self, value: &'a [u8], mut line: impl FnMut(&'a [u8])) {
        let mut start = 0;
        for &(end, next) in self.spans.iter().take(self.count) {
            // Recorded by measuring `value`: `start <= end < next <= len`.
            line(&value[start..end as usize]);
            start = next as usize;
        }
        let rest = &value[start..];
        if self.complete {
            line(rest);
        } else {
            Lines::over(rest).for_each(line);
        }
    }
}

/// Measures `value` written as one `name` line per line of it, recording its
/// line breaks in `recorded` when it has some.
#[inline(always)]
pub(crate) fn measure_lines(name: &[u8], value: &str, recorded: &mut Option<Breaks>) -> Measure {
    let bytes = value.as_bytes();
    match find_line_end(bytes) {
        None => Measure {
            len: field_line_len(name, bytes.len()),
            single: true,
        },
        Some(first) => measure_breaks(name, bytes, first, recorded.insert(Breaks::UNKNOWN)),
    }
}

/// [`measure_lines`] for a value with a line break at `first`, out of line so
/// that the one-line case stays small.
#[inline(never)]
fn measure_breaks(name: &[u8], bytes: &[u8], first: usize, breaks: &mut Breaks) -> Measure {
    let record = u32::try_from(bytes.len()).is_ok();
    let mut len = 0usize;
    let mut start = 0;
    // The line ends before `first` were searched already: there are none.
    let (_, tail) = bytes.split_at(first);
    each_line_end_byte(tail, |i| {
        let end = first + i;
        if end < start {
            // The LF of a CRLF, already taken with its CR.
            return;
        }
        let next = match bytes.get(end..) {
            Some([b'\r', b'\n', ..]) => end + 2,
            _ => end + 1,
        };
        len = len.saturating_add(field_line_len(name, end - start));
        if record {
            if let Some(span) = breaks.spans.get_mut(breaks.count) {
                // `record`: both offsets fit in a `u32`.
                *span = (end as u32, next as u32);
                breaks.count += 1;
            }
        }
        start = next;
    });
    breaks.complete = record && breaks.count < RECORDED;
    let last = field_line_len(name, bytes.len() - start);
    Measure {
        len: len.saturating_add(last),
        single: false,
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    fn lines(s: &str) -> ([&str; 6], usize) {
        let mut out = [""; 6];
        let mut n = 0;
        for line in Lines::new(s) {
            out[n] = core::str::from_utf8(line).unwrap();
            n += 1;
        }
        (out, n)
    }

    #[test]
    fn splits_on_every_line_end() {
        assert_eq!(lines(""), (["", "", "", "", "", ""], 1));
        assert_eq!(lines("a"), (["a", "", "", "", "", ""], 1));
        assert_eq!(lines("a\nb\rc\r\nd"), (["a", "b", "c", "d", "", ""], 4));
        assert_eq!(lines("a\n"), (["a", "", "", "", "", ""], 2));
        assert_eq!(lines("\r\r\n\n"), (["", "", "", "", "", ""], 4));
        assert_eq!(lines("é\r"), (["é", "", "", "", "", ""], 2));
    }

    #[test]
    fn measures_lines_with_separator_rule() {
        let measure = |s| {
            let m = measure_lines(b"data: ", s, &mut None);
            (m.len, m.single)
        };
        assert_eq!(measure(""), (6, true));
        assert_eq!(measure("ab"), (9, true));
        // "data: a\n" + "data:\n"
        assert_eq!(measure("a\r\n"), (14, false));
    }

    /// Values with 0 to 70 line breaks of every kind (more than are recorded),
    /// as one string and past `RECORDED`: writing from the recorded breaks,
    /// and from none, gives the lines `Lines` finds, measured the same.
    #[test]
    fn recorded_breaks_give_the_same_lines() {
        let ends = ["\n", "\r", "\r\n", "\n\n", "\r\r\n"];
        for breaks in 0..70 {
            let mut value = std::string::String::from("x");
            for i in 0..breaks {
                value.push_str(ends[i % ends.len()]);
                value.push_str(["", "ab", "é"][i % 3]);
            }
            let expected: Vec<&[u8]> = Lines::new(&value).collect();
            let mut recorded = None;
            let measure = measure_lines(b"data: ", &value, &mut recorded);
            let len = expected
                .iter()
                .map(|l| field_line_len(b"data: ", l.len()))
                .sum::<usize>();
            assert_eq!(measure.len, len, "{breaks} breaks");
            assert_eq!(
                (measure.single, recorded.is_some()),
                (breaks == 0, breaks > 0)
            );
            for recorded in [recorded.unwrap_or(Breaks::UNKNOWN), Breaks::UNKNOWN] {
                let mut got = Vec::new();
                recorded.for_each_line(value.as_bytes(), |line| got.push(line));
                assert_eq!(got, expected, "{breaks} breaks");
            }
        }
    }

    #[test]
    fn checks_report_the_first_bad_byte() {
        assert_eq!(check_event_type("ok\0"), Ok(()));
        assert_eq!(
            check_event_type("a\rb"),
            Err(EncodeError::InvalidField {
                field: Field::EventType,
                byte: b'\r',
                offset: 1
            })
        );
        assert_eq!(
            check_id("12\0\n"),
            Err(EncodeError::InvalidField {
                field: Field::Id,
                byte: 0,
                offset: 2
            })
        );
        assert_eq!(check_id(""), Ok(()));
    }
}
