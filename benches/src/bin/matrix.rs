//! Conformance matrix: runs the decode vectors against our decoder and every peer
//! (whole input and split in two at every offset) and prints a Markdown table of
//! pass counts.
//!
//! ```text
//! cargo run -p sse-benches --features peers --bin matrix -- conformance/vectors/decode [-v]
//! ```
//!
//! `-v` lists each failing case per decoder with the first failing split and what
//! the decoder produced there.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use sse_benches::peers::ALL;
use sse_benches::vectors::{check, load_dir, Outcome, LIMITS};

fn main() -> ExitCode {
    let mut dir = None;
    let mut verbose = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-v" | "--verbose" => verbose = true,
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("usage: matrix <vectors/decode dir> [-v]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: matrix <vectors/decode dir> [-v]");
        return ExitCode::from(2);
    };
    let (cases, unreadable) = match load_dir(&dir) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("cannot read {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    // Peers that panic on a vector fail it; their messages go in the -v list.
    std::panic::set_hook(Box::new(|_| {}));
    let set_aside = unreadable.iter().filter(|u| u.reason == LIMITS).count();
    if set_aside > 0 {
        eprintln!("set aside {set_aside} cases: {LIMITS}");
    }
    for bad in unreadable.iter().filter(|u| u.reason != LIMITS) {
        eprintln!("unreadable: {bad}");
    }
    println!(
        "{} cases from {} (each whole and split at every offset)\n",
        cases.len(),
        dir.display()
    );
    // The file a case comes from is its topic: `bom.json#name` -> `bom`.
    let topic = |name: &str| -> String {
        let file = name.split('#').next().unwrap_or(name);
        file.strip_suffix(".json").unwrap_or(file).to_string()
    };
    let mut topics: Vec<String> = cases.iter().map(|c| topic(&c.name)).collect();
    topics.dedup();
    print!("| decoder | passed |");
    for t in &topics {
        print!(" {t} |");
    }
    println!();
    print!("| --- | ---: |");
    for _ in &topics {
        print!(" ---: |");
    }
    println!();
    let mut details = Vec::new();
    for peer in ALL {
        let mut passed = 0;
        let mut per_topic: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for case in &cases {
            let slot = per_topic.entry(topic(&case.name)).or_default();
            slot.1 += 1;
            match check(peer, case) {
                Outcome::Pass => {
                    passed += 1;
                    slot.0 += 1;
                }
                Outcome::Fail { split, got } => {
                    let at = split.map_or_else(|| "whole".to_string(), |k| format!("split at {k}"));
                    details.push(format!(
                        "{}: {} ({at}): got [{}]",
                        peer.name,
                        case.name,
                        got.join(", ")
                    ));
                }
            }
        }
        print!("| {} | {passed}/{} |", peer.name, cases.len());
        for t in &topics {
            let (ok, all) = per_topic.get(t).copied().unwrap_or_default();
            print!(" {ok}/{all} |");
        }
        println!();
    }
    if verbose {
        println!();
        for line in &details {
            println!("- {line}");
        }
    }
    ExitCode::SUCCESS
}
