//! `hush_redact._native`: the Python binding of hush.
//!
//! This module only translates: Python values to the library's types and
//! back, the library's errors to `HushError`, and threading (the GIL is
//! released while the library works). Every decision about what is a
//! secret is the library's; the pure-Python package `hush_redact` around
//! this module adds the integrations (logging, OpenTelemetry, LangSmith).
//!
//! Nothing here formats an input value into an error: messages name the
//! argument or the type, never the content.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;

pyo3::create_exception!(
    hush_redact,
    HushError,
    PyValueError,
    "An error from hush: rules that do not load, a refused known secret, a \
     stream used after it was closed. The message is one line and never \
     contains a secret. `kind`, `file`, `line` and `rule` locate it when the \
     library says (else None)."
);

/// How deep `scrub_json` follows nested lists and dicts. Deeper input (or a
/// list that contains itself) is refused rather than recursed into.
const MAX_JSON_DEPTH: usize = 512;

/// The library's error as a `HushError` carrying its one-line message and
/// the facts that locate it.
fn hush_error(py: Python<'_>, err: &hush::Error) -> PyErr {
    let e = HushError::new_err(err.to_string());
    let value = e.value(py);
    let kind = match err.kind() {
        hush::ErrorKind::Io => "io",
        hush::ErrorKind::Parse => "parse",
        hush::ErrorKind::Rule => "rule",
        hush::ErrorKind::Config => "config",
        hush::ErrorKind::Secret => "secret",
        _ => "other",
    };
    let file = err.file().map(|p| p.to_string_lossy().into_owned());
    // Setting attributes on a fresh exception instance cannot fail short of
    // memory exhaustion; the message alone still says what went wrong.
    let _ = value.setattr("kind", kind);
    let _ = value.setattr("file", file);
    let _ = value.setattr("line", err.line());
    let _ = value.setattr("rule", err.rule());
    e
}

/// A `HushError` raised by the binding itself (no library error behind it).
fn binding_error(message: &str) -> PyErr {
    HushError::new_err(message.to_string())
}

/// The `known=` / `add_many` argument: an iterable of `str` or `bytes`
/// values, never a single string (which would be split into characters).
fn secret_values(values: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Vec<u8>>> {
    if values.is_instance_of::<PyString>() || values.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "{what} takes a list of values, not a single string"
        )));
    }
    let mut out = Vec::new();
    for item in values.try_iter()? {
        out.push(secret_value(&item?, what)?);
    }
    Ok(out)
}

/// One known secret value as bytes: a `str` as UTF-8, or bytes.
fn secret_value(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned().into_bytes());
    }
    match value.extract::<Cow<'_, [u8]>>() {
        Ok(b) => Ok(b.into_owned()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{what}: a known secret must be str or bytes"
        ))),
    }
}

/// Compiled rules and known secrets: redacts strings, bytes, JSON values
/// and streams. Safe to share between threads; the GIL is released while
/// it scrubs.
#[pyclass(frozen, module = "hush_redact")]
struct Scrubber {
    inner: hush::Scrubber,
}

#[pymethods]
impl Scrubber {
    #[new]
    #[pyo3(signature = (rules=None, *, defaults=true, known=None, redaction="label", fingerprint_key=None))]
    fn new(
        py: Python<'_>,
        rules: Option<&Bound<'_, PyAny>>,
        defaults: bool,
        known: Option<&Bound<'_, PyAny>>,
        redaction: &str,
        fingerprint_key: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Scrubber> {
        let mut builder = hush::Scrubber::builder();
        builder.defaults(defaults);
        if let Some(rules) = rules {
            if rules.is_instance_of::<PyString>() || rules.is_instance_of::<PyBytes>() {
                return Err(PyTypeError::new_err(
                    "rules takes a list of paths or rule-file texts, not a single string",
                ));
            }
            for (i, item) in rules.try_iter()?.enumerate() {
                let item = item?;
                if let Ok(s) = item.cast::<PyString>() {
                    let s = s.to_cow()?;
                    // A rule file's text has line breaks; a path has none.
                    if s.contains('\n') {
                        builder.add_rules_str(format!("rules[{i}]"), &s);
                    } else {
                        builder.add_rules_file(&*s);
                    }
                } else {
                    let path: PathBuf = item.extract().map_err(|_| {
                        PyTypeError::new_err(
                            "rules: each item must be a path (str or os.PathLike) or a rule file's text",
                        )
                    })?;
                    builder.add_rules_file(path);
                }
            }
        }
        if let Some(known) = known {
            for value in secret_values(known, "known")? {
                builder.known_secret(value);
            }
        }
        let style = match redaction {
            "label" => hush::Redaction::Label,
            "mask" => hush::Redaction::Mask,
            "fingerprint" => hush::Redaction::Fingerprint,
            _ => {
                return Err(PyValueError::new_err(
                    "redaction must be \"label\", \"mask\" or \"fingerprint\"",
                ));
            }
        };
        builder.redaction(style);
        if let Some(key) = fingerprint_key {
            builder.fingerprint_key(secret_value(key, "fingerprint_key")?);
        }
        // Compiling the rules takes a while: let other threads run.
        match py.detach(|| builder.build()) {
            Ok(inner) => Ok(Scrubber { inner }),
            Err(e) => Err(hush_error(py, &e)),
        }
    }

    /// `text` with every secret replaced; the same object when clean.
    fn scrub<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyString>> {
        let s = text.to_cow()?;
        let scrubbed = py.detach(|| match self.inner.scrub_str(&s) {
            Cow::Borrowed(_) => None,
            Cow::Owned(out) => Some(out),
        });
        Ok(match scrubbed {
            None => text.clone(),
            Some(out) => PyString::new(py, &out),
        })
    }

    /// `data` (bytes, bytearray or memoryview) with every secret replaced,
    /// as bytes.
    fn scrub_bytes<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        if let Ok(bytes) = data.cast::<PyBytes>() {
            let input = bytes.as_bytes();
            let scrubbed = py.detach(|| match self.inner.scrub(input) {
                Cow::Borrowed(_) => None,
                Cow::Owned(out) => Some(out),
            });
            return Ok(match scrubbed {
                None => bytes.clone(),
                Some(out) => PyBytes::new(py, &out),
            });
        }
        let input = bytes_arg(data, "scrub_bytes")?;
        let out = py.detach(|| self.inner.scrub(&input).into_owned());
        Ok(PyBytes::new(py, &out))
    }

    /// Where secrets are in `text`: a list of `Finding(rule, start, end)`,
    /// offsets in characters of `text`, never the values.
    fn find(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Vec<Finding>> {
        let s = text.to_cow()?;
        let found: Vec<(String, usize, usize)> = py.detach(|| {
            self.inner
                .find(s.as_bytes())
                .iter()
                .map(|f| (f.rule().to_string(), f.start(), f.end()))
                .collect()
        });
        let chars = CharOffsets::new(&s, found.iter().flat_map(|&(_, a, b)| [a, b]));
        Ok(found
            .into_iter()
            .map(|(rule, start, end)| Finding {
                rule,
                start: chars.floor(start),
                end: chars.ceil(end),
            })
            .collect())
    }

    /// A new object like `value` (what `json.loads` returns: dict, list,
    /// str, int, float, bool, None; tuples are taken as lists) with secrets
    /// redacted by the library's structural rules: values under sensitive
    /// keys, argv arrays, command lines, and every string by the rules.
    fn scrub_json<'py>(
        &self,
        py: Python<'py>,
        value: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut json = to_json(value, 0)?;
        let json = py.detach(move || {
            self.inner.scrub_json(&mut json);
            json
        });
        from_json(py, &json)
    }

    /// A push stream: `write` bytes in as they arrive and get back what may
    /// leave; `finish` at the end.
    fn stream(&self) -> Stream {
        Stream {
            state: Mutex::new(StreamState {
                stream: self.inner.stream(),
                closed: false,
            }),
        }
    }

    /// The known secrets of this scrubber: values added there are redacted
    /// by every later call and every stream, open ones included.
    #[getter]
    fn known_secrets(&self) -> KnownSecrets {
        KnownSecrets {
            inner: self.inner.known_secrets(),
        }
    }

    /// The ids of the loaded rules, in order.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.inner.rules().map(|r| r.id().to_string()).collect()
    }

    /// The longest match of any rule, in bytes: what a stream may hold.
    #[getter]
    fn max_match_len(&self) -> usize {
        self.inner.max_match_len()
    }

    /// Compiles now what scrubs would otherwise compile on first use (each
    /// rule's regex, allowlists and split, the keyword groups' DFAs), so
    /// that no later scrub pauses for it. It takes a few hundred
    /// milliseconds of CPU for the defaults and releases the GIL: run it on
    /// a thread of its own (`threading.Thread(target=s.warm_up).start()`)
    /// while the scrubber is already in use.
    fn warm_up(&self, py: Python<'_>) {
        py.detach(|| self.inner.warm_up());
    }

    /// Secrets redacted so far by this scrubber's one-shot calls, per rule
    /// id (never the values).
    fn summary(&self) -> Vec<(String, u64)> {
        self.inner
            .summary()
            .into_iter()
            .map(|(id, n)| (id.to_string(), n))
            .collect()
    }

    fn __repr__(&self) -> String {
        format!("Scrubber(<{} rules>)", self.inner.rules().len())
    }
}

/// Bytes from a bytes-like argument, or a `TypeError` naming the method.
fn bytes_arg<'a>(data: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, [u8]>> {
    if data.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} takes bytes, not str (encode it, or use scrub for text)"
        )));
    }
    if let Ok(b) = data.extract::<Cow<'_, [u8]>>() {
        return Ok(b);
    }
    // memoryview and other buffers.
    let py = data.py();
    let copied = py
        .get_type::<PyBytes>()
        .call1((data,))
        .map_err(|_| PyTypeError::new_err(format!("{what} takes a bytes-like object")))?;
    let copied = copied.cast_into::<PyBytes>()?;
    Ok(Cow::Owned(copied.as_bytes().to_vec()))
}

/// Maps byte offsets of a UTF-8 string to character offsets.
struct CharOffsets {
    /// (byte offset, first character at or before it, first character
    /// boundary at or after it) for every queried offset, sorted.
    table: Vec<(usize, usize, usize)>,
}

impl CharOffsets {
    fn new(s: &str, offsets: impl Iterator<Item = usize>) -> CharOffsets {
        let mut wanted: Vec<usize> = offsets.map(|w| w.min(s.len())).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut table = Vec::with_capacity(wanted.len());
        // Characters that start before `at`: UTF-8 lead bytes, i.e. every
        // byte but continuation bytes (0b10xx_xxxx).
        let mut chars = 0;
        let mut at = 0;
        for w in wanted {
            chars += s.as_bytes()[at..w]
                .iter()
                .filter(|&&b| b & 0xC0 != 0x80)
                .count();
            at = w;
            // An edge inside a character (a rule on raw bytes) is widened to
            // take the whole character, so the span still covers the secret.
            let inside = usize::from(!s.is_char_boundary(w));
            table.push((w, chars - inside, chars));
        }
        CharOffsets { table }
    }

    fn entry(&self, byte: usize) -> (usize, usize, usize) {
        let i = self.table.partition_point(|&(b, _, _)| b < byte);
        let i = i.min(self.table.len() - 1);
        self.table[i]
    }

    /// The character that contains or starts at `byte`.
    fn floor(&self, byte: usize) -> usize {
        self.entry(byte).1
    }

    /// The first character boundary at or after `byte`, in characters.
    fn ceil(&self, byte: usize) -> usize {
        self.entry(byte).2
    }
}

/// A secret found by `Scrubber.find`: the rule that found it and where it
/// is, in characters of the text. Never the secret itself.
#[pyclass(frozen, eq, hash, get_all, module = "hush_redact")]
#[derive(Clone, PartialEq, Eq, Hash)]
struct Finding {
    rule: String,
    start: usize,
    end: usize,
}

#[pymethods]
impl Finding {
    #[new]
    fn new(rule: String, start: usize, end: usize) -> Finding {
        Finding { rule, start, end }
    }

    /// `(start, end)`, for slicing.
    #[getter]
    fn span(&self) -> (usize, usize) {
        (self.start, self.end)
    }

    fn __repr__(&self) -> String {
        format!(
            "Finding(rule='{}', start={}, end={})",
            self.rule, self.start, self.end
        )
    }
}

/// A Python value as JSON, or a `TypeError`/`HushError` naming what does
/// not fit (the type or the limit, never the value).
fn to_json(value: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_JSON_DEPTH {
        return Err(binding_error(
            "scrub_json: nested deeper than 512 levels (or a list or dict that contains itself)",
        ));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(n) = value.extract::<i64>() {
            return Ok(Value::from(n));
        }
        if let Ok(n) = value.extract::<u64>() {
            return Ok(Value::from(n));
        }
        return Err(binding_error(
            "scrub_json: an integer does not fit in 64 bits",
        ));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| binding_error("scrub_json: NaN and infinity have no JSON form"));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = serde_json::Map::with_capacity(dict.len());
        for (k, v) in dict.iter() {
            let Ok(k) = k.cast::<PyString>() else {
                return Err(PyTypeError::new_err("scrub_json: dict keys must be str"));
            };
            map.insert(k.to_cow()?.into_owned(), to_json(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(list) = value.cast::<PyList>() {
        let mut items = Vec::with_capacity(list.len());
        for item in list.iter() {
            items.push(to_json(&item, depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        let mut items = Vec::with_capacity(tuple.len());
        for item in tuple.iter() {
            items.push(to_json(&item, depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    let type_name = value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_string());
    Err(PyTypeError::new_err(format!(
        "scrub_json: cannot take a value of type {type_name} (only what json.loads returns)"
    )))
}

/// JSON as the Python value `json.loads` would give.
fn from_json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(from_json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, from_json(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

struct StreamState {
    stream: hush::Stream,
    /// Set when a `with` block ends: later writes are refused.
    closed: bool,
}

/// A push stream: bytes go in with `write` in any pieces, and what may
/// leave comes back, scrubbed; the output does not depend on how the input
/// was split. `finish` ends the input and returns the rest.
///
/// As a context manager it is closed when the block ends; output still
/// held then, because `finish` was not called, is an error (unless the
/// block is already ending with an exception): those bytes are never
/// returned, so nothing unscrubbed leaves.
#[pyclass(frozen, module = "hush_redact")]
struct Stream {
    state: Mutex<StreamState>,
}

impl Stream {
    /// Runs `f` on the stream without the GIL. The lock is taken and
    /// released inside, so a thread waiting for it never holds the GIL.
    fn with_stream<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut StreamState) -> T + Send,
    ) -> PyResult<T> {
        let result = py.detach(|| -> Result<T, &'static str> {
            let mut state: MutexGuard<'_, StreamState> = self
                .state
                .lock()
                .map_err(|_| "stream is unusable after an internal error")?;
            Ok(f(&mut state))
        });
        result.map_err(binding_error)
    }

    fn run<'py>(
        &self,
        py: Python<'py>,
        f: impl FnOnce(&mut hush::Stream) -> Vec<u8> + Send,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let out = self.with_stream(py, |state| {
            if state.closed {
                None
            } else {
                Some(f(&mut state.stream))
            }
        })?;
        match out {
            Some(out) => Ok(PyBytes::new(py, &out)),
            None => Err(binding_error("stream is closed")),
        }
    }
}

#[pymethods]
impl Stream {
    /// Takes in `data` and returns what may now leave, scrubbed: every
    /// complete line, unless a multi-line secret is in progress. After
    /// `finish`, a write starts a new input.
    fn write<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let input = bytes_arg(data, "write")?;
        self.run(py, |s| s.push(&input).to_vec())
    }

    /// What may leave during a pause in the input: the unfinished line up
    /// to where a secret could still be in progress.
    fn release_idle<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.run(py, |s| s.release_idle().to_vec())
    }

    /// Ends the input and returns everything still held, scrubbed.
    fn finish<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.run(py, |s| s.finish().to_vec())
    }

    /// How many bytes were written but not yet returned.
    #[getter]
    fn held(&self, py: Python<'_>) -> PyResult<usize> {
        self.with_stream(py, |state| state.stream.held())
    }

    /// Secrets redacted so far in what was returned, per rule id (never
    /// the values).
    fn redactions(&self, py: Python<'_>) -> PyResult<Vec<(String, u64)>> {
        self.with_stream(py, |state| {
            state
                .stream
                .redactions()
                .into_iter()
                .map(|(id, n)| (id.to_string(), n))
                .collect()
        })
    }

    /// Whether a `with` block has closed the stream.
    #[getter]
    fn closed(&self, py: Python<'_>) -> PyResult<bool> {
        self.with_stream(py, |state| state.closed)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the stream. Output still held (no `finish` before the block
    /// ended) is dropped, never returned unscrubbed, and is an error unless
    /// the block is already raising.
    #[pyo3(signature = (exc_type=None, _exc=None, _tb=None))]
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: Option<&Bound<'_, PyAny>>,
        _exc: Option<&Bound<'_, PyAny>>,
        _tb: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let dropped = self.with_stream(py, |state| {
            if state.closed {
                return 0;
            }
            state.closed = true;
            state.stream.finish().len()
        })?;
        let raising = exc_type.is_some_and(|t| !t.is_none());
        if dropped > 0 && !raising {
            return Err(binding_error(&format!(
                "stream closed with {dropped} bytes of output not taken: call finish() before the with block ends"
            )));
        }
        Ok(false)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let (held, closed) = self.with_stream(py, |s| (s.stream.held(), s.closed))?;
        Ok(format!("Stream(held={held}, closed={})", closed))
    }
}

/// The known secrets of a `Scrubber`: values the program knows (its API
/// keys, the tokens it mints), redacted in their common encodings by every
/// call and every stream of that scrubber from the moment they are added.
#[pyclass(frozen, module = "hush_redact")]
struct KnownSecrets {
    inner: hush::KnownSecrets,
}

#[pymethods]
impl KnownSecrets {
    /// Registers one value (str or bytes). Adding a value twice is
    /// harmless; a value shorter than 6 bytes is refused with a
    /// `HushError` that does not quote it.
    fn add(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let value = secret_value(value, "add")?;
        py.detach(|| self.inner.add(&value))
            .map_err(|e| hush_error(py, &e))
    }

    /// Registers several values at once (cheaper than one by one); if one
    /// is refused, none is added.
    fn add_many(&self, py: Python<'_>, values: &Bound<'_, PyAny>) -> PyResult<()> {
        let values = secret_values(values, "add_many")?;
        py.detach(|| self.inner.add_many(&values))
            .map_err(|e| hush_error(py, &e))
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("KnownSecrets(<{} values>)", self.inner.len())
    }
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scrubber>()?;
    m.add_class::<Stream>()?;
    m.add_class::<KnownSecrets>()?;
    m.add_class::<Finding>()?;
    m.add("HushError", m.py().get_type::<HushError>())?;
    m.add("MIN_KNOWN_SECRET_LEN", hush::MIN_KNOWN_SECRET_LEN)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
