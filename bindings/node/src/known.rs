//! The `KnownSecrets` class: values the runtime knows, added at any time.

use napi::bindgen_prelude::{Result, Unknown};
use napi_derive::napi;

use crate::{args, guard, library_error};

/// The secret values a scrubber knows (its API keys, the session tokens it
/// mints), redacted in their common encodings (base64, URL and JSON
/// escapes, hex). Shared by the scrubber and every stream made from it: a
/// value added here is redacted by all of them from their next call on.
///
/// Got from `Scrubber.knownSecrets`.
#[napi]
pub struct KnownSecrets {
    inner: hush::KnownSecrets,
}

impl KnownSecrets {
    pub(crate) fn new(inner: hush::KnownSecrets) -> KnownSecrets {
        KnownSecrets { inner }
    }
}

#[napi]
impl KnownSecrets {
    /// Registers a value. Adding one twice is harmless.
    ///
    /// Throws if it is shorter than 6 bytes (the message gives the reason,
    /// never the value).
    #[napi(ts_args_type = "value: string | Buffer | Uint8Array")]
    pub fn add(&self, value: Unknown) -> Result<()> {
        let value = args::bytes(value, "add(value): value", true)?;
        guard(|| self.inner.add(value).map_err(library_error))
    }

    /// Registers several values at once (cheaper than one by one). If one
    /// is refused, none is added.
    #[napi(ts_args_type = "values: Array<string | Buffer | Uint8Array>")]
    pub fn add_many(&self, values: Unknown) -> Result<()> {
        let values = args::array(values, "addMany(values): values")?
            .into_iter()
            .map(|v| args::bytes(v, "addMany(values): values[i]", true))
            .collect::<Result<Vec<_>>>()?;
        guard(|| self.inner.add_many(values).map_err(library_error))
    }

    /// How many values are registered.
    #[napi(getter)]
    pub fn length(&self) -> i64 {
        self.inner.len() as i64
    }
}
