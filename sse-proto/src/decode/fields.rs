//! One complete line → what it means: the field name/value split (with the single
//! leading space removed), comments, and the `retry` value rule.

use core::ops::Range;

/// A complete line, classified. Ranges index into the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Line {
    /// An empty line: dispatch the event being built.
    Empty,
    /// `:` then the comment text (everything after the first colon, as is).
    Comment(Range<usize>),
    /// A `data` field and its value.
    Data(Range<usize>),
    /// An `event` field and its value.
    Event(Range<usize>),
    /// An `id` field and its value.
    Id(Range<usize>),
    /// A `retry` field and its value.
    Retry(Range<usize>),
    /// Any other field: ignored.
    Other,
}

/// Classifies one complete line (without its line ending).
///
/// Field names are case-sensitive; the value is everything after the first colon
/// with one leading U+0020 removed; a line without a colon is a field with an empty
/// value. Dispatches on the first byte, so a line costs a handful of byte
/// comparisons whatever its length.
#[inline(always)]
pub(crate) fn parse_line(line: &[u8]) -> Line {
    let Some(&first) = line.first() else {
        return Line::Empty;
    };
    match first {
        b':' => Line::Comment(1..line.len()),
        b'd' => match value_after(line, b"data") {
            Some(v) => Line::Data(v),
            None => Line::Other,
        },
        b'e' => match value_after(line, b"event") {
            Some(v) => Line::Event(v),
            None => Line::Other,
        },
        b'i' => match value_after(line, b"id") {
            Some(v) => Line::Id(v),
            None => Line::Other,
        },
        b'r' => match value_after(line, b"retry") {
            Some(v) => Line::Retry(v),
            None => Line::Other,
        },
        _ => Line::Other,
    }
}

/// When `line` is the field `name` (the whole line, or `name` then a colon), the
/// range of its value: after the colon and one optional space.
#[inline(always)]
fn value_after(line: &[u8], name: &[u8]) -> Option<Range<usize>> {
    let rest = line.strip_prefix(name)?;
    match rest.first() {
        None => Some(line.len()..line.len()),
        Some(b':') => {
            let start = if rest.get(1) == Some(&b' ') {
                name.len() + 2
            } else {
                name.len() + 1
            };
            Some(start..line.len())
        }
        Some(_) => None,
    }
}

/// The length of the `data:` prefix (with its one optional space) of a line that
/// starts with one, or 0. Needs the byte after the colon to decide, so a line
/// shorter than 6 bytes gives 0.
#[inline]
pub(crate) fn data_prefix_len(line: &[u8]) -> usize {
    match line {
        [b'd', b'a', b't', b'a', b':', b' ', ..] => 6,
        [b'd', b'a', b't', b'a', b':', _, ..] => 5,
        _ => 0,
    }
}

/// Whether an `id` value holds a NUL (the standard then ignores the field). A
/// value never holds CR or LF (those end its line), so the first special byte
/// the shared value scan finds is a NUL.
#[inline]
pub(crate) fn has_nul(value: &[u8]) -> bool {
    super::work(value.len());
    crate::scan::find_line_end_or_nul(value).is_some()
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many bytes of `line` are a leading byte-order mark (0 or 3). Only the first
/// line of a body may have one (the caller knows which that is); a BOM anywhere
/// else is content.
#[inline]
pub(crate) fn bom_len(line: &[u8]) -> usize {
    if line.starts_with(BOM) {
        BOM.len()
    } else {
        0
    }
}

/// The `retry` rule: ASCII digits only, at least one, read as base-ten
/// milliseconds. Anything else (a sign, a space, a decimal point, empty) is `None`.
/// Values past `u64::MAX` saturate rather than overflow. The result is in
/// milliseconds.
pub(crate) fn parse_retry(value: &[u8]) -> Option<u64> {
    crate::digits::parse_decimal(value, crate::digits::Overflow::Saturate)
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! line {
        ($($name:ident: $input:expr => $expect:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(parse_line($input), $expect);
            }
        )*};
    }

    line! {
        empty: b"" => Line::Empty;
        comment_keeps_space: b": hi" => Line::Comment(1..4);
        comment_empty: b":" => Line::Comment(1..1);
        data_with_space: b"data: x" => Line::Data(6..7);
        data_without_space: b"data:x" => Line::Data(5..6);
        only_one_space_removed: b"data:  x" => Line::Data(6..8);
        tab_is_not_removed: b"data:\tx" => Line::Data(5..7);
        data_no_colon: b"data" => Line::Data(4..4);
        data_colon_only: b"data:" => Line::Data(5..5);
        event: b"event: add" => Line::Event(7..10);
        event_no_colon: b"event" => Line::Event(5..5);
        id: b"id: 1" => Line::Id(4..5);
        id_no_colon: b"id" => Line::Id(2..2);
        retry: b"retry: 10" => Line::Retry(7..9);
        retry_no_colon: b"retry" => Line::Retry(5..5);
        case_sensitive: b"Data: x" => Line::Other;
        name_with_space: b"data : x" => Line::Other;
        long_unknown: b"dataset: x" => Line::Other;
        long_no_colon: b"datadata" => Line::Other;
        unknown_short: b"foo" => Line::Other;
        value_has_colons: b"data: a:b" => Line::Data(6..9);
    }

    #[test]
    fn data_prefix() {
        assert_eq!(data_prefix_len(b"data: x"), 6);
        assert_eq!(data_prefix_len(b"data:  "), 6);
        assert_eq!(data_prefix_len(b"data:xy"), 5);
        assert_eq!(data_prefix_len(b"data:"), 0);
        assert_eq!(data_prefix_len(b"data "), 0);
        assert_eq!(data_prefix_len(b"Data: x"), 0);
    }

    #[test]
    fn nul_anywhere_in_short_and_long_ids() {
        for len in 0..40 {
            // Bytes next to zero in value, which a sloppy word test confuses with it.
            let fill = |i: usize| [0x01, 0x80, 0xFF, b'7'][i % 4];
            let mut buf = [0u8; 40];
            let id = &mut buf[..len];
            for (i, b) in id.iter_mut().enumerate() {
                *b = fill(i);
            }
            assert!(!has_nul(id), "len {len}");
            for at in 0..len {
                id[at] = 0;
                assert!(has_nul(id), "len {len}, NUL at {at}");
                id[at] = fill(at);
            }
        }
    }

    #[test]
    fn retry_rules() {
        assert_eq!(parse_retry(b"1500"), Some(1500));
        assert_eq!(parse_retry(b"0"), Some(0));
        assert_eq!(parse_retry(b""), None);
        assert_eq!(parse_retry(b"+5"), None);
        assert_eq!(parse_retry(b"-5"), None);
        assert_eq!(parse_retry(b" 5"), None);
        assert_eq!(parse_retry(b"5 "), None);
        assert_eq!(parse_retry(b"1.5"), None);
        assert_eq!(parse_retry(b"\xd9\xa1"), None); // Arabic-Indic digit one
        assert_eq!(parse_retry(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_retry(b"99999999999999999999999999"), Some(u64::MAX));
    }
}
