//! tokio-specific glue: `TokioIo`'s write half and `TokioRuntime` on tokio's
//! paused clock.

use std::future::poll_fn;
use std::pin::Pin;
use std::time::Duration;

use futures_io::AsyncWrite;
use sse_rt::test_util::scenarios::{timer_deadlines, TIMER_SCENARIO_WAIT};
use sse_tokio::{Runtime, TokioIo, TokioRuntime};
use tokio::io::AsyncReadExt;

fn runtime(paused: bool) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(paused)
        .build()
        .expect("a tokio runtime")
}

#[test]
fn writes_flush_and_close_reach_the_tokio_side() {
    runtime(false).block_on(async {
        let (ours, mut theirs) = tokio::io::duplex(8);
        let mut ours = TokioIo::new(ours);
        let mut sent = 0;
        let message = b"data: through the compat wrapper\n\n";
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            theirs.read_to_end(&mut got).await.map(|_| got)
        });
        while sent < message.len() {
            sent += poll_fn(|cx| Pin::new(&mut ours).poll_write(cx, &message[sent..]))
                .await
                .unwrap();
        }
        poll_fn(|cx| Pin::new(&mut ours).poll_flush(cx))
            .await
            .unwrap();
        // `poll_close` is tokio's `poll_shutdown`: the other side sees the end.
        poll_fn(|cx| Pin::new(&mut ours).poll_close(cx))
            .await
            .unwrap();
        assert_eq!(reader.await.unwrap().unwrap(), message);
    });
}

#[test]
fn tokio_paused_time_drives_the_runtime() {
    let rt = runtime(true);
    let start = rt.block_on(async { TokioRuntime.now() });
    rt.block_on(timer_deadlines(&TokioRuntime));
    let waited = rt.block_on(async { TokioRuntime.now() }) - start;
    // Auto-advanced, not slept: tokio rounds each deadline up to its 1 ms tick.
    assert!(waited >= TIMER_SCENARIO_WAIT, "{waited:?}");
    assert!(
        waited <= TIMER_SCENARIO_WAIT + Duration::from_millis(10),
        "{waited:?}"
    );
}
