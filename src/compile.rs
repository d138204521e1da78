//! Rules into a matcher: one keyword automaton, and per rule a regex that
//! runs only in a window around its keyword hits.
//!
//! # Windows
//!
//! The matcher's results are defined locally, so that a stream can reproduce
//! them exactly whatever its chunking. For each occurrence `h` of a keyword
//! of rule `R` (found ASCII-case-insensitively, overlapping occurrences
//! included), with `L` the rule's maximum match length:
//!
//! * the window starts at `h.end - L`, or just after the last line break
//!   (`\n` or `\r`) before `h.start` if that is later, rounded up to a UTF-8
//!   character boundary; for an *anchored* rule, one whose every match
//!   begins with one of its keywords (known from the regex's prefix
//!   literals), the window starts at `h.start`;
//! * for a single-line rule the window ends at `h.start + L`, or at the first
//!   line break at or after `h.end` if that is earlier; a multi-line rule's
//!   window ends at `h.start + L`. The end is rounded down to a character
//!   boundary, and clipped to the end of the input.
//!
//! The regex runs over the window (its look-around assertions see the bytes
//! just outside it), and every non-empty match it finds there, left to
//! right, is a candidate; an anchored rule's regex runs anchored at
//! `h.start`, so its one candidate begins at the keyword. A candidate's secret (its secret group, or the
//! whole match) must reach the rule's entropy and escape its allowlists; the
//! secret's span, widened to whole UTF-8 characters within the window (a
//! continuation byte right after an ASCII byte is a stray, a character of
//! its own), is a finding. After a candidate whose secret starts inside the match, the
//! match's start is searched again, anchored, with the range ending where
//! that secret starts, for an earlier value of the same context after the
//! same flag (see `Matcher::before_secret`); each one found is a candidate
//! too. The next search in the window starts right after the secret after a
//! finding, and one character after the match's start otherwise.
//!
//! Everything a window's result depends on lies within `L + 4` bytes of its
//! keyword, or within the keyword's line: that bound is what lets a stream
//! hold back only a bounded tail.
//!
//! That is the whole story for a rule whose matches are shorter than 64
//! bytes: each window is searched on its own, at most 128 bytes per keyword
//! occurrence. A longer rule's windows are searched as runs, below.
//!
//! # Runs
//!
//! On a long line dense in keywords (a megabyte of `token=...`), every
//! occurrence opens a window of up to `2L` bytes that overlaps its
//! neighbours', and searching each one anew searches every byte thousands
//! of times. So a rule with `L >= 64` is searched over the union of its
//! windows instead:
//!
//! * the windows of the rule that pass its filters (the group's `follows`,
//!   the rule's own `follows` and required bytes) are joined where they
//!   overlap or touch, into *runs*;
//! * a run `[S, E)` is searched in steps from `p = S`: a step searches
//!   `[p, min(E, p + 2L))` for the leftmost match; a match is a candidate
//!   as above (with the window `[max(S, p - L), step end)`) and the next
//!   step starts at its end (one byte on, if it is empty); a step that
//!   finds nothing ends the run if it reached `E`, and otherwise the next
//!   starts `L` bytes on, so that a match of the rule as written (at most
//!   `L` long) that starts in the step's first half is not missed;
//! * an anchored rule's run that holds one keyword occurrence is searched
//!   anchored there, exactly as its window.
//!
//! A run of one window is searched exactly as that window, since a window
//! is at most `2L` long; so are identical windows (hits on one short line).
//! Where windows overlap, a run finds the leftmost-first matches of the
//! whole run rather than of each window: a match that begins inside an
//! earlier match of the same rule is not reported again, and a secret
//! longer than a window is found whole. Each byte of a run is searched at
//! most about twice per rule.
//!
//! Runs keep the result local. A step whose range ends before the run's
//! current end gives the same result however the run grows, so it can be
//! searched as soon as the bytes arrive; only the last `2L` bytes of an
//! open run wait. A run's start is settled once no window still to come
//! can start before it: later keyword hits end no earlier and hold no line
//! break, so their windows start after the last line break before them and
//! at most `max(L, longest keyword)` bytes before their end ([`Seen`]'s
//! floor). A run that ends before the floor is complete. The one-shot
//! scrubber raises the floor hit by hit; a stream raises it to what its
//! pending hits and its unfinished line allow, and holds back bytes from
//! the earliest step still to run.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input, Match, meta};

use crate::error::{Error, ErrorKind};
use crate::keywords::KeywordScanner;
use crate::redact::LABEL_OPEN;
use crate::redact::{Redaction, Replacer};
use crate::rule::{Rule, Target};
use crate::split::Split;

/// Bytes of context a regex may look at beyond either end of its window
/// (one UTF-8 character, for Unicode word boundaries).
pub(crate) const CONTEXT: usize = 4;

/// How many of a rule's matches resolve its secret group with the capture
/// engine before its [`Split`] is built (a default rule's split is
/// prebuilt, and used from its first match). A split's DFAs take up to about
/// 15 ms to build and save a microsecond or two per match: at 16, a filter
/// run over 32 MB of the benign corpus built 26 of them (85 ms in all, a
/// fifth of the run, timed around `Split::new`) for rules that matched
/// look-alikes a few dozen times; at 256, five.
const SPLIT_AFTER: u32 = 256;

/// A finding before it is reported: the rule and the span to redact.
///
/// Spans sort by start, then longest first, then rule order: the first span
/// of a merged union names the union.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) rule: u32,
}

impl Ord for Span {
    fn cmp(&self, other: &Span) -> std::cmp::Ordering {
        self.start
            .cmp(&other.start)
            .then(other.end.cmp(&self.end))
            .then(self.rule.cmp(&other.rule))
    }
}

impl PartialOrd for Span {
    fn partial_cmp(&self, other: &Span) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A rule ready to run.
///
/// What is looked up or built on first use is boxed: inline, a rule was
/// 5.6 KB, and writing 671 of them was half the page faults of
/// `hush < /dev/null` (1,734 -> 911 faults, 6.0 -> 4.0 ms with them boxed).
pub(crate) struct CompiledRule {
    pub(crate) rule: Rule,
    /// Compiled on first use unless the builder asked for eager compilation
    /// (a default rule never needs it: it has `loaded`).
    /// `None` inside means it failed to compile, which the builder rules out
    /// for eagerly compiled rules; a lazily compiled rule that fails redacts
    /// its whole window rather than let a secret through.
    regex: OnceLock<Option<meta::Regex>>,
    /// The prebuilt DFAs that find where a match is, looked up on first
    /// use: a default rule's windows are searched with them, and its regex
    /// (loaded, below) asked only for the groups of a match.
    search: OnceLock<Option<Box<crate::matcher::RuleSearch>>>,
    /// A default rule's regex loaded from its prebuilt NFAs, looked up on
    /// first use: the windows of a rule without prebuilt search DFAs are
    /// searched with it, and the groups of any rule's match are found with
    /// it, so that no default rule's regex is compiled during a scrub.
    loaded: OnceLock<Option<Box<crate::matcher::Loaded>>>,
    /// For a rule without any of them (one not of the defaults), a lazy
    /// DFA alone, built on first use: it rules out the windows that hold no
    /// match without the regex (see [`crate::matcher::LazyMatch`]).
    forward: OnceLock<Option<Box<crate::matcher::LazyMatch>>>,
    /// The regex cut around its secret group, built once
    /// [`SPLIT_AFTER`] matches have needed the group; `None` inside if it
    /// cannot be (see [`Split::new`]).
    /// (Boxed: a split is kilobytes, and most rules never build one.)
    split: OnceLock<Option<Box<Split>>>,
    /// A default rule's prebuilt split, looked up on the first match that
    /// needs the group; a rule that has one never builds `split`.
    prebuilt_split: OnceLock<Option<Box<crate::split::Prebuilt>>>,
    /// How many matches have needed the group so far (up to
    /// [`SPLIT_AFTER`]).
    group_matches: AtomicU32,
    /// What a finding of this rule is replaced with.
    pub(crate) replacer: Replacer,
    /// Whether an allowlist looks at the whole line, so the window's result
    /// depends on the bytes after it up to the end of the line.
    pub(crate) needs_line: bool,
}

impl CompiledRule {
    fn regex(&self) -> Option<&meta::Regex> {
        self.regex
            .get_or_init(|| self.rule.compile_regex().ok())
            .as_ref()
    }

    fn prebuilt_search(&self) -> Option<&crate::matcher::RuleSearch> {
        self.search
            .get_or_init(|| {
                crate::prebuilt::search(self.rule.unicode, &self.rule.pattern).map(Box::new)
            })
            .as_deref()
    }

    fn loaded(&self) -> Option<&crate::matcher::Loaded> {
        self.loaded
            .get_or_init(|| {
                crate::prebuilt::loaded(self.rule.unicode, &self.rule.pattern).map(Box::new)
            })
            .as_deref()
    }

    /// The groups of the match that `span` (anchored) holds, into `caps`
    /// (made for this rule on first use), by the loaded regex or else the
    /// compiled one; `None` if the regex does not compile.
    fn captures<'c>(
        &self,
        span: &Input<'_>,
        caps: &'c mut Option<Captures>,
    ) -> Option<&'c Captures> {
        if let Some(loaded) = self.loaded() {
            let caps = caps.get_or_insert_with(|| loaded.create_captures());
            loaded.search_captures(span, caps);
            return Some(caps);
        }
        let re = self.regex()?;
        let caps = caps.get_or_insert_with(|| re.create_captures());
        re.search_captures(span, caps);
        Some(caps)
    }

    fn forward(&self) -> Option<&crate::matcher::LazyMatch> {
        use crate::matcher::LazyMatch;
        self.forward
            .get_or_init(|| {
                crate::matcher::built();
                let hir = crate::rule::relaxed_hir_or_stored(&self.rule.pattern, self.rule.unicode);
                let nfa = LazyMatch::nfa(std::slice::from_ref(&hir.ok()?))?;
                LazyMatch::new(nfa).map(Box::new)
            })
            .as_deref()
    }

    /// Whether the regex is compiled already (and did compile).
    fn compiled(&self) -> bool {
        self.regex.get().is_some_and(Option::is_some)
    }

    /// Whether the rule can be searched: it has prebuilt DFAs or NFAs, its
    /// regex compiled, or its forward lazy DFA builds (a regex that then
    /// fails to compile fails closed where the DFA finds a match), or its
    /// regex compiles.
    fn compiles(&self) -> bool {
        self.prebuilt_search().is_some()
            || self.loaded().is_some()
            || self.compiled()
            || self.forward().is_some()
            || self.regex().is_some()
    }

    /// The leftmost-first match in `input`: by the prebuilt DFAs if the
    /// rule has them and they do not give up, else by the regex loaded
    /// from its prebuilt NFAs, else by the compiled regex (unless it is not
    /// compiled yet and the forward lazy DFA finds no match); `None` if the
    /// rule cannot be searched.
    fn search(&self, input: &Input<'_>) -> Option<Option<regex_automata::Match>> {
        if let Some(found) = self.prebuilt_search().and_then(|s| s.search(input).ok()) {
            return Some(found);
        }
        if let Some(loaded) = self.loaded() {
            return Some(loaded.search(input));
        }
        if !self.compiled() && self.forward().is_some_and(|f| !f.is_match(input)) {
            return Some(None);
        }
        Some(self.regex()?.search(input))
    }

    /// The split, once enough matches have needed the group to be worth
    /// building it (its DFAs take milliseconds, a capture search a
    /// microsecond or two): the first findings of a rule come as fast as
    /// they did without it.
    fn split(&self) -> Option<&Split> {
        if let Some(split) = self.split.get() {
            return split.as_deref();
        }
        if self.group_matches.fetch_add(1, Ordering::Relaxed) < SPLIT_AFTER {
            return None;
        }
        self.built_split()
    }

    /// The secret group's span in the match `m`, by the rule's split: a
    /// default rule's prebuilt one, else the one built once enough matches
    /// have needed the group; `None` if there is none or the match splits
    /// more than one way (the capture engine decides then).
    fn find_group(&self, hay: &[u8], m: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
        if let Some(prebuilt) = self.prebuilt_split() {
            return prebuilt.find(hay, m);
        }
        self.split()?.find(hay, m)
    }

    fn prebuilt_split(&self) -> Option<&crate::split::Prebuilt> {
        self.prebuilt_split
            .get_or_init(|| {
                let group = secret_group(&self.rule)?;
                crate::prebuilt::split(self.rule.unicode, &self.rule.pattern, group).map(Box::new)
            })
            .as_deref()
    }

    /// The split, built now if it is not yet (and not known not to build).
    fn built_split(&self) -> Option<&Split> {
        self.split
            .get_or_init(|| {
                if self.rule.split_builds == Some(false) {
                    return None;
                }
                build_split(&self.rule).map(Box::new)
            })
            .as_deref()
    }
}

/// The line breaks around a keyword hit, found once for all the rules of
/// its group.
pub(crate) struct Around {
    /// Just after the last line break before the hit, or where the search
    /// for one began (`hit_end - look`).
    line_start: usize,
    /// The first line break at or after the hit's end, within `look` of its
    /// start, if one is in the buffer.
    line_end: Option<usize>,
}

impl Around {
    /// The line breaks around a hit, `look` bytes each way; `breaks`
    /// remembers what earlier hits found, so that on a long line each byte
    /// is looked at about once rather than once per hit.
    fn new(
        hay: &[u8],
        base: usize,
        hit_start: usize,
        hit_end: usize,
        look: usize,
        breaks: &mut Breaks,
    ) -> Around {
        let lo = hit_end.saturating_sub(look).min(hit_start);
        let line_start = match breaks.last_before(hay, base, lo, hit_start) {
            Some(i) => i + 1,
            None => lo,
        };
        let hi = (hit_start + look).min(hay.len()).max(hit_end);
        let line_end = breaks.first_from(hay, base, hit_end, hi);
        Around {
            line_start,
            line_end,
        }
    }
}

/// What the searches for line breaks around earlier hits found: a range
/// of the input, in absolute offsets, that holds none. A query searches
/// only the parts of its range outside it, and grows it. A cache of a fact
/// about the input, so it changes no result.
pub(crate) struct Breaks {
    clear: (usize, usize),
}

fn find_break(bytes: &[u8]) -> Option<usize> {
    memchr::memchr2(b'\n', b'\r', bytes)
}

fn rfind_break(bytes: &[u8]) -> Option<usize> {
    memchr::memrchr2(b'\n', b'\r', bytes)
}

impl Breaks {
    pub(crate) fn new() -> Breaks {
        Breaks { clear: (0, 0) }
    }

    /// The parts of `hay[lo..end]` outside the clear range, as indexes into
    /// `hay`, if the two overlap or touch.
    fn parts(&self, base: usize, lo: usize, end: usize) -> Option<(usize, usize, usize, usize)> {
        let (a, b) = self.clear;
        if a < base || base + end < a || b < base + lo {
            return None;
        }
        let (a, b) = (a - base, b - base);
        Some((lo, a.max(lo), b.min(end), end))
    }

    /// The last line break in `hay[lo..end]`, as an index into `hay`.
    fn last_before(&mut self, hay: &[u8], base: usize, lo: usize, end: usize) -> Option<usize> {
        let Some((l0, l1, r0, r1)) = self.parts(base, lo, end) else {
            let found = rfind_break(&hay[lo..end]).map(|i| lo + i);
            if found.is_none() {
                self.clear = (base + lo, base + end);
            }
            return found;
        };
        if let Some(i) = rfind_break(&hay[r0..r1]) {
            return Some(r0 + i);
        }
        self.clear.1 = self.clear.1.max(base + r1);
        match rfind_break(&hay[l0..l1]) {
            Some(i) => {
                self.clear.0 = self.clear.0.min(base + l0 + i + 1);
                Some(l0 + i)
            }
            None => {
                self.clear.0 = self.clear.0.min(base + l0);
                None
            }
        }
    }

    /// The first line break in `hay[start..end]`, as an index into `hay`.
    fn first_from(&mut self, hay: &[u8], base: usize, start: usize, end: usize) -> Option<usize> {
        let Some((l0, l1, r0, r1)) = self.parts(base, start, end) else {
            let found = find_break(&hay[start..end]).map(|i| start + i);
            if found.is_none() {
                self.clear = (base + start, base + end);
            }
            return found;
        };
        if let Some(i) = find_break(&hay[l0..l1]) {
            return Some(l0 + i);
        }
        self.clear.0 = self.clear.0.min(base + l0);
        match find_break(&hay[r0..r1]) {
            Some(i) => {
                self.clear.1 = self.clear.1.max(base + r0 + i);
                Some(r0 + i)
            }
            None => {
                self.clear.1 = self.clear.1.max(base + r1);
                None
            }
        }
    }
}

/// Where a window lies, once it can be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// The rules a keyword belongs to. Keywords with the same rules share a
/// group.
struct Group {
    rules: Vec<u32>,
    /// The longest match of any of the rules: how far around a hit they
    /// look.
    max_len: usize,
    /// The single-line rules' regexes in one DFA, prebuilt for the
    /// defaults and looked up on first use: when it finds nothing in the
    /// union of those rules' windows, none of them can match in its own
    /// window (a match inside a window is a match inside any larger range
    /// of the same input), and one search replaces several. `None` for
    /// fewer than two such rules, for rules that differ in Unicode mode
    /// (Unicode changes what `\b` means, so one could not stand for the
    /// other), and for a group whose DFA is not prebuilt (too big, or not
    /// the defaults'): compiling the rules' regexes in one on first use
    /// instead, as hush did, saved nothing (`hush --threads 1`, alternating
    /// runs: the defaults on 64 MiB of real text 62.0 ms with it, 61.6
    /// without; on 32 MiB of CI logs 70.4 and 69.3; on the secret-dense
    /// corpus 259 and 241; gitleaks' rules on real text 80.0 and 81.0, on
    /// CI logs 217.5 and 219.9) and was a compile during a scrub.
    prefilter: OnceLock<Option<Box<crate::matcher::Unanchored>>>,
    /// Whether every rule has a `follows`: then a hit none of them accepts
    /// is dropped before anything else is computed.
    all_follow: bool,
    /// The rules' `follows` in one DFA that says which of them match: an
    /// index into [`Matcher::follows`], shared by the groups whose rules
    /// have the same `follows`. `None` if no rule has one, or the rules are
    /// too many for one set (each `follows` then runs on its own).
    follows: Option<u32>,
    /// The position in `rules` of each of the set's patterns.
    follows_pos: Vec<usize>,
}

impl Group {
    /// The rules' mask from the answer of the group's `follows` set (bit
    /// `p` for the rule at `follows_pos[p]`).
    fn mask_of(&self, found: u64) -> u64 {
        // Rules without a `follows` accept every hit.
        let mut mask = if self.rules.len() == 64 {
            u64::MAX
        } else {
            (1u64 << self.rules.len()) - 1
        };
        for (p, &i) in self.follows_pos.iter().enumerate() {
            if found & (1 << p) == 0 {
                mask &= !(1u64 << i);
            }
        }
        mask
    }

    /// Whether every byte the group's rules could look at after a hit at
    /// `hit_start` is in `hay`, or `eof` says no more will come: only then
    /// can a `follows` that fails now not match later.
    fn arrived(&self, hay: &[u8], hit_start: usize, eof: bool) -> bool {
        hit_start + self.max_len < hay.len() || eof
    }
}

/// A `follows` set, built (or read from `prebuilt`) on first use for the
/// `follows` of the rules of its first group; `None` inside if it could
/// not be (each `follows` then runs on its own).
pub(crate) struct SharedFollows {
    group: u32,
    set: OnceLock<Option<crate::matcher::AnchoredSet>>,
}

/// Per rule, the runs of overlapping windows still to be searched, and
/// which windows of rules that cannot run have been redacted. Offsets are
/// absolute (in the stream).
pub(crate) struct Seen {
    /// Open runs, in no order; few at a time (see [`SWEEP`]).
    chains: Vec<Chain>,
    /// No window given from now on starts before this offset (see
    /// [`Seen::raise_floor`]).
    floor: usize,
    /// Line breaks found around earlier hits.
    breaks: Breaks,
    /// For [`Seen::follow`]: the last line break before `scanned`, if any.
    last_break: Option<usize>,
    scanned: usize,
    /// What was run where, set up by the first hit that some rule's
    /// `follows` accepts: a scrub of a short clean event, whose hits all
    /// stop at their `follows`, does not pay for clearing it.
    slots: Option<Box<Slots>>,
}

/// Small direct-mapped caches rather than tables of every rule and group:
/// a scrub call on a short event must not pay for allocating and clearing
/// those. A collision only costs running a window or a prefilter again,
/// which gives the same findings.
struct Slots {
    /// `(rule, window)` by `rule % SLOTS`: the last window run, for rules
    /// run window by window.
    rule: [(u32, usize, usize); SLOTS],
    /// `(group, union)` by `group % SLOTS`: the last union of windows in
    /// which the group's prefilter found nothing.
    clean: [(u32, usize, usize); SLOTS],
}

impl Slots {
    fn new() -> Box<Slots> {
        Box::new(Slots {
            rule: [(u32::MAX, 0, 0); SLOTS],
            clean: [(u32::MAX, 0, 0); SLOTS],
        })
    }
}

const SLOTS: usize = 64;

/// Rules whose matches are shorter than this run window by window: each
/// window is at most twice as long, so searching it anew for every keyword
/// occurrence costs a bounded factor, and the result is exactly the
/// window's (see "Runs").
const RUN_MIN_LEN: usize = 64;

/// When more runs than this are open, every run is settled and the closed
/// ones dropped, so that finding a rule's run stays a short scan.
const SWEEP: usize = 16;

/// The union of a rule's overlapping windows, searched left to right in
/// steps (see "Runs" in the module docs).
#[derive(Clone, Copy, Debug)]
struct Chain {
    rule: u32,
    start: usize,
    end: usize,
    /// Where the next step begins: every match starting before it has been
    /// found.
    at: usize,
    /// Whether every window of the run began at `start`: one keyword
    /// occurrence, for an anchored rule.
    one_start: bool,
}

impl Seen {
    pub(crate) fn new() -> Seen {
        Seen {
            chains: Vec::new(),
            floor: 0,
            breaks: Breaks::new(),
            last_break: None,
            scanned: 0,
            slots: None,
        }
    }

    /// Promises that no window given from now on starts before `floor`:
    /// runs that start at or before it can be searched, and runs that end
    /// before it are complete.
    pub(crate) fn raise_floor(&mut self, floor: usize) {
        self.floor = self.floor.max(floor);
    }

    /// Raises the floor for a caller that evaluates every keyword hit as
    /// soon as it is found, in order of their ends (the one-shot scrub), to
    /// what the hit `hay[hit_start..hit_end]` promises: later hits end no
    /// earlier and hold no line break, so their windows start after the last
    /// line break before this hit and at most `reach` (see
    /// [`Matcher::reach`]) bytes before its end.
    pub(crate) fn follow(&mut self, hay: &[u8], hit_start: usize, hit_end: usize, reach: usize) {
        if hit_start > self.scanned {
            if let Some(i) = memchr::memrchr2(b'\n', b'\r', &hay[self.scanned..hit_start]) {
                self.last_break = Some(self.scanned + i);
            }
            self.scanned = hit_start;
        }
        let line = self.last_break.map_or(0, |b| b + 1);
        self.raise_floor(line.max(hit_end.saturating_sub(reach)));
    }

    /// The earliest offset at which a run still to be searched may find
    /// something, if any run is open.
    pub(crate) fn hold(&self) -> Option<usize> {
        self.chains.iter().map(|c| c.at).min()
    }

    /// Adds a window of `rule` to its runs, joining every run it overlaps or
    /// touches.
    fn feed(&mut self, rule: u32, start: usize, end: usize) {
        let mut joined = Chain {
            rule,
            start,
            end,
            at: start,
            one_start: true,
        };
        let mut i = 0;
        while i < self.chains.len() {
            let c = self.chains[i];
            if c.rule != rule || c.end < start || end < c.start {
                i += 1;
                continue;
            }
            // A run is searched only once no window can start before it
            // (the floor), so no window joining it starts earlier.
            debug_assert!(c.at == c.start || c.start <= start, "run extended back");
            joined.one_start &= c.one_start && c.start == start;
            if c.start <= joined.start {
                joined.start = c.start;
                joined.at = c.at;
            }
            joined.end = joined.end.max(c.end);
            self.chains.swap_remove(i);
        }
        self.chains.push(joined);
        #[cfg(test)]
        MOST_RUNS.with(|m| m.set(m.get().max(self.chains.len())));
    }

    /// Records that `rule` ran over `window`; whether it had already.
    fn ran(&mut self, rule: u32, window: (usize, usize)) -> bool {
        let slots = self.slots.get_or_insert_with(Slots::new);
        let slot = &mut slots.rule[rule as usize % SLOTS];
        let again = *slot == (rule, window.0, window.1);
        *slot = (rule, window.0, window.1);
        again
    }

    /// Whether `group`'s prefilter already found nothing in a range
    /// holding `union`.
    fn is_clean(&self, group: u32, union: (usize, usize)) -> bool {
        let Some(slots) = &self.slots else {
            return false;
        };
        let (g, s, e) = slots.clean[group as usize % SLOTS];
        g == group && s <= union.0 && union.1 <= e
    }

    fn set_clean(&mut self, group: u32, union: (usize, usize)) {
        let slots = self.slots.get_or_insert_with(Slots::new);
        slots.clean[group as usize % SLOTS] = (group, union.0, union.1);
    }
}

/// What a keyword hit's group's `follows` set says of it before its
/// windows are searched (see [`Matcher::follows_first`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Follows {
    /// No rule of the group can match at the hit.
    Drop,
    /// The set's answer (see [`Matcher::follows_mask`]), which no byte
    /// still to come can change.
    Known(Option<u64>),
    /// Not asked yet: the group has no set, or bytes it would read have
    /// not arrived.
    Later,
}

/// All rules, compiled.
pub(crate) struct Matcher {
    pub(crate) rules: Vec<CompiledRule>,
    /// Every distinct keyword, ASCII-case-insensitively.
    keywords: Option<KeywordScanner>,
    /// For each keyword (by automaton pattern id), its group.
    keyword_group: Vec<u32>,
    /// For each keyword, its bytes if its hits count only as written:
    /// when every rule that lists it has [`exact_keywords`] (a hit in
    /// another case lies in none of their matches).
    exact: Vec<Option<Box<[u8]>>>,
    groups: Vec<Group>,
    /// The groups' `follows` sets (see [`Group::follows`]).
    pub(crate) follows: Vec<SharedFollows>,
    /// The largest `max_len` of any rule.
    pub(crate) max_len: usize,
    /// The longest keyword, in bytes.
    pub(crate) max_keyword_len: usize,
}

/// The distinct keywords of `rules` in the order they first appear, and
/// for each the rules (by index) that list it. (At most `u32::MAX` rules.)
pub(crate) fn keyword_list(rules: &[Rule]) -> (Vec<String>, Vec<Vec<u32>>) {
    let mut keywords: Vec<String> = Vec::new();
    let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
    // Each distinct keyword's index in `keywords`: thousands of user rules
    // must build in time linear in their number, not by a search through
    // every keyword seen so far.
    let mut keyword_index: HashMap<&str, usize> = HashMap::new();
    for (index, rule) in (0u32..).zip(rules) {
        for kw in &rule.keywords {
            match keyword_index.get(kw.as_str()) {
                // A rule lists a keyword once (they are de-duplicated when
                // the rule is checked), so `index` is new here.
                Some(&p) => keyword_rules[p].push(index),
                None => {
                    keyword_index.insert(kw, keywords.len());
                    keywords.push(kw.clone());
                    keyword_rules.push(vec![index]);
                }
            }
        }
    }
    (keywords, keyword_rules)
}

/// The capture group holding a rule's secret, if there is one to find: the
/// one named, or the only one.
pub(crate) fn secret_group(rule: &Rule) -> Option<u32> {
    match rule.secret_group {
        Some(0) => None,
        Some(g) => u32::try_from(g).ok(),
        None if rule.group_count == 1 => Some(1),
        None => None,
    }
}

/// A rule's split: its regex cut around its secret group (see `split.rs`).
fn build_split(rule: &Rule) -> Option<Split> {
    let group = secret_group(rule)?;
    crate::matcher::built();
    let hir = crate::rule::relaxed_hir(&rule.pattern, rule.unicode).ok()?;
    Split::new(&hir, group)
}

/// Whether a rule's split builds (recorded in `prebuilt`).
#[cfg(test)]
pub(crate) fn split_builds(rule: &Rule) -> bool {
    build_split(rule).is_some()
}

/// Whether a hit of one of `rule`'s keywords in another case than written
/// can be skipped without losing a match (see [`Matcher::hits`]): `7z `
/// is in every line of a GitHub Actions log, as the `7Z ` that ends its
/// timestamps (`...00.1234567Z `), which the case-sensitive `7z` of
/// `archive-password-7z-rar` never matches.
///
/// It can if no match of the regex holds such an occurrence (then none is
/// in any match), or, for a rule not anchored at its keywords, if in every
/// match the first occurrence to end is spelled as written and the rule's
/// `follows` accepts the bytes after it within the match: then that
/// occurrence is a hit, which passes `follows`, and whose window holds
/// the match. Decided by walking every byte string at once through the
/// regex's anchored DFA (of its relaxed parse, whose matches include the
/// regex's, no further than the rule's longest match), two keyword
/// automata (one ASCII case-insensitive, as the keyword scanner reads, one
/// exact) and the `follows` DFA. A DFA too big to build, a byte one gives
/// up on, or too many states to walk: no.
#[cfg(test)]
pub(crate) fn exact_keywords(rule: &Rule) -> bool {
    let Ok(relaxed) = crate::rule::relaxed_hir(&rule.pattern, rule.unicode) else {
        return false;
    };
    let Some(walk) = KeywordWalk::new(rule, &relaxed, 4 << 20) else {
        return false;
    };
    if walk.no_inexact_in_a_match() {
        return true;
    }
    if rule.anchored {
        return false;
    }
    match walk.first_exact_and_followed(rule) {
        Walked::Yes => true,
        Walked::No => false,
        // The relaxed regex matched on where the bounded `follows` gave
        // out: the regex as written decides (its DFA can be ten times the
        // size: 12 MB for `archive-password-7z-rar`).
        Walked::FollowsGaveOut => {
            let Ok(hir) = regex_automata::util::syntax::parse_with(
                &rule.pattern,
                &crate::rule::syntax_config(rule.unicode),
            ) else {
                return false;
            };
            KeywordWalk::new(rule, &hir, 32 << 20)
                .is_some_and(|w| w.first_exact_and_followed(rule) == Walked::Yes)
        }
    }
}

/// What [`KeywordWalk::first_exact_and_followed`] found.
#[cfg(test)]
#[derive(PartialEq)]
enum Walked {
    Yes,
    No,
    /// No, but only where `follows` gave out at its bound.
    FollowsGaveOut,
}

/// What [`exact_keywords`] walks.
#[cfg(test)]
struct KeywordWalk {
    dfa: regex_automata::dfa::dense::DFA<Vec<u32>>,
    ci: aho_corasick::dfa::DFA,
    exact: aho_corasick::dfa::DFA,
    /// One byte for each way the automata can tell bytes apart.
    bytes: Vec<u8>,
    /// The DFA's start states, for every byte (or none) before a match.
    starts: Vec<regex_automata::util::primitives::StateID>,
}

#[cfg(test)]
type Sid = regex_automata::util::primitives::StateID;
#[cfg(test)]
type KwSid = aho_corasick::automaton::StateID;

#[cfg(test)]
impl KeywordWalk {
    /// The most states walked before giving up.
    const MOST: usize = 1 << 20;

    /// The walk of `rule` with `hir` for its regex (its relaxed parse, or
    /// as written), whose DFA is at most `limit` bytes.
    fn new(rule: &Rule, hir: &regex_syntax::hir::Hir, limit: usize) -> Option<KeywordWalk> {
        use regex_automata::dfa::Automaton as _;
        if rule.keywords.is_empty() {
            return None;
        }
        let dfa = Self::anchored(hir, limit)?;
        let keywords = |ci: bool| {
            aho_corasick::dfa::Builder::new()
                .ascii_case_insensitive(ci)
                .match_kind(aho_corasick::MatchKind::Standard)
                .build(&rule.keywords)
                .ok()
        };
        let (ci, exact) = (keywords(true)?, keywords(false)?);
        let follows = match &rule.follows {
            Some(f) => Some(Self::anchored(f.hir(), 4 << 20)?),
            None => None,
        };
        let mut in_keyword = [false; 256];
        for b in rule.keywords.iter().flat_map(|k| k.bytes()) {
            in_keyword[usize::from(b.to_ascii_lowercase())] = true;
            in_keyword[usize::from(b.to_ascii_uppercase())] = true;
        }
        let mut kinds = std::collections::HashSet::new();
        let bytes = (0..=255u8)
            .filter(|&b| {
                let own = if in_keyword[usize::from(b)] {
                    u16::from(b)
                } else {
                    256
                };
                let theirs = follows.as_ref().map(|f| f.byte_classes().get(b));
                kinds.insert((dfa.byte_classes().get(b), theirs, own))
            })
            .collect();
        let mut starts = Vec::new();
        for behind in std::iter::once(None).chain((0..=255u8).map(Some)) {
            let d = dfa.start_state(&Self::start(behind)).ok()?;
            if !starts.contains(&d) {
                starts.push(d);
            }
        }
        Some(KeywordWalk {
            dfa,
            ci,
            exact,
            bytes,
            starts,
        })
    }

    fn anchored(
        hir: &regex_syntax::hir::Hir,
        limit: usize,
    ) -> Option<regex_automata::dfa::dense::DFA<Vec<u32>>> {
        let config = regex_automata::dfa::dense::Config::new()
            .start_kind(regex_automata::dfa::StartKind::Anchored)
            .match_kind(regex_automata::MatchKind::All)
            .unicode_word_boundary(true);
        crate::matcher::dense_of(std::slice::from_ref(hir), false, config, limit)
    }

    fn start(behind: Option<u8>) -> regex_automata::util::start::Config {
        regex_automata::util::start::Config::new()
            .anchored(regex_automata::Anchored::Yes)
            .look_behind(behind)
    }

    /// The keyword automata's start states.
    fn kw_starts(&self) -> Option<(KwSid, KwSid)> {
        use aho_corasick::automaton::Automaton as _;
        let ci = self.ci.start_state(aho_corasick::Anchored::No).ok()?;
        let exact = self.exact.start_state(aho_corasick::Anchored::No).ok()?;
        Some((ci, exact))
    }

    /// Reads `b` in both keyword automata: their new states, and how many
    /// keywords end at `b` in any case and as written.
    fn kw_next(&self, c: KwSid, e: KwSid, b: u8) -> (KwSid, KwSid, usize, usize) {
        use aho_corasick::automaton::Automaton as _;
        let ending =
            |a: &aho_corasick::dfa::DFA, sid| if a.is_match(sid) { a.match_len(sid) } else { 0 };
        let c = self.ci.next_state(aho_corasick::Anchored::No, c, b);
        let e = self.exact.next_state(aho_corasick::Anchored::No, e, b);
        (c, e, ending(&self.ci, c), ending(&self.exact, e))
    }

    /// Whether no match holds an occurrence of a keyword in another case
    /// than written.
    fn no_inexact_in_a_match(&self) -> bool {
        use regex_automata::dfa::Automaton as _;
        let Some((c0, e0)) = self.kw_starts() else {
            return false;
        };
        // The DFA's state, the keyword automata's (left at their start once
        // an inexact occurrence is read), and whether one was.
        let mut seen = std::collections::HashSet::new();
        let mut todo: Vec<(Sid, KwSid, KwSid, bool)> = Vec::new();
        for &d in &self.starts {
            if seen.insert((d, c0, e0, false)) {
                todo.push((d, c0, e0, false));
            }
        }
        while let Some((d, c, e, inexact)) = todo.pop() {
            // A match state is entered a byte after the match ends (or at
            // the end of the input): the match is what was read before.
            if inexact && self.dfa.is_match_state(self.dfa.next_eoi_state(d)) {
                return false;
            }
            for &b in &self.bytes {
                let next = self.dfa.next_state(d, b);
                if self.dfa.is_quit_state(next) {
                    return false;
                }
                if self.dfa.is_dead_state(next) {
                    continue;
                }
                if inexact && self.dfa.is_match_state(next) {
                    return false;
                }
                let state = if inexact {
                    (next, c, e, true)
                } else {
                    let (c, e, any, written) = self.kw_next(c, e, b);
                    if any == written {
                        (next, c, e, false)
                    } else {
                        (next, c0, e0, true)
                    }
                };
                if seen.insert(state) {
                    if seen.len() > Self::MOST {
                        return false;
                    }
                    todo.push(state);
                }
            }
        }
        true
    }

    /// Whether in every match the first keyword occurrence to end is
    /// spelled as written and `rule`'s `follows` (if it has one) accepts
    /// the bytes after it before the match ends.
    fn first_exact_and_followed(&self, rule: &Rule) -> Walked {
        use regex_automata::dfa::Automaton as _;
        let follows = match &rule.follows {
            Some(f) => match Self::anchored(f.hir(), 4 << 20) {
                Some(dfa) => Some(dfa),
                None => return Walked::No,
            },
            None => None,
        };
        let Some((c0, e0)) = self.kw_starts() else {
            return Walked::No;
        };
        /// Where a walk is: before any occurrence, or after an exact first
        /// one with `follows` still to accept (in the state held).
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        enum At {
            Before(KwSid, KwSid),
            Pending(Sid),
        }
        // Breadth first: a state is first reached by its shortest way in,
        // which leaves the most bytes for a match, so it is walked once.
        let mut seen = std::collections::HashSet::new();
        let mut todo: std::collections::VecDeque<(Sid, At, usize)> = Default::default();
        for &d in &self.starts {
            if seen.insert((d, At::Before(c0, e0))) {
                todo.push_back((d, At::Before(c0, e0), 0));
            }
        }
        let longest = rule.max_len;
        let mut gave_out = false;
        while let Some((d, at, depth)) = todo.pop_front() {
            if let At::Pending(f) = at
                && self.dfa.is_match_state(self.dfa.next_eoi_state(d))
            {
                // A match ends with the input, `follows` not yet accepted.
                let follows = follows.as_ref().expect("pending only with one");
                if !follows.is_match_state(follows.next_eoi_state(f)) {
                    return Walked::No;
                }
            }
            if depth >= longest {
                // No match of the regex is longer.
                continue;
            }
            for &b in &self.bytes {
                let next = self.dfa.next_state(d, b);
                if self.dfa.is_quit_state(next) {
                    return Walked::No;
                }
                if self.dfa.is_dead_state(next) {
                    continue;
                }
                let at = match at {
                    At::Before(c, e) => {
                        let (c, e, any, written) = self.kw_next(c, e, b);
                        if any == 0 {
                            At::Before(c, e)
                        } else if any != written {
                            // The first occurrence is inexact: fine only
                            // if no match follows.
                            if self.reaches_a_match(next, longest - depth - 1) {
                                return Walked::No;
                            }
                            continue;
                        } else {
                            match &follows {
                                // Every match from here is found.
                                None => continue,
                                Some(f) => match f.start_state(&Self::start(Some(b))) {
                                    Ok(f) => At::Pending(f),
                                    Err(_) => return Walked::No,
                                },
                            }
                        }
                    }
                    At::Pending(f) => {
                        let follows = follows.as_ref().expect("pending only with one");
                        let f = follows.next_state(f, b);
                        if follows.is_quit_state(f) {
                            return Walked::No;
                        }
                        if follows.is_match_state(f) {
                            // Accepted by the bytes before `b`.
                            continue;
                        }
                        if self.dfa.is_match_state(next) {
                            // A match ends before `follows` accepted.
                            return Walked::No;
                        }
                        if follows.is_dead_state(f) {
                            // Rejected: fine only if no match follows.
                            if self.reaches_a_match(next, longest - depth - 1) {
                                gave_out = true;
                            }
                            continue;
                        }
                        At::Pending(f)
                    }
                };
                if seen.insert((next, at)) {
                    if seen.len() > Self::MOST {
                        return Walked::No;
                    }
                    todo.push_back((next, at, depth + 1));
                }
            }
        }
        if gave_out {
            Walked::FollowsGaveOut
        } else {
            Walked::Yes
        }
    }

    /// Whether a match can end from DFA state `from` on (entered after
    /// the match's bytes so far), within `left` more bytes.
    fn reaches_a_match(&self, from: Sid, left: usize) -> bool {
        use regex_automata::dfa::Automaton as _;
        let mut seen = std::collections::HashSet::from([from]);
        let mut todo = std::collections::VecDeque::from([(from, 0)]);
        while let Some((d, depth)) = todo.pop_front() {
            if self.dfa.is_match_state(d) || self.dfa.is_match_state(self.dfa.next_eoi_state(d)) {
                return true;
            }
            if depth >= left {
                continue;
            }
            for &b in &self.bytes {
                let next = self.dfa.next_state(d, b);
                if self.dfa.is_quit_state(next) || self.dfa.is_match_state(next) {
                    return true;
                }
                if !self.dfa.is_dead_state(next) && seen.insert(next) {
                    todo.push_back((next, depth + 1));
                }
            }
        }
        false
    }
}

/// The `follows` patterns of the rules at positions `pos` of a group's
/// `members`, in order.
fn follows_patterns<'a>(rules: &'a [CompiledRule], members: &[u32], pos: &[usize]) -> Vec<&'a str> {
    pos.iter()
        .filter_map(|&i| rules[members[i] as usize].rule.follows.as_deref())
        .map(crate::rule::Follows::pattern)
        .collect()
}

impl Matcher {
    /// Compiles the rules. With `eager`, every regex is compiled now and a
    /// failure is an error; otherwise each compiles on its first keyword hit.
    /// `style` gives each rule's redaction style.
    pub(crate) fn new(
        rules: Vec<Rule>,
        eager: bool,
        style: impl Fn(&Rule) -> Redaction,
    ) -> Result<Matcher, Error> {
        if u32::try_from(rules.len()).is_err() {
            return Err(Error::new(ErrorKind::Config, "too many rules"));
        }
        let (keywords, keyword_rules) = keyword_list(&rules);
        let mut compiled = Vec::with_capacity(rules.len());
        let mut max_len = 0;
        for rule in rules {
            max_len = max_len.max(rule.max_len);
            let regex = OnceLock::new();
            if eager {
                let _ = regex.set(Some(rule.compile_regex()?));
            }
            let replacer = Replacer::new(&style(&rule), &rule.id, &rule.keywords);
            let needs_line = rule.allowlists.iter().any(|a| a.target == Target::Line);
            compiled.push(CompiledRule {
                rule,
                regex,
                search: OnceLock::new(),
                loaded: OnceLock::new(),
                forward: OnceLock::new(),
                split: OnceLock::new(),
                prebuilt_split: OnceLock::new(),
                group_matches: AtomicU32::new(0),
                replacer,
                needs_line,
            });
        }
        let max_keyword_len = keywords.iter().map(String::len).max().unwrap_or(0);
        let automaton = if keywords.is_empty() {
            None
        } else {
            // The default set's scanner is prebuilt (see `prebuilt`).
            match crate::prebuilt::scanner(&keywords) {
                Some(scanner) => Some(scanner),
                None => Some(KeywordScanner::new(&keywords)?),
            }
        };
        let exact = keywords
            .iter()
            .zip(&keyword_rules)
            .map(|(k, rules)| {
                rules
                    .iter()
                    .all(|&r| compiled[r as usize].rule.exact_keywords == Some(true))
                    .then(|| Box::from(k.as_bytes()))
            })
            .collect();
        let mut groups: Vec<Group> = Vec::new();
        let mut keyword_group = Vec::with_capacity(keyword_rules.len());
        // Each distinct set of rules' group, by the set (as in `keyword_group`).
        let mut group_of: HashMap<Vec<u32>, usize> = HashMap::new();
        // Each distinct list of `follows` patterns' set, by the list.
        let mut follows: Vec<SharedFollows> = Vec::new();
        let mut follows_of: HashMap<Vec<&str>, u32> = HashMap::new();
        for rules in keyword_rules {
            let g = match group_of.get(&rules) {
                Some(&g) => g,
                None => {
                    group_of.insert(rules.clone(), groups.len());
                    let max_len = rules
                        .iter()
                        .map(|&r| compiled[r as usize].rule.max_len)
                        .max()
                        .unwrap_or(0);
                    let all_follow = rules
                        .iter()
                        .all(|&r| compiled[r as usize].rule.follows.is_some());
                    let follows_pos: Vec<usize> = if rules.len() > crate::matcher::AnchoredSet::MAX
                    {
                        Vec::new()
                    } else {
                        (0..rules.len())
                            .filter(|&i| compiled[rules[i] as usize].rule.follows.is_some())
                            .collect()
                    };
                    let patterns = follows_patterns(&compiled, &rules, &follows_pos);
                    let follows = if patterns.is_empty() {
                        None
                    } else {
                        let next = u32::try_from(follows.len())
                            .map_err(|_| Error::new(ErrorKind::Config, "too many rules"))?;
                        let group = u32::try_from(groups.len())
                            .map_err(|_| Error::new(ErrorKind::Config, "too many rules"))?;
                        let slot = *follows_of.entry(patterns).or_insert(next);
                        if slot == next {
                            follows.push(SharedFollows {
                                group,
                                set: OnceLock::new(),
                            });
                        }
                        Some(slot)
                    };
                    groups.push(Group {
                        rules,
                        max_len,
                        prefilter: OnceLock::new(),
                        all_follow,
                        follows,
                        follows_pos,
                    });
                    groups.len() - 1
                }
            };
            keyword_group.push(g as u32);
        }
        Ok(Matcher {
            rules: compiled,
            keywords: automaton,
            keyword_group,
            exact,
            groups,
            follows,
            max_len,
            max_keyword_len,
        })
    }

    /// Whether any rule has keywords (and so any window can ever open).
    pub(crate) fn has_keywords(&self) -> bool {
        self.keywords.is_some()
    }

    /// Whether a keyword group has a multi-line rule, whose window can span
    /// lines.
    pub(crate) fn group_is_multiline(&self, group: u32) -> bool {
        self.groups[group as usize]
            .rules
            .iter()
            .any(|&r| self.rules[r as usize].rule.multiline)
    }

    /// Calls `f(group, hit_start, hit_end)` for every keyword occurrence in
    /// `hay` that ends after `from`, with the group of rules it belongs to.
    pub(crate) fn hits(&self, hay: &[u8], from: usize, mut f: impl FnMut(u32, usize, usize)) {
        let Some(scanner) = &self.keywords else {
            return;
        };
        scanner.scan(hay, from, |pattern, start, end| {
            if let Some(exact) = &self.exact[pattern]
                && hay.get(start..end) != Some(&**exact)
            {
                return;
            }
            f(self.keyword_group[pattern], start, end);
        });
    }

    /// Which rules of a keyword hit's group have a `follows` that accepts
    /// the bytes after the hit: bit `i` for `rules[i]` (rules without a
    /// `follows` have theirs set); `None` if the group's set could not be
    /// built or gave up, when each `follows` is asked on its own.
    ///
    /// The set runs to the farthest any window reaches rather than to each
    /// rule's own window end: that can only accept more, which the rule's
    /// search in its window then settles.
    fn follows_mask(&self, g: &Group, hay: &[u8], hit_start: usize, hit_end: usize) -> Option<u64> {
        let set = self.follows_set(g)?;
        let end = (hit_start + g.max_len).min(hay.len());
        let found = set.matching(hay, hit_end, end)?;
        Some(g.mask_of(found))
    }

    /// A group's `follows` set, built (or read from `prebuilt`) on the
    /// first call; `None` if it has none or it does not build.
    fn follows_set(&self, g: &Group) -> Option<&crate::matcher::AnchoredSet> {
        let shared = &self.follows[g.follows? as usize];
        shared
            .set
            .get_or_init(|| {
                let first = &self.groups[shared.group as usize];
                // The default set's are prebuilt (see `prebuilt`).
                crate::prebuilt::follows_set(&self.follows_patterns(first))
                    .unwrap_or_else(|| self.build_follows_set(first))
            })
            .as_ref()
    }

    /// Compiles now what a scrub would otherwise compile on the first hit
    /// that needs it (for the defaults, only what is not prebuilt: a rule
    /// set of added files has most to do): each rule's regex, split (see
    /// [`CompiledRule::split`]) and allowlists, each keyword group's
    /// `follows` set (read from `prebuilt` for the defaults) and
    /// prefilter, and each rule's own `follows` where its group has no
    /// set.
    pub(crate) fn warm_up(&self) {
        for r in &self.rules {
            // A rule loaded from prebuilt NFAs never compiles its regex,
            // and one with a prebuilt split never builds its own.
            let _ = r.prebuilt_search();
            if r.loaded().is_none() {
                let _ = r.regex();
            }
            if r.prebuilt_split().is_none() {
                let _ = r.built_split();
            }
            for a in &r.rule.allowlists {
                let _ = a.compiles();
            }
        }
        for g in &self.groups {
            if self.follows_set(g).is_none() {
                for &r in &g.rules {
                    if let Some(f) = &self.rules[r as usize].rule.follows {
                        let _ = f.compiles();
                    }
                }
            }
            let _ = self.prefilter(g);
        }
    }

    /// The `follows` patterns of a group's set, in order.
    fn follows_patterns(&self, g: &Group) -> Vec<&str> {
        follows_patterns(&self.rules, &g.rules, &g.follows_pos)
    }

    /// A group's `follows` set, built.
    fn build_follows_set(&self, g: &Group) -> Option<crate::matcher::AnchoredSet> {
        let hirs: Vec<regex_syntax::hir::Hir> = g
            .follows_pos
            .iter()
            .filter_map(|&i| self.rules[g.rules[i] as usize].rule.follows.as_ref())
            .map(|f| f.relaxed())
            .collect();
        crate::matcher::AnchoredSet::new(&hirs)
    }

    /// Every `follows` set, built (`None` if it does not build), with its
    /// patterns: what `prebuilt` stores for the default set.
    #[cfg(test)]
    pub(crate) fn follows_sets(&self) -> Vec<(Vec<String>, Option<crate::matcher::AnchoredSet>)> {
        self.follows
            .iter()
            .map(|shared| {
                let g = &self.groups[shared.group as usize];
                let patterns = self.follows_patterns(g);
                let patterns = patterns.iter().map(|p| p.to_string()).collect();
                (patterns, self.build_follows_set(g))
            })
            .collect()
    }

    /// Whether no rule of a group whose rules all have a `follows` accepts
    /// the hit, asking each on its own (when the group's set could not be
    /// built); `false` while the bytes every window could reach have not
    /// all arrived.
    fn rejects_one_by_one(
        &self,
        g: &Group,
        hay: &[u8],
        hit_start: usize,
        hit_end: usize,
        eof: bool,
    ) -> bool {
        if !g.arrived(hay, hit_start, eof) {
            return false;
        }
        let end = (hit_start + g.max_len).min(hay.len());
        !g.rules.iter().any(|&r| {
            self.rules[r as usize]
                .rule
                .follows
                .as_ref()
                .is_none_or(|f| f.matches_at(hay, hit_end, end))
        })
    }

    /// What a keyword hit's group's `follows` set says before the hit is
    /// kept: [`Follows::Drop`] if every rule of the group has a `follows`,
    /// none accepts the bytes after the hit, and all the bytes they could
    /// look at are in `hay` (or `eof` says no more will come), as
    /// [`Matcher::eval`] drops such a hit first thing. A stream asks before
    /// it keeps a hit pending, which on real text spares most hits (93% of
    /// 175,000 in 64 MiB of source code) the search for their window; the
    /// set's answer, when no byte still to come can change it, is kept with
    /// the hit for `eval`, which walked the set again (3-4% of a scrub of
    /// the benign corpus).
    pub(crate) fn follows_first(
        &self,
        group: u32,
        hay: &[u8],
        hit_start: usize,
        hit_end: usize,
        eof: bool,
    ) -> Follows {
        let g = &self.groups[group as usize];
        if g.follows.is_none() || !g.arrived(hay, hit_start, eof) {
            return Follows::Later;
        }
        match self.follows_mask(g, hay, hit_start, hit_end) {
            Some(0) if g.all_follow => Follows::Drop,
            mask => Follows::Known(mask),
        }
    }

    /// Where the earliest window of a keyword hit's rules starts.
    ///
    /// `hay[0]` is at offset `base` of the input; `seen` remembers the line
    /// breaks found around earlier hits.
    pub(crate) fn group_window_start(
        &self,
        group: u32,
        hay: &[u8],
        base: usize,
        hit_start: usize,
        hit_end: usize,
        seen: &mut Seen,
    ) -> usize {
        let g = &self.groups[group as usize];
        let around = Around::new(hay, base, hit_start, hit_end, g.max_len, &mut seen.breaks);
        g.rules
            .iter()
            .map(|&r| self.window_start(r, hay, hit_start, hit_end, &around))
            .min()
            .unwrap_or(hit_start)
    }

    /// Runs the rules of a keyword hit over their windows and appends their
    /// findings to `out`, if every window is known (see [`Matcher::window`]);
    /// returns whether it could.
    ///
    /// `hay[0]` is at offset `base` of the input; `seen` remembers windows
    /// already run, by offset, across calls. `follows` is what
    /// [`Matcher::follows_first`] said of the hit, if it was asked.
    #[allow(clippy::too_many_arguments)] // a hit, a buffer view, state, sink
    pub(crate) fn eval(
        &self,
        group: u32,
        hay: &[u8],
        base: usize,
        hit_start: usize,
        hit_end: usize,
        eof: bool,
        follows: Follows,
        seen: &mut Seen,
        out: &mut Vec<Span>,
    ) -> bool {
        let g = &self.groups[group as usize];
        let mask = match follows {
            Follows::Known(mask) => {
                debug_assert_eq!(mask, self.follows_mask(g, hay, hit_start, hit_end));
                mask
            }
            Follows::Drop | Follows::Later => self.follows_mask(g, hay, hit_start, hit_end),
        };
        // No rule's `follows` accepts the hit: it is dropped, once the
        // bytes every window could reach have arrived (more of them could
        // still make a `follows` match). (What `follows_first` says.)
        if g.all_follow && mask == Some(0) && g.arrived(hay, hit_start, eof) {
            return true;
        }
        if g.all_follow
            && mask.is_none()
            && self.rejects_one_by_one(g, hay, hit_start, hit_end, eof)
        {
            return true;
        }
        let follows_ok = |i: usize| mask.map(|m| m & (1u64 << i) != 0);
        // After an escape, anchored rules run at this hit alone (see
        // `run`): the group's prefilter and the runs search the bytes as
        // they stand, where the escape's letter hides the hit.
        let escaped = after_escape(hay, hit_start);
        let alone = |r: u32| escaped && self.rules[r as usize].rule.anchored;
        let around = Around::new(hay, base, hit_start, hit_end, g.max_len, &mut seen.breaks);
        // Every window must be known before any rule runs. The first pass
        // also finds which rules can match at all (their `follows` and
        // required bytes), and the union of the windows of those that the
        // group's prefilter stands for.
        const KEEP: usize = 16;
        let mut windows: [Option<Window>; KEEP] = [None; KEEP];
        for (i, &r) in g.rules.iter().enumerate() {
            let Some(w) = self.window(r, hay, hit_start, hit_end, eof, &around) else {
                return false;
            };
            if i < KEEP {
                windows[i] = Some(w);
            }
        }
        let window_of = |i: usize, r: u32| {
            windows.get(i).copied().flatten().unwrap_or_else(|| {
                self.window(r, hay, hit_start, hit_end, eof, &around)
                    .expect("known in the first pass")
            })
        };
        let mut can = [false; KEEP];
        let mut union: Option<Window> = None;
        let mut covered = 0;
        let mut unanchored = 0;
        for (i, &r) in g.rules.iter().enumerate() {
            let w = window_of(i, r);
            let ok = self.may_match(r, hay, w, hit_end, follows_ok(i));
            if i < KEEP {
                can[i] = ok;
            }
            if !ok || !self.in_prefilter(r) {
                continue;
            }
            covered += 1;
            unanchored += usize::from(!self.rules[r as usize].rule.anchored);
            union = Some(match union {
                None => w,
                Some(u) => Window {
                    start: u.start.min(w.start),
                    end: u.end.max(w.end),
                },
            });
        }
        // Whether the prefilter rules out every rule it covers here. Anchored
        // runs fail within a few bytes of the keyword, which is cheaper than
        // one unanchored search over the union. Only where the union is a
        // whole line: then every hit on the line shares it (one search per
        // line), and since no covered rule's run can reach beyond the line,
        // nothing found there means nothing found by any run of the line's
        // windows, so skipping them changes no result. On a line longer than
        // the windows, each hit's union would be searched anew: the runs
        // cover such lines instead, once (see "Runs").
        let covered_clean = match union {
            Some(union)
                if covered > 1
                    && unanchored > 0
                    && !escaped
                    && whole_line(hay, base, union, eof) =>
            {
                let abs = (base + union.start, base + union.end);
                if seen.is_clean(group, abs) {
                    true
                } else {
                    searched(union.end - union.start);
                    match self.prefilter(g) {
                        // (A DFA that gives up says yes: the rules then
                        // run, which costs time, not a finding.)
                        Some(p)
                            if !p
                                .is_match(&Input::new(hay).range(union.start..union.end))
                                .unwrap_or(true) =>
                        {
                            seen.set_clean(group, abs);
                            true
                        }
                        _ => false,
                    }
                }
            }
            _ => false,
        };
        for (i, &r) in g.rules.iter().enumerate() {
            if covered_clean && self.in_prefilter(r) {
                continue;
            }
            let w = window_of(i, r);
            let can = if i < KEEP {
                can[i]
            } else {
                self.may_match(r, hay, w, hit_end, follows_ok(i))
            };
            if !can {
                continue;
            }
            if self.in_runs(r) && !alone(r) {
                seen.feed(r, base + w.start, base + w.end);
                self.settle_rule(r, hay, base, seen, out);
            } else if !seen.ran(r, (base + w.start, base + w.end)) {
                let from = out.len();
                self.run(r, hay, w, out);
                rebase(&mut out[from..], base);
            }
        }
        if seen.chains.len() > SWEEP {
            self.settle(hay, base, seen, false, out);
        }
        true
    }

    /// Whether a group's prefilter stands for a rule: single-line rules
    /// only, since a multi-line rule's window would make the union, and so
    /// every search of it, thousands of bytes long.
    fn in_prefilter(&self, rule: u32) -> bool {
        !self.rules[rule as usize].rule.multiline
    }

    /// Whether a rule can match in a window at all: what its `follows` asks
    /// for comes right after the keyword, and one of the bytes every match
    /// contains occurs in the window.
    ///
    /// `follows` is the group's answer for the rule's `follows`, if it has
    /// one (see [`Matcher::follows_mask`]).
    fn may_match(
        &self,
        rule: u32,
        hay: &[u8],
        w: Window,
        hit_end: usize,
        follows: Option<bool>,
    ) -> bool {
        let r = &self.rules[rule as usize].rule;
        match follows {
            Some(false) => return false,
            Some(true) => {}
            None => {
                if let Some(f) = &r.follows
                    && !f.matches_at(hay, hit_end, w.end)
                {
                    return false;
                }
            }
        }
        let window = &hay[w.start..w.end];
        match r.required.as_deref() {
            None => true,
            Some(&[a]) => memchr::memchr(a, window).is_some(),
            Some(&[a, b]) => memchr::memchr2(a, b, window).is_some(),
            Some(&[a, b, c]) => memchr::memchr3(a, b, c, window).is_some(),
            Some(_) => true,
        }
    }

    fn prefilter<'a>(&self, g: &'a Group) -> Option<&'a crate::matcher::Unanchored> {
        g.prefilter
            .get_or_init(|| {
                let (patterns, unicode) = self.prefilter_patterns(g)?;
                crate::prebuilt::unanchored(&patterns, unicode).map(Box::new)
            })
            .as_deref()
    }

    /// The patterns a group's prefilter is made of, and their Unicode
    /// mode; `None` if it has none (see [`Group::prefilter`]).
    fn prefilter_patterns<'a>(&'a self, g: &Group) -> Option<(Vec<&'a str>, bool)> {
        let members: Vec<&Rule> = g
            .rules
            .iter()
            .filter(|&&r| self.in_prefilter(r))
            .map(|&r| &self.rules[r as usize].rule)
            .collect();
        if members.len() < 2 || members.iter().any(|r| r.unicode != members[0].unicode) {
            return None;
        }
        let patterns = members.iter().map(|r| r.pattern.as_str()).collect();
        Some((patterns, members[0].unicode))
    }

    /// Every group prefilter's DFA, built as `prebuilt` stores it (`None`
    /// if it does not build, or the regex does not compile), with its
    /// patterns and mode.
    #[cfg(test)]
    pub(crate) fn prefilter_dfas(
        &self,
    ) -> Vec<(Vec<String>, bool, Option<crate::matcher::Unanchored>)> {
        let mut seen = std::collections::HashSet::new();
        self.groups
            .iter()
            .filter_map(|g| self.prefilter_patterns(g))
            .filter(|key| seen.insert(key.clone()))
            .map(|(patterns, unicode)| {
                let dfa = crate::rule::compile_set(&patterns, unicode).and_then(|_| {
                    let hirs = patterns
                        .iter()
                        .map(|p| crate::rule::relaxed_hir(p, unicode))
                        .collect::<Result<Vec<_>, _>>()
                        .ok()?;
                    crate::matcher::Unanchored::new(&hirs)
                });
                (
                    patterns.iter().map(|p| p.to_string()).collect(),
                    unicode,
                    dfa,
                )
            })
            .collect()
    }

    /// The window of a keyword hit, if the bytes it depends on are all in
    /// `hay` (or `eof` says no more bytes will come); `around` holds the
    /// line breaks around the hit, found at least as far as the rule looks.
    ///
    /// `hay` must hold at least `max_len + CONTEXT` bytes before the hit, or
    /// start at the beginning of the input.
    fn window(
        &self,
        rule: u32,
        hay: &[u8],
        hit_start: usize,
        hit_end: usize,
        eof: bool,
        around: &Around,
    ) -> Option<Window> {
        let cr = &self.rules[rule as usize];
        let len = cr.rule.max_len;
        let start = self.window_start(rule, hay, hit_start, hit_end, around);
        let limit = hit_start + len;
        let end = if !cr.rule.multiline
            && let Some(b) = around.line_end
            && b < limit.min(hay.len())
        {
            // The window ends at a line break in the buffer: what lies
            // beyond cannot change it.
            b
        } else if limit + CONTEXT <= hay.len() {
            floor_char(hay, limit, hit_end)
        } else if eof {
            if limit < hay.len() {
                floor_char(hay, limit, hit_end)
            } else {
                hay.len()
            }
        } else {
            return None;
        };
        if cr.needs_line && !eof && !line_end_known(hay, end, len) {
            return None;
        }
        Some(Window { start, end })
    }

    /// Where a rule's window starts. It depends only on bytes before the
    /// hit, so it is known as soon as the hit is.
    fn window_start(
        &self,
        rule: u32,
        hay: &[u8],
        hit_start: usize,
        hit_end: usize,
        around: &Around,
    ) -> usize {
        let rule = &self.rules[rule as usize].rule;
        if rule.anchored {
            return hit_start;
        }
        let lo = hit_end.saturating_sub(rule.max_len).min(hit_start);
        ceil_char(hay, around.line_start.max(lo), hit_start)
    }

    /// Whether a rule's windows are searched as runs (see "Runs"): it
    /// compiles, and its windows are long enough that searching each one
    /// anew would cost more than a small factor.
    fn in_runs(&self, rule: u32) -> bool {
        let cr = &self.rules[rule as usize];
        cr.rule.max_len >= RUN_MIN_LEN && cr.compiles()
    }

    /// Runs a rule over one window and appends its findings to `out`.
    ///
    /// An anchored rule whose keyword comes right after a `\n`, `\r` or
    /// `\t` escape (see [`after_escape`]) runs on the bytes from its
    /// keyword on, as if a line break or a tab stood before it: otherwise
    /// the escape's letter would be the word character that defeats a
    /// leading `\b` (`"output": "token:\nghp_..."`, a tool's output
    /// logged as a JSON string).
    fn run(&self, rule: u32, hay: &[u8], w: Window, out: &mut Vec<Span>) {
        let cr = &self.rules[rule as usize];
        if cr.rule.anchored && after_escape(hay, w.start) {
            let from = out.len();
            let part = Window {
                start: 0,
                end: w.end - w.start,
            };
            self.run_here(rule, &hay[w.start..], part, out);
            rebase(&mut out[from..], w.start);
            return;
        }
        self.run_here(rule, hay, w, out);
    }

    /// [`Matcher::run`] on `hay` as given.
    fn run_here(&self, rule: u32, hay: &[u8], w: Window, out: &mut Vec<Span>) {
        let cr = &self.rules[rule as usize];
        let fail_closed = |out: &mut Vec<Span>| {
            // A rule that cannot run redacts its whole window.
            out.push(Span {
                start: w.start,
                end: w.end,
                rule,
            });
        };
        if !cr.compiles() {
            return fail_closed(out);
        }
        searched(w.end - w.start);
        let mut input = Input::new(hay).range(w.start..w.end);
        if cr.rule.anchored {
            // The match, if any, starts at the keyword.
            input = input.anchored(Anchored::Yes);
        }
        let mut caps: Option<Captures> = None;
        loop {
            let m = match cr.search(&input) {
                Some(Some(m)) => m,
                Some(None) => break,
                None => return fail_closed(out),
            };
            let found = self.candidate(cr, rule, hay, w, m.range(), &mut caps, out);
            if cr.rule.anchored {
                break;
            }
            let at = resume_at(hay, &m, found);
            if at > w.end {
                break;
            }
            input.set_start(at);
        }
    }

    /// The secrets that a match starting at `start` with its secret at
    /// `secret` hides before that secret: the same context followed by an
    /// earlier value after the same flag. A regex finds one match per
    /// context, but a context such as a command name can own several values
    /// (`mysql -uroot -pA -h db -pB`), and the search resumes after the
    /// secret, where the context is no longer in view. So the context is
    /// searched again with the range ending where the secret starts, until
    /// no earlier secret is found; for a rule whose gap between context and
    /// value is greedy, that is every value from the last to the first.
    ///
    /// An earlier match counts only if the [`FLAG`] bytes before its secret
    /// (ASCII whitespace, quotes and backslashes skipped) are those before the later
    /// one (`-p` and `-p '`): a shorter range can
    /// also give another reading of the same text (in `htpasswd -b file
    /// user pw`, `user` read as the password), which is not a second value.
    #[allow(clippy::too_many_arguments)] // the pieces of one candidate
    fn before_secret(
        &self,
        cr: &CompiledRule,
        rule: u32,
        hay: &[u8],
        w: Window,
        start: usize,
        mut secret: usize,
        caps: &mut Option<Captures>,
        out: &mut Vec<Span>,
    ) {
        let flag = |mut at: usize| {
            while at > start
                && matches!(
                    hay[at - 1],
                    b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b'"' | b'\'' | b'\\'
                )
            {
                at -= 1;
            }
            &hay[at.saturating_sub(FLAG).max(start)..at]
        };
        loop {
            let input = Input::new(hay).range(start..secret).anchored(Anchored::Yes);
            let Some(Some(m)) = cr.search(&input) else {
                return;
            };
            let Some((whole, earlier)) = self.locate(cr, hay, m.range(), caps) else {
                return;
            };
            if earlier.start <= start
                || earlier.start >= secret
                || flag(earlier.start) != flag(secret)
            {
                return;
            }
            self.consider(cr, rule, hay, w, whole, earlier.clone(), out);
            secret = earlier.start;
        }
    }

    /// How far before the last keyword hit seen a window given later may
    /// start: a later hit ends no earlier, and its windows start at most
    /// `max(L, longest keyword)` bytes before its end.
    pub(crate) fn reach(&self) -> usize {
        self.max_len.max(self.max_keyword_len)
    }

    /// Searches what can be searched of `rule`'s runs (see "Runs").
    fn settle_rule(
        &self,
        rule: u32,
        hay: &[u8],
        base: usize,
        seen: &mut Seen,
        out: &mut Vec<Span>,
    ) {
        let mut i = 0;
        while i < seen.chains.len() {
            if seen.chains[i].rule != rule {
                i += 1;
                continue;
            }
            let closed = seen.chains[i].end < seen.floor;
            if self.step(&mut seen.chains[i], hay, base, seen.floor, closed, out) {
                seen.chains.swap_remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// Searches what can be searched of every run, all of it with `eof`
    /// (no more input will come), and drops the runs searched to their end.
    ///
    /// `hay` must hold every byte from `L + CONTEXT` before the earliest
    /// [`Seen::hold`] on, `hay[0]` being at offset `base`.
    pub(crate) fn settle(
        &self,
        hay: &[u8],
        base: usize,
        seen: &mut Seen,
        eof: bool,
        out: &mut Vec<Span>,
    ) {
        let floor = if eof { usize::MAX } else { seen.floor };
        let mut i = 0;
        while i < seen.chains.len() {
            let closed = eof || seen.chains[i].end < floor;
            if self.step(&mut seen.chains[i], hay, base, floor, closed, out) {
                seen.chains.swap_remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// Searches every open run to its end as it stands, without recording
    /// it: for a flush, which passes on everything held. The runs are
    /// searched again as they grow.
    pub(crate) fn settle_now(&self, hay: &[u8], base: usize, seen: &Seen, out: &mut Vec<Span>) {
        for c in &seen.chains {
            let mut c = *c;
            self.step(&mut c, hay, base, usize::MAX, true, out);
        }
    }

    /// Runs the steps of a run that no window given later can change (all of
    /// them if `closed`), once its start is settled (at or before `floor`);
    /// returns whether the run has been searched to its end and is closed
    /// (an open run is kept: a window still to come may join it).
    fn step(
        &self,
        c: &mut Chain,
        hay: &[u8],
        base: usize,
        floor: usize,
        closed: bool,
        out: &mut Vec<Span>,
    ) -> bool {
        if c.start > floor && !closed {
            return false;
        }
        let cr = &self.rules[c.rule as usize];
        // Only rules that compile have runs (see `in_runs`).
        let search = |input: &Input<'_>| cr.search(input).flatten();
        let len = cr.rule.max_len;
        let mut caps: Option<Captures> = None;
        if cr.rule.anchored && c.one_start {
            // One keyword occurrence: the match, if any, starts there. Its
            // window may still grow (another keyword's window may join), so
            // it runs once closed.
            if closed {
                let w = Window {
                    start: c.start - base,
                    end: c.end - base,
                };
                searched(w.end - w.start);
                let input = Input::new(hay)
                    .range(w.start..w.end)
                    .anchored(Anchored::Yes);
                if let Some(m) = search(&input) {
                    let from = out.len();
                    self.candidate(cr, c.rule, hay, w, m.range(), &mut caps, out);
                    rebase(&mut out[from..], base);
                }
            }
            return closed;
        }
        let width = 2 * len;
        while c.at < c.end {
            let stop = c.end.min(c.at + width);
            if !closed && c.at + width > c.end {
                // This step's result may change as the run grows.
                return false;
            }
            let p = c.at - base;
            let w = Window {
                start: c.start.max(c.at.saturating_sub(len)).max(base) - base,
                end: floor_char(hay, stop - base, p),
            };
            searched(w.end - p);
            match search(&Input::new(hay).range(p..w.end)) {
                Some(m) => {
                    let from = out.len();
                    let found = self.candidate(cr, c.rule, hay, w, m.range(), &mut caps, out);
                    rebase(&mut out[from..], base);
                    c.at = base + resume_at(hay, &m, found);
                }
                None if closed && stop == c.end => c.at = c.end,
                // No match lies in the step: a match of the rule as written
                // that starts in its first half would have.
                None => c.at = base + ceil_char(hay, p + len, w.end),
            }
        }
        // Searched to its end as it stands; an open run is kept, since a
        // window still to come may join it and the search go on from here
        // (dropped, the joining window began a run of its own, whose search
        // found a match that began inside one found before).
        closed
    }

    /// A match of a rule's regex: its secret group found, then checked, and
    /// for an unanchored rule whose secret starts inside the match, the
    /// earlier values of the same context ([`Matcher::before_secret`]).
    /// Returns where the finding it gave ends, if it gave one.
    #[allow(clippy::too_many_arguments)] // a match, where it is, and a sink
    fn candidate(
        &self,
        cr: &CompiledRule,
        rule: u32,
        hay: &[u8],
        w: Window,
        m: std::ops::Range<usize>,
        caps: &mut Option<Captures>,
        out: &mut Vec<Span>,
    ) -> Option<usize> {
        let (whole, secret) = self.locate(cr, hay, m, caps)?;
        let (start, at) = (whole.start, secret.start);
        let found = self.consider(cr, rule, hay, w, whole, secret, out);
        if !cr.rule.anchored && at > start {
            self.before_secret(cr, rule, hay, w, start, at, caps, out);
        }
        found
    }

    /// A match's whole span (as the capturing search sees it) and its
    /// secret's, or `None` if the rule's regex does not compile.
    fn locate(
        &self,
        cr: &CompiledRule,
        hay: &[u8],
        m: std::ops::Range<usize>,
        caps: &mut Option<Captures>,
    ) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
        if cr.rule.group_count == 0 || cr.rule.secret_group == Some(0) {
            Some((m.clone(), m))
        } else if let Some(group) = cr.find_group(hay, m.clone()) {
            // The group found with DFAs, when the match splits only one way
            // around it. (An unnamed group that is empty gives the whole
            // match, as below.)
            let secret = if group.is_empty() && cr.rule.secret_group.is_none() {
                m.clone()
            } else {
                group
            };
            Some((m, secret))
        } else {
            let span = Input::new(hay).range(m.clone()).anchored(Anchored::Yes);
            let Some(caps) = cr.captures(&span, caps) else {
                // Found by the prebuilt DFAs, but the regex that would give
                // its groups does not compile: the whole match is redacted.
                return Some((m.clone(), m));
            };
            let whole = caps.get_match().map_or(m, |c| c.range());
            let secret = match cr.rule.secret_group {
                Some(0) => Some(whole.clone()),
                Some(g) => caps.get_group(g).map(|s| s.range()),
                None => (1..=cr.rule.group_count)
                    .filter_map(|g| caps.get_group(g))
                    .find(|s| !s.is_empty())
                    .map(|s| s.range()),
            };
            let secret = secret.unwrap_or(whole.clone());
            Some((whole, secret))
        }
    }

    #[allow(clippy::too_many_arguments)] // the pieces of one candidate
    fn consider(
        &self,
        cr: &CompiledRule,
        rule: u32,
        hay: &[u8],
        w: Window,
        whole: std::ops::Range<usize>,
        secret: std::ops::Range<usize>,
        out: &mut Vec<Span>,
    ) -> Option<usize> {
        if secret.is_empty() {
            return None;
        }
        let bytes = &hay[secret.clone()];
        // What was already redacted stays as it is: scrubbing is idempotent
        // even for rules loose enough to match a label, or part of one, as
        // a value.
        if memchr::memmem::find(bytes, b"REDACTED").is_some() || inside_label(hay, w, secret.start)
        {
            return None;
        }
        // Nor does a label stand as the name of a new secret: in
        // `[REDACTED:github-token]:'x'` the name `github-token]` that
        // makes `x` a secret is this scrubber's own output, which was a
        // secret's bytes when the input was scrubbed.
        if label_in_context(hay, w, &whole, &secret) {
            return None;
        }
        if let Some(min) = cr.rule.entropy
            && shannon_entropy(bytes) < min
        {
            return None;
        }
        if !cr.rule.allowlists.is_empty() {
            let line = if cr.needs_line {
                line_around(hay, whole.clone(), cr.rule.max_len)
            } else {
                &[][..]
            };
            let whole_bytes = &hay[whole];
            if cr
                .rule
                .allowlists
                .iter()
                .any(|a| a.allows(bytes, whole_bytes, line))
            {
                return None;
            }
        }
        let mut start = secret.start;
        let mut end = secret.end;
        for _ in 0..3 {
            // Back to the character's lead byte, but not over an ASCII
            // byte: before one, a continuation byte is a stray, a character
            // of its own.
            if start > w.start && is_continuation(hay[start]) && !hay[start - 1].is_ascii() {
                start -= 1;
            }
            if end < w.end && is_continuation(hay[end]) {
                end += 1;
            }
        }
        let end = before_string_end(hay, start, end, w.end);
        let start = crate::ansi::with_lone_esc(hay, start);
        let end = crate::ansi::before_trailing_esc(hay, start, end);
        out.push(Span { start, end, rule });
        Some(end)
    }
}

#[cfg(test)]
thread_local! {
    /// Bytes handed to regex searches on this thread, for tests that check
    /// how often the same bytes are searched.
    static SEARCHED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
thread_local! {
    /// The most runs open at once in any [`Seen`] on this thread, for tests
    /// that check that runs are settled as they close.
    pub(crate) static MOST_RUNS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `n` bytes searched (tests only).
fn searched(_n: usize) {
    #[cfg(test)]
    SEARCHED.with(|c| c.set(c.get() + _n));
}

/// Whether `hay[at]` comes right after a `\n`, `\r` or `\t` escape: a
/// backslash and the letter. The backslash may itself be escaped: in JSON
/// inside a JSON string, a line break is `\\n`, one level deeper
/// `\\\\n`. (In text, a literal backslash before `n`, `r` or `t` is a
/// Windows path or an escape of some other language, where a token right
/// after it is as rare as one right after an escape is common.)
fn after_escape(hay: &[u8], at: usize) -> bool {
    at >= 2 && matches!(hay[at - 1], b'n' | b'r' | b't') && hay[at - 2] == b'\\'
}

/// Moves spans found in `hay` to offsets in the input.
fn rebase(spans: &mut [Span], base: usize) {
    for s in spans {
        s.start += base;
        s.end += base;
    }
}

/// Whether a union of windows is a whole line: it starts at the start of a
/// line and ends at a line break (or at the end of the input).
fn whole_line(hay: &[u8], base: usize, w: Window, eof: bool) -> bool {
    let starts = if w.start == 0 {
        base == 0
    } else {
        matches!(hay[w.start - 1], b'\n' | b'\r')
    };
    let ends = match hay.get(w.end) {
        Some(&b) => b == b'\n' || b == b'\r',
        None => eof,
    };
    starts && ends
}

/// Whether `at` lies inside a `[REDACTED...]` label that starts within the
/// window: a `[REDACTED` before it with no `]` in between.
fn inside_label(hay: &[u8], w: Window, at: usize) -> bool {
    let lo = w.start.max(at.saturating_sub(128));
    match memchr::memmem::rfind(&hay[lo..at], LABEL_OPEN) {
        Some(i) => label_so_far(&hay[lo + i + LABEL_OPEN.len()..at]),
        None => false,
    }
}

/// Whether `rest`, the bytes after a `[REDACTED`, can begin a label this
/// scrubber writes (`[REDACTED]`, `[REDACTED:<rule-id>]`,
/// `[REDACTED:<rule-id>:<hex>]`) not yet closed: nothing, or `:` and rule-id
/// characters. Other bytes after a `[REDACTED` (`[REDACTEDPRIVATE KEY`) are
/// not a label, and the secrets after them are found: a label written
/// between them by the first scrub would otherwise end the "label" and
/// give the second scrub a finding the first did not have.
fn label_so_far(rest: &[u8]) -> bool {
    match rest.split_first() {
        None => true,
        Some((b':', id)) => id
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')),
        Some(_) => false,
    }
}

/// Whether the part of a match around its secret holds a `[REDACTED...`
/// label, or starts inside one.
fn label_in_context(
    hay: &[u8],
    w: Window,
    whole: &std::ops::Range<usize>,
    secret: &std::ops::Range<usize>,
) -> bool {
    let before = &hay[whole.start..secret.start.max(whole.start)];
    let after = &hay[secret.end.min(whole.end)..whole.end];
    memchr::memmem::find(before, LABEL_OPEN).is_some()
        || memchr::memmem::find(after, LABEL_OPEN).is_some()
        || (whole.start < secret.start && inside_label(hay, w, whole.start))
}

/// Where a secret of `hay[start..end]` ends when its match ran on into the
/// end of the string it sits in (JSON, or a Python repr's single quotes):
/// before the quote that ends the string and the brackets and commas after
/// it, and before the backslashes that escape that quote in JSON inside
/// JSON. A value that runs to whitespace (a `.netrc` password,
/// `pass_phrase=`) takes in `"}` at the end of
/// `{"content":"... password X"}`, and one whose class leaves out quotes
/// but not backslashes takes the `\` of `\"` in
/// `"{\"content\":\"KEY=X\"}"`: redacted, the JSON no longer parsed.
///
/// Only the first quote (`"`, `'` or a backtick) of the secret is such an
/// end, and only with nothing but closing brackets, commas, quotes and
/// backslashes after it up to the end of the match, and 0, 1, 3 or 7
/// backslashes before it (a quote's escape at depth 1 to 4; a secret's own
/// trailing backslash makes the count 5 or more and is kept in). The bytes
/// read past `end` stop at the window's end, which a stream has whole when
/// the rule runs.
fn before_string_end(hay: &[u8], start: usize, end: usize, limit: usize) -> usize {
    let escape = |n: usize| matches!(n, 0 | 1 | 3 | 7);
    let end = before_closing_tag(hay, start, end, limit);
    let secret = &hay[start..end];
    if let Some(q) = memchr::memchr3(b'"', b'\'', b'`', secret) {
        let n = secret[..q]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        let tail = &secret[q + 1..];
        if q > n
            && escape(n)
            && tail
                .iter()
                .all(|b| matches!(b, b'}' | b']' | b')' | b',' | b'"' | b'\'' | b'`' | b'\\'))
        {
            return start + q - n;
        }
        return end;
    }
    // A run of backslashes at the end that goes on past it to a quote.
    let m = secret.iter().rev().take_while(|&&b| b == b'\\').count();
    if m == 0 || m == secret.len() {
        return end;
    }
    let after = &hay[end..limit.max(end)];
    let k = after.iter().take_while(|&&b| b == b'\\').count();
    if matches!(after.get(k), Some(b'"' | b'\'')) && escape(m + k) {
        end - m
    } else {
        end
    }
}

/// Where a secret of `hay[start..end]` ends when its match ran on into a
/// closing markup tag: before the tag. Agents and their transcripts wrap
/// output in tags (`<output>...</output>`, `<stdout>`); a value that runs
/// to whitespace took `</output>` in, and the transcript lost the tag.
/// Only a tag that starts after the secret's first byte and is well formed
/// (`</`, a name, `>`) ends it; one whose `<` ends the secret is read on
/// into the window (a value that stops at `/` took the `<` of `</output>`).
fn before_closing_tag(hay: &[u8], start: usize, end: usize, limit: usize) -> usize {
    let secret = &hay[start..end];
    let reach = &hay[start..limit.max(end)];
    for at in memchr::memmem::find_iter(&reach[..(secret.len() + 1).min(reach.len())], b"</") {
        let name = &reach[at + 2..];
        let len = name
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
            .count();
        if at > 0 && len > 0 && name[0].is_ascii_alphabetic() && name.get(len) == Some(&b'>') {
            return start + at;
        }
    }
    end
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// How many bytes before two secrets of one context must be the same for
/// the earlier to be a second value (see [`Matcher::before_secret`]).
const FLAG: usize = 2;

/// Where the search for a rule's next match starts after match `m`.
///
/// After a finding (`found`: where it ends), right after the secret, not
/// after the match: context a match needs after its secret (a `;`, the first
/// character of a host) may be the context the next match needs before its
/// own, and scrubbing must find the same secrets in its output as in its
/// input. A match that was not a finding (an allowlist, the entropy floor, a
/// label) must not hide a match that starts inside it: the next search starts
/// right after its first character.
fn resume_at(hay: &[u8], m: &Match, found: Option<usize>) -> usize {
    match found {
        Some(end) if end > m.start() => end,
        _ => ceil_char(hay, m.start() + 1, hay.len()),
    }
}

/// Moves `at` forward past UTF-8 continuation bytes (at most three), never
/// beyond `limit`.
fn ceil_char(hay: &[u8], mut at: usize, limit: usize) -> usize {
    for _ in 0..3 {
        if at < limit && is_continuation(hay[at]) {
            at += 1;
        }
    }
    at
}

/// Moves `at` back while it sits on a UTF-8 continuation byte (at most
/// three), never below `limit`.
fn floor_char(hay: &[u8], mut at: usize, limit: usize) -> usize {
    for _ in 0..3 {
        if at > limit && at < hay.len() && is_continuation(hay[at]) {
            at -= 1;
        }
    }
    at
}

/// Whether the end of the line holding `end - 1` is decided by `hay`: a line
/// break lies in `[end, end + len)`, or `hay` reaches past that range.
fn line_end_known(hay: &[u8], end: usize, len: usize) -> bool {
    let limit = (end + len).min(hay.len());
    memchr::memchr2(b'\n', b'\r', &hay[end..limit]).is_some() || end + len + CONTEXT <= hay.len()
}

/// The line(s) around a match, at most `len` bytes on either side of it.
fn line_around(hay: &[u8], whole: std::ops::Range<usize>, len: usize) -> &[u8] {
    let lo = whole.start.saturating_sub(len);
    let start = match memchr::memrchr2(b'\n', b'\r', &hay[lo..whole.start]) {
        Some(i) => lo + i + 1,
        None => lo,
    };
    let hi = (whole.end + len).min(hay.len());
    let end = match memchr::memchr2(b'\n', b'\r', &hay[whole.end..hi]) {
        Some(i) => whole.end + i,
        None => hi,
    };
    &hay[start..end]
}

/// Shannon entropy of a byte string, in bits per byte.
pub(crate) fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let n = bytes.len() as f64;
    // Each distinct byte once, taking its count as it is first seen: a
    // pass over the (short) string rather than over all 256 counts. The
    // term of a small count is computed once (in a secret most bytes
    // occur once or twice), the same expression, so the same value.
    let term = |c: u32| {
        let p = f64::from(c) / n;
        p * p.log2()
    };
    let mut small = [None; 4];
    let mut entropy = 0.0;
    for &b in bytes {
        let c = std::mem::take(&mut counts[usize::from(b)]);
        if c > 0 {
            entropy -= match small.get_mut(c as usize) {
                Some(t) => *t.get_or_insert_with(|| term(c)),
                None => term(c),
            };
        }
    }
    entropy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_follows_answer_as_each_rule_follows() {
        // The group's one-pass answer stands for each rule's own `follows`
        // at every keyword hit in the default rules' examples and
        // negatives: a rule it drops is one whose `follows` fails.
        let s = crate::Scrubber::builder().build().unwrap();
        let m = s.matcher();
        let mut checked = 0;
        for cr in &m.rules {
            let texts = cr
                .rule
                .examples
                .iter()
                .map(|e| e.input.as_str())
                .chain(cr.rule.negative_examples.iter().map(|(_, t)| t.as_str()));
            for text in texts {
                let hay = text.as_bytes();
                m.hits(hay, 0, |group, start, end| {
                    let g = &m.groups[group as usize];
                    let Some(mask) = m.follows_mask(g, hay, start, end) else {
                        return;
                    };
                    let far = (start + g.max_len).min(hay.len());
                    for (i, &r) in g.rules.iter().enumerate() {
                        let own = m.rules[r as usize]
                            .rule
                            .follows
                            .as_ref()
                            .is_none_or(|f| f.matches_at(hay, end, far));
                        assert_eq!(
                            mask & (1 << i) != 0,
                            own,
                            "rule {} at {start} in {text:?}",
                            m.rules[r as usize].rule.id
                        );
                        checked += 1;
                    }
                });
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn a_follows_set_with_long_gaps_stays_small() {
        // k8s-env-secret's `follows` reads up to 260 bytes before `value:`
        // on the next line; har-cookie's shares its keyword. Written out,
        // each count of a gap is states of its own, and in the group's set
        // the two rules' gaps multiply: the set took 642 KB, and a walk
        // loaded a row out of cache at every byte. Relaxed (see
        // `Follows::relaxed`), the gaps are loops.
        let s = crate::Scrubber::builder().build().unwrap();
        let m = s.matcher();
        let id = |r: &u32| m.rules[*r as usize].rule.id.as_str();
        let g = m
            .groups
            .iter()
            .find(|g| g.rules.iter().any(|r| id(r) == "k8s-env-secret"))
            .expect("the group");
        assert!(g.rules.iter().any(|r| id(r) == "har-cookie"));
        let set = m.build_follows_set(g).expect("builds");
        assert!(set.size() < 64 << 10, "{} bytes", set.size());
    }

    #[test]
    fn entropy_of_simple_strings() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn entropy_is_the_plain_sum_to_the_bit() {
        // The small counts' terms are computed once: the same value as
        // summing every term, so no threshold comparison can change.
        let plain = |bytes: &[u8]| {
            let n = bytes.len() as f64;
            let mut seen = [false; 256];
            let mut entropy = 0.0;
            for &b in bytes {
                if !std::mem::replace(&mut seen[usize::from(b)], true) {
                    let c = bytes.iter().filter(|&&x| x == b).count() as f64;
                    let p = c / n;
                    entropy -= p * p.log2();
                }
            }
            entropy
        };
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for len in 1..300 {
            for alphabet in [2u64, 5, 16, 62, 256] {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        (x % alphabet) as u8
                    })
                    .collect();
                let (got, want) = (shannon_entropy(&bytes), plain(&bytes));
                assert_eq!(got.to_bits(), want.to_bits(), "{bytes:?}");
            }
        }
    }

    /// Issue 11, item 8: a line of keyword assignments ran every rule's
    /// regex over thousands of bytes around every keyword (each byte
    /// searched about 1,400 times with runs turned off); each byte is now searched
    /// a bounded number of times.
    #[test]
    fn keyword_dense_long_line_is_not_searched_again_per_keyword() {
        let scrubber = crate::Scrubber::new();
        let line = "token=abc api_key=abc secret=abc ".repeat(4096);
        let _ = scrubber.find(b"token=abc"); // compile what it needs
        SEARCHED.with(|c| c.set(0));
        assert_eq!(scrubber.find(line.as_bytes()).len(), 0);
        let per_byte = SEARCHED.with(|c| c.get()) / line.len();
        assert!(per_byte <= 16, "each byte searched {per_byte} times");
    }

    #[test]
    fn char_rounding_stays_on_boundaries() {
        let s = "aé€b".as_bytes(); // a, é (2 bytes), € (3 bytes), b
        assert_eq!(ceil_char(s, 2, 6), 3);
        assert_eq!(ceil_char(s, 4, 6), 6);
        assert_eq!(floor_char(s, 2, 0), 1);
        assert_eq!(floor_char(s, 5, 0), 3);
    }
}

#[cfg(test)]
mod split_tests {
    use super::*;

    /// The secret group as the capture engine finds it in match `m`.
    fn captured(re: &meta::Regex, rule: &CompiledRule, hay: &[u8], m: Range) -> Range {
        let mut caps = re.create_captures();
        re.search_captures(
            &Input::new(hay).range(m.clone()).anchored(Anchored::Yes),
            &mut caps,
        );
        let g = secret_group(&rule.rule).expect("a group") as usize;
        caps.get_group(g).map_or(m, |s| s.range())
    }

    type Range = std::ops::Range<usize>;

    #[test]
    fn prebuilt_split_flags_say_which_splits_build() {
        // The defaults come with whether each rule's split builds; a rule
        // known not to is not tried, and the flag is right both ways.
        let scrubber = crate::Scrubber::builder().build().unwrap();
        let m = scrubber.matcher();
        let (mut yes, mut no) = (0, 0);
        for r in &m.rules {
            let known = r.rule.split_builds.expect("prebuilt rules know");
            assert_eq!(known, split_builds(&r.rule), "rule {}", r.rule.id);
            assert_eq!(r.built_split().is_some(), known, "rule {}", r.rule.id);
            if known { yes += 1 } else { no += 1 }
        }
        assert!(yes > 500 && no > 10, "{yes} build, {no} do not");
    }

    #[test]
    fn prebuilt_exact_keyword_flags() {
        // Each stored flag is what `exact_keywords` says: the prebuilt file
        // is generated again and compared (`prebuilt_defaults_are_current`).
        let scrubber = crate::Scrubber::builder().build().unwrap();
        let m = scrubber.matcher();
        let flagged: Vec<&str> = m
            .rules
            .iter()
            .filter(|r| r.rule.exact_keywords.expect("prebuilt rules know"))
            .map(|r| r.rule.id.as_str())
            .collect();
        assert!(flagged.len() > 150, "{} rules", flagged.len());
        // `7z` is case-sensitive in its regex; `(?i)` rules are not.
        assert!(flagged.contains(&"archive-password-7z-rar"));
        assert!(!flagged.contains(&"env-secret"));
    }

    /// Whether the one rule of `toml` (a rule file) has exact keywords.
    fn exact(toml: &str) -> bool {
        let s = crate::Scrubber::builder()
            .defaults(false)
            .add_rules_str("t.toml", toml)
            .build()
            .unwrap();
        exact_keywords(&s.matcher().rules[0].rule)
    }

    #[test]
    fn exact_keywords_when_no_match_can_hold_another_case() {
        let rule = |regex: &str, follows: &str| {
            format!("[[rules]]\nid = 't'\nregex = '''{regex}'''\nkeywords = ['tool']\n{follows}\n")
        };
        // Case-insensitive: `TOOL -pX` matches.
        assert!(!exact(&rule(r"(?i)(?:^|\s)tool\s+-p(\S+)", "")));
        // The secret can hold `TOOL`, but the first occurrence is `tool`.
        assert!(exact(&rule(r"(?:^|\s)tool\s+-p(\S+)", "")));
        assert!(exact(&rule(
            r"(?:^|\s)tool\s{1,9}-p(\S+)",
            r"follows = '''\s{1,9}-p'''"
        )));
        // ... whose `follows` must accept it within the match.
        assert!(!exact(&rule(
            r"(?:^|\s)tool\s{1,9}-p(\S+)",
            r"follows = '''\s{1,9}-x'''"
        )));
        // A first occurrence in another case: `x TOOL tool -pX`.
        assert!(!exact(&rule(r"(?:^|\s)\w[\w ]{0,10}tool\s+-p(\S+)", "")));
        // Anchored at the keyword: no match may hold another case at all.
        assert!(exact(&rule(r"tool-[0-9]{8}", "")));
        assert!(!exact(&rule(r"tool-[A-Za-z]{8}", "")));
    }

    #[test]
    fn a_github_actions_timestamp_is_no_7z_keyword_hit() {
        // `...1234567Z ` ended every line's timestamp as a hit of `7z `,
        // whose `follows` then read the rest of the line.
        let s = crate::Scrubber::new();
        let m = s.matcher();
        let line = b"2026-12-05T09:41:00.1234567Z ##[group]Run cargo test -p hush";
        let at = line.windows(3).position(|w| w == b"7Z ").unwrap();
        let mut hits = 0;
        m.hits(line, 0, |_, start, _| hits += usize::from(start == at));
        assert_eq!(hits, 0, "`7Z ` is a hit");
        // As written, it still is, and the rule still finds its secrets.
        let line = b"2026-12-05T09:41:00.1234567Z 7z x a.7z -pQ4vR8zLw2Xk7Tn3e";
        let at = line.windows(3).position(|w| w == b"7z ").unwrap();
        m.hits(line, 0, |_, start, _| hits += usize::from(start == at));
        assert_eq!(hits, 1, "`7z ` is no hit");
        let out = s.scrub(line);
        assert!(
            out.ends_with(b"-p[REDACTED:archive-password-7z-rar]"),
            "{out:?}"
        );
    }

    #[test]
    fn a_default_rule_builds_no_split_during_a_scrub() {
        // Its split is prebuilt and used from the first match: building
        // the dense one at the SPLIT_AFTER-th match stalled that scrub for
        // up to 7.6 ms (env-secret 4 ms). A scrubber of its own: other
        // tests build splits of the shared default one.
        let s = crate::Scrubber::builder().build().unwrap();
        let line = "SESSION_SECRET=TKCVEHqclBGQhWOMcNr_s5Wh_1jIzT7m\n";
        let input = line.repeat(SPLIT_AFTER as usize + 10);
        assert_eq!(s.find(input.as_bytes()).len(), SPLIT_AFTER as usize + 10);
        let m = s.matcher();
        let r = m
            .rules
            .iter()
            .find(|r| r.rule.id == "env-secret")
            .expect("a default rule");
        assert!(r.prebuilt_split.get().is_some_and(Option::is_some));
        assert!(r.split.get().is_none(), "env-secret built its split");
    }

    #[test]
    fn a_scrub_of_the_defaults_compiles_nothing() {
        // Whatever a scrub with the default rules needs is read from
        // `prebuilt`: no regex, NFA, DFA or split is compiled or built, on
        // the test data (the benign corpus, the shapes of issue 14, the
        // secret-dense files) and every rule's examples and negatives,
        // scrubbed and found one-shot and streamed. Counted on this thread,
        // with a scrubber of its own (other tests build in theirs).
        use crate::matcher::BUILT;
        let count = || BUILT.with(std::cell::Cell::get);
        let before = count();
        // The counter counts: a compile on this thread is seen.
        crate::rule::compile("acme_[a-z]{8}", false).unwrap();
        assert_eq!(count(), before + 1);
        let s = crate::Scrubber::builder().build().unwrap();
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for dir in ["tests/data", "tests/data/benign"] {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_file() {
                    texts.push(std::fs::read(path).unwrap());
                }
            }
        }
        for r in s.rules() {
            texts.extend(r.examples.iter().map(|e| e.input.clone().into_bytes()));
            texts.extend(
                r.negative_examples
                    .iter()
                    .map(|(_, n)| n.clone().into_bytes()),
            );
        }
        assert!(texts.len() > 2000, "{} texts", texts.len());
        let before = count();
        let mut found = 0;
        for text in &texts {
            found += s.find(text).len();
            let one = s.scrub(text).into_owned();
            let mut stream = s.stream();
            let mut streamed = Vec::new();
            for piece in text.chunks(97) {
                streamed.extend_from_slice(stream.push(piece));
            }
            streamed.extend_from_slice(stream.finish());
            assert_eq!(streamed, one);
        }
        assert!(found > 2000, "{found} findings");
        assert_eq!(count() - before, 0, "compiled or built during a scrub");
    }

    #[test]
    fn warm_up_of_the_defaults_compiles_nothing() {
        // Everything it would compile for the defaults is prebuilt: it
        // reads that in (about 30 ms) rather than compiling every regex and
        // split that a scrub never uses (about 0.3 s before).
        use crate::matcher::BUILT;
        let count = || BUILT.with(std::cell::Cell::get);
        let s = crate::Scrubber::builder().build().unwrap();
        let before = count();
        s.warm_up();
        assert_eq!(count() - before, 0, "compiled or built by warm_up");
        let m = s.matcher();
        assert!(m.rules.iter().all(|r| r.regex.get().is_none()));
        assert!(
            m.rules
                .iter()
                .all(|r| r.split.get().is_none_or(Option::is_none))
        );
        assert!(
            m.rules
                .iter()
                .all(|r| r.loaded.get().is_some_and(Option::is_some))
        );
    }

    #[test]
    fn dfa_split_agrees_with_the_capture_engine_on_every_example() {
        let scrubber = crate::Scrubber::new();
        let m = scrubber.matcher();
        let corpus: Vec<Vec<u8>> = std::fs::read_dir("tests/data/benign")
            .unwrap()
            .flat_map(|e| {
                let text = std::fs::read(e.unwrap().path()).unwrap();
                text.split(|&b| b == b'\n')
                    .map(<[u8]>::to_vec)
                    .collect::<Vec<_>>()
            })
            .collect();
        let (mut split, mut fallback, mut prebuilt_agreed) = (0, 0, 0);
        let mut split_rules = 0;
        for cr in &m.rules {
            if secret_group(&cr.rule).is_none() {
                continue;
            }
            let re = cr.regex().unwrap();
            split_rules += usize::from(cr.built_split().is_some());
            // The prebuilt split is the built one, read back: there is one
            // for every rule whose split builds, and it answers the same.
            let prebuilt = cr.prebuilt_split();
            assert_eq!(
                prebuilt.is_some(),
                cr.built_split().is_some(),
                "rule {}",
                cr.rule.id
            );
            let inputs = cr
                .rule
                .examples()
                .map(|(i, _)| i.as_bytes().to_vec())
                .chain(cr.rule.negative_examples().map(|i| i.as_bytes().to_vec()))
                .chain(corpus.iter().cloned());
            for hay in inputs {
                for found in re.find_iter(&hay) {
                    let want = captured(re, cr, &hay, found.range());
                    let built = cr.built_split().and_then(|s| s.find(&hay, found.range()));
                    if let Some(prebuilt) = prebuilt {
                        assert_eq!(
                            prebuilt.find(&hay, found.range()),
                            built,
                            "rule {}",
                            cr.rule.id
                        );
                        prebuilt_agreed += 1;
                    }
                    match built {
                        Some(got) => {
                            split += 1;
                            assert_eq!(
                                got,
                                want,
                                "rule {} on {:?}",
                                cr.rule.id,
                                String::from_utf8_lossy(&hay)
                            );
                        }
                        None => fallback += 1,
                    }
                }
            }
        }
        eprintln!("split rules {split_rules}, split {split}, fallback {fallback}");
        assert!(split > 10 * fallback, "split {split}, fallback {fallback}");
        assert!(
            prebuilt_agreed > split,
            "{prebuilt_agreed} prebuilt answers"
        );
    }
}
