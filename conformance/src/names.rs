//! Rust identifiers for vector names, shared by the build script (which includes
//! this file by path) and the library.

/// Turns a vector file stem or case name into a lowercase identifier part: ASCII
/// letters and digits are kept (lowercased), every other run of characters
/// becomes one `_`, and `_` at either end is trimmed. An empty result becomes
/// `x`, so that a part is never empty.
pub(crate) fn ident_part(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// The test function name of one case: `<kind>__<file>__<case>`.
pub(crate) fn test_name(kind: &str, file_stem: &str, case: &str) -> String {
    format!(
        "{}__{}__{}",
        ident_part(kind),
        ident_part(file_stem),
        ident_part(case)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_identifiers() {
        assert_eq!(ident_part("BOM then CRLF: event!"), "bom_then_crlf_event");
        assert_eq!(ident_part("--"), "x");
        assert_eq!(ident_part("line-endings"), "line_endings");
        assert_eq!(
            test_name("decode", "bom", "BOM alone"),
            "decode__bom__bom_alone"
        );
    }
}
