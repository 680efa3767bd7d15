//! Where encoded bytes go: one [`Target`] trait with an implementation per
//! destination (a count, a slice, a `Vec`, a `BufMut`), and the [`Sink`] each
//! hands the [`Unit`] being written. Every entry point of the encoder is the one path
//! `Encoder::encode` over one of these.

use core::mem::MaybeUninit;

use crate::EncodeError;

/// A destination for whole frames: it makes room for exactly the length
/// measured, or refuses without writing, then has the unit written into it.
pub(super) trait Target {
    /// Has `unit` put exactly `len` bytes, or returns
    /// [`EncodeError::BufferTooSmall`] without writing when there is no room.
    ///
    /// # Panics
    ///
    /// When `unit` puts a different number of bytes than `len`: the measured
    /// and written lengths come from the same rules, so that is a bug in this
    /// module, never a property of the frame.
    fn put(&mut self, len: usize, unit: &impl Unit) -> Result<(), EncodeError>;
}

/// Something checked and measured, ready to be written into any [`Sink`].
pub(super) trait Unit {
    fn write<S: Sink>(&self, out: &mut S);
}

/// Where a [`Unit`] puts its bytes. Every implementation has room for the
/// whole frame (made by its [`Target`] before writing starts).
pub(super) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

/// The length only ([`Encoder::encoded_len`](super::Encoder::encoded_len)):
/// nothing is stored, the unit's bytes are counted.
pub(super) struct Count;

/// A [`Sink`] that counts what it is given.
struct Counter(usize);

impl Sink for Counter {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

impl Target for Count {
    #[inline(always)]
    fn put(&mut self, len: usize, unit: &impl Unit) -> Result<(), EncodeError> {
        let mut counter = Counter(0);
        unit.write(&mut counter);
        assert_eq!(
            counter.0, len,
            "bug: a frame's measured and written lengths differ"
        );
        Ok(())
    }
}

/// The front of a caller's slice.
impl Target for [u8] {
    #[inline(always)]
    fn put(&mut self, len: usize, unit: &impl Unit) -> Result<(), EncodeError> {
        let Some(dest) = self.get_mut(..len) else {
            return Err(EncodeError::BufferTooSmall { required: len });
        };
        fill(dest, unit);
        Ok(())
    }
}

/// Appended to a `Vec`, written into its spare capacity (reserved once), with
/// no zero fill and no capacity check per piece.
#[cfg(feature = "alloc")]
impl Target for alloc::vec::Vec<u8> {
    #[inline(always)]
    fn put(&mut self, len: usize, unit: &impl Unit) -> Result<(), EncodeError> {
        self.reserve(len);
        let start = self.len();
        // `reserve` made room for `len` more bytes.
        fill(&mut self.spare_capacity_mut()[..len], unit);
        // SAFETY: `fill` returned, so `unit` initialised all `len` bytes of the
        // spare capacity after `start` (it asserts so): they are initialised and
        // within the capacity.
        unsafe { self.set_len(start + len) };
        Ok(())
    }
}

/// Put into a [`BufMut`](bytes::BufMut) that has room for the frame.
#[cfg(feature = "bytes")]
pub(super) struct Buf<'b, B>(pub(super) &'b mut B);

#[cfg(feature = "bytes")]
impl<B: bytes::BufMut> Target for Buf<'_, B> {
    #[inline(always)]
    fn put(&mut self, len: usize, unit: &impl Unit) -> Result<(), EncodeError> {
        if self.0.remaining_mut() < len {
            return Err(EncodeError::BufferTooSmall { required: len });
        }
        let mut sink = BufSink {
            buf: &mut *self.0,
            left: len,
        };
        unit.write(&mut sink);
        assert!(
            sink.left == 0,
            "bug: a frame's measured and written lengths differ"
        );
        Ok(())
    }
}

/// A [`BufMut`](bytes::BufMut) with `left` bytes of the frame still to come.
#[cfg(feature = "bytes")]
struct BufSink<'b, B> {
    buf: &'b mut B,
    left: usize,
}

#[cfg(feature = "bytes")]
impl<B: bytes::BufMut> Sink for BufSink<'_, B> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        self.left = self
            .left
            .checked_sub(bytes.len())
            .expect("bug: a frame's measured and written lengths differ");
        self.buf.put_slice(bytes);
    }
}

/// Has `unit` write into a sink over all of `buf`, which is exactly as long as
/// the frame was measured.
///
/// # Panics
///
/// When `unit` puts fewer bytes than `buf` holds (more panics in
/// [`SliceSink::put`]): measured and written lengths differ, a bug.
#[inline(always)]
fn fill<T: OutByte>(buf: &mut [T], unit: &impl Unit) {
    let mut sink = SliceSink { buf };
    unit.write(&mut sink);
    assert!(
        sink.buf.is_empty(),
        "bug: a frame's measured and written lengths differ"
    );
}

/// A byte of output memory: initialised (a caller's slice), or a `Vec`'s
/// spare capacity.
pub(super) trait OutByte: Copy {
    fn from_byte(byte: u8) -> Self;

    /// Copies `src` into `dst`, which is as long, with `memcpy`.
    fn copy(dst: &mut [Self], src: &[u8]);
}

impl OutByte for u8 {
    #[inline(always)]
    fn from_byte(byte: u8) -> Self {
        byte
    }

    #[inline(always)]
    fn copy(dst: &mut [u8], src: &[u8]) {
        dst.copy_from_slice(src);
    }
}

impl OutByte for MaybeUninit<u8> {
    #[inline(always)]
    fn from_byte(byte: u8) -> Self {
        MaybeUninit::new(byte)
    }

    #[inline(always)]
    fn copy(dst: &mut [Self], src: &[u8]) {
        let n = dst.len().min(src.len());
        // SAFETY: both pointers are valid for `n` bytes (`n` is at most the
        // length of either slice), `MaybeUninit<u8>` has the layout of `u8`,
        // and a shared and a mutable borrow never overlap.
        unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), dst.as_mut_ptr().cast::<u8>(), n) };
    }
}

/// The front of a slice exactly as long as the frame.
struct SliceSink<'b, T> {
    buf: &'b mut [T],
}

impl<T: OutByte> Sink for SliceSink<'_, T> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        // `buf` is as long as the frame was measured and the writer puts
        // exactly that many bytes (a bug otherwise, which panics here).
        let (head, tail) = core::mem::take(&mut self.buf).split_at_mut(bytes.len());
        if bytes.len() <= SHORT {
            // Event types, IDs and short data: fixed-size moves, no call.
            copy_short(head, bytes);
        } else {
            T::copy(head, bytes);
        }
        self.buf = tail;
    }
}

/// The longest `src` that [`copy_short`] copies.
pub(super) const SHORT: usize = 32;

/// Copies `src` (at most [`SHORT`] bytes) to the front of `dst` (at least as
/// long) with fixed-size moves (two overlapping ones), where a copy of a
/// variable length would call `memcpy`.
#[inline(always)]
pub(super) fn copy_short<T: OutByte>(dst: &mut [T], src: &[u8]) {
    let n = src.len();
    if n >= 16 {
        copy_pair::<T, 16>(dst, src);
    } else if n >= 8 {
        copy_pair::<T, 8>(dst, src);
    } else if n >= 4 {
        copy_pair::<T, 4>(dst, src);
    } else if n > 0 {
        // One to three bytes: first, middle, last (some the same).
        dst[0] = T::from_byte(src[0]);
        dst[n / 2] = T::from_byte(src[n / 2]);
        dst[n - 1] = T::from_byte(src[n - 1]);
    }
}

/// Copies `src` (`W..=2 * W` bytes long) to the front of `dst` (at least as
/// long) as its first `W` and its last `W` bytes.
#[inline(always)]
fn copy_pair<T: OutByte, const W: usize>(dst: &mut [T], src: &[u8]) {
    let n = src.len();
    if let (Some(head), Some(tail)) = (src.first_chunk::<W>(), src.last_chunk::<W>()) {
        dst[..W].copy_from_slice(&head.map(T::from_byte));
        dst[n - W..n].copy_from_slice(&tail.map(T::from_byte));
    }
}
