//! Redis stream entry IDs: `<milliseconds>-<sequence>`, ordered.

use std::fmt;

/// A stream entry ID. Ordered as Redis orders them: by time, then sequence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct StreamId {
    ms: u64,
    seq: u64,
}

impl StreamId {
    /// `0-0`: before every entry.
    pub(crate) const ZERO: StreamId = StreamId { ms: 0, seq: 0 };

    /// The ID in its full form, `ms-seq`; `None` for anything else (no
    /// shorthand, sign, space or overflow).
    pub(crate) fn parse(text: &str) -> Option<StreamId> {
        let (ms, seq) = text.split_once('-')?;
        Some(StreamId {
            ms: digits(ms)?,
            seq: digits(seq)?,
        })
    }

    /// [`parse`](StreamId::parse) over bytes (a Redis reply).
    pub(crate) fn parse_bytes(bytes: &[u8]) -> Option<StreamId> {
        StreamId::parse(std::str::from_utf8(bytes).ok()?)
    }
}

/// A decimal `u64` of ASCII digits only (`str::parse` also takes a `+`).
fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_display_and_order() {
        let id = StreamId::parse("1700000000000-7").unwrap();
        assert_eq!(id.to_string(), "1700000000000-7");
        assert_eq!(StreamId::parse("0-0"), Some(StreamId::ZERO));
        assert!(StreamId::parse("5-10") > StreamId::parse("5-9"));
        assert!(StreamId::parse("6-0") > StreamId::parse("5-99"));
        let max = format!("{}-{}", u64::MAX, u64::MAX);
        assert_eq!(StreamId::parse(&max).unwrap().to_string(), max);
        for bad in [
            "",
            "5",
            "-",
            "5-",
            "-5",
            "+5-0",
            "5-+0",
            "5 -0",
            "5-0-0",
            "x-0",
            "18446744073709551616-0",
            "٣-0",
        ] {
            assert_eq!(StreamId::parse(bad), None, "{bad:?}");
        }
        assert_eq!(StreamId::parse_bytes(b"\xff-0"), None);
    }
}
