//! Node bindings for hush, the secret redactor: the `hush-redact` npm
//! package's native addon.
//!
//! This crate only translates: JavaScript values into the library's types
//! and back (`args.rs` checks every argument's type itself, so that no
//! error quotes a value), the library's errors into thrown `Error`s with the
//! same one-line messages, and panics into errors. Matching, streaming and
//! structured scrubbing are the library's.

// napi-rs's macros generate the FFI glue; this crate writes no `unsafe`.
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod args;
mod known;
mod scrubber;
mod stream;

pub use known::KnownSecrets;
pub use scrubber::{Finding, RuleCount, Scrubber, ScrubberOptions};
pub use stream::Stream;

use napi::bindgen_prelude::{Error, Result, Status};

/// Runs `f`, turning a panic into an error. The panic's message is not
/// kept: it could quote the input.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::new(
            Status::GenericFailure,
            "hush-redact: internal error (a bug in hush); nothing was returned",
        ))
    })
}

/// The library's error as a JavaScript one, with its one-line message
/// (which never holds a secret).
pub(crate) fn library_error(e: hush::Error) -> Error {
    Error::new(Status::GenericFailure, e.to_string())
}

/// Replaces the default panic hook, which prints the panic's message (it
/// could quote the input), by one that prints only where it happened.
#[napi_derive::module_init]
fn init() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("hush-redact: internal error{at} (message withheld)");
    }));
}
