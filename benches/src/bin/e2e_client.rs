//! End-to-end client bench (issue 11): one local HTTP/1.1 server on loopback
//! streams the LLM-token corpus, and each client (ours on sse-tokio, sse-smol
//! and sse-async-std, ours over sse-reqwest, reqwest-eventsource,
//! eventsource-client) receives it. Every
//! run asserts the event count. Then memory per open client: M idle
//! connections, RSS from `/proc/self/statm` before and after, each client kind
//! in a fresh process of this binary, the idle server in another.
//!
//! `cargo run --release -p sse-benches --features e2e-peers --bin e2e_client -- [--runs R] [--copies C] [--idle M] [--svg FILE]`

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures_lite::StreamExt;
use sse_benches::{llm_tokens, READ_SIZE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const HEAD: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";
/// What the idle server sends after the head, so that every client kind has
/// yielded something (an event) once its connection is open.
const READY: &[u8] = b"data: ready\n\n";

const KINDS: [&str; 6] = [
    "sse-tokio (ours)",
    "sse-smol (ours)",
    "sse-async-std (ours)",
    "sse-reqwest (ours)",
    "reqwest-eventsource 0.6",
    "eventsource-client 0.16",
];
/// The first peer in `KINDS`: the kinds before it are ours.
const FIRST_PEER: usize = 4;

/// Runs `future` on the executor client `kind` is meant for: smol's
/// (`async-io`) for sse-smol, async-std's for sse-async-std, `rt` (tokio,
/// current thread) for the others.
fn run_on<T>(
    rt: &tokio::runtime::Runtime,
    kind: usize,
    future: impl std::future::Future<Output = T>,
) -> T {
    match kind {
        1 => async_io::block_on(future),
        2 => async_std::task::block_on(future),
        _ => rt.block_on(future),
    }
}

/// Our event source for client `kind` (0 to 3), on its runtime.
fn ours(
    kind: usize,
    url: &str,
    reqwest_client: Option<&reqwest::Client>,
) -> sse_tokio::EventSource {
    let request = sse_tokio::Request::get(url).expect("http url");
    let builder = sse_tokio::EventSource::builder(request);
    let builder = if reqwest_client.is_none() {
        // The throughput runs: one-shot, the stream ends when the server closes.
        builder.mode(sse_tokio::Mode::OneShot)
    } else {
        builder
    };
    match kind {
        0 => builder.build(sse_tokio::TokioRuntime, sse_tokio::tcp_connector()),
        1 => builder.build(sse_smol::SmolRuntime, sse_smol::tcp_connector()),
        2 => builder.build(
            sse_async_std::AsyncStdRuntime,
            sse_async_std::tcp_connector(),
        ),
        _ => {
            use sse_reqwest::BuildReqwest;
            let client = reqwest_client
                .cloned()
                .unwrap_or_else(|| sse_reqwest::client().expect("reqwest client"));
            builder.build_reqwest(client)
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Reads the request head (up to the empty line), so that closing after the
/// response never resets the connection over unread bytes.
async fn read_head(socket: &mut TcpStream) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok(())
}

/// Every connection: the head, `body` in `READ_SIZE` writes, then close
/// (a close-delimited body).
async fn serve_stream(listener: TcpListener, body: &'static [u8]) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            continue;
        };
        let _ = socket.set_nodelay(true);
        tokio::spawn(async move {
            if read_head(&mut socket).await.is_err() {
                return;
            }
            let _ = socket.write_all(HEAD).await;
            for piece in body.chunks(READ_SIZE) {
                if socket.write_all(piece).await.is_err() {
                    return;
                }
            }
            let _ = socket.shutdown().await;
        });
    }
}

/// Every connection: the head and one event, then nothing until the client
/// closes.
async fn serve_idle(listener: TcpListener) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            if read_head(&mut socket).await.is_err() {
                return;
            }
            if socket.write_all(HEAD).await.is_err() || socket.write_all(READY).await.is_err() {
                return;
            }
            let mut buf = [0u8; 64];
            while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {}
        });
    }
}

/// Receives the stream at `url` with client `kind`; returns the events seen.
async fn receive(kind: usize, url: &str, expected: usize) -> usize {
    match kind {
        0..FIRST_PEER => {
            let mut es = ours(kind, url, None);
            // One-shot: the stream ends when the server closes.
            let mut events = 0;
            while let Some(item) = es.next().await {
                if let sse_tokio::Item::Event(_) = item.expect("no error on a clean stream") {
                    events += 1;
                }
            }
            events
        }
        FIRST_PEER => {
            let mut es = reqwest_eventsource::EventSource::get(url);
            let mut events = 0;
            while let Some(item) = es.next().await {
                match item.expect("no error before the last event") {
                    reqwest_eventsource::Event::Message(_) => events += 1,
                    reqwest_eventsource::Event::Open => {}
                }
                if events == expected {
                    break;
                }
            }
            es.close();
            events
        }
        _ => {
            use eventsource_client::Client as _;
            let client = eventsource_client::ClientBuilder::for_url(url)
                .expect("url")
                .reconnect(eventsource_client::ReconnectOptions::reconnect(false).build())
                .build_http();
            let mut stream = client.stream();
            let mut events = 0;
            while let Some(item) = stream.next().await {
                if let eventsource_client::SSE::Event(_) =
                    item.expect("no error before the last event")
                {
                    events += 1;
                }
                if events == expected {
                    break;
                }
            }
            events
        }
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("statm rss");
    pages * 4096
}

/// Child process: open `m` clients of `kind` to the idle server at `url`, each
/// until its first event, print the RSS growth per client.
fn memory_child(kind: usize, url: &str, m: usize) {
    let rt = runtime();
    run_on(&rt, kind, async {
        // Warm up once (lazy statics, the runtime's first allocations, TLS setup).
        // One reqwest client shared by every event source, as an application would.
        let reqwest_client = sse_reqwest::client().expect("reqwest client");
        drop(open_idle(kind, url, 1, &reqwest_client).await);
        let before = rss_bytes();
        let clients = open_idle(kind, url, m, &reqwest_client).await;
        let after = rss_bytes();
        drop(clients);
        println!("{}", after.saturating_sub(before) / m as u64);
    });
}

/// An open client, held (never read) so that its connection stays open; on
/// the heap, as each is its own allocation (the stream already is one).
#[allow(dead_code)]
enum Open {
    Ours(Box<sse_tokio::EventSource>),
    ReqwestEs(Box<reqwest_eventsource::EventSource>),
    Ld(futures_lite::stream::Boxed<Result<eventsource_client::SSE, eventsource_client::Error>>),
}

async fn open_idle(
    kind: usize,
    url: &str,
    m: usize,
    reqwest_client: &reqwest::Client,
) -> Vec<Open> {
    let mut all = Vec::with_capacity(m);
    for _ in 0..m {
        let open = match kind {
            0..FIRST_PEER => {
                let mut es = ours(kind, url, Some(reqwest_client));
                loop {
                    let item = es.next().await.expect("open").expect("no error");
                    if matches!(item, sse_tokio::Item::Event(_)) {
                        break;
                    }
                }
                Open::Ours(Box::new(es))
            }
            FIRST_PEER => {
                let mut es = reqwest_eventsource::EventSource::get(url);
                loop {
                    let item = es.next().await.expect("open").expect("no error");
                    if matches!(item, reqwest_eventsource::Event::Message(_)) {
                        break;
                    }
                }
                Open::ReqwestEs(Box::new(es))
            }
            _ => {
                use eventsource_client::Client as _;
                let client = eventsource_client::ClientBuilder::for_url(url)
                    .expect("url")
                    .reconnect(eventsource_client::ReconnectOptions::reconnect(false).build())
                    .build_http();
                // The stream borrows its client, which an application keeps
                // for as long as the stream: leaked here (part of the cost).
                let client: &'static _ = Box::leak(Box::new(client));
                let mut stream = client.stream();
                loop {
                    let item = stream.next().await.expect("open").expect("no error");
                    if matches!(item, eventsource_client::SSE::Event(_)) {
                        break;
                    }
                }
                Open::Ld(stream)
            }
        };
        all.push(open);
    }
    all
}

struct Row {
    name: &'static str,
    events_per_s: f64,
    mb_per_s: f64,
    kib_per_client: Option<f64>,
}

fn svg(rows: &[Row], fastest_peer: f64) -> String {
    let width = 720.0;
    let left = 190.0;
    let bar_h = 28.0;
    let gap = 14.0;
    let top = 40.0;
    let max = rows.iter().map(|r| r.events_per_s).fold(0.0, f64::max);
    let scale = (width - left - 150.0) / max;
    let height = top + rows.len() as f64 * (bar_h + gap) + 10.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"13\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"10\" y=\"22\" font-size=\"15\">End-to-end client, loopback, LLM-token stream: events/s (median)</text>\n"
    );
    for (i, row) in rows.iter().enumerate() {
        let y = top + i as f64 * (bar_h + gap);
        let w = row.events_per_s * scale;
        let ours = row.name.contains("(ours)");
        let color = if ours { "#2b6cb0" } else { "#a0aec0" };
        s += &format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n\
             <rect x=\"{left}\" y=\"{y}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{color}\"/>\n\
             <text x=\"{:.1}\" y=\"{}\">{:.0} ({:.2}x)</text>\n",
            left - 8.0,
            y + bar_h * 0.65,
            row.name,
            left + w + 6.0,
            y + bar_h * 0.65,
            row.events_per_s,
            row.events_per_s / fastest_peer,
        );
    }
    s += "</svg>\n";
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter().position(|a| a == name).map(|i| {
            args.get(i + 1)
                .unwrap_or_else(|| panic!("{name} needs a value"))
                .clone()
        })
    };
    // Internal modes: the idle server, and one memory measurement.
    if args.iter().any(|a| a == "--idle-server") {
        let rt = runtime();
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            println!("{}", listener.local_addr().expect("addr").port());
            std::io::stdout().flush().expect("stdout");
            serve_idle(listener).await;
        });
        return;
    }
    if let Some(kind) = arg("--memory-child") {
        let url = arg("--url").expect("--url");
        let m = arg("--idle").expect("--idle").parse().expect("number");
        memory_child(kind.parse().expect("kind"), &url, m);
        return;
    }
    let runs: usize = arg("--runs").map_or(11, |s| s.parse().expect("--runs N"));
    let copies: usize = arg("--copies").map_or(16, |s| s.parse().expect("--copies N"));
    let idle: usize = arg("--idle").map_or(200, |s| s.parse().expect("--idle M"));
    let svg_path = arg("--svg");

    let corpus = llm_tokens();
    let body: &'static [u8] = corpus.bytes.repeat(copies).leak();
    let expected = corpus.events * copies;

    // The streaming server, on its own thread and current-thread runtime.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        runtime().block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            serve_stream(listener, body).await;
        });
    });
    let addr = rx.recv().expect("server address");
    let url = format!("http://{addr}/stream");

    eprintln!(
        "stream: {} bytes, {expected} events ({copies} x llm_tokens); {runs} runs per client",
        body.len()
    );
    let rt = runtime();
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); KINDS.len()];
    // Warm-up, then the runs interleaved (client after client) so that a
    // change in the machine's load falls on every client alike.
    for (kind, name) in KINDS.iter().enumerate() {
        let got = run_on(&rt, kind, receive(kind, &url, expected));
        assert_eq!(got, expected, "{name}: events received");
    }
    for _ in 0..runs {
        for (kind, name) in KINDS.iter().enumerate() {
            let start = Instant::now();
            let got = run_on(&rt, kind, receive(kind, &url, expected));
            let secs = start.elapsed().as_secs_f64();
            assert_eq!(got, expected, "{name}: events received");
            times[kind].push(secs);
        }
    }

    // Memory: the idle server in a child process, one child per client kind.
    let exe = std::env::current_exe().expect("current exe");
    let mut server = Command::new(&exe)
        .arg("--idle-server")
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the idle server");
    let mut port = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut port)
        .expect("port");
    let idle_url = format!("http://127.0.0.1:{}/idle", port.trim());
    let mut memory = Vec::new();
    for (kind, name) in KINDS.iter().enumerate() {
        let out = Command::new(&exe)
            .args([
                "--memory-child",
                &kind.to_string(),
                "--url",
                &idle_url,
                "--idle",
                &idle.to_string(),
            ])
            .output()
            .expect("memory child");
        let per_client = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<f64>()
            .ok();
        if per_client.is_none() {
            eprintln!(
                "{name}: memory run failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        memory.push(per_client.map(|b| b / 1024.0));
    }
    server.kill().expect("stop the idle server");
    let _ = server.wait();
    std::thread::sleep(Duration::from_millis(10));

    let rows: Vec<Row> = KINDS
        .iter()
        .enumerate()
        .map(|(kind, name)| {
            let secs = median(times[kind].clone());
            Row {
                name,
                events_per_s: expected as f64 / secs,
                mb_per_s: body.len() as f64 / secs / 1e6,
                kib_per_client: memory[kind],
            }
        })
        .collect();
    let fastest_peer = rows[FIRST_PEER..]
        .iter()
        .map(|r| r.events_per_s)
        .fold(0.0, f64::max);
    println!("| client | events/s | MB/s | / fastest peer | RSS per idle client (KiB) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for row in &rows {
        let kib = row
            .kib_per_client
            .map_or("failed".to_owned(), |k| format!("{k:.1}"));
        println!(
            "| {} | {:.0} | {:.1} | {:.2}x | {kib} |",
            row.name,
            row.events_per_s,
            row.mb_per_s,
            row.events_per_s / fastest_peer
        );
    }
    println!(
        "\n{expected} events, {} bytes per run, median of {runs} runs; memory: {idle} idle connections per client kind",
        body.len()
    );
    if let Some(path) = svg_path {
        std::fs::write(&path, svg(&rows, fastest_peer)).expect("write the SVG");
        eprintln!("wrote {path}");
    }
}
