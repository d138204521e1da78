//! Secret values a runtime registers: its API keys, the session tokens it
//! mints. Each is matched exactly, in its common encodings, and may be
//! added while streams are live.
//!
//! # How values are found
//!
//! Every form of every value (the value itself, its base64 cores, its URL,
//! JSON, XML, backslash and PowerShell escapes, its hex) is a pattern of an
//! Aho-Corasick automaton. A multi-line value is also matched modulo the
//! whitespace between its lines: its lines, trimmed, are a *chain* whose
//! first line is a pattern of the automaton and whose other lines are
//! checked after each hit of the first, with at most [`MAX_GAP`] units of
//! whitespace (or escaped line breaks, in JSON) between them. So every
//! match stays shorter than [`KnownSet::max_len`], which streams rely on.
//!
//! # How values are added
//!
//! A [`KnownSet`] is an immutable snapshot: a few *segments*, each with its
//! own automaton. Adding values builds one new segment for them, merging it
//! with the last segments while they are no bigger than it (as a binary
//! counter carries), so each value is rebuilt into an automaton about
//! `log2(n)` times over `n` adds, not `n` times. The new snapshot is built
//! while readers go on with the old one, then swapped in under a write lock
//! held only for the swap; a mutex keeps two adds from building from the
//! same old snapshot and losing one of them.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use aho_corasick::{AhoCorasick, MatchKind};

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
/// lines: up to 32 bytes) between its lines, as printed and JSON-escaped.
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
    len: usize,
    /// An upper bound of the length of any match, in bytes.
    pub(crate) max_len: usize,
    /// Whether a match can contain a line break, so a partial match can span
    /// lines.
    pub(crate) has_breaks: bool,
}

/// Some of the values, and the automaton that finds their forms.
struct Segment {
    values: Vec<Box<[u8]>>,
    automaton: AhoCorasick,
    /// The automaton's patterns, sorted: pattern `i` is `patterns[i]`.
    patterns: Vec<Box<[u8]>>,
    /// What a hit of pattern `i` means: `targets[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<u32>,
    targets: Vec<Target>,
    chains: Vec<Chain>,
    /// Which bytes some pattern starts with.
    first: [bool; 256],
    /// The longest pattern.
    max_pattern_len: usize,
    /// The longest match (a widened pattern or a chain).
    max_len: usize,
    has_breaks: bool,
    /// Whether some pattern is widened by a leading base64 character.
    any_lead: bool,
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
    fn new(values: Vec<Box<[u8]>>) -> Result<Segment, Error> {
        let mut entries: Vec<(Box<[u8]>, Target)> = Vec::new();
        let mut chains: Vec<Chain> = Vec::new();
        for v in &values {
            for form in forms(v) {
                match form {
                    Form::Whole(p, w) => entries.push((p.into_boxed_slice(), Target::Whole(w))),
                    Form::Chain(chain) => {
                        let id = u32::try_from(chains.len()).map_err(|_| too_many())?;
                        entries.push((chain.pieces[0].clone(), Target::Chain(id)));
                        chains.push(chain);
                    }
                }
            }
        }
        entries.sort_unstable();
        entries.dedup();
        let mut patterns: Vec<Box<[u8]>> = Vec::new();
        let mut offsets: Vec<u32> = Vec::new();
        let mut targets: Vec<Target> = Vec::with_capacity(entries.len());
        let mut first = [false; 256];
        let (mut max_pattern_len, mut max_len) = (0, 0);
        let (mut has_breaks, mut any_lead) = (false, false);
        for (p, t) in entries {
            if patterns.last() != Some(&p) {
                offsets.push(u32::try_from(targets.len()).map_err(|_| too_many())?);
                first[usize::from(p[0])] = true;
                max_pattern_len = max_pattern_len.max(p.len());
                has_breaks |= p.iter().any(|&b| b == b'\n' || b == b'\r');
                patterns.push(p.clone());
            }
            let len = match t {
                Target::Whole(Some(w)) => {
                    any_lead |= w.lead;
                    p.len() + usize::from(w.lead) + usize::from(w.trail)
                }
                Target::Whole(None) => p.len(),
                Target::Chain(c) => {
                    has_breaks = true;
                    chains[c as usize].max_len()
                }
            };
            max_len = max_len.max(len);
            targets.push(t);
        }
        offsets.push(u32::try_from(targets.len()).map_err(|_| too_many())?);
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| {
                Error::new(ErrorKind::Secret, "cannot build the known-secret automaton")
                    .with_source(e)
            })?;
        Ok(Segment {
            values,
            automaton,
            patterns,
            offsets,
            targets,
            chains,
            first,
            max_pattern_len,
            max_len,
            has_breaks,
            any_lead,
        })
    }

    fn targets(&self, pattern: usize) -> &[Target] {
        &self.targets[self.offsets[pattern] as usize..self.offsets[pattern + 1] as usize]
    }

    fn hits(&self, hay: &[u8], from: usize, f: &mut impl FnMut(usize, usize)) {
        let start = from.saturating_sub(self.max_len.saturating_sub(1));
        let input = aho_corasick::Input::new(hay).range(start..);
        for m in self.automaton.find_overlapping_iter(input) {
            for &t in self.targets(m.pattern().as_usize()) {
                let (s, e) = match t {
                    Target::Whole(None) => (m.start(), m.end()),
                    Target::Whole(Some(w)) => {
                        let (mut s, mut e) = (m.start(), m.end());
                        if w.lead && s > 0 && is_base64(hay[s - 1], w.url_safe) {
                            s -= 1;
                        }
                        if w.trail && e < hay.len() && is_base64(hay[e], w.url_safe) {
                            e += 1;
                        }
                        (s, e)
                    }
                    Target::Chain(c) => match self.chains[c as usize].verify(hay, m.end()) {
                        Step::Match(e) => (m.start(), e),
                        Step::Partial | Step::NoMatch => continue,
                    },
                };
                if e > from {
                    f(s, e);
                }
            }
        }
    }

    /// See [`KnownSet::partial_at_end`].
    fn partial_at_end(&self, hay: &[u8], mut best: usize) -> usize {
        // A proper prefix of a pattern, or a whole pattern that a match may
        // still extend (a chain's first line, a base64 core's last partial
        // character). The longest suffix first.
        let lo = hay.len().saturating_sub(self.max_pattern_len);
        for i in lo..hay.len() {
            if hay.len() - i <= best {
                break;
            }
            if !self.first[usize::from(hay[i])] {
                continue;
            }
            let suffix = &hay[i..];
            let k = self.patterns.partition_point(|p| **p < *suffix);
            let extends = |j: usize| {
                self.patterns.get(j).is_some_and(|p| {
                    p.starts_with(suffix)
                        && (p.len() > suffix.len()
                            || self.targets(j).iter().any(|t| match t {
                                Target::Whole(w) => w.is_some_and(|w| w.trail),
                                Target::Chain(_) => true,
                            }))
                })
            };
            if extends(k) || extends(k + 1) {
                // The character before a base64 core carries bits of the
                // value too: counted whenever it could be one.
                let lead = self.any_lead
                    && i > 0
                    && (is_base64(hay[i - 1], false) || is_base64(hay[i - 1], true));
                best = best.max(hay.len() - i + usize::from(lead));
                break;
            }
        }
        // A chain whose first line has arrived, and some of the rest.
        if !self.chains.is_empty() {
            let start = hay.len().saturating_sub(self.max_len);
            let input = aho_corasick::Input::new(hay).range(start..);
            for m in self.automaton.find_overlapping_iter(input) {
                if hay.len() - m.start() <= best {
                    continue;
                }
                for &t in self.targets(m.pattern().as_usize()) {
                    if let Target::Chain(c) = t
                        && self.chains[c as usize].verify(hay, m.end()) == Step::Partial
                    {
                        best = hay.len() - m.start();
                    }
                }
            }
        }
        best
    }
}

fn too_many() -> Error {
    Error::new(ErrorKind::Secret, "too many known secrets")
}

impl KnownSet {
    fn empty() -> KnownSet {
        KnownSet {
            segments: Vec::new(),
            len: 0,
            max_len: 0,
            has_breaks: false,
        }
    }

    fn from_segments(segments: Vec<Arc<Segment>>) -> KnownSet {
        KnownSet {
            len: segments.iter().map(|s| s.values.len()).sum(),
            max_len: segments.iter().map(|s| s.max_len).max().unwrap_or(0),
            has_breaks: segments.iter().any(|s| s.has_breaks),
            segments,
        }
    }

    /// This set with `fresh` values (none of them already in it) added.
    fn with(&self, fresh: Vec<Box<[u8]>>) -> Result<KnownSet, Error> {
        let mut segments = self.segments.clone();
        let mut last = Segment::new(fresh)?;
        // Merge while the segment before is no bigger: at most about
        // log2(n) segments, each value rebuilt about log2(n) times.
        while let Some(before) = segments.last()
            && before.values.len() <= last.values.len()
        {
            let mut values = before.values.clone();
            values.extend(last.values);
            last = Segment::new(values)?;
            segments.pop();
        }
        segments.push(Arc::new(last));
        Ok(KnownSet::from_segments(segments))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Calls `f(start, end)` for every occurrence of a known value or
    /// encoding in `hay` that ends after `from`.
    pub(crate) fn hits(&self, hay: &[u8], from: usize, mut f: impl FnMut(usize, usize)) {
        for s in &self.segments {
            s.hits(hay, from, &mut f);
        }
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
    #[allow(dead_code)] // for the stream's idle release
    pub(crate) fn partial_at_end(&self, hay: &[u8]) -> usize {
        self.segments
            .iter()
            .fold(0, |best, s| s.partial_at_end(hay, best))
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
}
