//! The `sse decode` binary end to end: stdin in, JSON Lines out, exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn sse(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sse"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sse");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn example_stream_decodes_identically_at_every_chunk_size() {
    let body = include_bytes!("../../examples/llm-stream.txt");
    let whole = sse(&["decode"], body);
    assert!(whole.status.success());
    let text = String::from_utf8(whole.stdout.clone()).unwrap();
    assert_eq!(text.lines().count(), 17, "{text}");
    assert!(text.contains(r#"{"type":"event","event":"tool_use","data":"{\"name\":\"search\",\n \"input\":{\"q\":\"sse\"}}","id":"msg-1"}"#));
    assert!(text.ends_with(
        "{\"type\":\"event\",\"event\":\"message\",\"data\":\"[DONE]\",\"id\":\"msg-1-end\"}\n"
    ));
    for n in ["1", "2", "5", "16", "4096"] {
        let out = sse(&["decode", "--chunk-size", n], body);
        assert!(out.status.success());
        assert_eq!(out.stdout, whole.stdout, "chunk size {n}");
    }
}

#[test]
fn limit_error_exits_2_with_message_on_stderr() {
    let out = sse(
        &["decode", "--max-event-len", "4"],
        b"data: ok\n\ndata: toolong\n\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\"type\":\"event\",\"event\":\"message\",\"data\":\"ok\",\"id\":\"\"}\n"
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "sse: decode: event data exceeds 4 bytes (at byte offset 23)\n"
    );
}

#[test]
fn zero_chunk_size_is_refused() {
    let out = sse(&["decode", "--chunk-size", "0"], b"");
    assert!(!out.status.success());
}
