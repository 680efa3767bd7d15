//! Conformance vectors for `text/event-stream` decoders, and the runner that
//! checks [`sse_proto::Decoder`] against them.
//!
//! The vectors are JSON files under `conformance/vectors/<kind>/` (schema and
//! provenance policy in the crate's README.md). For decoding, every case is run
//! whole, split in two at every offset, byte by byte, and in a few fixed random
//! chunkings, and must give the same items each time.
//!
//! The same pieces serve the `sse decode` command and the benches:
//! [`item_json`] / [`error_json`] print items exactly as the vectors spell them,
//! [`run_decode`] decodes a body in a given chunking, and
//! [`load_decode_vectors`] loads the cases (to run them against other crates too).
//!
//! ```
//! use sse_conformance::{load_decode_vectors, run_decode, vectors_dir};
//!
//! let cases = load_decode_vectors(&vectors_dir().join("decode")).unwrap();
//! let case = &cases[0];
//! let run = run_decode(&case.input, &[], case.limits).unwrap();
//! assert_eq!(run.records, case.expect);
//! ```

mod names;
mod record;
mod rules;
mod run;
mod vector;

pub use record::{error_json, item_json, ErrorKind, Record};
pub use rules::RULES;
pub use run::{
    assert_decode_case, check_decode_case, chunkings, run_decode, run_decode_with, CaseFailure,
    Chunking, DecodeRun, RunError, FIXED_BUFFER_LEN, RANDOM_CHUNKINGS,
};
pub use vector::{
    decode_case, load_decode_file, load_decode_vectors, vectors_dir, DecodeCase, LoadError,
};
