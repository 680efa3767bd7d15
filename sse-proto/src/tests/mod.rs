//! In-crate test support: a naive reference decoder and property tests against
//! it, and the decoder's work counted against its input.

#[cfg(feature = "std")]
mod linear;
#[cfg(feature = "std")]
mod naive;
#[cfg(feature = "std")]
mod prop;
#[cfg(feature = "std")]
pub(crate) mod work;
