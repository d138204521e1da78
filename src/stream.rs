//! Streaming redaction: the [`Writer`] and [`Reader`] adapters and the
//! hold-back buffer they share.
//!
//! # The invariant
//!
//! Whatever the split of an input into writes, down to one byte each, the
//! bytes a stream passes on equal [`Scrubber::scrub`] of the whole input
//! (unless [`Writer::flush`] is called early: see there).
//!
//! # How it holds
//!
//! The one-shot scrubber's result is local by construction (see the window
//! rules in `compile.rs`): a keyword hit's window starts at most `L` bytes
//! before the hit and never before the start of the hit's line, and it ends
//! at the first line break after the hit or `L` bytes on. The stream keeps:
//!
//! * every keyword hit whose window cannot yet be computed because the bytes
//!   it depends on have not arrived (*pending* hits), with where its window
//!   will start;
//! * every finding (span to redact) not yet written out.
//!
//! After each write it passes on every byte before the *release point*, the
//! least of:
//!
//! * the start of the unfinished last line, or `L_max - 1` bytes before the
//!   end of the buffer if that is later: a keyword that arrives later can
//!   open a window no earlier than that;
//! * the window start of every pending hit;
//! * the start of any redaction that reaches past the point, since a later
//!   finding may still merge into it.
//!
//! Bytes before that point can no longer be touched by any finding, so the
//! stream writes them, redacted, exactly as the one-shot scrubber would. It
//! keeps `L_max + 4` bytes of already written input as context for later
//! windows (look-behind, line starts). A complete line therefore leaves as
//! soon as the write that completes it returns, unless a multi-line rule's
//! window (a PEM block) is still open.
//!
//! # Memory
//!
//! The buffer holds at most the context, plus about `2 * L_max + 4` bytes
//! of pending windows, plus the last write: it does not grow with the
//! input, however long its lines. One pathological case is capped rather
//! than held: a chain of overlapping findings longer than `4 * L_max` is
//! written out in pieces, each piece redacted (so nothing leaks, but the
//! number of `[REDACTED:…]` labels may differ from the one-shot output).

use std::io::{self, Read, Write};

use std::sync::Arc;

use crate::compile::{CONTEXT, Seen, Span};
use crate::known::KnownSet;
use crate::scrubber::{KNOWN, Scrubber};

/// A keyword hit whose windows are not yet known.
#[derive(Clone, Copy, Debug)]
struct Pending {
    group: u32,
    start: usize,
    end: usize,
    window_start: usize,
}

/// The state shared by [`Writer`] and [`Reader`]. Offsets are absolute:
/// bytes since the start of the stream.
pub(crate) struct Core {
    scrubber: Scrubber,
    /// Live bytes are `buf[dead..]`; they start at offset `base`.
    buf: Vec<u8>,
    dead: usize,
    base: usize,
    /// Everything before this offset has been passed on.
    emitted: usize,
    /// Keyword hits ending at or before this offset have been collected.
    scanned: usize,
    /// The offset of the last line break seen.
    last_break: Option<usize>,
    pending: Vec<Pending>,
    /// Findings not yet written out, sorted before use.
    spans: Vec<Span>,
    /// How much already written input is kept as context.
    history: usize,
    /// Longest match of any rule.
    max_len: usize,
    /// Findings written out so far, per counter slot (rules, then known
    /// secrets).
    counts: Vec<u64>,
    /// Windows already run.
    seen: Seen,
    /// The known secrets as of the last write, and their generation.
    known: Arc<KnownSet>,
    known_generation: u64,
}

impl Core {
    pub(crate) fn new(scrubber: Scrubber) -> Core {
        let m = scrubber.matcher();
        let max_len = m.max_len;
        let history = max_len.max(m.max_keyword_len) + CONTEXT;
        let slots = scrubber.slots();
        let handle = scrubber.known_secrets();
        let known_generation = handle.generation();
        let known = handle.snapshot();
        Core {
            scrubber,
            buf: Vec::new(),
            dead: 0,
            base: 0,
            emitted: 0,
            scanned: 0,
            last_break: None,
            pending: Vec::new(),
            spans: Vec::new(),
            history,
            max_len,
            counts: vec![0; slots],
            seen: Seen::new(),
            known,
            known_generation,
        }
    }

    /// Findings redacted so far, per rule id, in rule order; rules with none
    /// are left out.
    pub(crate) fn redactions(&self) -> Vec<(&str, u64)> {
        self.counts
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(slot, &n)| (self.scrubber.slot_id(slot), n))
            .collect()
    }

    /// Bytes received but not yet passed on.
    pub(crate) fn held(&self) -> usize {
        self.end() - self.emitted
    }

    fn end(&self) -> usize {
        self.base + (self.buf.len() - self.dead)
    }

    /// Takes in `data` and appends to `out` what can be passed on.
    pub(crate) fn push(&mut self, data: &[u8], out: &mut Vec<u8>) {
        if data.is_empty() {
            return;
        }
        let at = self.end();
        if let Some(i) = memchr::memrchr2(b'\n', b'\r', data) {
            self.last_break = Some(at + i);
        }
        self.buf.extend_from_slice(data);
        self.advance(false, false, out);
    }

    /// Passes on everything held, redacting every complete match; windows
    /// that would reach past what has arrived are cut short at the end of
    /// the buffer.
    pub(crate) fn flush(&mut self, out: &mut Vec<u8>) {
        self.advance(true, false, out);
    }

    /// Ends the stream: passes on everything held.
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) {
        self.advance(true, true, out);
    }

    /// Collects hits, runs ready windows and passes on what is final. With
    /// `all`, passes on everything (a flush); with `finish`, no more input
    /// will come.
    fn advance(&mut self, all: bool, finish: bool, out: &mut Vec<u8>) {
        let matcher = self.scrubber.matcher();
        let base = self.base;
        let hay = &self.buf[self.dead..];
        let end = base + hay.len();

        // Known secrets: a value added since the last write is searched for
        // in everything still held, and in the context kept before it.
        let handle = self.scrubber.known_secrets();
        let generation = handle.generation();
        let known_from = if generation != self.known_generation {
            self.known = handle.snapshot();
            self.known_generation = generation;
            self.history = self.history.max(self.known.max_len + CONTEXT);
            0
        } else {
            self.scanned - base
        };
        if known_from < hay.len() {
            let spans = &mut self.spans;
            self.known.hits(hay, known_from, |s, e| {
                spans.push(Span {
                    start: base + s,
                    end: base + e,
                    rule: KNOWN,
                })
            });
        }

        // Collect the keyword hits that end in the new bytes.
        if self.scanned < end {
            let pending = &mut self.pending;
            let seen = &mut self.seen;
            matcher.hits(hay, self.scanned - base, |group, s, e| {
                let ws = matcher.group_window_start(group, hay, base, s, e, seen);
                pending.push(Pending {
                    group,
                    start: base + s,
                    end: base + e,
                    window_start: base + ws,
                });
            });
            self.scanned = end;
        }

        // Run every window whose bytes have all arrived. On a flush, also
        // run the others over what has arrived, but keep them pending: once
        // their bytes are in, they run again and redact whatever of a
        // secret split by the flush is still to be written. Windows still
        // to come start after the last line break (keywords hold none) and
        // at most `reach` bytes before the end, or where a pending hit's do.
        let line = self.last_break.map_or(0, |b| b + 1);
        let floor = line.max((end + 1).saturating_sub(matcher.reach()));
        let lowest = |pending: &[Pending]| {
            pending
                .iter()
                .map(|p| p.window_start)
                .fold(floor, usize::min)
        };
        self.seen.raise_floor(lowest(&self.pending));
        let mut i = 0;
        while i < self.pending.len() {
            let p = self.pending[i];
            let (hs, he) = (p.start - base, p.end - base);
            let seen = &mut self.seen;
            let spans = &mut self.spans;
            let done = matcher.eval(p.group, hay, base, hs, he, finish, seen, spans);
            if !done && all {
                matcher.eval(p.group, hay, base, hs, he, true, seen, spans);
            }
            if done {
                self.pending.swap_remove(i);
            } else {
                i += 1;
            }
        }
        self.seen.raise_floor(lowest(&self.pending));
        matcher.settle(hay, base, &mut self.seen, finish, &mut self.spans);
        if all && !finish {
            matcher.settle_now(hay, base, &self.seen, &mut self.spans);
        }
        self.spans.sort_unstable();
        self.spans.dedup();

        // Where to stop.
        let mut release = end;
        if !all {
            let line_start = self.last_break.map_or(0, |b| b + 1);
            if matcher.has_keywords() {
                release = release.min(line_start.max((end + 1).saturating_sub(self.max_len)));
            }
            if !self.known.is_empty() {
                // A known value may be arriving; one with a line break in it
                // may have begun on an earlier line.
                let tail = (end + 1).saturating_sub(self.known.max_len);
                release = release.min(if self.known.has_breaks {
                    tail
                } else {
                    line_start.max(tail)
                });
            }
            for p in &self.pending {
                release = release.min(p.window_start);
            }
            if let Some(hold) = self.seen.hold() {
                release = release.min(hold);
            }
            release = release.max(self.emitted);
            // Do not cut a redaction that a later finding may still extend,
            // unless it has grown past the cap.
            let cap = 4 * self.max_len.max(self.known.max_len) + CONTEXT;
            if let Some((us, _)) = union_across(&self.spans, release)
                && end - us <= cap
            {
                release = us.max(self.emitted);
            }
        }

        let stopped = self.scrubber.redact(
            hay,
            base,
            &self.spans,
            self.emitted,
            release,
            out,
            Some(&mut self.counts),
        );
        self.emitted = stopped;
        let emitted = self.emitted;
        self.spans.retain(|s| s.end > emitted);

        // Keep `history` bytes of written input as context, and compact the
        // buffer once the dead part outgrows the live one.
        let keep_from = self.emitted.saturating_sub(self.history).max(self.base);
        self.dead += keep_from - self.base;
        self.base = keep_from;
        let live = self.buf.len() - self.dead;
        if self.dead > 0 && self.dead >= live {
            self.buf.drain(..self.dead);
            self.dead = 0;
        }
    }
}

/// The union of overlapping spans that starts before `at` and ends after it,
/// if there is one. `spans` must be sorted.
fn union_across(spans: &[Span], at: usize) -> Option<(usize, usize)> {
    let mut union: Option<(usize, usize)> = None;
    for s in spans {
        match union {
            Some((us, ue)) if s.start < ue => union = Some((us, ue.max(s.end))),
            Some((us, ue)) if us < at && at < ue => return Some((us, ue)),
            _ if s.start >= at => return None,
            _ => union = Some((s.start, s.end)),
        }
    }
    union.filter(|&(us, ue)| us < at && at < ue)
}

/// A writer that scrubs what is written to it before passing it on.
///
/// Created by [`Scrubber::writer`]. Bytes that may belong to a secret still
/// arriving are held back (see the crate documentation, "Streaming and
/// memory"); [`Writer::finish`] writes the rest and returns the inner
/// writer. Dropping a `Writer` without `finish` writes the rest too,
/// ignoring errors.
///
/// # Example
///
/// ```
/// use std::io::Write;
///
/// let scrubber = hush::Scrubber::new();
/// let mut w = scrubber.writer(Vec::new());
/// w.write_all(b"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.")?;
/// w.write_all(b"eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlX2J5dGVzX2hlcmU\n")?;
/// let out = w.finish()?;
/// assert!(!String::from_utf8(out).unwrap().contains("eyJzdWIiOiJhZ2VudCJ9"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Writer<W: Write> {
    inner: Option<W>,
    core: Core,
    out: Vec<u8>,
}

impl<W: Write> Writer<W> {
    pub(crate) fn new(scrubber: Scrubber, inner: W) -> Writer<W> {
        Writer {
            inner: Some(inner),
            core: Core::new(scrubber),
            out: Vec::new(),
        }
    }

    /// Writes everything still held, redacted, and returns the inner writer.
    ///
    /// # Errors
    ///
    /// Returns the inner writer's error.
    pub fn finish(mut self) -> io::Result<W> {
        self.core.finish(&mut self.out);
        let mut inner = self
            .inner
            .take()
            .expect("inner writer present until finish");
        inner.write_all(&self.out)?;
        self.out.clear();
        inner.flush()?;
        Ok(inner)
    }

    /// How many bytes have been written to this writer but not yet passed
    /// on.
    pub fn held(&self) -> usize {
        self.core.held()
    }

    /// How many findings of each rule have been redacted in what was passed
    /// on so far: `(rule id, count)` in rule order, rules with none left out.
    /// Never the values.
    pub fn redactions(&self) -> Vec<(&str, u64)> {
        self.core.redactions()
    }

    /// The inner writer.
    pub fn get_ref(&self) -> &W {
        self.inner
            .as_ref()
            .expect("inner writer present until finish")
    }

    fn pass_on(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            let inner = self
                .inner
                .as_mut()
                .expect("inner writer present until finish");
            let result = inner.write_all(&self.out);
            self.out.clear();
            result?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Writer<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.core.push(data, &mut self.out);
        self.pass_on()?;
        Ok(data.len())
    }

    /// Passes on everything held, then flushes the inner writer.
    ///
    /// Every complete match in the held bytes is still redacted, and a
    /// keyword window that reaches past the held bytes is run on what has
    /// arrived. What an early flush cannot protect: a secret that is split
    /// by the flush, when its first part alone does not match a rule (its
    /// first part is written as is; its rest is still redacted if the whole
    /// secret matches once it arrives). Output after an early flush may
    /// therefore differ from the one-shot result.
    fn flush(&mut self) -> io::Result<()> {
        self.core.flush(&mut self.out);
        self.pass_on()?;
        self.inner
            .as_mut()
            .expect("inner writer present until finish")
            .flush()
    }
}

impl<W: Write> Drop for Writer<W> {
    fn drop(&mut self) {
        if let Some(mut inner) = self.inner.take() {
            self.core.finish(&mut self.out);
            let _ = inner.write_all(&self.out);
            let _ = inner.flush();
        }
    }
}

impl<W: Write> std::fmt::Debug for Writer<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("held", &self.core.held())
            .finish_non_exhaustive()
    }
}

/// A reader that scrubs what it reads from an inner reader.
///
/// Created by [`Scrubber::reader`]. It returns the same bytes a [`Writer`]
/// would write, whatever sizes the inner reader returns.
pub struct Reader<R: Read> {
    inner: R,
    core: Core,
    chunk: Box<[u8]>,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> Reader<R> {
    pub(crate) fn new(scrubber: Scrubber, inner: R) -> Reader<R> {
        Reader {
            inner,
            core: Core::new(scrubber),
            chunk: vec![0; 64 * 1024].into_boxed_slice(),
            out: Vec::new(),
            pos: 0,
            done: false,
        }
    }

    /// Returns the inner reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.pos);
                buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            self.out.clear();
            self.pos = 0;
            let n = match self.inner.read(&mut self.chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.core.finish(&mut self.out);
                self.done = true;
            } else {
                self.core.push(&self.chunk[..n], &mut self.out);
            }
        }
    }
}

impl<R: Read> std::fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("held", &self.core.held())
            .finish_non_exhaustive()
    }
}
