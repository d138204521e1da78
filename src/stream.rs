//! Streaming redaction: the push-style [`Stream`], the [`Writer`] and
//! [`Reader`] adapters over it, and the hold-back buffer behind them.
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
//! # Terminal escapes
//!
//! From the first write with an ESC byte on, the buffer above holds the
//! *text* (escapes taken out, see `ansi.rs`) and `Ansi` the input itself
//! and the map between them. Everything above is then about text offsets;
//! writing out text up to a release point `r` writes the input up to text
//! byte `r`, the complete escapes just before it included (a secret that
//! starts at `r` starts after them, in the one-shot result too), and a
//! redaction skips the input from its first text byte to just after its
//! last. The stripper reads the input left to right, the same state machine
//! as the one-shot scrubber's, holding an escape still arriving (at most
//! `ansi::MAX_STRING` bytes) until a byte decides it; so the text, its
//! findings and the output do not depend on the split either.
//!
//! # Memory
//!
//! The buffer holds at most the context, plus about `2 * L_max + 4` bytes
//! of pending windows, plus the last write: it does not grow with the
//! input, however long its lines. One pathological case is capped rather
//! than held: a chain of overlapping findings longer than `4 * L_max` is
//! written out in pieces, each piece redacted (so nothing leaks, but the
//! number of `[REDACTED:…]` labels may differ from the one-shot output).
//! Escapes add to the input held at most the stripper's budget of
//! `4 * L_max + 1024` escape bytes per `L_max` text positions held, plus
//! one escape still arriving.

use std::io::{self, Read, Write};

use std::sync::Arc;

use crate::ansi::{self, ESC, Map, Stripper};
use crate::compile::{CONTEXT, Follows, Seen, Span};
use crate::known::KnownSet;
use crate::scrubber::{KNOWN, Scrubber};

/// The streams a scrubber makes (here rather than in `scrubber.rs`, which
/// a stream builds on, so that the two do not import each other).
impl Scrubber {
    /// Wraps a writer: what is written to the returned [`Writer`] reaches
    /// `inner` scrubbed, exactly as [`Scrubber::scrub`] of everything
    /// written would be, however the writes are split.
    pub fn writer<W: std::io::Write>(&self, inner: W) -> Writer<W> {
        Writer::new(self.clone(), inner)
    }

    /// A push-style stream: push bytes in, get back what may leave, with
    /// no sink (see [`Stream`]).
    pub fn stream(&self) -> Stream {
        Stream::new(self.clone())
    }

    /// Wraps a reader: what is read from the returned [`Reader`] is what
    /// `inner` yields, scrubbed.
    pub fn reader<R: std::io::Read>(&self, inner: R) -> Reader<R> {
        Reader::new(self.clone(), inner)
    }
}

/// A keyword hit whose windows are not yet known.
#[derive(Clone, Copy, Debug)]
struct Pending {
    group: u32,
    start: usize,
    end: usize,
    window_start: usize,
    /// What the group's `follows` set said of the hit.
    follows: Follows,
}

/// The state shared by [`Writer`] and [`Reader`]. Offsets are absolute:
/// bytes since the start of the stream.
pub(crate) struct Core {
    pub(crate) scrubber: Scrubber,
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
    /// Scratch for [`Core::advance`]: the lowest window start of the
    /// pending hits from each index on.
    after: Vec<usize>,
    /// Findings not yet written out, sorted before use.
    spans: Vec<Span>,
    /// How much already written input is kept as context.
    history: usize,
    /// Longest match of any rule.
    max_len: usize,
    /// Findings written out so far, per counter slot (rules, then known
    /// secrets).
    counts: Vec<u64>,
    /// Findings merged into another's redaction so far.
    merged: u64,
    /// Windows already run.
    seen: Seen,
    /// The known secrets as of the last write, and their generation.
    known: Arc<KnownSet>,
    known_generation: u64,
    /// Terminal escapes, from the first write with an ESC byte on: `buf`
    /// then holds the text the rules run on, and this the input.
    ansi: Option<Box<Ansi>>,
}

/// A stream's input once it has held an ESC byte (see `ansi.rs`): `Core`'s
/// buffer holds its text, escapes taken out; this holds the input itself,
/// from where the text was last written out.
struct Ansi {
    stripper: Stripper,
    map: Map,
    /// Input bytes from offset `base` (an input offset, not a text one).
    raw: Vec<u8>,
    base: usize,
    /// Input written out so far.
    at: usize,
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
            after: Vec::new(),
            spans: Vec::new(),
            history,
            max_len,
            counts: vec![0; slots],
            merged: 0,
            seen: Seen::new(),
            known,
            known_generation,
            ansi: None,
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

    /// Findings merged into another's redaction so far.
    pub(crate) fn merged(&self) -> u64 {
        self.merged
    }

    /// Bytes received but not yet passed on.
    pub(crate) fn held(&self) -> usize {
        match &self.ansi {
            None => self.end() - self.emitted,
            Some(a) => a.base + a.raw.len() - a.at,
        }
    }

    fn end(&self) -> usize {
        self.base + (self.buf.len() - self.dead)
    }

    /// Takes in `data` and appends to `out` what can be passed on.
    pub(crate) fn push(&mut self, data: &[u8], out: &mut Vec<u8>) {
        if data.is_empty() {
            return;
        }
        if self.ansi.is_none() && memchr::memchr(ESC, data).is_none() {
            let at = self.end();
            if let Some(i) = memchr::memrchr2(b'\n', b'\r', data) {
                self.last_break = Some(at + i);
            }
            self.buf.extend_from_slice(data);
        } else {
            self.push_escaped(data);
        }
        self.advance(Mode::Push, out);
    }

    /// Takes in input that has held an ESC byte: the input is kept, its
    /// text (escapes taken out) goes to the buffer the rules run on.
    fn push_escaped(&mut self, data: &[u8]) {
        let ansi = self.ansi.get_or_insert_with(|| {
            // So far text and input are the same bytes.
            let held = &self.buf[self.dead + (self.emitted - self.base)..];
            Box::new(Ansi {
                stripper: Stripper::new(self.max_len),
                map: Map::default(),
                raw: held.to_vec(),
                base: self.emitted,
                at: self.emitted,
            })
        });
        ansi.raw.extend_from_slice(data);
        let from = self.buf.len();
        let text_base = self.base + (from - self.dead);
        let scrubber = &self.scrubber;
        let mut out = ansi::Out {
            text: &mut self.buf,
            text_base: text_base - from,
            map: &mut ansi.map,
        };
        ansi.stripper
            .feed(data, &mut out, &|s: &[u8]| scrubber.is_clean(s));
        self.note_breaks(from);
    }

    /// Records the last line break among the text bytes from `buf[from]`.
    fn note_breaks(&mut self, from: usize) {
        if let Some(i) = memchr::memrchr2(b'\n', b'\r', &self.buf[from..]) {
            self.last_break = Some(self.base + (from - self.dead) + i);
        }
    }

    /// Passes on what may leave during a pause in the input (see
    /// [`Writer::flush`]): every byte up to the point where nothing that
    /// could be a secret still in progress begins.
    pub(crate) fn release_idle(&mut self, out: &mut Vec<u8>) {
        self.advance(Mode::Idle, out);
    }

    /// Ends the stream: passes on everything held.
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) {
        if let Some(ansi) = self.ansi.as_mut() {
            // An escape still unfinished is text.
            let from = self.buf.len();
            let text_base = self.base + (from - self.dead);
            let mut text = ansi::Out {
                text: &mut self.buf,
                text_base: text_base - from,
                map: &mut ansi.map,
            };
            ansi.stripper.finish(&mut text);
            self.note_breaks(from);
        }
        self.advance(Mode::Finish, out);
    }

    /// Collects hits, runs ready windows and passes on what is final (see
    /// [`Mode`]).
    fn advance(&mut self, mode: Mode, out: &mut Vec<u8>) {
        let finish = mode == Mode::Finish;
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
                // A hit that `eval` would drop unseen is not kept.
                let follows = matcher.follows_first(group, hay, s, e, finish);
                if follows == Follows::Drop {
                    return;
                }
                let ws = matcher.group_window_start(group, hay, base, s, e, seen);
                pending.push(Pending {
                    group,
                    start: base + s,
                    end: base + e,
                    window_start: base + ws,
                    follows,
                });
            });
            self.scanned = end;
        }

        // Run every window whose bytes have all arrived. On an idle
        // release, also run the others over what has arrived, but keep
        // them pending and their findings apart: only those that begin in
        // what is released now are used; once the rest of their bytes are
        // in, they run again in full. Windows still to come start after
        // the last line break (keywords hold none) and at most `reach`
        // bytes before the end, or where a pending hit's do: runs that
        // start at or before that floor can be searched.
        let line = self.last_break.map_or(0, |b| b + 1);
        let floor = line.max((end + 1).saturating_sub(matcher.reach()));
        let lowest = |pending: &[Pending]| {
            pending
                .iter()
                .map(|p| p.window_start)
                .fold(floor, usize::min)
        };
        // The floor rises as the hits are run, in order: before each, to
        // the lowest window start of the hits still to run or kept pending
        // (and of those still to arrive), so that runs behind it are
        // settled and dropped as they close rather than all kept open to
        // the end of the write (which made a large write quadratic).
        let mut after = std::mem::take(&mut self.after);
        after.clear();
        after.resize(self.pending.len() + 1, usize::MAX);
        for i in (0..self.pending.len()).rev() {
            after[i] = after[i + 1].min(self.pending[i].window_start);
        }
        let mut kept_low = usize::MAX;
        let mut kept = 0;
        let mut tentative = Vec::new();
        let mut scratch = Seen::new();
        let n = self.pending.len();
        for (i, &later) in after[..n].iter().enumerate() {
            let p = self.pending[i];
            self.seen.raise_floor(floor.min(kept_low).min(later));
            let (hs, he) = (p.start - base, p.end - base);
            let seen = &mut self.seen;
            let spans = &mut self.spans;
            let done = matcher.eval(p.group, hay, base, hs, he, finish, p.follows, seen, spans);
            if !done && mode == Mode::Idle {
                matcher.eval(
                    p.group,
                    hay,
                    base,
                    hs,
                    he,
                    true,
                    p.follows,
                    &mut scratch,
                    &mut tentative,
                );
            }
            if !done {
                self.pending[kept] = p;
                kept += 1;
                kept_low = kept_low.min(p.window_start);
            }
        }
        self.pending.truncate(kept);
        self.after = after;
        self.seen.raise_floor(lowest(&self.pending));
        matcher.settle(hay, base, &mut self.seen, finish, &mut self.spans);
        if mode == Mode::Idle {
            // Runs still open, searched as they stand, without recording
            // them: tentative as above.
            matcher.settle_now(hay, base, &self.seen, &mut tentative);
            matcher.settle_now(hay, base, &scratch, &mut tentative);
        }

        // Where to stop.
        let line_start = self.last_break.map_or(0, |b| b + 1);
        let release = match mode {
            Mode::Finish => end,
            Mode::Push => {
                let mut release = end;
                if matcher.has_keywords() {
                    release = release.min(line_start.max((end + 1).saturating_sub(self.max_len)));
                }
                if !self.known.is_empty() {
                    // A known value may be arriving; one with a line break
                    // in it may have begun on an earlier line.
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
                // A run of windows still to be searched.
                if let Some(hold) = self.seen.hold() {
                    release = release.min(hold);
                }
                release.max(self.emitted)
            }
            Mode::Idle => {
                let mut release = end;
                // An open multi-line window (a PEM block past its first
                // line): from its start. On its first line, the checks
                // below apply as to any other line.
                for p in &self.pending {
                    if self.last_break.is_some_and(|b| b >= p.end)
                        && matcher.group_is_multiline(p.group)
                    {
                        release = release.min(p.window_start);
                    }
                }
                // The start of a known value or encoding.
                if !self.known.is_empty() {
                    let live = &hay[self.emitted - base..];
                    release = release.min(end - self.known.partial_at_end(live));
                }
                // A token, or an open value after a secret-like name, at
                // the end of the unfinished line.
                let from = line_start.max(base);
                release = release.min(from + idle_hold_from(&hay[from - base..]));
                // Nothing in progress is longer than the longest match.
                let longest = self.max_len.max(self.known.max_len);
                release = release.max((end + 1).saturating_sub(longest));
                let release = release.max(self.emitted);
                let release =
                    base + ansi::hold_before_lone_esc(hay, self.emitted - base, release - base);
                self.spans
                    .extend(tentative.into_iter().filter(|s| s.start < release));
                release
            }
        };
        self.spans.sort_unstable();
        self.spans.dedup();
        // Do not cut a redaction that a later finding may still extend,
        // unless it has grown past the cap.
        let mut release = release;
        if mode == Mode::Push {
            let cap = 4 * self.max_len.max(self.known.max_len) + CONTEXT;
            if let Some((us, _)) = union_across(&self.spans, release)
                && end - us <= cap
            {
                release = us.max(self.emitted);
            }
            // Nor stop after a lone ESC that a finding starting here would
            // take with it.
            release = base + ansi::hold_before_lone_esc(hay, self.emitted - base, release - base);
        }

        let counts = Some((&mut self.counts[..], &mut self.merged));
        let stopped = match self.ansi.as_deref_mut() {
            None => {
                self.scrubber
                    .redact(hay, base, &self.spans, self.emitted, release, out, counts)
            }
            Some(ansi) => {
                let mut raw = ansi::Raw {
                    bytes: &ansi.raw,
                    base: ansi.base,
                    at: ansi.at,
                    map: &ansi.map,
                };
                let stopped = self.scrubber.redact_mapped(
                    hay,
                    base,
                    &self.spans,
                    self.emitted,
                    release,
                    out,
                    counts,
                    Some(&mut raw),
                );
                if finish {
                    raw.copy_until(ansi.base + ansi.raw.len(), out);
                }
                ansi.at = raw.at;
                // Forget the input written out, once it is most of what
                // is kept.
                ansi.map.forget_before(stopped);
                let written = ansi.at - ansi.base;
                if written > 0 && written >= ansi.raw.len() - written {
                    ansi.raw.drain(..written);
                    ansi.base = ansi.at;
                }
                stopped
            }
        };
        self.emitted = stopped;
        // Once no escape is held or in progress, and the stripper's budget
        // no longer remembers any, the input held is its text again: back
        // to the path without the copy and the map until the next ESC.
        if let Some(ansi) = &self.ansi
            && ansi.stripper.is_idle(end)
            && ansi.base + ansi.raw.len() - ansi.at == end - self.emitted
        {
            self.ansi = None;
        }
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

/// What a call to [`Core::advance`] may pass on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// After new bytes: what no later byte can change.
    Push,
    /// After a pause in the input: also the unfinished line, up to where a
    /// secret could still be in progress.
    Idle,
    /// At the end of the input: everything.
    Finish,
}

/// Where an idle release must stop on the unfinished `line`: the offset of
/// the first byte that could belong to a secret still arriving, or
/// `line.len()`.
///
/// Held back are a trailing run of bytes that can occur in a token (so
/// `ghp_SCTw` waits for the rest of its token), and an open value after a
/// secret-like name: `password="correct horse` (an open quote), or
/// `DB_PASSWORD=hunter` (an unquoted value that reaches the end). What ends
/// in a space or other separator, as prompts do (`Password: `,
/// `Continue? [y/N] `, `>>> `, `$ `), is released whole.
fn idle_hold_from(line: &[u8]) -> usize {
    let mut from = line.len();
    while from > 0 && is_token_byte(line[from - 1]) {
        from -= 1;
    }
    for (sep, _) in line
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'=' || b == b':')
    {
        if sep >= from {
            break;
        }
        if !secret_like_name(name_before(line, sep)) {
            continue;
        }
        // The value: after `=>`, `:=`, `::`, spaces and an opening quote.
        let mut v = sep + 1;
        while v < line.len() && matches!(line[v], b'>' | b'=' | b':') && v < sep + 2 {
            v += 1;
        }
        while v < line.len() && matches!(line[v], b' ' | b'\t') {
            v += 1;
        }
        let open = match line.get(v) {
            Some(&q @ (b'"' | b'\'' | b'`')) => {
                v += 1;
                !line[v..].contains(&q)
            }
            _ => !line[v..]
                .iter()
                .any(|&b| b.is_ascii_whitespace() || b == b';' || b == b','),
        };
        if open {
            from = from.min(v);
            break;
        }
    }
    from
}

/// Bytes that occur inside tokens, keys and passwords as printed unquoted:
/// ASCII letters and digits and the punctuation of base64, URLs, JWTs and
/// `user:password` pairs. Not whitespace, quotes, brackets or the
/// separators that end a prompt or a list.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'_'
                | b'.'
                | b'+'
                | b'/'
                | b'='
                | b'~'
                | b'%'
                | b'!'
                | b'@'
                | b'#'
                | b'$'
                | b'^'
                | b'&'
                | b'*'
                | b':'
                | b'?'
                | b'\\'
        )
}

/// The name that ends just before a separator at `sep`, past a closing
/// quote and spaces: `"api_key" :` gives `api_key`.
fn name_before(line: &[u8], sep: usize) -> &[u8] {
    let mut e = sep;
    while e > 0 && matches!(line[e - 1], b' ' | b'\t' | b'"' | b'\'' | b']') {
        e -= 1;
    }
    let mut s = e;
    while s > 0
        && (line[s - 1].is_ascii_alphanumeric() || matches!(line[s - 1], b'_' | b'-' | b'.'))
    {
        s -= 1;
    }
    &line[s..e]
}

/// Whether a name may hold a secret. Deliberately broad: it only decides
/// what an idle release holds back until the line is complete.
fn secret_like_name(name: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[
        b"pass", b"pwd", b"secret", b"token", b"key", b"auth", b"cred", b"private", b"session",
        b"cookie", b"sig", b"bearer",
    ];
    name.len() >= 3
        && WORDS
            .iter()
            .any(|w| name.windows(w.len()).any(|win| win.eq_ignore_ascii_case(w)))
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

/// A push-style scrubbing stream: push bytes in, get back the bytes that
/// may now leave. No `io::Write` sink and no thread: the primitive under
/// [`Writer`], [`Reader`], the async adapters and the language bindings.
///
/// Created by [`Scrubber::stream`]. The bytes a stream returns, over all
/// calls, are [`Scrubber::scrub`] of everything pushed, however the input
/// was split, unless an idle release ([`Stream::release_idle`]) split a
/// secret (see there). Each call returns a slice of an internal buffer
/// that the next call reuses.
///
/// # Example
///
/// ```
/// let scrubber = hush::Scrubber::new();
/// let mut s = scrubber.stream();
/// let mut out = Vec::new();
/// out.extend_from_slice(s.push(b"$ echo ghp_SCTwl3kYySJufB8w"));
/// // A pause: the token so far stays held, the text before it leaves.
/// out.extend_from_slice(s.release_idle());
/// assert_eq!(out, b"$ echo ");
/// out.extend_from_slice(s.push(b"NRj4N6OKt2ek7WvBOipU\n"));
/// out.extend_from_slice(s.finish());
/// assert_eq!(out, b"$ echo [REDACTED:github-pat-classic]\n");
/// ```
pub struct Stream {
    core: Core,
    out: Vec<u8>,
    finished: bool,
}

impl Stream {
    pub(crate) fn new(scrubber: Scrubber) -> Stream {
        Stream {
            core: Core::new(scrubber),
            out: Vec::new(),
            finished: false,
        }
    }

    /// Takes in `chunk` and returns what may now leave: every complete line
    /// (unless a multi-line secret is in progress), scrubbed.
    ///
    /// After [`Stream::finish`], the first push starts a new input.
    pub fn push(&mut self, chunk: &[u8]) -> &[u8] {
        self.out.clear();
        if self.finished {
            self.core = Core::new(self.core.scrubber.clone());
            self.finished = false;
        }
        self.core.push(chunk, &mut self.out);
        &self.out
    }

    /// Returns what may leave during a pause in the input: the unfinished
    /// line up to where a secret could still be in progress. Call it when
    /// no input has arrived for a while, so that a prompt shows.
    ///
    /// It never returns a byte that could belong to a secret still
    /// arriving; `Writer::flush` (the same release) lists exactly what it
    /// holds back. The
    /// held bytes leave with a later push or at [`Stream::finish`].
    pub fn release_idle(&mut self) -> &[u8] {
        self.out.clear();
        self.core.release_idle(&mut self.out);
        &self.out
    }

    /// Ends the input: returns everything still held, scrubbed.
    pub fn finish(&mut self) -> &[u8] {
        self.out.clear();
        self.core.finish(&mut self.out);
        self.finished = true;
        &self.out
    }

    /// How many bytes have been pushed but not yet returned.
    pub fn held(&self) -> usize {
        self.core.held()
    }

    /// How many secrets have been redacted, per rule, in what was
    /// returned so far: `(rule id, count)` in rule order, rules with none
    /// left out. Never the values.
    pub fn redactions(&self) -> Vec<(&str, u64)> {
        self.core.redactions()
    }

    /// How many findings were merged into another's redaction (the same
    /// bytes found by several rules) in what was returned so far; they are
    /// not in [`Stream::redactions`].
    pub fn merged(&self) -> u64 {
        self.core.merged
    }
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("held", &self.core.held())
            .finish_non_exhaustive()
    }
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
    stream: Stream,
}

impl<W: Write> Writer<W> {
    pub(crate) fn new(scrubber: Scrubber, inner: W) -> Writer<W> {
        Writer {
            inner: Some(inner),
            stream: Stream::new(scrubber),
        }
    }

    /// Writes everything still held, redacted, and returns the inner writer.
    ///
    /// # Errors
    ///
    /// Returns the inner writer's error.
    pub fn finish(mut self) -> io::Result<W> {
        let mut inner = self
            .inner
            .take()
            .expect("inner writer present until finish");
        inner.write_all(self.stream.finish())?;
        inner.flush()?;
        Ok(inner)
    }

    /// How many bytes have been written to this writer but not yet passed
    /// on.
    pub fn held(&self) -> usize {
        self.stream.held()
    }

    /// How many secrets have been redacted, per rule, in what was passed
    /// on so far: `(rule id, count)` in rule order, rules with none left out.
    /// Never the values.
    pub fn redactions(&self) -> Vec<(&str, u64)> {
        self.stream.redactions()
    }

    /// How many findings were merged into another's redaction in what was
    /// passed on so far (see [`Stream::merged`]).
    pub fn merged(&self) -> u64 {
        self.stream.merged()
    }

    /// The inner writer.
    pub fn get_ref(&self) -> &W {
        self.inner
            .as_ref()
            .expect("inner writer present until finish")
    }
}

impl<W: Write> Write for Writer<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let out = self.stream.push(data);
        if !out.is_empty() {
            self.inner
                .as_mut()
                .expect("inner writer present until finish")
                .write_all(out)?;
        }
        Ok(data.len())
    }

    /// Releases what may leave during a pause in the input (an *idle
    /// release*), then flushes the inner writer. Call it when no input has
    /// arrived for a while, so that a prompt without a line break shows.
    ///
    /// It never writes a byte that could belong to a secret still
    /// arriving. It writes the held bytes up to the first of:
    ///
    /// * a trailing run of bytes that can occur in a token (ASCII letters,
    ///   digits and `-_.+/=~%!@#$^&*:?\`), so `ghp_SCTw` waits for the rest
    ///   of its token;
    /// * an open value after a secret-like name (one containing `pass`,
    ///   `pwd`, `secret`, `token`, `key`, `auth`, `cred`, `private`,
    ///   `session`, `cookie`, `sig` or `bearer`): after `=` or `:` and an
    ///   opening quote not yet closed, or an unquoted value that reaches
    ///   the end (`DB_PASSWORD=hunter`);
    /// * the start of a multi-line match in progress (a PEM block whose end
    ///   has not arrived);
    /// * a suffix that is the beginning of a known secret or one of its
    ///   encodings;
    ///
    /// but it holds at most the longest match length of any rule or known
    /// secret: bytes further back cannot be part of a secret in progress.
    /// What ends in a space or another separator, as prompts do
    /// (`Password: `, `Continue? [y/N] `, `>>> `, `$ `), is written whole.
    /// Complete matches in what is written are redacted as always.
    ///
    /// The held bytes leave when their line completes, when more input
    /// pushes them past the longest match, or at [`Writer::finish`]. If the
    /// pause did not split a secret, the output is the one-shot result; if
    /// it did, what was written before the secret began is unchanged and
    /// the secret is still redacted whole.
    ///
    /// What it cannot protect: a secret whose first part ends in a
    /// separator byte (a space, a quote) and does not follow a secret-like
    /// name, and that no rule or known value finds in its first part; such
    /// a first part is written as ordinary text.
    fn flush(&mut self) -> io::Result<()> {
        let out = self.stream.release_idle();
        let inner = self
            .inner
            .as_mut()
            .expect("inner writer present until finish");
        inner.write_all(out)?;
        inner.flush()
    }
}

impl<W: Write> Drop for Writer<W> {
    fn drop(&mut self) {
        if let Some(mut inner) = self.inner.take() {
            let _ = inner.write_all(self.stream.finish());
            let _ = inner.flush();
        }
    }
}

impl<W: Write> std::fmt::Debug for Writer<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("held", &self.stream.held())
            .finish_non_exhaustive()
    }
}

/// A reader that scrubs what it reads from an inner reader.
///
/// Created by [`Scrubber::reader`]. It returns the same bytes a [`Writer`]
/// would write, whatever sizes the inner reader returns.
pub struct Reader<R: Read> {
    inner: R,
    stream: Stream,
    chunk: Box<[u8]>,
    /// How much of the stream's last output has been read.
    pos: usize,
    done: bool,
}

impl<R: Read> Reader<R> {
    pub(crate) fn new(scrubber: Scrubber, inner: R) -> Reader<R> {
        Reader {
            inner,
            stream: Stream::new(scrubber),
            chunk: vec![0; 64 * 1024].into_boxed_slice(),
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
            let out = &self.stream.out;
            if self.pos < out.len() {
                let n = buf.len().min(out.len() - self.pos);
                buf[..n].copy_from_slice(&out[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            self.pos = 0;
            let n = match self.inner.read(&mut self.chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.stream.finish();
                self.done = true;
            } else {
                self.stream.push(&self.chunk[..n]);
            }
        }
    }
}

impl<R: Read> std::fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("held", &self.stream.held())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use crate::Scrubber;
    use crate::compile::MOST_RUNS;

    // The floor stayed at the first hit of a write until the write had been
    // run, so every run of a large write stayed open to its end, each hit
    // going over all of them: a 1 MiB write took about twice as long per
    // byte as a 64 KiB one.
    #[test]
    fn a_large_write_no_longer_keeps_every_run_open() {
        let s = Scrubber::builder().build().unwrap();
        let input = b"  api_token: ${API_TOKEN_FROM_VAULT}\n".repeat(20_000);
        MOST_RUNS.with(|m| m.set(0));
        let mut stream = s.stream();
        let mut out = stream.push(&input).to_vec();
        out.extend_from_slice(stream.finish());
        assert!(out == input, "the clean input changed");
        let most = MOST_RUNS.with(|m| m.get());
        assert!(most > 0, "the input opens no run");
        assert!(most <= 64, "{most} runs open at once");
    }
}
