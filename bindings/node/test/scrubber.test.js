'use strict'
// The translation of the API: types in and out, options, errors, spans.
// Behaviour (what the rules find) is tested in the library.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { Scrubber, Stream, KnownSecrets } = require('..')

// Fake tokens of the right shape, made for these tests.
const GH = 'ghp_f8rgMVOQD6SKWhWWb71UIrTA1cMTE6uc5ooC'
const GH2 = 'ghp_fTzg3P8Jw6LEIMX6pplzcvvgDYfrMADZtuOG'
const GH_LABEL = '[REDACTED:github-pat-classic]'

const scrubber = new Scrubber()

test('scrub redacts a token in a string and returns a clean string as it is', () => {
  assert.equal(scrubber.scrub(`export GITHUB_TOKEN=${GH}`), `export GITHUB_TOKEN=${GH_LABEL}`)
  const clean = 'nothing secret here, just a git sha 3f786850e387550fdab836ed7e6dc881de23001b'
  assert.equal(scrubber.scrub(clean), clean)
})

test('scrubBuffer takes a Buffer or Uint8Array, returns a Buffer, passes invalid UTF-8 through', () => {
  const input = Buffer.concat([Buffer.from([0xff, 0xfe, 0x20]), Buffer.from(`${GH}\n`)])
  const out = scrubber.scrubBuffer(input)
  assert.ok(Buffer.isBuffer(out))
  assert.deepEqual(out, Buffer.concat([Buffer.from([0xff, 0xfe, 0x20]), Buffer.from(`${GH_LABEL}\n`)]))
  const array = new Uint8Array(Buffer.from(`t ${GH}`))
  assert.equal(scrubber.scrubBuffer(array).toString(), `t ${GH_LABEL}`)
})

test('find gives rule ids and string indices, never the value', () => {
  // Characters of 2 bytes and of 2 UTF-16 units before the token: the span
  // must be in string indices, not bytes.
  const text = `é😀 key=${GH} and ${GH2}`
  const found = scrubber.find(text)
  assert.equal(found.length, 2)
  for (const f of found) {
    assert.deepEqual(Object.keys(f).sort(), ['end', 'rule', 'start'])
    assert.equal(f.rule, 'github-pat-classic')
  }
  assert.equal(text.slice(found[0].start, found[0].end), GH)
  assert.equal(text.slice(found[1].start, found[1].end), GH2)
  assert.ok(!JSON.stringify(found).includes('ghp_'))
})

test('findBuffer gives byte offsets', () => {
  const data = Buffer.from(`é ${GH}`)
  const [f] = scrubber.findBuffer(data)
  assert.equal(data.subarray(f.start, f.end).toString(), GH)
})

test('scrubJson uses the structure and returns a new value, the input unchanged', () => {
  const event = {
    tool: 'bash',
    command: 'mysql -uroot -pS3cr3t-pw -h db',
    env: { DB_PASSWORD: 'hunter2-prod', HOME: '/root' },
    output: [`token ${GH}`, 42, true, null],
    skipped: undefined,
  }
  const before = JSON.stringify(event)
  const out = scrubber.scrubJson(event)
  assert.deepEqual(out, {
    tool: 'bash',
    command: 'mysql -uroot -p[REDACTED:sensitive-flag] -h db',
    env: { DB_PASSWORD: '[REDACTED:sensitive-key]', HOME: '/root' },
    output: [`token ${GH_LABEL}`, 42, true, null],
  })
  assert.equal(JSON.stringify(event), before)
  assert.equal(scrubber.scrubJson(`a ${GH}`), `a ${GH_LABEL}`)
  assert.equal(scrubber.scrubJson(7), 7)
})

test('scrubJson refuses what has no JSON form and too deep nesting', () => {
  assert.throws(() => scrubber.scrubJson(undefined), /no JSON form/)
  assert.throws(() => scrubber.scrubJson(() => 1), /no JSON form/)
  const cyclic = { token: GH }
  cyclic.self = cyclic
  assert.throws(() => scrubber.scrubJson(cyclic), (e) => !e.message.includes(GH))
  let deep = { token: GH }
  for (let i = 0; i < 200; i++) deep = [deep]
  assert.throws(() => scrubber.scrubJson(deep), /deeper than 128/)
})

test('stream: write, releaseIdle, finish; strings and Buffers; output independent of the split', () => {
  const input = `$ echo ${GH}\nnext line\n`
  const oneShot = scrubber.scrub(input)
  for (let cut = 0; cut <= input.length; cut += 3) {
    const s = scrubber.stream()
    const parts = [s.write(input.slice(0, cut)), s.write(Buffer.from(input.slice(cut))), s.finish()]
    for (const p of parts) assert.ok(Buffer.isBuffer(p))
    assert.equal(Buffer.concat(parts).toString(), oneShot)
  }
  const s = scrubber.stream()
  let out = s.write(`$ echo ${GH.slice(0, 20)}`).toString()
  out += s.releaseIdle().toString()
  // The pause releases the prompt, not the start of the token.
  assert.equal(out, '$ echo ')
  assert.equal(s.held, 20)
  out += s.write(`${GH.slice(20)}\n`).toString() + s.finish().toString()
  assert.equal(out, `$ echo ${GH_LABEL}\n`)
  assert.throws(() => new Stream(), /constructor/)
})

test('knownSecrets: add and addMany are live for scrub and for streams already made', () => {
  const sc = new Scrubber({ known: ['sess-7f3a9c1e2b'] })
  assert.ok(sc.knownSecrets instanceof KnownSecrets)
  const s = sc.stream()
  assert.equal(sc.scrub('old sess-7f3a9c1e2b'), 'old [REDACTED:known-secret]')
  sc.knownSecrets.add('sess-0d4e8b6a95')
  sc.knownSecrets.addMany(['t0k3n-0n3-aaaa', Buffer.from('t0k3n-tw0-bbbb')])
  assert.equal(sc.knownSecrets.length, 4)
  const out = Buffer.concat([s.write('a sess-0d4e8b6a95 b t0k3n-tw0-bbbb\n'), s.finish()]).toString()
  assert.equal(out, 'a [REDACTED:known-secret] b [REDACTED:known-secret]\n')
  assert.equal(sc.scrub('t0k3n-0n3-aaaa'), '[REDACTED:known-secret]')
})

test('options: defaults, rules as text and as a path, redaction styles', () => {
  const rules = `[[rules]]
id = "acme-key"
description = "ACME internal API key"
regex = '''\\b(acme_[0-9a-f]{32})\\b'''
keywords = ["acme_"]
`
  const key = 'acme_5d0c9e1fa3b7402e8c6d1f9a0b2e4c7d'
  const onlyAcme = new Scrubber({ defaults: false, rules: [rules] })
  assert.equal(onlyAcme.scrub(`k ${key} ${GH}`), `k [REDACTED:acme-key] ${GH}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hush-node-'))
  const file = path.join(dir, 'acme.toml')
  fs.writeFileSync(file, rules)
  const withFile = new Scrubber({ rules: [file] })
  assert.equal(withFile.scrub(`k ${key} ${GH}`), `k [REDACTED:acme-key] ${GH_LABEL}`)
  assert.equal(new Scrubber({ redaction: 'mask' }).scrub(GH), 'ghp_[REDACTED]')
  assert.equal(new Scrubber({ redaction: { text: '***' } }).scrub(`x ${GH}`), 'x ***')
  const fp = new Scrubber({ redaction: 'fingerprint', fingerprintKey: 'k'.repeat(32) }).scrub(GH)
  assert.match(fp, /^\[REDACTED:github-pat-classic:[0-9a-f]{16}\]$/)
  assert.equal(new Scrubber(null).scrub(GH), GH_LABEL)
})

test('errors are Errors with the library one-line messages', () => {
  assert.throws(() => new Scrubber({ rules: ['/nonexistent/hush-rules.toml'] }), {
    message: '/nonexistent/hush-rules.toml: file not found',
  })
  const bad = `[[rules]]\nid = "broken"\nregex = '''(acme_'''\nkeywords = ["acme_"]\n`
  assert.throws(() => new Scrubber({ rules: [bad] }), (e) => {
    assert.ok(e instanceof Error)
    assert.match(e.message, /^rules\[0\]:3: rule broken: /)
    assert.ok(!e.message.includes('\n'))
    return true
  })
  assert.throws(() => new Scrubber({ redaction: 'hidden' }), /options\.redaction must be/)
  assert.throws(() => new Scrubber({ tokn: 1 }), /unknown option "tokn"/)
  assert.throws(() => new Scrubber({ defaults: 'no' }), /options\.defaults must be a boolean, not a string/)
})

// napi-rs's own conversion errors quote the value they could not convert
// (`Failed to convert JavaScript value `Object {"token":"ghp_..."}``); a
// secret passed in the wrong shape must not end up in the message.
test('wrong_type_errors_quote_no_value', () => {
  const calls = [
    () => scrubber.scrub({ token: GH }),
    () => scrubber.scrub([GH]),
    () => scrubber.scrubBuffer(GH),
    () => scrubber.scrubBuffer({ data: GH }),
    () => scrubber.find({ token: GH }),
    () => scrubber.stream().write({ token: GH }),
    () => scrubber.stream().write(12345678901234),
    () => scrubber.knownSecrets.add({ value: GH }),
    () => scrubber.knownSecrets.addMany([GH, { value: GH2 }]),
    () => scrubber.knownSecrets.addMany(GH),
    () => scrubber.knownSecrets.add('q7x9w'),
    () => new Scrubber({ known: [{ v: GH }] }),
    () => new Scrubber({ known: ['z9w'] }),
    () => new Scrubber({ rules: [{ text: GH }] }),
    () => new Scrubber({ redaction: { text: { GH } } }),
    () => new Scrubber({ [GH]: 1 }),
    () => new Scrubber({ redaction: GH }),
    () => new Scrubber({ rules: [`${GH}\n`] }),
  ]
  for (const call of calls) {
    assert.throws(call, (e) => {
      assert.ok(e instanceof Error)
      for (const part of [GH, GH2, GH.slice(4, 20), '12345678901234', 'q7x9w', 'z9w']) {
        assert.ok(!e.message.includes(part), `message quotes the input: ${call}`)
      }
      return true
    })
  }
})

test('warmUp compiles on a worker thread while the scrubber is used', async () => {
  const sc = new Scrubber()
  const warming = sc.warmUp()
  assert.ok(warming instanceof Promise)
  for (let i = 0; i < 50; i++) {
    assert.equal(sc.scrub(`token ${GH}`), `token ${GH_LABEL}`)
  }
  assert.equal(await warming, undefined)
  assert.equal(sc.scrub(`GITHUB_TOKEN=${GH}`), `GITHUB_TOKEN=${GH_LABEL}`)
})
