//! `sse-delay-relay --listen IP:PORT --to IP:PORT --delay-ms MS
//! [--jitter-ms MS]`: a TCP relay that delays what it forwards, for the
//! `netns-delay` check of `interop/run` on kernels without `tc netem`.
//!
//! Each accepted connection gets its own connection to `--to`; each
//! direction reads chunks and writes every one out once its delay has
//! passed: `--delay-ms` plus or minus up to `--jitter-ms` (uniform), but never
//! before the chunk ahead of it (one queue per direction, one writer), so
//! the bytes keep their order. The end of
//! the stream (FIN) is delayed like data. At most [`QUEUE`] chunks of
//! [`CHUNK`] bytes wait in each direction; past that the relay stops reading,
//! and TCP's flow control pushes back on the sender. An error on either side
//! closes both connections, as a reset link would.
//!
//! Prints `listening on IP:PORT` once bound (port 0 picks a free one), then
//! `accepted PEER` for each connection; errors go to stderr. Exits 2 on bad
//! usage, 1 when it cannot listen.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use futures_lite::future::try_zip;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The most bytes one read takes.
const CHUNK: usize = 16 * 1024;
/// The most chunks waiting in one direction: at most 1 MiB held per direction.
const QUEUE: usize = 64;
/// The largest `--delay-ms` and `--jitter-ms` (a minute): no arithmetic on
/// times can overflow below it.
const MAX_MS: u64 = 60_000;

/// The settings from the command line.
struct Args {
    listen: String,
    to: String,
    delay: Delay,
}

fn main() -> ExitCode {
    let Some(args) = parse(std::env::args().skip(1)) else {
        eprintln!(
            "usage: sse-delay-relay --listen IP:PORT --to IP:PORT --delay-ms MS [--jitter-ms MS] \
             (MS at most {MAX_MS})"
        );
        return ExitCode::from(2);
    };
    sse_interop_tools::run_main("sse-delay-relay", run(args))
}

fn parse(mut argv: impl Iterator<Item = String>) -> Option<Args> {
    let (mut listen, mut to, mut delay, mut jitter) = (None, None, None, Duration::ZERO);
    while let Some(flag) = argv.next() {
        let value = argv.next()?;
        let ms = || {
            let ms = value.parse::<u64>().ok()?;
            (ms <= MAX_MS).then(|| Duration::from_millis(ms))
        };
        match flag.as_str() {
            "--listen" => listen = Some(value.clone()),
            "--to" => to = Some(value.clone()),
            "--delay-ms" => delay = Some(ms()?),
            "--jitter-ms" => jitter = ms()?,
            _ => return None,
        }
    }
    Some(Args {
        listen: listen?,
        to: to?,
        delay: Delay::new(delay?, jitter, seed()),
    })
}

/// A seed for the jitter: the clock's nanoseconds and the process ID (the
/// jitter needs to vary, not to be unpredictable).
fn seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    u64::from(nanos) << 32 ^ u64::from(std::process::id())
}

async fn run(args: Args) -> io::Result<()> {
    let listener = TcpListener::bind(&args.listen).await?;
    let mut stdout = io::stdout();
    writeln!(stdout, "listening on {}", listener.local_addr()?)?;
    stdout.flush()?;
    let mut delay = args.delay;
    loop {
        let (inbound, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of descriptors, say: that connection is lost, not the relay.
            Err(e) => {
                eprintln!("sse-delay-relay: accept: {e}");
                continue;
            }
        };
        // Logging must not stop the relay (stdout closed, say).
        let _ = writeln!(stdout, "accepted {peer}").and_then(|()| stdout.flush());
        let to = args.to.clone();
        let (up, down) = (delay.fork(), delay.fork());
        tokio::spawn(async move {
            if let Err(e) = relay(inbound, &to, up, down).await {
                eprintln!("sse-delay-relay: {peer}: {e}");
            }
        });
    }
}

/// One connection: `inbound` and its new connection to `to`, each direction
/// delayed; an error on either closes both.
async fn relay(inbound: TcpStream, to: &str, up: Delay, down: Delay) -> io::Result<()> {
    let outbound = TcpStream::connect(to).await?;
    // No Nagle wait on top of the delay.
    inbound.set_nodelay(true)?;
    outbound.set_nodelay(true)?;
    let (in_read, in_write) = inbound.into_split();
    let (out_read, out_write) = outbound.into_split();
    try_zip(
        forward(in_read, out_write, up),
        forward(out_read, in_write, down),
    )
    .await
    .map(drop)
}

/// One direction: what `from` reads is written to `to` once its delay has
/// passed, in order; an empty chunk is the end of the stream, passed on as
/// a shutdown of `to`.
async fn forward(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    mut delay: Delay,
) -> io::Result<()> {
    let (queue, mut chunks) = mpsc::channel::<(Instant, Vec<u8>)>(QUEUE);
    let read = async move {
        let mut buf = vec![0; CHUNK];
        loop {
            let n = from.read(&mut buf).await?;
            let due = Instant::now() + delay.next();
            // The writer is gone only after an error, which it returns.
            if queue.send((due, buf[..n].to_vec())).await.is_err() || n == 0 {
                return Ok(());
            }
        }
    };
    // One queue, one writer: a chunk due before the one ahead of it waits for
    // that one, so the order is kept.
    let write = async move {
        while let Some((due, chunk)) = chunks.recv().await {
            tokio::time::sleep_until(due).await;
            if chunk.is_empty() {
                return to.shutdown().await;
            }
            to.write_all(&chunk).await?;
        }
        Ok(())
    };
    try_zip(read, write).await.map(drop)
}

/// The delay of each chunk: `base` plus or minus up to `jitter`, uniform
/// (xorshift64*), never below zero.
#[derive(Debug, Clone, Copy)]
struct Delay {
    base: Duration,
    jitter: Duration,
    state: u64,
}

impl Delay {
    fn new(base: Duration, jitter: Duration, seed: u64) -> Self {
        // xorshift never leaves 0.
        let state = if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        };
        Self {
            base,
            jitter,
            state,
        }
    }

    /// A delay with its own random sequence, for another direction.
    fn fork(&mut self) -> Self {
        let seed = self.random();
        Self::new(self.base, self.jitter, seed)
    }

    fn random(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// The next chunk's delay.
    fn next(&mut self) -> Duration {
        // At most MAX_MS * 1000 microseconds: no overflow below.
        let jitter = u64::try_from(self.jitter.as_micros()).unwrap_or(0);
        if jitter == 0 {
            return self.base;
        }
        let offset = Duration::from_micros(self.random() % (2 * jitter + 1));
        (self.base + offset).saturating_sub(self.jitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_stay_within_the_jitter_and_vary() {
        let (base, jitter) = (Duration::from_millis(50), Duration::from_millis(20));
        let mut delay = Delay::new(base, jitter, 7);
        let delays: Vec<_> = (0..1000).map(|_| delay.next()).collect();
        let (min, max) = (delays.iter().min().unwrap(), delays.iter().max().unwrap());
        assert!(
            *min >= base - jitter && *max <= base + jitter,
            "{min:?}..{max:?}"
        );
        // Both halves of the range are used.
        assert!(*min < Duration::from_millis(35) && *max > Duration::from_millis(65));
    }

    #[test]
    fn without_jitter_every_delay_is_the_base_and_never_negative() {
        let base = Duration::from_millis(50);
        let mut delay = Delay::new(base, Duration::ZERO, 0);
        assert!((0..100).all(|_| delay.next() == base));
        let mut delay = Delay::new(Duration::from_millis(5), Duration::from_millis(20), 1);
        assert!((0..1000).all(|_| delay.next() <= Duration::from_millis(25)));
    }

    #[test]
    fn usage_is_checked() {
        let args = |s: &str| parse(s.split_whitespace().map(String::from));
        assert!(args("--listen a:1 --to b:2 --delay-ms 50 --jitter-ms 20").is_some());
        assert!(args("--listen a:1 --to b:2").is_none());
        assert!(args("--listen a:1 --to b:2 --delay-ms 60001").is_none());
        assert!(args("--listen a:1 --to b:2 --delay-ms x").is_none());
        assert!(args("--listen a:1 --to b:2 --delay-ms 5 --bogus 1").is_none());
        assert!(args("--listen a:1 --to b:2 --delay-ms").is_none());
    }
}
