//! A `redis-server` for tests (feature `test-util`): this crate's, the
//! CLI's and the scale-out proof's.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long a server gets to start.
const PATIENCE: Duration = Duration::from_secs(60);

/// A `redis-server` for a test, on 127.0.0.1 (a free port) with its own
/// temporary directory and the append-only file on (`appendfsync always`),
/// killed when dropped (the directory removed).
///
/// # Examples
///
/// ```no_run
/// use sse_redis::test_util::RedisServer;
///
/// let Some(redis) = RedisServer::start("my-test") else {
///     return; // no redis-server here: SKIP printed
/// };
/// let url = redis.url(); // redis://127.0.0.1:PORT
/// ```
pub struct RedisServer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl RedisServer {
    /// Starts one for the test called `test` and waits until it answers;
    /// `None` (after printing `SKIP test`) when there is no `redis-server`
    /// on the `PATH`.
    ///
    /// # Panics
    ///
    /// When there is no `redis-server` but the `SSE_REDIS_TESTS` environment
    /// variable is set (CI sets it, so that it never skips silently), or when
    /// the server does not start within a minute.
    pub fn start(test: &str) -> Option<RedisServer> {
        if Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_err()
        {
            assert!(
                std::env::var_os("SSE_REDIS_TESTS").is_none(),
                "SSE_REDIS_TESTS is set but redis-server is not on the PATH"
            );
            eprintln!("SKIP {test}: no redis-server on the PATH");
            return None;
        }
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        static STARTED: AtomicU32 = AtomicU32::new(0);
        let n = STARTED.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("sse-redis-{test}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let child = spawn(port, &dir);
        let redis = RedisServer { child, port, dir };
        redis.wait_ready();
        Some(redis)
    }

    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills it (`kill -9`: only what the append-only file holds survives).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same port and directory (it loads its
    /// append-only file).
    ///
    /// # Panics
    ///
    /// When it does not start within a minute.
    pub fn restart(&mut self) {
        self.child = spawn(self.port, &self.dir);
        self.wait_ready();
    }

    /// Until it answers `PING` (after loading its file).
    fn wait_ready(&self) {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(mut s) = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)) {
                let mut reply = [0; 7];
                if s.write_all(b"PING\r\n").is_ok()
                    && s.read_exact(&mut reply).is_ok()
                    && &reply == b"+PONG\r\n"
                {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {} did not start", self.port);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn spawn(port: u16, dir: &Path) -> Child {
    Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args([
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
        ])
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server starts")
}
