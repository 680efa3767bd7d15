//! `sse-contract-service`: the test service of LaunchDarkly's SSE contract
//! tests (github.com/launchdarkly/sse-contract-tests), built on `sse-tokio`'s
//! `EventSource`.
//!
//! ```text
//! sse-contract-service [--addr 127.0.0.1:8000]
//! ```
//!
//! It speaks the REST protocol of the harness's `docs/service_spec.md`:
//! `GET /` lists the capabilities, `POST /` creates a stream (an event source
//! whose items are `POST`ed to the harness's callback URL as `1`, `2`, `3`...,
//! in order), `POST /streams/N` sends it a command (`restart`, `listen`),
//! `DELETE /streams/N` closes it, and `DELETE /` quits. It prints
//! `listening on http://ADDR` once it accepts connections (`--addr` may use
//! port 0).
#![forbid(unsafe_code)]

mod http;
mod stream;

use std::collections::HashMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use http::{Conn, Request};
use stream::{Params, Stream};

/// Every optional feature of the harness: the client has them all.
const CAPABILITIES: [&str; 10] = [
    "comments",
    "bom",
    "headers",
    "last-event-id",
    "post",
    "report",
    "read-timeout",
    "restart",
    "server-directed-shutdown-request",
    "event-type-listeners",
];

const USAGE: &str = "usage: sse-contract-service [--addr 127.0.0.1:8000]";

/// What the connections share.
#[derive(Debug, Default)]
struct Service {
    streams: Mutex<Streams>,
    /// `DELETE /` was asked.
    quit: Notify,
}

#[derive(Debug, Default)]
struct Streams {
    next_id: u64,
    running: HashMap<u64, Stream>,
}

impl Service {
    fn streams(&self) -> std::sync::MutexGuard<'_, Streams> {
        self.streams.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut addr: SocketAddr = ([127, 0, 0, 1], 8000).into();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--addr", Some(value)) => match value.parse() {
                Ok(a) => addr = a,
                Err(e) => {
                    eprintln!("--addr {value}: {e}\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            ("-h" | "--help", _) => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(addr)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sse-contract-service: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Accepts connections until `DELETE /`.
async fn serve(addr: SocketAddr) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    let service = Arc::new(Service::default());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (io, _) = accepted?;
                tokio::spawn(connection(service.clone(), Conn::new(io)));
            }
            () = service.quit.notified() => return Ok(()),
        }
    }
}

/// Answers the requests of one connection.
async fn connection(service: Arc<Service>, mut conn: Conn) {
    loop {
        let request = match conn.read_request().await {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(e) => {
                let _ = conn.respond(400, &[], e.to_string().as_bytes()).await;
                return;
            }
        };
        let (status, location, body) = route(&service, &request);
        let headers: Vec<(&str, &str)> = match &location {
            Some(url) => vec![("Location", url.as_str())],
            None if !body.is_empty() => vec![("Content-Type", "application/json")],
            None => vec![],
        };
        let quit = request.method == "DELETE" && request.path == "/";
        let sent = conn.respond(status, &headers, &body).await;
        if quit {
            service.quit.notify_one();
        }
        if sent.is_err() || request.close || quit {
            return;
        }
    }
}

/// The status, `Location` and body answering `request`.
fn route(service: &Service, request: &Request) -> (u16, Option<String>, Vec<u8>) {
    let stream_id = request
        .path
        .strip_prefix("/streams/")
        .and_then(|id| id.parse::<u64>().ok());
    match (request.method.as_str(), request.path.as_str(), stream_id) {
        ("GET" | "HEAD", "/", _) => {
            let status = json!({"name": "sse-rt (sse-tokio)", "capabilities": CAPABILITIES});
            (200, None, status.to_string().into_bytes())
        }
        ("DELETE", "/", _) => (204, None, Vec::new()),
        ("POST", "/", _) => create(service, request),
        ("POST", _, Some(id)) => command(service, id, &request.body),
        ("DELETE", _, Some(id)) => match service.streams().running.remove(&id) {
            Some(_) => (204, None, Vec::new()),
            None => (404, None, Vec::new()),
        },
        (_, "/", _) | (_, _, Some(_)) => (405, None, Vec::new()),
        _ => (404, None, Vec::new()),
    }
}

/// `POST /`: starts a stream; 201 with its URL, or 400.
fn create(service: &Service, request: &Request) -> (u16, Option<String>, Vec<u8>) {
    let started = serde_json::from_slice::<Params>(&request.body)
        .map_err(|e| e.to_string())
        .and_then(|params| Ok((Stream::start(&params)?, params)));
    let (stream, params) = match started {
        Ok(started) => started,
        Err(e) => return (400, None, e.into_bytes()),
    };
    let mut streams = service.streams();
    streams.next_id += 1;
    let id = streams.next_id;
    streams.running.insert(id, stream);
    eprintln!("[{}] stream {id} started", params.tag());
    let location = match &request.host {
        Some(host) => format!("http://{host}/streams/{id}"),
        None => format!("/streams/{id}"),
    };
    (201, Some(location), Vec::new())
}

/// `POST /streams/N`: `restart` or `listen`.
fn command(service: &Service, id: u64, body: &[u8]) -> (u16, Option<String>, Vec<u8>) {
    let streams = service.streams();
    let Some(stream) = streams.running.get(&id) else {
        return (404, None, Vec::new());
    };
    let command = serde_json::from_slice::<serde_json::Value>(body).unwrap_or_default();
    match command.get("command").and_then(|c| c.as_str()) {
        Some("restart") => {
            stream.restart();
            (204, None, Vec::new())
        }
        // Every event type is delivered: listening needs nothing.
        Some("listen") => (204, None, Vec::new()),
        _ => (400, None, b"unknown command".to_vec()),
    }
}
