//! `sse listen`: an EventSource on tokio, its items as JSON Lines on stdout.

use std::fmt;
use std::future::poll_fn;
use std::io::{self, Write};
use std::time::Duration;

use futures_core::Stream;
use sse_proto::http::Url;
use sse_proto::{Item as CoreItem, Limits};
use sse_reqwest::{reqwest, BuildReqwest};
use sse_tokio::{
    Error as EsError, ErrorKind, EventSource, FailReason, Item, Mode, Request, StatusPolicy,
    TokioRuntime,
};

use crate::json::{write_error, write_item, write_open};
use crate::report;

/// Options of `sse listen`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The event stream's URL: http://, or https:// (over reqwest, with
    /// rustls and HTTP/2).
    url: String,
    /// A request header, sent on every attempt (repeatable).
    #[arg(short = 'H', long = "header", value_name = "'Name: value'")]
    headers: Vec<String>,
    /// The request method (default GET, or POST with --data).
    #[arg(short = 'X', long, value_name = "METHOD")]
    method: Option<String>,
    /// The request body; @FILE reads it from a file.
    #[arg(short = 'd', long, value_name = "BODY")]
    data: Option<String>,
    /// The Last-Event-ID to start from.
    #[arg(long, value_name = "ID")]
    last_event_id: Option<String>,
    /// Reconnect after the stream ends: auto (GET reconnects, a request with
    /// a body is one-shot), always, or never.
    #[arg(long, value_enum, default_value_t = Reconnect::Auto)]
    reconnect: Reconnect,
    /// Also retry 5xx, 408 and 429 (default: they fail, as in browsers).
    #[arg(long)]
    retry_status: bool,
    /// Exit 0 after this many events.
    #[arg(long, value_name = "N")]
    max_events: Option<u64>,
    /// Give up a connection attempt after this many seconds (and retry).
    #[arg(long, value_name = "SECS", value_parser = seconds)]
    connect_timeout: Option<Duration>,
    /// Reconnect when no byte arrived for this many seconds.
    #[arg(long, value_name = "SECS", value_parser = seconds)]
    idle_timeout: Option<Duration>,
    /// Longest line accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT_MAX_LINE_LEN)]
    max_line_len: usize,
    /// Largest event data accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT_MAX_EVENT_LEN)]
    max_event_len: usize,
    /// Pass comment lines over instead of printing them.
    #[arg(long)]
    no_comments: bool,
    /// For https://: trust only the certificates of this PEM file (instead
    /// of the system's roots).
    #[arg(long, value_name = "FILE")]
    cacert: Option<std::path::PathBuf>,
    /// For https://: accept any certificate (testing only).
    #[arg(long)]
    insecure: bool,
}

/// `--reconnect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Reconnect {
    Auto,
    Always,
    Never,
}

/// A positive number of seconds, fractions allowed.
fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 => {
            Duration::try_from_secs_f64(secs).map_err(|e| format!("{text}: {e}"))
        }
        _ => Err(format!("{text}: not a positive number of seconds")),
    }
}

/// Why `sse listen` stopped with a failure.
#[derive(Debug)]
pub(crate) enum Error {
    /// Bad usage: exit 2.
    Usage(String),
    /// An event over the limits: exit 2.
    Limit(String),
    /// The stream failed for good: exit 1.
    Failed(String),
    /// Writing stdout failed: exit 1 (0 for a closed pipe).
    Io(io::Error),
}

impl Error {
    /// The process exit code.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Limit(_) => 2,
            Error::Failed(_) | Error::Io(_) => 1,
        }
    }

    /// Whether stdout was closed by its reader.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Limit(m) | Error::Failed(m) => write!(f, "listen: {m}"),
            Error::Io(e) => write!(f, "listen: {e}"),
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

/// Listens until the stream is closed for good, `--max-events` is reached or
/// Ctrl-C, writing and flushing one JSON line per item.
pub(crate) fn run(args: Args, out: impl Write) -> Result<(), Error> {
    let es = event_source(&args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(listen(es, args.max_events, out))
}

/// The event source the arguments describe.
fn event_source(args: &Args) -> Result<EventSource, Error> {
    let usage = |e: &dyn std::error::Error| Error::Usage(report(e));
    let url = Url::parse(&args.url).map_err(|e| usage(&e))?;
    let mut request = Request::get(args.url.as_str()).map_err(|e| usage(&e))?;
    for header in &args.headers {
        let Some((name, value)) = header.split_once(':') else {
            return Err(Error::Usage(format!(
                "header {header:?} is not 'Name: value'"
            )));
        };
        request = request.with_header(name.trim(), value.trim());
    }
    let body = match args.data.as_deref() {
        Some(data) => Some(match data.strip_prefix('@') {
            Some(path) => {
                std::fs::read(path).map_err(|e| Error::Usage(format!("--data @{path}: {e}")))?
            }
            None => data.as_bytes().to_vec(),
        }),
        None => None,
    };
    let method = match (&args.method, &body) {
        (Some(m), _) => m.clone(),
        (None, Some(_)) => "POST".into(),
        (None, None) => "GET".into(),
    };
    let mode = match (args.reconnect, &body) {
        (Reconnect::Always, _) | (Reconnect::Auto, None) => Mode::Replayable,
        (Reconnect::Never, _) | (Reconnect::Auto, Some(_)) => Mode::OneShot,
    };
    request = request.with_method(method);
    if let Some(body) = body {
        request = request.with_body(body);
    }
    let limits = Limits::new()
        .with_max_line_len(args.max_line_len)
        .with_max_event_len(args.max_event_len);
    let policy = if args.retry_status {
        StatusPolicy::RetryTransient
    } else {
        StatusPolicy::Whatwg
    };
    let mut builder = EventSource::builder(request)
        .mode(mode)
        .status_policy(policy)
        .connect_timeout(args.connect_timeout)
        .idle_timeout(args.idle_timeout)
        .limits(limits)
        .comments(!args.no_comments);
    if let Some(id) = &args.last_event_id {
        builder = builder.last_event_id(id).map_err(|e| usage(&e))?;
    }
    if url.is_https() {
        Ok(builder.build_reqwest(https_client(args)?))
    } else {
        Ok(builder.build(TokioRuntime, sse_tokio::tcp_connector()))
    }
}

/// The reqwest client for an https:// URL, with `--cacert` and `--insecure`.
fn https_client(args: &Args) -> Result<reqwest::Client, Error> {
    let usage =
        |what: &str, e: &dyn std::error::Error| Error::Usage(format!("{what}: {}", report(e)));
    let mut client = sse_reqwest::client_builder();
    if let Some(path) = &args.cacert {
        let what = format!("--cacert {}", path.display());
        let pem = std::fs::read(path).map_err(|e| usage(&what, &e))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| usage(&what, &e))?;
        if certs.is_empty() {
            return Err(Error::Usage(format!("{what}: no certificate in the file")));
        }
        client = client.tls_certs_only(certs);
    }
    if args.insecure {
        client = client.tls_danger_accept_invalid_certs(true);
    }
    client.build().map_err(|e| usage("tls setup", &e))
}

async fn listen(
    mut es: EventSource,
    max_events: Option<u64>,
    mut out: impl Write,
) -> Result<(), Error> {
    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    let mut events = 0u64;
    if max_events == Some(0) {
        return Ok(());
    }
    loop {
        let item = tokio::select! {
            item = poll_fn(|cx| Pin::new(&mut es).poll_next(cx)) => item,
            _ = &mut ctrl_c => {
                es.close();
                return Ok(());
            }
        };
        match item {
            None => break,
            Some(Ok(Item::Open { status, .. })) => write_open(&mut out, status)?,
            Some(Ok(Item::Event(event))) => {
                write_item(&mut out, &CoreItem::Event(event.as_event()))?;
                events += 1;
            }
            Some(Ok(Item::Comment(text))) => write_item(&mut out, &CoreItem::Comment(&text))?,
            Some(Ok(Item::Retry(delay))) => write_item(&mut out, &CoreItem::Retry(delay))?,
            // A kind of item added after this command: not printed.
            Some(Ok(_)) => {}
            Some(Err(e)) if e.kind() == ErrorKind::Limit => {
                out.flush()?;
                return Err(Error::Limit(report(&e)));
            }
            Some(Err(e)) => write_error(&mut out, &report(&e))?,
        }
        out.flush()?;
        if max_events.is_some_and(|max| events >= max) {
            es.close();
            return Ok(());
        }
    }
    match es.fail_reason() {
        None => Ok(()),
        Some(EsError::Status(refused)) if refused.reason == FailReason::NoContent => Ok(()),
        Some(e) => {
            let mut message = report(e);
            if let EsError::Status(refused) = e {
                if !refused.body.is_empty() {
                    message.push_str("; body: ");
                    message.push_str(String::from_utf8_lossy(&refused.body).trim_end());
                }
            }
            Err(Error::Failed(message))
        }
    }
}
