//! `sse-client-check URL [--max-events N]`: the library client
//! (`sse_tokio::EventSource` over plain TCP, default settings: reconnects
//! for ever with `Last-Event-ID`) as `interop/run` drives it.
//!
//! Prints each event as one JSON line, `{"type":"event","event":..,"data":..,"id":..}`
//! (the shape `sse listen` prints, so one comparison serves both), and each
//! transient error on stderr. Exits 0 after N events, 1 when the stream is
//! closed for good first, 2 on bad usage.

use std::future::poll_fn;
use std::io::{self, Write};
use std::pin::Pin;
use std::process::ExitCode;

use futures_core::Stream;
use sse_tokio::Item;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut url, mut max_events) = (None, u64::MAX);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--max-events", Some(n)) if n.parse::<u64>().is_ok() => {
                max_events = n.parse().unwrap_or(u64::MAX);
            }
            (_, None) if url.is_none() && !arg.starts_with('-') => url = Some(arg),
            _ => return usage(),
        }
    }
    let Some(url) = url else { return usage() };
    let mut es = match sse_tokio::connect(&url) {
        Ok(es) => es,
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
    eprintln!("usage: sse-client-check URL [--max-events N]");
    ExitCode::from(2)
}
