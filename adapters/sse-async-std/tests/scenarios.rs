//! The shared scenario suite (`sse_rt::test_util::scenarios`) on async-std.

use sse_async_std::AsyncStdRuntime;

sse_rt::scenario_tests! {
    block_on: async_std::task::block_on,
    runtime: AsyncStdRuntime,
    connect: async_std::net::TcpStream::connect,
    tcp: sse_async_std::tcp_connector,
}
