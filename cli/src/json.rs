//! The JSON Lines shape of decoded items, shared by every subcommand:
//! `{"type":"event","event":"<type>","data":"<data>","id":"<last event id>"}`,
//! `{"type":"retry","ms":<integer>}`, `{"type":"comment","text":"<text>"}`;
//! and for `sse listen` `{"type":"open","status":<integer>}` and
//! `{"type":"error","error":"<message>"}`.

use std::io::{self, Write};

use sse_proto::Item;

/// Writes `item` as one compact JSON object and a newline, keys in the order above.
pub(crate) fn write_item(out: &mut impl Write, item: &Item<'_>) -> io::Result<()> {
    match item {
        Item::Event(e) => {
            out.write_all(b"{\"type\":\"event\",\"event\":")?;
            serde_json::to_writer(&mut *out, e.event_type())?;
            out.write_all(b",\"data\":")?;
            serde_json::to_writer(&mut *out, e.data())?;
            out.write_all(b",\"id\":")?;
            serde_json::to_writer(&mut *out, e.last_event_id())?;
            out.write_all(b"}\n")
        }
        Item::Retry(d) => writeln!(out, "{{\"type\":\"retry\",\"ms\":{}}}", d.as_millis()),
        Item::Comment(text) => {
            out.write_all(b"{\"type\":\"comment\",\"text\":")?;
            serde_json::to_writer(&mut *out, text)?;
            out.write_all(b"}\n")
        }
        // A kind of item added to `sse-proto` after this printer: not printed.
        _ => Ok(()),
    }
}

/// Writes `{"type":"open","status":<status>}` and a newline.
pub(crate) fn write_open(out: &mut impl Write, status: u16) -> io::Result<()> {
    writeln!(out, "{{\"type\":\"open\",\"status\":{status}}}")
}

/// Writes `{"type":"error","error":<message>}` and a newline.
pub(crate) fn write_error(out: &mut impl Write, message: &str) -> io::Result<()> {
    out.write_all(b"{\"type\":\"error\",\"error\":")?;
    serde_json::to_writer(&mut *out, message)?;
    out.write_all(b"}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sse_proto::Event;
    use std::time::Duration;

    fn line(item: Item<'_>) -> String {
        let mut out = Vec::new();
        write_item(&mut out, &item).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn shapes_and_escaping() {
        assert_eq!(
            line(Item::Event(Event::new("", "a\"b\n\u{1}é", "7"))),
            "{\"type\":\"event\",\"event\":\"message\",\"data\":\"a\\\"b\\n\\u0001é\",\"id\":\"7\"}\n"
        );
        assert_eq!(
            line(Item::Retry(Duration::from_millis(u64::MAX))),
            "{\"type\":\"retry\",\"ms\":18446744073709551615}\n"
        );
        assert_eq!(
            line(Item::Comment(" hi")),
            "{\"type\":\"comment\",\"text\":\" hi\"}\n"
        );
        let mut out = Vec::new();
        write_open(&mut out, 200).unwrap();
        write_error(&mut out, "i/o error: \"reset\"").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"type\":\"open\",\"status\":200}\n{\"type\":\"error\",\"error\":\"i/o error: \\\"reset\\\"\"}\n"
        );
    }
}
