from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode

from conftest import GH_LABEL, GH_TOKEN, GH_TOKEN_2
from hush_redact.otel import RedactingLogRecordProcessor, RedactingSpanExporter


def test_spans_are_exported_scrubbed():
    memory = InMemorySpanExporter()
    resource = Resource.create({"service.name": "agent", "deploy.token": GH_TOKEN_2})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(SimpleSpanProcessor(RedactingSpanExporter(memory)))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span(f"call {GH_TOKEN}") as span:
        span.set_attribute("tool.command", f"git push https://x:{GH_TOKEN}@github.com/o/r")
        span.set_attribute("db.password", "hunter2-prod")
        span.set_attribute("argv", ["curl", "-u", "admin:S3cr3t-pw", "https://h"])
        span.set_attribute("retries", 3)
        span.add_event("output", {"stdout": f"GITHUB_TOKEN={GH_TOKEN}"})
        span.set_status(Status(StatusCode.ERROR, f"bad credentials {GH_TOKEN}"))
    (exported,) = memory.get_finished_spans()
    assert exported.name == f"call {GH_LABEL}"
    attrs = dict(exported.attributes)
    assert GH_TOKEN not in attrs["tool.command"]
    assert attrs["db.password"] == "[REDACTED:sensitive-key]"
    assert "S3cr3t-pw" not in repr(attrs["argv"])
    assert isinstance(attrs["argv"], tuple)
    assert attrs["retries"] == 3
    assert exported.events[0].attributes["stdout"] == f"GITHUB_TOKEN={GH_LABEL}"
    assert exported.status.description == f"bad credentials {GH_LABEL}"
    assert exported.status.status_code == StatusCode.ERROR
    assert exported.resource.attributes["deploy.token"] == "[REDACTED:sensitive-key]"
    assert exported.resource.attributes["service.name"] == "agent"
    assert exported.context.span_id == span.get_span_context().span_id
    assert GH_TOKEN not in repr(exported.to_json())


def test_log_records_are_scrubbed_before_export():
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

    memory = InMemoryLogRecordExporter()
    provider = LoggerProvider()
    provider.add_log_record_processor(RedactingLogRecordProcessor())
    provider.add_log_record_processor(SimpleLogRecordProcessor(memory))
    logger = provider.get_logger("test")
    emit_kwargs = {"body": f"tool output GITHUB_TOKEN={GH_TOKEN}", "attributes": {"api_key": "abc-123-def-456", "n": 1}}
    logger.emit(**emit_kwargs)
    logger.emit(body={"args": {"password": "hunter2-prod"}, "note": GH_TOKEN})
    first, second = memory.get_finished_logs()
    assert first.log_record.body == f"tool output GITHUB_TOKEN={GH_LABEL}"
    assert first.log_record.attributes["api_key"] == "[REDACTED:sensitive-key]"
    assert first.log_record.attributes["n"] == 1
    assert second.log_record.body == {"args": {"password": "[REDACTED:sensitive-key]"}, "note": GH_LABEL}
