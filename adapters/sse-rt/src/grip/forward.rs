//! The forwarder: one per topic per node, publishing the topic's events to
//! Pushpin in log order.

use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use sse_proto::client::Backoff;
use sse_proto::server::LastEventId;
use sse_proto::{Decoder, Item as Decoded};

use super::{GripError, Item, Publisher};
use crate::server::{Backplane, BackplaneStream, Ended, Start, SubscribeError};
use crate::Runtime;

/// The bytes of events taken from the subscription for one round of posts.
const MAX_BATCH_BYTES: usize = 256 * 1024;
/// The most content bytes in one post (Pushpin refuses bodies over its
/// `push_in_http_max_body_size`, 1 MB by default; JSON escaping adds a bit).
const MAX_POST_BYTES: usize = 256 * 1024;
/// The first retry delay after a failed post; doubling up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_millis(100);
/// The longest wait between two tries of the same post.
const MAX_RETRY: Duration = Duration::from_secs(10);

/// Publishes every event of a topic of a [`Backplane`] to the Pushpin
/// channel of the same name, in log order, one item per event with its `id` and `prev-id` (the
/// event before it in the log), so that Pushpin keeps the order and finds a
/// missing item, and so that the items of several nodes forwarding the same
/// log are identical (Pushpin drops the copies by ID).
///
/// Run one per topic per node ([`run`](Forwarder::run) on any executor);
/// publishers never wait for it, and concurrent publishers cannot reorder
/// what it posts. It reads the backplane's live stream: with the node's
/// [`Hub`](crate::server::Hub), the events published on this node; with a
/// shared log (`sse-redis`), every node's, so that each node posts the same
/// items (same IDs, same `prev-id`s), and Pushpin drops the copies.
///
/// # What happens when Pushpin is unreachable
///
/// Nothing is dropped silently. A failed post is reported to
/// [`on_error`](Forwarder::on_error) and tried again, the same items in the
/// same order, after 100 ms doubling up to 10 s, for as long as it takes.
/// Meanwhile new events wait in the forwarder's subscription, a queue of the
/// hub's capacity; when it overflows, the backplane disconnects the
/// subscription ([`LagPolicy`](crate::server::LagPolicy)), and the forwarder
/// resubscribes after the last event it posted, so the events come back
/// from the log (the hub's history, or the shared log). Memory stays bounded
/// by the queue and the history. If Pushpin stays away longer than the log
/// holds, the events in between are never posted: [`GripError::Gap`] is
/// reported, and the backplane's [`GapPolicy`](crate::server::GapPolicy)
/// applies (under `Notify`, the `gap` event goes to Pushpin ahead of the
/// events still held). Pushpin's clients then see a `prev-id` they did not
/// expect and Pushpin recovers them through the hold's next link. The same
/// gap is reported when the backplane shuts down while the forwarder is
/// resubscribing: what was not posted then is left to the other nodes.
///
/// A post Pushpin refuses (a `4xx`, for example an event larger than its
/// body limit) is retried like any failure and reported each time.
pub struct Forwarder<B> {
    log: B,
    topic: String,
    publisher: Publisher,
    runtime: Arc<dyn Runtime>,
    on_error: Box<dyn FnMut(&GripError) + Send>,
}

impl<B: Backplane> Forwarder<B> {
    /// A forwarder of `topic` of `log` through `publisher`, timing its
    /// retries on `runtime`; failures are ignored until
    /// [`on_error`](Forwarder::on_error) says what to do with them.
    pub fn new(log: B, topic: &str, publisher: Publisher, runtime: impl Runtime) -> Forwarder<B> {
        Forwarder {
            log,
            topic: topic.to_owned(),
            publisher,
            runtime: Arc::new(runtime),
            on_error: Box::new(|_| {}),
        }
    }

    /// Calls `report` with each failed post and each gap (to log them; the
    /// forwarder carries on by itself).
    #[must_use]
    pub fn on_error(mut self, report: impl FnMut(&GripError) + Send + 'static) -> Forwarder<B> {
        self.on_error = Box::new(report);
        self
    }

    /// Forwards until the backplane shuts down and everything its stream
    /// held is posted. Start it before the first publish to forward
    /// everything (otherwise the first item's `prev-id` is where the
    /// backplane's stream started: the topic's last event).
    pub async fn run(mut self) {
        // The last event posted: where a new subscription resumes.
        let mut posted: Option<String> = None;
        // Failed subscriptions in a row (the log unreachable).
        let mut failures = 0u32;
        loop {
            let after = posted
                .as_deref()
                .map_or(LastEventId::Absent, LastEventId::Id);
            let subscription = match self.log.subscribe(&self.topic, after).await {
                Ok(subscription) => subscription,
                Err(SubscribeError::ShutDown) => {
                    // Shut down while resubscribing after a lag: what
                    // followed `posted` was not posted.
                    if let Some(after) = posted {
                        (self.on_error)(&GripError::Gap { after });
                    }
                    return;
                }
                Err(e @ SubscribeError::Unavailable(_)) => {
                    // Tried again after the backoff, from the same ID.
                    (self.on_error)(&GripError::Subscribe(e));
                    self.pause(&mut failures).await;
                    continue;
                }
                Err(_) => {
                    // The log cannot resume it (GapPolicy::Refuse), or
                    // cannot be reached: go on live, and say so.
                    (self.on_error)(&GripError::Gap {
                        after: posted.take().unwrap_or_default(),
                    });
                    continue;
                }
            };
            failures = 0;
            if matches!(subscription.start(), Start::Gap | Start::Unknown) {
                (self.on_error)(&GripError::Gap {
                    after: posted.clone().unwrap_or_default(),
                });
            }
            let prev = posted
                .take()
                .or_else(|| subscription.last_event_id().map(str::to_owned));
            let (last, ended) = self.forward(subscription, prev).await;
            posted = last;
            if ended == Some(Ended::ShutDown) {
                return;
            }
        }
    }

    /// Posts what `subscription` yields until it ends; the last ID posted
    /// (or `prev` when none) and why it ended.
    async fn forward(
        &mut self,
        mut subscription: B::Stream,
        mut prev: Option<String>,
    ) -> (Option<String>, Option<Ended>) {
        let mut decoder = Decoder::new();
        // Bytes before the next event with an ID (a `gap` notice).
        let mut pending = String::new();
        while let Some(batch) = next_batch(&mut subscription).await {
            prev = self
                .post_batch(&mut decoder, &mut pending, &batch, prev)
                .await;
        }
        (prev, subscription.ended())
    }

    /// Posts the events of `batch` (frames, after `pending`) that follow
    /// `prev`, in runs of at most [`MAX_POST_BYTES`]; the last ID posted.
    async fn post_batch(
        &mut self,
        decoder: &mut Decoder<Vec<u8>>,
        pending: &mut String,
        batch: &[u8],
        mut prev: Option<String>,
    ) -> Option<String> {
        let topic = self.topic.clone();
        let items = split(decoder, pending, batch, prev.as_deref());
        for chunk in chunks(&items) {
            let posts: Vec<Item<'_>> = chunk
                .iter()
                .scan(prev.as_deref(), |prev_id, (content, id)| {
                    let item = Item {
                        channel: &topic,
                        id,
                        prev_id: *prev_id,
                        content,
                    };
                    *prev_id = Some(id);
                    Some(item)
                })
                .collect();
            self.post(&posts).await;
            if let Some((_, id)) = chunk.last() {
                prev = Some(id.clone());
            }
        }
        prev
    }

    /// Posts `items` until Pushpin takes them.
    async fn post(&mut self, items: &[Item<'_>]) {
        let mut failures = 0u32;
        while let Err(e) = self.publisher.post(items).await {
            (self.on_error)(&e);
            self.pause(&mut failures).await;
        }
    }

    /// Waits before the next try after `failures` failures in a row (100 ms
    /// doubling up to [`MAX_RETRY`]), and counts this one.
    async fn pause(&mut self, failures: &mut u32) {
        let backoff = Backoff::Exponential {
            max: MAX_RETRY,
            jitter: false,
        };
        let delay = backoff.max_delay(FIRST_RETRY, *failures);
        *failures = failures.saturating_add(1);
        let mut timer = self.runtime.new_timer(self.runtime.now() + delay);
        poll_fn(|cx| timer.as_mut().poll(cx)).await;
    }
}

/// The frames `subscription` has: waits for one, then takes those ready at
/// once, up to [`MAX_BATCH_BYTES`]. `None` when it ended.
async fn next_batch<S: BackplaneStream>(subscription: &mut S) -> Option<Vec<u8>> {
    let mut batch = Vec::new();
    poll_fn(|cx| loop {
        match Pin::new(&mut *subscription).poll_next(cx) {
            Poll::Ready(Some(frame)) => {
                batch.extend_from_slice(frame.as_bytes());
                if batch.len() >= MAX_BATCH_BYTES {
                    return Poll::Ready(Some(()));
                }
            }
            Poll::Ready(None) if batch.is_empty() => return Poll::Ready(None),
            Poll::Pending if batch.is_empty() => return Poll::Pending,
            Poll::Ready(None) | Poll::Pending => return Poll::Ready(Some(())),
        }
    })
    .await?;
    Some(batch)
}

/// `batch` cut into items: each the text up to and including an event with
/// an ID other than the one before (`prev` for the first), with that ID,
/// after what `pending` held. What follows the last such event stays in
/// `pending`. The core's decoder reads the IDs.
fn split(
    decoder: &mut Decoder<Vec<u8>>,
    pending: &mut String,
    batch: &[u8],
    prev: Option<&str>,
) -> Vec<(String, String)> {
    // The hub's frames come from the encoder: UTF-8.
    pending.push_str(&String::from_utf8_lossy(batch));
    let text = std::mem::take(pending);
    let mut items = Vec::new();
    let (mut start, mut at) = (0, 0);
    while at < text.len() {
        let Ok(step) = decoder.decode(&text.as_bytes()[at..]) else {
            // Over the decoder's limits: cannot happen for the encoder's
            // frames within the hub's; the bytes go with the next item.
            break;
        };
        let event = matches!(step.item, Some(Decoded::Event(_)));
        let consumed = step.consumed;
        at += consumed;
        if event {
            let id = decoder.last_event_id();
            let last = items.last().map(|(_, id): &(String, String)| id.as_str());
            if !id.is_empty() && Some(id) != last.or(prev) {
                items.push((text[start..at].to_owned(), id.to_owned()));
                start = at;
            }
        } else if consumed == 0 {
            break;
        }
    }
    pending.push_str(&text[start..]);
    items
}

/// `items` in runs of at most [`MAX_POST_BYTES`] of content (at least one
/// item each).
fn chunks(items: &[(String, String)]) -> Vec<&[(String, String)]> {
    let mut runs = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (n, (content, _)) in items.iter().enumerate() {
        if n > start && bytes + content.len() > MAX_POST_BYTES {
            runs.push(&items[start..n]);
            (start, bytes) = (n, 0);
        }
        bytes += content.len();
    }
    if start < items.len() {
        runs.push(&items[start..]);
    }
    runs
}

impl<B> fmt::Debug for Forwarder<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Forwarder")
            .field("topic", &self.topic)
            .field("publisher", &self.publisher)
            .finish_non_exhaustive()
    }
}
