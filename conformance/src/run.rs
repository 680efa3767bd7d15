//! Running a body through [`sse_proto::Decoder`] in a given chunking, and checking
//! a [`DecodeCase`] in every chunking.

use std::fmt;

use sse_proto::{DecodeError, Decoder, Limits, Storage};

use crate::{DecodeCase, Record};

/// The records of one decoding run and the state left after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeRun {
    /// Items and errors in stream order.
    pub records: Vec<Record>,
    /// [`Decoder::last_event_id`] after the whole input and
    /// [`Decoder::finish`].
    pub last_event_id: String,
}

/// Why a run could not be completed (a decoder or caller bug, not a mismatch).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunError {
    /// `splits` is not ascending or points past the input.
    BadSplits {
        /// The offending split offset.
        split: usize,
    },
    /// The decoder made no progress: three calls in a row consumed nothing and
    /// returned no item.
    Stalled {
        /// The stream offset it stopped at.
        offset: usize,
    },
    /// The decoder said it consumed more bytes than it was given.
    Overrun {
        /// The stream offset of the call.
        offset: usize,
        /// What it claimed to consume.
        consumed: usize,
        /// What it was given.
        given: usize,
    },
    /// A [`DecodeError`] variant this crate cannot express as a [`Record`].
    UnknownError(DecodeError),
    /// A kind of [`Item`](sse_proto::Item) this crate cannot express as a
    /// [`Record`] (its `Debug` form).
    UnknownItem(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::BadSplits { split } => {
                write!(f, "split offset {split} out of order or range")
            }
            RunError::Stalled { offset } => write!(f, "decoder stalled at offset {offset}"),
            RunError::Overrun {
                offset,
                consumed,
                given,
            } => write!(
                f,
                "decoder consumed {consumed} of {given} bytes at offset {offset}"
            ),
            RunError::UnknownError(e) => write!(f, "unknown decoder error: {e}"),
            RunError::UnknownItem(item) => write!(f, "unknown decoded item: {item}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Decodes `input` read in chunks that end at the offsets `splits` (ascending;
/// the last chunk runs to the end), with `limits`, then calls
/// [`Decoder::finish`]. After an `Err` the same remaining input is passed again,
/// as the decoder requires; the error is recorded where it occurred.
///
/// # Errors
///
/// [`RunError`] when `splits` is malformed or the decoder misbehaves (no
/// progress, or claims more bytes than given).
///
/// ```
/// use sse_conformance::{run_decode, Record};
/// use sse_proto::Limits;
///
/// let run = run_decode(b"id: 1\ndata: a\r\n\r\n", &[15], Limits::default()).unwrap();
/// assert_eq!(run.records, [Record::Event {
///     event: "message".into(),
///     data: "a".into(),
///     id: "1".into(),
/// }]);
/// assert_eq!(run.last_event_id, "1");
/// ```
pub fn run_decode(input: &[u8], splits: &[usize], limits: Limits) -> Result<DecodeRun, RunError> {
    run_decode_with(Decoder::new().with_limits(limits), input, splits)
}

/// [`run_decode`] on a decoder the caller made, e.g. one on a fixed buffer
/// ([`Decoder::with_buffer`]) or with a preset last event ID.
///
/// # Errors
///
/// As [`run_decode`].
///
/// ```
/// use sse_conformance::{run_decode_with, Record};
/// use sse_proto::Decoder;
///
/// let mut mem = vec![0u8; 4096];
/// let run = run_decode_with(Decoder::with_buffer(&mut mem), b": hi\r", &[]).unwrap();
/// assert_eq!(run.records, [Record::Comment { text: " hi".into() }]);
/// ```
pub fn run_decode_with<S: Storage>(
    mut decoder: Decoder<S>,
    input: &[u8],
    splits: &[usize],
) -> Result<DecodeRun, RunError> {
    let mut records = Vec::new();
    let mut start = 0;
    for end in splits.iter().copied().chain([input.len()]) {
        let chunk = input
            .get(start..end)
            .ok_or(RunError::BadSplits { split: end })?;
        let mut offset = start;
        let mut rest = chunk;
        let mut idle = 0;
        while !rest.is_empty() {
            let consumed = match decoder.decode(rest) {
                Ok(step) => {
                    if let Some(item) = &step.item {
                        let record = Record::from_item(item);
                        records.push(
                            record.ok_or_else(|| RunError::UnknownItem(format!("{item:?}")))?,
                        );
                        idle = 0;
                    }
                    step.consumed
                }
                Err(e) => {
                    records.push(Record::from_error(&e).ok_or(RunError::UnknownError(e))?);
                    0
                }
            };
            if consumed == 0 {
                idle += 1;
                if idle >= 3 {
                    return Err(RunError::Stalled { offset });
                }
            } else {
                idle = 0;
            }
            rest = rest.get(consumed..).ok_or(RunError::Overrun {
                offset,
                consumed,
                given: rest.len(),
            })?;
            offset += consumed;
        }
        start = end;
    }
    // The vectors do not record how the body ended.
    let _ = decoder.finish();
    Ok(DecodeRun {
        records,
        last_event_id: decoder.last_event_id().to_owned(),
    })
}

/// One way of cutting an input into reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunking {
    /// A short description, e.g. `split at 5` or `byte by byte`.
    pub label: String,
    /// Where the reads end (ascending; the last read runs to the end).
    pub splits: Vec<usize>,
}

/// How many random chunkings [`chunkings`] adds.
pub const RANDOM_CHUNKINGS: usize = 8;

/// The chunkings every case is checked in, for an input of `len` bytes: whole;
/// two reads split at every offset `1..len`; byte by byte; and
/// [`RANDOM_CHUNKINGS`] random chunkings (reads of 1 to 8 bytes) drawn from a
/// xorshift generator with a fixed seed, so every run checks the same ones.
///
/// ```
/// let c = sse_conformance::chunkings(3);
/// assert_eq!(c[0].splits, Vec::<usize>::new());
/// assert_eq!(c[1].splits, [1]);
/// assert_eq!(c[2].splits, [2]);
/// assert_eq!(c[3].splits, [1, 2]);
/// ```
pub fn chunkings(len: usize) -> Vec<Chunking> {
    let mut out = Vec::with_capacity(len + 2 + RANDOM_CHUNKINGS);
    out.push(Chunking {
        label: "whole".into(),
        splits: Vec::new(),
    });
    for k in 1..len {
        out.push(Chunking {
            label: format!("split at {k}"),
            splits: vec![k],
        });
    }
    out.push(Chunking {
        label: "byte by byte".into(),
        splits: (1..len).collect(),
    });
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D ^ len as u64);
    for i in 0..RANDOM_CHUNKINGS {
        let mut splits = Vec::new();
        let mut at = 0;
        loop {
            at += 1 + (rng.next() % 8) as usize;
            if at >= len {
                break;
            }
            splits.push(at);
        }
        out.push(Chunking {
            label: format!("random #{i} {splits:?}"),
            splits,
        });
    }
    out
}

/// xorshift64 (Marsaglia): enough to vary chunk sizes reproducibly.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// A case whose decoding differs from its expectation in some chunkings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFailure {
    /// The case's test name.
    pub test: String,
    /// The input bytes, escaped.
    pub input: String,
    /// The expected records, one JSON line each.
    pub expected: Vec<String>,
    /// The expected last event ID, when the case checks it.
    pub expected_last_event_id: Option<String>,
    /// How many runs were tried (chunkings times storages).
    pub tried: usize,
    /// The runs that failed (chunking and storage, what they gave); at most
    /// [`CaseFailure::SHOWN`] are kept.
    pub failures: Vec<(String, String)>,
    /// How many runs failed in all.
    pub failed: usize,
}

impl CaseFailure {
    /// How many failing chunkings a failure report keeps.
    pub const SHOWN: usize = 4;
}

impl fmt::Display for CaseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} of {} runs fail",
            self.test, self.failed, self.tried
        )?;
        writeln!(f, "input: b\"{}\"", self.input)?;
        writeln!(f, "expected:")?;
        for line in &self.expected {
            writeln!(f, "  {line}")?;
        }
        if let Some(id) = &self.expected_last_event_id {
            writeln!(f, "  last_event_id {id:?}")?;
        }
        for (label, got) in &self.failures {
            writeln!(f, "got ({label}):")?;
            writeln!(f, "{got}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CaseFailure {}

/// The size of the fixed buffer [`check_decode_case`] also runs every case on
/// (64 KiB: far more than any vector needs, so it never reports `buffer_full`).
pub const FIXED_BUFFER_LEN: usize = 64 * 1024;

/// Checks `case` in every chunking of [`chunkings`], each on both storages (a
/// growable [`Decoder::new`] and a [`FIXED_BUFFER_LEN`]-byte
/// [`Decoder::with_buffer`]): the records (errors included, at their positions)
/// and, when given, the last event ID must match.
///
/// # Errors
///
/// A [`CaseFailure`] describing the mismatching chunkings.
pub fn check_decode_case(case: &DecodeCase) -> Result<(), Box<CaseFailure>> {
    let all = chunkings(case.input.len());
    let mut mem = vec![0u8; FIXED_BUFFER_LEN];
    let mut failures = Vec::new();
    let mut failed = 0;
    let runs = all.iter().flat_map(|c| [(c, false), (c, true)]);
    let tried = all.len() * 2;
    for (chunking, fixed) in runs {
        let result = if fixed {
            let decoder = Decoder::with_buffer(&mut mem).with_limits(case.limits);
            run_decode_with(decoder, &case.input, &chunking.splits)
        } else {
            run_decode(&case.input, &chunking.splits, case.limits)
        };
        let got = match result {
            Ok(run) => {
                let id_ok = case
                    .last_event_id
                    .as_ref()
                    .is_none_or(|id| *id == run.last_event_id);
                if run.records == case.expect && id_ok {
                    continue;
                }
                let mut text: Vec<String> = run.records.iter().map(|r| format!("  {r}")).collect();
                text.push(format!("  last_event_id {:?}", run.last_event_id));
                text.join("\n")
            }
            Err(e) => format!("  run failed: {e}"),
        };
        failed += 1;
        if failures.len() < CaseFailure::SHOWN {
            let storage = if fixed { "fixed buffer" } else { "Vec" };
            failures.push((format!("{}, {storage}", chunking.label), got));
        }
    }
    if failed == 0 {
        return Ok(());
    }
    Err(Box::new(CaseFailure {
        test: case.test_name(),
        input: case.input.escape_ascii().to_string(),
        expected: case.expect.iter().map(Record::to_json).collect(),
        expected_last_event_id: case.last_event_id.clone(),
        tried,
        failures,
        failed,
    }))
}

/// Loads `vectors/decode/<file>.json`, finds the case `name` and checks it with
/// [`check_decode_case`]; what the generated tests call.
///
/// # Panics
///
/// When the case cannot be loaded or fails, with the failure report.
pub fn assert_decode_case(file: &str, name: &str) {
    let case = match crate::decode_case(file, name) {
        Ok(case) => case,
        Err(e) => panic!("{e}"),
    };
    if let Err(failure) = check_decode_case(&case) {
        panic!("{failure}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(text: &str) -> Record {
        Record::Comment { text: text.into() }
    }

    #[test]
    fn error_is_recorded_and_decoding_goes_on() {
        let mut limits = Limits::default();
        limits.max_line_len = 4;
        let input = b":ab\n:toolong\n\n:cd\n";
        for c in chunkings(input.len()) {
            let run = run_decode(input, &c.splits, limits).unwrap();
            let error = Record::Error {
                kind: crate::ErrorKind::LineTooLong,
                limit: 4,
            };
            assert_eq!(
                run.records,
                [comment("ab"), error, comment("cd")],
                "{}",
                c.label
            );
        }
    }

    #[test]
    fn bad_splits_rejected() {
        let limits = Limits::default();
        assert_eq!(
            run_decode(b"abc", &[2, 1], limits),
            Err(RunError::BadSplits { split: 1 })
        );
        assert_eq!(
            run_decode(b"abc", &[4], limits),
            Err(RunError::BadSplits { split: 4 })
        );
    }

    #[test]
    fn chunkings_are_fixed_and_cover_the_input() {
        let a = chunkings(40);
        assert_eq!(a, chunkings(40));
        assert_eq!(a.len(), 1 + 39 + 1 + RANDOM_CHUNKINGS);
        for c in &a {
            assert!(c.splits.windows(2).all(|w| w[0] < w[1]), "{}", c.label);
            assert!(c.splits.iter().all(|&s| 0 < s && s < 40), "{}", c.label);
        }
        let random: Vec<_> = a[41..].iter().map(|c| &c.splits).collect();
        assert!(random.windows(2).any(|w| w[0] != w[1]));
    }

    #[test]
    fn failure_report_names_the_run() {
        let case = DecodeCase {
            file: "f".into(),
            name: "n".into(),
            rule: "comment".into(),
            provenance: "p".into(),
            input: b":x\n".to_vec(),
            expect: vec![comment("y")],
            last_event_id: None,
            limits: Limits::default(),
        };
        let failure = check_decode_case(&case).unwrap_err();
        assert_eq!(failure.failed, failure.tried);
        let report = failure.to_string();
        assert!(
            report.contains(r#"{"type":"comment","text":"y"}"#),
            "{report}"
        );
        assert!(report.contains("got (whole, Vec)"), "{report}");
    }
}
