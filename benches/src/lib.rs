//! Benchmark corpora shared by the criterion benches.
