//! Scrubbing for `tracing-subscriber`: [`ScrubMakeWriter`], a `MakeWriter`
//! that scrubs every formatted event before it reaches the real writer.
//!
//! `tracing_subscriber::fmt` formats each event into a line and writes it
//! through a writer it makes for that event. The writer made here keeps
//! the line and, when the event is done (the writer is dropped), scrubs it
//! in one shot ([`Scrubber::scrub`]) and writes the result to a writer of
//! the inner `MakeWriter`. A line is never split, so the result is the
//! one-shot result, at the cost of one scrub plus one copy of the line.
//!
//! Enabled by the `tracing` feature.
//!
//! # Example
//!
//! ```
//! use std::sync::{Arc, Mutex};
//!
//! // A MakeWriter that collects the output, for the example.
//! #[derive(Clone, Default)]
//! struct Collect(Arc<Mutex<Vec<u8>>>);
//! impl std::io::Write for Collect {
//!     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
//!         self.0.lock().unwrap().extend_from_slice(b);
//!         Ok(b.len())
//!     }
//!     fn flush(&mut self) -> std::io::Result<()> {
//!         Ok(())
//!     }
//! }
//!
//! let out = Collect::default();
//! let out2 = out.clone();
//! let scrubber = hush::Scrubber::new();
//! let subscriber = tracing_subscriber::fmt()
//!     .with_writer(hush::tracing::ScrubMakeWriter::new(&scrubber, move || out2.clone()))
//!     .with_ansi(false)
//!     .finish();
//! tracing::subscriber::with_default(subscriber, || {
//!     tracing::info!(remote = "ghp_V6QMdPU8VvztU3ledKYiVJSS0p5MeF1O3Brd", "pushed");
//! });
//! let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
//! assert!(text.ends_with("pushed remote=\"[REDACTED:github-pat-classic]\"\n"), "{text}");
//! ```

use std::cell::Cell;
use std::io::{self, Write};

use tracing_core::Metadata;
use tracing_subscriber::fmt::MakeWriter;

use crate::Scrubber;

/// A buffer kept above this size is not reused, so that one large event
/// does not hold its memory for the life of the thread.
const KEEP: usize = 64 * 1024;

thread_local! {
    /// The event buffer last used on this thread, reused to spare an
    /// allocation per event.
    static SPARE: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// A `MakeWriter` that scrubs every event written through it, in one shot,
/// before passing it to the inner `MakeWriter`'s writer.
///
/// Made by [`ScrubMakeWriter::new`]; give it to
/// `tracing_subscriber::fmt().with_writer(...)` or
/// `fmt::layer().with_writer(...)`. See the [module documentation](self).
#[derive(Clone, Debug)]
pub struct ScrubMakeWriter<M> {
    scrubber: Scrubber,
    inner: M,
}

impl<M> ScrubMakeWriter<M> {
    /// A `MakeWriter` that scrubs with `scrubber` and writes to the writers
    /// `inner` makes (`std::io::stdout`, a file appender, ...).
    pub fn new(scrubber: &Scrubber, inner: M) -> ScrubMakeWriter<M> {
        ScrubMakeWriter {
            scrubber: scrubber.clone(),
            inner,
        }
    }

    /// The inner `MakeWriter`.
    pub fn get_ref(&self) -> &M {
        &self.inner
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for ScrubMakeWriter<M> {
    type Writer = EventWriter<'a, M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        EventWriter::new(&self.scrubber, self.inner.make_writer())
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        EventWriter::new(&self.scrubber, self.inner.make_writer_for(meta))
    }
}

/// The writer a [`ScrubMakeWriter`] makes for one event: it keeps what is
/// written to it and, when dropped, scrubs it in one shot and writes the
/// result to the inner writer.
///
/// `flush` does not pass anything on (a flush in the middle of an event
/// could split a secret); errors of the inner writer on drop are ignored,
/// as a drop cannot report them.
pub struct EventWriter<'a, W: Write> {
    scrubber: &'a Scrubber,
    inner: W,
    buf: Vec<u8>,
}

impl<'a, W: Write> EventWriter<'a, W> {
    fn new(scrubber: &'a Scrubber, inner: W) -> EventWriter<'a, W> {
        EventWriter {
            scrubber,
            inner,
            buf: SPARE.with(Cell::take),
        }
    }
}

impl<W: Write> Write for EventWriter<'_, W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for EventWriter<'_, W> {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            let out = self.scrubber.scrub(&self.buf);
            let _ = self.inner.write_all(&out);
        }
        let mut buf = std::mem::take(&mut self.buf);
        if buf.capacity() <= KEEP {
            buf.clear();
            SPARE.with(|spare| spare.set(buf));
        }
    }
}

impl<W: Write> std::fmt::Debug for EventWriter<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventWriter")
            .field("len", &self.buf.len())
            .finish_non_exhaustive()
    }
}
