//! One topic's reader on one node: `XREAD BLOCK` on a dedicated connection
//! from the last entry read, each entry published to the local hub.

use std::sync::Weak;

use redis::AsyncConnectionConfig;
use sse_rt::server::{Hub, PublishError};

use crate::backplane::Shared;
use crate::id::StreamId;
use crate::log;
use crate::rt::Rt;

/// Reads the topic's stream after `last` into `hub` until the backplane is
/// shut down or dropped. A failed connection or read is retried after the
/// backoff, from the last entry read: nothing is skipped or read twice.
pub(crate) async fn run(
    shared: Weak<Shared>,
    hub: Hub,
    topic: Box<str>,
    mut last: StreamId,
    rt: Rt,
) {
    let mut failures = 0u32;
    loop {
        // The backplane is not kept alive by its readers.
        let Some((client, config)) = shared
            .upgrade()
            .filter(|s| !s.is_shut_down())
            .map(|s| (s.client.clone(), s.config.clone()))
        else {
            return;
        };
        if failures > 0 {
            rt.sleep(config.backoff(failures)).await;
        }
        let key = config.key(&topic);
        // Blocking reads: no response timeout.
        let connection_config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(config.connect_timeout()))
            .set_response_timeout(None);
        let mut connection = match client
            .get_multiplexed_async_connection_with_config(&connection_config)
            .await
        {
            Ok(connection) => connection,
            Err(_) => {
                failures = failures.saturating_add(1);
                continue;
            }
        };
        loop {
            let reply = log::xread(&key, last, &config)
                .query_async(&mut connection)
                .await;
            let Some(entries) = reply.ok().and_then(log::read_entries) else {
                failures = failures.saturating_add(1);
                break;
            };
            failures = 0;
            for entry in entries {
                // An entry the encoder refuses is left out (so is it from
                // replays); a duplicate cannot come (reads start after
                // `last`).
                if let Err(PublishError::ShutDown) = hub.publish(&topic, entry.event()) {
                    return;
                }
                last = entry.id;
            }
            if shared.upgrade().is_none_or(|s| s.is_shut_down()) {
                return;
            }
        }
    }
}
