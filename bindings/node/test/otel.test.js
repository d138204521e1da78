'use strict'
// hush-redact/otel against the real OpenTelemetry JS SDK.

const test = require('node:test')
const assert = require('node:assert/strict')
const { BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = require('@opentelemetry/sdk-trace-base')
const { resourceFromAttributes } = require('@opentelemetry/resources')
const { SpanStatusCode } = require('@opentelemetry/api')

const { Scrubber } = require('..')
const { ScrubbingSpanExporter } = require('../otel')

// Fake tokens of the right shape, made for these tests.
const GH = 'ghp_f8rgMVOQD6SKWhWWb71UIrTA1cMTE6uc5ooC'
const STRIPE = 'sk_live_dONlCFfm2MFF3l0I88HNvA7F'

function setup(options) {
  const memory = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'agent', 'deploy.token': GH }),
    spanProcessors: [new SimpleSpanProcessor(new ScrubbingSpanExporter(memory, options))],
  })
  return { memory, provider, tracer: provider.getTracer('hush-test') }
}

test('spans reach the inner exporter with attributes, events, status and resource scrubbed', async () => {
  const { memory, provider, tracer } = setup()
  const span = tracer.startSpan(`tool call ${GH}`)
  span.setAttribute('tool.output', `export STRIPE_KEY=${STRIPE}`)
  span.setAttribute('tool.args', ['--token', GH])
  span.setAttribute('db.password', 'hunter2-prod')
  span.setAttribute('retries', 3)
  span.addEvent('stdout', { line: `ghp ${GH}`, ok: true })
  span.setStatus({ code: SpanStatusCode.ERROR, message: `auth failed for ${GH}` })
  span.end()
  await provider.forceFlush()

  const [out] = memory.getFinishedSpans()
  assert.ok(out, 'the inner exporter got the span')
  assert.equal(out.name, 'tool call [REDACTED:github-pat-classic]')
  assert.equal(out.attributes['tool.output'], 'export STRIPE_KEY=[REDACTED:stripe-live-secret-key]')
  assert.deepEqual(out.attributes['tool.args'], ['--token', '[REDACTED:github-pat-classic]'])
  assert.equal(out.attributes['db.password'], '[REDACTED:sensitive-key]')
  assert.equal(out.attributes.retries, 3)
  assert.equal(out.events[0].name, 'stdout')
  assert.deepEqual(out.events[0].attributes, { line: 'ghp [REDACTED:github-pat-classic]', ok: true })
  assert.equal(out.status.code, SpanStatusCode.ERROR)
  assert.equal(out.status.message, 'auth failed for [REDACTED:github-pat-classic]')
  assert.equal(out.resource.attributes['service.name'], 'agent')
  assert.equal(out.resource.attributes['deploy.token'], '[REDACTED:sensitive-key]')
  assert.equal(out.spanContext().traceId, span.spanContext().traceId)
  // Nothing of either token anywhere in what was exported.
  const exported = JSON.stringify({ ...out, resource: out.resource.attributes, ctx: out.spanContext() })
  assert.ok(!exported.includes(GH.slice(4)) && !exported.includes(STRIPE.slice(8)))
  await provider.shutdown()
})

test('the exporter uses the scrubber it is given, known secrets included', async () => {
  const scrubber = new Scrubber({ known: ['sess-7f3a9c1e2b'] })
  const { memory, provider, tracer } = setup({ scrubber })
  const span = tracer.startSpan('call')
  span.setAttribute('session', 'id sess-7f3a9c1e2b')
  span.end()
  await provider.forceFlush()
  assert.equal(memory.getFinishedSpans()[0].attributes.session, 'id [REDACTED:known-secret]')
  await provider.shutdown()
})

test('the inner exporter must be an exporter', () => {
  assert.throws(() => new ScrubbingSpanExporter({}), TypeError)
})
