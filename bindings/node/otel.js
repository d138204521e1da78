'use strict'
// An OpenTelemetry JS span exporter wrapper: spans are read-only once they
// end, so each is copied with its text scrubbed and the copy exported.

const { Scrubber } = require('./index.js')

/** Scrubs an attributes object structurally (sensitive keys, rules). */
function scrubAttributes(scrubber, attributes) {
  if (attributes == null) return attributes
  return scrubber.scrubJson(attributes)
}

function scrubResource(scrubber, resource) {
  if (resource == null || resource.attributes == null) return resource
  // A new resource, not a view of the old one: its methods would read the
  // old one's raw attributes.
  const { resourceFromAttributes } = require('@opentelemetry/resources')
  const options = resource.schemaUrl ? { schemaUrl: resource.schemaUrl } : undefined
  return resourceFromAttributes(scrubAttributes(scrubber, resource.attributes), options)
}

/**
 * Copies a finished span with its name, attribute values (and keys),
 * event names and attributes, link attributes, status message and resource
 * attributes scrubbed.
 */
function scrubSpan(scrubber, span) {
  const copy = {
    name: scrubber.scrub(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status:
      span.status && typeof span.status.message === 'string'
        ? { ...span.status, message: scrubber.scrub(span.status.message) }
        : span.status,
    attributes: scrubAttributes(scrubber, span.attributes),
    links: (span.links || []).map((link) => ({
      ...link,
      attributes: scrubAttributes(scrubber, link.attributes),
    })),
    events: (span.events || []).map((event) => ({
      ...event,
      name: scrubber.scrub(event.name),
      attributes: scrubAttributes(scrubber, event.attributes),
    })),
    duration: span.duration,
    ended: span.ended,
    resource: scrubResource(scrubber, span.resource),
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  }
  return copy
}

/**
 * A `SpanExporter` that passes scrubbed copies of spans to another.
 *
 * ```js
 * const { ScrubbingSpanExporter } = require('hush-redact/otel')
 * new SimpleSpanProcessor(new ScrubbingSpanExporter(new OTLPTraceExporter()))
 * ```
 */
class ScrubbingSpanExporter {
  /**
   * @param {object} inner the exporter that receives the scrubbed spans
   * @param {{ scrubber?: Scrubber }} [options] the scrubber to use (a new
   *   one with the default rules if not given)
   */
  constructor(inner, options = {}) {
    if (inner == null || typeof inner.export !== 'function') {
      throw new TypeError('ScrubbingSpanExporter: inner must be a SpanExporter')
    }
    this.inner = inner
    this.scrubber = options.scrubber || new Scrubber()
  }

  export(spans, resultCallback) {
    let scrubbed
    try {
      scrubbed = spans.map((span) => scrubSpan(this.scrubber, span))
    } catch (error) {
      // Fail closed: a span that cannot be scrubbed is not exported. The
      // error is the binding's, which quotes no value.
      resultCallback({ code: 1, error })
      return
    }
    this.inner.export(scrubbed, resultCallback)
  }

  shutdown() {
    return this.inner.shutdown()
  }

  forceFlush() {
    return typeof this.inner.forceFlush === 'function'
      ? this.inner.forceFlush()
      : Promise.resolve()
  }
}

module.exports = { ScrubbingSpanExporter, scrubSpan }
