//! JavaScript arguments into Rust values, with errors that quote nothing.
//!
//! napi-rs's own conversions describe a value of the wrong type by quoting
//! it (`Failed to convert JavaScript value `Object {"token":"..."}` into
//! rust type `String``): passed a secret in the wrong shape, that message
//! would carry the secret into a log. So every argument is taken as
//! [`Unknown`], its type checked here, and a wrong one reported by the
//! parameter's name and the type received, never by its value.

use napi::bindgen_prelude::JsObjectValue;
use napi::bindgen_prelude::{
    BufferSlice, Error, FromNapiValue, Object, Result, Status, Uint8ArraySlice, Unknown,
};
use napi::{JsValue, ValueType};

/// A `TypeError`-like error: which argument, what was expected, what type
/// came. `what` and `expected` are fixed strings of this crate.
pub(crate) fn wrong_type(what: &str, expected: &str, got: &Unknown) -> Error {
    let got = match got.get_type() {
        Ok(t) => type_name(t, got),
        Err(_) => "an unknown type",
    };
    Error::new(
        Status::InvalidArg,
        format!("{what} must be {expected}, not {got}"),
    )
}

fn type_name(t: ValueType, value: &Unknown) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Function => "a function",
        ValueType::Object if value.is_array().unwrap_or(false) => "an array",
        ValueType::Object if value.is_buffer().unwrap_or(false) => "a Buffer",
        ValueType::Object if value.is_typedarray().unwrap_or(false) => "a typed array",
        ValueType::Object => "an object",
        _ => "an unknown type",
    }
}

/// Whether `value` is `undefined` or `null`.
pub(crate) fn is_nullish(value: &Unknown) -> Result<bool> {
    Ok(matches!(
        value.get_type()?,
        ValueType::Undefined | ValueType::Null
    ))
}

/// A JavaScript string, as UTF-8 (lone surrogates become U+FFFD, as
/// `Buffer.from(string)` makes them).
pub(crate) fn string(value: Unknown, what: &str) -> Result<String> {
    if value.get_type()? != ValueType::String {
        return Err(wrong_type(what, "a string", &value));
    }
    String::from_unknown(value)
}

/// A boolean.
pub(crate) fn boolean(value: Unknown, what: &str) -> Result<bool> {
    if value.get_type()? != ValueType::Boolean {
        return Err(wrong_type(what, "a boolean", &value));
    }
    bool::from_unknown(value)
}

/// Bytes borrowed from a `Buffer` or `Uint8Array`, or a string's UTF-8.
pub(crate) enum Bytes<'env> {
    Buffer(BufferSlice<'env>),
    Array(Uint8ArraySlice<'env>),
    Text(String),
}

impl AsRef<[u8]> for Bytes<'_> {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Buffer(b) => b,
            Bytes::Array(a) => a,
            Bytes::Text(s) => s.as_bytes(),
        }
    }
}

/// A `Buffer` or `Uint8Array`, borrowed; a string too if `text` is set.
pub(crate) fn bytes<'env>(value: Unknown<'env>, what: &str, text: bool) -> Result<Bytes<'env>> {
    let expected = if text {
        "a string, Buffer or Uint8Array"
    } else {
        "a Buffer or Uint8Array"
    };
    match value.get_type()? {
        ValueType::String if text => Ok(Bytes::Text(String::from_unknown(value)?)),
        ValueType::Object if value.is_buffer()? => {
            Ok(Bytes::Buffer(BufferSlice::from_unknown(value)?))
        }
        ValueType::Object if value.is_typedarray()? => {
            // Any other typed array is refused by the conversion with a
            // message that names only the types.
            Uint8ArraySlice::from_unknown(value)
                .map(Bytes::Array)
                .map_err(|_| wrong_type(what, expected, &value))
        }
        _ => Err(wrong_type(what, expected, &value)),
    }
}

/// The elements of an array.
pub(crate) fn array<'env>(value: Unknown<'env>, what: &str) -> Result<Vec<Unknown<'env>>> {
    if value.get_type()? != ValueType::Object || !value.is_array()? {
        return Err(wrong_type(what, "an array", &value));
    }
    let object = Object::from_unknown(value)?;
    let len = object.get_array_length()?;
    (0..len).map(|i| object.get_element(i)).collect()
}

/// A plain object (not an array, not null).
pub(crate) fn object<'env>(value: Unknown<'env>, what: &str) -> Result<Object<'env>> {
    if value.get_type()? != ValueType::Object || value.is_array()? {
        return Err(wrong_type(what, "an object", &value));
    }
    Object::from_unknown(value)
}
