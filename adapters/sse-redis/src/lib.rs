//! Server-Sent Events across many server nodes: [`RedisBackplane`], an
//! [`sse_rt::server::Backplane`] on Redis Streams.
//!
//! Behind a load balancer, a client that reconnects lands on another node,
//! which must resume it from its `Last-Event-ID`. Pub/sub alone cannot (what
//! was published while the client was away is gone); an ordered, shared log
//! can. Each topic is a Redis stream; an event's SSE `id` is its entry ID
//! (`1700000000000-0`), which every node can resume from.
//!
//! | step | Redis | on each node |
//! | --- | --- | --- |
//! | publish | `XADD key MAXLEN ~ N * data ...` (and `XTRIM MINID ~` by age) | the entry ID is the event's `id` |
//! | live | one `XREAD BLOCK` per topic on a dedicated connection | a local [`Hub`](sse_rt::server::Hub) fans out to the node's subscribers, each event encoded once |
//! | resume | `XRANGE` after the client's ID, when the local hub no longer holds it | replay, then live from the hub, no gap or duplicate at the seam |
//! | gap | `XINFO STREAM`: something after the ID was trimmed, or the ID was never given | the hub config's [`GapPolicy`](sse_rt::server::GapPolicy) |
//!
//! Routes written against the [`Backplane`](sse_rt::server::Backplane)
//! trait serve from a [`Hub`](sse_rt::server::Hub) on one node and from
//! Redis on many, unchanged (`sse serve --redis redis://127.0.0.1:6379` is
//! one).
//!
//! # Example
//!
//! ```no_run
//! use futures_lite::StreamExt;
//! use sse_redis::{RedisBackplane, RedisConfig};
//! use sse_rt::server::{Backplane, BackplaneStream, LastEventId};
//! use sse_rt::EventFrame;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let node_a = RedisBackplane::new("redis://127.0.0.1:6379", RedisConfig::new())?;
//! let node_b = RedisBackplane::new("redis://127.0.0.1:6379", RedisConfig::new())?;
//!
//! let first = node_a.publish("news", EventFrame::new("one")).await?;
//! node_a.publish("news", EventFrame::new("two")).await?;
//!
//! // The client saw "one" on node A; it reconnects to node B.
//! let mut stream = node_b.subscribe("news", LastEventId::Id(&first.id)).await?;
//! let frame = stream.next().await.unwrap(); // "two", from Redis
//! assert!(frame.as_bytes().ends_with(b"data: two\n\n"));
//! println!("resume from {:?} next time", stream.last_event_id());
//! # Ok(())
//! # }
//! ```
//!
//! Serve a stream as any other: `EventBody::new(stream, runtime)` (sse-rt).
//!
//! # Behind Pushpin
//!
//! With sse-rt's feature `grip`, the hold and the forwarder take the
//! backplane: a hold's replay comes out of Redis on whichever node Pushpin
//! asks (`subscribe` resolves with the whole replay ready), and every node's
//! `sse_rt::grip::Forwarder` posts every event of the log with
//! its entry ID and the one before it (`prev-id`), so the nodes post
//! identical items and Pushpin keeps one of each (`sse serve --redis R
//! --grip P` is this).
//!
//! ```no_run
//! use sse_redis::{RedisBackplane, RedisConfig};
//! use sse_rt::grip::Hold;
//! use sse_rt::server::LastEventId;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let node = RedisBackplane::new("redis://127.0.0.1:6379", RedisConfig::new())?;
//! let hold = Hold::new("news").next_link("/events");
//! // A request through Pushpin with `Last-Event-ID: 1700000000000-0`: the
//! // events after it, out of Redis; the `prev-id` is the last of them.
//! let response = hold
//!     .respond(&node, LastEventId::Id("1700000000000-0"), http::Version::HTTP_11)
//!     .await?;
//! assert_eq!(response.headers()["grip-hold"], "stream");
//! # Ok(())
//! # }
//! ```
//!
//! # Crate features
//!
//! | feature | enables | default |
//! | --- | --- | --- |
//! | `tokio` | readers as tokio tasks, redis on tokio (`redis/tokio-comp`) | yes |
//! | `smol` | readers as smol tasks, redis on smol (`redis/smol-comp`) | no |
//! | `test-util` | `test_util::RedisServer`: a `redis-server` started for a test; for tests only | no |
//!
//! One of the two is needed. With both, a backplane used inside a tokio
//! runtime runs on tokio, elsewhere on smol (the redis crate's own rule).
//!
//! # Testing
//!
//! `tests/redis.rs` starts a `redis-server` on 127.0.0.1 (a free port, a
//! temporary directory) and runs sse-rt's backplane contract against it,
//! across two nodes, and through Redis going down and coming back. Without
//! `redis-server` on the `PATH` those tests print `SKIP` and pass, unless
//! `SSE_REDIS_TESTS` is set (CI sets it), where they fail.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod backplane;
mod config;
mod id;
mod log;
mod reader;
mod rt;
mod stream;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

pub use backplane::RedisBackplane;
pub use config::RedisConfig;
pub use stream::RedisStream;
