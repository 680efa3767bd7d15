//! A deadline on a connection's first bytes.
//!
//! hyper-util's `auto` builder reads up to 24 bytes to tell an HTTP/2
//! preface from an HTTP/1.1 request before hyper's own `header_read_timeout`
//! starts; a client that connects and sends nothing (or half a preface)
//! would hold the connection forever. [`PrefaceDeadline`] fails the reads
//! once the deadline passes, until the bytes read tell the versions apart.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// The HTTP/2 client connection preface (RFC 9113 §3.4).
pub(super) const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// An I/O object whose reads fail with [`io::ErrorKind::TimedOut`] when the
/// first bytes do not come within a deadline: until a byte differs from the
/// HTTP/2 preface (an HTTP/1.1 request: hyper's header timeout takes over)
/// or the whole preface is read (HTTP/2). Writes pass through.
pub(super) struct PrefaceDeadline<I> {
    io: I,
    /// `None` once the version is told.
    sleep: Option<Pin<Box<Sleep>>>,
    /// How many preface bytes were read so far.
    matched: usize,
}

impl<I> PrefaceDeadline<I> {
    /// `io` with `timeout` from now for its first bytes.
    pub(super) fn new(io: I, timeout: Duration) -> PrefaceDeadline<I> {
        PrefaceDeadline {
            io,
            sleep: Some(Box::pin(tokio::time::sleep(timeout))),
            matched: 0,
        }
    }

    /// Follows the preface through `read`; disarms the deadline once the
    /// version is told.
    fn observe(&mut self, read: &[u8]) {
        for &byte in read {
            if H2_PREFACE.get(self.matched) != Some(&byte) {
                self.sleep = None;
                return;
            }
            self.matched += 1;
        }
        if self.matched == H2_PREFACE.len() {
            self.sleep = None;
        }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for PrefaceDeadline<I> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if this.sleep.is_some() {
                    this.observe(&buf.filled()[before..]);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let expired = this
                    .sleep
                    .as_mut()
                    .is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready());
                if expired {
                    let e = io::Error::new(io::ErrorKind::TimedOut, "no request in time");
                    return Poll::Ready(Err(e));
                }
                Poll::Pending
            }
        }
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for PrefaceDeadline<I> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const TIMEOUT: Duration = Duration::from_secs(10);

    fn paused() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
    }

    /// Whether a read fails (rather than waits) once `sent` was read and the
    /// deadline passed.
    async fn fails_after(sent: &[u8]) -> bool {
        let (mut client, server) = tokio::io::duplex(64);
        let mut io = PrefaceDeadline::new(server, TIMEOUT);
        client.write_all(sent).await.unwrap();
        let mut buf = [0u8; 64];
        let mut total = 0;
        while total < sent.len() {
            total += io.read(&mut buf[total..]).await.unwrap();
        }
        match tokio::time::timeout(TIMEOUT * 3, io.read(&mut buf)).await {
            Ok(Err(e)) => e.kind() == io::ErrorKind::TimedOut,
            Ok(Ok(n)) => panic!("read {n} bytes from nowhere"),
            Err(_still_waiting) => false,
        }
    }

    #[test]
    fn silence_or_half_a_preface_times_out() {
        paused().block_on(async {
            assert!(fails_after(b"").await);
            assert!(fails_after(b"P").await);
            assert!(fails_after(&H2_PREFACE[..10]).await);
        });
    }

    #[test]
    fn an_http1_byte_or_the_whole_preface_disarm_it() {
        paused().block_on(async {
            assert!(!fails_after(b"PO").await);
            assert!(!fails_after(b"G").await);
            assert!(!fails_after(H2_PREFACE).await);
        });
    }
}
