import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'
import type { ExportResult } from '@opentelemetry/core'
import type { Scrubber } from './index'

/** Options of `ScrubbingSpanExporter`. */
export interface ScrubbingSpanExporterOptions {
  /** The scrubber to use; a new one with the default rules if not given. */
  scrubber?: Scrubber
}

/**
 * A `SpanExporter` that passes copies of the spans to `inner` with their
 * name, attributes, event names and attributes, link attributes, status
 * message and resource attributes scrubbed. A span that cannot be
 * scrubbed is not exported (the export fails).
 */
export declare class ScrubbingSpanExporter implements SpanExporter {
  constructor(inner: SpanExporter, options?: ScrubbingSpanExporterOptions)
  readonly inner: SpanExporter
  readonly scrubber: Scrubber
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void
  shutdown(): Promise<void>
  forceFlush(): Promise<void>
}

/** A scrubbed copy of one finished span. */
export declare function scrubSpan(scrubber: Scrubber, span: ReadableSpan): ReadableSpan
