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

/// `sse_tokio::serve_with` over real TCP.
#[test]
fn serve_over_tcp() {
    block_on(sse_rt::test_util::server_scenarios::serve_over_tcp(
        TokioRuntime,
        |handler, shutdown| async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            let config = sse_tokio::server::ServeConfig::new();
            Ok((
                addr,
                sse_tokio::serve_with(listener, config, handler, shutdown),
            ))
        },
    ));
}
