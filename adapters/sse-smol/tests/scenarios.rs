//! The shared scenario suite (`sse_rt::test_util::scenarios`) on smol's
//! reactor.

use sse_smol::SmolRuntime;

sse_rt::scenario_tests! {
    block_on: async_io::block_on,
    runtime: SmolRuntime,
    connect: async_net::TcpStream::connect,
    tcp: sse_smol::tcp_connector,
}
