//! Turns the last `cargo bench -p sse-benches` run into the README's Markdown
//! tables: median MB/s per decoder and corpus, and how many times faster our
//! decoder is than each (`ours / theirs`; below 1 means the other is faster).
//!
//! ```text
//! cargo run -p sse-benches --features peers --bin report [-- target/criterion [CHART.svg]]
//! ```
//!
//! It reads criterion's `<group>/<bench>/new/{benchmark,estimates}.json` files.
//! With a second argument, it also writes a bar chart of the decode table (MB/s
//! per corpus for ours, every peer and the floors, log scale) as SVG.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

/// Our decoder's bench name in every `decode/*` group.
const OURS: &str = "sse-proto";

/// One bench result: group, bench name, bytes per iteration, median ns.
struct Row {
    group: String,
    bench: String,
    mb_per_s: f64,
}

fn read_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// Reads `dir/<group>/<bench>/new/*.json` for every bench that has them.
fn load(dir: &Path) -> std::io::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for group in std::fs::read_dir(dir)? {
        let group = group?.path();
        if !group.is_dir() {
            continue;
        }
        for bench in std::fs::read_dir(&group)? {
            let new = bench?.path().join("new");
            let (Some(meta), Some(est)) = (
                read_json(&new.join("benchmark.json")),
                read_json(&new.join("estimates.json")),
            ) else {
                continue;
            };
            let bytes = meta["throughput"]["Bytes"].as_f64();
            let median_ns = est["median"]["point_estimate"].as_f64();
            let (Some(bytes), Some(ns), Some(g), Some(b)) = (
                bytes,
                median_ns,
                meta["group_id"].as_str(),
                meta["function_id"].as_str(),
            ) else {
                continue;
            };
            rows.push(Row {
                group: g.to_string(),
                bench: b.to_string(),
                // bytes per ns * 1e9 / 1e6 = MB/s
                mb_per_s: bytes / ns * 1e3,
            });
        }
    }
    Ok(rows)
}

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/criterion"), PathBuf::from);
    let chart = std::env::args_os().nth(2).map(PathBuf::from);
    let rows = match load(&dir) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("cannot read {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    // group -> bench -> MB/s
    let mut table: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    for row in &rows {
        table
            .entry(&row.group)
            .or_default()
            .insert(&row.bench, row.mb_per_s);
    }
    let corpora: Vec<&str> = sse_benches::corpora()
        .iter()
        .map(|c| c.name)
        .filter(|name| table.contains_key(format!("decode/{name}").as_str()))
        .collect();
    let mut decoders = vec![OURS.to_string(), "sse-proto (comments passed over)".into()];
    decoders.extend(sse_benches::peers::ALL.iter().map(|p| p.name.to_string()));
    decoders.push("memchr-floor".into());
    decoders.push("memchr+copy-floor".into());

    println!("| corpus | bytes | events | comments |");
    println!("| --- | ---: | ---: | ---: |");
    for c in sse_benches::corpora() {
        println!(
            "| {} | {} | {} | {} |",
            c.name,
            c.bytes.len(),
            c.events,
            c.comments
        );
    }
    println!("\nMedian throughput in MB/s (10^6 bytes/s); in brackets, ours / theirs.\n");
    print!("| decoder |");
    for name in &corpora {
        print!(" {name} |");
    }
    println!();
    print!("| --- |");
    for _ in &corpora {
        print!(" ---: |");
    }
    println!();
    for decoder in &decoders {
        print!("| {decoder} |");
        for name in &corpora {
            let group = &table[format!("decode/{name}").as_str()];
            match (group.get(decoder.as_str()), group.get(OURS)) {
                (Some(theirs), Some(ours)) if decoder != OURS => {
                    print!(" {theirs:.0} ({:.2}x) |", ours / theirs);
                }
                (Some(theirs), _) => print!(" {theirs:.0} |"),
                (None, _) => print!(" n/a |"),
            }
        }
        println!();
    }
    if let Some(path) = chart {
        let svg = bar_chart(&table, &corpora, &decoders);
        if let Err(e) = std::fs::write(&path, svg) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    for (group, benches) in &table {
        if group.starts_with("decode/") {
            continue;
        }
        println!("\n{group}:");
        for (bench, mb) in benches {
            println!("- {bench}: {mb:.1} MB/s");
        }
    }
    ExitCode::SUCCESS
}

/// Bar colours: ours first (blue shades), the peers (greys and muted hues),
/// the floors (green), in the order of `decoders`.
const COLOURS: &[&str] = &[
    "#1a4e8a", "#5b9bd5", "#e07b39", "#8e6c8a", "#b0b0b0", "#c9a227", "#7f7f7f", "#a05a5a",
    "#4d4d4d", "#3c9d5d", "#8fd19e",
];

/// A horizontal grouped bar chart of `table`'s decode groups: one group of bars
/// per corpus, one bar per decoder that ran on it, on a log10 MB/s axis (the
/// corpora span three orders of magnitude).
fn bar_chart(
    table: &BTreeMap<&str, BTreeMap<&str, f64>>,
    corpora: &[&str],
    decoders: &[String],
) -> String {
    let (left, right, top, bar, gap) = (130.0, 980.0, 60.0, 7.0, 12.0);
    let (lo, hi) = (1.0_f64, 5.0_f64); // 10 MB/s .. 100,000 MB/s
    let x = |mb: f64| left + (mb.max(10.0).log10() - lo) / (hi - lo) * (right - left);
    let mut body = String::new();
    let mut y = top;
    for corpus in corpora {
        let group = &table[format!("decode/{corpus}").as_str()];
        let bars: Vec<(usize, f64)> = decoders
            .iter()
            .enumerate()
            .filter_map(|(i, d)| group.get(d.as_str()).map(|&mb| (i, mb)))
            .collect();
        let height = bars.len() as f64 * bar;
        body += &format!(
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{corpus}</text>\n",
            left - 6.0,
            y + height / 2.0 + 4.0
        );
        for (k, (i, mb)) in bars.iter().enumerate() {
            body += &format!(
                "<rect x=\"{left}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{}\" fill=\"{}\"><title>{}: {mb:.0} MB/s</title></rect>\n",
                y + k as f64 * bar,
                x(*mb) - left,
                bar - 1.0,
                COLOURS[i % COLOURS.len()],
                decoders[*i],
            );
        }
        y += height + gap;
    }
    let mut axis = String::new();
    for p in 1..=5 {
        let at = x(10f64.powi(p));
        axis += &format!(
            "<line x1=\"{at:.1}\" y1=\"{}\" x2=\"{at:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\n<text x=\"{at:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            top - 6.0,
            top - 10.0,
            10u64.pow(p as u32),
        );
    }
    let mut legend = String::new();
    for (i, d) in decoders.iter().enumerate() {
        let (lx, ly) = (
            10.0 + (i % 4) as f64 * 250.0,
            y + 20.0 + (i / 4) as f64 * 18.0,
        );
        legend += &format!(
            "<rect x=\"{lx}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{:.1}\">{d}</text>\n",
            ly - 10.0,
            COLOURS[i % COLOURS.len()],
            lx + 16.0,
            ly,
        );
    }
    let height = y + 30.0 + decoders.len().div_ceil(4) as f64 * 18.0;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000\" height=\"{height:.0}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"10\" y=\"20\" font-size=\"15\">Decode throughput, MB/s (median, log scale), 16 KiB reads</text>\n\
         {axis}{body}{legend}</svg>\n"
    )
}
