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

/// The markdown table: one row per summary, grouped by workload in the order
/// given; in brackets ours (the `reference` server of the same workload)
/// against that row's server, above 1 when ours does better.
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
const PANELS: [(&str, &str, &str, &[&str]); 4] = [
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
}
