//! The `sse` command.

mod encode;

use std::io::{self, BufWriter};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Server-Sent Events from the command line.
#[derive(Debug, Parser)]
#[command(name = "sse", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read JSON Lines (as `sse decode` prints them) on stdin and write the event
    /// stream to stdout. A bad line stops with its line number and exit code 2,
    /// after the lines before it were written.
    Encode,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Encode => {
            let output = BufWriter::new(io::stdout().lock());
            match encode::run(io::stdin().lock(), output) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("sse encode: {e}");
                    ExitCode::from(e.exit_code())
                }
            }
        }
    }
}
