//! `sse-hub-server --addr IP:PORT [--events N] [--subscribers N]
//! [--interval-ms MS] [--keepalive-ms MS] [--retry-ms MS]`: our server side as `interop/run`
//! drives it: `sse_tokio::serve` with a `Hub` whose history holds every
//! event it publishes, and keepalives on every stream.
//!
//! - `GET /events`: the stream, resumed from `Last-Event-ID`; a `retry:`
//!   first.
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
use sse_tokio::server::{EventBody, HistoryLimits, Hub, HubConfig, LastEventId, Reply, Request};
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    match runtime.and_then(|runtime| runtime.block_on(run(args))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sse-hub-server: {e}");
            ExitCode::FAILURE
        }
    }
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
            "/events" => {
                let headers = request.headers().get_all("last-event-id");
                let id = LastEventId::from_values(headers.iter().map(|v| v.as_bytes()));
                match hub.subscribe("events", id) {
                    Ok(subscription) => Reply::events(
                        EventBody::new(subscription, TokioRuntime)
                            .keepalive(keepalive)
                            .retry(retry),
                    ),
                    Err(e) => Reply::status(
                        http::StatusCode::from_u16(e.status())
                            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
                    ),
                }
            }
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
