//! `hush_builder`: rules from rule files and text, defaults on or off,
//! known secrets and the redaction style, then `hush_builder_build`.

use std::ffi::{c_char, c_int};

use crate::buffer;
use crate::scrubber::HushScrubber;
use crate::status::{Failure, HUSH_ERR_INVALID, guard, guard_ptr};

/// `[REDACTED:<rule-id>]`, the default.
pub const HUSH_REDACTION_LABEL: c_int = 0;
/// The provider's prefix kept, the rest replaced: `ghp_[REDACTED]`.
pub const HUSH_REDACTION_MASK: c_int = 1;
/// `[REDACTED:<rule-id>:<16 hex digits>]`, a keyed fingerprint.
pub const HUSH_REDACTION_FINGERPRINT: c_int = 2;

/// The handle C code knows as `hush_builder`.
pub struct HushBuilder {
    inner: hush::Builder,
}

/// The builder behind a handle.
///
/// # Safety
///
/// `b` must be NULL or a live handle from this library, used by no other
/// thread during the call.
unsafe fn builder<'a>(b: *mut HushBuilder) -> Result<&'a mut hush::Builder, Failure> {
    // SAFETY: the caller's contract.
    match unsafe { b.as_mut() } {
        Some(b) => Ok(&mut b.inner),
        None => Err(Failure::null("builder")),
    }
}

/// A new builder that starts from the embedded default rules, or NULL on
/// failure.
#[unsafe(no_mangle)]
pub extern "C" fn hush_builder_new() -> *mut HushBuilder {
    guard_ptr(|| {
        Ok(Box::into_raw(Box::new(HushBuilder {
            inner: hush::Scrubber::builder(),
        })))
    })
}

/// Frees a builder.
///
/// # Safety
///
/// `b` must be NULL or a handle from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_free(b: *mut HushBuilder) {
    if !b.is_null() {
        // SAFETY: made by `Box::into_raw` here; freed once by contract.
        drop(unsafe { Box::from_raw(b) });
    }
}

/// Whether to include the embedded default rules (non-zero: yes).
///
/// # Safety
///
/// `b` a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_defaults(b: *mut HushBuilder, yes: c_int) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        unsafe { builder(b)? }.defaults(yes != 0);
        Ok(())
    })
}

/// Adds the rules of a rule file's text (`len` bytes of UTF-8 TOML);
/// `name` stands for the file in error messages.
///
/// # Safety
///
/// `b` a live handle; `name` a NUL-terminated string; `text` NULL with
/// `len` 0 or `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_add_rules(
    b: *mut HushBuilder,
    name: *const c_char,
    text: *const c_char,
    len: usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract, for each pointer.
        let b = unsafe { builder(b)? };
        let name = unsafe { buffer::c_str(name, "name")? };
        let text = unsafe { buffer::input_str(text, len, "text")? };
        b.add_rules_str(name, text);
        Ok(())
    })
}

/// Adds the rules of the rule file at `path`, read by `hush_builder_build`.
///
/// # Safety
///
/// `b` a live handle; `path` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_add_rules_file(
    b: *mut HushBuilder,
    path: *const c_char,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract, for each pointer.
        let b = unsafe { builder(b)? };
        let path = unsafe { buffer::c_str(path, "path")? };
        b.add_rules_file(path);
        Ok(())
    })
}

/// Registers a known secret of `len` bytes; a value shorter than 6 bytes
/// makes `hush_builder_build` fail.
///
/// # Safety
///
/// `b` a live handle; `value` NULL with `len` 0 or `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_known_secret(
    b: *mut HushBuilder,
    value: *const u8,
    len: usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract, for each pointer.
        let b = unsafe { builder(b)? };
        let value = unsafe { buffer::input(value, len, "value")? };
        b.known_secret(value);
        Ok(())
    })
}

/// How secrets are replaced: one of the `HUSH_REDACTION_*` styles.
///
/// # Safety
///
/// `b` a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_redaction(b: *mut HushBuilder, style: c_int) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let b = unsafe { builder(b)? };
        let style = match style {
            HUSH_REDACTION_LABEL => hush::Redaction::Label,
            HUSH_REDACTION_MASK => hush::Redaction::Mask,
            HUSH_REDACTION_FINGERPRINT => hush::Redaction::Fingerprint,
            _ => {
                return Err(Failure::new(
                    HUSH_ERR_INVALID,
                    "style: unknown redaction style",
                ));
            }
        };
        b.redaction(style);
        Ok(())
    })
}

/// Replaces every secret with fixed text (`len` bytes of UTF-8).
///
/// # Safety
///
/// `b` a live handle; `text` NULL with `len` 0 or `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_redaction_text(
    b: *mut HushBuilder,
    text: *const c_char,
    len: usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract, for each pointer.
        let b = unsafe { builder(b)? };
        let text = unsafe { buffer::input_str(text, len, "text")? };
        b.redaction(hush::Redaction::Text(text.to_string()));
        Ok(())
    })
}

/// The key for `HUSH_REDACTION_FINGERPRINT` (`len` bytes, at least 16
/// random ones); without one, a random key per process.
///
/// # Safety
///
/// `b` a live handle; `key` NULL with `len` 0 or `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_fingerprint_key(
    b: *mut HushBuilder,
    key: *const u8,
    len: usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract, for each pointer.
        let b = unsafe { builder(b)? };
        let key = unsafe { buffer::input(key, len, "key")? };
        b.fingerprint_key(key);
        Ok(())
    })
}

/// Turns a rule off, by id.
///
/// # Safety
///
/// `b` a live handle; `id` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_disable_rule(
    b: *mut HushBuilder,
    id: *const c_char,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract, for each pointer.
        let b = unsafe { builder(b)? };
        let id = unsafe { buffer::c_str(id, "id")? };
        b.disable_rule(id);
        Ok(())
    })
}

/// Turns a rule on again after its category was turned off.
///
/// # Safety
///
/// `b` a live handle; `id` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_enable_rule(b: *mut HushBuilder, id: *const c_char) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract, for each pointer.
        let b = unsafe { builder(b)? };
        let id = unsafe { buffer::c_str(id, "id")? };
        b.enable_rule(id);
        Ok(())
    })
}

/// Turns off every rule of a category.
///
/// # Safety
///
/// `b` a live handle; `category` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_disable_category(
    b: *mut HushBuilder,
    category: *const c_char,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract, for each pointer.
        let b = unsafe { builder(b)? };
        let category = unsafe { buffer::c_str(category, "category")? };
        b.disable_category(category);
        Ok(())
    })
}

/// Loads, checks and compiles the rules into a new scrubber in `*out`.
/// The builder is left as it was and may build again.
///
/// # Safety
///
/// `b` a live handle; `out` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hush_builder_build(
    b: *const HushBuilder,
    out: *mut *mut HushScrubber,
) -> c_int {
    guard(|| {
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        // SAFETY: checked non-NULL, valid for writes by contract.
        unsafe { out.write(std::ptr::null_mut()) };
        // SAFETY: the caller's contract.
        let b = match unsafe { b.as_ref() } {
            Some(b) => &b.inner,
            None => return Err(Failure::null("builder")),
        };
        let scrubber = b.build()?;
        let handle = Box::into_raw(Box::new(HushScrubber { inner: scrubber }));
        // SAFETY: as above.
        unsafe { out.write(handle) };
        Ok(())
    })
}
