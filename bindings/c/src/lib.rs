//! The C ABI of hush: `libhush_ffi.so` and `libhush_ffi.a`, declared by
//! the hand-written header `include/hush.h`.
//!
//! This crate only translates: opaque handles for [`hush::Scrubber`],
//! [`hush::Builder`] and [`hush::Stream`], byte buffers for slices, status
//! codes and a thread-local message for [`hush::Error`]. Every function
//! runs under a guard that catches panics, so none crosses the boundary,
//! and checks its pointer arguments for NULL. The header documents the
//! ownership rules of every function; `README.md` beside it the threading
//! rules and the cgo recipe.
//!
//! The header and the exports are kept in agreement by a test that reads
//! `include/hush.h` and the `#[unsafe(no_mangle)]` functions of `src/`.

#![deny(missing_docs)]

// The guard turns panics into error codes by unwinding; with panics that
// abort, a bug would kill the host process instead.
#[cfg(panic = "abort")]
compile_error!("hush-ffi needs panic = \"unwind\" to keep panics from crossing the C boundary");

use std::ffi::c_char;

mod buffer;
mod builder;
mod scrubber;
mod status;
mod stream;

pub use crate::builder::{
    HUSH_REDACTION_FINGERPRINT, HUSH_REDACTION_LABEL, HUSH_REDACTION_MASK, HushBuilder,
    hush_builder_add_rules, hush_builder_add_rules_file, hush_builder_build, hush_builder_defaults,
    hush_builder_disable_category, hush_builder_disable_rule, hush_builder_enable_rule,
    hush_builder_fingerprint_key, hush_builder_free, hush_builder_known_secret, hush_builder_new,
    hush_builder_redaction, hush_builder_redaction_text,
};
pub use crate::scrubber::{
    HushFinding, HushScrubber, hush_find, hush_findings_free, hush_free, hush_known_add,
    hush_known_add_many, hush_known_count, hush_scrub, hush_scrubber_free, hush_scrubber_new,
};
pub use crate::status::{
    HUSH_ERR_CONFIG, HUSH_ERR_INVALID, HUSH_ERR_IO, HUSH_ERR_NULL, HUSH_ERR_PANIC, HUSH_ERR_RULES,
    HUSH_ERR_SECRET, HUSH_ERR_STREAM, HUSH_OK,
};
pub use crate::stream::{
    HushStream, hush_stream_finish, hush_stream_free, hush_stream_held, hush_stream_new,
    hush_stream_push, hush_stream_release_idle,
};

/// The message of the last failed call on this thread, NUL-terminated; an
/// empty string if none failed. It never holds a secret or an input value.
/// The pointer stays valid until the next failing call on the same thread.
#[unsafe(no_mangle)]
pub extern "C" fn hush_last_error() -> *const c_char {
    status::last_error()
}

/// The version of this library, NUL-terminated, static.
#[unsafe(no_mangle)]
pub extern "C" fn hush_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests;
