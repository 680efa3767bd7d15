//! Runs every decode vector (`vectors/decode/*.json`) as its own named test,
//! in every chunking (see `sse_conformance::chunkings`).

use std::collections::BTreeSet;

use sse_conformance::{load_decode_vectors, vectors_dir, RULES};

macro_rules! vector_cases {
    ($($test:ident => ($file:literal, $case:literal);)*) => {
        $(
            #[test]
            #[allow(non_snake_case)]
            fn $test() {
                sse_conformance::assert_decode_case($file, $case);
            }
        )*
    };
}

include!(concat!(env!("OUT_DIR"), "/decode_cases.rs"));

/// Every case names a known rule, and every rule is checked by some case.
#[test]
fn every_rule_is_covered_and_known() {
    let cases = load_decode_vectors(&vectors_dir().join("decode")).expect("vectors load");
    let known: BTreeSet<&str> = RULES.iter().map(|(id, _)| *id).collect();
    for case in &cases {
        assert!(
            known.contains(case.rule.as_str()),
            "{}: unknown rule {:?}",
            case.test_name(),
            case.rule
        );
        assert!(
            !case.provenance.is_empty(),
            "{}: no provenance",
            case.test_name()
        );
    }
    let used: BTreeSet<&str> = cases.iter().map(|c| c.rule.as_str()).collect();
    let missing: Vec<_> = known.difference(&used).collect();
    assert!(missing.is_empty(), "rules without a vector: {missing:?}");
}

/// The issue asks for at least 120 decode cases.
#[test]
fn at_least_120_cases() {
    let cases = load_decode_vectors(&vectors_dir().join("decode")).expect("vectors load");
    assert!(cases.len() >= 120, "only {} decode cases", cases.len());
}

/// README.md documents every rule id.
#[test]
fn readme_lists_every_rule() {
    let readme = include_str!("../README.md");
    for (id, _) in RULES {
        assert!(
            readme.contains(&format!("| `{id}` |")),
            "README.md lacks rule {id}"
        );
    }
}
