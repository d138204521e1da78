'use strict'
// A Node Transform stream over the binding's push stream: pipe a child
// process's output through it.

const { Transform } = require('node:stream')
const { Scrubber } = require('./index.js')

/**
 * A `Transform` that scrubs what passes through it. Output never depends on
 * how the input was split; bytes that a secret still arriving could belong
 * to are held until more input comes, `idleMs` pass without input (then
 * only what cannot be part of a secret leaves, so that a prompt shows), or
 * the input ends.
 */
class ScrubStream extends Transform {
  /**
   * @param {{ scrubber?: Scrubber, idleMs?: number } & import('node:stream').TransformOptions} [options]
   */
  constructor(options = {}) {
    const { scrubber, idleMs, ...transformOptions } = options
    super(transformOptions)
    this.scrubber = scrubber || new Scrubber()
    this._hush = this.scrubber.stream()
    this._idleMs = idleMs === undefined ? 200 : idleMs
    this._timer = null
  }

  _transform(chunk, encoding, callback) {
    this._clearTimer()
    let out
    try {
      out = this._hush.write(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk)
    } catch (error) {
      callback(error)
      return
    }
    if (out.length > 0) this.push(out)
    if (this._idleMs > 0 && this._hush.held > 0) {
      this._timer = setTimeout(() => {
        this._timer = null
        try {
          const idle = this._hush.releaseIdle()
          if (idle.length > 0) this.push(idle)
        } catch (error) {
          this.destroy(error)
        }
      }, this._idleMs)
      this._timer.unref()
    }
    callback()
  }

  _flush(callback) {
    this._clearTimer()
    let out
    try {
      out = this._hush.finish()
    } catch (error) {
      callback(error)
      return
    }
    if (out.length > 0) this.push(out)
    callback()
  }

  _destroy(error, callback) {
    this._clearTimer()
    callback(error)
  }

  _clearTimer() {
    if (this._timer !== null) {
      clearTimeout(this._timer)
      this._timer = null
    }
  }
}

module.exports = { ScrubStream }
