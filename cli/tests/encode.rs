//! `sse encode` as a process: stdout, stderr and the exit code.

use std::io::Write;
use std::process::{Command, Stdio};

fn sse_encode(input: &str) -> (String, String, Option<i32>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sse"))
        .arg("encode")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sse runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(input.as_bytes())
        .expect("stdin open");
    let out = child.wait_with_output().expect("sse exits");
    (
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
        out.status.code(),
    )
}

#[test]
fn writes_the_stream_and_exits_zero() {
    let (stdout, stderr, code) = sse_encode(concat!(
        r#"{"type":"event","event":"delta","data":"hi","id":"1"}"#,
        "\n",
        r#"{"type":"comment","text":" keepalive"}"#,
        "\n",
    ));
    assert_eq!(stdout, "event: delta\nid: 1\ndata: hi\n\n: keepalive\n\n");
    assert_eq!(stderr, "");
    assert_eq!(code, Some(0));
}

#[test]
fn refused_line_exits_two_with_its_number() {
    let (stdout, stderr, code) = sse_encode(concat!(
        r#"{"type":"event","data":"ok"}"#,
        "\n",
        r#"{"type":"event","data":"x","event":"a\rb"}"#,
        "\n",
        r#"{"type":"event","data":"never"}"#,
        "\n",
    ));
    assert_eq!(stdout, "data: ok\n\n");
    assert_eq!(
        stderr,
        "sse: line 2: refused: invalid byte 0x0d at offset 1 of the event field\n"
    );
    assert_eq!(code, Some(2));
}
