//! Decode conformance vectors (`conformance/vectors/decode/*.json`) run against
//! any [`Peer`]: the input whole and split in two at every byte offset.
//!
//! A file holds one case or an array of cases:
//! `{"name", "rule", "input" | "input_base64", "expect": [item, ...]}` where an
//! item is `{"type": "event", "event", "data", "id"}`, `{"type": "retry", "ms"}`
//! or `{"type": "comment", "text"}`. A missing `event` means `message`, a missing
//! `id` means `""`. Other fields are ignored; a case with an unknown item type is
//! reported as unreadable rather than guessed at, and a case with `limits` (a
//! project rule about configured limits, which each crate has in its own form,
//! if at all) is set aside.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use bytes::Bytes;
use serde_json::Value;

use crate::peers::{Peer, Seen};

/// One item a decoder should produce, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// An event (`event_type` already defaulted to `message`).
    Event {
        /// The event type.
        event_type: String,
        /// The data.
        data: String,
        /// The last event ID.
        id: String,
    },
    /// A comment's text.
    Comment(String),
    /// A reconnection time in milliseconds.
    Retry(u128),
}

impl Expected {
    /// The owned form of what a peer reported; an empty event type becomes
    /// `message`, as the standard's dispatch step says.
    pub fn from_seen(seen: Seen<'_>) -> Self {
        match seen {
            Seen::Event {
                event_type,
                data,
                id,
            } => Expected::Event {
                event_type: if event_type.is_empty() {
                    "message".into()
                } else {
                    event_type.into()
                },
                data: data.into(),
                id: id.into(),
            },
            Seen::Comment(c) => Expected::Comment(c.into()),
            Seen::Retry(ms) => Expected::Retry(ms),
        }
    }
}

/// One decode case.
#[derive(Debug, Clone)]
pub struct Case {
    /// `file.json` or `file.json#name`.
    pub name: String,
    /// The body bytes.
    pub input: Vec<u8>,
    /// The items in order.
    pub expect: Vec<Expected>,
}

/// A file or case that could not be read.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// The file (and case name, when known).
    pub name: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.reason)
    }
}

/// The reason given for a case set aside because it configures limits.
pub const LIMITS: &str = "sets limits (a project rule), not compared across decoders";

/// Reads every `*.json` file of `dir` (sorted by name), returning the cases and
/// the files or cases it could not read.
///
/// # Errors
///
/// When `dir` itself cannot be listed.
pub fn load_dir(dir: &Path) -> std::io::Result<(Vec<Case>, Vec<Unreadable>)> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut cases = Vec::new();
    let mut bad = Vec::new();
    for path in paths {
        let file = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<Value>(&text).map_err(|e| e.to_string()));
        match parsed {
            Ok(Value::Array(items)) => {
                for item in &items {
                    push_case(&file, item, &mut cases, &mut bad);
                }
            }
            Ok(item) => push_case(&file, &item, &mut cases, &mut bad),
            Err(reason) => bad.push(Unreadable { name: file, reason }),
        }
    }
    Ok((cases, bad))
}

fn push_case(file: &str, v: &Value, cases: &mut Vec<Case>, bad: &mut Vec<Unreadable>) {
    let name = match v.get("name").and_then(Value::as_str) {
        Some(n) => format!("{file}#{n}"),
        None => file.to_string(),
    };
    match parse_case(v) {
        Ok((input, expect)) => cases.push(Case {
            name,
            input,
            expect,
        }),
        Err(reason) => bad.push(Unreadable { name, reason }),
    }
}

fn parse_case(v: &Value) -> Result<(Vec<u8>, Vec<Expected>), String> {
    if v.get("limits").is_some() {
        return Err(LIMITS.into());
    }
    let input = if let Some(s) = v.get("input").and_then(Value::as_str) {
        s.as_bytes().to_vec()
    } else if let Some(s) = v.get("input_base64").and_then(Value::as_str) {
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|e| format!("input_base64: {e}"))?
    } else {
        return Err("no input or input_base64".into());
    };
    let items = v
        .get("expect")
        .and_then(Value::as_array)
        .ok_or("no expect array")?;
    let str_field =
        |item: &Value, key: &str| item.get(key).and_then(Value::as_str).map(String::from);
    let expect = items
        .iter()
        .map(|item| match item.get("type").and_then(Value::as_str) {
            Some("event") => Ok(Expected::Event {
                event_type: str_field(item, "event")
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| "message".into()),
                data: str_field(item, "data").ok_or("event without data")?,
                id: str_field(item, "id").unwrap_or_default(),
            }),
            Some("comment") => Ok(Expected::Comment(
                str_field(item, "text").ok_or("comment without text")?,
            )),
            Some("retry") => item
                .get("ms")
                .and_then(Value::as_u64)
                .map(|ms| Expected::Retry(ms.into()))
                .ok_or_else(|| "retry without ms".to_string()),
            other => Err(format!("unknown item type {other:?}")),
        })
        .collect::<Result<_, String>>()?;
    Ok((input, expect))
}

/// How one peer did on one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Right on the whole input and at every split.
    Pass,
    /// Wrong somewhere: the first failing split (`None`: the whole input) and
    /// what the peer produced there.
    Fail {
        /// The split offset, or `None` for the whole input.
        split: Option<usize>,
        /// What the peer reported (its error message last, if any).
        got: Vec<String>,
    },
}

/// What `peer` reports for `parts`, comments dropped when it cannot report them.
fn run(peer: &Peer, parts: &[Bytes]) -> Result<Vec<Expected>, (Vec<Expected>, String)> {
    let mut got = Vec::new();
    // A peer that panics on some input fails that case; the matrix goes on.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        (peer.drive)(parts, &mut |seen| {
            if peer.comments || !matches!(seen, Seen::Comment(_)) {
                got.push(Expected::from_seen(seen));
            }
        })
    }));
    match result {
        Ok(Ok(())) => Ok(got),
        Ok(Err(e)) => Err((got, e)),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err((got, format!("panicked: {msg}")))
        }
    }
}

/// Runs `case` on `peer`: the whole input, then split in two at every offset.
/// Comments are left out of the expectation for a peer that drops them all. A
/// panic in the peer fails the case (install a quiet panic hook to keep the
/// report readable).
pub fn check(peer: &Peer, case: &Case) -> Outcome {
    let expect: Vec<Expected> = case
        .expect
        .iter()
        .filter(|e| peer.comments || !matches!(e, Expected::Comment(_)))
        .cloned()
        .collect();
    let bytes = Bytes::from(case.input.clone());
    let splits = std::iter::once(None).chain((1..bytes.len()).map(Some));
    for split in splits {
        let parts = match split {
            None => vec![bytes.clone()],
            Some(k) => vec![bytes.slice(..k), bytes.slice(k..)],
        };
        let (got, error) = match run(peer, &parts) {
            Ok(got) => (got, None),
            Err((got, e)) => (got, Some(e)),
        };
        if error.is_some() || got != expect {
            let mut shown: Vec<String> = got.iter().map(|g| format!("{g:?}")).collect();
            shown.extend(error.map(|e| format!("error: {e}")));
            return Outcome::Fail { split, got: shown };
        }
    }
    Outcome::Pass
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peers::ALL;

    fn case(json: &str) -> Case {
        let v: Value = serde_json::from_str(json).unwrap();
        let (input, expect) = parse_case(&v).unwrap();
        Case {
            name: "t".into(),
            input,
            expect,
        }
    }

    #[test]
    fn parses_all_item_kinds_and_defaults() {
        let c = case(
            r#"{"name":"x","input_base64":"OmhpCnJldHJ5OjUKZGF0YTp5Cgo=","expect":[
                {"type":"comment","text":"hi"},{"type":"retry","ms":5},
                {"type":"event","data":"y"}]}"#,
        );
        assert_eq!(c.input, b":hi\nretry:5\ndata:y\n\n");
        assert_eq!(
            c.expect,
            [
                Expected::Comment("hi".into()),
                Expected::Retry(5),
                Expected::Event {
                    event_type: "message".into(),
                    data: "y".into(),
                    id: String::new()
                }
            ]
        );
    }

    #[test]
    fn sets_aside_cases_with_limits() {
        let v: Value =
            serde_json::from_str(r#"{"input":"","expect":[],"limits":{"max_line_len":4}}"#)
                .unwrap();
        assert_eq!(parse_case(&v).unwrap_err(), LIMITS);
    }

    #[test]
    fn rejects_unknown_item_types() {
        let v: Value = serde_json::from_str(r#"{"input":"","expect":[{"type":"close"}]}"#).unwrap();
        assert!(parse_case(&v).is_err());
    }

    #[test]
    fn ours_passes_and_a_wrong_expectation_fails() {
        let ours = &ALL[0];
        let good = case(
            r#"{"input":": c\r\nid: 1\r\ndata: a\r\n\r\n","expect":[
            {"type":"comment","text":" c"},{"type":"event","event":"message","data":"a","id":"1"}]}"#,
        );
        assert_eq!(check(ours, &good), Outcome::Pass);
        let wrong = case(r#"{"input":"data: a\n\n","expect":[{"type":"event","data":"b"}]}"#);
        assert!(matches!(
            check(ours, &wrong),
            Outcome::Fail { split: None, .. }
        ));
    }
}
