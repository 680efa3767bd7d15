//! The items of a decoded stream as plain data, and their one-line JSON form
//! (the form the vectors use and `sse decode` prints).

use std::fmt;

use serde::{Deserialize, Serialize};
use sse_proto::{DecodeError, Item};

/// One decoded item, owned, in the shape of the vectors' `expect` entries.
///
/// Serialized with `serde_json` it gives the compact JSON object the CLI prints,
/// keys in this order: `type`, `event`, `data`, `id` for an event; `type`, `ms` for
/// a retry; `type`, `text` for a comment; `type`, `kind`, `limit` for an error.
///
/// # Examples
///
/// ```
/// use sse_conformance::Record;
/// use sse_proto::{Event, Item};
///
/// let item = Item::Event(Event::new("", "hi", "7"));
/// assert_eq!(
///     Record::from_item(&item).unwrap().to_json(),
///     r#"{"type":"event","event":"message","data":"hi","id":"7"}"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Record {
    /// A dispatched event.
    Event {
        /// The event type (`message` when the stream set none).
        event: String,
        /// The data, lines joined by LF.
        data: String,
        /// The last event ID in force at dispatch.
        id: String,
    },
    /// A valid `retry` field, in milliseconds.
    Retry {
        /// The reconnection time in milliseconds (saturated at `u64::MAX`).
        ms: u64,
    },
    /// A comment line: everything after the first colon, as is.
    Comment {
        /// The comment text.
        text: String,
    },
    /// A decoder error (a configured limit was exceeded).
    Error {
        /// Which limit.
        kind: ErrorKind,
        /// The limit in force, in bytes.
        limit: u64,
    },
}

/// The kind of a [`Record::Error`], named as in the vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`DecodeError::LineTooLong`].
    LineTooLong,
    /// [`DecodeError::EventTooLarge`].
    EventTooLarge,
    /// [`DecodeError::BufferFull`] (its `limit` is the buffer capacity).
    BufferFull,
}

impl Record {
    /// The record of a decoder error, or `None` for a [`DecodeError`] variant this
    /// crate does not know yet.
    pub fn from_error(error: &DecodeError) -> Option<Record> {
        let (kind, limit) = match *error {
            DecodeError::LineTooLong { limit } => (ErrorKind::LineTooLong, limit),
            DecodeError::EventTooLarge { limit } => (ErrorKind::EventTooLarge, limit),
            DecodeError::BufferFull { capacity } => (ErrorKind::BufferFull, capacity),
            _ => return None,
        };
        Some(Record::Error {
            kind,
            limit: u64::try_from(limit).unwrap_or(u64::MAX),
        })
    }

    /// The record as one line of compact JSON (no trailing newline).
    pub fn to_json(&self) -> String {
        // Serializing plain strings and integers to a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Record {
    /// The record of a decoded item, or `None` for a kind of [`Item`] this crate
    /// does not know yet.
    pub fn from_item(item: &Item<'_>) -> Option<Record> {
        Some(match *item {
            Item::Event(e) => Record::Event {
                event: e.event_type().to_owned(),
                data: e.data().to_owned(),
                id: e.last_event_id().to_owned(),
            },
            Item::Retry(d) => Record::Retry {
                ms: u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
            },
            Item::Comment(text) => Record::Comment {
                text: text.to_owned(),
            },
            _ => return None,
        })
    }
}

impl fmt::Display for Record {
    /// The compact JSON form, as [`Record::to_json`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// One decoded item as the compact JSON line `sse decode` prints (no trailing
/// newline): `{"type":"event","event":...,"data":...,"id":...}`,
/// `{"type":"retry","ms":...}` or `{"type":"comment","text":...}`.
///
/// ```
/// use sse_conformance::item_json;
/// use sse_proto::Item;
///
/// assert_eq!(item_json(&Item::Comment(" ping")), r#"{"type":"comment","text":" ping"}"#);
/// ```
pub fn item_json(item: &Item<'_>) -> String {
    match Record::from_item(item) {
        Some(record) => record.to_json(),
        None => serde_json::json!({ "type": "unknown", "item": format!("{item:?}") }).to_string(),
    }
}

/// A decoder error as the compact JSON line `sse decode` prints, e.g.
/// `{"type":"error","kind":"line_too_long","limit":64}`.
///
/// ```
/// use sse_conformance::error_json;
/// use sse_proto::DecodeError;
///
/// let e = DecodeError::EventTooLarge { limit: 8 };
/// assert_eq!(error_json(&e), r#"{"type":"error","kind":"event_too_large","limit":8}"#);
/// ```
pub fn error_json(error: &DecodeError) -> String {
    match Record::from_error(error) {
        Some(record) => record.to_json(),
        None => serde_json::json!({ "type": "error", "message": error.to_string() }).to_string(),
    }
}
