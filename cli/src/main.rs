//! `sse`: decode, encode, listen to and serve Server-Sent Events from the command
//! line. Built on `sse-proto`.

mod decode;
mod json;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Decode(args) => {
            let stdout = io::stdout().lock();
            decode::run(&args, io::stdin().lock(), BufWriter::new(stdout))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.is_broken_pipe() {
                // The reader went away (`sse decode | head`): not an error.
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(io::stderr(), "sse: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
