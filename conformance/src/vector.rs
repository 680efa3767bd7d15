//! Decode vectors: the JSON schema (see the crate's README.md) and the loader.

use std::path::{Path, PathBuf};
use std::{fmt, fs};

use base64::Engine as _;
use serde::Deserialize;
use sse_proto::Limits;

use crate::names;
use crate::Record;

/// One decode vector: an input body and the items it must decode to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeCase {
    /// The stem of the file the case came from (`bom` for `bom.json`).
    pub file: String,
    /// The case name, unique within its file.
    pub name: String,
    /// The rule of the standard the case checks (one of [`RULES`](crate::RULES)).
    pub rule: String,
    /// Where the expected result comes from.
    pub provenance: String,
    /// The body bytes.
    pub input: Vec<u8>,
    /// The items, in stream order, with errors where they occur.
    pub expect: Vec<Record>,
    /// The decoder's last event ID after the whole input, when the case checks it.
    pub last_event_id: Option<String>,
    /// The decoder limits; the defaults when the case sets none.
    pub limits: Limits,
}

impl DecodeCase {
    /// The name of the generated test: `decode__<file>__<case>`, sanitized.
    pub fn test_name(&self) -> String {
        names::test_name("decode", &self.file, &self.name)
    }
}

/// A case as written in the JSON file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    rule: String,
    provenance: String,
    #[serde(default)]
    input: Option<String>,
    #[serde(default)]
    input_base64: Option<String>,
    expect: Vec<Record>,
    #[serde(default)]
    last_event_id: Option<String>,
    #[serde(default)]
    limits: Option<RawLimits>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    #[serde(default)]
    max_line_len: Option<usize>,
    #[serde(default)]
    max_event_len: Option<usize>,
}

/// A file holds an array of cases or a single case.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawFile {
    Many(Vec<RawCase>),
    One(Box<RawCase>),
}

/// Why a vector file could not be loaded.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadError {
    /// The file or folder could not be read.
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid JSON of the vector schema, or a case is inconsistent.
    Invalid {
        /// The path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            LoadError::Invalid { path, message } => {
                write!(f, "invalid vector file {}: {message}", path.display())
            }
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Io { source, .. } => Some(source),
            LoadError::Invalid { .. } => None,
        }
    }
}

/// The folder of this crate's vectors (`conformance/vectors`), found at compile
/// time; decode vectors are in its `decode` subfolder.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Loads every case of every `*.json` file in `dir`, files in name order, cases
/// in file order.
///
/// # Errors
///
/// The first file that cannot be read or does not follow the schema.
///
/// ```
/// let cases = sse_conformance::load_decode_vectors(
///     &sse_conformance::vectors_dir().join("decode"),
/// ).unwrap();
/// assert!(cases.len() >= 120);
/// ```
pub fn load_decode_vectors(dir: &Path) -> Result<Vec<DecodeCase>, LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|x| x == "json") {
            files.push(path);
        }
    }
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        cases.extend(load_decode_file(&path)?);
    }
    Ok(cases)
}

/// Loads the cases of one vector file.
///
/// # Errors
///
/// The file cannot be read, is not JSON of the schema, a case has both or neither
/// of `input` and `input_base64`, bad base64, or two cases share a name.
pub fn load_decode_file(path: &Path) -> Result<Vec<DecodeCase>, LoadError> {
    let invalid = |message: String| LoadError::Invalid {
        path: path.to_owned(),
        message,
    };
    let text = fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    let file = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    parse_cases(&text, file).map_err(invalid)
}

/// The cases of one vector file's text; `file` is the file stem.
fn parse_cases(text: &str, file: &str) -> Result<Vec<DecodeCase>, String> {
    let raw: RawFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let raw = match raw {
        RawFile::Many(cases) => cases,
        RawFile::One(case) => vec![*case],
    };
    let mut cases: Vec<DecodeCase> = Vec::with_capacity(raw.len());
    for case in raw {
        let input = match (case.input, case.input_base64) {
            (Some(text), None) => text.into_bytes(),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("case {:?}: input_base64: {e}", case.name))?,
            _ => {
                return Err(format!(
                    "case {:?}: exactly one of input and input_base64 is required",
                    case.name
                ))
            }
        };
        if cases.iter().any(|c| c.name == case.name) {
            return Err(format!("case name {:?} appears twice", case.name));
        }
        let mut limits = Limits::default();
        if let Some(l) = case.limits {
            if let Some(n) = l.max_line_len {
                limits.max_line_len = n;
            }
            if let Some(n) = l.max_event_len {
                limits.max_event_len = n;
            }
        }
        cases.push(DecodeCase {
            file: file.to_owned(),
            name: case.name,
            rule: case.rule,
            provenance: case.provenance,
            input,
            expect: case.expect,
            last_event_id: case.last_event_id,
            limits,
        });
    }
    Ok(cases)
}

/// Loads the case named `name` from `vectors/decode/<file>.json`; what the
/// generated tests call.
///
/// # Errors
///
/// As [`load_decode_file`], or no case of that name.
pub fn decode_case(file: &str, name: &str) -> Result<DecodeCase, LoadError> {
    let path = vectors_dir().join("decode").join(format!("{file}.json"));
    load_decode_file(&path)?
        .into_iter()
        .find(|c| c.name == name)
        .ok_or_else(|| LoadError::Invalid {
            path: path.clone(),
            message: format!("no case named {name:?}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASE: &str = r#"{"name": "n", "rule": "comment", "provenance": "p", "#;

    #[test]
    fn one_case_object_is_a_file() {
        let text =
            format!(r#"{CASE}"input": ":x\n", "expect": [{{"type":"comment","text":"x"}}]}}"#);
        let cases = parse_cases(&text, "f").unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].input, b":x\n");
        assert_eq!(cases[0].test_name(), "decode__f__n");
        assert_eq!(cases[0].limits, Limits::default());
    }

    #[test]
    fn base64_input_and_limits() {
        let text = format!(
            r#"[{CASE}"input_base64": "/w==", "expect": [], "limits": {{"max_line_len": 3}}}}]"#
        );
        let cases = parse_cases(&text, "f").unwrap();
        assert_eq!(cases[0].input, [0xFF]);
        assert_eq!(cases[0].limits.max_line_len, 3);
        assert_eq!(cases[0].limits.max_event_len, Limits::DEFAULT_MAX_EVENT_LEN);
    }

    #[test]
    fn both_or_neither_input_rejected() {
        let both = format!(r#"{CASE}"input": "", "input_base64": "", "expect": []}}"#);
        let neither = format!(r#"{CASE}"expect": []}}"#);
        assert!(parse_cases(&both, "f").unwrap_err().contains("exactly one"));
        assert!(parse_cases(&neither, "f")
            .unwrap_err()
            .contains("exactly one"));
    }

    #[test]
    fn duplicate_names_and_unknown_keys_rejected() {
        let one = format!(r#"{CASE}"input": "", "expect": []}}"#);
        let dup = format!("[{one}, {one}]");
        assert!(parse_cases(&dup, "f").unwrap_err().contains("twice"));
        let extra = format!(r#"{CASE}"input": "", "expect": [], "chunks": [1]}}"#);
        assert!(parse_cases(&extra, "f").is_err());
        let bad_item = format!(r#"{CASE}"input": "", "expect": [{{"type":"retry","ms":-1}}]}}"#);
        assert!(parse_cases(&bad_item, "f").is_err());
        let extra_key =
            format!(r#"{CASE}"input": "", "expect": [{{"type":"comment","text":"","x":1}}]}}"#);
        assert!(parse_cases(&extra_key, "f").is_err());
    }
}
