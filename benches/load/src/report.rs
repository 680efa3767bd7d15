//! The report: a markdown table and an SVG chart from the summaries of a run
//! (one JSON object per file, as `sse-load --json` writes them).

use std::fmt::Write;

use serde_json::Value;

fn num(v: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_f64()
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn fmt_num(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.digits$}"))
}

/// `value (ratio)` where the ratio is `theirs / ours` for lower-is-better
/// numbers (latency, memory, CPU) and `ours / theirs` otherwise: above 1
/// when ours does better.
fn with_ratio(
    x: Option<f64>,
    ours: Option<f64>,
    lower_better: bool,
    digits: usize,
    is_ours: bool,
) -> String {
    let base = fmt_num(x, digits);
    match (x, ours) {
        (Some(x), Some(o)) if !is_ours && x > 0.0 && o > 0.0 => {
            let r = if lower_better { x / o } else { o / x };
            format!("{base} ({r:.2}x)")
        }
        _ => base,
    }
}

/// The p99 latency (ms) a sweep step may reach and still pass.
const SUSTAINED_P99_MS: f64 = 1000.0;

/// Whether a run (a sweep step) sustained its rate: every connection held,
/// nothing lost, p99 under 1 s, and the publisher kept at least 90 % of the
/// rate (a server slow to answer the publish requests holds the publisher
/// back, which would hide the backlog from the latencies).
pub fn sustained(r: &Value) -> bool {
    num(r, &["held"]) == num(r, &["conns"])
        && num(r, &["lost"]) == Some(0.0)
        && num(r, &["latency_ms", "p99"]).is_some_and(|p| p < SUSTAINED_P99_MS)
        && match (num(r, &["publish_rate"]), num(r, &["rate"])) {
            (Some(kept), Some(rate)) => kept >= 0.9 * rate,
            _ => false,
        }
}

/// The sweep's verdict (summaries whose workload starts with `sweep`), one
/// line per server: the highest rate that passed, the first that did not
/// and why, and in brackets ours (`reference`) against it.
fn sweep(results: &[Value], reference: &str) -> String {
    let steps: Vec<&Value> = results
        .iter()
        .filter(|r| text(r, "workload").starts_with("sweep"))
        .collect();
    let mut servers: Vec<&str> = Vec::new();
    for r in &steps {
        if !servers.contains(&text(r, "label")) {
            servers.push(text(r, "label"));
        }
    }
    let best = |server: &str| {
        steps
            .iter()
            .filter(|r| text(r, "label") == server && sustained(r))
            .filter_map(|r| num(r, &["rate"]))
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))))
    };
    let ours = best(reference);
    let mut out = String::new();
    if servers.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nHighest sustainable rate (p99 under {SUSTAINED_P99_MS:.0} ms, nothing lost, every connection held, \
         at least 90 % of the rate published):\n\n\
         | server | highest rate passed (ev/s) | first rate failed | its p99 ms | its lost | its held / conns | its publish rate |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for server in servers {
        let failed = steps
            .iter()
            .filter(|r| text(r, "label") == server && !sustained(r))
            .min_by(|a, b| {
                let rate = |r: &Value| num(r, &["rate"]).unwrap_or(f64::MAX);
                rate(a).total_cmp(&rate(b))
            });
        let field = |path: &[&str], digits| fmt_num(failed.and_then(|r| num(r, path)), digits);
        let _ = writeln!(
            out,
            "| {server} | {} | {} | {} | {} | {} / {} | {} |",
            with_ratio(best(server), ours, false, 0, server == reference),
            field(&["rate"], 0),
            field(&["latency_ms", "p99"], 1),
            field(&["lost"], 0),
            field(&["held"], 0),
            field(&["conns"], 0),
            field(&["publish_rate"], 0),
        );
    }
    out
}

/// The markdown table: one row per summary, grouped by workload in the order
/// given; in brackets ours (the `reference` server of the same workload)
/// against that row's server, above 1 when ours does better. After it, the
/// sweep's verdict (the highest sustainable rate per server) when the
/// summaries have sweep steps.
pub fn markdown(results: &[Value], reference: &str) -> String {
    let mut out = String::from(
        "| workload | server | held / conns | events | lost | dup | p50 ms | p99 ms | max ms | delivered/s | per conn/s | RSS/conn B | server CPU ms | tool CPU ms |\n\
         | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for r in results {
        let workload = text(r, "workload");
        let server = text(r, "label");
        let ours = results
            .iter()
            .find(|o| text(o, "workload") == workload && text(o, "label") == reference);
        let is_ours = server == reference;
        let col = |path: &[&str], lower: bool, digits: usize| {
            with_ratio(
                num(r, path),
                ours.and_then(|o| num(o, path)),
                lower,
                digits,
                is_ours,
            )
        };
        let _ = writeln!(
            out,
            "| {workload} | {server} | {} / {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            fmt_num(num(r, &["held"]), 0),
            fmt_num(num(r, &["conns"]), 0),
            fmt_num(num(r, &["events"]), 0),
            fmt_num(num(r, &["lost"]), 0),
            fmt_num(num(r, &["duplicates"]), 0),
            col(&["latency_ms", "p50"], true, 1),
            col(&["latency_ms", "p99"], true, 1),
            col(&["latency_ms", "max"], true, 1),
            col(&["delivered_per_s"], false, 0),
            col(&["per_conn_events_per_s"], false, 0),
            col(&["rss_per_conn_bytes"], true, 0),
            col(&["cpu_ms", "server"], true, 0),
            fmt_num(num(r, &["cpu_ms", "tool"]), 0),
        );
    }
    out.push_str(&sweep(results, reference));
    out
}

const PALETTE: [&str; 6] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
];

/// One panel of horizontal bars: for each workload, a bar per server, the
/// length on a log scale of 1 + value.
fn panel(
    out: &mut String,
    y0: f64,
    title: &str,
    unit: &str,
    rows: &[(String, String, f64)],
    servers: &[String],
) -> f64 {
    let (left, width, bar) = (190.0, 520.0, 14.0);
    let max = rows
        .iter()
        .map(|r| r.2)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let _ = writeln!(
        out,
        r#"<text x="10" y="{:.0}" font-weight="bold">{title} ({unit}, log scale)</text>"#,
        y0 + 16.0
    );
    let mut y = y0 + 28.0;
    let mut workloads: Vec<&str> = Vec::new();
    for (w, _, _) in rows {
        if !workloads.contains(&w.as_str()) {
            workloads.push(w);
        }
    }
    for w in workloads {
        let _ = writeln!(out, r#"<text x="10" y="{:.0}">{w}</text>"#, y + 11.0);
        for (_, s, v) in rows.iter().filter(|r| r.0 == w) {
            let color = PALETTE[servers.iter().position(|x| x == s).unwrap_or(0) % PALETTE.len()];
            // Log scale: the values of one panel span orders of magnitude.
            let len = ((1.0 + v).log10() / (1.0 + max).log10() * width).max(1.0);
            let _ = writeln!(
                out,
                r#"<rect x="{left}" y="{y:.0}" width="{len:.1}" height="{bar}" fill="{color}"/><text x="{:.1}" y="{:.0}" font-size="11">{s}: {v:.1}</text>"#,
                left + len + 4.0,
                y + 11.0
            );
            y += bar + 3.0;
        }
        y += 6.0;
    }
    y
}

/// The chart's panels: workload name prefix, title, unit, summary field.
const PANELS: [(&str, &str, &str, &[&str]); 5] = [
    (
        "broadcast",
        "broadcast: p99 delivery latency",
        "ms, lower is better",
        &["latency_ms", "p99"],
    ),
    (
        "llm",
        "LLM stream: tokens per second per client",
        "higher is better",
        &["per_conn_events_per_s"],
    ),
    (
        "idle",
        "idle: server memory per connection",
        "bytes, lower is better",
        &["rss_per_conn_bytes"],
    ),
    (
        "h2",
        "HTTP/2: p99 delivery latency",
        "ms, lower is better",
        &["latency_ms", "p99"],
    ),
    (
        "sweep",
        "rate sweep at 10,000 subscribers: p99 delivery latency",
        "ms, lower is better",
        &["latency_ms", "p99"],
    ),
];

/// An SVG chart: p99 latency of the broadcast runs, events per second per
/// connection of the LLM-stream runs, and memory per idle connection, a bar
/// per server.
pub fn svg(results: &[Value]) -> String {
    let mut servers: Vec<String> = Vec::new();
    for r in results {
        let s = text(r, "label").to_owned();
        if !servers.contains(&s) {
            servers.push(s);
        }
    }
    let pick = |prefix: &str, path: &[&str]| -> Vec<(String, String, f64)> {
        results
            .iter()
            .filter(|r| text(r, "workload").starts_with(prefix))
            .filter_map(|r| {
                Some((
                    text(r, "workload").to_owned(),
                    text(r, "label").to_owned(),
                    num(r, path)?,
                ))
            })
            .collect()
    };
    let mut body = String::new();
    let mut y = 0.0;
    for (prefix, title, unit, path) in PANELS {
        y = panel(&mut body, y, title, unit, &pick(prefix, path), &servers);
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"{:.0}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{body}</svg>\n",
        y + 10.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_ratios_and_chart() {
        let ours = json!({"workload": "broadcast-10", "label": "hub", "held": 10, "conns": 10,
            "events": 5, "lost": 0, "duplicates": 0, "latency_ms": {"p50": 1.0, "p99": 2.0, "max": 3.0},
            "delivered_per_s": 100.0, "rss_per_conn_bytes": 1000.0, "cpu_ms": {"server": 10, "tool": 5}});
        let theirs = json!({"workload": "broadcast-10", "label": "axum", "held": 10, "conns": 10,
            "events": 5, "lost": 3, "duplicates": 0, "latency_ms": {"p50": 2.0, "p99": 8.0, "max": 9.0},
            "delivered_per_s": 50.0, "rss_per_conn_bytes": null, "cpu_ms": {"server": 20, "tool": 5}});
        let table = markdown(&[ours.clone(), theirs.clone()], "hub");
        let axum_row = table.lines().find(|l| l.contains("| axum |")).unwrap();
        assert!(axum_row.contains("| 8.0 (4.00x) |"), "{axum_row}");
        assert!(axum_row.contains("| 50 (2.00x) |"), "{axum_row}");
        assert!(axum_row.contains("| 3 |"), "{axum_row}");
        let hub_row = table.lines().find(|l| l.contains("| hub |")).unwrap();
        assert!(hub_row.contains("| 2.0 |"), "{hub_row}");
        let chart = svg(&[ours, theirs]);
        assert!(chart.starts_with("<svg"));
        assert_eq!(chart.matches("<rect x=").count(), 2);
    }

    fn step(label: &str, rate: u32, p99: f64, lost: u32, held: u32) -> Value {
        json!({"workload": format!("sweep-{rate}"), "label": label, "rate": rate,
            "publish_rate": rate, "held": held, "conns": 10, "lost": lost,
            "latency_ms": {"p99": p99}})
    }

    #[test]
    fn sweep_verdict_is_the_highest_rate_passed_and_the_first_failed() {
        let steps = [
            step("hub", 10, 5.0, 0, 10),
            step("axum", 10, 7.0, 0, 10),
            step("hub", 100, 900.0, 0, 10),
            // Fails by losses, by latency, by a connection dropped.
            step("axum", 100, 20.0, 2, 10),
            step("hub", 200, 1500.0, 0, 10),
            step("hub", 400, 10.0, 0, 9),
            // The publisher held back to 80 %.
            json!({"workload": "sweep-1000", "label": "axum", "rate": 1000, "publish_rate": 800,
                "held": 10, "conns": 10, "lost": 0, "latency_ms": {"p99": 5.0}}),
        ];
        let table = markdown(&steps, "hub");
        let row = |s: &str| {
            let prefix = format!("| {s} | ");
            table
                .lines()
                .find(|l| l.starts_with(&prefix))
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            row("hub"),
            "| hub | 100 | 200 | 1500.0 | 0 | 10 / 10 | 200 |"
        );
        assert_eq!(
            row("axum"),
            "| axum | 10 (10.00x) | 100 | 20.0 | 2 | 10 / 10 | 100 |"
        );
        assert!(!sustained(&steps[6]));
        assert!(sustained(&steps[0]));
        assert!(markdown(&steps[..1], "hub").contains("| hub | 10 | - |"));
        assert!(!markdown(&[], "hub").contains("sustainable"));
    }
}
