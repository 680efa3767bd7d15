//! What the client asks the adapter to do.

/// What the adapter must do next; from [`Client::poll_action`](super::Client::poll_action).
///
/// An action owns all it says (nothing borrows the client), so the client can
/// be asked more while matching on it:
///
/// ```
/// use sse_proto::client::{Action, Client, Config, ReadyState};
/// use sse_proto::{Decoder, Instant};
///
/// let mut mem = [0u8; 256];
/// let mut client = Client::with_decoder(Config::replayable(), Decoder::with_buffer(&mut mem), Instant::ZERO);
/// client.close();
/// let done = match client.poll_action() {
///     Some(Action::Connect(_)) => false, // write a request with client.last_event_id()
///     Some(Action::Close(_)) => false,   // drop the connection
///     None if client.ready_state() == ReadyState::Closed => true,
///     None => false, // wait for input or poll_timeout()
/// };
/// assert!(done);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use = "an action is the adapter's to carry out: connect or drop the connection"]
pub enum Action {
    /// Open a connection and send the request (build it with
    /// [`http::Request`](crate::http::Request), sending
    /// [`Client::last_event_id`](super::Client::last_event_id) as
    /// `Last-Event-ID`), then report the response head with
    /// [`Client::handle_response`](super::Client::handle_response).
    Connect(Connect),
    /// Drop the current connection now, for the reason given. Report nothing
    /// more about it: the client has already moved on.
    Close(CloseReason),
}

/// The request to make, from [`Action::Connect`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Connect {
    /// Reconnects scheduled in a row since the last healthy connection: 0 for
    /// the first request, 1 for the first reconnect after a failure, and so on.
    /// A [`restart`](super::Client::restart) does not count.
    pub attempt: u32,
}

/// Why the client asks to drop a connection, from [`Action::Close`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloseReason {
    /// No byte arrived within [`Config::idle_timeout`](super::Config::idle_timeout):
    /// the connection is presumed dead. A replayable client reconnects after the
    /// reconnection time; a one-shot one fails with
    /// [`FailReason::IdleTimeout`](crate::FailReason::IdleTimeout).
    IdleTimeout,
    /// [`Client::restart`](super::Client::restart) was called: a
    /// [`Connect`](Action::Connect) follows at once.
    Restart,
    /// [`Client::close`](super::Client::close) was called: the client is closed
    /// for good.
    Closed,
}
