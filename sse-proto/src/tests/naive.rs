//! A deliberately naive reference decoder, written straight from the WHATWG
//! algorithm: decode the whole body to a `String` (lossy), drop one leading BOM,
//! split into lines, interpret each line. No chunking, no limits, no cleverness.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use crate::{EventOwned, ItemOwned};

/// What a whole body decodes to: the items, and the connection's last event ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decoded {
    pub(crate) items: Vec<ItemOwned>,
    pub(crate) last_event_id: String,
}

/// Decodes a complete body, starting with `last_event_id` as the connection's ID.
pub(crate) fn decode(body: &[u8], last_event_id: &str) -> Decoded {
    let text = String::from_utf8_lossy(body);
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);

    let mut items = Vec::new();
    let mut data = String::new();
    let mut event_type = String::new();
    let mut id_buffer = String::from(last_event_id);
    let mut last_id = String::from(last_event_id);

    let mut rest = text;
    // Only complete lines count: the standard drops what follows the last line end.
    while let Some(end) = rest.find(['\r', '\n']) {
        let line = &rest[..end];
        let after = if rest[end..].starts_with("\r\n") {
            end + 2
        } else {
            end + 1
        };
        rest = &rest[after..];

        if line.is_empty() {
            last_id.clone_from(&id_buffer);
            if data.is_empty() {
                event_type.clear();
                continue;
            }
            if data.ends_with('\n') {
                data.pop();
            }
            let ty = if event_type.is_empty() {
                "message"
            } else {
                &event_type
            };
            items.push(ItemOwned::Event(EventOwned {
                event_type: ty.into(),
                data: core::mem::take(&mut data),
                last_event_id: id_buffer.clone(),
            }));
            event_type.clear();
            continue;
        }
        if let Some(comment) = line.strip_prefix(':') {
            items.push(ItemOwned::Comment(comment.into()));
            continue;
        }
        let (name, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line, ""),
        };
        match name {
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            "event" => event_type = value.into(),
            "id" if !value.contains('\0') => id_buffer = value.into(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Digits only, so the only failure is overflow: saturate.
                let ms = value.parse::<u64>().unwrap_or(u64::MAX);
                items.push(ItemOwned::Retry(Duration::from_millis(ms)));
            }
            _ => {}
        }
    }
    Decoded {
        items,
        last_event_id: last_id,
    }
}
