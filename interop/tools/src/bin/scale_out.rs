//! `sse-scale-out --sse PATH [--clients N] [--rate PER_S] [--seconds S]`:
//! the multi-node proof that `interop/scale-out` runs.
//!
//! Starts a `redis-server` (127.0.0.1, a free port, append-only file with
//! `appendfsync always` in a temporary directory) and three `sse serve
//! --redis` nodes on it, connects N library clients (`sse_tokio::EventSource`)
//! spread over the nodes, each reconnecting to the *next* node every time,
//! and publishes `1`, `2`, ... at a steady rate through the nodes (a kept-alive
//! connection to one node, the next one every 50 events; a publish that fails
//! is retried on the next node). Meanwhile, faults:
//! each node killed (`kill -9`) and restarted, Redis killed and restarted
//! (persistence on), one node stopped (`SIGSTOP`) for a tenth of the run
//! (3 s) then continued.
//! Then a last event `end`.
//!
//! Checks, at the end, against the log itself (`XRANGE` of the stream):
//! every client got every event of the log exactly once, in order (count and
//! a hash of the ID sequence, IDs strictly increasing, no `gap` notice), and
//! every publish a node acknowledged is in the log. Then measures, with no
//! subscribers: resume latency (connecting with a `Last-Event-ID` to the
//! first replayed event) from the node's own history and from Redis, and
//! publishes per second through one node (8 kept-alive connections). Prints the counts and
//! figures; exits 0 when every check passed, 1 otherwise, 77 when there is
//! no `redis-server` (and `SSE_REDIS_TESTS` is unset), 2 on bad usage.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::future::poll_fn;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::pin::Pin;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_core::Stream;
use sse_redis::test_util::RedisServer;
use sse_tokio::sse_proto::client::{Backoff, StatusPolicy};
use sse_tokio::{Attempt, EventSource, Item, Request, TokioRuntime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The stream key of `sse serve`'s topic.
const KEY: &str = "sse:events";
/// The failure guard on any one wait.
const GUARD: Duration = Duration::from_secs(90);

struct Args {
    sse: PathBuf,
    clients: usize,
    rate: u64,
    seconds: u64,
}

fn main() -> ExitCode {
    let Some(args) = parse_args() else {
        eprintln!("usage: sse-scale-out --sse PATH [--clients N] [--rate PER_S] [--seconds S]");
        return ExitCode::from(2);
    };
    let Some(redis) = RedisServer::start("scale-out") else {
        return ExitCode::from(77);
    };
    // 1,000 clients and the publisher on two threads.
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
        .and_then(|runtime| runtime.block_on(run(args, redis)));
    if let Err(why) = outcome {
        eprintln!("sse-scale-out: FAIL: {why}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn parse_args() -> Option<Args> {
    let mut args = Args {
        sse: PathBuf::new(),
        clients: 1000,
        rate: 50,
        seconds: 30,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next()?;
        match flag.as_str() {
            "--sse" => args.sse = value.into(),
            "--clients" => args.clients = value.parse().ok()?,
            "--rate" => args.rate = value.parse().ok().filter(|&r| r > 0)?,
            "--seconds" => args.seconds = value.parse().ok().filter(|&s| s >= 20)?,
            _ => return None,
        }
    }
    (!args.sse.as_os_str().is_empty()).then_some(args)
}

fn say(line: std::fmt::Arguments<'_>) {
    println!("scale-out: {line}");
}

/// One `sse serve --redis` node on a fixed port (a restart binds it again).
struct Node {
    sse: PathBuf,
    redis: String,
    port: u16,
    child: Option<Child>,
}

impl Node {
    fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    async fn start(&mut self) -> Result<(), String> {
        let child = Command::new(&self.sse)
            .args([
                "serve",
                "--addr",
                &self.addr().to_string(),
                "--redis",
                &self.redis,
            ])
            .args(["--tick-ms", "0", "--history", "500", "--keepalive", "5"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{}: {e}", self.sse.display()))?;
        self.child = Some(child);
        let start = Instant::now();
        while TcpStream::connect(self.addr()).await.is_err() {
            if start.elapsed() > GUARD {
                return Err(format!("node {} did not start", self.port));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(())
    }

    fn signal(&self, signal: &str) {
        if let Some(child) = &self.child {
            let _ = Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status();
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.signal("-CONT");
        self.kill();
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// What one client saw.
#[derive(Default)]
struct Seen {
    events: u64,
    /// FNV-1a over the IDs, each followed by a newline.
    hash: u64,
    opens: u64,
    /// Why it is wrong, if it is: an ID not after the one before, a gap.
    wrong: Option<String>,
    done: bool,
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv(mut hash: u64, id: &str) -> u64 {
    for &b in id.as_bytes().iter().chain(b"\n") {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A Redis entry ID as a pair, for ordering.
fn entry_id(id: &str) -> Option<(u64, u64)> {
    let (ms, seq) = id.split_once('-')?;
    Some((ms.parse().ok()?, seq.parse().ok()?))
}

/// One client: an event source that asks the next node at every attempt,
/// until the `end` event.
async fn client(index: usize, nodes: Arc<Vec<SocketAddr>>, seen: Arc<Mutex<Seen>>) {
    let mut next = index;
    let requests = move |_: &Attempt<'_>| {
        let addr = nodes[next % nodes.len()];
        next += 1;
        Request::get(format!("http://{addr}/events"))
    };
    let mut es = EventSource::builder(requests)
        .reconnect_time(Duration::from_millis(200))
        .backoff(Backoff::Exponential {
            max: Duration::from_secs(2),
            jitter: true,
        })
        .seed(index as u64 + 1)
        // 503 while a node cannot reach Redis for a replay: try again.
        .status_policy(StatusPolicy::RetryTransient)
        .connect_timeout(Some(Duration::from_secs(5)))
        .build(TokioRuntime, sse_tokio::tcp_connector());
    let mut last = (0, 0);
    let mut hash = FNV_START;
    loop {
        let item = poll_fn(|cx| Pin::new(&mut es).poll_next(cx)).await;
        let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
        match item {
            Some(Ok(Item::Event(event))) => {
                if event.event_type == "gap" {
                    seen.wrong = Some(format!("a gap notice after {last:?}"));
                    return;
                }
                let Some(id) = entry_id(&event.last_event_id).filter(|&id| id > last) else {
                    seen.wrong = Some(format!("{:?} after {last:?}", event.last_event_id));
                    return;
                };
                last = id;
                hash = fnv(hash, &event.last_event_id);
                seen.events += 1;
                seen.hash = hash;
                if event.data == "end" {
                    seen.done = true;
                    return;
                }
            }
            Some(Ok(Item::Open { .. })) => seen.opens += 1,
            Some(_) => {}
            None => {
                seen.wrong = Some(format!("closed for good: {:?}", es.fail_reason()));
                return;
            }
        }
    }
}

/// What the publisher did.
#[derive(Default)]
struct Published {
    acked: Vec<String>,
    /// Attempts that failed (tried again on the next node).
    failed: u64,
    /// Failed attempts that may still have been logged (sent, no answer).
    unanswered: u64,
}

/// The publisher's kept-alive connection, to one node at a time.
struct Publisher {
    nodes: Arc<Vec<SocketAddr>>,
    turn: usize,
    connection: Option<TcpStream>,
    out: Published,
}

impl Publisher {
    /// Moves on to the next node.
    fn next_node(&mut self) {
        self.connection = None;
        self.turn += 1;
    }

    /// Publishes `data` on the current node, or on the next ones in turn
    /// until one takes it.
    async fn publish(&mut self, data: &str) -> Result<(), String> {
        let start = Instant::now();
        loop {
            let addr = self.nodes[self.turn % self.nodes.len()];
            let attempt = async {
                if self.connection.is_none() {
                    let stream = TcpStream::connect(addr)
                        .await
                        .map_err(|e| (e.to_string(), false))?;
                    self.connection = Some(stream);
                }
                match &mut self.connection {
                    Some(stream) => publish_on(stream, addr, data).await,
                    None => Err(("not connected".into(), false)),
                }
            };
            let result = tokio::time::timeout(Duration::from_secs(5), attempt)
                .await
                .unwrap_or_else(|_| Err(("no answer in 5 s".into(), true)));
            match result {
                Ok(id) => {
                    self.out.acked.push(id);
                    return Ok(());
                }
                Err((why, unanswered)) => {
                    self.next_node();
                    self.out.failed += 1;
                    self.out.unanswered += u64::from(unanswered);
                    if start.elapsed() > GUARD {
                        return Err(format!("publishing {data} failed for {GUARD:?}: {why}"));
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }
}

/// The log itself: every entry ID of the stream, in order.
fn log_ids(url: &str) -> Result<Vec<String>, String> {
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    let mut connection = client.get_connection().map_err(|e| e.to_string())?;
    let reply: redis::Value = redis::cmd("XRANGE")
        .arg(KEY)
        .arg("-")
        .arg("+")
        .query(&mut connection)
        .map_err(|e| e.to_string())?;
    let redis::Value::Array(entries) = reply else {
        return Err(format!("XRANGE answered {reply:?}"));
    };
    entries
        .into_iter()
        .map(|entry| match entry {
            redis::Value::Array(parts) => match parts.into_iter().next() {
                Some(redis::Value::BulkString(id)) => {
                    String::from_utf8(id).map_err(|e| e.to_string())
                }
                other => Err(format!("an entry ID {other:?}")),
            },
            other => Err(format!("an entry {other:?}")),
        })
        .collect()
}

async fn run(args: Args, mut redis: RedisServer) -> Result<(), String> {
    let mut nodes = Vec::new();
    for _ in 0..3 {
        let mut node = Node {
            sse: args.sse.clone(),
            redis: redis.url(),
            port: free_port()?,
            child: None,
        };
        node.start().await?;
        nodes.push(node);
    }
    let addrs: Arc<Vec<SocketAddr>> = Arc::new(nodes.iter().map(Node::addr).collect());
    say(format_args!(
        "redis on {}, nodes on {:?}",
        redis.url(),
        addrs.iter().map(|a| a.port()).collect::<Vec<_>>()
    ));

    // The clients, connected before the first event.
    let seen: Vec<Arc<Mutex<Seen>>> = (0..args.clients)
        .map(|_| Arc::new(Mutex::new(Seen::default())))
        .collect();
    let clients: Vec<_> = seen
        .iter()
        .enumerate()
        .map(|(i, seen)| tokio::spawn(client(i, addrs.clone(), seen.clone())))
        .collect();
    let opened = || {
        seen.iter()
            .filter(|s| s.lock().unwrap_or_else(PoisonError::into_inner).opens > 0)
            .count()
    };
    let start = Instant::now();
    while opened() < args.clients {
        if start.elapsed() > GUARD {
            return Err(format!(
                "{} of {} clients connected",
                opened(),
                args.clients
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    say(format_args!("{} clients connected", args.clients));

    // The publisher, at a steady rate, while the faults happen.
    let total = args.rate * args.seconds;
    let progress = Arc::new(AtomicU64::new(0));
    let publisher = {
        let addrs = addrs.clone();
        let progress = progress.clone();
        tokio::spawn(async move {
            let mut publisher = Publisher {
                nodes: addrs,
                turn: 0,
                connection: None,
                out: Published::default(),
            };
            let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / args.rate));
            for n in 1..=total {
                tick.tick().await;
                if n % 50 == 0 {
                    publisher.next_node();
                }
                publisher.publish(&n.to_string()).await?;
                progress.store(n, Ordering::Relaxed);
            }
            publisher.publish("end").await?;
            Ok::<_, String>(publisher.out)
        })
    };
    let at = |fraction: f64| Duration::from_secs_f64(args.seconds as f64 * fraction);
    let began = Instant::now();
    let until = |t: Duration| tokio::time::sleep_until((began + t).into());
    for (k, node) in nodes.iter_mut().enumerate().take(2) {
        until(at(0.12 + 0.15 * k as f64)).await;
        node.kill();
        say(format_args!(
            "node {k} killed (kill -9) after {} events",
            progress.load(Ordering::Relaxed)
        ));
        until(at(0.17 + 0.15 * k as f64)).await;
        node.start().await?;
        say(format_args!("node {k} restarted"));
    }
    until(at(0.45)).await;
    redis.kill();
    say(format_args!(
        "redis killed (kill -9) after {} events",
        progress.load(Ordering::Relaxed)
    ));
    until(at(0.50)).await;
    redis.restart();
    say(format_args!("redis restarted (append-only file)"));
    until(at(0.60)).await;
    nodes[2].signal("-STOP");
    say(format_args!(
        "node 2 stopped (SIGSTOP) after {} events",
        progress.load(Ordering::Relaxed)
    ));
    until(at(0.70)).await;
    nodes[2].signal("-CONT");
    say(format_args!("node 2 continued (SIGCONT)"));
    until(at(0.78)).await;
    nodes[2].kill();
    say(format_args!(
        "node 2 killed (kill -9) after {} events",
        progress.load(Ordering::Relaxed)
    ));
    until(at(0.83)).await;
    nodes[2].start().await?;
    say(format_args!("node 2 restarted"));

    let published = publisher
        .await
        .map_err(|e| format!("the publisher: {e}"))??;
    say(format_args!(
        "published {} events and `end` in {:.1} s ({} attempts failed and were retried on another node, {} of them unanswered)",
        total,
        began.elapsed().as_secs_f64(),
        published.failed,
        published.unanswered
    ));

    let waited = Instant::now();
    for client in clients {
        let left = GUARD.saturating_sub(waited.elapsed());
        if tokio::time::timeout(left, client).await.is_err() {
            break;
        }
    }

    // The checks, against the log.
    let log = log_ids(&redis.url())?;
    let log_hash = log.iter().fold(FNV_START, |h, id| fnv(h, id));
    let in_log: HashSet<&str> = log.iter().map(String::as_str).collect();
    let missing = published
        .acked
        .iter()
        .filter(|id| !in_log.contains(id.as_str()))
        .count();
    let mut failures = Vec::new();
    if missing > 0 {
        failures.push(format!("{missing} acknowledged events are not in the log"));
    }
    let (mut opens, mut min_opens, mut max_opens, mut wrong) = (0, u64::MAX, 0, 0);
    for (i, seen) in seen.iter().enumerate() {
        let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
        opens += seen.opens;
        min_opens = min_opens.min(seen.opens);
        max_opens = max_opens.max(seen.opens);
        let why = if let Some(why) = &seen.wrong {
            Some(why.clone())
        } else if !seen.done {
            Some(format!("did not get `end` ({} events)", seen.events))
        } else if seen.events != log.len() as u64 || seen.hash != log_hash {
            Some(format!(
                "{} events, not the log's {}",
                seen.events,
                log.len()
            ))
        } else {
            None
        };
        if let Some(why) = why {
            wrong += 1;
            if wrong <= 5 {
                failures.push(format!("client {i}: {why}"));
            }
        }
    }
    say(format_args!(
        "the log holds {} events ({} published, `end`, {} logged twice by a retried unanswered publish)",
        log.len(),
        total,
        (log.len() as u64).saturating_sub(total + 1)
    ));
    say(format_args!(
        "{} of {} clients got every event of the log exactly once, in order; streams opened {} times ({} to {} per client)",
        args.clients - wrong,
        args.clients,
        opens,
        min_opens,
        max_opens
    ));
    if !failures.is_empty() {
        let mut why = String::new();
        for failure in &failures {
            let _ = write!(why, "\n  {failure}");
        }
        return Err(format!("{wrong} clients wrong:{why}"));
    }

    measure(&addrs, &log).await
}

/// Resume latency, then publishes per second through one node.
async fn measure(nodes: &[SocketAddr], log: &[String]) -> Result<(), String> {
    // Each node's history holds its last 500 events: 100 back is replayed
    // by the node itself, 1500 back by Redis (XRANGE).
    let back = |n: usize| log[log.len().saturating_sub(n)].as_str();
    for (what, id) in [("node history", back(100)), ("Redis XRANGE", back(1500))] {
        let mut times = Vec::new();
        for i in 0..100 {
            times.push(resume_latency(nodes[i % nodes.len()], id).await?);
        }
        times.sort();
        say(format_args!(
            "resume latency ({what}, 100 resumes over the 3 nodes): median {:.2} ms, p90 {:.2} ms, max {:.2} ms",
            ms(times[50]),
            ms(times[90]),
            ms(times[99])
        ));
    }

    let (n, connections) = (4000, 8);
    let node = nodes[0];
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|w| {
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(node).await.map_err(|e| e.to_string())?;
                for i in (w..n).step_by(connections) {
                    publish_on(&mut stream, node, &format!("burst {i}"))
                        .await
                        .map_err(|(why, _)| why)?;
                }
                Ok::<_, String>(())
            })
        })
        .collect();
    for worker in workers {
        worker.await.map_err(|e| e.to_string())??;
    }
    let rate = n as f64 / started.elapsed().as_secs_f64();
    say(format_args!(
        "throughput: {n} publishes through one node ({connections} kept-alive connections, one publish at a time each): {rate:.0} events/s"
    ));
    Ok(())
}

/// `POST /publish` on a kept-alive connection: the event's ID when the
/// node answered 200; else why not, and whether the request was sent
/// without an answer (it may have been logged).
async fn publish_on(
    stream: &mut TcpStream,
    addr: SocketAddr,
    data: &str,
) -> Result<String, (String, bool)> {
    let request = format!(
        "POST /publish HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n{data}",
        data.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| (e.to_string(), false))?;
    let mut got = Vec::new();
    let mut buf = [0; 1024];
    loop {
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
            let len: usize = head
                .split("content-length:")
                .nth(1)
                .and_then(|rest| rest.lines().next())
                .and_then(|n| n.trim().parse().ok())
                .ok_or(("no content-length".to_string(), false))?;
            if let Some(body) = got.get(end + 4..end + 4 + len) {
                if !head.starts_with("http/1.1 200") {
                    return Err((head, false));
                }
                let body = String::from_utf8_lossy(body);
                return body
                    .split("{\"id\":\"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .map(str::to_string)
                    .ok_or((format!("no id in {body}"), false));
            }
        }
        let read = stream
            .read(&mut buf)
            .await
            .map_err(|e| (e.to_string(), true))?;
        if read == 0 {
            return Err(("the node closed the connection".into(), true));
        }
        got.extend_from_slice(&buf[..read]);
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// From connecting with `Last-Event-ID: id` to the first event's bytes.
async fn resume_latency(addr: SocketAddr, id: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let request = format!("GET /events HTTP/1.1\r\nHost: {addr}\r\nLast-Event-ID: {id}\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut got = Vec::new();
    let mut buf = [0; 4096];
    while !got.windows(4).any(|w| w == b"id: ") {
        let read = tokio::time::timeout(GUARD, stream.read(&mut buf))
            .await
            .map_err(|_| "no replay".to_string())?
            .map_err(|e| e.to_string())?;
        if read == 0 {
            return Err(format!(
                "the resume from {id} ended: {}",
                String::from_utf8_lossy(&got)
            ));
        }
        got.extend_from_slice(&buf[..read]);
    }
    Ok(started.elapsed())
}
