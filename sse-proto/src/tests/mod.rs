//! In-crate test support: a naive reference decoder and property tests against it.

#[cfg(feature = "std")]
mod naive;
#[cfg(feature = "std")]
mod prop;
