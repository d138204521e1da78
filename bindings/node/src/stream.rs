//! The `Stream` class: the library's push stream.

use napi::bindgen_prelude::{Buffer, Error, Result, Status, Unknown};
use napi_derive::napi;

use crate::{args, guard};

/// Scrubs input that arrives in pieces: each `write` returns what may leave
/// now, scrubbed; the output never depends on how the input was split.
/// Bytes that a secret still arriving could belong to are held back (the
/// unfinished last line, up to the longest match of any rule) until a later
/// write, `releaseIdle` or `finish`.
///
/// Made by `Scrubber.stream()`.
#[napi]
pub struct Stream {
    inner: hush::Stream,
    /// Set if a call panicked: the stream's state is then unknown, and every
    /// later call throws rather than risk passing on part of a secret.
    broken: bool,
}

impl Stream {
    pub(crate) fn new(inner: hush::Stream) -> Stream {
        Stream {
            inner,
            broken: false,
        }
    }

    fn run(&mut self, f: impl FnOnce(&mut hush::Stream) -> Vec<u8>) -> Result<Buffer> {
        if self.broken {
            return Err(Error::new(
                Status::GenericFailure,
                "stream: unusable after an internal error; its held bytes were dropped",
            ));
        }
        self.broken = true;
        let out = guard(|| Ok(f(&mut self.inner)))?;
        self.broken = false;
        Ok(Buffer::from(out))
    }
}

#[napi]
impl Stream {
    /// Takes in `chunk` (a string is written as UTF-8) and returns what may
    /// now leave: every complete line, scrubbed, unless a multi-line secret
    /// (a PEM block) is in progress. After `finish`, the next write starts
    /// a new input.
    #[napi(ts_args_type = "chunk: string | Buffer | Uint8Array")]
    pub fn write(&mut self, chunk: Unknown) -> Result<Buffer> {
        let chunk = args::bytes(chunk, "write(chunk): chunk", true)?;
        self.run(|s| s.push(chunk.as_ref()).to_vec())
    }

    /// Returns what may leave during a pause in the input, so that a prompt
    /// shows: the unfinished line up to where a secret could still be in
    /// progress. It never returns a byte that could belong to a secret
    /// still arriving.
    #[napi]
    pub fn release_idle(&mut self) -> Result<Buffer> {
        self.run(|s| s.release_idle().to_vec())
    }

    /// Ends the input: returns everything still held, scrubbed.
    #[napi]
    pub fn finish(&mut self) -> Result<Buffer> {
        self.run(|s| s.finish().to_vec())
    }

    /// How many bytes have been written but not yet returned.
    #[napi(getter)]
    pub fn held(&self) -> i64 {
        self.inner.held() as i64
    }
}
