//! What the binaries of `sse-interop-tools` share (see their docs:
//! `sse-client-check`, `sse-hub-server`, `sse-delay-relay`).

use std::future::Future;
use std::io;
use std::process::ExitCode;

/// Runs a server's main future on a current-thread tokio runtime: exit 0
/// when it ends, or its error on stderr as `NAME: ERROR` and exit 1 (also
/// when the runtime cannot start).
pub fn run_main(name: &str, main: impl Future<Output = io::Result<()>>) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    match runtime.and_then(|runtime| runtime.block_on(main)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}
