//! Storage behind the decoder: a growable `Vec<u8>` (feature `alloc`) or a slice of
//! caller memory ([`FixedBuf`]). Both run the same decoder code through the sealed
//! [`Storage`] trait.

use core::ops::Range;

use crate::DecodeError;

/// Byte storage a [`Decoder`](crate::Decoder) can run on. Sealed: implemented for
/// `Vec<u8>` (feature `alloc`) and [`FixedBuf`] only.
///
/// It only names the storage in a decoder's type; its operations are private to
/// this crate, so code outside it cannot call them on a storage:
///
/// ```compile_fail,E0624
/// fn capacity<S: sse_proto::Storage>(storage: &S) -> usize {
///     storage.capacity()
/// }
/// ```
// The supertrait is crate-private (hence the allow): outside this crate nobody
// can implement `Storage`, and nobody can call the operations through it.
#[allow(private_bounds)]
pub trait Storage: sealed::Sealed {}

/// The storage operations the decoder needs, in a trait only this crate can see.
pub(crate) mod sealed {
    use core::ops::Range;

    /// The capacity of a storage was exceeded.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) struct Full {
        /// How many bytes the storage can hold at most.
        pub(crate) capacity: usize,
    }

    pub(crate) trait Sealed {
        /// The stored bytes.
        fn bytes(&self) -> &[u8];
        /// The stored bytes, mutably.
        fn bytes_mut(&mut self) -> &mut [u8];
        /// Shortens to `len` bytes (no-op when already shorter).
        fn truncate(&mut self, len: usize);
        /// Appends `src`, or fails without writing anything.
        fn try_extend(&mut self, src: &[u8]) -> Result<(), Full>;
        /// Appends a copy of `self.bytes()[range]`, or fails without writing anything.
        fn try_extend_within(&mut self, range: Range<usize>) -> Result<(), Full>;
        /// Appends `value` and then an LF (a data line), or fails without writing.
        fn try_extend_line(&mut self, value: &[u8]) -> Result<(), Full>;
        /// The most bytes this storage can ever hold.
        fn capacity(&self) -> usize;
    }
}

use sealed::{Full, Sealed};

#[cfg(feature = "alloc")]
impl Storage for alloc::vec::Vec<u8> {}

#[cfg(feature = "alloc")]
impl Sealed for alloc::vec::Vec<u8> {
    #[inline]
    fn bytes(&self) -> &[u8] {
        self
    }
    #[inline]
    fn bytes_mut(&mut self) -> &mut [u8] {
        self
    }
    #[inline]
    fn truncate(&mut self, len: usize) {
        alloc::vec::Vec::truncate(self, len);
    }
    #[inline]
    fn try_extend(&mut self, src: &[u8]) -> Result<(), Full> {
        super::work(src.len());
        self.extend_from_slice(src);
        Ok(())
    }
    #[inline]
    fn try_extend_within(&mut self, range: Range<usize>) -> Result<(), Full> {
        super::work(range.len());
        self.extend_from_within(range);
        Ok(())
    }
    #[inline]
    fn try_extend_line(&mut self, value: &[u8]) -> Result<(), Full> {
        super::work(value.len() + 1);
        self.reserve(value.len() + 1);
        self.extend_from_slice(value);
        self.push(b'\n');
        Ok(())
    }
    #[inline]
    fn capacity(&self) -> usize {
        usize::MAX
    }
}

/// A fixed-capacity storage over caller memory, for decoding without a heap.
///
/// Made by [`Decoder::with_buffer`](crate::Decoder::with_buffer), whose type it
/// names (`Decoder<FixedBuf<'_>>`); never grows.
#[derive(Debug)]
pub struct FixedBuf<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> FixedBuf<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        FixedBuf { buf, len: 0 }
    }
}

impl Storage for FixedBuf<'_> {}

impl Sealed for FixedBuf<'_> {
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
    fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.buf[..self.len]
    }
    fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }
    fn try_extend(&mut self, src: &[u8]) -> Result<(), Full> {
        super::work(src.len());
        let end = self.len + src.len();
        let capacity = self.buf.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(Full { capacity })?;
        dst.copy_from_slice(src);
        self.len = end;
        Ok(())
    }
    fn try_extend_within(&mut self, range: Range<usize>) -> Result<(), Full> {
        super::work(range.len());
        let end = self.len + range.len();
        if range.end > self.len || end > self.buf.len() {
            return Err(Full {
                capacity: self.buf.len(),
            });
        }
        self.buf.copy_within(range, self.len);
        self.len = end;
        Ok(())
    }
    fn try_extend_line(&mut self, value: &[u8]) -> Result<(), Full> {
        super::work(value.len() + 1);
        let capacity = self.buf.len();
        let end = self.len + value.len();
        let dst = self.buf.get_mut(self.len..=end).ok_or(Full { capacity })?;
        let (text, lf) = dst.split_at_mut(value.len());
        text.copy_from_slice(value);
        lf[0] = b'\n';
        self.len = end + 1;
        Ok(())
    }
    fn capacity(&self) -> usize {
        self.buf.len()
    }
}

/// A fixed buffer overflowed.
pub(super) fn full(f: Full) -> DecodeError {
    DecodeError::BufferFull {
        capacity: f.capacity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_refuses_without_writing() {
        let mut mem = [0u8; 4];
        let mut b = FixedBuf::new(&mut mem);
        b.try_extend(b"abc").unwrap();
        assert_eq!(b.try_extend(b"de"), Err(Full { capacity: 4 }));
        assert_eq!(b.bytes(), b"abc");
        assert_eq!(b.try_extend_within(0..2), Err(Full { capacity: 4 }));
        b.try_extend_within(1..2).unwrap();
        assert_eq!(b.bytes(), b"abcb");
        // A range may run to the end of what is stored, not past it.
        b.truncate(2);
        assert_eq!(b.try_extend_within(1..3), Err(Full { capacity: 4 }));
        b.try_extend_within(0..2).unwrap();
        assert_eq!(b.bytes(), b"abab");
        b.truncate(1);
        assert_eq!(b.bytes(), b"a");
        assert_eq!(b.try_extend_line(b"bcd"), Err(Full { capacity: 4 }));
        b.try_extend_line(b"bc").unwrap();
        assert_eq!(b.bytes(), b"abc\n");
    }
}
