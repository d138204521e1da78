//! The OpenTelemetry wrappers: spans and log records reach the exporter
//! scrubbed (string values, nested ones, values under secret-like keys),
//! with everything else as it was.

use std::collections::HashMap;

use hush::Scrubber;
use hush::otel::{ScrubbingLogProcessor, ScrubbingSpanExporter};
use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::{
    Link, Span as _, SpanKind, Status, TraceContextExt as _, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Array, Key, KeyValue, Value};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider, SimpleLogProcessor};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};

/// Fake tokens in the form of real ones, made up for these tests.
const GH: &str = "ghp_pm2LqGCFqP9vYawhHbWZWEGkrdljyfp2i9Sq";
const STRIPE: &str = "sk_live_FzDmXrzozEyJq1bhEfBxFqlN";
const GH_LABEL: &str = "[REDACTED:github-pat-classic]";
const STRIPE_LABEL: &str = "[REDACTED:stripe-live-secret-key]";
const KEY_LABEL: &str = "[REDACTED:sensitive-key]";

fn traced(f: impl FnOnce(&opentelemetry_sdk::trace::SdkTracer)) -> Vec<SpanData> {
    let memory = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(ScrubbingSpanExporter::new(&Scrubber::new(), memory.clone()))
        .build();
    f(&provider.tracer("agent"));
    provider.force_flush().unwrap();
    memory.get_finished_spans().unwrap()
}

fn attr<'a>(attributes: &'a [KeyValue], key: &str) -> &'a Value {
    &attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .unwrap_or_else(|| panic!("no attribute {key}"))
        .value
}

#[test]
fn span_attributes_events_links_and_status_are_scrubbed() {
    let spans = traced(|tracer| {
        let first = tracer.start("first");
        let link = Link::new(
            first.span_context().clone(),
            vec![KeyValue::new("why", format!("retry of {GH}"))],
            0,
        );
        let mut span = tracer
            .span_builder(format!("push {GH}"))
            .with_kind(SpanKind::Client)
            .with_links(vec![link])
            .start(tracer);
        span.set_attributes([
            KeyValue::new("tool.output", format!("export KEY={STRIPE}")),
            KeyValue::new("db.password", "hunter2-prod"),
            KeyValue::new("api_key", 123456789_i64),
            KeyValue::new("db.password_ref", "${DB_PASSWORD}"),
            KeyValue::new("password", "${DB_PASSWORD}"),
            KeyValue::new("http.method", "GET"),
            KeyValue::new("http.response.status_code", 401_i64),
            // GenAI semantic conventions: token counts, not tokens.
            KeyValue::new("gen_ai.usage.input_tokens", 1234_i64),
            KeyValue::new("gen_ai.usage.output_tokens", 56_i64),
            KeyValue::new(
                "tool.args",
                Value::Array(Array::String(vec!["-t".into(), GH.into()])),
            ),
        ]);
        span.add_event(
            format!("sent {GH}"),
            vec![
                KeyValue::new("body", format!("Authorization: token {GH}")),
                KeyValue::new("retries", 2_i64),
            ],
        );
        span.set_status(Status::error(format!("401 for key {STRIPE}")));
        span.end();
        drop(first);
    });
    let span = spans
        .iter()
        .find(|s| s.span_kind == SpanKind::Client)
        .unwrap();
    assert_eq!(span.name, format!("push {GH_LABEL}"));
    let a = &span.attributes;
    assert_eq!(
        attr(a, "tool.output").as_str(),
        format!("export KEY={STRIPE_LABEL}")
    );
    assert_eq!(attr(a, "db.password").as_str(), KEY_LABEL);
    assert_eq!(attr(a, "api_key").as_str(), KEY_LABEL);
    assert_eq!(attr(a, "password").as_str(), "${DB_PASSWORD}");
    assert_eq!(attr(a, "http.method").as_str(), "GET");
    assert_eq!(*attr(a, "http.response.status_code"), Value::I64(401));
    assert_eq!(*attr(a, "gen_ai.usage.input_tokens"), Value::I64(1234));
    assert_eq!(*attr(a, "gen_ai.usage.output_tokens"), Value::I64(56));
    assert_eq!(
        *attr(a, "tool.args"),
        Value::Array(Array::String(vec!["-t".into(), GH_LABEL.into()]))
    );
    let event = &span.events.events[0];
    assert_eq!(event.name, format!("sent {GH_LABEL}"));
    assert!(!attr(&event.attributes, "body").as_str().contains(GH));
    assert_eq!(*attr(&event.attributes, "retries"), Value::I64(2));
    assert_eq!(
        attr(&span.links.links[0].attributes, "why").as_str(),
        format!("retry of {GH_LABEL}")
    );
    assert_eq!(
        span.status,
        Status::error(format!("401 for key {STRIPE_LABEL}"))
    );
    // No value of any span has any part of a token left.
    let all = format!("{spans:?}");
    assert!(!all.contains(&GH[4..]) && !all.contains(&STRIPE[8..]));
}

#[test]
fn clean_spans_are_exported_unchanged() {
    let build = |tracer: &opentelemetry_sdk::trace::SdkTracer| {
        let mut span = tracer.start("GET /healthz");
        span.set_attribute(KeyValue::new("http.status_code", 200_i64));
        span.set_attribute(KeyValue::new("token_type", "bearer"));
        span.add_event("ok", vec![KeyValue::new("bytes", 17_i64)]);
        span.end();
    };
    let spans = traced(build);
    let span = &spans[0];
    assert_eq!(span.name, "GET /healthz");
    assert_eq!(
        span.attributes,
        [
            KeyValue::new("http.status_code", 200_i64),
            KeyValue::new("token_type", "bearer")
        ]
    );
    assert_eq!(span.events.events[0].name, "ok");
    assert_eq!(
        span.events.events[0].attributes,
        [KeyValue::new("bytes", 17_i64)]
    );
}

#[test]
fn scrub_span_reports_whether_anything_changed() {
    let spans = traced(|tracer| {
        tracer.start("clean").end();
        tracer.start(format!("dirty {GH}")).end();
    });
    let scrubber = Scrubber::new();
    // Exported spans are scrubbed already: scrubbing again changes nothing.
    for mut span in spans {
        assert!(!hush::otel::scrub_span(&scrubber, &mut span));
        span.name = format!("again {STRIPE}").into();
        assert!(hush::otel::scrub_span(&scrubber, &mut span));
        assert_eq!(span.name, format!("again {STRIPE_LABEL}"));
    }
}

fn logged(
    resource: Resource,
    f: impl FnOnce(&opentelemetry_sdk::logs::SdkLogger),
) -> Vec<opentelemetry_sdk::logs::in_memory_exporter::LogDataWithResource> {
    let memory = InMemoryLogExporter::default();
    let provider = SdkLoggerProvider::builder()
        .with_resource(resource)
        .with_log_processor(ScrubbingLogProcessor::new(
            &Scrubber::new(),
            SimpleLogProcessor::new(memory.clone()),
        ))
        .build();
    f(&provider.logger("agent"));
    provider.force_flush().unwrap();
    memory.get_emitted_logs().unwrap()
}

fn log_attr<'a>(record: &'a opentelemetry_sdk::logs::SdkLogRecord, key: &str) -> &'a AnyValue {
    &record
        .attributes_iter()
        .find(|(k, _)| k.as_str() == key)
        .unwrap_or_else(|| panic!("no attribute {key}"))
        .1
}

#[test]
fn log_bodies_and_attributes_are_scrubbed_nested_too() {
    let logs = logged(Resource::builder_empty().build(), |logger| {
        let mut r = logger.create_log_record();
        r.set_severity_number(Severity::Warn);
        r.set_severity_text("WARN");
        r.set_target("agent::tools");
        r.set_event_name("tool.result");
        r.set_body(AnyValue::from(format!("git push with {GH}")));
        r.add_attribute("password", "hunter2-prod");
        r.add_attribute("user", "agent");
        r.add_attribute("attempt", 3_i64);
        r.add_attribute(
            "request",
            AnyValue::Map(Box::new(HashMap::from([
                (
                    Key::from("headers"),
                    AnyValue::Map(Box::new(HashMap::from([
                        (
                            Key::from("Authorization"),
                            AnyValue::from("Basic YWdlbnQ6cHc="),
                        ),
                        (Key::from("Accept"), AnyValue::from("*/*")),
                    ]))),
                ),
                (
                    Key::from("argv"),
                    AnyValue::ListAny(Box::new(vec![
                        AnyValue::from("curl"),
                        AnyValue::from(format!("https://api.example.com/?key={STRIPE}")),
                    ])),
                ),
                (Key::from("session_id"), AnyValue::Int(982734)),
            ]))),
        );
        r.add_attribute(
            "raw",
            AnyValue::Bytes(Box::new(format!("token={GH}\n").into_bytes())),
        );
        logger.emit(r);
    });
    let record = &logs[0].record;
    assert_eq!(
        record.body(),
        Some(&AnyValue::from(format!("git push with {GH_LABEL}")))
    );
    assert_eq!(*log_attr(record, "password"), AnyValue::from(KEY_LABEL));
    assert_eq!(*log_attr(record, "user"), AnyValue::from("agent"));
    assert_eq!(*log_attr(record, "attempt"), AnyValue::Int(3));
    let AnyValue::Map(request) = log_attr(record, "request") else {
        panic!("request is not a map");
    };
    let AnyValue::Map(headers) = &request[&Key::from("headers")] else {
        panic!("headers is not a map");
    };
    assert_eq!(
        headers[&Key::from("Authorization")],
        AnyValue::from(KEY_LABEL)
    );
    assert_eq!(headers[&Key::from("Accept")], AnyValue::from("*/*"));
    assert_eq!(request[&Key::from("session_id")], AnyValue::from(KEY_LABEL));
    let AnyValue::ListAny(argv) = &request[&Key::from("argv")] else {
        panic!("argv is not a list");
    };
    assert_eq!(argv[0], AnyValue::from("curl"));
    assert!(!format!("{:?}", argv[1]).contains(STRIPE));
    let AnyValue::Bytes(raw) = log_attr(record, "raw") else {
        panic!("raw is not bytes");
    };
    assert!(!raw.windows(GH.len()).any(|w| w == GH.as_bytes()));
    // The rebuilt record keeps what it had besides.
    assert_eq!(record.severity_number(), Some(Severity::Warn));
    assert_eq!(record.severity_text(), Some("WARN"));
    assert_eq!(record.target().map(|t| t.as_ref()), Some("agent::tools"));
    assert_eq!(record.event_name(), Some("tool.result"));
    assert_eq!(record.attributes_iter().count(), 5);
}

#[test]
fn a_log_record_in_a_span_keeps_its_trace_context() {
    let tracer_provider = SdkTracerProvider::builder().build();
    let tracer = tracer_provider.tracer("agent");
    let span = tracer.start("tool call");
    let context = opentelemetry::Context::current_with_span(span);
    let ids = context.span().span_context().clone();
    let logs = logged(Resource::builder_empty().build(), |logger| {
        let mut r = logger.create_log_record();
        r.set_trace_context(ids.trace_id(), ids.span_id(), Some(ids.trace_flags()));
        r.add_attribute("api_key", "k-82736451928374");
        logger.emit(r);
    });
    let record = &logs[0].record;
    assert_eq!(*log_attr(record, "api_key"), AnyValue::from(KEY_LABEL));
    let kept = record.trace_context().expect("trace context kept");
    assert_eq!(kept.trace_id, ids.trace_id());
    assert_eq!(kept.span_id, ids.span_id());
}

#[test]
fn clean_log_records_are_passed_on_unchanged() {
    let mut expected = None;
    let logs = logged(Resource::builder_empty().build(), |logger| {
        let mut r = logger.create_log_record();
        r.set_body(AnyValue::from("build finished in 2.1s"));
        r.add_attribute("max_tokens", 4096_i64);
        r.add_attribute("secret_name", "prod/db");
        expected = Some(r.clone());
        logger.emit(r);
    });
    let expected = expected.unwrap();
    assert_eq!(logs[0].record.body(), expected.body());
    assert_eq!(
        logs[0].record.attributes_iter().collect::<Vec<_>>(),
        expected.attributes_iter().collect::<Vec<_>>()
    );
}

#[test]
fn resource_attributes_are_scrubbed() {
    let resource = Resource::builder_empty()
        .with_attributes([
            KeyValue::new("service.name", "agent"),
            KeyValue::new("deploy.token", "dpl-7f3a9c1e2b77"),
            KeyValue::new("build.note", format!("built with {GH}")),
        ])
        .build();
    let logs = logged(resource, |logger| {
        let mut r = logger.create_log_record();
        r.set_body(AnyValue::from("started"));
        logger.emit(r);
    });
    let resource = &logs[0].resource;
    let get = |k: &'static str| resource.get(&Key::from_static_str(k)).unwrap();
    assert_eq!(get("service.name"), Value::from("agent"));
    assert_eq!(get("deploy.token"), Value::from(KEY_LABEL));
    assert_eq!(
        get("build.note"),
        Value::from(format!("built with {GH_LABEL}"))
    );
}

#[test]
fn wrappers_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ScrubbingSpanExporter<InMemorySpanExporter>>();
    send_sync::<ScrubbingLogProcessor<SimpleLogProcessor<InMemoryLogExporter>>>();
}
