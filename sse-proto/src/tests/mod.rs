//! In-crate test support: a naive reference decoder and property tests against it.
