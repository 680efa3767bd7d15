//! `sse serve`: a demo event-stream server (HTTP/1.1 on sse-rt's own
//! server, HTTP/2 and TLS on hyper, all on one port) around an `sse_rt` hub,
//! or with `--redis` a Redis Streams backplane shared by many nodes:
//! a page at `/`, the stream at `/events` (ticks and published events,
//! resumable), `POST /publish`.

mod deadline;
mod grip;
mod h1;
mod routes;
mod tls;

use std::fmt;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use sse_redis::{RedisBackplane, RedisConfig};
use sse_rt::server::{Backplane, HistoryLimits, Hub, HubConfig, HubIds, PublishError};
use sse_rt::EventFrame;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

use deadline::PrefaceDeadline;
use routes::{State, TOPIC};

/// Options of `sse serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The address to listen on (port 0: a free port; the URL printed on
    /// stderr tells which).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// A `tick` event (JSON data {"n":COUNTER,"unix_ms":TIME}) every this many
    /// milliseconds (up to an hour); 0 turns the ticker off.
    #[arg(long, value_name = "MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(..=3_600_000))]
    tick_ms: u64,
    /// How many events are kept for resuming by Last-Event-ID (at least 1,
    /// and at most 16 MiB of them).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    history: usize,
    /// A keepalive comment on a stream idle for this many seconds (up to a
    /// day); 0: none.
    #[arg(long, value_name = "SECS", default_value_t = 15,
          value_parser = clap::value_parser!(u64).range(..=86_400))]
    keepalive: u64,
    /// The largest POST /publish body, in bytes (a larger one gets 413).
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024)]
    max_publish_bytes: usize,
    /// Threads serving HTTP/1.1 connections (each its own event loop; the
    /// default: one per core).
    #[arg(long, value_name = "N", default_value_t = cores(),
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: u16,
    /// The most connections open at once, over all threads (more wait to be
    /// accepted).
    #[arg(long, value_name = "N", default_value_t = 4096,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_connections: u32,
    /// Close a connection that sends no complete request head for this many
    /// seconds, up to a day (also the time allowed for a publish body).
    #[arg(long, value_name = "SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    request_timeout: u64,
    /// Serve HTTPS (h2 or http/1.1 by ALPN) with a certificate made at start
    /// for localhost, 127.0.0.1, ::1 and the --addr IP (browsers will warn).
    #[arg(long, conflicts_with = "tls_cert")]
    tls_self_signed: bool,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// GRIP mode behind Pushpin: publish every event to Pushpin's publish
    /// endpoint at this URL (e.g. http://127.0.0.1:5561), and answer
    /// /events requests that come through Pushpin (signed with Grip-Sig)
    /// with a hold whose replay comes out of the log (with --redis, on any
    /// node). Listen where only Pushpin can reach the server.
    #[arg(long, value_name = "URL")]
    grip: Option<String>,
    /// Log events in this Redis (redis://HOST:PORT) instead of in memory:
    /// every node started with the same URL serves the same stream, and a
    /// client resumes on any of them by Last-Event-ID (IDs are Redis stream
    /// entry IDs). --history is then each node's local cache.
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// With --redis: about how many events the stream keeps for resuming
    /// (XADD MAXLEN ~).
    #[arg(long, value_name = "N", default_value_t = 100_000, requires = "redis")]
    redis_max_len: u64,
}

/// The bytes held for replay, whatever `--history` says.
const HISTORY_BYTES: usize = 16 << 20;
/// The largest request head (HTTP/1.1 buffer, HTTP/2 header list); larger
/// gets 431.
pub(super) const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Concurrent HTTP/2 streams per connection.
const MAX_STREAMS: u32 = 256;
/// The listen backlog.
const BACKLOG: u32 = 1024;
/// How long the open connections get to finish after SIGINT / SIGTERM.
const GRACE: Duration = Duration::from_secs(5);
/// How soon a client should reconnect when the server shuts down (the last
/// frame of every stream).
const SHUTDOWN_RETRY: Duration = Duration::from_secs(1);
/// HTTP/2 pings on idle connections, to find dead peers.
const H2_KEEPALIVE: Duration = Duration::from_secs(30);

/// Why `sse serve` could not run.
#[derive(Debug)]
pub(crate) enum Error {
    /// Bad options (unreadable TLS files, an invalid certificate): exit 2.
    Usage(String),
    /// The listener or the runtime failed: exit 1.
    Io(io::Error),
}

impl Error {
    /// The process exit code.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::Io(_) => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) => write!(f, "serve: {m}"),
            Error::Io(e) => write!(f, "serve: {e}"),
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

/// Where events are logged: the one-node hub, or Redis. Both shut down the
/// same way.
trait Log: Backplane {
    /// Ends every stream (after what was queued, then the shutdown
    /// `retry:`); no more publishing.
    fn shutdown(&self);
}

impl Log for Hub {
    fn shutdown(&self) {
        Hub::shutdown(self);
    }
}

impl Log for RedisBackplane {
    fn shutdown(&self) {
        RedisBackplane::shutdown(self);
    }
}

/// Serves until SIGINT or SIGTERM, then shuts down gracefully.
pub(crate) fn run(args: Args) -> Result<(), Error> {
    let tls = tls::config(&args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let hub = HubConfig::new()
        .with_history(HistoryLimits::new(args.history, HISTORY_BYTES))
        .with_shutdown_retry(Some(SHUTDOWN_RETRY));
    match &args.redis {
        None => {
            let hub = Hub::new(hub.with_ids(HubIds::Assigned { first: first_id() }));
            runtime.block_on(serve(args, tls, hub))
        }
        Some(url) => {
            let config = RedisConfig::new()
                .with_hub(hub)
                .with_max_len(args.redis_max_len);
            let redis = RedisBackplane::new(url, config)
                .map_err(|e| Error::Usage(format!("--redis {url}: {e}")))?;
            runtime.block_on(serve(args, tls, redis))
        }
    }
}

async fn serve<L: Log>(args: Args, tls: Option<TlsAcceptor>, log: L) -> Result<(), Error> {
    // Registered before the URL is printed: a signal from then on is ours.
    let mut stop = std::pin::pin!(stop_signal()?);
    let listener = bind(args.addr)?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    say(format_args!(
        "listening on {scheme}://{}/ (open it in a browser)",
        shown(addr)
    ));

    let keepalive = Duration::from_secs(args.keepalive);
    // Started before the first event, so that it forwards every one.
    let (grip, forwarder) = match &args.grip {
        Some(url) => {
            let (hold, task) = grip::start(url, &log, keepalive)?;
            (Some(hold), Some(task))
        }
        None => (None, None),
    };
    let ticker = (args.tick_ms > 0).then(|| {
        let every = Duration::from_millis(args.tick_ms);
        tokio::spawn(tick(log.clone(), every))
    });
    let request_timeout = Duration::from_secs(args.request_timeout);
    let state = Arc::new(State {
        log: log.clone(),
        keepalive,
        max_publish_bytes: args.max_publish_bytes,
        body_timeout: request_timeout,
        grip,
    });
    let (h1, h1_running) = h1::start(&state, request_timeout, usize::from(args.threads))?;
    let h1 = Arc::new(h1);
    let connection = Arc::new(Connection {
        builder: builder(request_timeout),
        state,
        tls,
        request_timeout,
    });
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(args.max_connections as usize));
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit,
            () = &mut stop => break,
        };
        // The semaphore is never closed.
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        match accepted {
            Ok((stream, _)) => {
                let connection = connection.clone();
                let watcher = graceful.watcher();
                let h1 = h1.clone();
                tokio::spawn(async move {
                    // Each event goes out at once, not after the next one.
                    let _ = stream.set_nodelay(true);
                    if connection.tls.is_none() {
                        match h1::version(&stream, connection.request_timeout).await {
                            // Served, and the permit released, by the
                            // HTTP/1.1 server (dropped if it has stopped).
                            h1::Version::Http1 => {
                                h1.hand(stream, permit);
                                return;
                            }
                            h1::Version::Gone => return,
                            h1::Version::Http2 => {}
                        }
                    }
                    connection.serve(stream, watcher).await;
                    drop(permit);
                });
            }
            // Out of file descriptors, say: wait instead of spinning.
            Err(e) => {
                say(format_args!("accept: {e}"));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }

    drop(listener);
    drop(h1);
    log.shutdown();
    let h1_ended = h1_running.stop();
    if let Some(ticker) = ticker {
        ticker.abort();
    }
    let ended = async {
        tokio::join!(graceful.shutdown(), h1_ended);
        // It posts what is left, then ends (the log is shut down).
        if let Some(forwarder) = forwarder {
            let _ = forwarder.await;
        }
    };
    if tokio::time::timeout(GRACE, ended).await.is_err() {
        say(format_args!(
            "connections still open after {} s, closed",
            GRACE.as_secs()
        ));
    }
    Ok(())
}

/// The default `--threads`: the cores this process may use.
fn cores() -> u16 {
    std::thread::available_parallelism()
        .map_or(1, |n| u16::try_from(n.get()).unwrap_or(1024).min(1024))
}

/// A line on stderr, never a panic when stderr is gone (a closed pipe).
fn say(line: fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr(), "sse serve: {line}");
}

/// A listener on `addr` with `SO_REUSEADDR` (a restart binds again at once)
/// and a backlog of [`BACKLOG`].
fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// The address to print: an unspecified IP (listening everywhere) shows as
/// 127.0.0.1, which a browser on this machine can open.
fn shown(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
    } else {
        addr
    }
}

/// The first event ID: the start time in milliseconds times 1000, so that an
/// ID from an earlier run is older than this run's history (a gap), never
/// taken for one of this run's events.
fn first_id() -> u64 {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    u64::try_from(ms)
        .unwrap_or(u64::MAX / 2)
        .saturating_mul(1000)
}

/// Resolves on the first SIGINT or SIGTERM (Ctrl-C elsewhere).
fn stop_signal() -> io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// Publishes a `tick` event every `every` until the log shuts down (a tick
/// that Redis could not take is skipped).
async fn tick<L: Log>(log: L, every: Duration) {
    let start = tokio::time::Instant::now() + every;
    let mut interval = tokio::time::interval_at(start, every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    for n in 1u64.. {
        interval.tick().await;
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let data = format!("{{\"n\":{n},\"unix_ms\":{unix_ms}}}");
        let tick = EventFrame::new(&data).with_event_type("tick");
        if let Err(PublishError::ShutDown) = log.publish(TOPIC, tick).await {
            break;
        }
    }
}

/// The HTTP/1.1 + HTTP/2 connection builder, with the limits.
fn builder(request_timeout: Duration) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(request_timeout)
        .max_buf_size(MAX_HEAD_BYTES);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(MAX_HEAD_BYTES as u32)
        .max_concurrent_streams(MAX_STREAMS)
        .keep_alive_interval(H2_KEEPALIVE);
    builder
}

/// What every connection needs.
struct Connection<L> {
    builder: auto::Builder<TokioExecutor>,
    state: Arc<State<L>>,
    tls: Option<TlsAcceptor>,
    request_timeout: Duration,
}

impl<L: Log> Connection<L> {
    /// Serves one accepted connection on hyper (h2c; with TLS, either
    /// version after the handshake) until it closes or the graceful shutdown
    /// ends it.
    async fn serve(&self, stream: TcpStream, watcher: Watcher) {
        match &self.tls {
            None => self.http(stream, watcher).await,
            Some(acceptor) => {
                let handshake = acceptor.accept(stream);
                if let Ok(Ok(stream)) = tokio::time::timeout(self.request_timeout, handshake).await
                {
                    self.http(stream, watcher).await;
                }
            }
        }
    }

    async fn http<I>(&self, io: I, watcher: Watcher)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let io = TokioIo::new(PrefaceDeadline::new(io, self.request_timeout));
        let state = self.state.clone();
        let service = hyper::service::service_fn(move |request| {
            let state = state.clone();
            async move { Ok::<_, std::convert::Infallible>(state.handle(request).await) }
        });
        let connection = self.builder.serve_connection(io, service);
        // A connection error (a reset, a bad request answered already) ends
        // only this connection.
        let _ = watcher.watch(connection.into_owned()).await;
    }
}
