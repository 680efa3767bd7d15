//! The shared scenario suite (`sse_rt::test_util::scenarios`) on smol's
//! reactor.

use sse_smol::SmolRuntime;

sse_rt::scenario_tests! {
    block_on: async_io::block_on,
    runtime: SmolRuntime,
    connect: async_net::TcpStream::connect,
    tcp: sse_smol::tcp_connector,
}

/// `sse_smol::serve_with` over real TCP.
#[test]
fn serve_over_tcp() {
    async_io::block_on(sse_rt::test_util::server_scenarios::serve_over_tcp(
        SmolRuntime,
        |handler, shutdown| async move {
            let listener = async_net::TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            let config = sse_smol::server::ServeConfig::new();
            Ok((
                addr,
                sse_smol::serve_with(listener, config, handler, shutdown),
            ))
        },
    ));
}
