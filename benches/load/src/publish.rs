//! The publisher: `POST`s events over one keep-alive HTTP/1.1 connection at a
//! set rate, up to `window` requests in flight (pipelined), each body made by
//! [`payload::encode`](crate::payload::encode) at the moment it is written.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::payload::{encode, now_us};

/// What to publish and where.
#[derive(Clone, Debug)]
pub struct PublishConfig {
    /// The server's address.
    pub addr: SocketAddr,
    /// The request target (`/publish`, `/publish?event=tick`).
    pub target: String,
    /// How many events.
    pub events: u64,
    /// Events per second (0: as fast as the window allows).
    pub rate: f64,
    /// Data size in bytes (at least the sequence number and time).
    pub size: usize,
    /// Requests in flight at most.
    pub window: usize,
}

/// What the publisher did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PublishStats {
    /// Requests sent.
    pub sent: u64,
    /// Answers with a 2xx status.
    pub ok: u64,
    /// Answers with any other status.
    pub refused: u64,
    /// From the first request written to the last answer read (µs).
    pub elapsed_us: u64,
}

/// Publishes per `config`.
///
/// # Errors
///
/// When the connection fails, or an answer is not HTTP/1.1 with a
/// `content-length` (chunked answers are not read), or the server closes
/// early.
pub async fn publish(config: &PublishConfig) -> std::io::Result<PublishStats> {
    let stream = TcpStream::connect(config.addr).await?;
    stream.set_nodelay(true)?;
    let (mut rd, mut wr) = stream.into_split();
    let window = Arc::new(Semaphore::new(config.window.max(1)));
    let events = config.events;
    let reader = {
        let window = window.clone();
        tokio::spawn(async move {
            let mut buf = Vec::with_capacity(4096);
            let (mut ok, mut refused) = (0u64, 0u64);
            while ok + refused < events {
                let status = read_answer(&mut rd, &mut buf).await?;
                if (200..300).contains(&status) {
                    ok += 1;
                } else {
                    refused += 1;
                }
                window.add_permits(1);
            }
            Ok::<_, std::io::Error>((ok, refused))
        })
    };
    let host = config.addr.to_string();
    let start = tokio::time::Instant::now();
    let start_us = now_us();
    let mut request = Vec::with_capacity(config.size + 256);
    for seq in 0..events {
        // The reader returns a permit per answer; none is ever closed.
        window
            .acquire()
            .await
            .map_err(std::io::Error::other)?
            .forget();
        if config.rate > 0.0 {
            let at = start + Duration::from_secs_f64(seq as f64 / config.rate);
            tokio::time::sleep_until(at).await;
        }
        let data = encode(seq, now_us(), config.size);
        request.clear();
        request.extend_from_slice(
            format!(
                "POST {} HTTP/1.1\r\nhost: {host}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n",
                config.target,
                data.len()
            )
            .as_bytes(),
        );
        request.extend_from_slice(data.as_bytes());
        wr.write_all(&request).await?;
    }
    let (ok, refused) = reader.await.map_err(std::io::Error::other)??;
    Ok(PublishStats {
        sent: events,
        ok,
        refused,
        elapsed_us: now_us().saturating_sub(start_us),
    })
}

/// Reads one answer (head and `content-length` body) off `rd`, keeping any
/// bytes of the next one in `buf`; returns its status.
async fn read_answer(
    rd: &mut (impl AsyncReadExt + Unpin),
    buf: &mut Vec<u8>,
) -> std::io::Result<u16> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut response = httparse::Response::new(&mut headers);
        if let httparse::Status::Complete(head) =
            response.parse(buf).map_err(|_| bad("malformed answer"))?
        {
            let status = response.code.unwrap_or(0);
            let mut len = None;
            for h in response.headers.iter() {
                if h.name.eq_ignore_ascii_case("content-length") {
                    len = std::str::from_utf8(h.value)
                        .ok()
                        .and_then(|v| v.trim().parse::<usize>().ok());
                } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                    return Err(bad("chunked publish answers are not supported"));
                }
            }
            let len = len.ok_or_else(|| bad("publish answer without content-length"))?;
            while buf.len() < head + len {
                fill(rd, buf).await?;
            }
            buf.drain(..head + len);
            return Ok(status);
        }
        if buf.len() > 64 * 1024 {
            return Err(bad("publish answer head over 64 KiB"));
        }
        fill(rd, buf).await?;
    }
}

async fn fill(rd: &mut (impl AsyncReadExt + Unpin), buf: &mut Vec<u8>) -> std::io::Result<()> {
    let mut chunk = [0u8; 4096];
    let n = rd.read(&mut chunk).await?;
    if n == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    buf.extend_from_slice(&chunk[..n]);
    Ok(())
}
