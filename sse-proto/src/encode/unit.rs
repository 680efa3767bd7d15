//! What a frame is made of: the checks and lengths worked out before writing
//! (a [`Plan`]), and the writing itself, into any [`Sink`]. Both follow the same
//! rules, so the length measured is the length written.

use core::time::Duration;

use super::sink::{Sink, Unit};
use super::validate::{
    check_event_type, check_id, field_line_len, has_line_end, measure_lines, Breaks, Lines,
};
use super::{Encoder, EventFrame, Frame};
use crate::digits::decimal;
use crate::time::duration_to_millis;
use crate::EncodeError;

/// The lengths worked out, and checks passed, before anything is written.
#[derive(Debug, Clone, Copy)]
pub(super) struct Plan {
    pub(super) len: usize,
    /// The data (or comment text) has no line end.
    single: bool,
}

impl Encoder {
    /// The text of `frame` when it is a comment (or keepalive) of one line.
    #[inline(always)]
    pub(super) fn one_line_comment<'a>(&self, frame: &Frame<'a>) -> Option<&'a [u8]> {
        let text = match *frame {
            Frame::Comment(text) => text,
            Frame::Keepalive => self.keepalive,
            Frame::Event(_) | Frame::Retry(_) => return None,
        };
        (!has_line_end(text.as_bytes())).then_some(text.as_bytes())
    }

    /// Checks `frame` and measures it.
    ///
    /// `breaks` is where the line breaks of multi-line data are recorded for
    /// [`Encoder::write`]: passed in empty, so that only multi-line data pays
    /// for filling it.
    #[inline(always)]
    pub(super) fn plan(
        &self,
        frame: &Frame<'_>,
        breaks: &mut Option<Breaks>,
    ) -> Result<Plan, EncodeError> {
        Ok(match *frame {
            Frame::Event(ref e) => {
                // The head lines and the final empty line.
                let len = event_head_len(e)? + 1;
                let data = measure_lines(b"data: ", e.data, breaks);
                Plan {
                    len: len.saturating_add(data.len),
                    single: data.single,
                }
            }
            Frame::Comment(text) => comment_plan(text),
            Frame::Keepalive => comment_plan(self.keepalive),
            Frame::Retry(retry) => Plan {
                len: retry_line_len(retry) + 1,
                single: true,
            },
        })
    }
}

/// A checked frame of any kind, with what [`Encoder::plan`] gave for it.
pub(super) struct AnyFrame<'f, 'a> {
    /// The encoder's keepalive text.
    pub(super) keepalive: &'static str,
    pub(super) frame: &'f Frame<'a>,
    pub(super) plan: Plan,
    pub(super) breaks: &'f Option<Breaks>,
}

impl Unit for AnyFrame<'_, '_> {
    #[inline(always)]
    fn write<S: Sink>(&self, out: &mut S) {
        match *self.frame {
            Frame::Event(ref e) => {
                if self.plan.single {
                    write_one_line_event(out, e);
                    return;
                }
                write_event_head(out, e);
                let breaks = self.breaks.as_ref().unwrap_or(&Breaks::UNKNOWN);
                breaks.for_each_line(e.data.as_bytes(), |line| {
                    write_field(out, b"data: ", line);
                });
            }
            Frame::Comment(text) => write_comment(out, text, self.plan.single),
            Frame::Keepalive => write_comment(out, self.keepalive, self.plan.single),
            Frame::Retry(retry) => write_retry(out, retry),
        }
        out.put(b"\n");
    }
}

/// A checked event whose data is one line.
pub(super) struct OneLineEvent<'f, 'a>(pub(super) &'f EventFrame<'a>);

impl Unit for OneLineEvent<'_, '_> {
    #[inline(always)]
    fn write<S: Sink>(&self, out: &mut S) {
        write_one_line_event(out, self.0);
    }
}

/// A one-line comment (its text has no line end).
pub(super) struct OneLineComment<'t>(pub(super) &'t [u8]);

impl Unit for OneLineComment<'_> {
    #[inline(always)]
    fn write<S: Sink>(&self, out: &mut S) {
        out.put(b":");
        out.put(self.0);
        out.put(b"\n\n");
    }
}

/// Checks the `event` and `id` fields of `e` and measures the lines before
/// its data: `event`, `id`, `retry`.
#[inline(always)]
fn event_head_len(e: &EventFrame<'_>) -> Result<usize, EncodeError> {
    let mut len = 0;
    if let Some(t) = e.event_type.filter(|t| !t.is_empty()) {
        check_event_type(t)?;
        len += field_line_len(b"event: ", t.len());
    }
    if let Some(id) = e.id {
        check_id(id)?;
        len += field_line_len(b"id: ", id.len());
    }
    if let Some(retry) = e.retry {
        len += retry_line_len(retry);
    }
    Ok(len)
}

/// Writes the lines of a checked `e` before its data.
#[inline(always)]
fn write_event_head<S: Sink>(out: &mut S, e: &EventFrame<'_>) {
    if let Some(t) = e.event_type.filter(|t| !t.is_empty()) {
        write_field(out, b"event: ", t.as_bytes());
    }
    if let Some(id) = e.id {
        write_field(out, b"id: ", id.as_bytes());
    }
    if let Some(retry) = e.retry {
        write_retry(out, retry);
    }
}

/// The length of `e` when its data is one line and it has no `retry` (`None`
/// otherwise: the general path takes it).
///
/// # Errors
///
/// [`EncodeError::InvalidField`], as [`Encoder::plan`] gives it.
#[inline(always)]
pub(super) fn one_line_event_len(e: &EventFrame<'_>) -> Result<Option<usize>, EncodeError> {
    if e.retry.is_some() {
        return Ok(None);
    }
    let head = event_head_len(e)?;
    let data = e.data.as_bytes();
    Ok((!has_line_end(data)).then(|| head + field_line_len(b"data: ", data.len()) + 1))
}

/// Writes a checked event whose data is one line.
#[inline(always)]
fn write_one_line_event<S: Sink>(out: &mut S, e: &EventFrame<'_>) {
    write_event_head(out, e);
    // The data line and the empty line that ends the event.
    write_field_end(out, b"data: ", e.data.as_bytes(), b"\n\n");
}

/// The length of a one-line comment unit: `:`, the text, two LFs.
#[inline(always)]
pub(super) const fn comment_unit_len(text: &[u8]) -> usize {
    // A slice is at most `isize::MAX` bytes long: no overflow.
    text.len() + 3
}

fn comment_plan(text: &str) -> Plan {
    // A comment line is `:` + text + LF: the length of a field line with an empty
    // name and no separating space.
    let single = !has_line_end(text.as_bytes());
    let lines = if single {
        text.len() + 2
    } else {
        Lines::new(text)
            .map(|line| line.len() + 2)
            .fold(0usize, usize::saturating_add)
    };
    Plan {
        len: lines.saturating_add(1),
        single,
    }
}

fn retry_line_len(retry: Duration) -> usize {
    let mut digits = [0; 20];
    field_line_len(
        b"retry: ",
        decimal(duration_to_millis(retry), &mut digits).len(),
    )
}

/// `name: value\n`, or `name:\n` for an empty value (`name` includes the colon
/// and the space).
#[inline(always)]
fn write_field<S: Sink>(out: &mut S, name: &[u8], value: &[u8]) {
    write_field_end(out, name, value, b"\n");
}

/// [`write_field`] with `end` (`b"\n"`, or `b"\n\n"` for the last line of a
/// unit) as the line end.
#[inline(always)]
fn write_field_end<S: Sink>(out: &mut S, name: &[u8], value: &[u8], end: &[u8]) {
    if value.is_empty() {
        out.put(name.strip_suffix(b" ").unwrap_or(name));
    } else {
        out.put(name);
        out.put(value);
    }
    out.put(end);
}

#[inline(always)]
fn write_retry<S: Sink>(out: &mut S, retry: Duration) {
    let mut digits = [0; 20];
    out.put(b"retry: ");
    out.put(decimal(duration_to_millis(retry), &mut digits));
    out.put(b"\n");
}

#[inline(always)]
fn write_comment<S: Sink>(out: &mut S, text: &str, single: bool) {
    if single {
        write_comment_line(out, text.as_bytes());
    } else {
        for line in Lines::new(text) {
            write_comment_line(out, line);
        }
    }
}

#[inline(always)]
fn write_comment_line<S: Sink>(out: &mut S, line: &[u8]) {
    out.put(b":");
    out.put(line);
    out.put(b"\n");
}
