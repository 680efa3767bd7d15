//! `sse-load`: many SSE subscribers, a paced publisher, delivery latency.
//!
//! ```text
//! sse-load run --url http://127.0.0.1:8080/events --publish http://127.0.0.1:8080/publish \
//!     --conns 10000 --procs 2 --events 1000 --rate 100 --server-pid PID --json
//! sse-load report results/*.json      # markdown table
//! sse-load chart results/*.json       # SVG chart
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use sse_load::run::{run, RunConfig};
use sse_load::worker::{self, WorkerConfig};

#[derive(Parser)]
#[command(
    name = "sse-load",
    about = "Load and latency of an SSE server: /events subscribers, POST /publish publisher"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Open the connections, publish, report.
    Run(RunArgs),
    /// (internal) one subscriber process, driven by `run` over stdin/stdout.
    #[command(hide = true)]
    Worker(WorkerArgs),
    /// A markdown table from JSON summaries.
    Report {
        /// The server whose numbers the others are compared with.
        #[arg(long, default_value = "sse-serve")]
        reference: String,
        /// Summary files (`run --json` output).
        files: Vec<PathBuf>,
    },
    /// Exit 0 when the run in FILE sustained its rate (every connection
    /// held, nothing lost, p99 under 1 s, the publisher kept 90 % of the
    /// rate), 1 when not: a rate sweep's stop condition.
    Sustained {
        /// A summary file (`run --json` output).
        file: PathBuf,
    },
    /// An SVG chart from JSON summaries.
    Chart {
        /// Summary files (`run --json` output).
        files: Vec<PathBuf>,
    },
}

#[derive(Parser)]
struct RunArgs {
    /// The event stream URL (IP:PORT host).
    #[arg(long)]
    url: String,
    /// The publish URL (omit for an idle run).
    #[arg(long)]
    publish: Option<String>,
    /// Subscriber connections.
    #[arg(long, default_value_t = 100)]
    conns: usize,
    /// Worker processes holding them (a process may open 20,000 files here).
    #[arg(long, default_value_t = 2)]
    procs: usize,
    /// Source addresses 127.0.0.1 ..= 127.0.0.N (each its own port range).
    #[arg(long, default_value_t = 4)]
    sources: u8,
    /// New connections per second, over all workers (0: all at once).
    #[arg(long, default_value_t = 2000.0)]
    ramp: f64,
    /// Give up waiting for the ramp after this many seconds.
    #[arg(long, default_value_t = 60.0)]
    ramp_timeout: f64,
    /// Events to publish.
    #[arg(long, default_value_t = 0)]
    events: u64,
    /// Events per second (0: as fast as the publish window allows).
    #[arg(long, default_value_t = 100.0)]
    rate: f64,
    /// Event data size in bytes.
    #[arg(long, default_value_t = 64)]
    size: usize,
    /// Publish requests in flight (pipelined on one connection).
    #[arg(long, default_value_t = 1)]
    window: usize,
    /// The event name (`?event=NAME` on the publish URL).
    #[arg(long)]
    event: Option<String>,
    /// Seconds to hold the connections after the ramp and publishing.
    #[arg(long, default_value_t = 0.0)]
    hold: f64,
    /// Seconds delivery may stall after the last publish before counting losses.
    #[arg(long, default_value_t = 5.0)]
    drain: f64,
    /// HTTP/2 (h2c, prior knowledge): connections per worker the streams share.
    #[arg(long, default_value_t = 0)]
    h2: usize,
    /// Read the streams with the lean reader (the core's HTTP/1.1 and SSE
    /// decoders on the socket; no reconnects) instead of our `EventSource`.
    #[arg(long, conflicts_with = "h2")]
    raw: bool,
    /// The server's process id (its memory and CPU time go in the summary).
    #[arg(long)]
    server_pid: Option<u32>,
    /// The server's name in the summary.
    #[arg(long, default_value = "server")]
    label: String,
    /// The workload's name in the summary.
    #[arg(long, default_value = "run")]
    workload: String,
    /// Print the summary as one JSON object (else as text).
    #[arg(long)]
    json: bool,
    /// No progress line on stderr.
    #[arg(long)]
    quiet: bool,
}

#[derive(Parser)]
struct WorkerArgs {
    #[arg(long)]
    url: String,
    #[arg(long)]
    conns: usize,
    #[arg(long)]
    first: usize,
    #[arg(long)]
    sources: u8,
    #[arg(long)]
    ramp: f64,
    #[arg(long)]
    ramp_timeout: f64,
    #[arg(long)]
    drain: f64,
    #[arg(long)]
    h2: usize,
    #[arg(long)]
    raw: bool,
}

fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).unwrap_or(Duration::ZERO)
}

fn read_summaries(files: &[PathBuf]) -> Result<Vec<serde_json::Value>, Box<dyn std::error::Error>> {
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", f.display()).into())
        })
        .collect()
}

fn main_inner() -> Result<(), Box<dyn std::error::Error>> {
    match Cli::parse().command {
        Cmd::Run(a) => {
            let config = RunConfig {
                exe: std::env::current_exe()?,
                label: a.label,
                workload: a.workload,
                url: a.url,
                publish: a.publish,
                conns: a.conns,
                procs: a.procs,
                sources: a.sources,
                ramp: a.ramp,
                ramp_timeout: secs(a.ramp_timeout),
                events: a.events,
                rate: a.rate,
                size: a.size,
                window: a.window,
                event: a.event,
                hold: secs(a.hold),
                drain: secs(a.drain),
                h2: a.h2,
                raw: a.raw,
                server_pid: a.server_pid,
                progress: !a.quiet,
            };
            let summary = run(&config)?;
            if a.json {
                println!("{summary}");
            } else {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            }
        }
        Cmd::Worker(a) => worker::run(WorkerConfig {
            url: a.url,
            conns: a.conns,
            first: a.first,
            sources: a.sources,
            ramp: a.ramp,
            ramp_timeout: secs(a.ramp_timeout),
            drain: secs(a.drain),
            h2: a.h2,
            raw: a.raw,
        })?,
        Cmd::Report { reference, files } => {
            print!(
                "{}",
                sse_load::report::markdown(&read_summaries(&files)?, &reference)
            );
        }
        Cmd::Sustained { file } => {
            let summary = read_summaries(std::slice::from_ref(&file))?;
            if !summary.iter().all(sse_load::report::sustained) {
                return Err(format!("{}: not sustained", file.display()).into());
            }
        }
        Cmd::Chart { files } => print!("{}", sse_load::report::svg(&read_summaries(&files)?)),
    }
    Ok(())
}

fn main() -> ExitCode {
    match main_inner() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sse-load: {e}");
            ExitCode::FAILURE
        }
    }
}
