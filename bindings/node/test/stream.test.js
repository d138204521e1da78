'use strict'
// hush-redact/stream: a real child process writes a token in two pieces
// with a pause between them.

const test = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const { Readable } = require('node:stream')

const { ScrubStream } = require('../stream')

// Fake token of the right shape, made for these tests.
const GH = 'ghp_f8rgMVOQD6SKWhWWb71UIrTA1cMTE6uc5ooC'

function collect(stream) {
  return new Promise((resolve, reject) => {
    const chunks = []
    stream.on('data', (c) => chunks.push(Buffer.from(c)))
    stream.on('error', reject)
    stream.on('end', () => resolve(chunks))
  })
}

test('a token split across two writes of a child process, with a pause, never leaves', async () => {
  // The child writes a prompt and the first half of the token, waits longer
  // than the idle release, then the rest.
  const child = spawn(process.execPath, [
    '-e',
    `process.stdout.write(${JSON.stringify(`login: $ echo ${GH.slice(0, 18)}`)});
     setTimeout(() => process.stdout.write(${JSON.stringify(`${GH.slice(18)}\ndone\n`)}), 400)`,
  ])
  const scrub = new ScrubStream({ idleMs: 50 })
  const seen = []
  scrub.on('data', (c) => seen.push({ at: Date.now(), text: c.toString() }))
  const started = Date.now()
  const done = collect(child.stdout.pipe(scrub))
  const code = await new Promise((resolve) => child.on('close', resolve))
  assert.equal(code, 0)
  await done
  const out = seen.map((c) => c.text).join('')
  assert.equal(out, 'login: $ echo [REDACTED:github-pat-classic]\ndone\n')
  // The prompt left during the pause, before the second write; no piece of
  // the token did.
  assert.equal(seen[0].text, 'login: $ echo ')
  assert.ok(seen[0].at - started < 400 + 300, 'the prompt was released while the child paused')
  for (const c of seen) assert.ok(!c.text.includes(GH.slice(4, 18)))
})

test('the output does not depend on the chunking', async () => {
  const input = `a ${GH}\nb ${GH}`
  for (const size of [1, 2, 7, 64]) {
    const pieces = []
    for (let i = 0; i < input.length; i += size) pieces.push(Buffer.from(input.slice(i, i + size)))
    const out = Buffer.concat(await collect(Readable.from(pieces).pipe(new ScrubStream({ idleMs: 0 })))).toString()
    assert.equal(out, 'a [REDACTED:github-pat-classic]\nb [REDACTED:github-pat-classic]')
  }
})

test('string chunks are accepted', async () => {
  const out = Buffer.concat(
    await collect(Readable.from([`x ${GH.slice(0, 9)}`, `${GH.slice(9)}\n`], { objectMode: true }).pipe(new ScrubStream())),
  ).toString()
  assert.equal(out, 'x [REDACTED:github-pat-classic]\n')
})
