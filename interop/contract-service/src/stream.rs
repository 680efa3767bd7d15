//! One SSE client of the service: an `EventSource` on tokio whose items go
//! out as numbered callbacks, in order.

use std::collections::BTreeMap;
use std::error::Error as _;
use std::future::poll_fn;
use std::pin::Pin;
use std::time::Duration;

use futures_core::Stream as _;
use serde::Deserialize;
use serde_json::json;
use sse_tokio::{Backoff, Error, EventSource, Item, Limits, Mode, Request, TokioRuntime};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::http::CallbackUrl;

/// The largest line and event the service's clients take: the harness sends
/// events of about 7 and 14 MB.
const MAX_LEN: usize = 32 * 1024 * 1024;

/// The reconnection time when the harness sets none.
const DEFAULT_DELAY: Duration = Duration::from_secs(1);

/// The longest wait between reconnects (backoff with jitter up to it).
const MAX_DELAY: Duration = Duration::from_secs(30);

/// The body of "create stream" (`POST /`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Params {
    stream_url: String,
    callback_url: String,
    #[serde(default)]
    tag: Option<String>,
    #[serde(default)]
    initial_delay_ms: Option<u64>,
    #[serde(default)]
    read_timeout_ms: Option<u64>,
    #[serde(default)]
    last_event_id: Option<String>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    headers: Option<BTreeMap<String, String>>,
}

impl Params {
    /// The test's tag, for the log.
    pub(crate) fn tag(&self) -> &str {
        self.tag.as_deref().unwrap_or("")
    }

    /// The event source these parameters describe.
    fn event_source(&self) -> Result<EventSource, Error> {
        let mut request = Request::get(&self.stream_url)?;
        if let Some(method) = self.method.as_deref().filter(|m| !m.is_empty()) {
            request = request.with_method(method);
        }
        let headers = self.headers.clone().unwrap_or_default();
        let has_type = headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case("content-type"));
        for (name, value) in headers {
            request = request.with_header(name, value);
        }
        if let Some(body) = &self.body {
            if !has_type {
                request = request.with_header("Content-Type", "text/plain");
            }
            request = request.with_body(body.clone());
        }
        let limits = Limits::new()
            .with_max_line_len(MAX_LEN)
            .with_max_event_len(MAX_LEN);
        let builder = EventSource::builder(request)
            // A body is sent again on every reconnect, as the harness expects.
            .mode(Mode::Replayable)
            .reconnect_time(
                self.initial_delay_ms
                    .map_or(DEFAULT_DELAY, Duration::from_millis),
            )
            .backoff(Backoff::Exponential {
                max: MAX_DELAY,
                jitter: true,
            })
            .idle_timeout(self.read_timeout_ms.map(Duration::from_millis))
            .limits(limits)
            .last_event_id(self.last_event_id.as_deref().unwrap_or(""))?;
        Ok(builder.build(TokioRuntime, sse_tokio::tcp_connector()))
    }
}

/// A command to a running stream.
#[derive(Debug)]
enum Command {
    Restart,
}

/// A running stream: the task polling its event source and the task posting
/// its callbacks. Dropping it stops both.
#[derive(Debug)]
pub(crate) struct Stream {
    commands: mpsc::UnboundedSender<Command>,
    client: JoinHandle<()>,
    poster: JoinHandle<()>,
}

impl Stream {
    /// Starts a stream; the error says which parameter is wrong.
    pub(crate) fn start(params: &Params) -> Result<Stream, String> {
        let callbacks = CallbackUrl::parse(&params.callback_url)?;
        let es = params.event_source().map_err(|e| chain(&e))?;
        let (commands, command_rx) = mpsc::unbounded_channel();
        let (messages, message_rx) = mpsc::unbounded_channel();
        let tag = params.tag().to_owned();
        Ok(Stream {
            commands,
            client: tokio::spawn(run(es, command_rx, messages)),
            poster: tokio::spawn(post_all(callbacks, message_rx, tag)),
        })
    }

    /// Reconnects now (the harness's `restart` command).
    pub(crate) fn restart(&self) {
        // A stream closed for good has nothing to restart.
        let _ = self.commands.send(Command::Restart);
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.client.abort();
        self.poster.abort();
    }
}

/// An error with its sources, `: `-separated.
fn chain(e: &Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn error_message(e: &Error) -> Vec<u8> {
    json!({"kind": "error", "error": chain(e)})
        .to_string()
        .into_bytes()
}

/// The next item of the event source.
async fn next(es: &mut EventSource) -> Option<Result<Item, Error>> {
    poll_fn(|cx| Pin::new(&mut *es).poll_next(cx)).await
}

/// Polls the event source, turning its items into callback messages, and
/// carries out commands; ends when the event source is closed for good.
async fn run(
    mut es: EventSource,
    mut commands: mpsc::UnboundedReceiver<Command>,
    messages: mpsc::UnboundedSender<Vec<u8>>,
) {
    loop {
        tokio::select! {
            command = commands.recv() => match command {
                Some(Command::Restart) => es.restart(),
                None => return,
            },
            // Cancel-safe: an item is never lost when a command wins.
            item = next(&mut es) => {
                let message = match item {
                    None => break,
                    Some(Ok(Item::Event(event))) => json!({
                        "kind": "event",
                        "event": {"type": event.event_type, "data": event.data, "id": event.last_event_id},
                    })
                    .to_string()
                    .into_bytes(),
                    Some(Ok(Item::Comment(text))) => {
                        json!({"kind": "comment", "comment": text}).to_string().into_bytes()
                    }
                    Some(Ok(_)) => continue, // Open, Retry
                    Some(Err(e)) => error_message(&e),
                };
                if messages.send(message).is_err() {
                    return;
                }
            }
        }
    }
    // Closed for good (a 204, a refused response, a bad redirect): one last
    // error says why.
    if let Some(reason) = es.fail_reason() {
        let _ = messages.send(error_message(reason));
    }
}

/// Posts the messages to `{callback}/1`, `/2`, ... one after the other, each
/// after the previous one was answered.
async fn post_all(
    callbacks: CallbackUrl,
    mut messages: mpsc::UnboundedReceiver<Vec<u8>>,
    tag: String,
) {
    let mut n = 0;
    while let Some(message) = messages.recv().await {
        n += 1;
        match callbacks.post(n, &message).await {
            Ok(status) if status < 300 => {}
            Ok(status) => eprintln!("[{tag}] callback {n}: status {status}"),
            Err(e) => eprintln!("[{tag}] callback {n}: {e}"),
        }
    }
}
