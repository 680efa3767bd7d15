//! A bounded queue of frames from the application to one response body.

use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use futures_core::{FusedStream, Stream};
use sse_proto::Frame;

use super::{EncodedFrame, SendError};

/// A bounded queue of frames for one event stream: the [`Sender`] half for the
/// application, the [`Receiver`] half (a `Stream` of [`EncodedFrame`]s) for an
/// [`EventBody`](super::EventBody) or an [`EventSink`](super::EventSink).
///
/// `capacity` frames may wait (at least one). Frames are encoded when sent,
/// so a refused frame is an error at the sender. The receiver ends once every
/// sender is dropped and the queue is empty; dropping the receiver (the
/// client went away) fails every later send with [`SendError::Closed`] and
/// completes [`Sender::closed`].
///
/// [`EventBody::channel`](super::EventBody::channel) makes the pair with the
/// body around the receiver.
///
/// # Examples
///
/// ```
/// use futures_lite::StreamExt;
/// use sse_rt::server::channel;
/// use sse_rt::EventFrame;
///
/// # futures_lite::future::block_on(async {
/// let (tx, mut rx) = channel(16);
/// tx.send(EventFrame::new("hello").with_event_type("greet")).await?;
/// drop(tx);
/// assert_eq!(rx.next().await.unwrap().as_bytes(), b"event: greet\ndata: hello\n\n");
/// assert!(rx.next().await.is_none());
/// # Ok::<(), sse_rt::server::SendError>(())
/// # }).unwrap();
/// ```
pub fn channel(capacity: usize) -> (Sender, Receiver) {
    let chan = Arc::new(Chan {
        state: Mutex::new(State {
            queue: VecDeque::new(),
            capacity: capacity.max(1),
            senders: 1,
            receiver: true,
            recv_waker: None,
            send_wakers: Vec::new(),
        }),
    });
    (Sender { chan: chan.clone() }, Receiver { chan })
}

struct Chan {
    state: Mutex<State>,
}

struct State {
    queue: VecDeque<EncodedFrame>,
    capacity: usize,
    /// Live `Sender`s.
    senders: usize,
    /// The receiver is alive.
    receiver: bool,
    recv_waker: Option<Waker>,
    /// Tasks waiting for room or for the receiver to go (each task once).
    send_wakers: Vec<Waker>,
}

impl Chan {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every critical section leaves the state consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn wait(&mut self, waker: &Waker) {
        if !self.send_wakers.iter().any(|w| w.will_wake(waker)) {
            self.send_wakers.push(waker.clone());
        }
    }
}

/// The sending half of a [`channel`]: clone it for several producers.
///
/// Every method is cheap and takes `&self`; the type is `Send + Sync`.
pub struct Sender {
    chan: Arc<Chan>,
}

impl Sender {
    /// Encodes `frame` now, then waits for room in the queue and queues it.
    ///
    /// # Errors
    ///
    /// [`SendError::Encode`] at once for a frame the encoder refuses;
    /// [`SendError::Closed`] when the receiver is gone (before or while
    /// waiting).
    pub fn send<'a>(
        &self,
        frame: impl Into<Frame<'a>>,
    ) -> impl Future<Output = Result<(), SendError>> + Send + '_ {
        let encoded = EncodedFrame::new(frame);
        async move { self.send_encoded(encoded?).await }
    }

    /// Waits for room in the queue and queues `frame`.
    ///
    /// # Errors
    ///
    /// [`SendError::Closed`] when the receiver is gone.
    pub async fn send_encoded(&self, frame: EncodedFrame) -> Result<(), SendError> {
        let mut frame = Some(frame);
        poll_fn(|cx| {
            let mut state = self.chan.lock();
            if !state.receiver {
                return Poll::Ready(Err(SendError::Closed));
            }
            if state.queue.len() >= state.capacity {
                state.wait(cx.waker());
                return Poll::Pending;
            }
            if let Some(frame) = frame.take() {
                state.queue.push_back(frame);
            }
            let waker = state.recv_waker.take();
            drop(state);
            if let Some(waker) = waker {
                waker.wake();
            }
            Poll::Ready(Ok(()))
        })
        .await
    }

    /// Encodes `frame` and queues it if there is room, without waiting.
    ///
    /// # Errors
    ///
    /// [`SendError::Encode`], [`SendError::Closed`], or [`SendError::Full`]
    /// when `capacity` frames wait.
    pub fn try_send<'a>(&self, frame: impl Into<Frame<'a>>) -> Result<(), SendError> {
        self.try_send_encoded(EncodedFrame::new(frame)?)
    }

    /// Queues `frame` if there is room, without waiting.
    ///
    /// # Errors
    ///
    /// [`SendError::Closed`], or [`SendError::Full`].
    pub fn try_send_encoded(&self, frame: EncodedFrame) -> Result<(), SendError> {
        let mut state = self.chan.lock();
        if !state.receiver {
            return Err(SendError::Closed);
        }
        if state.queue.len() >= state.capacity {
            return Err(SendError::Full);
        }
        state.queue.push_back(frame);
        let waker = state.recv_waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Whether the receiver is gone (the client went away): sends fail from
    /// now on.
    pub fn is_closed(&self) -> bool {
        !self.chan.lock().receiver
    }

    /// Completes when the receiver is gone: the response body was dropped,
    /// so the client went away. Use it to stop producing for a client nobody
    /// listens to any more.
    ///
    /// ```
    /// use sse_rt::server::channel;
    ///
    /// # futures_lite::future::block_on(async {
    /// let (tx, rx) = channel(4);
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # });
    /// ```
    pub fn closed(&self) -> impl Future<Output = ()> + Send + '_ {
        poll_fn(|cx| {
            let mut state = self.chan.lock();
            if state.receiver {
                state.wait(cx.waker());
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        })
    }
}

impl Clone for Sender {
    fn clone(&self) -> Sender {
        self.chan.lock().senders += 1;
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        let mut state = self.chan.lock();
        state.senders -= 1;
        let waker = if state.senders == 0 {
            state.recv_waker.take()
        } else {
            None
        };
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.chan.lock();
        f.debug_struct("Sender")
            .field("queued", &state.queue.len())
            .field("capacity", &state.capacity)
            .field("closed", &!state.receiver)
            .finish()
    }
}

/// The receiving half of a [`channel`]: a `Stream` of the frames sent, ending
/// when every [`Sender`] is gone and the queue is drained. Dropping it closes
/// the channel.
pub struct Receiver {
    chan: Arc<Chan>,
}

impl Stream for Receiver {
    type Item = EncodedFrame;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<EncodedFrame>> {
        let mut state = self.chan.lock();
        if let Some(frame) = state.queue.pop_front() {
            let wakers = std::mem::take(&mut state.send_wakers);
            drop(state);
            wakers.into_iter().for_each(Waker::wake);
            return Poll::Ready(Some(frame));
        }
        if state.senders == 0 {
            return Poll::Ready(None);
        }
        state.recv_waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl FusedStream for Receiver {
    fn is_terminated(&self) -> bool {
        let state = self.chan.lock();
        state.senders == 0 && state.queue.is_empty()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let mut state = self.chan.lock();
        state.receiver = false;
        state.queue.clear();
        state.recv_waker = None;
        let wakers = std::mem::take(&mut state.send_wakers);
        drop(state);
        wakers.into_iter().for_each(Waker::wake);
    }
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.chan.lock();
        f.debug_struct("Receiver")
            .field("queued", &state.queue.len())
            .field("senders", &state.senders)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::pin;
    use std::task::Waker;

    fn poll<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
        f.poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn send_waits_for_room_and_fails_once_closed() {
        let (tx, mut rx) = channel(0); // at least one
        tx.try_send(sse_proto::EventFrame::new("a")).unwrap();
        let mut second = pin!(tx.send(sse_proto::EventFrame::new("b")));
        assert!(poll(second.as_mut()).is_pending());
        let mut cx = Context::from_waker(Waker::noop());
        let first = Pin::new(&mut rx).poll_next(&mut cx);
        assert!(matches!(first, Poll::Ready(Some(f)) if f.as_bytes() == b"data: a\n\n"));
        assert_eq!(poll(second.as_mut()), Poll::Ready(Ok(())));

        let mut third = pin!(tx.send(sse_proto::EventFrame::new("c")));
        assert!(poll(third.as_mut()).is_pending());
        let mut closed = pin!(tx.closed());
        assert!(poll(closed.as_mut()).is_pending());
        drop(rx);
        assert_eq!(poll(third.as_mut()), Poll::Ready(Err(SendError::Closed)));
        assert_eq!(poll(closed.as_mut()), Poll::Ready(()));
        assert!(tx.is_closed());
    }

    #[test]
    fn receiver_ends_after_the_last_sender_and_the_queue() {
        let (tx, mut rx) = channel(4);
        let tx2 = tx.clone();
        tx.try_send(sse_proto::Frame::Comment("x")).unwrap();
        drop(tx);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(matches!(
            Pin::new(&mut rx).poll_next(&mut cx),
            Poll::Ready(Some(_))
        ));
        assert!(Pin::new(&mut rx).poll_next(&mut cx).is_pending());
        assert!(!rx.is_terminated());
        drop(tx2);
        assert!(rx.is_terminated());
        assert_eq!(Pin::new(&mut rx).poll_next(&mut cx), Poll::Ready(None));
    }
}
