//! tokio's I/O traits seen as futures-io's.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use pin_project_lite::pin_project;
use tokio::io::ReadBuf;

pin_project! {
    /// A tokio [`AsyncRead`](tokio::io::AsyncRead)/[`AsyncWrite`](tokio::io::AsyncWrite)
    /// (a `TcpStream`, a TLS stream, a `DuplexStream`) as a futures-io
    /// [`AsyncRead`](futures_io::AsyncRead)/[`AsyncWrite`](futures_io::AsyncWrite),
    /// which is what `sse-rt` reads and writes.
    ///
    /// Reads hand tokio a [`ReadBuf`] over the caller's (initialized) buffer,
    /// so no byte is copied and nothing is `unsafe`; `poll_close` is tokio's
    /// `poll_shutdown`. hyper-util's `TokioIo` and async-tungstenite's
    /// `TokioAdapter` do the same job.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_lite::StreamExt;
    /// use sse_tokio::{DecodeReader, ItemOwned, TokioIo};
    /// use tokio::io::AsyncWriteExt;
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (client, mut server) = tokio::io::duplex(64);
    /// server.write_all(b"data: over tokio\n\n").await.unwrap();
    /// drop(server);
    /// let mut events = DecodeReader::new(TokioIo::new(client));
    /// let Some(Ok(ItemOwned::Event(event))) = events.next().await else { panic!() };
    /// assert_eq!(event.data, "over tokio");
    /// # });
    /// ```
    #[derive(Debug)]
    pub struct TokioIo<T> {
        #[pin]
        inner: T,
    }
}

impl<T> TokioIo<T> {
    /// Wraps a tokio I/O object.
    pub const fn new(inner: T) -> Self {
        TokioIo { inner }
    }

    /// The wrapped object.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The wrapped object, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the object.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: tokio::io::AsyncRead> futures_io::AsyncRead for TokioIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut buf = ReadBuf::new(buf);
        ready!(self.project().inner.poll_read(cx, &mut buf))?;
        Poll::Ready(Ok(buf.filled().len()))
    }
}

impl<T: tokio::io::AsyncWrite> futures_io::AsyncWrite for TokioIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_shutdown(cx)
    }
}
