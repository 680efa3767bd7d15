//! The rules of `/work/shared/SPEC.md` §1 (the WHATWG "parse/interpret an event
//! stream" algorithms) that decode vectors name in their `rule` field.

/// Every rule a decode vector may name, with what it says. Each rule is checked by
/// at least one vector (the crate's tests enforce both directions).
pub const RULES: &[(&str, &str)] = &[
    ("utf8-lossy", "an invalid UTF-8 sequence becomes U+FFFD (WHATWG Encoding: maximal subparts); the stream goes on"),
    ("utf8-across-reads", "a multi-byte UTF-8 character split across reads decodes as one character"),
    ("bom-leading", "one byte-order mark at the very start of the body is dropped"),
    ("bom-not-leading", "a second byte-order mark, or one later in the body, is ordinary content"),
    ("line-end-lf", "a lone LF ends a line"),
    ("line-end-crlf", "CRLF ends a line (one line end, not two)"),
    ("line-end-cr", "a lone CR ends a line, at once (no waiting for a possible LF)"),
    ("line-end-crlf-split", "a CR at the end of one read and an LF at the start of the next are one line end"),
    ("line-end-mixed", "LF, CRLF and CR may be mixed in one stream"),
    ("empty-line-dispatch", "an empty line dispatches the event being built"),
    ("comment", "a line starting with ':' is a comment: its text is everything after the colon, as is"),
    ("field-name-value", "field name = up to the first ':', value = the rest, with one leading U+0020 removed"),
    ("field-space-once", "only one leading space is removed, and only U+0020 (not a tab)"),
    ("field-no-colon", "a line with no ':' is a field named by the whole line with an empty value"),
    ("field-case-sensitive", "field names are compared literally (no case folding, no trimming)"),
    ("data-append", "data: append the value and an LF to the data buffer"),
    ("event-type", "event: set the event type buffer"),
    ("id-set", "id: set the last event ID buffer (an empty value resets it to empty)"),
    ("id-null-ignored", "id: a value containing U+0000 is ignored"),
    ("retry-digits", "retry: a non-empty value of ASCII digits only sets the reconnection time (ms)"),
    ("retry-invalid-ignored", "retry: any other value (sign, space, dot, empty, non-ASCII digits) is ignored"),
    ("retry-overflow", "retry: a huge value never panics (saturates at u64::MAX ms)"),
    ("unknown-field", "any other field name is ignored"),
    ("dispatch-last-event-id", "on dispatch the last event ID becomes the buffer's value, even when no event is delivered, and persists across events"),
    ("dispatch-empty-data", "on dispatch with an empty data buffer nothing is delivered and the type buffer is cleared"),
    ("dispatch-trailing-lf", "on dispatch one trailing LF is removed from the data"),
    ("dispatch-type-default", "the event type is 'message' when the type buffer is empty"),
    ("dispatch-clears-buffers", "after dispatch the data and type buffers are empty (the ID is kept)"),
    ("eof-discard", "at end of input an event without its final empty line is discarded"),
    ("limit-line-len", "project rule: a line over max_line_len is an error; the rest of its event is skipped through the next empty line"),
    ("limit-event-len", "project rule: an event whose data buffer exceeds max_event_len is an error; the rest of it is skipped through the next empty line"),
];
