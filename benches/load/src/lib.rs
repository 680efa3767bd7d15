//! Load and latency harness for SSE servers.
//!
//! `sse-load` opens many subscriber connections to `GET /events` (spread over
//! worker processes and 127.0.0.x source addresses), publishes numbered,
//! timestamped events through `POST /publish` at a set rate, and reports the
//! delivery latency percentiles, the delivery rate, connections held, errors,
//! events lost and duplicated (per connection, by sequence number), and the
//! server's memory per connection and CPU time. `load-peers` serves the same
//! workload with axum + `tokio::sync::broadcast` and with our `Hub` behind
//! axum. See `benches/README.md`, "Load and latency".
//!
//! The summary (`--json`) has these fields: `label`, `conns`, `opened`,
//! `held_after_ramp`, `held` (at the end), `errors`, `reconnects`, `events`
//! (published), `publish_refused`, `publish_rate`, `expected` (events ×
//! connections opened), `received`, `lost`, `duplicates`, `out_of_order`,
//! `latency_ms` (`p50`, `p90`, `p99`, `max`), `delivered_per_s`,
//! `per_conn_events_per_s`, `server_rss_kib` (`before`, `after`),
//! `rss_per_conn_bytes`, `cpu_ms` (`server`, `tool`: during publishing and
//! draining).

pub mod hist;
pub mod payload;
pub mod peers;
pub mod probe;
pub mod publish;
pub mod report;
pub mod run;
pub mod worker;
