//! `sse`: decode, encode, listen to and serve Server-Sent Events from the
//! command line. Built on `sse-proto`; `sse-tokio` (`sse-reqwest` for https://)
//! for `listen`; `sse-rt`'s hub, bodies and HTTP/1.1 server (hyper for HTTP/2
//! and TLS) for `serve`.

mod decode;
mod encode;
mod json;
mod listen;
mod serve;

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Server-Sent Events (text/event-stream) from the command line.
#[derive(Debug, Parser)]
#[command(name = "sse", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode an event stream on stdin into JSON Lines on stdout.
    ///
    /// Prints one object per item: {"type":"event","event":..,"data":..,"id":..},
    /// {"type":"retry","ms":..} or {"type":"comment","text":..}. Exits 2 on a limit
    /// error, after printing the items before it.
    Decode(decode::Args),
    /// Encode JSON Lines on stdin (as `decode` prints them) into an event stream.
    ///
    /// Writes and flushes each line's unit as it is read. A bad line (invalid
    /// JSON, a missing key, a field the encoder refuses) writes nothing and exits 2
    /// with its line number, after the lines before it were written.
    Encode,
    /// Listen to an event stream over HTTP: JSON Lines on stdout, reconnecting
    /// as EventSource does.
    ///
    /// Prints the items as `decode` does, plus {"type":"open","status":200}
    /// each time a response opens the stream and {"type":"error","error":..}
    /// for a failure before a reconnect; one line each, flushed. Exits 0 when
    /// the server says stop (204), a one-shot stream ends cleanly, after
    /// --max-events, or on Ctrl-C; 1 when the stream fails for good (the cause
    /// on stderr); 2 on bad usage or an event over the limits.
    Listen(listen::Args),
    /// Serve a demo event stream: a live page at /, the stream at /events,
    /// POST /publish; HTTP/1.1 and HTTP/2 on one port.
    ///
    /// GET / is a page whose EventSource shows the events, the connection
    /// state and reconnects, with a form that publishes. GET /events is the
    /// stream: every event has an ID; a `tick` event every --tick-ms; every
    /// published event; keepalive comments when idle. A client resuming with
    /// a Last-Event-ID header (or ?lastEventId=) gets the events after it from
    /// the history, then live ones. An ID older than the history or unknown
    /// (from an earlier run: IDs start at the start time in ms x 1000) gets a
    /// `gap` event (no ID, empty data), then everything the history holds,
    /// then live events. A subscriber too slow for 256 queued events is
    /// disconnected and resumes by its ID.
    ///
    /// POST /publish[?event=NAME] broadcasts its UTF-8 body as the data of one
    /// event (each line a data line) and answers {"id":"..."}; 400 for an
    /// empty name or one with CR/LF, or a body that is not UTF-8; 413 over
    /// --max-publish-bytes. HTTP/2 without TLS is h2c with prior knowledge;
    /// with TLS, ALPN offers h2 and http/1.1. Prints the URL on stderr;
    /// SIGINT/SIGTERM end the streams (with a last `retry:`) and exit 0.
    Serve(serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = BufWriter::new(io::stdout().lock());
    let failure = match cli.command {
        Command::Decode(args) => decode::run(&args, io::stdin().lock(), stdout)
            .err()
            .map(|e| (e.is_broken_pipe(), e.exit_code(), e.to_string())),
        Command::Encode => encode::run(io::stdin().lock(), stdout)
            .err()
            .map(|e| (e.is_broken_pipe(), e.exit_code(), report(&e))),
        Command::Listen(args) => listen::run(args, stdout)
            .err()
            .map(|e| (e.is_broken_pipe(), e.exit_code(), e.to_string())),
        Command::Serve(args) => serve::run(args)
            .err()
            .map(|e| (false, e.exit_code(), e.to_string())),
    };
    match failure {
        None => ExitCode::SUCCESS,
        // The reader went away (`sse decode | head`): not an error.
        Some((true, _, _)) => ExitCode::SUCCESS,
        Some((false, code, message)) => {
            let _ = writeln!(io::stderr(), "sse: {message}");
            ExitCode::from(code)
        }
    }
}

/// `error` and its causes, outermost first, joined by `": "`: each layer's
/// `Display` says only its own part, so every cause appears once.
fn report(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        out.push_str(": ");
        out.push_str(&e.to_string());
        cause = e.source();
    }
    out
}
