'use strict'
// Per-call cost of scrub on a 200-byte string, clean and with a token, and
// throughput through stream(). Usage: npm run bench [-- MiB] (default 64).
// Each figure asserts the result it measures, so a broken build cannot
// report a fast number.

const assert = require('node:assert/strict')
const { Scrubber } = require('..')

// Fake token of the right shape, made for this bench.
const GH = 'ghp_f8rgMVOQD6SKWhWWb71UIrTA1cMTE6uc5ooC'

function perCall(name, fn, iterations) {
  for (let i = 0; i < iterations / 10; i++) fn() // warm up
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) fn()
  const ns = Number(process.hrtime.bigint() - start) / iterations
  console.log(`${name.padEnd(36)} ${(ns / 1000).toFixed(2)} us/call`)
}

const scrubber = new Scrubber()
const line = 'INFO 2026-12-04T21:20:15Z worker[4242] fetched 128 objects from bucket assets-prod in 35 ms; cache hit ratio 0.93; next poll in 30 s; queue depth 17; build 3f786850e3 ok.'
const clean = line.padEnd(200, '.').slice(0, 200)
const withToken = `${clean.slice(0, 200 - GH.length - 7)} token ${GH}`
assert.equal(Buffer.byteLength(clean), 200)
assert.equal(Buffer.byteLength(withToken), 200)
assert.equal(scrubber.scrub(clean), clean)
assert.ok(scrubber.scrub(withToken).endsWith('token [REDACTED:github-pat-classic]'))

perCall('scrub, 200-byte clean string', () => scrubber.scrub(clean), 200_000)
perCall('scrub, 200-byte string with a token', () => scrubber.scrub(withToken), 100_000)
const cleanBuf = Buffer.from(clean)
perCall('scrubBuffer, 200-byte clean Buffer', () => scrubber.scrubBuffer(cleanBuf), 200_000)

// Throughput: log-like lines, one token per 64 KiB chunk, written in 64 KiB
// chunks as a pipe delivers them.
const mib = Number(process.argv[2] || 64)
const lines = []
let size = 0
while (size < 64 * 1024 - 200) {
  const l = size === 0 ? `${withToken}\n` : `${clean}\n`
  lines.push(l)
  size += l.length
}
const chunk = Buffer.from(lines.join(''))
const chunks = Math.ceil((mib * 1024 * 1024) / chunk.length)
const count = () => scrubber.summary().find((r) => r.rule === 'github-pat-classic').count
const before = count()
const stream = scrubber.stream()
let outBytes = 0
const start = process.hrtime.bigint()
for (let i = 0; i < chunks; i++) {
  const out = stream.write(chunk)
  outBytes += out.length
}
outBytes += stream.finish().length
const seconds = Number(process.hrtime.bigint() - start) / 1e9
assert.equal(count() - before, chunks)
const inMiB = (chunks * chunk.length) / (1024 * 1024)
console.log(`${'stream(), 64 KiB writes'.padEnd(36)} ${(inMiB / seconds).toFixed(1)} MiB/s (${inMiB.toFixed(0)} MiB in ${seconds.toFixed(2)} s, ${outBytes} bytes out)`)
