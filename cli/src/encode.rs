//! `sse encode`: JSON Lines in the format `sse decode` prints, event stream out.
//!
//! Input, one JSON object per line (blank lines are skipped, unknown keys ignored):
//!
//! - `{"type":"event","event":"<type>","data":"<data>","id":"<last event id>"}`:
//!   `data` is required; `event` defaults to `message`; `id` is the last event ID
//!   in force, as `sse decode` prints it for every event.
//! - `{"type":"retry","ms":<integer>}`
//! - `{"type":"comment","text":"<text after the colon, as is>"}`
//!
//! So that `sse decode | sse encode | sse decode` gives the same items, an event
//! gets an `id:` line only when its `id` differs from the one in force (the
//! previous event's, `""` at the start; absent means unchanged), and an `event:`
//! line only when its type is not `message`. Comment text goes after the colon as
//! is (`" keepalive"` gives `: keepalive`).
//!
//! # Errors and partial output
//!
//! Each line is parsed and encoded in full before any of it is written, so a bad
//! line (invalid JSON, a missing or mistyped key, a field the encoder refuses)
//! writes nothing. Every earlier line has already been written **and flushed**
//! when the bad one is read: output flows as input arrives (an event stream must
//! not sit in a buffer), and what was written is a valid stream of complete
//! units. The error names the line (counting from 1) and gives exit code 2.

use std::fmt;
use std::io::{self, BufRead, Write};
use std::time::Duration;

use serde_json::{Map, Value};
use sse_proto::{EncodeError, Encoder, Event, Frame, Item};

/// Why `sse encode` stopped.
#[derive(Debug)]
pub(crate) enum EncodeCliError {
    /// Reading the input or writing the output failed.
    Io(io::Error),
    /// Input line `line` is not valid JSON.
    Json {
        line: usize,
        error: serde_json::Error,
    },
    /// Input line `line` is JSON but not an item of the expected shape.
    Shape { line: usize, problem: String },
    /// The encoder refused input line `line`'s item.
    Refused { line: usize, error: EncodeError },
}

impl EncodeCliError {
    /// The process exit code: 2 for bad input, 1 for I/O failures.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            EncodeCliError::Io(_) => 1,
            _ => 2,
        }
    }

    /// The output was closed by its reader (`sse encode | head`).
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, EncodeCliError::Io(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Says only what went wrong at this layer; the cause, when there is one, is the
/// [`source`](std::error::Error::source), printed once by [`crate::report`].
impl fmt::Display for EncodeCliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeCliError::Io(_) => f.write_str("i/o error"),
            EncodeCliError::Json { line, .. } => write!(f, "line {line}: invalid json"),
            EncodeCliError::Shape { line, problem } => write!(f, "line {line}: {problem}"),
            EncodeCliError::Refused { line, .. } => write!(f, "line {line}: refused"),
        }
    }
}

impl std::error::Error for EncodeCliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EncodeCliError::Io(e) => Some(e),
            EncodeCliError::Json { error, .. } => Some(error),
            EncodeCliError::Refused { error, .. } => Some(error),
            EncodeCliError::Shape { .. } => None,
        }
    }
}

impl From<io::Error> for EncodeCliError {
    fn from(e: io::Error) -> Self {
        EncodeCliError::Io(e)
    }
}

/// Reads JSON Lines from `input` and writes the event stream to `output`, one
/// flushed unit per line, stopping at the first bad line (see the module docs).
pub(crate) fn run(mut input: impl BufRead, mut output: impl Write) -> Result<(), EncodeCliError> {
    let encoder = Encoder::new();
    let mut text = Vec::new();
    let mut unit = Vec::new();
    let mut id_in_force = String::new();
    let mut line = 0;
    loop {
        text.clear();
        if input.read_until(b'\n', &mut text)? == 0 {
            return Ok(());
        }
        line += 1;
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        // Bytes, not `read_line`: invalid UTF-8 is then a JSON error of this line.
        let value: Value =
            serde_json::from_slice(&text).map_err(|error| EncodeCliError::Json { line, error })?;
        let shape = |problem: String| EncodeCliError::Shape { line, problem };
        let object = value
            .as_object()
            .ok_or_else(|| shape("expected a json object".into()))?;
        unit.clear();
        // The line is an item as `sse decode` prints it: read it back, then
        // encode it as the frame it converts to.
        let mut new_id = None;
        let item = match str_key(object, "type").map_err(shape)? {
            Some("event") => {
                let data = str_key(object, "data")
                    .map_err(shape)?
                    .ok_or_else(|| shape("event without \"data\"".into()))?;
                let event_type = str_key(object, "event").map_err(shape)?;
                new_id = str_key(object, "id").map_err(shape)?;
                let id = new_id.unwrap_or(&id_in_force);
                Item::Event(Event::new(event_type.unwrap_or(""), data, id))
            }
            Some("retry") => {
                let ms = object
                    .get("ms")
                    .and_then(Value::as_u64)
                    .ok_or_else(|| shape("retry needs \"ms\", a non-negative integer".into()))?;
                Item::Retry(Duration::from_millis(ms))
            }
            Some("comment") => Item::Comment(
                str_key(object, "text")
                    .map_err(shape)?
                    .ok_or_else(|| shape("comment without \"text\"".into()))?,
            ),
            Some(other) => return Err(shape(format!("unknown type {other:?}"))),
            None => return Err(shape("missing \"type\"".into())),
        };
        let mut frame = Frame::from(item);
        if let Frame::Event(event) = &mut frame {
            if event.id == Some(id_in_force.as_str()) {
                event.id = None; // the ID in force: no `id:` line
            }
        }
        encoder
            .encode_to_vec(frame, &mut unit)
            .map_err(|error| EncodeCliError::Refused { line, error })?;
        output.write_all(&unit)?;
        output.flush()?;
        if let Some(id) = new_id {
            id.clone_into(&mut id_in_force);
        }
    }
}

/// The string at `key`, `None` when absent or null, an error for another type.
fn str_key<'v>(object: &'v Map<String, Value>, key: &str) -> Result<Option<&'v str>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("\"{key}\" must be a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sse_proto::Decoder;

    fn encode(input: &str) -> (String, Option<EncodeCliError>) {
        let mut out = Vec::new();
        let err = run(input.as_bytes(), &mut out).err();
        (String::from_utf8(out).unwrap(), err)
    }

    fn ok(input: &str) -> String {
        let (out, err) = encode(input);
        assert!(err.is_none(), "{err:?}");
        out
    }

    #[test]
    fn each_item_type() {
        let out = ok(concat!(
            r#"{"type":"retry","ms":2500}"#,
            "\n",
            r#"{"type":"comment","text":" keepalive"}"#,
            "\n\n",
            r#"{"type":"event","event":"delta","data":"a\nb","id":"1"}"#,
            "\n",
            r#"{"type":"event","event":"message","data":" x","id":"1"}"#,
        ));
        assert_eq!(
            out,
            "retry: 2500\n\n: keepalive\n\nevent: delta\nid: 1\ndata: a\ndata: b\n\ndata:  x\n\n"
        );
    }

    #[test]
    fn id_written_only_when_it_changes() {
        let out = ok(concat!(
            r#"{"type":"event","data":"a","id":""}"#,
            "\n",
            r#"{"type":"event","data":"b","id":"7"}"#,
            "\n",
            r#"{"type":"event","data":"c","id":"7"}"#,
            "\n",
            r#"{"type":"event","data":"d"}"#,
            "\n",
            r#"{"type":"event","data":"e","id":""}"#,
            "\n",
        ));
        assert_eq!(
            out,
            "data: a\n\nid: 7\ndata: b\n\ndata: c\n\ndata: d\n\nid:\ndata: e\n\n"
        );
    }

    #[test]
    fn bad_json_stops_with_line_number_after_earlier_lines() {
        let (out, err) = encode("{\"type\":\"event\",\"data\":\"ok\"}\n\n{\"type\":\n");
        assert_eq!(out, "data: ok\n\n");
        let err = err.unwrap();
        assert!(
            matches!(err, EncodeCliError::Json { line: 3, .. }),
            "{err:?}"
        );
        assert_eq!(err.to_string(), "line 3: invalid json");
        assert!(crate::report(&err).starts_with("line 3: invalid json: EOF while parsing"));
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn refused_field_writes_nothing_and_keeps_id_state() {
        let (out, err) = encode(concat!(
            r#"{"type":"event","data":"a","id":"1"}"#,
            "\n",
            r#"{"type":"event","data":"b","id":"2\ndata: forged"}"#,
            "\n",
        ));
        assert_eq!(out, "id: 1\ndata: a\n\n");
        let err = err.unwrap();
        // The chain prints each layer once: the encoder's reason is the source.
        assert_eq!(err.to_string(), "line 2: refused");
        assert_eq!(
            crate::report(&err),
            "line 2: refused: invalid byte 0x0a at offset 1 of the id field"
        );
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn invalid_utf8_and_crlf_lines() {
        let mut out = Vec::new();
        let input =
            b"{\"type\":\"comment\",\"text\":\"a\"}\r\n{\"type\":\"comment\",\"text\":\"\xff\"}\n";
        let err = run(&input[..], &mut out).unwrap_err();
        assert_eq!(out, b":a\n\n");
        assert!(
            matches!(err, EncodeCliError::Json { line: 2, .. }),
            "{err:?}"
        );
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn write_failure_is_an_io_error() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::WriteZero.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let err = run(&b"{\"type\":\"retry\",\"ms\":1}\n"[..], Full).unwrap_err();
        assert!(matches!(err, EncodeCliError::Io(_)), "{err:?}");
        assert_eq!(crate::report(&err), "i/o error: write zero");
        assert_eq!(err.exit_code(), 1);
    }

    #[test]
    fn shape_errors() {
        for (input, want) in [
            ("[1]", "line 1: expected a json object"),
            (r#"{"data":"x"}"#, "line 1: missing \"type\""),
            (r#"{"type":"end"}"#, "line 1: unknown type \"end\""),
            (r#"{"type":"event"}"#, "line 1: event without \"data\""),
            (
                r#"{"type":"event","data":1}"#,
                "line 1: \"data\" must be a string",
            ),
            (
                r#"{"type":"event","data":"","id":5}"#,
                "line 1: \"id\" must be a string",
            ),
            (
                r#"{"type":"retry","ms":-1}"#,
                "line 1: retry needs \"ms\", a non-negative integer",
            ),
            (
                r#"{"type":"retry","ms":1.5}"#,
                "line 1: retry needs \"ms\", a non-negative integer",
            ),
            (r#"{"type":"comment"}"#, "line 1: comment without \"text\""),
        ] {
            let (out, err) = encode(input);
            assert_eq!(out, "", "{input}");
            assert_eq!(
                err.map(|e| crate::report(&e)).as_deref(),
                Some(want),
                "{input}"
            );
        }
    }

    /// Prints items with `sse decode`'s own printer.
    fn decode_to_jsonl(stream: &[u8]) -> String {
        let mut decoder = Decoder::new();
        let mut feed = decoder.feed(stream);
        let mut out = Vec::new();
        while let Some(item) = feed.next_item() {
            crate::json::write_item(&mut out, &item.unwrap()).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn decode_encode_decode_gives_the_same_items() {
        let stream = concat!(
            ": hello\r\n",
            "retry: 10\n",
            "id: 1\nevent: add\ndata: x\n\n",
            "data: same id\n\n",
            "id: 2\n\n", // no data: sets the ID, delivers nothing
            "data:  leading space\ndata:\n\n",
            "id\nevent: message\ndata: reset\n\n",
            "data:a\r:mid comment\rdata:b\r\r",
        );
        let first = decode_to_jsonl(stream.as_bytes());
        let encoded = ok(&first);
        assert_eq!(decode_to_jsonl(encoded.as_bytes()), first);
        assert_eq!(first.lines().count(), 8);
    }
}
