//! Scrubbing for the OpenTelemetry Rust SDK (`opentelemetry_sdk`):
//! [`ScrubbingSpanExporter`] wraps a span exporter, [`ScrubbingLogProcessor`]
//! wraps a log processor; each scrubs what it is given before passing it on.
//!
//! What is scrubbed, as [`Scrubber::scrub_json`] scrubs a JSON event:
//!
//! * every string value: span names, attribute values of spans, events,
//!   links and resources, event names, error status descriptions, log
//!   bodies and log attribute values, and the strings inside arrays and
//!   maps (log `AnyValue`s nest), with the rules;
//! * a value under a key named like a secret (`password`, `api_key`,
//!   `authorization`, `db.password`, ... but not `token_type` or
//!   `max_tokens`) is replaced whole by `[REDACTED:sensitive-key]`, numbers
//!   too, unless it is a reference such as `${DB_PASSWORD}`; an array or
//!   map under such a key has all its strings and numbers replaced;
//! * attribute and map keys, with the rules;
//! * bytes values (`AnyValue::Bytes`), with the rules, byte for byte.
//!
//! Booleans and other numbers are left as they are. A value of a kind this
//! version does not know (the SDK's enums are non-exhaustive) is replaced
//! by a label: this module fails closed.
//!
//! Enabled by the `opentelemetry` feature.
//!
//! # Example: scrub spans before export
//!
//! ```
//! use opentelemetry::trace::{Tracer, TracerProvider};
//! use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
//!
//! let scrubber = hush::Scrubber::new();
//! let memory = InMemorySpanExporter::default();
//! let provider = SdkTracerProvider::builder()
//!     .with_simple_exporter(hush::otel::ScrubbingSpanExporter::new(&scrubber, memory.clone()))
//!     .build();
//! provider.tracer("agent").in_span("tool call", |_| {
//!     opentelemetry::trace::get_active_span(|span| {
//!         span.set_attribute(opentelemetry::KeyValue::new("db.password", "hunter2-prod"));
//!     });
//! });
//! let spans = memory.get_finished_spans().unwrap();
//! assert_eq!(spans[0].attributes[0].value.as_str(), "[REDACTED:sensitive-key]");
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::Status;
use opentelemetry::{Array, InstrumentationScope, Key, KeyValue, StringValue, Value};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogProcessor, SdkLogRecord, SdkLoggerProvider};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use crate::Scrubber;
use crate::scrubber::KEY;
use crate::structured::{is_reference, sensitive_name};

/// A `SpanExporter` that scrubs every span before passing it to the inner
/// exporter: its name, attributes, events (names and attributes), links'
/// attributes and error status description; and the resource given to
/// `set_resource`. See the [module documentation](self) for what is
/// scrubbed how.
///
/// Use it wherever the inner exporter would go:
/// `SdkTracerProvider::builder().with_batch_exporter(ScrubbingSpanExporter::new(&scrubber, otlp))`.
#[derive(Debug)]
pub struct ScrubbingSpanExporter<E> {
    scrubber: Scrubber,
    inner: E,
}

impl<E> ScrubbingSpanExporter<E> {
    /// An exporter that scrubs with `scrubber` and exports to `inner`.
    pub fn new(scrubber: &Scrubber, inner: E) -> ScrubbingSpanExporter<E> {
        ScrubbingSpanExporter {
            scrubber: scrubber.clone(),
            inner,
        }
    }

    /// The inner exporter.
    pub fn get_ref(&self) -> &E {
        &self.inner
    }
}

impl<E: SpanExporter> SpanExporter for ScrubbingSpanExporter<E> {
    fn export(
        &self,
        mut batch: Vec<SpanData>,
    ) -> impl std::future::Future<Output = OTelSdkResult> + Send {
        // Scrubbed now, before the inner exporter's future exists: nothing
        // it does, sooner or later, sees a span unscrubbed.
        for span in &mut batch {
            scrub_span(&self.scrubber, span);
        }
        self.inner.export(batch)
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn shutdown(&self) -> OTelSdkResult {
        self.inner.shutdown()
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        match scrub_resource(&self.scrubber, resource) {
            Some(scrubbed) => self.inner.set_resource(&scrubbed),
            None => self.inner.set_resource(resource),
        }
    }
}

/// A `LogProcessor` that scrubs every log record's body and attributes
/// before passing the record to the inner processor (a
/// `SimpleLogProcessor` or `BatchLogProcessor` with the real exporter), and
/// the resource given to `set_resource`. See the
/// [module documentation](self) for what is scrubbed how.
///
/// A wrapper rather than a processor of its own in the provider's chain,
/// so that no processor order can let the exporter see a record first.
///
/// The SDK gives a processor no way to change or remove a record's
/// attributes in place, so a record whose attributes need scrubbing is
/// rebuilt: event name, target, timestamps, trace context, severity, body
/// and attributes are copied. Clean records are passed on as they are.
#[derive(Debug)]
pub struct ScrubbingLogProcessor<P> {
    scrubber: Scrubber,
    inner: P,
    /// An empty record, cloned to rebuild a record (the SDK has no public
    /// constructor for one).
    blank: SdkLogRecord,
}

impl<P> ScrubbingLogProcessor<P> {
    /// A processor that scrubs with `scrubber` and passes records to
    /// `inner`.
    pub fn new(scrubber: &Scrubber, inner: P) -> ScrubbingLogProcessor<P> {
        let blank = SdkLoggerProvider::builder()
            .build()
            .logger("hush")
            .create_log_record();
        ScrubbingLogProcessor {
            scrubber: scrubber.clone(),
            inner,
            blank,
        }
    }

    /// The inner processor.
    pub fn get_ref(&self) -> &P {
        &self.inner
    }
}

impl<P: LogProcessor> LogProcessor for ScrubbingLogProcessor<P> {
    fn emit(&self, record: &mut SdkLogRecord, scope: &InstrumentationScope) {
        scrub_log_record(&self.scrubber, &self.blank, record);
        self.inner.emit(record, scope);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn shutdown(&self) -> OTelSdkResult {
        self.inner.shutdown()
    }

    fn event_enabled(&self, level: Severity, target: &str, name: Option<&str>) -> bool {
        self.inner.event_enabled(level, target, name)
    }

    fn set_resource(&mut self, resource: &Resource) {
        match scrub_resource(&self.scrubber, resource) {
            Some(scrubbed) => self.inner.set_resource(&scrubbed),
            None => self.inner.set_resource(resource),
        }
    }
}

/// Scrubs a span in place (name, attributes, events, links' attributes,
/// error status description) and returns whether anything changed. What
/// [`ScrubbingSpanExporter`] does to each span, for a custom exporter or
/// processor.
pub fn scrub_span(scrubber: &Scrubber, span: &mut SpanData) -> bool {
    let mut changed = scrub_cow(scrubber, &mut span.name);
    changed |= scrub_attributes(scrubber, &mut span.attributes);
    for event in &mut span.events.events {
        changed |= scrub_cow(scrubber, &mut event.name);
        changed |= scrub_attributes(scrubber, &mut event.attributes);
    }
    for link in &mut span.links.links {
        changed |= scrub_attributes(scrubber, &mut link.attributes);
    }
    if let Status::Error { description } = &mut span.status {
        changed |= scrub_cow(scrubber, description);
    }
    changed
}

/// Scrubs a log record's body and attributes, rebuilding the record from
/// `blank` if an attribute changed.
fn scrub_log_record(scrubber: &Scrubber, blank: &SdkLogRecord, record: &mut SdkLogRecord) {
    let body = record.body().and_then(|b| scrubbed_any(scrubber, b, false));
    let attributes: Vec<(Option<Key>, Option<AnyValue>)> = record
        .attributes_iter()
        .map(|(k, v)| {
            let sensitive = sensitive_name(k.as_str());
            (
                scrubbed_str(scrubber, k.as_str(), false).map(Key::from),
                scrubbed_any(scrubber, v, sensitive),
            )
        })
        .collect();
    if attributes.iter().all(|(k, v)| k.is_none() && v.is_none()) {
        if let Some(body) = body {
            record.set_body(body);
        }
        return;
    }
    let mut new = blank.clone();
    if let Some(name) = record.event_name() {
        new.set_event_name(name);
    }
    if let Some(target) = record.target() {
        new.set_target(target.clone());
    }
    if let Some(t) = record.timestamp() {
        new.set_timestamp(t);
    }
    if let Some(t) = record.observed_timestamp() {
        new.set_observed_timestamp(t);
    }
    if let Some(c) = record.trace_context() {
        new.set_trace_context(c.trace_id, c.span_id, c.trace_flags);
    }
    if let Some(text) = record.severity_text() {
        new.set_severity_text(text);
    }
    if let Some(n) = record.severity_number() {
        new.set_severity_number(n);
    }
    if let Some(b) = body.or_else(|| record.body().cloned()) {
        new.set_body(b);
    }
    for ((k, v), (new_k, new_v)) in record.attributes_iter().zip(attributes) {
        new.add_attribute(
            new_k.unwrap_or_else(|| k.clone()),
            new_v.unwrap_or_else(|| v.clone()),
        );
    }
    *record = new;
}

/// The resource with its attributes scrubbed, if any changed.
fn scrub_resource(scrubber: &Scrubber, resource: &Resource) -> Option<Resource> {
    let mut attributes: Vec<KeyValue> = resource
        .iter()
        .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
        .collect();
    if !scrub_attributes(scrubber, &mut attributes) {
        return None;
    }
    let builder = Resource::builder_empty();
    Some(
        match resource.schema_url() {
            Some(url) => builder.with_schema_url(attributes, url.to_string()),
            None => builder.with_attributes(attributes),
        }
        .build(),
    )
}

fn scrub_attributes(scrubber: &Scrubber, attributes: &mut [KeyValue]) -> bool {
    let mut changed = false;
    for kv in attributes {
        let sensitive = sensitive_name(kv.key.as_str());
        if let Some(key) = scrubbed_str(scrubber, kv.key.as_str(), false) {
            kv.key = Key::from(key);
            changed = true;
        }
        changed |= scrub_value(scrubber, &mut kv.value, sensitive);
    }
    changed
}

fn scrub_value(scrubber: &Scrubber, value: &mut Value, sensitive: bool) -> bool {
    let new = match &mut *value {
        Value::String(s) => scrubbed_str(scrubber, s.as_str(), sensitive).map(Value::from),
        Value::Bool(_) => None,
        Value::I64(n) if sensitive => Some(Value::from(label(scrubber, &n.to_string()))),
        Value::F64(n) if sensitive => Some(Value::from(label(scrubber, &n.to_string()))),
        Value::I64(_) | Value::F64(_) => None,
        Value::Array(Array::String(items)) => {
            let mut changed = false;
            for s in items.iter_mut() {
                if let Some(new) = scrubbed_str(scrubber, s.as_str(), sensitive) {
                    *s = StringValue::from(new);
                    changed = true;
                }
            }
            return changed;
        }
        Value::Array(Array::I64(items)) if sensitive => Some(Value::Array(Array::String(
            items
                .iter()
                .map(|n| label(scrubber, &n.to_string()).into())
                .collect(),
        ))),
        Value::Array(Array::F64(items)) if sensitive => Some(Value::Array(Array::String(
            items
                .iter()
                .map(|n| label(scrubber, &n.to_string()).into())
                .collect(),
        ))),
        Value::Array(Array::Bool(_) | Array::I64(_) | Array::F64(_)) => None,
        // A kind of value or array this version does not know: fail closed.
        other => Some(Value::from(label(scrubber, &(*other).to_string()))),
    };
    match new {
        Some(new) => {
            *value = new;
            true
        }
        None => false,
    }
}

/// The value scrubbed, if it changed.
fn scrubbed_any(scrubber: &Scrubber, value: &AnyValue, sensitive: bool) -> Option<AnyValue> {
    match value {
        AnyValue::String(s) => scrubbed_str(scrubber, s.as_str(), sensitive).map(AnyValue::from),
        AnyValue::Boolean(_) => None,
        AnyValue::Int(n) if sensitive => Some(AnyValue::from(label(scrubber, &n.to_string()))),
        AnyValue::Double(n) if sensitive => Some(AnyValue::from(label(scrubber, &n.to_string()))),
        AnyValue::Int(_) | AnyValue::Double(_) => None,
        AnyValue::Bytes(bytes) if sensitive => Some(AnyValue::from(label_bytes(scrubber, bytes))),
        AnyValue::Bytes(bytes) => match scrubber.scrub(bytes) {
            Cow::Borrowed(_) => None,
            Cow::Owned(new) => Some(AnyValue::Bytes(Box::new(new))),
        },
        AnyValue::ListAny(items) => {
            let new: Vec<Option<AnyValue>> = items
                .iter()
                .map(|v| scrubbed_any(scrubber, v, sensitive))
                .collect();
            if new.iter().all(Option::is_none) {
                return None;
            }
            Some(AnyValue::ListAny(Box::new(
                items
                    .iter()
                    .zip(new)
                    .map(|(old, new)| new.unwrap_or_else(|| old.clone()))
                    .collect(),
            )))
        }
        AnyValue::Map(map) => {
            let mut changed = false;
            let mut out: HashMap<Key, AnyValue> = HashMap::with_capacity(map.len());
            for (k, v) in map.iter() {
                let sensitive = sensitive || sensitive_name(k.as_str());
                let new_k = scrubbed_str(scrubber, k.as_str(), false);
                let new_v = scrubbed_any(scrubber, v, sensitive);
                changed |= new_k.is_some() || new_v.is_some();
                out.insert(
                    new_k.map_or_else(|| k.clone(), Key::from),
                    new_v.unwrap_or_else(|| v.clone()),
                );
            }
            changed.then(|| AnyValue::Map(Box::new(out)))
        }
        // A kind of value this version does not know: fail closed.
        _ => Some(AnyValue::from(label(scrubber, "unknown value"))),
    }
}

/// The string scrubbed, if it changed: replaced whole when `sensitive`
/// (unless it is a reference), else with the rules.
fn scrubbed_str(scrubber: &Scrubber, s: &str, sensitive: bool) -> Option<String> {
    if sensitive && !is_reference(s) {
        return Some(label(scrubber, s));
    }
    match scrubber.scrub_str(s) {
        Cow::Borrowed(_) => None,
        Cow::Owned(new) => Some(new),
    }
}

fn scrub_cow(scrubber: &Scrubber, s: &mut Cow<'static, str>) -> bool {
    match scrubbed_str(scrubber, s, false) {
        Some(new) => {
            *s = Cow::Owned(new);
            true
        }
        None => false,
    }
}

/// The label of a value redacted because of its key.
fn label(scrubber: &Scrubber, secret: &str) -> String {
    label_bytes(scrubber, secret.as_bytes())
}

fn label_bytes(scrubber: &Scrubber, secret: &[u8]) -> String {
    let mut out = Vec::new();
    scrubber.replace_named(KEY, secret, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
