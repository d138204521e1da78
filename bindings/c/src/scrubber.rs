//! `hush_scrubber`: one-shot scrubbing, findings and known secrets.

use std::ffi::{CString, c_char, c_int};

use crate::buffer::{self, Out};
use crate::status::{Failure, HUSH_ERR_INVALID, guard, guard_ptr};

/// The handle C code knows as `hush_scrubber`: compiled rules and the live
/// set of known secrets. `Send + Sync`, so shared between threads.
pub struct HushScrubber {
    pub(crate) inner: hush::Scrubber,
}

/// A finding as C sees it (`hush_finding`): the rule's id and the span of
/// the secret in the input, never the secret.
#[repr(C)]
pub struct HushFinding {
    /// The id of the rule that found the secret, NUL-terminated, owned by
    /// the array it is in.
    pub rule: *const c_char,
    /// Where the secret starts, in bytes from the start of the input.
    pub start: usize,
    /// Where the secret ends (exclusive).
    pub end: usize,
}

/// The scrubber behind a handle.
///
/// # Safety
///
/// `s` must be NULL or a live handle from this library.
pub(crate) unsafe fn scrubber<'a>(s: *const HushScrubber) -> Result<&'a hush::Scrubber, Failure> {
    // SAFETY: the caller's contract.
    match unsafe { s.as_ref() } {
        Some(s) => Ok(&s.inner),
        None => Err(Failure::null("scrubber")),
    }
}

/// A new scrubber with the embedded default rules and its own empty set of
/// known secrets, or NULL on failure.
#[unsafe(no_mangle)]
pub extern "C" fn hush_scrubber_new() -> *mut HushScrubber {
    guard_ptr(|| {
        // Not `hush::Scrubber::new()`: that clones one process-wide
        // scrubber, so every handle would share its known secrets.
        let inner = hush::Scrubber::builder().build()?;
        Ok(Box::into_raw(Box::new(HushScrubber { inner })))
    })
}

/// Frees a scrubber. Streams made from it stay valid.
///
/// # Safety
///
/// `s` must be NULL or a handle from this library, not freed before and
/// not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_scrubber_free(s: *mut HushScrubber) {
    if !s.is_null() {
        // SAFETY: made by `Box::into_raw` in this library; the caller's
        // contract says it is freed once.
        drop(unsafe { Box::from_raw(s) });
    }
}

/// Scrubs `len` bytes at `input` into a new buffer (`*out`, `*out_len`) the
/// caller frees with `hush_free`.
///
/// # Safety
///
/// `s` a live handle; `input` NULL with `len` 0 or `len` readable bytes;
/// `out` and `out_len` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_scrub(
    s: *const HushScrubber,
    input: *const u8,
    len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract, for each pointer.
        let out = unsafe { Out::new(out, out_len)? };
        let s = unsafe { scrubber(s)? };
        let input = unsafe { buffer::input(input, len, "input")? };
        out.put(&s.scrub(input));
        Ok(())
    })
}

/// Frees a buffer returned by `hush_scrub` or a stream call.
///
/// # Safety
///
/// `buf` must be NULL or a buffer from this library with its `len`, not
/// freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_free(buf: *mut u8, len: usize) {
    // SAFETY: the caller's contract.
    unsafe { buffer::free(buf, len) }
}

/// Finds the secrets in `len` bytes at `input`: a new array of `*count`
/// findings the caller frees with `hush_findings_free`.
///
/// # Safety
///
/// `s` a live handle; `input` NULL with `len` 0 or `len` readable bytes;
/// `out` and `count` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_find(
    s: *const HushScrubber,
    input: *const u8,
    len: usize,
    out: *mut *mut HushFinding,
    count: *mut usize,
) -> c_int {
    guard(|| {
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        if count.is_null() {
            return Err(Failure::null("count"));
        }
        // SAFETY: checked non-NULL, valid for writes by contract.
        unsafe {
            out.write(std::ptr::null_mut());
            count.write(0);
        }
        // SAFETY: the caller's contract.
        let s = unsafe { scrubber(s)? };
        let input = unsafe { buffer::input(input, len, "input")? };
        let findings: Box<[HushFinding]> = s
            .find(input)
            .into_iter()
            .map(|f| HushFinding {
                // Rule ids never hold a NUL; an empty id if one ever did.
                rule: CString::new(f.rule()).unwrap_or_default().into_raw(),
                start: f.start(),
                end: f.end(),
            })
            .collect();
        if findings.is_empty() {
            return Ok(());
        }
        let n = findings.len();
        // SAFETY: as above.
        unsafe {
            out.write(Box::into_raw(findings).cast());
            count.write(n);
        }
        Ok(())
    })
}

/// Frees an array returned by `hush_find`, and the rule ids in it.
///
/// # Safety
///
/// `findings` must be NULL or an array from `hush_find` with its `count`,
/// not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_findings_free(findings: *mut HushFinding, count: usize) {
    if findings.is_null() {
        return;
    }
    // SAFETY: `hush_find` made the array from a `Box<[HushFinding]>` of
    // `count` elements, and each id with `CString::into_raw`.
    let findings = unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(findings, count)) };
    for f in findings.iter() {
        drop(unsafe { CString::from_raw(f.rule.cast_mut()) });
    }
}

/// Adds a known secret to the scrubber's live set: from now on it is
/// redacted by this scrubber and every stream made from it.
///
/// # Safety
///
/// `s` a live handle; `value` NULL with `len` 0 or `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_known_add(
    s: *const HushScrubber,
    value: *const u8,
    len: usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let s = unsafe { scrubber(s)? };
        let value = unsafe { buffer::input(value, len, "value")? };
        s.known_secrets().add(value)?;
        Ok(())
    })
}

/// Adds `count` known secrets at once (`values[i]` of `lens[i]` bytes):
/// all of them, or none if one is refused.
///
/// # Safety
///
/// `s` a live handle; `values` and `lens` NULL with `count` 0 or arrays of
/// `count` elements, each `values[i]` NULL with `lens[i]` 0 or `lens[i]`
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_known_add_many(
    s: *const HushScrubber,
    values: *const *const u8,
    lens: *const usize,
    count: usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract, for each pointer.
        let s = unsafe { scrubber(s)? };
        if count > isize::MAX as usize / std::mem::size_of::<usize>() {
            return Err(Failure::new(HUSH_ERR_INVALID, "count: too large"));
        }
        if count > 0 && values.is_null() {
            return Err(Failure::null("values"));
        }
        if count > 0 && lens.is_null() {
            return Err(Failure::null("lens"));
        }
        let mut all = Vec::with_capacity(count);
        for i in 0..count {
            // SAFETY: both arrays hold `count` elements by contract.
            let (ptr, len) = unsafe { (*values.add(i), *lens.add(i)) };
            all.push(unsafe { buffer::input(ptr, len, "values[i]")? });
        }
        s.known_secrets().add_many(all)?;
        Ok(())
    })
}

/// How many known secrets the scrubber holds, in `*count`.
///
/// # Safety
///
/// `s` a live handle; `count` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_known_count(s: *const HushScrubber, count: *mut usize) -> c_int {
    guard(|| {
        if count.is_null() {
            return Err(Failure::null("count"));
        }
        // SAFETY: the caller's contract.
        let s = unsafe { scrubber(s)? };
        unsafe { count.write(s.known_secrets().len()) };
        Ok(())
    })
}

/// Compiles now what scrubs would otherwise compile on first use (each
/// rule's regex, allowlists and split, the keyword groups' DFAs), so that
/// no later scrub pauses for it: a few hundred milliseconds of CPU for the
/// defaults. Call it on a thread of your own; the scrubber can be used
/// from other threads meanwhile.
///
/// # Safety
///
/// `s` a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_scrubber_warm_up(s: *const HushScrubber) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let s = unsafe { scrubber(s)? };
        s.warm_up();
        Ok(())
    })
}
