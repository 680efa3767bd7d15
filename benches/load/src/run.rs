//! The coordinator: starts the worker processes, shows the ramp, measures the
//! server's memory, publishes, collects the workers' reports and sums them up
//! into one JSON summary.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::payload::now_us;
use crate::probe::{cpu_ms, rss_kib};
use crate::publish::{publish, PublishConfig, PublishStats};
use crate::worker::WorkerResult;

/// One run of the tool.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// The binary to start workers from (`sse-load` itself).
    pub exe: PathBuf,
    /// The server under test (a name for the report).
    pub label: String,
    /// The workload (a name for the report: `idle-1k`, `broadcast-10k-100`...).
    pub workload: String,
    /// The event stream URL.
    pub url: String,
    /// The publish URL (`None`: nothing is published, the run is idle).
    pub publish: Option<String>,
    /// Subscriber connections in all.
    pub conns: usize,
    /// Worker processes (each holds `conns / procs` sockets; more are
    /// started when that would pass 15,000).
    pub procs: usize,
    /// Source addresses 127.0.0.1 .. 127.0.0.N.
    pub sources: u8,
    /// Connections opened per second over all workers (0: all at once).
    pub ramp: f64,
    /// How long the ramp may take before the run goes on with what opened.
    pub ramp_timeout: Duration,
    /// Events to publish.
    pub events: u64,
    /// Events per second (0: as fast as the window allows).
    pub rate: f64,
    /// Event data size in bytes.
    pub size: usize,
    /// Publish requests in flight.
    pub window: usize,
    /// The `event` query parameter of the publish requests.
    pub event: Option<String>,
    /// Hold the connections this long after the ramp (idle runs).
    pub hold: Duration,
    /// How long delivery may stall after the last publish.
    pub drain: Duration,
    /// HTTP/2 connections per worker (0: HTTP/1.1).
    pub h2: usize,
    /// The lean reader instead of the `EventSource` (HTTP/1.1 only).
    pub raw: bool,
    /// The server's process id, for its memory and CPU time.
    pub server_pid: Option<u32>,
    /// Print progress on stderr.
    pub progress: bool,
}

/// The most subscriber sockets one worker process holds (its file limit is
/// 20,000, the same for every process here).
const PER_PROC: usize = 15_000;

struct Worker {
    child: Child,
    stdin: ChildStdin,
}

enum Msg {
    Progress(usize, u64, u64),
    Ready(usize, u64, u64),
    Result(usize, Box<WorkerResult>),
    Gone(usize),
}

fn parse_line(i: usize, line: &str) -> Option<Msg> {
    let (kind, rest) = line.split_once(' ')?;
    let nums = || {
        let mut it = rest.split(' ').map(|x| x.parse::<u64>().ok());
        Some((it.next()??, it.next()??))
    };
    match kind {
        "progress" => nums().map(|(a, b)| Msg::Progress(i, a, b)),
        "ready" => nums().map(|(a, b)| Msg::Ready(i, a, b)),
        "result" => {
            let v: Value = serde_json::from_str(rest).ok()?;
            WorkerResult::from_json(&v).map(|r| Msg::Result(i, Box::new(r)))
        }
        _ => None,
    }
}

fn split_url(url: &str) -> Result<(SocketAddr, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url}: only http:// URLs"))?;
    let (host, target) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr = host
        .parse()
        .map_err(|_| format!("{url}: the host must be IP:PORT"))?;
    Ok((addr, target.to_owned()))
}

fn server_probe(pid: Option<u32>, f: fn(&str) -> Option<u64>) -> Option<u64> {
    pid.and_then(|p| f(&p.to_string()))
}

/// Runs the whole measurement and returns its summary (see the crate docs
/// for the fields).
///
/// # Errors
///
/// When a worker cannot start or dies, or publishing fails.
pub fn run(config: &RunConfig) -> Result<Value, Box<dyn std::error::Error>> {
    // A process may open 20,000 files here: at most PER_PROC sockets each.
    let procs = config
        .procs
        .max(config.conns.div_ceil(PER_PROC))
        .clamp(1, config.conns.max(1));
    let pid = config.server_pid;
    let rss_before = server_probe(pid, rss_kib);
    let (tx, rx) = mpsc::channel();
    let mut workers = Vec::with_capacity(procs);
    let mut first = 0;
    for i in 0..procs {
        let n = config.conns / procs + usize::from(i < config.conns % procs);
        let mut cmd = Command::new(&config.exe);
        cmd.arg("worker")
            .args(["--url", &config.url])
            .args(["--conns", &n.to_string()])
            .args(["--first", &first.to_string()])
            .args(["--sources", &config.sources.to_string()])
            .args(["--ramp", &(config.ramp / procs as f64).to_string()])
            .args([
                "--ramp-timeout",
                &config.ramp_timeout.as_secs_f64().to_string(),
            ])
            .args(["--drain", &config.drain.as_secs_f64().to_string()])
            .args(["--h2", &config.h2.to_string()])
            .args(config.raw.then_some("--raw"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        first += n;
        let mut child = cmd.spawn()?;
        let stdout = child.stdout.take().ok_or("worker without stdout")?;
        let stdin = child.stdin.take().ok_or("worker without stdin")?;
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(msg) = parse_line(i, &line) {
                    let _ = tx.send(msg);
                }
            }
            let _ = tx.send(Msg::Gone(i));
        });
        workers.push(Worker { child, stdin });
    }
    drop(tx);

    // Ramp.
    let ramp_start = Instant::now();
    let mut opened = vec![0u64; procs];
    let mut errors = vec![0u64; procs];
    let mut ready = vec![None; procs];
    let mut last_print = Instant::now();
    while ready.iter().any(Option::is_none) {
        match rx.recv()? {
            Msg::Progress(i, o, e) => {
                opened[i] = o;
                errors[i] = e;
            }
            Msg::Ready(i, held, e) => {
                ready[i] = Some(held);
                errors[i] = e;
            }
            Msg::Result(..) => {}
            Msg::Gone(i) => return Err(format!("worker {i} exited during the ramp").into()),
        }
        if config.progress && last_print.elapsed() >= Duration::from_millis(250) {
            last_print = Instant::now();
            eprint!(
                "\r{}: {} / {} connections, {} errors, {:.1} s   ",
                config.label,
                opened.iter().sum::<u64>(),
                config.conns,
                errors.iter().sum::<u64>(),
                ramp_start.elapsed().as_secs_f64()
            );
        }
    }
    let held_after_ramp: u64 = ready.iter().flatten().sum();
    let ramp_s = ramp_start.elapsed().as_secs_f64();
    if config.progress {
        eprintln!(
            "\r{}: {held_after_ramp} / {} connections held after {ramp_s:.1} s, {} errors",
            config.label,
            config.conns,
            errors.iter().sum::<u64>()
        );
    }
    // Let the server settle before reading its memory.
    std::thread::sleep(Duration::from_millis(500));
    let rss_after = server_probe(pid, rss_kib);

    let server_cpu0 = server_probe(pid, cpu_ms);
    let tool_cpu0 = cpu_ms("self").unwrap_or(0);
    let publish_start = now_us();
    let mut stats = PublishStats::default();
    if let (Some(url), true) = (&config.publish, config.events > 0) {
        let (addr, mut target) = split_url(url)?;
        if let Some(event) = &config.event {
            target.push_str(if target.contains('?') { "&" } else { "?" });
            target.push_str("event=");
            target.push_str(event);
        }
        let pc = PublishConfig {
            addr,
            target,
            events: config.events,
            rate: config.rate,
            size: config.size,
            window: config.window,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        stats = rt.block_on(publish(&pc))?;
        if config.progress {
            eprintln!(
                "{}: published {} events in {:.2} s ({} refused)",
                config.label,
                stats.sent,
                stats.elapsed_us as f64 / 1e6,
                stats.refused
            );
        }
    }
    std::thread::sleep(config.hold);
    for w in &mut workers {
        // A worker that died shows up below as a missing report.
        let _ = writeln!(w.stdin, "end {}", stats.sent);
        let _ = w.stdin.flush();
    }
    let mut total = WorkerResult::default();
    let mut reported = vec![false; procs];
    while reported.iter().any(|r| !r) {
        match rx.recv()? {
            Msg::Result(i, r) => {
                total.merge(&r);
                reported[i] = true;
            }
            Msg::Gone(i) if !reported[i] => {
                return Err(format!("worker {i} exited without a report").into())
            }
            _ => {}
        }
    }
    let server_cpu = server_probe(pid, cpu_ms)
        .zip(server_cpu0)
        .map(|(b, a)| b.saturating_sub(a));
    let tool_cpu = total.cpu_ms + cpu_ms("self").unwrap_or(0).saturating_sub(tool_cpu0);
    for mut w in workers {
        let _ = w.child.wait();
    }
    Ok(summary(
        config,
        &total,
        &stats,
        Phase {
            procs,
            held_after_ramp,
            ramp_s,
            rss_before,
            rss_after,
            publish_start,
            server_cpu,
            tool_cpu,
        },
    ))
}

/// Measurements taken by the coordinator itself.
struct Phase {
    procs: usize,
    held_after_ramp: u64,
    ramp_s: f64,
    rss_before: Option<u64>,
    rss_after: Option<u64>,
    publish_start: u64,
    server_cpu: Option<u64>,
    tool_cpu: u64,
}

fn summary(config: &RunConfig, t: &WorkerResult, stats: &PublishStats, p: Phase) -> Value {
    let ms = |us: Option<u64>| us.map(|v| v as f64 / 1000.0);
    let span_us = t.last_rx.saturating_sub(p.publish_start).max(1);
    let delivered_per_s = (t.received > 0).then(|| t.received as f64 * 1e6 / span_us as f64);
    let per_conn = (t.opened > 0 && t.received > 0)
        .then(|| t.received as f64 / t.opened as f64 * 1e6 / span_us as f64);
    let rss_per_conn = match (p.rss_before, p.rss_after) {
        (Some(b), Some(a)) if p.held_after_ramp > 0 => {
            Some(a.saturating_sub(b) as f64 * 1024.0 / p.held_after_ramp as f64)
        }
        _ => None,
    };
    json!({
        "label": config.label,
        "workload": config.workload,
        "url": config.url,
        "http": if config.h2 > 0 { "h2c" } else { "http/1.1" },
        "reader": if config.raw { "raw" } else { "EventSource" },
        "h2_connections": config.h2 * p.procs,
        "conns": config.conns,
        "procs": p.procs,
        "opened": t.opened,
        "held_after_ramp": p.held_after_ramp,
        "held": t.held,
        "ramp_s": p.ramp_s,
        "errors": t.errors,
        "reconnects": t.reconnects,
        "events": stats.sent,
        "publish_refused": stats.refused,
        "rate": config.rate,
        "publish_rate": (stats.elapsed_us > 0).then(|| stats.sent as f64 * 1e6 / stats.elapsed_us as f64),
        "size": config.size,
        "expected": stats.sent * t.opened,
        "received": t.received,
        "lost": t.lost,
        "duplicates": t.duplicates,
        "out_of_order": t.out_of_order,
        "foreign": t.foreign,
        "latency_ms": {
            "p50": ms(t.latency.quantile(0.5)),
            "p90": ms(t.latency.quantile(0.9)),
            "p99": ms(t.latency.quantile(0.99)),
            "max": ms((t.latency.total() > 0).then(|| t.latency.max())),
        },
        "delivered_per_s": delivered_per_s,
        "per_conn_events_per_s": per_conn,
        "server_rss_kib": { "before": p.rss_before, "after": p.rss_after },
        "rss_per_conn_bytes": rss_per_conn,
        "cpu_ms": { "server": p.server_cpu, "tool": p.tool_cpu },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_lines() {
        let (addr, target) = split_url("http://127.0.0.1:9/publish?x=1").unwrap();
        assert_eq!(addr.port(), 9);
        assert_eq!(target, "/publish?x=1");
        assert!(split_url("https://127.0.0.1:9/").is_err());
        assert!(split_url("http://localhost:9/").is_err());
        assert!(matches!(
            parse_line(2, "ready 10 1"),
            Some(Msg::Ready(2, 10, 1))
        ));
        assert!(matches!(
            parse_line(0, "progress 5 0"),
            Some(Msg::Progress(0, 5, 0))
        ));
        assert!(parse_line(0, "ready x").is_none());
        assert!(parse_line(0, "result {}").is_none());
    }
}
