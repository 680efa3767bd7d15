//! The shared scenario suite (`sse_rt::test_util::scenarios`) on async-std.

use sse_async_std::AsyncStdRuntime;

sse_rt::scenario_tests! {
    block_on: async_std::task::block_on,
    runtime: AsyncStdRuntime,
    connect: async_std::net::TcpStream::connect,
    tcp: sse_async_std::tcp_connector,
}

/// `sse_async_std::serve_with` over real TCP, on async-std's executor.
#[test]
fn serve_over_tcp() {
    async_std::task::block_on(sse_rt::test_util::server_scenarios::serve_over_tcp(
        AsyncStdRuntime,
        |handler, shutdown| async move {
            // async-net's listener, from a std one (async-std's own runs on
            // the same reactor).
            let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            let addr = listener.local_addr()?;
            let config = sse_async_std::server::ServeConfig::new();
            let listener = listener.try_into()?;
            Ok((
                addr,
                sse_async_std::serve_with(listener, config, handler, shutdown),
            ))
        },
    ));
}
