//! `sse-client-check URL [--max-events N] [--idle-timeout-ms MS]
//! [--connect-timeout-ms MS]`: the library client (`sse_tokio::EventSource`
//! over plain TCP, otherwise default settings: it reconnects for ever with
//! `Last-Event-ID`) as `interop/run` drives it.
//!
//! Prints each event as one JSON line, `{"type":"event","event":..,"data":..,"id":..}`,
//! and `{"type":"open"}` for each response that opens the stream (the shapes
//! `sse listen` prints, so one comparison serves both); each transient error
//! goes to stderr. Exits 0 after N events, 1 when the stream is closed for
//! good first, 2 on bad usage.

use std::future::poll_fn;
use std::io::{self, Write};
use std::pin::Pin;
use std::process::ExitCode;
use std::time::Duration;

use futures_core::Stream;
use sse_tokio::{EventSource, Item, Request, TokioRuntime};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut url, mut max_events) = (None, u64::MAX);
    let (mut idle_timeout, mut connect_timeout) = (None, None);
    while let Some(arg) = args.next() {
        if !arg.starts_with('-') && url.is_none() {
            url = Some(arg);
            continue;
        }
        let Some(n) = args.next().and_then(|n| n.parse::<u64>().ok()) else {
            return usage();
        };
        match arg.as_str() {
            "--max-events" => max_events = n,
            "--idle-timeout-ms" => idle_timeout = Some(Duration::from_millis(n)),
            "--connect-timeout-ms" => connect_timeout = Some(Duration::from_millis(n)),
            _ => return usage(),
        }
    }
    let Some(url) = url else { return usage() };
    let mut es = match Request::get(url.as_str()) {
        Ok(request) => EventSource::builder(request)
            .idle_timeout(idle_timeout)
            .connect_timeout(connect_timeout)
            .build(TokioRuntime, sse_tokio::tcp_connector()),
        Err(e) => {
            eprintln!("sse-client-check: {url}: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("sse-client-check: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = io::stdout().lock();
    let mut seen = 0u64;
    while seen < max_events {
        match runtime.block_on(poll_fn(|cx| Pin::new(&mut es).poll_next(cx))) {
            Some(Ok(Item::Event(event))) => {
                let line = serde_json::json!({
                    "type": "event",
                    "event": event.event_type,
                    "data": event.data,
                    "id": event.last_event_id,
                });
                if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                    return ExitCode::FAILURE;
                }
                seen += 1;
            }
            Some(Ok(Item::Open { .. })) => {
                if writeln!(out, r#"{{"type":"open"}}"#).is_err() {
                    return ExitCode::FAILURE;
                }
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => eprintln!("sse-client-check: reconnecting: {e}"),
            None => {
                let reason = es.fail_reason().map_or("closed".into(), |e| e.to_string());
                eprintln!("sse-client-check: ended after {seen} events: {reason}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: sse-client-check URL [--max-events N] [--idle-timeout-ms MS] \
         [--connect-timeout-ms MS]"
    );
    ExitCode::from(2)
}
