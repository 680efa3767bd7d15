//! Line splitting: CR, LF and CRLF line ends, a CR's LF arriving in the next read,
//! and the one byte-order mark allowed at the start of a body.

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The index of the first CR or LF in `bytes`.
///
/// Looks at the first byte before calling memchr: every event ends with an empty
/// line, so a third of the lines in a typical stream are found there, without
/// the setup cost of a vector search.
#[inline]
pub(crate) fn find_line_end(bytes: &[u8]) -> Option<usize> {
    let found = match bytes.first()? {
        b'\n' | b'\r' => Some(0),
        _ => memchr::memchr2(b'\n', b'\r', bytes),
    };
    super::work(found.map_or(bytes.len(), |i| i + 1));
    found
}

/// How many bytes of `line` are a leading byte-order mark (0 or 3). Only the first
/// complete line of a body may have one: `at_start` says whether `line` is it,
/// and is cleared. A BOM anywhere else is content.
#[inline]
pub(crate) fn take_bom(at_start: &mut bool, line: &[u8]) -> usize {
    if core::mem::take(at_start) && line.starts_with(BOM) {
        BOM.len()
    } else {
        0
    }
}
