//! Generates one named `#[test]` per vector: for every folder `vectors/<kind>/`,
//! `$OUT_DIR/<kind>_cases.rs` holds one `vector_cases!` invocation listing
//! `<kind>__<file>__<case> => ("<file>", "<case name>");` for every case of every
//! `*.json` file there. A test file defines `vector_cases!` and `include!`s it.
//! A malformed file or a duplicate test name becomes a `compile_error!`.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

#[path = "src/names.rs"]
mod names;

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let vectors = Path::new(&manifest).join("vectors");
    println!("cargo:rerun-if-changed=vectors");
    println!("cargo:rerun-if-changed=src/names.rs");
    let Ok(kinds) = fs::read_dir(&vectors) else {
        return;
    };
    let mut kinds: Vec<_> = kinds
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    kinds.sort();
    for dir in kinds {
        let kind = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let generated = generate(&kind, &dir);
        let target = Path::new(&out).join(format!("{}_cases.rs", names::ident_part(&kind)));
        fs::write(&target, generated).expect("OUT_DIR is writable");
    }
}

/// The `vector_cases! { ... }` invocation for one vector folder.
fn generate(kind: &str, dir: &Path) -> String {
    let mut files: Vec<_> = match fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect(),
        Err(e) => return compile_error(&format!("cannot read {}: {e}", dir.display())),
    };
    files.sort();
    let mut body = String::new();
    let mut errors = String::new();
    let mut seen = std::collections::BTreeMap::new();
    for path in files {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let names = match case_names(&path) {
            Ok(names) => names,
            Err(e) => {
                errors.push_str(&compile_error(&format!("{}: {e}", path.display())));
                continue;
            }
        };
        for case in names {
            let test = names::test_name(kind, &stem, &case);
            if let Some(other) = seen.insert(test.clone(), format!("{stem}/{case}")) {
                errors.push_str(&compile_error(&format!(
                    "vectors {other} and {stem}/{case} both map to test name {test}"
                )));
            }
            let _ = writeln!(body, "    {test} => ({stem:?}, {case:?});");
        }
    }
    format!("{errors}vector_cases! {{\n{body}}}\n")
}

/// The `name` of every case in a vector file (an array of cases, or one case).
fn case_names(path: &Path) -> Result<Vec<String>, String> {
    let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let cases = match value {
        serde_json::Value::Array(cases) => cases,
        one => vec![one],
    };
    cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            case.get("name")
                .and_then(|n| n.as_str())
                .map(str::to_owned)
                .ok_or_else(|| format!("case {i} has no string \"name\""))
        })
        .collect()
}

fn compile_error(message: &str) -> String {
    format!("compile_error!({message:?});\n")
}
