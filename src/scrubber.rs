//! One-shot redaction: [`Scrubber`] and [`Finding`].

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use std::sync::atomic::{AtomicU64, Ordering};

use crate::ansi;
use crate::compile::{Matcher, Span};
use crate::error::Error;
use crate::known::KnownSecrets;
use crate::redact::{Redaction, Replacer, process_key};
use crate::rule::Rule;

/// Removes secrets from bytes and strings.
///
/// A `Scrubber` holds compiled rules. It is cheap to clone (an `Arc`
/// inside) and can be shared between threads.
///
/// # Example
///
/// ```
/// let scrubber = hush::Scrubber::new();
/// let line = "export GITHUB_TOKEN=ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU";
/// assert_eq!(
///     scrubber.scrub_str(line),
///     "export GITHUB_TOKEN=[REDACTED:github-pat-classic]",
/// );
/// ```
#[derive(Clone)]
pub struct Scrubber {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) matcher: Matcher,
    pub(crate) known: KnownSecrets,
    /// Replacers of the pseudo-rules, in [`PSEUDO_IDS`] order.
    pseudo_replacers: Vec<Replacer>,
    /// Redactions so far, per rule, then per pseudo-rule.
    counts: Box<[AtomicU64]>,
    /// Findings merged into another's redaction (same or overlapping
    /// bytes), not counted in `counts`.
    merged: AtomicU64,
    key: [u8; 32],
}

/// The id reported for known secrets.
pub const KNOWN_SECRET_ID: &str = "known-secret";

/// Findings that come from no rule file: known secret values, and values
/// the structured scrubbers redact by their name (a `--password` flag, a
/// `DB_PASSWORD` variable, a `"token"` JSON key).
pub(crate) const PSEUDO_IDS: &[&str] = &[
    KNOWN_SECRET_ID,
    "sensitive-flag",
    "sensitive-env",
    "sensitive-key",
];

/// [`Scrubber::scrub_parallel`] cuts its input into parts of about this
/// many bytes: small enough that a part's buffers stay few and warm,
/// large enough that the context searched around each costs little.
const PARALLEL_PART: usize = 4 << 20;

/// Why a scrub is not split into parts (see [`Scrubber::scrub_parallel`]).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unparallel {
    /// Fewer than two parts.
    Small,
    /// A redaction covers a cut.
    Crossed,
    /// Two parts found different secrets or escapes around their cut.
    Disagreed,
}

/// One part of a parallel scrub.
struct Part<'h> {
    /// The output for the input the part owns.
    out: Cow<'h, [u8]>,
    /// The findings and the escapes taken out (offsets in the input) that
    /// begin near the part's start and end, for its neighbours to compare.
    near_start: (Vec<Span>, Vec<(usize, usize)>),
    near_end: (Vec<Span>, Vec<(usize, usize)>),
    /// Whether a redaction covers one of the part's ends.
    crosses: bool,
    /// What its redactions counted (see [`Scrubber::summary`]), per slot.
    counts: Vec<u64>,
    merged: u64,
}

/// The rule index that stands for a known secret in a [`Span`].
pub(crate) const KNOWN: u32 = u32::MAX;
/// A value redacted because of the flag before it.
pub(crate) const FLAG: u32 = u32::MAX - 1;
/// An environment variable's value redacted because of its name.
pub(crate) const ENV: u32 = u32::MAX - 2;
/// A JSON value redacted because of its key.
pub(crate) const KEY: u32 = u32::MAX - 3;

/// Inputs larger than this with terminal escapes in them are scrubbed in
/// pieces of [`PIECE`] bytes (see [`Scrubber::scrub_in_pieces`]).
const IN_PIECES_ABOVE: usize = 1 << 20;

/// The pieces a large input is scrubbed in: the filter's read size.
const PIECE: usize = 256 << 10;

impl Scrubber {
    /// Returns `haystack` with every secret replaced.
    ///
    /// Input without secrets is returned borrowed, without a copy. Bytes
    /// outside redactions are passed through exactly, whether or not they
    /// are valid UTF-8.
    ///
    /// Terminal escape sequences (colours, hyperlinks) do not hide a
    /// secret: the rules match as if they were absent, a redaction covers
    /// the escapes inside the secret, and every other escape is kept.
    pub fn scrub<'h>(&self, haystack: &'h [u8]) -> Cow<'h, [u8]> {
        if memchr::memchr(ansi::ESC, haystack).is_some() {
            if haystack.len() > IN_PIECES_ABOVE {
                return self.scrub_in_pieces(haystack);
            }
            return self.scrub_escaped(haystack);
        }
        let spans = self.spans(haystack);
        if spans.is_empty() {
            return Cow::Borrowed(haystack);
        }
        let mut out = Vec::with_capacity(haystack.len());
        let end = self.redact(haystack, 0, &spans, 0, haystack.len(), &mut out, None);
        out.extend_from_slice(&haystack[end..]);
        Cow::Owned(out)
    }

    /// Compiles or loads now what scrubs would otherwise compile or load
    /// on first use: the regex, allowlists and split of each rule (the
    /// DFAs that find its secret in a match without the capture engine,
    /// built once a rule has matched a few times), and the `follows` sets
    /// and prefilters of the rules that share a keyword. For the default
    /// rules all of it is prebuilt into the binary, so a scrub compiles
    /// nothing and `warm_up` only reads it in (about 30 ms of CPU, which
    /// spares the first events the reads and page faults: the slowest of
    /// 200,000 events after it about 80 µs, against up to 0.7 ms for the
    /// first events without it). Rules from added files are compiled on
    /// first use, up to a few milliseconds each. A long-running process
    /// can pay that up front, on a thread of its own, while its first
    /// events are scrubbed: a scrub that needs a part being compiled waits
    /// for it rather than compiling it again, and once `warm_up` returns
    /// no scrub compiles anything.
    ///
    /// ```
    /// let scrubber = hush::Scrubber::new();
    /// let warm = scrubber.clone();
    /// let warming = std::thread::spawn(move || warm.warm_up());
    /// assert_eq!(scrubber.scrub_str("build ok"), "build ok");
    /// warming.join().unwrap();
    /// ```
    pub fn warm_up(&self) {
        self.inner.matcher.warm_up();
    }

    /// [`Scrubber::scrub`] on up to `threads` threads, for large inputs (a
    /// file, a stored transcript): the output is the one-thread output.
    ///
    /// The input is cut at line breaks into parts of about 4 MiB, which
    /// `threads` threads scrub in turn, each part with the input around it
    /// as context: at least 64 KiB either side, and four times the reach
    /// of the longest match (a finding depends only on the bytes within
    /// its keyword's reach). The scrubs of two neighbouring parts overlap
    /// around their cut and must find the same secrets and escapes there,
    /// and no redaction may cover a cut; otherwise the whole input is
    /// scrubbed again on one thread. Under 8 MiB, or with `threads <= 1`,
    /// it is [`Scrubber::scrub`].
    ///
    /// # Example
    ///
    /// ```
    /// let scrubber = hush::Scrubber::new();
    /// let log = "step ok\n".repeat(300_000) + "token ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU\n";
    /// let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    /// let out = scrubber.scrub_parallel(log.as_bytes(), threads);
    /// assert_eq!(out, scrubber.scrub(log.as_bytes()));
    /// assert!(out.ends_with(b"token [REDACTED:github-pat-classic]\n"));
    /// ```
    pub fn scrub_parallel<'h>(&self, haystack: &'h [u8], threads: usize) -> Cow<'h, [u8]> {
        let parts =
            match self.parallel_parts(haystack, threads, PARALLEL_PART, self.parallel_context()) {
                Ok(parts) => parts,
                Err(_) => return self.scrub(haystack),
            };
        if parts.iter().all(|p| matches!(p, Cow::Borrowed(_))) {
            return Cow::Borrowed(haystack);
        }
        Cow::Owned(parts.concat())
    }

    /// [`Scrubber::scrub_parallel`], written to `out` part by part rather
    /// than joined into one buffer first.
    ///
    /// # Errors
    ///
    /// When writing to `out` fails.
    pub fn scrub_parallel_to<W: std::io::Write>(
        &self,
        haystack: &[u8],
        threads: usize,
        mut out: W,
    ) -> std::io::Result<()> {
        match self.parallel_parts(haystack, threads, PARALLEL_PART, self.parallel_context()) {
            Ok(parts) => parts.iter().try_for_each(|p| out.write_all(p)),
            Err(_) => out.write_all(&self.scrub(haystack)),
        }
    }

    /// How much input around a part [`Scrubber::scrub_parallel`] searches.
    fn parallel_context(&self) -> usize {
        let m = &self.inner.matcher;
        let reach = m.reach().max(self.inner.known.snapshot().max_len) + m.max_len;
        (64 << 10).max(4 * reach)
    }

    /// The outputs of the parts of a parallel scrub of `hay` (see
    /// [`Scrubber::scrub_parallel`]), in order: parts of about `part_len`
    /// bytes, scrubbed by `threads` threads, each with `context` bytes of
    /// input on either side. `Err` says why they cannot be used: too few parts,
    /// or parts that disagree around a cut or a redaction across one.
    pub(crate) fn parallel_parts<'h>(
        &self,
        hay: &'h [u8],
        threads: usize,
        part_len: usize,
        context: usize,
    ) -> Result<Vec<Cow<'h, [u8]>>, Unparallel> {
        if threads < 2 || hay.len() / part_len.max(1) < 2 {
            return Err(Unparallel::Small);
        }
        let cuts = parallel_cuts(hay, part_len, context);
        if cuts.len() < 3 {
            return Err(Unparallel::Small);
        }
        let half = context / 2;
        // The parts go to `threads` workers in order, each taking the next
        // part not yet taken: a part's buffers are freed before the
        // worker's next, so their memory is reused while still mapped.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let cuts = &cuts;
        let mut done: Vec<(usize, Part<'h>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads.min(cuts.len() - 1))
                .map(|_| {
                    let next = &next;
                    scope.spawn(move || {
                        let mut done = Vec::new();
                        loop {
                            let k = next.fetch_add(1, Ordering::Relaxed);
                            if k + 1 >= cuts.len() {
                                return done;
                            }
                            let part = self.scrub_part(hay, cuts[k], cuts[k + 1], context, half);
                            done.push((k, part));
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        done.sort_unstable_by_key(|&(k, _)| k);
        let done: Vec<Part<'h>> = done.into_iter().map(|(_, part)| part).collect();
        let why = if done.iter().any(|p| p.crosses) {
            Some(Unparallel::Crossed)
        } else if done.windows(2).any(|w| w[0].near_end != w[1].near_start) {
            Some(Unparallel::Disagreed)
        } else {
            None
        };
        if let Some(why) = why {
            // The parts' redactions are not used: nor are their counts.
            for part in &done {
                for (slot, &n) in part.counts.iter().enumerate() {
                    self.inner.counts[slot].fetch_sub(n, Ordering::Relaxed);
                }
                self.inner.merged.fetch_sub(part.merged, Ordering::Relaxed);
            }
            return Err(why);
        }
        Ok(done.into_iter().map(|p| p.out).collect())
    }

    /// Scrubs the part `hay[lo..hi]` of a parallel scrub, with `context`
    /// bytes of input on either side; reports what it found within `half`
    /// of each end, for the neighbours to compare.
    fn scrub_part<'h>(
        &self,
        hay: &'h [u8],
        lo: usize,
        hi: usize,
        context: usize,
        half: usize,
    ) -> Part<'h> {
        let from = lo.saturating_sub(context);
        let to = (hi + context).min(hay.len());
        let region = &hay[from..to];
        let stripped = memchr::memchr(ansi::ESC, region)
            .is_some()
            .then(|| self.strip(region));
        let (text, map) = match &stripped {
            Some((text, map)) => (text.as_slice(), Some(map)),
            None => (region, None),
        };
        let spans = self.spans(text);
        // Offsets in `hay`: of text byte `p` (after the escapes before it),
        // and just after text byte `p - 1`.
        let input_at = |p: usize| from + map.map_or(p, |m| m.input_at(p));
        let input_after = |p: usize| from + map.map_or(p, |m| m.input_after(p));
        // The text offsets of the part's ends: the first text byte at or
        // after each (escapes just before a cut belong to the part before).
        let find = |x: usize| {
            let (mut a, mut b) = (0, text.len());
            while a < b {
                let mid = a + (b - a) / 2;
                if input_at(mid) < x {
                    a = mid + 1;
                } else {
                    b = mid;
                }
            }
            a
        };
        let (tl, th) = (
            find(lo),
            if hi == hay.len() {
                text.len()
            } else {
                find(hi)
            },
        );
        let in_input: Vec<Span> = spans
            .iter()
            .map(|s| Span {
                start: input_at(s.start),
                end: input_after(s.end),
                rule: s.rule,
            })
            .collect();
        let near = |x: usize| {
            let found: Vec<Span> = in_input
                .iter()
                .filter(|s| s.start + half >= x && s.start < x + half)
                .copied()
                .collect();
            let escapes: Vec<(usize, usize)> = map
                .into_iter()
                .flat_map(|m| m.escapes())
                .map(|(a, b)| (from + a, from + b))
                .filter(|&(a, _)| a + half >= x && a < x + half)
                .collect();
            (found, escapes)
        };
        // Whether a redaction covers an end of the part, and whether any
        // falls in it.
        let (mut crosses, mut written) = (false, false);
        for u in unions(&spans) {
            crosses |= (u.start < tl && u.end > tl) || (u.start < th && u.end > th);
            written |= u.end > tl && u.start < th;
        }
        let start = if lo == 0 { 0 } else { input_at(tl) };
        let end = if hi == hay.len() {
            hay.len()
        } else {
            input_at(th)
        };
        let (mut counts, mut merged) = (Vec::new(), 0);
        let out = if !written || crosses {
            Cow::Borrowed(&hay[start..end])
        } else {
            let mut out = Vec::with_capacity(end - start + 64);
            counts = vec![0; self.slots()];
            let counted = Some((&mut counts[..], &mut merged));
            let raw = map.map(|map| ansi::Raw {
                bytes: region,
                base: 0,
                at: start - from,
                map,
            });
            match raw {
                None => {
                    self.redact(text, 0, &spans, tl, th, &mut out, counted);
                }
                Some(mut raw) => {
                    self.redact_mapped(text, 0, &spans, tl, th, &mut out, counted, Some(&mut raw));
                    raw.copy_until(end - from, &mut out);
                }
            }
            Cow::Owned(out)
        };
        Part {
            out,
            counts,
            merged,
            near_start: if lo == 0 {
                Default::default()
            } else {
                near(lo)
            },
            near_end: if hi == hay.len() {
                Default::default()
            } else {
                near(hi)
            },
            crosses,
        }
    }

    /// Returns `haystack` with every secret replaced.
    ///
    /// Like [`Scrubber::scrub`]; redactions always cover whole characters,
    /// so the result is valid UTF-8.
    pub fn scrub_str<'h>(&self, haystack: &'h str) -> Cow<'h, str> {
        match self.scrub(haystack.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(haystack),
            Cow::Owned(bytes) => Cow::Owned(match String::from_utf8(bytes) {
                Ok(s) => s,
                // Unreachable: spans are widened to character boundaries and
                // replacements are UTF-8. Should it ever happen, a lossy
                // conversion still cannot reveal anything.
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            }),
        }
    }

    /// Reports every finding in `haystack`: the rule and the span of the
    /// secret, never the secret itself.
    ///
    /// Findings are sorted by position and never overlap: one finding per
    /// secret. Where several rules find the same or overlapping bytes
    /// (`GITHUB_TOKEN=ghp_...` is found by the GitHub rule and by the
    /// generic assignment rule), the finding spans their union and names
    /// the rule that [`Scrubber::scrub`]'s label names: the leftmost, then
    /// longest, then a provider's rule before a context rule (a header, a
    /// flag, a URL, an OAuth token response), and a context rule before a
    /// rule that knows the value by its name alone (`*_SECRET=`).
    ///
    /// Offsets are in `haystack`; with terminal escapes inside a secret,
    /// its finding spans them too (see [`Scrubber::scrub`]).
    pub fn find(&self, haystack: &[u8]) -> Vec<Finding<'_>> {
        let finding = |s: Span| Finding {
            rule: self.slot_id(self.slot(s.rule)),
            start: s.start,
            end: s.end,
        };
        if memchr::memchr(ansi::ESC, haystack).is_some() {
            let (text, map) = self.strip(haystack);
            return unions(&self.spans(&text))
                .map(|s| {
                    finding(Span {
                        start: map.input_at(s.start),
                        end: map.input_after(s.end),
                        rule: s.rule,
                    })
                })
                .collect();
        }
        unions(&self.spans(haystack)).map(finding).collect()
    }

    /// [`Scrubber::scrub`] of an input with an ESC byte: the rules run on
    /// its text (escapes taken out) and the input is written with the
    /// findings redacted and every escape outside them kept.
    fn scrub_escaped<'h>(&self, haystack: &'h [u8]) -> Cow<'h, [u8]> {
        let (text, map) = self.strip(haystack);
        let spans = self.spans(&text);
        if spans.is_empty() {
            return Cow::Borrowed(haystack);
        }
        let mut out = Vec::with_capacity(haystack.len());
        let mut raw = ansi::Raw {
            bytes: haystack,
            base: 0,
            at: 0,
            map: &map,
        };
        self.redact_mapped(
            &text,
            0,
            &spans,
            0,
            text.len(),
            &mut out,
            None,
            Some(&mut raw),
        );
        raw.copy_until(haystack.len(), &mut out);
        Cow::Owned(out)
    }

    /// A large input scrubbed as a stream of pieces, which gives the same
    /// output as the one-shot scrub (`fuzz/fuzz_targets/scrub_split.rs`
    /// and `tests/props.rs` check it) without a copy of the whole input
    /// with its escapes taken out. Borrowed while the stream gives back
    /// the input unchanged, which for a clean input is to the end.
    fn scrub_in_pieces<'h>(&self, haystack: &'h [u8]) -> Cow<'h, [u8]> {
        let mut stream = self.stream();
        // The input's first `same` bytes are what the stream gave so far,
        // until `out` takes over.
        let mut same = 0;
        let mut out: Option<Vec<u8>> = None;
        let mut take = |piece: &[u8]| match &mut out {
            Some(out) => out.extend_from_slice(piece),
            None if haystack.get(same..same + piece.len()) == Some(piece) => same += piece.len(),
            None => {
                let mut o = Vec::with_capacity(haystack.len() + haystack.len() / 8);
                o.extend_from_slice(&haystack[..same]);
                o.extend_from_slice(piece);
                out = Some(o);
            }
        };
        for chunk in haystack.chunks(PIECE) {
            take(stream.push(chunk));
        }
        take(stream.finish());
        match out {
            Some(out) => Cow::Owned(out),
            None if same == haystack.len() => Cow::Borrowed(haystack),
            None => Cow::Owned(haystack[..same].to_vec()),
        }
    }

    /// The text of `input` with its escapes taken out, and where they were.
    fn strip(&self, input: &[u8]) -> (Vec<u8>, ansi::Map) {
        ansi::strip(input, self.max_match_len(), &|s| self.is_clean(s))
    }

    /// Whether the rules find nothing in `bytes` (a terminal string
    /// sequence, checked before it is taken out of the text) and it holds
    /// no redaction: a string whose secret a scrub redacted stays text on
    /// the next scrub too, as it did on the first, so that a second scrub
    /// reads the bytes around it as the first did.
    pub(crate) fn is_clean(&self, bytes: &[u8]) -> bool {
        memchr::memmem::find(bytes, crate::redact::LABEL_OPEN).is_none()
            && self.spans(bytes).is_empty()
    }

    /// The rules this scrubber runs, in the order they were loaded.
    pub fn rules(&self) -> impl ExactSizeIterator<Item = &Rule> + '_ {
        self.inner.matcher.rules.iter().map(|r| &r.rule)
    }

    /// The longest match any rule can make, in bytes.
    pub fn max_match_len(&self) -> usize {
        self.inner.matcher.max_len
    }

    /// A scrubber that runs one rule, for checking its examples.
    pub(crate) fn alone(rule: &Rule) -> Result<Scrubber, Error> {
        let style = |_: &Rule| Redaction::Label;
        let matcher = Matcher::new(vec![rule.clone()], true, style)?;
        let known = KnownSecrets::new(&[])?;
        Ok(Scrubber::from_parts(
            matcher,
            known,
            process_key(),
            &Redaction::Label,
        ))
    }

    pub(crate) fn from_parts(
        matcher: Matcher,
        known: KnownSecrets,
        key: [u8; 32],
        known_style: &Redaction,
    ) -> Scrubber {
        let counts = (0..matcher.rules.len() + PSEUDO_IDS.len())
            .map(|_| AtomicU64::new(0))
            .collect();
        Scrubber {
            inner: Arc::new(Inner {
                matcher,
                known,
                pseudo_replacers: PSEUDO_IDS
                    .iter()
                    .map(|id| Replacer::new(known_style, id, &[]))
                    .collect(),
                counts,
                merged: AtomicU64::new(0),
                key,
            }),
        }
    }

    /// The secret values this scrubber (and every clone of it, and every
    /// stream made from them) redacts wherever they appear, in any of their
    /// common encodings. Values added through the returned handle take
    /// effect at once, in live streams too.
    pub fn known_secrets(&self) -> KnownSecrets {
        self.inner.known.clone()
    }

    /// How many secrets this scrubber and its clones have redacted so far,
    /// per rule, in one-shot calls and streams alike: `(rule id, count)` in
    /// rule order, rules with none left out, known secrets last as
    /// `known-secret`. Never the values.
    ///
    /// Each redaction counts once, under the rule its label names, even
    /// when several rules found the same bytes (`GITHUB_TOKEN=ghp_...` is
    /// found by the GitHub rule and the generic assignment rule): the
    /// others are counted by [`Scrubber::merged`].
    pub fn summary(&self) -> Vec<(&str, u64)> {
        self.inner
            .counts
            .iter()
            .enumerate()
            .map(|(i, n)| (self.slot_id(i), n.load(Ordering::Relaxed)))
            .filter(|&(_, n)| n > 0)
            .collect()
    }

    /// How many findings were merged into another finding's redaction
    /// because they covered the same or overlapping bytes, so far.
    pub fn merged(&self) -> u64 {
        self.inner.merged.load(Ordering::Relaxed)
    }

    /// The id reported for a counter slot.
    pub(crate) fn slot_id(&self, slot: usize) -> &str {
        let rules = &self.inner.matcher.rules;
        match rules.get(slot) {
            Some(r) => &r.rule.id,
            None => PSEUDO_IDS[slot - rules.len()],
        }
    }

    /// The counter slot of a span's rule.
    pub(crate) fn slot(&self, rule: u32) -> usize {
        match pseudo_index(rule) {
            Some(k) => self.inner.matcher.rules.len() + k,
            None => rule as usize,
        }
    }

    /// The number of counter slots: one per rule, then the pseudo-rules.
    pub(crate) fn slots(&self) -> usize {
        self.inner.matcher.rules.len() + PSEUDO_IDS.len()
    }

    /// Writes the replacement of a value a structured scrubber redacts
    /// because of its name, and counts it.
    pub(crate) fn replace_named(&self, pseudo: u32, secret: &[u8], out: &mut Vec<u8>) {
        let k = pseudo_index(pseudo).expect("a pseudo-rule");
        self.inner.counts[self.slot(pseudo)].fetch_add(1, Ordering::Relaxed);
        self.inner.pseudo_replacers[k].write(secret, &self.inner.key, out);
    }

    pub(crate) fn matcher(&self) -> &Matcher {
        &self.inner.matcher
    }

    /// All findings over a complete input, sorted and deduplicated.
    pub(crate) fn spans(&self, hay: &[u8]) -> Vec<Span> {
        let m = &self.inner.matcher;
        let mut spans = Vec::new();
        // `seen` joins each rule's overlapping windows into runs, each
        // searched once; a run is searched as soon as no later hit can add
        // to it, while its bytes are still in cache, the rest at the end.
        let mut seen = crate::compile::Seen::new();
        let reach = m.reach();
        m.hits(hay, 0, |group, start, end| {
            seen.follow(hay, start, end, reach);
            m.eval(
                group,
                hay,
                0,
                start,
                end,
                true,
                crate::compile::Follows::Later,
                &mut seen,
                &mut spans,
            );
        });
        m.settle(hay, 0, &mut seen, true, &mut spans);
        let known = self.inner.known.snapshot();
        if !known.is_empty() {
            known.hits(hay, 0, |start, end| {
                spans.push(Span {
                    start,
                    end,
                    rule: KNOWN,
                })
            });
        }
        spans.sort_unstable();
        spans.dedup();
        spans
    }

    /// Counts `spans` (sorted) as [`Scrubber::redact`] does, in `counts`
    /// and `merged` only: one per union of overlapping spans, under the rule
    /// of its first span, the others as merged.
    pub(crate) fn count_unions(&self, spans: &[Span], counts: &mut [u64], merged: &mut u64) {
        let mut i = 0;
        while i < spans.len() {
            let first = spans[i];
            let mut end = first.end;
            i += 1;
            while i < spans.len() && spans[i].start < end {
                end = end.max(spans[i].end);
                i += 1;
                *merged += 1;
            }
            counts[self.slot(first.rule)] += 1;
        }
    }

    /// Writes the input from `from` up to `limit` to `out` with the union of
    /// `spans` redacted, and returns where it stopped: `limit`, or the end
    /// of a redaction that reaches past it.
    ///
    /// `hay[0]` is the input's byte at offset `base`; `spans`, `from` and
    /// `limit` are offsets in the input. `spans` must be sorted. Spans that
    /// end at or before `from` are ignored; a union that starts before
    /// `from` and ends after it is written as its replacement.
    #[allow(clippy::too_many_arguments)] // a buffer view, spans, bounds, sinks
    pub(crate) fn redact(
        &self,
        hay: &[u8],
        base: usize,
        spans: &[Span],
        from: usize,
        limit: usize,
        out: &mut Vec<u8>,
        counts: Option<(&mut [u64], &mut u64)>,
    ) -> usize {
        self.redact_mapped(hay, base, spans, from, limit, out, counts, None)
    }

    /// [`Scrubber::redact`], where `hay` is the text of an input with its
    /// terminal escapes taken out, if `raw` is given: what is written is
    /// the input (`raw`), escapes before and after each redaction kept,
    /// those inside it replaced with it. Escapes just before `limit` (or
    /// where it stopped) are written too: a later secret starts after them.
    #[allow(clippy::too_many_arguments)] // as above, and the input
    pub(crate) fn redact_mapped(
        &self,
        hay: &[u8],
        base: usize,
        spans: &[Span],
        from: usize,
        limit: usize,
        out: &mut Vec<u8>,
        mut counts: Option<(&mut [u64], &mut u64)>,
        mut raw: Option<&mut ansi::Raw<'_>>,
    ) -> usize {
        let rules = &self.inner.matcher.rules;
        let mut at = from;
        let mut i = 0;
        while i < spans.len() {
            let first = spans[i];
            if first.start >= limit {
                break;
            }
            // The union of all spans overlapping this one; the first (leftmost,
            // then longest) names it.
            let mut end = first.end;
            let union_start = i;
            i += 1;
            while i < spans.len() && spans[i].start < end {
                end = end.max(spans[i].end);
                i += 1;
            }
            if end <= at {
                continue;
            }
            // One redaction, one count, under the rule that names it; the
            // other findings over the same bytes are counted as merged.
            let slot = self.slot(first.rule);
            let merged = (i - union_start - 1) as u64;
            self.inner.counts[slot].fetch_add(1, Ordering::Relaxed);
            self.inner.merged.fetch_add(merged, Ordering::Relaxed);
            if let Some((counts, total_merged)) = counts.as_mut() {
                counts[slot] += 1;
                **total_merged += merged;
            }
            let start = first.start.max(at);
            match raw.as_deref_mut() {
                None => out.extend_from_slice(&hay[at - base..start - base]),
                // Escapes at `at` are inside a union that began before it.
                Some(raw) if first.start >= at => raw.copy_until(raw.map.input_at(start), out),
                Some(_) => {}
            }
            let secret = &hay[first.start.max(base) - base..end - base];
            let replacer = match pseudo_index(first.rule) {
                Some(k) => &self.inner.pseudo_replacers[k],
                None => &rules[first.rule as usize].replacer,
            };
            replacer.write(secret, &self.inner.key, out);
            keep_line_breaks(secret, out);
            if let Some(raw) = raw.as_deref_mut() {
                raw.skip_to(raw.map.input_after(end));
            }
            at = end;
        }
        match raw {
            None if at < limit => out.extend_from_slice(&hay[at - base..limit - base]),
            None => {}
            Some(raw) => raw.copy_until(raw.map.input_at(at.max(limit)), out),
        }
        at.max(limit)
    }
}

/// Writes the line breaks of a redacted secret after its replacement, so
/// that a multi-line secret (a PEM block) leaves as many lines as it had:
/// the replacement on the first, the others emptied, each break as it was
/// (`\n`, `\r\n` or `\r`). Line-oriented consumers, diffs and line
/// numbers stay aligned with the input.
fn keep_line_breaks(secret: &[u8], out: &mut Vec<u8>) {
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b'\n', b'\r', &secret[from..]) {
        out.push(secret[from + i]);
        from += i + 1;
    }
}

/// The unions of overlapping `spans` (sorted), each under the rule of its
/// first span: what [`Scrubber::redact`] replaces, one span per union.
fn unions(spans: &[Span]) -> impl Iterator<Item = Span> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let mut union = *spans.get(i)?;
        i += 1;
        while i < spans.len() && spans[i].start < union.end {
            union.end = union.end.max(spans[i].end);
            i += 1;
        }
        Some(union)
    })
}

/// Where a parallel scrub in parts of `part_len` bytes cuts `hay`, its
/// start and end included: each cut just after the first line break past
/// its share (no escape sequence holds one), if one comes within a quarter
/// of the context.
fn parallel_cuts(hay: &[u8], part_len: usize, context: usize) -> Vec<usize> {
    let parts = hay.len() / part_len.max(1);
    let mut cuts = vec![0];
    for k in 1..parts {
        let share = (k * (hay.len() / parts)).max(*cuts.last().unwrap_or(&0));
        let look = &hay[share..(share + context / 4).min(hay.len())];
        if let Some(i) = memchr::memchr(b'\n', look) {
            if share + i + 1 < hay.len() {
                cuts.push(share + i + 1);
            }
        }
    }
    cuts.push(hay.len());
    cuts.dedup();
    cuts
}

/// Which pseudo-rule a span's rule index stands for, if any.
fn pseudo_index(rule: u32) -> Option<usize> {
    let k = (u32::MAX - rule) as usize;
    (k < PSEUDO_IDS.len()).then_some(k)
}

impl fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scrubber")
            .field("rules", &self.inner.matcher.rules.len())
            .field("max_match_len", &self.inner.matcher.max_len)
            .finish_non_exhaustive()
    }
}

/// A secret found by [`Scrubber::find`]: which rule found it and where. It
/// never holds the secret's bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Finding<'s> {
    rule: &'s str,
    start: usize,
    end: usize,
}

impl<'s> Finding<'s> {
    /// The id of the rule that found the secret.
    pub fn rule(&self) -> &'s str {
        self.rule
    }

    /// Where the secret starts, in bytes from the start of the input.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Where the secret ends (exclusive).
    pub fn end(&self) -> usize {
        self.end
    }

    /// `start()..end()`.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

impl fmt::Debug for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Finding({} @ {}..{})", self.rule, self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn only(text: &str) -> Scrubber {
        Scrubber::builder()
            .defaults(false)
            .add_rules_str("test.toml", text)
            .build()
            .unwrap()
    }

    /// The benign corpus's files, in name order.
    fn benign_files() -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/benign");
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
    }

    /// Every default rule's examples (with the secrets they hold) and the
    /// benign corpus, one after another, `rounds` times.
    fn mixed_corpus(s: &Scrubber, rounds: usize) -> Vec<u8> {
        let files = benign_files();
        let mut hay = Vec::new();
        for round in 0..rounds {
            for (i, rule) in s.rules().enumerate() {
                for (input, _) in rule.examples() {
                    hay.extend_from_slice(input.as_bytes());
                    hay.push(if (i + round) % 3 == 0 { b' ' } else { b'\n' });
                }
                if i % 50 == round % 50 {
                    hay.extend_from_slice(&std::fs::read(&files[i / 50 % files.len()]).unwrap());
                }
            }
        }
        hay
    }

    /// The parallel scrub of `hay`, joined, and why it fell back, if it did.
    fn parallel(
        s: &Scrubber,
        hay: &[u8],
        threads: usize,
        part_len: usize,
        context: usize,
    ) -> (Vec<u8>, Option<Unparallel>) {
        match s.parallel_parts(hay, threads, part_len, context) {
            Ok(parts) => (parts.concat(), None),
            Err(why) => (s.scrub(hay).into_owned(), Some(why)),
        }
    }

    /// Checks the parallel scrub of `hay` against the one-thread scrub
    /// `one`: with parts whose cuts all fall outside the redactions (as
    /// `crossed` tells from the cuts), the parts are used; with parts that
    /// have a cut inside one, they are scrubbed again. Part counts from 2
    /// up are tried until at least three of each kind have run, so that
    /// both paths are taken wherever the rules' examples happen to put
    /// the cuts (the corpus is mostly secrets: a quarter of its bytes are
    /// redacted).
    fn parallel_at_chosen_cuts(
        s: &Scrubber,
        hay: &[u8],
        one: &[u8],
        crossed: impl Fn(&[usize]) -> bool,
    ) {
        let context = s.parallel_context();
        let (mut used, mut again) = (0, 0);
        let mut tried = std::collections::HashSet::new();
        for parts in 2..=200 {
            if used >= 3 && again >= 3 {
                break;
            }
            let part_len = hay.len() / parts;
            let cuts = parallel_cuts(hay, part_len, context);
            let crosses = crossed(&cuts);
            if (crosses && again >= 3) || (!crosses && used >= 3) || !tried.insert(cuts) {
                continue;
            }
            let (out, why) = parallel(s, hay, 2 + parts % 3, part_len, context);
            assert!(out == one, "{parts} parts: output differs");
            assert_eq!(why, crosses.then_some(Unparallel::Crossed), "{parts} parts");
            if crosses {
                again += 1;
            } else {
                used += 1;
            }
        }
        assert_eq!((used, again), (3, 3), "parts used, parts scrubbed again");
    }

    /// `hay` with colour escapes around some lines and between some names
    /// and their values.
    fn coloured(hay: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, line) in hay.split_inclusive(|&b| b == b'\n').enumerate() {
            match (i % 4, line.iter().position(|&b| b == b'=')) {
                (0, _) => {
                    out.extend_from_slice(b"\x1b[1m");
                    out.extend_from_slice(line);
                    out.extend_from_slice(b"\x1b[0m");
                }
                (1, Some(eq)) => {
                    out.extend_from_slice(&line[..eq]);
                    out.extend_from_slice(b"\x1b[0m=\x1b[32m");
                    out.extend_from_slice(&line[eq + 1..]);
                }
                _ => out.extend_from_slice(line),
            }
        }
        out
    }

    #[test]
    fn a_large_input_with_escapes_scrubs_in_pieces_as_in_one() {
        let s = Scrubber::new();
        let hay = coloured(&mixed_corpus(&s, 6));
        assert!(hay.len() > IN_PIECES_ABOVE, "{} bytes", hay.len());
        let whole = s.scrub_escaped(&hay);
        assert!(matches!(whole, Cow::Owned(_)), "the corpus holds secrets");
        assert!(
            s.scrub(&hay) == whole,
            "scrubbed in pieces, the output differs"
        );
        // Clean: given back borrowed, as the one-shot scrub does.
        let benign: Vec<u8> = benign_files()
            .iter()
            .flat_map(|f| std::fs::read(f).unwrap())
            .collect();
        let clean = coloured(&benign.repeat(3));
        assert!(clean.len() > IN_PIECES_ABOVE);
        assert!(matches!(s.scrub(&clean), Cow::Borrowed(_)));
    }

    #[test]
    fn parallel_scrub_is_the_one_thread_scrub_at_every_cut() {
        let s = Scrubber::builder().build().unwrap();
        let hay = mixed_corpus(&s, 2);
        let one = s.scrub(&hay);
        assert!(s.find(&hay).len() > 1000, "the corpus holds secrets");
        // Parts far smaller than in use, so that cuts fall everywhere:
        // next to secrets, multi-line blocks and keyword-dense lines. A
        // split is scrubbed again exactly when one of its cuts falls inside
        // a redaction of the one-thread scrub.
        let redactions: Vec<Span> = unions(&s.spans(&hay)).collect();
        parallel_at_chosen_cuts(&s, &hay, &one, |cuts| {
            cuts.iter()
                .any(|&c| redactions.iter().any(|u| u.start < c && c < u.end))
        });
    }

    #[test]
    fn parallel_scrub_with_escapes_is_the_one_thread_scrub() {
        let s = Scrubber::builder().build().unwrap();
        let mut hay = Vec::new();
        for (i, line) in mixed_corpus(&s, 1).split(|&b| b == b'\n').enumerate() {
            hay.extend_from_slice(b"\x1b[32m2026-12-06T03:00:00Z\x1b[0m ");
            hay.extend_from_slice(line);
            hay.extend_from_slice(if i % 7 == 0 {
                b"\x1b[0m\n\x1b[1m"
            } else {
                b"\n"
            });
        }
        let one = s.scrub(&hay);
        // As in `parallel_scrub_is_the_one_thread_scrub_at_every_cut`, with
        // the redactions of the text with the escapes taken out, and a cut
        // standing at the first text byte at or after it (as `scrub_part`
        // places the ends of a part).
        let (text, map) = s.strip(&hay);
        let redactions: Vec<Span> = unions(&s.spans(&text)).collect();
        assert!(redactions.len() > 100, "the corpus holds secrets");
        let text_at = |c: usize| {
            let (mut a, mut b) = (0, text.len());
            while a < b {
                let mid = a + (b - a) / 2;
                if map.input_at(mid) < c {
                    a = mid + 1;
                } else {
                    b = mid;
                }
            }
            a
        };
        parallel_at_chosen_cuts(&s, &hay, &one, |cuts| {
            cuts.iter()
                .map(|&c| text_at(c))
                .any(|t| redactions.iter().any(|u| u.start < t && t < u.end))
        });
        let big: Vec<u8> = hay.iter().copied().cycle().take(9 << 20).collect();
        assert!(s.scrub_parallel(&big, 2) == s.scrub(&big));
        let mut to = Vec::new();
        s.scrub_parallel_to(&big, 3, &mut to).unwrap();
        assert!(to == *s.scrub(&big));
    }

    #[test]
    fn parallel_parts_that_disagree_are_scrubbed_again_on_one_thread() {
        // With 64 bytes of context the part before the cut sees only the
        // first 34 characters of the token 31 bytes after it, and finds
        // nothing; the part after finds it: they disagree.
        let s = Scrubber::builder().build().unwrap();
        // 1202 bytes: the cut follows the first line break after byte 601.
        let mut hay = "lorem\n".repeat(100).into_bytes();
        hay.extend_from_slice(b"x\n");
        let cut = hay.len();
        hay.extend_from_slice(b"lorem ipsum dolor sit amet, co ");
        assert_eq!(hay.len() - cut, 31);
        hay.extend_from_slice(b"ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU ");
        hay.extend_from_slice("ipsum ".repeat(88).as_bytes());
        assert_eq!((hay.len(), cut), (1202, 602));
        let (out, why) = parallel(&s, &hay, 2, 601, 64);
        assert_eq!(why, Some(Unparallel::Disagreed));
        assert!(out == *s.scrub(&hay));
        // The token counts once: for the scrub used, not the parts'.
        assert_eq!(s.summary(), [("github-pat-classic", 2)]);
    }

    #[test]
    fn parallel_part_cut_inside_a_private_key_is_scrubbed_again_on_one_thread() {
        let s = Scrubber::builder().build().unwrap();
        let key = s
            .rules()
            .find(|r| r.id() == "pem-rsa-private-key")
            .and_then(|r| r.examples().map(|(i, _)| i).find(|i| i.lines().count() > 5))
            .expect("a multi-line private key example")
            .to_string();
        let mut hay = "lorem\n".repeat(200).into_bytes();
        let mid = hay.len() - key.len() / 2;
        hay.truncate(mid);
        hay.extend_from_slice(key.as_bytes());
        hay.extend_from_slice("\nipsum".repeat(200).as_bytes());
        let (out, why) = parallel(&s, &hay, 2, hay.len() / 2, s.parallel_context());
        assert_eq!(why, Some(Unparallel::Crossed));
        assert!(out == *s.scrub(&hay));
        assert!(
            !out.windows(20)
                .any(|w| key.as_bytes().windows(20).nth(30) == Some(w))
        );
    }

    const TWO_RULES: &str = r#"
[[rules]]
id = "long"
regex = '''pw=([a-z0-9]{4,40})'''
keywords = ["pw="]

[[rules]]
id = "inner"
regex = '''hunter2'''
keywords = ["hunter"]
"#;

    #[test]
    fn clean_input_is_borrowed() {
        let s = only(TWO_RULES);
        assert!(matches!(s.scrub(b"nothing to see"), Cow::Borrowed(_)));
        assert!(matches!(s.scrub_str("nothing to see"), Cow::Borrowed(_)));
    }

    #[test]
    fn overlapping_findings_are_redacted_as_their_union() {
        let s = only(TWO_RULES);
        // "hunter2" is inside the longer secret: the union is one redaction,
        // named after the leftmost, longest finding.
        assert_eq!(
            s.scrub_str("x pw=hunter2xyzsecret y"),
            "x pw=[REDACTED:long] y"
        );
        // A finding that starts before and one that ends after merge too.
        assert_eq!(
            s.scrub_str("hunter2 pw=abcd"),
            "[REDACTED:inner] pw=[REDACTED:long]"
        );
        // One finding per secret, as one redaction.
        let f = s.find(b"x pw=hunter2xyzsecret y");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule(), "long");
        assert_eq!(f[0].range(), 5..21);
        let f = s.find(b"hunter2 pw=abcd");
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn find_reports_one_finding_for_a_token_two_rules_match() {
        // The GitHub rule and the generic assignment rule both match.
        let line = b"GITHUB_TOKEN=ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU";
        let s = Scrubber::new();
        let f = s.find(line);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule(), "github-pat-classic");
        assert_eq!(f[0].range(), 13..line.len());
    }

    #[test]
    fn a_multi_line_secret_keeps_its_line_count_in_every_style() {
        let input = "key:\r\n-----BEGIN OPENSSH PRIVATE KEY-----\r\n\
            b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz\r\n\
            Suk6Du2nS0RY8O5dRUMd3oehfCZQs4IGl6Zi+4sy4WIumODBGDCQQeGl2IesAKgV\r\n\
            -----END OPENSSH PRIVATE KEY-----\r\nnext\r\n";
        for (style, first) in [
            (Redaction::Label, "[REDACTED:openssh-private-key]"),
            (Redaction::Mask, "[REDACTED]"),
            (Redaction::Fingerprint, "[REDACTED:openssh-private-key:"),
            (Redaction::Text("***".into()), "***"),
        ] {
            let s = Scrubber::builder().redaction(style).build().unwrap();
            let out = s.scrub_str(input);
            let lines: Vec<&str> = out.split("\r\n").collect();
            assert_eq!(lines.len(), input.split("\r\n").count(), "{out}");
            assert!(lines[1].starts_with(first), "{out}");
            assert_eq!(lines[2..5], ["", "", ""], "{out}");
            assert_eq!(lines[5], "next", "{out}");
        }
    }

    #[test]
    fn regex_runs_only_near_keywords_on_the_keywords_line() {
        let s = only(
            r#"
[[rules]]
id = "ctx"
regex = '''token\s*[:=]\s*([A-Za-z0-9]{8,32})'''
keywords = ["token"]
max_len = 64
"#,
        );
        assert_eq!(
            s.scrub_str("token = abcdEFGH1234"),
            "token = [REDACTED:ctx]"
        );
        // `\s*` could cross a line break, but windows stop at the line.
        assert_eq!(
            s.scrub_str("token =\nabcdEFGH1234"),
            "token =\nabcdEFGH1234"
        );
    }

    #[test]
    fn utf8_is_never_split() {
        let s = only(
            r#"
[[rules]]
id = "bytes"
regex = '''key:(?-u:.)((?-u:[\x80-\xff]{1,2}))'''
secretGroup = 1
keywords = ["key:"]
"#,
        );
        let out = s.scrub_str("key:é€ ok");
        // The secret group starts inside `é`; the redaction covers it whole.
        // The window (at most 7 bytes from the keyword) ends before `€`.
        assert_eq!(out, "key:[REDACTED:bytes]€ ok");
    }

    #[test]
    fn unknown_ids_and_categories_are_errors() {
        let err = Scrubber::builder()
            .defaults(false)
            .add_rules_str("test.toml", TWO_RULES)
            .disable_rule("nope")
            .build()
            .unwrap_err();
        assert_eq!(err.to_string(), "no rule has the id \"nope\"");
    }

    #[test]
    fn disabled_rules_do_not_run() {
        let s = Scrubber::builder()
            .defaults(false)
            .add_rules_str("test.toml", TWO_RULES)
            .disable_rule("inner")
            .build()
            .unwrap();
        assert_eq!(s.scrub_str("hunter2"), "hunter2");
        assert_eq!(s.rules().len(), 1);
    }
}
