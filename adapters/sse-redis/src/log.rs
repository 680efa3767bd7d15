//! The Redis side: the commands on a topic's stream, and their replies read
//! into entries. An event is one stream entry with the fields `data`, and
//! `event` and `retry` when set; its entry ID is its SSE `id`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::{Cmd, Pipeline, Value};
use sse_rt::EventFrame;

use crate::config::RedisConfig;
use crate::id::StreamId;

const DATA: &str = "data";
const EVENT: &str = "event";
const RETRY: &str = "retry";

/// One stream entry, as an event.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) id: StreamId,
    id_text: String,
    data: String,
    event: Option<String>,
    retry: Option<Duration>,
}

impl Entry {
    /// The entry ID as Redis wrote it.
    pub(crate) fn id_text(&self) -> &str {
        &self.id_text
    }

    /// The event, with the entry ID as its `id`.
    pub(crate) fn event(&self) -> EventFrame<'_> {
        let mut event = EventFrame::new(&self.data).with_id(&self.id_text);
        event.event_type = self.event.as_deref();
        event.retry = self.retry;
        event
    }
}

/// What `XINFO STREAM` says about resuming: the newest ID given out, the
/// oldest entry held, and whether any entry was ever removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Info {
    pub(crate) last_generated: StreamId,
    pub(crate) first: Option<StreamId>,
    pub(crate) trimmed: bool,
}

impl Info {
    /// Whether an entry after `after` may have been trimmed: entries were
    /// removed, and `after` is older than the oldest held (or, with none
    /// held, than the newest given out). Redis does not say which entry was
    /// trimmed last, so an `after` that is exactly that entry counts too.
    pub(crate) fn gone_after(&self, after: StreamId) -> bool {
        self.trimmed && after < self.first.unwrap_or(self.last_generated)
    }
}

/// `XADD key MAXLEN ~ N * data .. [event ..] [retry ..]`, then, with a
/// maximum age, `XTRIM key MINID ~ <now - age>` in the same round trip. The
/// reply's first value is the new entry's ID.
pub(crate) fn xadd(key: &str, event: &EventFrame<'_>, config: &RedisConfig) -> Pipeline {
    let mut add = redis::cmd("XADD");
    add.arg(key)
        .arg("MAXLEN")
        .arg("~")
        .arg(config.max_len())
        .arg("*")
        .arg(DATA)
        .arg(event.data);
    if let Some(event_type) = event.event_type.filter(|t| !t.is_empty()) {
        add.arg(EVENT).arg(event_type);
    }
    if let Some(retry) = event.retry {
        add.arg(RETRY)
            .arg(u64::try_from(retry.as_millis()).unwrap_or(u64::MAX));
    }
    let mut pipe = redis::pipe();
    pipe.add_command(add);
    if let Some(age) = config.max_age() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let oldest = now.saturating_sub(age).as_millis();
        pipe.cmd("XTRIM")
            .arg(key)
            .arg("MINID")
            .arg("~")
            .arg(format!("{oldest}-0"))
            .ignore();
    }
    pipe
}

/// `XREAD COUNT n BLOCK ms STREAMS key last`: entries after `last`, waiting
/// up to the block time for the first.
pub(crate) fn xread(key: &str, last: StreamId, config: &RedisConfig) -> Cmd {
    let mut cmd = redis::cmd("XREAD");
    cmd.arg("COUNT")
        .arg(config.read_count())
        .arg("BLOCK")
        .arg(u64::try_from(config.block().as_millis()).unwrap_or(u64::MAX))
        .arg("STREAMS")
        .arg(key)
        .arg(last.to_string());
    cmd
}

/// `XRANGE key (after to COUNT n` (from the start with `after` `None`).
pub(crate) fn xrange(key: &str, after: Option<StreamId>, to: StreamId, count: usize) -> Cmd {
    let mut cmd = redis::cmd("XRANGE");
    cmd.arg(key);
    match after {
        Some(after) => cmd.arg(format!("({after}")),
        None => cmd.arg("-"),
    };
    cmd.arg(to.to_string()).arg("COUNT").arg(count);
    cmd
}

/// `XINFO STREAM key`.
pub(crate) fn xinfo(key: &str) -> Cmd {
    let mut cmd = redis::cmd("XINFO");
    cmd.arg("STREAM").arg(key);
    cmd
}

/// Whether `XINFO STREAM` failed only because the stream does not exist
/// yet (nothing published): then it is empty, nothing given out or trimmed.
pub(crate) fn no_such_key(error: &redis::RedisError) -> bool {
    error.detail() == Some("no such key")
}

/// The entries of an `XRANGE` reply; `None` for a reply of another shape.
pub(crate) fn entries(reply: Value) -> Option<Vec<Entry>> {
    let Value::Array(items) = reply else {
        return None;
    };
    items.into_iter().map(entry).collect()
}

/// The entries of an `XREAD` reply for one stream (none when it timed out).
pub(crate) fn read_entries(reply: Value) -> Option<Vec<Entry>> {
    let streams = match reply {
        Value::Nil => return Some(Vec::new()),
        // RESP2: [[key, entries]]; RESP3: {key: entries}.
        Value::Array(streams) => streams
            .into_iter()
            .map(|stream| match stream {
                Value::Array(pair) => pair.into_iter().nth(1),
                _ => None,
            })
            .collect::<Option<Vec<Value>>>()?,
        Value::Map(streams) => streams.into_iter().map(|(_, entries)| entries).collect(),
        _ => return None,
    };
    let mut all = Vec::new();
    for stream in streams {
        all.extend(entries(stream)?);
    }
    Some(all)
}

/// The resume facts of an `XINFO STREAM` reply.
pub(crate) fn info(reply: Value) -> Option<Info> {
    let pairs: Vec<(Value, Value)> = match reply {
        Value::Map(pairs) => pairs,
        Value::Array(flat) => {
            let mut pairs = Vec::with_capacity(flat.len() / 2);
            let mut flat = flat.into_iter();
            while let (Some(k), Some(v)) = (flat.next(), flat.next()) {
                pairs.push((k, v));
            }
            pairs
        }
        _ => return None,
    };
    let (mut last_generated, mut first, mut length, mut added) = (None, None, None, None);
    for (key, value) in pairs {
        match text(&key)? {
            b"last-generated-id" => last_generated = StreamId::parse_bytes(text(&value)?),
            b"first-entry" if value != Value::Nil => first = Some(entry(value)?.id),
            b"length" => length = int(&value),
            b"entries-added" => added = int(&value),
            _ => {}
        }
    }
    Some(Info {
        last_generated: last_generated?,
        first,
        // Before Redis 7.0 (no `entries-added`): assume trimmed.
        trimmed: added.is_none_or(|added| Some(added) > length),
    })
}

/// `[id, [field, value, ...]]`.
fn entry(item: Value) -> Option<Entry> {
    let Value::Array(parts) = item else {
        return None;
    };
    let mut parts = parts.into_iter();
    let id_text = String::from_utf8(text(&parts.next()?)?.to_vec()).ok()?;
    let id = StreamId::parse(&id_text)?;
    let fields = match parts.next()? {
        Value::Array(flat) => flat,
        Value::Map(pairs) => pairs.into_iter().flat_map(|(k, v)| [k, v]).collect(),
        _ => return None,
    };
    let mut entry = Entry {
        id,
        id_text,
        data: String::new(),
        event: None,
        retry: None,
    };
    let mut fields = fields.iter();
    while let (Some(name), Some(value)) = (fields.next(), fields.next()) {
        let value = text(value)?;
        match text(name)? {
            b"data" => entry.data = String::from_utf8_lossy(value).into_owned(),
            b"event" => entry.event = Some(String::from_utf8_lossy(value).into_owned()),
            b"retry" => {
                entry.retry = std::str::from_utf8(value)
                    .ok()
                    .and_then(|ms| ms.parse().ok())
                    .map(Duration::from_millis);
            }
            // Fields written by someone else: not part of the event.
            _ => {}
        }
    }
    Some(entry)
}

/// An integer reply.
fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Int(n) => Some(*n),
        _ => None,
    }
}

/// The bytes of a string reply.
fn text(value: &Value) -> Option<&[u8]> {
    match value {
        Value::BulkString(bytes) => Some(bytes),
        Value::SimpleString(s) => Some(s.as_bytes()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(s.as_bytes().to_vec())
    }

    fn raw_entry(id: &str, fields: &[&str]) -> Value {
        Value::Array(vec![
            bulk(id),
            Value::Array(fields.iter().map(|f| bulk(f)).collect()),
        ])
    }

    #[test]
    fn entries_become_events_with_the_entry_id() {
        let reply = Value::Array(vec![
            raw_entry("5-0", &["data", "a\nb", "event", "chat", "retry", "1500"]),
            raw_entry("5-1", &["other", "x", "data", "plain"]),
        ]);
        let entries = entries(reply).unwrap();
        let first = entries[0].event();
        assert_eq!(first.id, Some("5-0"));
        assert_eq!((first.data, first.event_type), ("a\nb", Some("chat")));
        assert_eq!(first.retry, Some(Duration::from_millis(1500)));
        let second = entries[1].event();
        assert_eq!(
            (second.id, second.data, second.event_type),
            (Some("5-1"), "plain", None)
        );
        assert_eq!(entries[1].id, StreamId::parse("5-1").unwrap());
        // Not a stream reply, an entry without a valid ID: no entries.
        assert_eq!(super::entries(Value::Int(1)), None);
        assert_eq!(
            super::entries(Value::Array(vec![raw_entry("5", &[])])),
            None
        );
    }

    #[test]
    fn xread_replies_in_both_protocols() {
        let stream = Value::Array(vec![raw_entry("7-0", &["data", "x"])]);
        let resp2 = Value::Array(vec![Value::Array(vec![bulk("sse:t"), stream.clone()])]);
        let resp3 = Value::Map(vec![(bulk("sse:t"), stream)]);
        for reply in [resp2, resp3] {
            let entries = read_entries(reply).unwrap();
            assert_eq!(entries.len(), 1);
            assert_eq!(entries[0].id_text(), "7-0");
        }
        assert_eq!(read_entries(Value::Nil), Some(Vec::new()));
        assert_eq!(read_entries(Value::Okay), None);
    }

    #[test]
    fn xinfo_tells_what_was_trimmed() {
        let reply = |added: i64, first: Value| {
            Value::Array(vec![
                bulk("length"),
                Value::Int(2),
                bulk("last-generated-id"),
                bulk("9-3"),
                bulk("entries-added"),
                Value::Int(added),
                bulk("first-entry"),
                first,
            ])
        };
        let id = |s| StreamId::parse(s).unwrap();
        let trimmed = info(reply(5, raw_entry("9-2", &["data", "x"]))).unwrap();
        assert_eq!(trimmed.last_generated, id("9-3"));
        assert_eq!(trimmed.first, Some(id("9-2")));
        assert!(trimmed.gone_after(id("9-1")));
        assert!(!trimmed.gone_after(id("9-2")));
        let whole = info(reply(2, raw_entry("9-2", &["data", "x"]))).unwrap();
        assert!(!whole.gone_after(id("1-0")));
        let emptied = info(reply(5, Value::Nil)).unwrap();
        assert_eq!(emptied.first, None);
        assert!(emptied.gone_after(id("9-2")));
        assert!(!emptied.gone_after(id("9-3")));
        // Redis before 7.0 does not count what was added.
        let old = Value::Map(vec![
            (bulk("last-generated-id"), bulk("9-3")),
            (bulk("first-entry"), raw_entry("9-2", &[])),
        ]);
        assert!(super::info(old).unwrap().gone_after(id("9-1")));
        assert_eq!(super::info(Value::Array(vec![])), None);
    }

    #[test]
    fn xadd_trims_by_length_and_age() {
        let config = RedisConfig::new().with_max_len(50);
        let event = EventFrame::new("hi").with_event_type("chat");
        let packed = String::from_utf8_lossy(&xadd("sse:t", &event, &config).get_packed_pipeline())
            .into_owned();
        assert!(packed
            .contains("XADD\r\n$5\r\nsse:t\r\n$6\r\nMAXLEN\r\n$1\r\n~\r\n$2\r\n50\r\n$1\r\n*"));
        assert!(packed.contains("event\r\n$4\r\nchat"));
        assert!(!packed.contains("XTRIM"));
        let aged = config.with_max_age(Some(Duration::from_secs(60)));
        let packed = String::from_utf8_lossy(&xadd("sse:t", &event, &aged).get_packed_pipeline())
            .into_owned();
        assert!(packed.contains("XTRIM\r\n$5\r\nsse:t\r\n$5\r\nMINID\r\n$1\r\n~"));
    }
}
