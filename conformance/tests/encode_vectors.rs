//! Runs the encoder vectors in `vectors/encode/`: one named test per vector.
//!
//! Each vector gives a frame and either the exact bytes the encoder must write or
//! the error it must return (see `vectors/encode/README.md`). Byte vectors are also
//! decoded with the real decoder, which must give the frame back.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use sse_proto::{Decoder, EncodeError, Encoder, EventFrame, Field, Frame, Item};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    description: String,
    provenance: String,
    frame: FrameIn,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum FrameIn {
    Event {
        event: Option<String>,
        id: Option<String>,
        retry_ms: Option<u64>,
        data: String,
    },
    Comment {
        text: String,
    },
    Keepalive {
        keepalive_text: Option<String>,
    },
    Retry {
        ms: u64,
    },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Expect {
    Bytes(String),
    Error(ErrorOut),
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum ErrorOut {
    InvalidField {
        field: String,
        byte: u8,
        offset: usize,
    },
}

/// What decoding must give back, owned.
#[derive(Debug, PartialEq, Eq)]
enum Got {
    Event {
        event_type: String,
        data: String,
        id: String,
    },
    Comment(String),
    Retry(u64),
}

fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

fn comments(text: &str) -> Vec<Got> {
    normalise(text)
        .split('\n')
        .map(|l| Got::Comment(l.into()))
        .collect()
}

fn run(name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("vectors/encode")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let v: Vector = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));

    assert!(!v.description.is_empty(), "{name}: description");
    assert!(!v.provenance.is_empty(), "{name}: provenance");

    let mut encoder = Encoder::new();
    let (frame, want_items) = match &v.frame {
        FrameIn::Event {
            event,
            id,
            retry_ms,
            data,
        } => {
            let frame = Frame::Event(EventFrame {
                event_type: event.as_deref(),
                id: id.as_deref(),
                retry: retry_ms.map(Duration::from_millis),
                data,
            });
            let mut items: Vec<Got> = retry_ms.iter().map(|&ms| Got::Retry(ms)).collect();
            items.push(Got::Event {
                event_type: match event.as_deref() {
                    None | Some("") => "message".into(),
                    Some(t) => t.into(),
                },
                data: normalise(data),
                id: id.clone().unwrap_or_default(),
            });
            (frame, items)
        }
        FrameIn::Comment { text } => (Frame::Comment(text), comments(text)),
        FrameIn::Keepalive { keepalive_text } => {
            let text: &'static str = match keepalive_text {
                Some(t) => Box::leak(t.clone().into_boxed_str()),
                None => "",
            };
            encoder = encoder.with_keepalive_text(text);
            (Frame::Keepalive, comments(text))
        }
        FrameIn::Retry { ms } => (
            Frame::Retry(Duration::from_millis(*ms)),
            vec![Got::Retry(*ms)],
        ),
    };

    let mut out = vec![b'#'; 4];
    let result = encoder.encode_to_vec(frame, &mut out);
    match v.expect {
        Expect::Bytes(want) => {
            let n = result.unwrap_or_else(|e| panic!("{name}: refused: {e}"));
            assert_eq!(&out[4..], want.as_bytes(), "{name}");
            assert_eq!(n, want.len());
            assert_eq!(encoder.encoded_len(frame), Ok(n));
            let mut exact = vec![0; n];
            assert_eq!(encoder.encode_into(frame, &mut exact), Ok(n));
            assert_eq!(exact, want.as_bytes());
            assert_eq!(
                encoder.encode_into(frame, &mut exact[..n - 1]),
                Err(EncodeError::BufferTooSmall { required: n })
            );
            assert_eq!(decode(want.as_bytes()), want_items, "{name}: round trip");
        }
        Expect::Error(ErrorOut::InvalidField {
            field,
            byte,
            offset,
        }) => {
            let field = match field.as_str() {
                "event" => Field::EventType,
                "id" => Field::Id,
                other => panic!("{name}: unknown field {other:?}"),
            };
            let want = EncodeError::InvalidField {
                field,
                byte,
                offset,
            };
            assert_eq!(result, Err(want), "{name}");
            assert_eq!(out, b"####", "{name}: wrote on error");
            assert_eq!(encoder.encoded_len(frame), Err(want));
        }
    }
}

fn decode(bytes: &[u8]) -> Vec<Got> {
    let mut decoder = Decoder::new();
    let mut feed = decoder.feed(bytes);
    let mut got = Vec::new();
    while let Some(item) = feed.next_item() {
        got.push(match item.expect("within limits") {
            Item::Event(e) => Got::Event {
                event_type: e.event_type().into(),
                data: e.data().into(),
                id: e.last_event_id().into(),
            },
            Item::Comment(c) => Got::Comment(c.into()),
            Item::Retry(d) => Got::Retry(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        });
    }
    got
}

macro_rules! vectors {
    ($($name:ident)*) => {
        $(
            #[test]
            fn $name() {
                run(stringify!($name));
            }
        )*

        /// Every file in the folder has a test above, and every test a file.
        #[test]
        fn every_vector_is_listed() {
            let mut listed = vec![$(stringify!($name)),*];
            listed.sort_unstable();
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/encode");
            let mut files: Vec<String> = std::fs::read_dir(&dir)
                .expect("vectors/encode exists")
                .filter_map(|e| {
                    let name = e.ok()?.file_name().into_string().ok()?;
                    name.strip_suffix(".json").map(str::to_owned)
                })
                .collect();
            files.sort_unstable();
            assert_eq!(files, listed);
        }
    };
}

vectors! {
    all_fields comment_as_is comment_empty comment_multi_line comment_no_space
    data_colon_inside data_cr data_cr_cr_lf data_crlf data_empty data_leading_space
    data_lf data_nul_allowed data_only_lf data_only_spaces data_plain data_trailing_lf
    data_unicode event_checked_before_id event_type event_type_cr_refused
    event_type_empty event_type_leading_space event_type_lf_refused id_crlf_refused
    id_empty_resets id_lf_refused id_nul_refused id_plain keepalive_default
    keepalive_text llm_token retry_alone retry_max retry_zero
}
