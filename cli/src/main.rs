//! `sse`: decode, encode and listen to Server-Sent Events from the command
//! line. Built on `sse-proto`, and `sse-tokio` (`sse-reqwest` for https://) for
//! `listen`.

mod decode;
mod encode;
mod json;
mod listen;

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
