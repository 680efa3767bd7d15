//! The `?lastEventId=` fallback for clients that cannot set headers.

use std::borrow::Cow;

use sse_proto::server::LastEventId;

/// The query parameter [`query_last_event_id`] reads.
pub const LAST_EVENT_ID_PARAM: &str = "lastEventId";

/// The value of the `lastEventId` parameter in the query of a request target
/// (`/events?room=1&lastEventId=42`), percent-decoded (`+` is a space, as
/// `URLSearchParams` writes it), or `None` without one. The first occurrence
/// counts; a malformed `%` escape is kept as it is.
///
/// Some clients cannot send a `Last-Event-ID` header on their first
/// connection (a browser's `EventSource` sends it only on its own
/// reconnects; a page restoring a saved position puts it in the URL). Check
/// the result with the core's one parser, and let the header win:
///
/// ```
/// use sse_rt::server::{query_last_event_id, resolve_last_event_id};
/// use sse_rt::sse_proto::server::LastEventId;
///
/// let target = "/events?room=7&lastEventId=msg%2041";
/// let query = query_last_event_id(target);
/// assert_eq!(query.as_deref(), Some(&b"msg 41"[..]));
/// let id = resolve_last_event_id(LastEventId::Absent, query.as_deref());
/// assert_eq!(id, LastEventId::Id("msg 41"));
/// // The header, when there is one, wins.
/// assert_eq!(resolve_last_event_id(LastEventId::Id("40"), query.as_deref()), LastEventId::Id("40"));
/// assert_eq!(query_last_event_id("/events?room=7"), None);
/// ```
pub fn query_last_event_id(target: &str) -> Option<Cow<'_, [u8]>> {
    query_param(target, LAST_EVENT_ID_PARAM)
}

/// The value of the parameter `name` in the query of a request target,
/// decoded as [`query_last_event_id`] decodes its parameter (`+` is a space,
/// `%XX` a byte, a malformed escape kept as it is; the first occurrence
/// counts), or `None` without one. The bytes need not be UTF-8: check them
/// where they are used.
///
/// ```
/// use sse_rt::server::query_param;
///
/// assert_eq!(query_param("/publish?event=chat%20line", "event").as_deref(), Some(&b"chat line"[..]));
/// assert_eq!(query_param("/publish?events=x", "event"), None);
/// ```
pub fn query_param<'a>(target: &'a str, name: &str) -> Option<Cow<'a, [u8]>> {
    let query = target.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(query, _)| query);
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key.as_bytes()).as_ref() == name.as_bytes())
            .then(|| percent_decode(value.as_bytes()))
    })
}

/// The client's last event ID: the `Last-Event-ID` header when it has one
/// (valid or not), else the query's value (from [`query_last_event_id`])
/// checked by the same rules ([`LastEventId::parse`]).
pub fn resolve_last_event_id<'a>(
    header: LastEventId<'a>,
    query: Option<&'a [u8]>,
) -> LastEventId<'a> {
    match header {
        LastEventId::Absent => LastEventId::parse(query),
        header => header,
    }
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a
/// byte; anything else (a lone `%`, bad hex) stays as it is.
fn percent_decode(input: &[u8]) -> Cow<'_, [u8]> {
    if !input.iter().any(|&b| b == b'%' || b == b'+') {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        let escaped = match (b, input.get(i + 1..i + 3)) {
            (b'%', Some(&[hi, lo])) => hex(hi).zip(hex(lo)).map(|(hi, lo)| hi << 4 | lo),
            _ => None,
        };
        match (b, escaped) {
            (_, Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (_, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sse_proto::server::InvalidLastEventId;

    #[test]
    fn finds_and_decodes_the_parameter() {
        let cases: &[(&str, Option<&[u8]>)] = &[
            ("/events", None),
            ("/events?", None),
            ("/events?lastEventId=7", Some(b"7")),
            ("/events?a=1&lastEventId=7&lastEventId=8", Some(b"7")),
            ("/events?lastEventId", Some(b"")),
            ("/events?lastEventId=a+b%20c", Some(b"a b c")),
            ("/events?last%45ventId=x", Some(b"x")),
            ("/events?lasteventid=x", None),
            ("/events?lastEventId=%zz%4", Some(b"%zz%4")),
            ("/events?lastEventId=%C3%A9#frag", Some("é".as_bytes())),
            ("/events?x=lastEventId", None),
        ];
        for &(target, want) in cases {
            assert_eq!(query_last_event_id(target).as_deref(), want, "{target}");
        }
    }

    #[test]
    fn the_header_wins_and_the_query_is_checked() {
        let q = query_last_event_id("/e?lastEventId=%0Aevent:%20x");
        assert_eq!(
            resolve_last_event_id(LastEventId::Absent, q.as_deref()),
            LastEventId::Invalid(InvalidLastEventId::ForbiddenByte {
                byte: b'\n',
                offset: 0
            })
        );
        assert_eq!(
            resolve_last_event_id(LastEventId::Absent, None),
            LastEventId::Absent
        );
        let bad = LastEventId::Invalid(InvalidLastEventId::Repeated);
        assert_eq!(resolve_last_event_id(bad, Some(b"5")), bad);
    }
}
