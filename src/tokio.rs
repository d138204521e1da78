//! Scrubbing for tokio: [`ScrubWriter`] (`AsyncWrite`), [`ScrubReader`]
//! (`AsyncRead`) and [`Runner`], which runs a `tokio::process::Command`
//! and scrubs its stdout and stderr as they stream.
//!
//! All three are thin adapters over the push-style [`Stream`]: the bytes
//! they pass on, over a whole input, are [`Scrubber::scrub`] of that input,
//! however it was split, unless an idle release split a secret (see
//! [`Stream::release_idle`]: even then the secret is redacted whole and no
//! byte of it leaves early). Nothing unscrubbed is ever written: bytes a
//! writer or reader still holds when it is dropped are discarded, not
//! passed on.
//!
//! Enabled by the `tokio` feature.
//!
//! # Example: run a command, scrub its output
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let scrubber = hush::Scrubber::new();
//! let mut cmd = tokio::process::Command::new("sh");
//! cmd.args(["-c", "echo pushed with ghp_V6QMdPU8VvztU3ledKYiVJSS0p5MeF1O3Brd"]);
//! let (mut out, mut err) = (Vec::new(), Vec::new());
//! let outcome = hush::tokio::Runner::new(&scrubber)
//!     .run(&mut cmd, &mut out, &mut err)
//!     .await?;
//! assert!(outcome.status().success());
//! assert_eq!(out, b"pushed with [REDACTED:github-pat-classic]\n");
//! assert_eq!(outcome.stdout_redactions(), [("github-pat-classic".to_string(), 1)]);
//! # Ok(())
//! # }
//! ```

use std::future::{Future, poll_fn};
use std::io;
use std::pin::{Pin, pin};
use std::process::{ExitStatus, Stdio};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use ::tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use ::tokio::process::Command;
use ::tokio::sync::watch;
use ::tokio::time::{Sleep, sleep, timeout};

use crate::{Scrubber, Stream};

/// How much a reader asks of its inner reader at a time.
const CHUNK: usize = 16 * 1024;

/// An `AsyncWrite` that scrubs what is written to it before passing it on.
///
/// The async counterpart of [`Writer`](crate::Writer):
///
/// * `poll_write` accepts the bytes and passes on what may leave (see
///   [`Stream::push`]). The inner writer gets the scrubbed bytes as fast as
///   it takes them; a write waits until the inner writer has taken the
///   previous write's output, so at most one write's output is buffered.
/// * `poll_flush` is an *idle release* ([`Stream::release_idle`], the same
///   as `Writer::flush`): it also passes on the unfinished line up to where
///   a secret could still be in progress, then flushes the inner writer.
///   `tokio::io::copy` flushes whenever its reader has nothing to give, so
///   a prompt shows while a partial token stays held.
/// * `poll_shutdown` passes on everything still held, scrubbed, then shuts
///   the inner writer down. Writing after a shutdown is an error.
///
/// Bytes still held when the writer is dropped without a shutdown are
/// discarded: a drop cannot wait for the inner writer, and nothing leaves
/// unscrubbed.
///
/// The inner writer must be `Unpin`; wrap one that is not in `Box::pin`.
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use tokio::io::AsyncWriteExt;
///
/// let scrubber = hush::Scrubber::new();
/// let mut w = hush::tokio::ScrubWriter::new(&scrubber, Vec::new());
/// w.write_all(b"export STRIPE_KEY=sk_live_FzDmXrzozE").await?;
/// w.write_all(b"yJq1bhEfBxFqlN\n").await?;
/// w.shutdown().await?;
/// assert_eq!(w.get_ref(), b"export STRIPE_KEY=[REDACTED:stripe-live-secret-key]\n");
/// # Ok(())
/// # }
/// ```
pub struct ScrubWriter<W> {
    inner: W,
    stream: Stream,
    /// Scrubbed bytes the inner writer has not taken yet, from `pos` on.
    pending: Vec<u8>,
    pos: usize,
    /// The stream has been finished: nothing more is accepted.
    finished: bool,
}

impl<W: AsyncWrite + Unpin> ScrubWriter<W> {
    /// A writer that scrubs with `scrubber` and passes the result to
    /// `inner`.
    pub fn new(scrubber: &Scrubber, inner: W) -> ScrubWriter<W> {
        ScrubWriter {
            inner,
            stream: scrubber.stream(),
            pending: Vec::new(),
            pos: 0,
            finished: false,
        }
    }

    /// How many bytes have been written to this writer but are held back,
    /// not yet scrubbed and passed on.
    pub fn held(&self) -> usize {
        self.stream.held()
    }

    /// How many findings of each rule have been redacted in what was passed
    /// on so far: `(rule id, count)` in rule order, rules with none left
    /// out. Never the values.
    pub fn redactions(&self) -> Vec<(&str, u64)> {
        self.stream.redactions()
    }

    /// The inner writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// Returns the inner writer. Bytes still held are discarded: shut the
    /// writer down first to pass them on.
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// Passes the pending scrubbed bytes to the inner writer.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.pos < self.pending.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.pos..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.pos += n;
        }
        self.pending.clear();
        self.pos = 0;
        Poll::Ready(Ok(()))
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for ScrubWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "hush: write after shutdown",
            )));
        }
        ready!(this.poll_drain(cx))?;
        let out = this.stream.push(buf);
        this.pending.extend_from_slice(out);
        // `buf` is taken: an error passing it on shows at the next call,
        // which drains first; returning it now would have the caller write
        // `buf` twice.
        let _ = this.poll_drain(cx);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        if !this.finished {
            let out = this.stream.release_idle();
            this.pending.extend_from_slice(out);
            ready!(this.poll_drain(cx))?;
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        if !this.finished {
            this.finished = true;
            let out = this.stream.finish();
            this.pending.extend_from_slice(out);
            ready!(this.poll_drain(cx))?;
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

impl<W> std::fmt::Debug for ScrubWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScrubWriter")
            .field("held", &self.stream.held())
            .finish_non_exhaustive()
    }
}

/// An `AsyncRead` that scrubs what it reads from an inner reader.
///
/// The async counterpart of [`Reader`](crate::Reader): it returns the same
/// bytes a [`ScrubWriter`] would pass on, whatever sizes the inner reader
/// returns. Without an idle time it returns an unfinished line only when
/// the line completes or the input ends; with one
/// ([`ScrubReader::with_idle`]) it makes an idle release
/// ([`Stream::release_idle`]) when bytes are held and the inner reader has
/// had nothing for that long, so that a prompt shows.
///
/// The inner reader must be `Unpin`; wrap one that is not in `Box::pin`.
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use tokio::io::AsyncReadExt;
///
/// let scrubber = hush::Scrubber::new();
/// let input: &[u8] = b"pushed with ghp_V6QMdPU8VvztU3ledKYiVJSS0p5MeF1O3Brd\n";
/// let mut r = hush::tokio::ScrubReader::new(&scrubber, input);
/// let mut out = String::new();
/// r.read_to_string(&mut out).await?;
/// assert_eq!(out, "pushed with [REDACTED:github-pat-classic]\n");
/// # Ok(())
/// # }
/// ```
pub struct ScrubReader<R> {
    inner: R,
    stream: Stream,
    chunk: Box<[u8]>,
    /// Scrubbed bytes not yet read, from `pos` on.
    out: Vec<u8>,
    pos: usize,
    done: bool,
    idle: Option<Duration>,
    /// Runs while bytes are held and the inner reader has nothing.
    timer: Option<Pin<Box<Sleep>>>,
    /// An idle release has been made since the last input: the next waits
    /// for new input.
    released: bool,
}

impl<R: AsyncRead + Unpin> ScrubReader<R> {
    /// A reader that scrubs what it reads from `inner` with `scrubber`.
    pub fn new(scrubber: &Scrubber, inner: R) -> ScrubReader<R> {
        ScrubReader {
            inner,
            stream: scrubber.stream(),
            chunk: vec![0; CHUNK].into_boxed_slice(),
            out: Vec::new(),
            pos: 0,
            done: false,
            idle: None,
            timer: None,
            released: false,
        }
    }

    /// Makes an idle release when bytes are held and the inner reader has
    /// returned nothing for `idle`. Needs a tokio runtime with the time
    /// driver enabled.
    pub fn with_idle(mut self, idle: Duration) -> ScrubReader<R> {
        self.idle = Some(idle);
        self
    }

    /// How many bytes have been read from the inner reader but are held
    /// back, not yet scrubbed and returned.
    pub fn held(&self) -> usize {
        self.stream.held()
    }

    /// How many findings of each rule have been redacted in what was
    /// returned so far: `(rule id, count)` in rule order, rules with none
    /// left out. Never the values.
    pub fn redactions(&self) -> Vec<(&str, u64)> {
        self.stream.redactions()
    }

    /// Returns the inner reader. Bytes held are discarded.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for ScrubReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.pos < this.out.len() {
                let n = buf.remaining().min(this.out.len() - this.pos);
                buf.put_slice(&this.out[this.pos..this.pos + n]);
                this.pos += n;
                return Poll::Ready(Ok(()));
            }
            if this.done || buf.remaining() == 0 {
                return Poll::Ready(Ok(()));
            }
            this.out.clear();
            this.pos = 0;
            let mut into = ReadBuf::new(&mut this.chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut into) {
                Poll::Ready(Ok(())) => {
                    let n = into.filled().len();
                    this.timer = None;
                    this.released = false;
                    if n == 0 {
                        this.done = true;
                        this.out.extend_from_slice(this.stream.finish());
                    } else {
                        this.out
                            .extend_from_slice(this.stream.push(&this.chunk[..n]));
                    }
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => {
                    let Some(idle) = this.idle else {
                        return Poll::Pending;
                    };
                    if this.released || this.stream.held() == 0 {
                        return Poll::Pending;
                    }
                    let timer = this.timer.get_or_insert_with(|| Box::pin(sleep(idle)));
                    ready!(timer.as_mut().poll(cx));
                    this.timer = None;
                    this.released = true;
                    this.out.extend_from_slice(this.stream.release_idle());
                }
            }
        }
    }
}

impl<R> std::fmt::Debug for ScrubReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScrubReader")
            .field("held", &self.stream.held())
            .finish_non_exhaustive()
    }
}

/// Runs a `tokio::process::Command` and scrubs its stdout and stderr as
/// they stream, each through its own [`Stream`], into the writers given.
///
/// Each stream's complete lines are written (scrubbed) and the writer
/// flushed as soon as they are read. When bytes are held (an unfinished
/// line) and nothing more arrives for the idle time (default 100 ms), an
/// idle release ([`Stream::release_idle`]) writes what cannot be part of a
/// secret in progress, so that a prompt shows. Once the command has
/// exited, its output is read for at most the grace period (default
/// 0.5 s): a background process it left behind may hold the pipes open,
/// and the runner does not wait for it. What was read by then is written,
/// scrubbed; nothing is ever written unscrubbed.
///
/// The command's stdout and stderr are set to pipes; its stdin is left as
/// the command has it. If the future is dropped before it completes, the
/// command keeps running unless `kill_on_drop` was set on it.
#[derive(Clone, Debug)]
pub struct Runner {
    scrubber: Scrubber,
    idle: Duration,
    grace: Duration,
}

/// What a [`Runner`] reports: the command's exit status and what was
/// redacted on each stream. Never a value.
#[derive(Clone, Debug)]
pub struct Outcome {
    status: ExitStatus,
    stdout: Vec<(String, u64)>,
    stderr: Vec<(String, u64)>,
}

impl Outcome {
    /// The command's exit status.
    pub fn status(&self) -> ExitStatus {
        self.status
    }

    /// How many findings of each rule were redacted on stdout: `(rule id,
    /// count)` in rule order, rules with none left out.
    pub fn stdout_redactions(&self) -> &[(String, u64)] {
        &self.stdout
    }

    /// How many findings of each rule were redacted on stderr: `(rule id,
    /// count)` in rule order, rules with none left out.
    pub fn stderr_redactions(&self) -> &[(String, u64)] {
        &self.stderr
    }
}

impl Runner {
    /// A runner that scrubs with `scrubber`, with an idle time of 100 ms
    /// and a grace period of 0.5 s.
    pub fn new(scrubber: &Scrubber) -> Runner {
        Runner {
            scrubber: scrubber.clone(),
            idle: Duration::from_millis(100),
            grace: Duration::from_millis(500),
        }
    }

    /// How long a stream must have had no new bytes before an idle release.
    pub fn idle(&mut self, idle: Duration) -> &mut Runner {
        self.idle = idle;
        self
    }

    /// How long output is still read after the command has exited.
    pub fn grace(&mut self, grace: Duration) -> &mut Runner {
        self.grace = grace;
        self
    }

    /// Spawns `command` with its stdout and stderr piped, writes each,
    /// scrubbed, to `stdout` and `stderr`, and returns its exit status and
    /// redaction counts once it has exited and its output has been written
    /// (or the grace period has passed).
    ///
    /// # Errors
    ///
    /// The error of spawning or waiting for the command, or the first error
    /// of reading its output or writing to `stdout` or `stderr`. After a
    /// write error the runner stops reading that stream and closes its
    /// pipe, so the command sees a broken pipe rather than blocking; it
    /// still waits for the command to exit. Errors are the I/O errors of
    /// the operating system and writers, which carry no output.
    pub async fn run<O, E>(
        &self,
        command: &mut Command,
        stdout: &mut O,
        stderr: &mut E,
    ) -> io::Result<Outcome>
    where
        O: AsyncWrite + Unpin,
        E: AsyncWrite + Unpin,
    {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn()?;
        let (Some(child_out), Some(child_err)) = (child.stdout.take(), child.stderr.take()) else {
            return Err(io::Error::other("hush: the command's output is not piped"));
        };
        let (stop, stopped) = watch::channel(false);
        let out = pump(
            child_out,
            stdout,
            self.scrubber.stream(),
            self.idle,
            stopped.clone(),
        );
        let err = pump(
            child_err,
            stderr,
            self.scrubber.stream(),
            self.idle,
            stopped,
        );
        let grace = self.grace;
        let wait = async {
            let status = child.wait().await;
            if status.is_ok() {
                // Until both pumps have ended (and dropped their receivers),
                // or the grace period has passed.
                race(sleep(grace), stop.closed()).await;
            }
            let _ = stop.send(true);
            status
        };
        let (out, err, status) = join3(out, err, wait).await;
        Ok(Outcome {
            status: status?,
            stdout: out?,
            stderr: err?,
        })
    }
}

/// Copies `reader` to `writer` through `stream`, with idle releases, until
/// the end of the input or `stop`; returns the redaction counts.
async fn pump<R, W>(
    mut reader: R,
    writer: &mut W,
    mut stream: Stream,
    idle: Duration,
    mut stop: watch::Receiver<bool>,
) -> io::Result<Vec<(String, u64)>>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    enum Event {
        Read(io::Result<usize>),
        Idle,
        Stop,
    }
    let mut buf = vec![0; CHUNK];
    // Whether bytes are held and no idle release has been made since the
    // last input.
    let mut armed = false;
    loop {
        let read = async {
            if armed {
                match timeout(idle, reader.read(&mut buf)).await {
                    Ok(r) => Event::Read(r),
                    Err(_) => Event::Idle,
                }
            } else {
                Event::Read(reader.read(&mut buf).await)
            }
        };
        let stopped = async {
            // An error means the runner is gone: stop as well.
            let _ = stop.wait_for(|&s| s).await;
            Event::Stop
        };
        match race(read, stopped).await {
            Event::Read(Ok(0)) | Event::Stop => {
                writer.write_all(stream.finish()).await?;
                writer.flush().await?;
                return Ok(stream
                    .redactions()
                    .into_iter()
                    .map(|(id, n)| (id.to_string(), n))
                    .collect());
            }
            Event::Read(Ok(n)) => {
                let out = stream.push(&buf[..n]);
                if !out.is_empty() {
                    writer.write_all(out).await?;
                    writer.flush().await?;
                }
                armed = stream.held() > 0;
            }
            Event::Read(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
            Event::Read(Err(e)) => return Err(e),
            Event::Idle => {
                let out = stream.release_idle();
                if !out.is_empty() {
                    writer.write_all(out).await?;
                    writer.flush().await?;
                }
                armed = false;
            }
        }
    }
}

/// The output of whichever of `a` and `b` completes first (`a` if both are
/// ready).
async fn race<T>(a: impl Future<Output = T>, b: impl Future<Output = T>) -> T {
    let (mut a, mut b) = (pin!(a), pin!(b));
    poll_fn(|cx| match a.as_mut().poll(cx) {
        Poll::Ready(v) => Poll::Ready(v),
        Poll::Pending => b.as_mut().poll(cx),
    })
    .await
}

/// Runs three futures concurrently, in one task, to completion.
async fn join3<A: Future, B: Future, C: Future>(
    a: A,
    b: B,
    c: C,
) -> (A::Output, B::Output, C::Output) {
    let (mut a, mut b, mut c) = (pin!(a), pin!(b), pin!(c));
    let (mut ra, mut rb, mut rc) = (None, None, None);
    poll_fn(|cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        if rc.is_none() {
            if let Poll::Ready(v) = c.as_mut().poll(cx) {
                rc = Some(v);
            }
        }
        match (ra.take(), rb.take(), rc.take()) {
            (Some(a), Some(b), Some(c)) => Poll::Ready((a, b, c)),
            (a, b, c) => {
                (ra, rb, rc) = (a, b, c);
                Poll::Pending
            }
        }
    })
    .await
}
