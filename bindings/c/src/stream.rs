//! `hush_stream`: the push stream, one output buffer per call.

use std::ffi::c_int;

use crate::buffer::{self, Out};
use crate::scrubber::{HushScrubber, scrubber};
use crate::status::{Failure, HUSH_ERR_STREAM, guard, guard_ptr};

/// The handle C code knows as `hush_stream`.
pub struct HushStream {
    inner: hush::Stream,
    /// Set while a call runs and left set if it panics: the held bytes may
    /// then be in any state, so the stream refuses every later call rather
    /// than return them.
    broken: bool,
}

/// Runs `op` on the stream behind `st` and hands what it returns to the
/// caller through `out` and `out_len`.
///
/// # Safety
///
/// `st` NULL or a live handle used by no other thread during the call;
/// `out` and `out_len` valid for writes.
pub(crate) unsafe fn call(
    st: *mut HushStream,
    out: *mut *mut u8,
    out_len: *mut usize,
    op: impl FnOnce(&mut hush::Stream) -> Result<&[u8], Failure>,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract, for each pointer.
        let out = unsafe { Out::new(out, out_len)? };
        let st = match unsafe { st.as_mut() } {
            Some(st) => st,
            None => return Err(Failure::null("stream")),
        };
        if st.broken {
            return Err(Failure::new(
                HUSH_ERR_STREAM,
                "stream unusable after an internal error; its held bytes are discarded",
            ));
        }
        // Cleared only if `op` returns: a panic leaves it set.
        st.broken = true;
        let result = op(&mut st.inner);
        st.broken = false;
        out.put(result?);
        Ok(())
    })
}

/// A new stream scrubbed by `s`, or NULL on failure. The stream keeps what
/// it needs of the scrubber: freeing the scrubber first is allowed.
///
/// # Safety
///
/// `s` NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_stream_new(s: *const HushScrubber) -> *mut HushStream {
    guard_ptr(|| {
        // SAFETY: the caller's contract.
        let s = unsafe { scrubber(s)? };
        Ok(Box::into_raw(Box::new(HushStream {
            inner: s.stream(),
            broken: false,
        })))
    })
}

/// Frees a stream. Bytes it still holds are discarded, not returned: call
/// `hush_stream_finish` first to get them.
///
/// # Safety
///
/// `st` must be NULL or a handle from this library, not freed before and
/// not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_stream_free(st: *mut HushStream) {
    if !st.is_null() {
        // SAFETY: made by `Box::into_raw` here; freed once by contract.
        drop(unsafe { Box::from_raw(st) });
    }
}

/// Pushes `len` bytes at `input`; `*out` gets what may now leave, scrubbed.
///
/// # Safety
///
/// `st` a live handle; `input` NULL with `len` 0 or `len` readable bytes;
/// `out` and `out_len` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_stream_push(
    st: *mut HushStream,
    input: *const u8,
    len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> c_int {
    // SAFETY: the caller's contract, for each pointer.
    let input = unsafe { buffer::input(input, len, "input") };
    unsafe { call(st, out, out_len, |s| Ok(s.push(input?))) }
}

/// During a pause in the input: `*out` gets the unfinished line up to where
/// a secret could still be in progress.
///
/// # Safety
///
/// `st` a live handle; `out` and `out_len` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_stream_release_idle(
    st: *mut HushStream,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { call(st, out, out_len, |s| Ok(s.release_idle())) }
}

/// Ends the input: `*out` gets everything still held, scrubbed. A later
/// push starts a new input.
///
/// # Safety
///
/// `st` a live handle; `out` and `out_len` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_stream_finish(
    st: *mut HushStream,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { call(st, out, out_len, |s| Ok(s.finish())) }
}

/// How many bytes have been pushed but not yet returned, in `*held`.
///
/// # Safety
///
/// `st` a live handle; `held` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_stream_held(st: *const HushStream, held: *mut usize) -> c_int {
    guard(|| {
        if held.is_null() {
            return Err(Failure::null("held"));
        }
        // SAFETY: the caller's contract, for each pointer.
        let st = match unsafe { st.as_ref() } {
            Some(st) => st,
            None => return Err(Failure::null("stream")),
        };
        unsafe { held.write(st.inner.held()) };
        Ok(())
    })
}
