"""OpenTelemetry (``opentelemetry-sdk``): spans and log records scrubbed
before they are exported.

Spans are read-only once they end, so :class:`RedactingSpanExporter` wraps
the exporter: each span is copied with its name, attributes, event names
and attributes, link attributes, status description and resource
attributes scrubbed, and the copy is exported::

    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    exporter = RedactingSpanExporter(OTLPSpanExporter(), scrubber)
    provider.add_span_processor(BatchSpanProcessor(exporter))

Log records may be changed by a processor before the exporting one:
add :class:`RedactingLogRecordProcessor` first::

    logger_provider.add_log_record_processor(RedactingLogRecordProcessor(scrubber))
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(exporter))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import Link, Status

from ._attributes import scrub_attributes, scrub_value
from ._native import Scrubber

__all__ = ["RedactingLogRecordProcessor", "RedactingSpanExporter", "scrub_span"]


def _scrub_resource(scrubber: Scrubber, resource: Optional[Resource]) -> Optional[Resource]:
    if resource is None:
        return None
    return Resource(scrub_attributes(scrubber, resource.attributes) or {}, resource.schema_url)


def scrub_span(scrubber: Scrubber, span: ReadableSpan) -> ReadableSpan:
    """A copy of ``span`` with every text it carries scrubbed."""
    status = span.status
    if status is not None and status.description:
        status = Status(status.status_code, scrubber.scrub(status.description))
    events = [
        Event(scrubber.scrub(e.name), scrub_attributes(scrubber, e.attributes), e.timestamp)
        for e in span.events
    ]
    links = [Link(link.context, scrub_attributes(scrubber, link.attributes)) for link in span.links]
    return ReadableSpan(
        name=scrubber.scrub(span.name),
        context=span.context,
        parent=span.parent,
        resource=_scrub_resource(scrubber, span.resource),
        attributes=scrub_attributes(scrubber, span.attributes),
        events=events,
        links=links,
        kind=span.kind,
        status=status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class RedactingSpanExporter(SpanExporter):
    """Wraps ``exporter``: exports scrubbed copies of the spans."""

    def __init__(self, exporter: SpanExporter, scrubber: Optional[Scrubber] = None) -> None:
        self.exporter = exporter
        self.scrubber = scrubber if scrubber is not None else Scrubber()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self.exporter.export([scrub_span(self.scrubber, s) for s in spans])

    def shutdown(self) -> None:
        self.exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.exporter.force_flush(timeout_millis)


class RedactingLogRecordProcessor:
    """A log record processor that scrubs each record's body (text or
    structured), attributes and event name in place. Add it before the
    processor that exports."""

    def __init__(self, scrubber: Optional[Scrubber] = None) -> None:
        self.scrubber = scrubber if scrubber is not None else Scrubber()

    def _scrub_body(self, body: Any) -> Any:
        if body is None:
            return None
        if isinstance(body, str):
            return self.scrubber.scrub(body)
        return scrub_value(self.scrubber, "body", body)

    def on_emit(self, log_data: Any) -> None:
        # SDK 1.3x passes LogData, later SDKs a ReadWriteLogRecord; both
        # hold the record as .log_record.
        record = getattr(log_data, "log_record", log_data)
        record.body = self._scrub_body(record.body)
        attributes = record.attributes
        if attributes:
            scrubbed = scrub_attributes(self.scrubber, attributes) or {}
            try:
                attributes.clear()
                for key, value in scrubbed.items():
                    attributes[key] = value
            except TypeError:
                # Immutable attributes: replace the map.
                record.attributes = scrubbed

    emit = on_emit

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
