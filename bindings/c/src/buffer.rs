//! Byte buffers across the boundary: the caller's input read as slices,
//! output handed over as allocations the caller frees with `hush_free`.

use std::ffi::{CStr, c_char};

use crate::status::{Failure, HUSH_ERR_INVALID};

/// The caller's `len` bytes at `ptr`. NULL is accepted for an empty input.
///
/// # Safety
///
/// Unless NULL, `ptr` must point to `len` readable bytes that stay
/// unchanged for `'a`.
pub(crate) unsafe fn input<'a>(
    ptr: *const u8,
    len: usize,
    what: &'static str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::null(what))
        };
    }
    if len > isize::MAX as usize {
        return Err(Failure::new(
            HUSH_ERR_INVALID,
            format!("{what}: length too large"),
        ));
    }
    // SAFETY: the caller's contract; the length is in range.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The caller's `len` bytes at `ptr`, which must be UTF-8.
///
/// # Safety
///
/// As for [`input`].
pub(crate) unsafe fn input_str<'a>(
    ptr: *const c_char,
    len: usize,
    what: &'static str,
) -> Result<&'a str, Failure> {
    // SAFETY: the caller's contract.
    let bytes = unsafe { input(ptr.cast(), len, what)? };
    std::str::from_utf8(bytes)
        .map_err(|_| Failure::new(HUSH_ERR_INVALID, format!("{what} is not utf-8")))
}

/// The caller's NUL-terminated string at `ptr`, which must be UTF-8.
///
/// # Safety
///
/// `ptr` must be NULL or point to a NUL-terminated string that stays
/// unchanged for `'a`.
pub(crate) unsafe fn c_str<'a>(ptr: *const c_char, what: &'static str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: the caller's contract.
    let s = unsafe { CStr::from_ptr(ptr) };
    s.to_str()
        .map_err(|_| Failure::new(HUSH_ERR_INVALID, format!("{what} is not utf-8")))
}

/// The caller's out-parameters for a byte buffer, cleared at once so that
/// a failure leaves no stale pointer behind.
pub(crate) struct Out {
    buf: *mut *mut u8,
    len: *mut usize,
}

impl Out {
    /// # Safety
    ///
    /// Unless NULL, `buf` and `len` must be valid for writes.
    pub(crate) unsafe fn new(buf: *mut *mut u8, len: *mut usize) -> Result<Out, Failure> {
        if buf.is_null() {
            return Err(Failure::null("out"));
        }
        if len.is_null() {
            return Err(Failure::null("out_len"));
        }
        // SAFETY: both checked non-NULL; valid for writes by contract.
        unsafe {
            buf.write(std::ptr::null_mut());
            len.write(0);
        }
        Ok(Out { buf, len })
    }

    /// Hands `bytes` to the caller as a new allocation, or NULL and 0 when
    /// empty.
    pub(crate) fn put(self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let boxed: Box<[u8]> = bytes.into();
        let len = boxed.len();
        let ptr = Box::into_raw(boxed).cast::<u8>();
        // SAFETY: checked non-NULL and valid for writes in `Out::new`.
        unsafe {
            self.buf.write(ptr);
            self.len.write(len);
        }
    }
}

/// Frees a buffer that `put` handed out.
///
/// # Safety
///
/// `ptr` must be NULL or a pointer that `put` handed out with this `len`,
/// not freed before.
pub(crate) unsafe fn free(ptr: *mut u8, len: usize) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: `put` made this pointer from a `Box<[u8]>` of `len` bytes.
    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
}
