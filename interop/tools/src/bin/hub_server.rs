//! `sse-hub-server --addr IP:PORT [--events N] [--subscribers N]
//! [--interval-ms MS] [--keepalive-ms MS] [--retry-ms MS]`: our server side as `interop/run`
//! drives it: `sse_tokio::serve` with a `Hub` whose history holds every
//! event it publishes, and keepalives on every stream.
//!
//! - `GET /events`: the stream, resumed from `Last-Event-ID`; a `retry:`
//!   first. Query parameters, for the browser checks: `retry=MS` (this
//!   response's `retry:` instead of `--retry-ms`), `drop=N` (the response
//!   ends after N writes of the hub, an event or the replay of those missed
//!   at a resume: the client must reconnect and resume),
//!   `resume=204` (a request with a `Last-Event-ID` gets `204 No Content`:
//!   the server says stop). Each request is logged on stdout as
//!   `GET TARGET last-event-id ID|- status CODE`.
//! - `GET /stats`: `subscribers N` and `published N`, one per line: the
//!   checks read how many streams the hub still holds.
//!
//! Publishes `event 1` .. `event N` (IDs 1 .. N) on the topic, one every
//! `--interval-ms`, then keeps serving; it starts once `--subscribers`
//! clients are connected (so that they all get event 1). Prints `listening on IP:PORT` once
//! bound (port 0 picks a free one).

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use futures_lite::StreamExt;
use sse_tokio::server::{
    query_param, EventBody, HistoryLimits, Hub, HubConfig, LastEventId, Reply, Request,
};
use sse_tokio::{EventFrame, TokioRuntime};

/// The settings from the command line.
struct Args {
    addr: String,
    events: u64,
    subscribers: usize,
    interval: Duration,
    keepalive: Duration,
    retry: Duration,
}

fn main() -> ExitCode {
    let Some(args) = parse(std::env::args().skip(1)) else {
        eprintln!(
            "usage: sse-hub-server --addr IP:PORT [--events N] [--subscribers N] \
             [--interval-ms MS] [--keepalive-ms MS] [--retry-ms MS]"
        );
        return ExitCode::from(2);
    };
    sse_interop_tools::run_main("sse-hub-server", run(args))
}

fn parse(mut argv: impl Iterator<Item = String>) -> Option<Args> {
    let mut args = Args {
        addr: String::new(),
        events: 0,
        subscribers: 0,
        interval: Duration::from_millis(10),
        keepalive: Duration::from_secs(15),
        retry: Duration::from_millis(10),
    };
    while let Some(flag) = argv.next() {
        let value = argv.next()?;
        let ms = || value.parse().ok().map(Duration::from_millis);
        match flag.as_str() {
            "--addr" => args.addr = value.clone(),
            "--events" => args.events = value.parse().ok()?,
            "--subscribers" => args.subscribers = value.parse().ok()?,
            "--interval-ms" => args.interval = ms()?,
            "--keepalive-ms" => args.keepalive = ms()?,
            "--retry-ms" => args.retry = ms()?,
            _ => return None,
        }
    }
    (!args.addr.is_empty()).then_some(args)
}

async fn run(args: Args) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(&args.addr).await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on {}", listener.local_addr()?)?;
    stdout.flush()?;
    // Every event stays in the history: any client can resume from any ID.
    let history = HistoryLimits::new(
        usize::try_from(args.events).unwrap_or(usize::MAX).max(1),
        64 << 20,
    );
    let hub = Hub::new(HubConfig::new().with_history(history));
    let publisher = hub.clone();
    tokio::spawn(async move {
        while publisher.metrics().subscribers < args.subscribers {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        for n in 1..=args.events {
            if publisher
                .publish("events", EventFrame::new(&format!("event {n}")))
                .is_err()
            {
                return;
            }
            tokio::time::sleep(args.interval).await;
        }
    });
    let (keepalive, retry) = (args.keepalive, args.retry);
    sse_tokio::serve(listener, |request: Request| {
        let reply = match request.uri().path() {
            "/events" => events(&hub, &request, keepalive, retry),
            "/stats" => {
                let metrics = hub.metrics();
                Reply::Full(http::Response::new(Bytes::from(format!(
                    "subscribers {}\npublished {}\n",
                    metrics.subscribers, metrics.published
                ))))
            }
            _ => Reply::status(http::StatusCode::NOT_FOUND),
        };
        async move { reply }
    })
    .await
}

/// `GET /events`, with the query parameters of the module doc; logs the
/// request on stdout.
fn events(hub: &Hub, request: &Request, keepalive: Duration, default_retry: Duration) -> Reply {
    let target = request.uri().path_and_query().map_or("", |t| t.as_str());
    let number = |name| {
        query_param(target, name).and_then(|v| std::str::from_utf8(&v).ok()?.parse::<u64>().ok())
    };
    let headers = request.headers().get_all("last-event-id");
    let id = LastEventId::from_values(headers.iter().map(|v| v.as_bytes()));
    let shown = match &id {
        LastEventId::Id(id) => id.to_string(),
        _ => "-".to_owned(),
    };
    let refuse = number("resume") == Some(204) && matches!(id, LastEventId::Id(_));
    let (reply, status) = if refuse {
        let status = http::StatusCode::NO_CONTENT;
        (Reply::status(status), status)
    } else {
        match hub.subscribe("events", id) {
            Ok(subscription) => {
                let retry = number("retry").map_or(default_retry, Duration::from_millis);
                let limit =
                    number("drop").map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
                let body = EventBody::new(subscription.take(limit), TokioRuntime)
                    .keepalive(keepalive)
                    .retry(retry);
                (Reply::events(body), http::StatusCode::OK)
            }
            Err(e) => {
                let status = http::StatusCode::from_u16(e.status())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
                (Reply::status(status), status)
            }
        }
    };
    // Logging must not fail a request (stdout closed, say).
    let _ = writeln!(
        std::io::stdout(),
        "GET {target} last-event-id {shown} status {}",
        status.as_u16()
    );
    reply
}
