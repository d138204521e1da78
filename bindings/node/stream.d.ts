import { Transform, TransformOptions } from 'node:stream'
import type { Scrubber } from './index'

/** Options of `ScrubStream`. */
export interface ScrubStreamOptions extends TransformOptions {
  /** The scrubber to use; a new one with the default rules if not given. */
  scrubber?: Scrubber
  /**
   * After this many milliseconds without input, release what cannot be
   * part of a secret still arriving (so that a prompt shows); 0 never
   * does. Default 200.
   */
  idleMs?: number
}

/**
 * A `Transform` that scrubs what passes through it, e.g. a child
 * process's output: `child.stdout.pipe(new ScrubStream()).pipe(process.stdout)`.
 * The output never depends on how the input was split.
 */
export declare class ScrubStream extends Transform {
  constructor(options?: ScrubStreamOptions)
  readonly scrubber: Scrubber
}
