//! Secret values a runtime registers: its API keys, the session tokens it
//! mints. Each is matched exactly, in its common encodings, and may be
//! added while streams are live.
//!
//! # How values are found
//!
//! Every form of every value (the value itself, its base64 cores, its URL,
//! JSON, XML, backslash and PowerShell escapes, its hex) is a *pattern*. A
//! multi-line value is also matched modulo the whitespace between its
//! lines: its lines, trimmed, are a *chain* whose first line is a pattern
//! and whose other lines are checked after each hit of the first, with at
//! most [`MAX_GAP`] units of whitespace (or escaped line breaks, in JSON)
//! between them. So every match stays within [`KnownSet::max_len`], which
//! streams rely on to know how much to hold back.
//!
//! A pattern is found by its first four bytes (its *anchor*): at each
//! offset of the haystack, one bit of a filter of all anchors rejects most
//! offsets; the others pick a bucket of patterns, each compared whole. This
//! costs the same per byte whatever the number of values, and unlike an
//! Aho-Corasick automaton (which took seconds to build for thousands of
//! values) it is built in time linear in the patterns.
//!
//! # How values are added
//!
//! A [`KnownSet`] is an immutable snapshot: a few *segments*, each with its
//! own buckets. Adding values builds one new segment for them, merging it
//! with the last segments while they are no bigger than it (as a binary
//! counter carries), so each value is copied into a new segment about
//! `log2(n)` times over `n` adds, not `n` times. The new snapshot is built
//! while readers go on with the old one, then swapped in under a write lock
//! held only for the swap; a mutex keeps two adds from building from the
//! same old snapshot and losing one of them. The filter is shared by the
//! snapshots and only ever gains bits, so an older snapshot merely sees a
//! few more offsets pass it.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use crate::error::{Error, ErrorKind};

/// The shortest value [`KnownSecrets::add`] accepts, in bytes.
///
/// Masking a shorter value everywhere would wreck the output and reveal the
/// value by the gaps it leaves.
pub const MIN_KNOWN_SECRET_LEN: usize = 6;

/// The most whitespace units (a space, tab, CR or LF; in JSON also an
/// escaped `\n`, `\r` or `\t`) matched between two lines of a multi-line
/// value. It bounds the length of a match.
const MAX_GAP: usize = 32;

/// The secret values of a [`Scrubber`](crate::Scrubber), shared by all its
/// clones and the streams made from them.
///
/// Obtained from [`Scrubber::known_secrets`](crate::Scrubber::known_secrets).
/// A value added here is redacted from then on, by one-shot calls and by
/// live streams, including in bytes a stream still holds back. Adding never
/// makes a stream or a one-shot call wait for an automaton to be built.
///
/// Each value is matched exactly and in its encodings: base64 (standard and
/// URL-safe alphabets, at each of the three byte alignments it can take
/// inside a longer encoded string, padded or not, redacted up to and
/// including the characters that mix its bits with its neighbours'), URL
/// encoding (`%XX` in either case, `+` for space), JSON string escaping
/// (with and without `\/`), XML and HTML escaping (`&lt;`, `&amp;`,
/// `&quot;`, `&#39;`, ...), backslash escaping (inside shell double quotes,
/// and of every special character), PowerShell single-quote doubling
/// (`''`), and hex (either case).
///
/// A value of several lines (a private key) is also matched whatever the
/// line endings (LF, CRLF, CR CR LF) and whitespace (indentation, blank
/// lines: up to 32 characters or JSON escapes) between two of its lines,
/// as printed and JSON-escaped.
///
/// # Example
///
/// ```
/// use std::io::Write;
///
/// let scrubber = hush::Scrubber::new();
/// let known = scrubber.known_secrets();
/// let mut w = scrubber.writer(Vec::new());
/// w.write_all(b"session: s3ss10n-t0k3n-0ld\n")?;
/// known.add("s3ss10n-t0k3n-n3w").unwrap(); // refreshed mid-stream
/// w.write_all(b"session: s3ss10n-t0k3n-n3w\n")?;
/// let out = String::from_utf8(w.finish()?).unwrap();
/// assert_eq!(out, "session: s3ss10n-t0k3n-0ld\nsession: [REDACTED:known-secret]\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct KnownSecrets {
    shared: Arc<Shared>,
}

struct Shared {
    set: RwLock<Arc<KnownSet>>,
    generation: AtomicU64,
    /// Every value registered. Held while a new snapshot is built, so adds
    /// are serialised among themselves but never block readers of `set`.
    registered: Mutex<HashSet<Box<[u8]>>>,
}

/// An immutable snapshot of the known values and their automata.
pub(crate) struct KnownSet {
    segments: Vec<Arc<Segment>>,
    /// The anchors of the segments' patterns, and perhaps of later sets'.
    filter: Arc<Filter>,
    len: usize,
    /// An upper bound of the length of any match, in bytes.
    pub(crate) max_len: usize,
    /// Whether a match can contain a line break, so a partial match can span
    /// lines.
    pub(crate) has_breaks: bool,
}

/// Some of the values, and the index that finds their forms.
///
/// Each form (pattern) is found by its first [`ANCHOR`] bytes: a hash of
/// every [`ANCHOR`] bytes of the haystack picks a bucket of patterns, each
/// then compared whole. Unlike an automaton, the index is built (and two
/// merged) in time linear in the patterns, and a lookup costs the same
/// whatever their number. The few patterns shorter than [`ANCHOR`] (a
/// multi-line value's short first line) are tried at every offset.
struct Segment {
    /// How many values.
    values: usize,
    /// The bytes of every pattern.
    arena: Vec<u8>,
    /// The patterns, in bucket order.
    pats: Vec<Pat>,
    /// The patterns of bucket `b` are `pats[buckets[b]..buckets[b + 1]]`.
    buckets: Vec<u32>,
    /// `32 - log2(number of buckets)`.
    shift: u32,
    /// The patterns shorter than [`ANCHOR`] (indices into `pats`).
    short: Vec<u32>,
    chains: Vec<Chain>,
    /// The first 1, 2 and 3 bytes of the patterns a match may still grow
    /// from, as big-endian numbers, sorted: for [`KnownSet::partial_at_end`].
    prefixes: [Vec<u32>; ANCHOR - 1],
    /// The longest pattern.
    max_pattern_len: usize,
    /// The longest match (a widened pattern or a chain).
    max_len: usize,
    has_breaks: bool,
    /// Whether some pattern is widened by a leading base64 character.
    any_lead: bool,
}

/// How many leading bytes of a pattern its bucket is chosen by.
const ANCHOR: usize = 4;

/// A pattern: `arena[start..start + len]`, and what it stands for.
#[derive(Clone, Copy, Debug)]
struct Pat {
    start: u32,
    len: u32,
    target: Target,
}

/// What a pattern stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    /// A whole form. A base64 core is widened to the characters next to it
    /// that carry bits of the value too.
    Whole(Option<Widen>),
    /// The first line of a chain (an index into `Segment::chains`).
    Chain(u32),
}

/// The characters next to a base64 core that mix bits of the value with
/// bits of its neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Widen {
    lead: bool,
    trail: bool,
    url_safe: bool,
}

/// A multi-line value in one encoding: its lines, trimmed, each matched
/// exactly, with whitespace between them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Chain {
    pieces: Vec<Box<[u8]>>,
    gap: Gap,
}

/// What may separate the lines of a chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    /// Spaces, tabs, CRs and LFs.
    Plain,
    /// Spaces and the JSON escapes `\n`, `\r` and `\t`.
    Json,
}

impl Gap {
    /// The longest unit, in bytes.
    fn unit_len(self) -> usize {
        match self {
            Gap::Plain => 1,
            Gap::Json => 2,
        }
    }

    /// The length of the unit at the start of `rest`: `Some(0)` if there is
    /// none, `None` if `rest` ends in what may be the start of one.
    fn unit(self, rest: &[u8]) -> Option<usize> {
        match (self, rest) {
            (_, []) => None,
            (Gap::Plain, [b' ' | b'\t' | b'\r' | b'\n', ..]) => Some(1),
            (Gap::Json, [b' ', ..]) => Some(1),
            (Gap::Json, [b'\\']) => None,
            (Gap::Json, [b'\\', b'n' | b'r' | b't', ..]) => Some(2),
            _ => Some(0),
        }
    }
}

/// How a chain stands against a haystack.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// The whole chain matches, up to this offset.
    Match(usize),
    /// The haystack ends inside what could still become a match.
    Partial,
    NoMatch,
}

impl Chain {
    /// Checks the lines after the first one, which ends at `at`.
    fn verify(&self, hay: &[u8], mut at: usize) -> Step {
        for piece in &self.pieces[1..] {
            let mut units = 0;
            loop {
                match self.gap.unit(&hay[at..]) {
                    None => return Step::Partial,
                    Some(0) => break,
                    Some(n) => {
                        units += 1;
                        if units > MAX_GAP {
                            return Step::NoMatch;
                        }
                        at += n;
                    }
                }
            }
            let rest = &hay[at..];
            if rest.len() < piece.len() {
                return if piece.starts_with(rest) {
                    Step::Partial
                } else {
                    Step::NoMatch
                };
            }
            if rest[..piece.len()] != **piece {
                return Step::NoMatch;
            }
            at += piece.len();
        }
        Step::Match(at)
    }

    fn max_len(&self) -> usize {
        let text: usize = self.pieces.iter().map(|p| p.len()).sum();
        text + (self.pieces.len() - 1) * MAX_GAP * self.gap.unit_len()
    }
}

fn is_base64(b: u8, url_safe: bool) -> bool {
    b.is_ascii_alphanumeric()
        || if url_safe {
            b == b'-' || b == b'_'
        } else {
            b == b'+' || b == b'/'
        }
}

impl Segment {
    /// A segment of `values`, none of them already in another.
    fn new(values: &[Box<[u8]>]) -> Result<Segment, Error> {
        let mut arena = Vec::new();
        let mut pats = Vec::new();
        let mut chains: Vec<Chain> = Vec::new();
        for v in values {
            for form in forms(v) {
                let (bytes, target) = match form {
                    Form::Whole(p, w) => (p, Target::Whole(w)),
                    Form::Chain(chain) => {
                        let id = u32::try_from(chains.len()).map_err(|_| too_many())?;
                        let first = chain.pieces[0].to_vec();
                        chains.push(chain);
                        (first, Target::Chain(id))
                    }
                };
                pats.push(Pat {
                    start: u32::try_from(arena.len()).map_err(|_| too_many())?,
                    len: u32::try_from(bytes.len()).map_err(|_| too_many())?,
                    target,
                });
                arena.extend_from_slice(&bytes);
            }
        }
        Segment::index(values.len(), arena, pats, chains)
    }

    /// The segment of the values of both.
    fn merge(a: &Segment, b: &Segment) -> Result<Segment, Error> {
        let mut arena = Vec::with_capacity(a.arena.len() + b.arena.len());
        arena.extend_from_slice(&a.arena);
        arena.extend_from_slice(&b.arena);
        let shift = u32::try_from(a.arena.len()).map_err(|_| too_many())?;
        let chain_shift = u32::try_from(a.chains.len()).map_err(|_| too_many())?;
        let mut pats = Vec::with_capacity(a.pats.len() + b.pats.len());
        pats.extend_from_slice(&a.pats);
        for p in &b.pats {
            pats.push(Pat {
                start: p.start.checked_add(shift).ok_or_else(too_many)?,
                len: p.len,
                target: match p.target {
                    Target::Chain(c) => Target::Chain(c + chain_shift),
                    t => t,
                },
            });
        }
        let mut chains = a.chains.clone();
        chains.extend_from_slice(&b.chains);
        Segment::index(a.values + b.values, arena, pats, chains)
    }

    /// Sorts `pats` into buckets (a counting sort) and gathers the facts
    /// the stream needs.
    fn index(
        values: usize,
        arena: Vec<u8>,
        mut pats: Vec<Pat>,
        chains: Vec<Chain>,
    ) -> Result<Segment, Error> {
        let bits = (2 * pats.len()).next_power_of_two().trailing_zeros().max(4);
        let shift = 32 - bits;
        let mut buckets = vec![0u32; (1 << bits) + 1];
        let bucket_of = |p: &Pat| {
            let b = &arena[p.start as usize..][..p.len as usize];
            (b.len() >= ANCHOR).then(|| bucket(anchor(b), shift))
        };
        for p in &pats {
            if let Some(b) = bucket_of(p) {
                buckets[b + 1] += 1;
            }
        }
        for b in 1..buckets.len() {
            buckets[b] += buckets[b - 1];
        }
        let mut sorted = pats.clone();
        let mut next = buckets.clone();
        let mut short = Vec::new();
        let mut n_short = 0;
        let anchored = buckets[buckets.len() - 1] as usize;
        for p in &pats {
            match bucket_of(p) {
                Some(b) => {
                    sorted[next[b] as usize] = *p;
                    next[b] += 1;
                }
                None => {
                    sorted[anchored + n_short] = *p;
                    short.push(u32::try_from(anchored + n_short).map_err(|_| too_many())?);
                    n_short += 1;
                }
            }
        }
        pats = sorted;

        let mut prefixes: [Vec<u32>; ANCHOR - 1] = Default::default();
        let (mut max_pattern_len, mut max_len) = (0, 0);
        let (mut has_breaks, mut any_lead) = (false, false);
        for p in &pats {
            let bytes = &arena[p.start as usize..][..p.len as usize];
            max_pattern_len = max_pattern_len.max(bytes.len());
            has_breaks |= bytes.iter().any(|&b| b == b'\n' || b == b'\r');
            let extends = match p.target {
                Target::Whole(None) => false,
                Target::Whole(Some(w)) => w.trail,
                Target::Chain(_) => true,
            };
            for (n, list) in prefixes.iter_mut().enumerate() {
                let n = n + 1;
                if bytes.len() > n || bytes.len() == n && extends {
                    list.push(prefix(&bytes[..n]));
                }
            }
            let len = match p.target {
                Target::Whole(Some(w)) => {
                    any_lead |= w.lead;
                    bytes.len() + usize::from(w.lead) + usize::from(w.trail)
                }
                Target::Whole(None) => bytes.len(),
                Target::Chain(c) => {
                    has_breaks = true;
                    chains[c as usize].max_len()
                }
            };
            max_len = max_len.max(len);
        }
        for list in &mut prefixes {
            list.sort_unstable();
            list.dedup();
        }
        Ok(Segment {
            values,
            arena,
            pats,
            buckets,
            shift,
            short,
            chains,
            prefixes,
            max_pattern_len,
            max_len,
            has_breaks,
            any_lead,
        })
    }

    /// How many patterns are found by their anchor.
    fn anchored(&self) -> usize {
        self.buckets[self.buckets.len() - 1] as usize
    }

    fn anchors(&self) -> impl Iterator<Item = u32> + '_ {
        self.pats[..self.anchored()]
            .iter()
            .map(|p| anchor(self.bytes(p)))
    }

    fn bytes(&self, p: &Pat) -> &[u8] {
        &self.arena[p.start as usize..][..p.len as usize]
    }

    /// Calls `f(pattern)` for every pattern of the bucket of `anchor` (the
    /// first bytes of `hay[i..]`) that `hay[i..]` starts with.
    fn lookup(&self, hay: &[u8], i: usize, anchor: u32, mut f: impl FnMut(&Pat)) {
        let b = bucket(anchor, self.shift);
        let (lo, hi) = (self.buckets[b] as usize, self.buckets[b + 1] as usize);
        for p in &self.pats[lo..hi] {
            if hay[i..].starts_with(self.bytes(p)) {
                f(p);
            }
        }
    }

    /// Calls `f(offset, pattern)` for every pattern shorter than
    /// [`ANCHOR`] at every offset of `hay` from `start` on.
    fn scan_short(&self, hay: &[u8], start: usize, mut f: impl FnMut(usize, &Pat)) {
        for &k in &self.short {
            let p = &self.pats[k as usize];
            let bytes = self.bytes(p);
            for i in start..hay.len() {
                if hay[i..].starts_with(bytes) {
                    f(i, p);
                }
            }
        }
    }

    /// The span a hit of `p` at `i` redacts, if it is a match.
    fn span(&self, hay: &[u8], i: usize, p: &Pat) -> Option<(usize, usize)> {
        let (mut s, mut e) = (i, i + p.len as usize);
        match p.target {
            Target::Whole(None) => {}
            Target::Whole(Some(w)) => {
                if w.lead && s > 0 && is_base64(hay[s - 1], w.url_safe) {
                    s -= 1;
                }
                if w.trail && e < hay.len() && is_base64(hay[e], w.url_safe) {
                    e += 1;
                }
            }
            Target::Chain(c) => match self.chains[c as usize].verify(hay, e) {
                Step::Match(end) => e = end,
                Step::Partial | Step::NoMatch => return None,
            },
        }
        Some((s, e))
    }

    /// The longest suffix of `hay` (if longer than `best`) that is a proper
    /// prefix of a pattern, or a whole pattern that a match may still
    /// extend (a chain's first line, a base64 core's last partial
    /// character); else `best`.
    fn partial_pattern(&self, hay: &[u8], mut best: usize) -> usize {
        let lo = hay.len().saturating_sub(self.max_pattern_len);
        for i in lo..hay.len() {
            let suffix = &hay[i..];
            if suffix.len() <= best {
                break;
            }
            let found = if suffix.len() < ANCHOR {
                self.prefixes[suffix.len() - 1]
                    .binary_search(&prefix(suffix))
                    .is_ok()
            } else {
                let b = bucket(anchor(suffix), self.shift);
                let (lo, hi) = (self.buckets[b] as usize, self.buckets[b + 1] as usize);
                self.pats[lo..hi].iter().any(|p| {
                    let bytes = self.bytes(p);
                    bytes.starts_with(suffix)
                        && (bytes.len() > suffix.len()
                            || match p.target {
                                Target::Whole(w) => w.is_some_and(|w| w.trail),
                                Target::Chain(_) => true,
                            })
                })
            };
            if found {
                // The character before a base64 core carries bits of the
                // value too: counted whenever it could be one.
                let lead = self.any_lead
                    && i > 0
                    && (is_base64(hay[i - 1], false) || is_base64(hay[i - 1], true));
                best = best.max(suffix.len() + usize::from(lead));
                break;
            }
        }
        best
    }
}

/// The first [`ANCHOR`] bytes of `b`.
fn anchor(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn bucket(anchor: u32, shift: u32) -> usize {
    (anchor.wrapping_mul(0x9e37_79b1) >> shift) as usize
}

/// Up to three bytes as a big-endian number, so that numbers sort as the
/// bytes do among prefixes of one length.
fn prefix(b: &[u8]) -> u32 {
    b.iter().fold(0, |n, &b| (n << 8) | u32::from(b))
}

fn too_many() -> Error {
    Error::new(ErrorKind::Secret, "too many known secrets")
}

impl KnownSet {
    fn empty() -> KnownSet {
        KnownSet {
            segments: Vec::new(),
            filter: Arc::new(Filter::new(0)),
            len: 0,
            max_len: 0,
            has_breaks: false,
        }
    }

    /// This set with `fresh` values (none of them already in it) added.
    fn with(&self, fresh: Vec<Box<[u8]>>) -> Result<KnownSet, Error> {
        let mut segments = self.segments.clone();
        let mut last = Segment::new(&fresh)?;
        // The filter is shared with older sets, which only see more of its
        // bits set; a new one, twice as big, once it is full.
        let anchored = self.segments.iter().map(|s| s.anchored()).sum::<usize>() + last.anchored();
        let filter = if anchored <= self.filter.capacity {
            last.anchors().for_each(|a| self.filter.insert(a));
            Arc::clone(&self.filter)
        } else {
            let filter = Filter::new(2 * anchored);
            for s in segments.iter().map(|s| &**s).chain([&last]) {
                s.anchors().for_each(|a| filter.insert(a));
            }
            Arc::new(filter)
        };
        // Merge while the segment before is no bigger (as a binary counter
        // carries): at most about log2(n) segments, each value copied into
        // a new segment about log2(n) times.
        while let Some(before) = segments.last()
            && before.values <= last.values
        {
            last = Segment::merge(before, &last)?;
            segments.pop();
        }
        segments.push(Arc::new(last));
        Ok(KnownSet {
            len: segments.iter().map(|s| s.values).sum(),
            max_len: segments.iter().map(|s| s.max_len).max().unwrap_or(0),
            has_breaks: segments.iter().any(|s| s.has_breaks),
            segments,
            filter,
        })
    }

    /// Calls `f(segment, offset, pattern)` for every pattern at every
    /// offset of `hay` from `start` on.
    fn scan(&self, hay: &[u8], start: usize, mut f: impl FnMut(&Segment, usize, &Pat)) {
        // No value, nothing to find: the anchor walk below would still
        // cost a filter test per byte.
        if self.segments.is_empty() {
            return;
        }
        if start + ANCHOR <= hay.len() {
            // The anchor at `i`, rolled one byte on at a time.
            let mut a = anchor(&hay[start..]);
            for i in start..=hay.len() - ANCHOR {
                if i > start {
                    a = (a >> 8) | (u32::from(hay[i + ANCHOR - 1]) << 24);
                }
                #[cfg(test)]
                FILTER_TESTS.with(|n| n.set(n.get() + 1));
                if self.filter.contains(a) {
                    for seg in &self.segments {
                        seg.lookup(hay, i, a, |p| f(seg, i, p));
                    }
                }
            }
        }
        for seg in &self.segments {
            seg.scan_short(hay, start, |i, p| f(seg, i, p));
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Calls `f(start, end)` for every occurrence of a known value or
    /// encoding in `hay` that ends after `from`.
    ///
    /// A lone ESC right before an occurrence goes with it (see
    /// [`crate::ansi::with_lone_esc`]).
    pub(crate) fn hits(&self, hay: &[u8], from: usize, mut f: impl FnMut(usize, usize)) {
        let start = from.saturating_sub(self.max_len.saturating_sub(1));
        self.scan(hay, start, |seg, i, p| {
            if let Some((s, e)) = seg.span(hay, i, p)
                && e > from
            {
                f(crate::ansi::with_lone_esc(hay, s), e);
            }
        });
    }

    /// The length of the longest suffix of `hay` that is a proper prefix of
    /// a known value or one of its encodings (including a multi-line value
    /// whose whitespace between lines may vary), i.e. how many trailing
    /// bytes could be the start of a known secret still arriving. 0 if
    /// none.
    ///
    /// It may over-report by one byte: the character before the start of a
    /// base64 core is counted whenever it is a base64 character. A whole
    /// value at the end counts when a longer match could still grow from
    /// it (a chain's first line, a base64 core's last character).
    pub(crate) fn partial_at_end(&self, hay: &[u8]) -> usize {
        let mut best = self
            .segments
            .iter()
            .fold(0, |best, s| s.partial_pattern(hay, best));
        // A chain whose first line has arrived, and some of the rest.
        if self.has_breaks {
            let start = hay.len().saturating_sub(self.max_len);
            self.scan(hay, start, |seg, i, p| {
                if let Target::Chain(c) = p.target
                    && hay.len() - i > best
                    && seg.chains[c as usize].verify(hay, i + p.len as usize) == Step::Partial
                {
                    best = hay.len() - i;
                }
            });
        }
        best
    }
}

#[cfg(test)]
thread_local! {
    /// Offsets tested against a set's filter on this thread (tests only).
    static FILTER_TESTS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A set of anchors (a Bloom filter with one hash), grown only by adding:
/// one bit test rejects most offsets before any segment is looked at.
struct Filter {
    bits: Vec<AtomicU64>,
    shift: u32,
    /// How many anchors it is sized for: 16 bits each, so that a clean
    /// offset passes it about once in 16.
    capacity: usize,
}

impl Filter {
    fn new(capacity: usize) -> Filter {
        let bits = (16 * capacity).next_power_of_two().max(1 << 10);
        Filter {
            bits: (0..bits / 64).map(|_| AtomicU64::new(0)).collect(),
            shift: 32 - bits.trailing_zeros(),
            capacity: bits / 16,
        }
    }

    fn bit(&self, anchor: u32) -> (usize, u64) {
        let h = (anchor.wrapping_mul(0x85eb_ca6b) >> self.shift) as usize;
        (h / 64, 1 << (h % 64))
    }

    fn insert(&self, anchor: u32) {
        let (word, bit) = self.bit(anchor);
        self.bits[word].fetch_or(bit, Ordering::Relaxed);
    }

    fn contains(&self, anchor: u32) -> bool {
        let (word, bit) = self.bit(anchor);
        self.bits[word].load(Ordering::Relaxed) & bit != 0
    }
}

impl KnownSecrets {
    pub(crate) fn new(values: &[Vec<u8>]) -> Result<KnownSecrets, Error> {
        let known = KnownSecrets {
            shared: Arc::new(Shared {
                set: RwLock::new(Arc::new(KnownSet::empty())),
                generation: AtomicU64::new(0),
                registered: Mutex::new(HashSet::new()),
            }),
        };
        known.add_many(values)?;
        known.shared.generation.store(0, Ordering::SeqCst);
        Ok(known)
    }

    /// Registers a secret value. Adding a value twice is harmless.
    ///
    /// # Errors
    ///
    /// Refuses a value shorter than [`MIN_KNOWN_SECRET_LEN`] bytes. The error
    /// gives the reason, never the value.
    pub fn add(&self, value: impl AsRef<[u8]>) -> Result<(), Error> {
        self.add_many([value])
    }

    /// Registers several secret values at once, building their automaton
    /// once: cheaper than adding them one by one. Values already registered
    /// are skipped.
    ///
    /// # Errors
    ///
    /// Refuses a value shorter than [`MIN_KNOWN_SECRET_LEN`] bytes; then
    /// none of the values is added. The error gives the reason, never the
    /// value.
    ///
    /// # Example
    ///
    /// ```
    /// let scrubber = hush::Scrubber::new();
    /// scrubber.known_secrets().add_many(["t0k3n-0n3-aaaa", "t0k3n-tw0-bbbb"]).unwrap();
    /// assert_eq!(scrubber.known_secrets().len(), 2);
    /// assert_eq!(
    ///     scrubber.scrub_str("t0k3n-tw0-bbbb"),
    ///     "[REDACTED:known-secret]"
    /// );
    /// ```
    pub fn add_many<I>(&self, values: I) -> Result<(), Error>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let values: Vec<I::Item> = values.into_iter().collect();
        for v in &values {
            check(v.as_ref())?;
        }
        let mut registered = self
            .shared
            .registered
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let mut batch = HashSet::new();
        let fresh: Vec<Box<[u8]>> = values
            .iter()
            .map(AsRef::as_ref)
            .filter(|v| !registered.contains(*v) && batch.insert(*v))
            .map(Box::from)
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        // Built while streams and one-shot calls go on with the old set.
        let next = self.snapshot().with(fresh.clone())?;
        *self.shared.set.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
        registered.extend(fresh);
        Ok(())
    }

    /// How many values are registered.
    pub fn len(&self) -> usize {
        self.snapshot().len
    }

    /// Whether no value is registered.
    pub fn is_empty(&self) -> bool {
        self.snapshot().len == 0
    }

    pub(crate) fn snapshot(&self) -> Arc<KnownSet> {
        Arc::clone(&self.shared.set.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Changes every time a value is added.
    pub(crate) fn generation(&self) -> u64 {
        self.shared.generation.load(Ordering::SeqCst)
    }
}

impl std::fmt::Debug for KnownSecrets {
    // Never the values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnownSecrets")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

fn check(value: &[u8]) -> Result<(), Error> {
    if value.len() < MIN_KNOWN_SECRET_LEN {
        return Err(Error::new(
            ErrorKind::Secret,
            format!(
                "known secret refused: shorter than {MIN_KNOWN_SECRET_LEN} bytes; masking it \
                 everywhere would wreck the output and reveal it by its gaps"
            ),
        ));
    }
    Ok(())
}

/// A form in which a value is matched.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    Whole(Vec<u8>, Option<Widen>),
    Chain(Chain),
}

/// Every form in which `value` is matched.
fn forms(value: &[u8]) -> Vec<Form> {
    let mut out: Vec<Form> = Vec::new();
    for (url_safe, alphabet) in [(false, STANDARD), (true, URL_SAFE)] {
        for align in 0..3 {
            let widen = Widen {
                lead: (8 * align) % 6 != 0,
                trail: (8 * (align + value.len())) % 6 != 0,
                url_safe,
            };
            out.push(Form::Whole(
                base64_core(value, align, alphabet),
                Some(widen),
            ));
        }
    }
    out.extend(
        text_encodings(value)
            .into_iter()
            .chain(url_encodings(value))
            .chain([
                hex(value, b"0123456789abcdef"),
                hex(value, b"0123456789ABCDEF"),
            ])
            .map(|v| Form::Whole(v, None)),
    );
    // A multi-line value: its lines, trimmed, whatever the whitespace
    // between them, as printed and in the encodings that keep lines apart.
    if value.iter().any(|&b| b == b'\n' || b == b'\r') {
        let lines: Vec<&[u8]> = value
            .split(|&b| b == b'\n' || b == b'\r')
            .map(|l| l.trim_ascii())
            .filter(|l| !l.is_empty())
            .collect();
        // A value mostly made of whitespace is only matched exactly:
        // its few other bytes would be masked everywhere.
        if lines.iter().map(|l| l.len()).sum::<usize>() >= MIN_KNOWN_SECRET_LEN {
            let encoded: Vec<Vec<Vec<u8>>> = lines.iter().map(|l| text_encodings(l)).collect();
            for e in 0..encoded[0].len() {
                let pieces: Vec<Box<[u8]>> = encoded.iter().map(|l| l[e].clone().into()).collect();
                if pieces.len() == 1 {
                    out.push(Form::Whole(pieces[0].to_vec(), None));
                } else {
                    let gap = if e < JSON_ENCODINGS {
                        Gap::Json
                    } else {
                        Gap::Plain
                    };
                    out.push(Form::Chain(Chain { pieces, gap }));
                }
            }
        }
    }
    out.retain(|f| !matches!(f, Form::Whole(v, _) if v.is_empty()));
    out.sort();
    out.dedup();
    out
}

/// Every form in which `value` is matched, without what each stands for.
#[cfg(test)]
fn variants(value: &[u8]) -> Vec<Vec<u8>> {
    forms(value)
        .into_iter()
        .filter_map(|f| match f {
            Form::Whole(v, _) => Some(v),
            Form::Chain(_) => None,
        })
        .collect()
}

/// How many of [`text_encodings`] come first and are JSON.
const JSON_ENCODINGS: usize = 2;

/// The encodings a printer applies to text, in a fixed order (so that the
/// lines of a value encoded alike line up): JSON (first
/// [`JSON_ENCODINGS`]), the value itself, XML and HTML, backslash,
/// PowerShell.
fn text_encodings(value: &[u8]) -> Vec<Vec<u8>> {
    let mut out = json_escapes(value);
    out.push(value.to_vec());
    out.extend(xml_escapes(value));
    out.extend(backslash_escapes(value));
    out.push(powershell_quoted(value));
    out
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The base64 characters that encode only bits of `value`, when `value`
/// follows `align` other bytes in the encoded data: those characters are
/// the same whatever surrounds the value, and whether or not the encoding
/// is padded.
pub(crate) fn base64_core(value: &[u8], align: usize, alphabet: &[u8; 64]) -> Vec<u8> {
    let mut data = vec![0u8; align];
    data.extend_from_slice(value);
    let encoded = base64(&data, alphabet);
    let first = (8 * align).div_ceil(6);
    let last = 8 * data.len() / 6;
    if first >= last {
        return Vec::new();
    }
    encoded[first..last].to_vec()
}

/// Unpadded base64.
pub(crate) fn base64(data: &[u8], alphabet: &[u8; 64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize]);
        }
    }
    out
}

fn url_encodings(value: &[u8]) -> Vec<Vec<u8>> {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    let mut out = Vec::new();
    for (digits, plus) in [
        (b"0123456789ABCDEF", false),
        (b"0123456789abcdef", false),
        (b"0123456789ABCDEF", true),
    ] {
        let mut v = Vec::with_capacity(value.len() * 3);
        for &b in value {
            if unreserved(b) {
                v.push(b);
            } else if plus && b == b' ' {
                v.push(b'+');
            } else {
                v.extend_from_slice(&[b'%', digits[(b >> 4) as usize], digits[(b & 15) as usize]]);
            }
        }
        out.push(v);
    }
    out
}

fn json_escapes(value: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for escape_slash in [false, true] {
        let mut v = Vec::with_capacity(value.len() + 8);
        for &b in value {
            match b {
                b'"' => v.extend_from_slice(b"\\\""),
                b'\\' => v.extend_from_slice(b"\\\\"),
                b'\n' => v.extend_from_slice(b"\\n"),
                b'\r' => v.extend_from_slice(b"\\r"),
                b'\t' => v.extend_from_slice(b"\\t"),
                b'/' if escape_slash => v.extend_from_slice(b"\\/"),
                0..=0x1f => v.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
                _ => v.push(b),
            }
        }
        out.push(v);
    }
    out
}

/// XML and HTML escaping as printers do it: only `& < >`; also quotes as
/// `&quot; &apos;`; as `&#34; &#39;` (Go); as `&quot; &#x27;` (Python).
fn xml_escapes(value: &[u8]) -> Vec<Vec<u8>> {
    let quotes: [Option<(&[u8], &[u8])>; 4] = [
        None,
        Some((b"&quot;", b"&apos;")),
        Some((b"&#34;", b"&#39;")),
        Some((b"&quot;", b"&#x27;")),
    ];
    quotes
        .iter()
        .map(|q| {
            let mut v = Vec::with_capacity(value.len() + 8);
            for &b in value {
                match (b, q) {
                    (b'&', _) => v.extend_from_slice(b"&amp;"),
                    (b'<', _) => v.extend_from_slice(b"&lt;"),
                    (b'>', _) => v.extend_from_slice(b"&gt;"),
                    (b'"', Some((dq, _))) => v.extend_from_slice(dq),
                    (b'\'', Some((_, sq))) => v.extend_from_slice(sq),
                    _ => v.push(b),
                }
            }
            v
        })
        .collect()
}

/// Backslash escaping: inside shell double quotes (`\` before `" \ $` and
/// backtick), and of every ASCII character a shell treats specially (as
/// `printf %q` and C-string printers do).
fn backslash_escapes(value: &[u8]) -> Vec<Vec<u8>> {
    fn quoted(b: u8) -> bool {
        matches!(b, b'"' | b'\\' | b'$' | b'`')
    }
    fn word(b: u8) -> bool {
        b == b' '
            || b.is_ascii_punctuation()
                && !matches!(
                    b,
                    b'-' | b'_' | b'.' | b'/' | b':' | b',' | b'+' | b'@' | b'%' | b'=' | b'^'
                )
    }
    [quoted, word]
        .iter()
        .map(|special| {
            let mut v = Vec::with_capacity(value.len() + 8);
            for &b in value {
                if special(b) {
                    v.push(b'\\');
                }
                v.push(b);
            }
            v
        })
        .collect()
}

/// PowerShell (and SQL) single quotes: `'` doubled.
fn powershell_quoted(value: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(value.len() + 4);
    for &b in value {
        if b == b'\'' {
            v.push(b'\'');
        }
        v.push(b);
    }
    v
}

fn hex(value: &[u8], digits: &[u8; 16]) -> Vec<u8> {
    value
        .iter()
        .flat_map(|&b| [digits[(b >> 4) as usize], digits[(b & 15) as usize]])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // A stream walked its input through the known values' filter, a test
    // per byte, with no value registered: about a quarter of the time of a
    // clean stream.
    #[test]
    fn a_stream_no_longer_walks_for_known_secrets_when_there_are_none() {
        let input = b"build ok: 12 crates compiled in 3.2s\n".repeat(2000);
        let tests_in = |s: &crate::Scrubber| {
            FILTER_TESTS.with(|n| n.set(0));
            let mut stream = s.stream();
            let mut out = stream.push(&input).to_vec();
            out.extend_from_slice(stream.finish());
            assert!(out == input, "the clean input changed");
            FILTER_TESTS.with(|n| n.get())
        };
        let none = crate::Scrubber::builder().defaults(false).build().unwrap();
        assert_eq!(tests_in(&none), 0);
        let one = crate::Scrubber::builder()
            .defaults(false)
            .known_secret("k9-Zq2-Lm7-Xv4-Pw8")
            .build()
            .unwrap();
        assert!(
            tests_in(&one) >= input.len() / 2,
            "a registered value is not searched for"
        );
    }

    #[test]
    fn base64_matches_a_reference_encoding() {
        assert_eq!(base64(b"Man", STANDARD), b"TWFu");
        assert_eq!(base64(b"Ma", STANDARD), b"TWE");
        assert_eq!(base64(b"M", STANDARD), b"TQ");
        assert_eq!(base64(b"\xfb\xff", URL_SAFE), b"-_8");
    }

    #[test]
    fn base64_core_occurs_in_any_surrounding_encoding() {
        let secret = b"hunter2-hunter2";
        for prefix_len in 0..6 {
            for suffix_len in 0..4 {
                let mut data = b"user:xy".to_vec();
                data.truncate(prefix_len);
                data.extend_from_slice(secret);
                data.extend_from_slice(&b"@abc"[..suffix_len]);
                let encoded = base64(&data, STANDARD);
                let core = base64_core(secret, prefix_len % 3, STANDARD);
                assert!(core.len() >= 16, "{prefix_len}");
                assert!(
                    encoded.windows(core.len()).any(|w| w == core),
                    "prefix {prefix_len} suffix {suffix_len}"
                );
            }
        }
    }

    #[test]
    fn short_values_are_refused_without_the_value() {
        let err = KnownSecrets::new(&[b"abc12".to_vec()]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Secret);
        assert!(!err.to_string().contains("abc12"));
        assert!(err.to_string().contains("shorter than 6 bytes"));
    }

    #[test]
    fn url_and_json_forms() {
        let v = variants(b"p@ss w/rd\"");
        assert!(v.contains(&b"p%40ss%20w%2Frd%22".to_vec()));
        assert!(v.contains(&b"p%40ss+w%2Frd%22".to_vec()));
        assert!(v.contains(&b"p%40ss%20w%2frd%22".to_vec()));
        assert!(v.contains(&b"p@ss w/rd\\\"".to_vec()));
        assert!(v.contains(&b"p@ss w\\/rd\\\"".to_vec()));
    }

    fn set(values: &[&[u8]]) -> KnownSet {
        KnownSet::empty()
            .with(values.iter().map(|v| Box::from(*v)).collect())
            .unwrap()
    }

    /// The slow, obvious answer: the longest suffix of `hay` that is a
    /// prefix of a whole form of one of `values` (`proper`: shorter than
    /// it).
    fn longest_prefix_suffix(values: &[&[u8]], hay: &[u8], proper: bool) -> usize {
        let forms: Vec<Vec<u8>> = values.iter().flat_map(|v| variants(v)).collect();
        (0..hay.len())
            .map(|i| &hay[i..])
            .filter(|s| {
                forms
                    .iter()
                    .any(|f| f.starts_with(s) && (f.len() > s.len() || !proper))
            })
            .map(<[u8]>::len)
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn partial_at_end_reports_every_proper_prefix_of_every_form() {
        let values: &[&[u8]] = &[b"s3cr3t-T0k3n-xyz", b"Xq9<rT&vL2\"mK'w $pZ`b\\7"];
        let known = set(values);
        for v in values {
            for form in variants(v) {
                for k in 1..form.len() {
                    let mut hay = b"noise: ".to_vec();
                    hay.extend_from_slice(&form[..k]);
                    let got = known.partial_at_end(&hay);
                    let at_least = longest_prefix_suffix(values, &hay, true);
                    let at_most = longest_prefix_suffix(values, &hay, false) + 1;
                    assert!(at_least >= k);
                    assert!(
                        (at_least..=at_most).contains(&got),
                        "{got} not in {at_least}..={at_most}: {}",
                        String::from_utf8_lossy(&hay)
                    );
                }
            }
        }
        assert_eq!(known.partial_at_end(b"nothing here\n"), 0);
        assert_eq!(known.partial_at_end(b""), 0);
        assert_eq!(known.partial_at_end(b"s3cr3t-T0k3n-xyz\n"), 0);
        assert_eq!(known.partial_at_end(b"x s3cr3t-T0k3"), 11);
        // XML, backslash and PowerShell forms.
        assert_eq!(known.partial_at_end(b"<a>Xq9&lt;rT&amp;"), 14);
        assert_eq!(known.partial_at_end(b"x=Xq9\\<rT\\&vL2\\\"mK\\'w\\ "), 21);
        assert_eq!(known.partial_at_end(b"'Xq9<rT&vL2\"mK''"), 15);
    }

    #[test]
    fn partial_at_end_counts_the_base64_character_before_a_core() {
        let secret = b"hunter2-hunter2";
        let known = set(&[secret]);
        for prefix_len in [1, 2, 4, 5] {
            let mut data = b"user:"[..prefix_len].to_vec();
            data.extend_from_slice(secret);
            let encoded = base64(&data, STANDARD);
            let core = base64_core(secret, prefix_len % 3, STANDARD);
            let at = encoded.windows(core.len()).position(|w| w == core).unwrap();
            for k in 1..core.len() {
                let hay = &encoded[..at + k];
                assert!(known.partial_at_end(hay) > k, "{prefix_len} {k}");
            }
            // The last core character may still be followed by one that
            // carries the value's last bits.
            let hay = &encoded[..at + core.len()];
            assert!(known.partial_at_end(hay) >= core.len(), "{prefix_len}");
        }
    }

    const KEY: &[u8] = b"-----BEGIN K-----\nAAAAbbbbCCCC\nddddEEEEffff\n-----END K-----";

    #[test]
    fn partial_at_end_follows_a_multi_line_value_whatever_its_whitespace() {
        let known = set(&[KEY]);
        for hay in [
            &b"x: \r\n  -----BEGIN K-----\r\n  AAAAbbbbCCCC\r\n  dd"[..],
            b"x: \r\n  -----BEGIN K-----\r\n  AAAAbbbbCCCC\r\n  ",
            b"x: \r\n  -----BEGIN K-----\r\r\n\tAAAAbbbbCCCC\r\r\n\tddddEEEEffff\r\r\n\t-----END",
            b"x: \r\n  -----BEGIN K-----",
            b"\"x\": \"-----BEGIN K-----\\r\\n  AAAAbbbbCCCC\\r\\n",
            b"\"x\": \"-----BEGIN K-----\\r\\n  AAAAbbbbCCCC\\",
        ] {
            let start = hay.windows(5).position(|w| w == b"-----").unwrap();
            assert_eq!(
                known.partial_at_end(hay),
                hay.len() - start,
                "{}",
                String::from_utf8_lossy(hay)
            );
        }
        // Complete, or broken off.
        assert_eq!(
            known.partial_at_end(
                b"-----BEGIN K-----\nAAAAbbbbCCCC\nddddEEEEffff\n-----END K-----\n"
            ),
            0
        );
        assert_eq!(
            known.partial_at_end(b"-----BEGIN K-----\nAAAAbbbbCCCC\nxddd"),
            0
        );
        let gap = " ".repeat(MAX_GAP + 1);
        let hay = format!("-----BEGIN K-----\n{gap}");
        assert_eq!(known.partial_at_end(hay.as_bytes()), 0);
    }

    #[test]
    fn max_len_bounds_a_multi_line_match_with_the_most_whitespace() {
        let known = set(&[KEY]);
        let gap = format!("\r\n{}", " ".repeat(MAX_GAP - 2));
        let lines: Vec<&str> = std::str::from_utf8(KEY).unwrap().lines().collect();
        let hay = lines.join(&gap);
        let mut found = Vec::new();
        known.hits(hay.as_bytes(), 0, |s, e| found.push((s, e)));
        assert!(found.contains(&(0, hay.len())), "{found:?}");
        assert!(found.iter().all(|&(s, e)| e - s <= known.max_len));
        // One unit more between two lines: no longer a match.
        let hay = hay.replacen(&gap, &format!("{gap} "), 1);
        let mut found = Vec::new();
        known.hits(hay.as_bytes(), 0, |s, e| found.push((s, e)));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn segments_are_merged_and_every_value_is_found() {
        let known = KnownSecrets::new(&[]).unwrap();
        let values: Vec<String> = (0..300).map(|i| format!("v4lue-{i:05}-Zk")).collect();
        for v in &values {
            known.add(v).unwrap();
        }
        let set = known.snapshot();
        assert!(set.segments.len() <= 6, "{}", set.segments.len());
        assert_eq!(set.len, 300);
        for v in &values {
            let hay = format!("a {v} b");
            let mut found = Vec::new();
            set.hits(hay.as_bytes(), 0, |s, e| found.push((s, e)));
            assert_eq!(found, vec![(2, 2 + v.len())]);
        }
    }

    #[test]
    fn a_short_first_line_of_a_multi_line_value_is_still_found() {
        let known = set(&[b"ab\ncdefghij"]);
        let mut found = Vec::new();
        known.hits(b"x ab\r\n  cdefghij y", 0, |s, e| found.push((s, e)));
        assert_eq!(found, vec![(2, 16)]);
        assert_eq!(known.partial_at_end(b"x ab\r\n  cde"), 9);
        assert_eq!(known.partial_at_end(b"x a"), 1);
    }
}
