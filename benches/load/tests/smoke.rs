//! Smoke test of the tool: a tiny run against each in-process peer, checking
//! the counts, that the latency fields are there, and that nothing is lost.

use std::process::Command;

use serde_json::Value;
use sse_load::peers;

fn serve(router: axum::Router) -> std::net::SocketAddr {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(async { peers::listener("127.0.0.1:0".parse().unwrap(), 1024) })
        .unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || rt.block_on(peers::serve(listener, router)));
    addr
}

fn load(addr: std::net::SocketAddr, extra: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_sse-load"))
        .arg("run")
        .args(["--url", &format!("http://{addr}/events")])
        .args(["--publish", &format!("http://{addr}/publish")])
        .args(["--conns", "20", "--procs", "2", "--sources", "2"])
        .args([
            "--events", "50", "--rate", "1000", "--window", "4", "--event", "tick",
        ])
        .args(["--drain", "5", "--ramp-timeout", "30", "--json", "--quiet"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "sse-load failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn check(summary: &Value) {
    let n = |k: &str| {
        summary[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{k} in {summary}"))
    };
    assert_eq!(n("opened"), 20, "{summary}");
    assert_eq!(n("held"), 20, "{summary}");
    assert_eq!(n("errors"), 0, "{summary}");
    assert_eq!(n("events"), 50, "{summary}");
    assert_eq!(n("publish_refused"), 0, "{summary}");
    assert_eq!(n("expected"), 1000, "{summary}");
    assert_eq!(n("received"), 1000, "{summary}");
    assert_eq!(n("lost"), 0, "{summary}");
    assert_eq!(n("duplicates"), 0, "{summary}");
    assert_eq!(n("foreign"), 0, "{summary}");
    let latency = &summary["latency_ms"];
    for q in ["p50", "p90", "p99", "max"] {
        assert!(latency[q].as_f64().is_some(), "{q} in {summary}");
    }
    assert!(latency["p50"].as_f64() <= latency["max"].as_f64());
    assert!(summary["delivered_per_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn hub_over_http1_and_h2() {
    let addr = serve(peers::axum_hub(1024));
    check(&load(addr, &[]));
    let h2 = load(addr, &["--h2", "2"]);
    check(&h2);
    assert_eq!(h2["http"], "h2c");
}

#[test]
fn axum_broadcast() {
    let addr = serve(peers::axum_broadcast(1024));
    let raw = load(addr, &["--raw"]);
    check(&raw);
    assert_eq!(raw["reader"], "raw");
}
