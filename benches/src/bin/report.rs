//! Turns the last `cargo bench -p sse-benches` run into the README's Markdown
//! tables: median MB/s per decoder and corpus, and how many times faster our
//! decoder is than each (`ours / theirs`; below 1 means the other is faster).
//!
//! ```text
//! cargo run -p sse-benches --features peers --bin report [-- target/criterion]
//! ```
//!
//! It reads criterion's `<group>/<bench>/new/{benchmark,estimates}.json` files.

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
