//! Runs the client timeline vectors of `vectors/client/*.json` (schema in
//! `vectors/client/README.md`): one named test per vector, a virtual clock, and
//! after every step the actions, deadline and state compared with the vector.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use sse_proto::client::{
    Accepted, Action, Backoff, Client, CloseReason, Config, ReadyState, ResponseError,
};
use sse_proto::{FailReason, Instant, Item, StreamEnd};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/client")
}

fn millis(v: &Value, what: &str) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("{what}: expected milliseconds, got {v}"))
}

fn opt_millis(v: Option<&Value>) -> Option<Duration> {
    v.filter(|v| !v.is_null())
        .map(|v| Duration::from_millis(millis(v, "duration")))
}

fn config(v: &Value) -> Config {
    let mut config = match v["mode"].as_str() {
        Some("replayable") | None => Config::replayable(),
        Some("one_shot") => Config::one_shot(),
        Some(other) => panic!("unknown mode {other}"),
    };
    if let Some(d) = opt_millis(v.get("reconnect_ms")) {
        config.reconnect_time = d;
    }
    if let Some(b) = v.get("backoff").filter(|b| !b.is_null()) {
        config.backoff = Backoff::Exponential {
            max: Duration::from_millis(millis(&b["max_ms"], "backoff.max_ms")),
            jitter: b["jitter"].as_bool().unwrap_or(false),
        };
    }
    config.retry_budget = v
        .get("retry_budget")
        .and_then(Value::as_u64)
        .map(|n| n as u32);
    config.idle_timeout = opt_millis(v.get("idle_timeout_ms"));
    if let Some(d) = opt_millis(v.get("healthy_after_ms")) {
        config.healthy_after = d;
    }
    config.seed = v.get("seed").and_then(Value::as_u64).unwrap_or(0);
    if let Some(n) = v.get("max_redirects").and_then(Value::as_u64) {
        config.max_redirects = n as u32;
    }
    config
}

fn fail_name(r: FailReason) -> String {
    match r {
        FailReason::Status { status } => format!("status:{status}"),
        FailReason::NoContent => "no_content".into(),
        FailReason::ContentType => "content_type".into(),
        FailReason::RetryBudget { retries } => format!("retry_budget:{retries}"),
        FailReason::Interrupted => "interrupted".into(),
        FailReason::IdleTimeout { millis } => format!("idle_timeout:{millis}"),
        FailReason::Closed => "closed".into(),
        FailReason::TooManyRedirects { limit } => format!("too_many_redirects:{limit}"),
        other => panic!("fail reason {other:?} has no vector name yet"),
    }
}

fn close_name(r: CloseReason) -> &'static str {
    match r {
        CloseReason::IdleTimeout => "close:idle_timeout",
        CloseReason::Restart => "close:restart",
        CloseReason::Closed => "close:closed",
        other => panic!("close reason {other:?} has no vector name yet"),
    }
}

fn state_name(s: ReadyState) -> &'static str {
    match s {
        ReadyState::Connecting => "connecting",
        ReadyState::Open => "open",
        ReadyState::Closed => "closed",
    }
}

fn end_name(e: StreamEnd) -> &'static str {
    match e {
        StreamEnd::Clean => "clean",
        StreamEnd::Truncated => "truncated",
    }
}

/// Runs one vector; panics with the step number on the first difference.
fn run(name: &str) {
    let path = dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let vector: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        vector["provenance"].is_string(),
        "{name}: provenance missing"
    );
    let cfg = &vector["config"];
    let mut client = Client::new(config(cfg), Instant::ZERO);
    if let Some(id) = cfg.get("last_event_id").and_then(Value::as_str) {
        client = client.with_last_event_id(id).expect("a valid id");
    }
    let steps = vector["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: steps missing"));
    for (i, step) in steps.iter().enumerate() {
        let at = |what: &str| format!("{name}, step {i} ({what})");
        let now = Instant::from_millis(millis(&step["t"], "t"));
        let mut items = Vec::new();
        if let Some(r) = step.get("response") {
            let status = r["status"].as_u64().expect("status") as u16;
            let ct = r.get("content_type").and_then(Value::as_str);
            let got = match client.handle_response(now, status, ct.map(str::as_bytes)) {
                Ok(Accepted::Open) => "ok".to_string(),
                Ok(Accepted::Redirect(r)) => format!("redirect:{}", r.status),
                Err(ResponseError::Failed(reason)) => fail_name(reason),
                Err(ResponseError::Unexpected) => "unexpected".to_string(),
                Err(other) => panic!("response error {other:?} has no vector name yet"),
            };
            assert_eq!(
                Some(got.as_str()),
                step["result"].as_str(),
                "{}",
                at("result")
            );
        } else if let Some(bytes) = step.get("bytes") {
            let bytes = bytes.as_str().expect("bytes is a string");
            let mut feed = client.handle_bytes(now, bytes.as_bytes());
            while let Some(item) = feed.next_item() {
                items.push(match item {
                    Ok(Item::Event(e)) => serde_json::json!({"event": {
                        "type": e.event_type(), "data": e.data(), "id": e.last_event_id()}}),
                    Ok(Item::Comment(c)) => serde_json::json!({ "comment": c }),
                    Ok(Item::Retry(d)) => serde_json::json!({ "retry": d.as_millis() as u64 }),
                    Ok(other) => serde_json::json!({ "unknown": format!("{other:?}") }),
                    Err(e) => serde_json::json!({ "error": e.to_string() }),
                });
            }
        } else if let Some(framing) = step.get("end") {
            let framing = match framing.as_str() {
                Some("clean") => StreamEnd::Clean,
                Some("truncated") => StreamEnd::Truncated,
                other => panic!(
                    "{}: end must be clean or truncated, got {other:?}",
                    at("end")
                ),
            };
            let got = client.handle_end(now, framing);
            assert_eq!(
                Some(end_name(got)),
                step["result"].as_str(),
                "{}",
                at("end result")
            );
        } else if step.get("error").is_some() {
            client.handle_error(now);
        } else if step.get("timeout").is_some() {
            client.handle_timeout(now);
        } else if step.get("close").is_some() {
            client.close();
        } else if step.get("restart").is_some() {
            client.restart(now);
        }
        if let Some(expected) = step.get("items") {
            assert_eq!(&Value::Array(items), expected, "{}", at("items"));
        } else {
            assert!(
                items.is_empty(),
                "{}: unexpected items {items:?}",
                at("items")
            );
        }
        let mut actions = Vec::new();
        while let Some(action) = client.poll_action() {
            assert!(
                actions.len() < 2,
                "{}: more than a Close and a Connect",
                at("actions")
            );
            actions.push(match action {
                Action::Connect(c) => serde_json::json!({"connect": {
                    "last_event_id": client.last_event_id(), "attempt": c.attempt}}),
                Action::Close(reason) => Value::String(close_name(reason).into()),
            });
        }
        let no_actions = Value::Array(Vec::new());
        assert_eq!(
            &Value::Array(actions),
            step.get("actions").unwrap_or(&no_actions),
            "{}",
            at("actions")
        );
        if let Some(state) = step.get("state") {
            assert_eq!(
                Some(state_name(client.ready_state())),
                state.as_str(),
                "{}",
                at("state")
            );
        }
        if let Some(expected) = step.get("poll_timeout") {
            let got = client.poll_timeout().map(Instant::as_millis);
            assert_eq!(got, expected.as_u64(), "{}", at("poll_timeout"));
        }
        if let Some(range) = step.get("poll_timeout_between") {
            let got = client
                .poll_timeout()
                .map(Instant::as_millis)
                .expect("a deadline");
            let (lo, hi) = (millis(&range[0], "low"), millis(&range[1], "high"));
            assert!(
                (lo..=hi).contains(&got),
                "{}: {got} not in [{lo}, {hi}]",
                at("poll_timeout_between")
            );
        }
        if let Some(expected) = step.get("fail_reason") {
            let got = client.fail_reason().map(fail_name);
            assert_eq!(got.as_deref(), expected.as_str(), "{}", at("fail_reason"));
        }
        if let Some(expected) = step.get("reconnection_ms") {
            let got = client.reconnection_time().as_millis() as u64;
            assert_eq!(Some(got), expected.as_u64(), "{}", at("reconnection_ms"));
        }
    }
}

macro_rules! vectors {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run(stringify!($name));
            }
        )*

        /// Every vector file has a test, and every test a file.
        #[test]
        fn every_vector_is_listed() {
            let listed: &[&str] = &[$(stringify!($name)),*];
            let mut files: Vec<String> = std::fs::read_dir(dir())
                .expect("vectors/client exists")
                .filter_map(|e| {
                    let name = e.ok()?.file_name().into_string().ok()?;
                    name.strip_suffix(".json").map(str::to_owned)
                })
                .collect();
            files.sort();
            let mut listed: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
            listed.sort();
            assert_eq!(files, listed);
        }
    };
}

vectors!(
    open_and_reconnect,
    retry_field_overrides,
    no_content_stops,
    error_status_fails,
    wrong_content_type_fails,
    content_type_parameters_and_case,
    last_event_id_across_reconnects,
    exponential_backoff_bounds,
    jitter_bounds,
    healthy_after_open_duration,
    idle_timeout_reconnects,
    retry_budget_exhausted,
    one_shot_clean_end,
    one_shot_truncated_event,
    one_shot_chunked_truncated,
    network_error_before_head,
    close_by_caller,
    retry_zero_still_backs_off,
    redirect_followed,
    too_many_redirects,
    response_without_connect_is_unexpected,
    restart_reconnects_at_once,
);
