//! Status codes, the thread-local last error, and the guard that keeps
//! panics on the Rust side of the boundary.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::ffi::{CString, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

/// The call succeeded.
pub const HUSH_OK: c_int = 0;
/// A pointer argument that must not be NULL was NULL.
pub const HUSH_ERR_NULL: c_int = 1;
/// An argument is invalid: text that must be UTF-8 is not, an unknown
/// redaction style, a length too large for a buffer.
pub const HUSH_ERR_INVALID: c_int = 2;
/// A rule file could not be read.
pub const HUSH_ERR_IO: c_int = 3;
/// A rule file does not parse, or one of its rules is invalid.
pub const HUSH_ERR_RULES: c_int = 4;
/// A builder setting is invalid, e.g. it names a rule that does not exist.
pub const HUSH_ERR_CONFIG: c_int = 5;
/// A known secret was refused (too short).
pub const HUSH_ERR_SECRET: c_int = 6;
/// An internal error (a bug in hush) was caught; the call had no effect
/// and returned no output.
pub const HUSH_ERR_PANIC: c_int = 7;
/// A stream is unusable: an earlier call on it failed with
/// [`HUSH_ERR_PANIC`], and what it held is discarded rather than returned.
pub const HUSH_ERR_STREAM: c_int = 8;

/// Why a call failed: a status code and a message that never holds a
/// secret or any input value.
pub(crate) struct Failure {
    pub(crate) code: c_int,
    pub(crate) message: Cow<'static, str>,
}

impl Failure {
    pub(crate) fn new(code: c_int, message: impl Into<Cow<'static, str>>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// A required pointer argument was NULL; `what` names the parameter.
    pub(crate) fn null(what: &'static str) -> Failure {
        Failure::new(HUSH_ERR_NULL, format!("{what} is null"))
    }
}

impl From<hush::Error> for Failure {
    fn from(err: hush::Error) -> Failure {
        let code = match err.kind() {
            hush::ErrorKind::Io => HUSH_ERR_IO,
            hush::ErrorKind::Parse | hush::ErrorKind::Rule => HUSH_ERR_RULES,
            hush::ErrorKind::Config => HUSH_ERR_CONFIG,
            hush::ErrorKind::Secret => HUSH_ERR_SECRET,
            // A kind added to the library later: still a failure, with the
            // library's message, which never holds a secret.
            _ => HUSH_ERR_CONFIG,
        };
        // The library's Display is one line and never quotes a secret.
        Failure::new(code, err.to_string())
    }
}

/// What `hush_last_error` says after a panic. The payload is not quoted:
/// a panic message may hold input bytes.
pub(crate) const PANIC_MESSAGE: &str = "internal error in hush (a bug); the call had no effect";

thread_local! {
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Records `message` as this thread's last error.
pub(crate) fn set_last_error(message: &str) {
    // A NUL would cut the C string short; the messages hold none, but a
    // file name given by the caller could in principle.
    let bytes: Vec<u8> = message.bytes().filter(|&b| b != 0).collect();
    let message = CString::new(bytes).unwrap_or_default();
    // During thread teardown the slot may be gone; nothing to record then.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = Some(message));
}

/// The message of the last failed call on this thread, or an empty string.
///
/// The pointer stays valid until the next failing call on the same thread.
pub(crate) fn last_error() -> *const c_char {
    static EMPTY: &[u8] = b"\0";
    LAST_ERROR
        .try_with(|slot| match &*slot.borrow() {
            Some(message) => message.as_ptr(),
            None => EMPTY.as_ptr().cast(),
        })
        .unwrap_or(EMPTY.as_ptr().cast())
}

thread_local! {
    /// Whether this thread is inside a call into the library.
    static IN_CALL: Cell<bool> = const { Cell::new(false) };
}

/// The default panic hook prints the panic's payload to stderr, and a
/// payload may quote input. A panic inside a call prints nothing: it is
/// reported through the status code and `hush_last_error` instead. Other
/// panics (a test's failed assertion) go to the hook there was before.
fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_CALL.try_with(Cell::get).unwrap_or(true) {
                previous(info);
            }
        }));
    });
}

/// Runs `body` with panics caught: returns its status code and records
/// its failure, if any, as the last error.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Failure>) -> c_int {
    quiet_panics();
    // `try_with`: a call from a thread-local destructor must not panic
    // outside the guard when this slot is already gone.
    let outer = IN_CALL.try_with(|c| c.replace(true)).unwrap_or(false);
    let result = catch_unwind(AssertUnwindSafe(body));
    let _ = IN_CALL.try_with(|c| c.set(outer));
    match result {
        Ok(Ok(())) => HUSH_OK,
        Ok(Err(failure)) => {
            set_last_error(&failure.message);
            failure.code
        }
        Err(_payload) => {
            set_last_error(PANIC_MESSAGE);
            HUSH_ERR_PANIC
        }
    }
}

/// Like [`guard`], for the constructors that return a handle: NULL on
/// failure.
pub(crate) fn guard_ptr<T>(body: impl FnOnce() -> Result<*mut T, Failure>) -> *mut T {
    let mut made = std::ptr::null_mut();
    guard(|| {
        made = body()?;
        Ok(())
    });
    made
}
