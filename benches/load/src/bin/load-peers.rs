//! `load-peers`: the servers `sse-load` is compared on, one per process.
//!
//! ```text
//! load-peers axum-broadcast --addr 127.0.0.1:8081
//! load-peers hub --addr 127.0.0.1:8082
//! ```
//!
//! Both serve `GET /events` and `POST /publish[?event=NAME]`, HTTP/1.1 and
//! h2c on one port, on a multi-threaded tokio runtime; the line
//! `listening on ADDR` on stdout says the port is open.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use sse_load::peers;

#[derive(Clone, Copy, ValueEnum)]
enum Server {
    /// axum's `Sse` over `tokio::sync::broadcast`.
    AxumBroadcast,
    /// Our `Hub` behind axum (`EventBody`).
    Hub,
}

#[derive(Parser)]
#[command(
    name = "load-peers",
    about = "SSE servers for sse-load: /events + POST /publish"
)]
struct Args {
    /// Which server.
    server: Server,
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8081")]
    addr: SocketAddr,
    /// The listen backlog (capped by net.core.somaxconn).
    #[arg(long, default_value_t = 4096)]
    backlog: u32,
    /// Broadcast channel capacity, or the hub's queue per subscriber (events).
    #[arg(long, default_value_t = 1024)]
    capacity: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let router = match args.server {
        Server::AxumBroadcast => peers::axum_broadcast(args.capacity),
        Server::Hub => peers::axum_hub(args.capacity),
    };
    let served = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .and_then(|rt| {
            rt.block_on(async {
                let listener = peers::listener(args.addr, args.backlog)?;
                println!("listening on {}", listener.local_addr()?);
                peers::serve(listener, router).await
            })
        });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load-peers: {e}");
            ExitCode::FAILURE
        }
    }
}
