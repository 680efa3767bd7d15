//! Decoding from the three sources (byte stream, reader, body) on in-memory
//! input paced by the virtual clock: one behaviour per test, every source each
//! time.

mod common;

use std::error::Error as _;
use std::future::Future;
use std::io;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use common::{chunkings, every_source, split, PacedReader, Step};
use sse_rt::test_util::scenarios::{self, plain, script_bytes, script_config, script_items};
use sse_rt::test_util::VirtualRuntime;
use sse_rt::{
    DecodeConfig, DecodeError, DecodeReader, Error, EventOwned, ItemOwned, Limits, StreamEnd,
};

fn event(data: &str) -> Result<ItemOwned, DecodeError> {
    Ok(ItemOwned::Event(EventOwned {
        event_type: "message".into(),
        data: data.into(),
        last_event_id: String::new(),
    }))
}

/// Runs `steps` through every source; each must give `expected` (limit errors
/// as `Err`) and end as `end`.
fn check(
    steps: &[Step],
    config: DecodeConfig,
    expected: &[Result<ItemOwned, DecodeError>],
    end: StreamEnd,
) {
    for run in every_source(steps, config) {
        let items: Vec<_> = run.items.into_iter().map(plain).collect();
        assert_eq!(items, expected, "{} source, steps {steps:?}", run.source);
        assert_eq!(run.end, Some(end), "{} source", run.source);
    }
}

#[test]
fn every_chunking_gives_the_same_items_from_every_source() {
    let script = script_bytes();
    let expected = script_items();
    for cuts in chunkings(script.len()) {
        check(
            &split(&script, &cuts),
            script_config(),
            &expected,
            StreamEnd::Truncated,
        );
    }
}

#[test]
fn a_reader_giving_one_byte_per_read_with_pending_between() {
    let script = script_bytes();
    let rt = VirtualRuntime::new();
    let reader = PacedReader::new(&rt, vec![Step::Bytes(script.clone())]).max_read(1);
    let mut events = DecodeReader::with_config(reader, script_config());
    let items: Vec<_> = common::collect(&rt, &mut events)
        .into_iter()
        .map(plain)
        .collect();
    assert_eq!(items, script_items());
    // One read per byte and one for the end, each after a Pending of 1 ms.
    let reads = events.get_ref().reads;
    assert_eq!(reads, script.len() + 1);
    assert_eq!(rt.elapsed(), Duration::from_millis(reads as u64));
}

#[test]
fn crlf_split_across_chunks_is_one_line_end() {
    let steps = split(b"data: a\r\ndata: b\r\r\ndata: c\r\n\r\n", &[8, 18, 19, 29]);
    assert_eq!(steps.len(), 5, "cuts between each CR and its LF");
    check(
        &steps,
        DecodeConfig::new(),
        &[event("a\nb"), event("c")],
        StreamEnd::Clean,
    );
}

#[test]
fn a_leading_bom_is_dropped_once_even_split_byte_by_byte() {
    let bytes = b"\xEF\xBB\xBFdata: a\n\n\xEF\xBB\xBFdata: b\n\n";
    let byte_by_byte: Vec<usize> = (1..bytes.len()).collect();
    // The second BOM is content: it makes `\u{FEFF}data` an unknown field.
    check(
        &split(bytes, &byte_by_byte),
        DecodeConfig::new(),
        &[event("a")],
        StreamEnd::Clean,
    );
}

#[test]
fn a_limit_error_skips_one_event_and_decoding_goes_on() {
    let config = DecodeConfig::new().with_limits(Limits::new().with_max_line_len(16));
    let steps = split(
        b"data: ok\n\ndata: this line is too long\ndata: x\n\ndata: after\n\n",
        &[20],
    );
    let expected = [
        event("ok"),
        Err(DecodeError::LineTooLong { limit: 16 }),
        event("after"),
    ];
    check(&steps, config, &expected, StreamEnd::Clean);
}

#[test]
fn an_unterminated_event_at_the_end_is_dropped() {
    let steps = split(b"data: a\n\ndata: b\n", &[]);
    check(
        &steps,
        DecodeConfig::new(),
        &[event("a")],
        StreamEnd::Truncated,
    );
}

#[test]
fn comments_can_be_passed_over() {
    let steps = split(b": keepalive\n\ndata: a\n\n: bye\n", &[]);
    let comment = Ok(ItemOwned::Comment(" keepalive".into()));
    let bye = Ok(ItemOwned::Comment(" bye".into()));
    check(
        &steps,
        DecodeConfig::new(),
        &[comment, event("a"), bye],
        StreamEnd::Clean,
    );
    check(
        &steps,
        DecodeConfig::new().with_comments(false),
        &[event("a")],
        StreamEnd::Clean,
    );
}

#[test]
fn a_source_error_is_yielded_once_and_ends_the_stream() {
    let steps = [
        Step::Bytes(b"data: a\n\ndata: cut".to_vec()),
        Step::Fail(io::ErrorKind::ConnectionReset),
        Step::Bytes(b"data: never read\n\n".to_vec()),
    ];
    for run in every_source(&steps, DecodeConfig::new()) {
        let mut items = run.items.into_iter();
        assert_eq!(items.next().map(plain), Some(event("a")), "{}", run.source);
        let error = items.next().and_then(Result::err);
        match (run.source, &error) {
            // A byte stream's `io::Error` stays an `io::Error`.
            ("stream" | "reader", Some(Error::Io(e))) => {
                assert_eq!(e.kind(), io::ErrorKind::ConnectionReset)
            }
            ("body", Some(Error::Transport(e))) => {
                assert_eq!(e.to_string(), "body failed: ConnectionReset")
            }
            _ => panic!("{} source: unexpected {error:?}", run.source),
        }
        assert!(error.unwrap().source().is_some());
        assert!(
            items.next().is_none(),
            "{} source: nothing after the error",
            run.source
        );
        assert_eq!(run.end, None, "{} source: no clean end", run.source);
    }
}

#[test]
fn interrupted_reads_are_retried() {
    let steps = [
        Step::Bytes(b"data: a\n".to_vec()),
        Step::Fail(io::ErrorKind::Interrupted),
        Step::Bytes(b"\n".to_vec()),
    ];
    let rt = VirtualRuntime::new();
    let mut events = DecodeReader::new(PacedReader::new(&rt, steps.to_vec()));
    let items: Vec<_> = common::collect(&rt, &mut events)
        .into_iter()
        .map(plain)
        .collect();
    assert_eq!(items, [event("a")]);
    assert_eq!(events.stream_end(), Some(StreamEnd::Clean));
}

#[test]
fn dropping_a_pending_next_loses_nothing() {
    let script = script_bytes();
    let cuts: Vec<usize> = (1..script.len()).step_by(3).collect();
    let rt = VirtualRuntime::new();
    let mut events = DecodeReader::with_config(
        PacedReader::new(&rt, split(&script, &cuts)),
        script_config(),
    );
    let mut cx = Context::from_waker(Waker::noop());
    let mut items = Vec::new();
    let mut dropped = 0;
    loop {
        // Each `next()` future is polled once and dropped when pending, as a
        // `select!` that picked another branch would.
        match pin!(scenarios::next(&mut events)).as_mut().poll(&mut cx) {
            Poll::Ready(Some(item)) => items.push(plain(item)),
            Poll::Ready(None) => break,
            Poll::Pending => {
                dropped += 1;
                rt.advance(Duration::from_millis(1));
            }
        }
    }
    assert!(dropped > cuts.len(), "every read waited");
    assert_eq!(items, script_items());
}

#[test]
fn the_last_event_id_and_retry_are_readable_and_the_source_given_back() {
    let body = &b"id: 41\nretry: 250\ndata: a\n\nid: 42\n\n"[..];
    let rt = VirtualRuntime::new();
    let mut events = DecodeReader::new(body);
    assert_eq!((events.last_event_id(), events.retry()), ("", None));
    let items = common::collect(&rt, &mut events);
    assert_eq!(items.len(), 2, "retry and event");
    // The block `id: 42` sets the ID even without data.
    assert_eq!(events.last_event_id(), "42");
    assert_eq!(events.retry(), Some(Duration::from_millis(250)));
    assert!(
        events.into_inner().is_empty(),
        "the reader was read to its end"
    );
}
