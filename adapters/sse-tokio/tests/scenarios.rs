//! The shared scenario suite (`sse_rt::test_util::scenarios`) on tokio.

use std::future::Future;

use sse_tokio::{TokioIo, TokioRuntime};

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

sse_rt::scenario_tests! {
    block_on: block_on,
    runtime: TokioRuntime,
    connect: |addr| async move { tokio::net::TcpStream::connect(addr).await.map(TokioIo::new) },
    tcp: sse_tokio::tcp_connector,
}
