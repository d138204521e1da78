//! The runtime side of a rule: the DFAs a scrub runs at each keyword
//! hit (built here on first use, or read in place from `prebuilt`), and
//! what a rule's `follows` and allowlists answer with them.
//!
//! `rule.rs` says what a rule file means and checks it; `compile.rs` turns
//! the checked rules into a [`crate::compile::Matcher`]; this module holds
//! the pieces the matcher asks at each hit, so that a scrub does not climb
//! back into the checking code.

use regex_automata::{Input, meta};

use crate::rule::{Allowlist, Follows, NFA_SIZE_LIMIT, Target, allowlist_regex};

#[cfg(test)]
thread_local! {
    /// How many regexes, NFAs, DFAs and splits this thread has compiled or
    /// built (see [`built`]).
    pub(crate) static BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts a compile or a build on this thread, in tests: they assert that
/// a scrub of the defaults compiles nothing (whatever it needs is read from
/// `prebuilt`). Free outside tests.
#[inline]
pub(crate) fn built() {
    #[cfg(test)]
    BUILT.with(|b| b.set(b.get() + 1));
}

impl Follows {
    /// Whether the pattern matches starting at `at`, within `hay[..end]`
    /// (look-around sees the bytes beyond). A pattern whose DFA would be
    /// too big matches everywhere: it filters nothing, and the rule runs.
    pub(crate) fn matches_at(&self, hay: &[u8], at: usize, end: usize) -> bool {
        match self.dfa() {
            Some(dfa) => dfa.matches_at(hay, at, end),
            None => true,
        }
    }

    /// Whether the pattern compiles to a DFA within the size limits (`hush
    /// check` reports one that does not).
    pub(crate) fn compiles(&self) -> bool {
        self.dfa().is_some()
    }

    fn dfa(&self) -> Option<&AnchoredDfa> {
        self.dfa
            .get_or_init(|| {
                // The defaults' are prebuilt (see `prebuilt`).
                crate::prebuilt::anchored(&self.pattern)
                    .unwrap_or_else(|| AnchoredDfa::new(&[self.relaxed()]))
            })
            .as_ref()
    }
}

impl Allowlist {
    /// Whether the allowlist's regexes compile (they are compiled on first
    /// use; one that fails allows nothing).
    pub(crate) fn compiles(&self) -> bool {
        self.patterns.is_empty()
            || self.prebuilt().is_some()
            || self.loaded().is_some()
            || self.regex().is_some()
    }

    fn loaded(&self) -> Option<&LazyMatch> {
        self.loaded
            .get_or_init(|| crate::prebuilt::loaded_set(&self.patterns))
            .as_ref()
    }

    fn prebuilt(&self) -> Option<&Unanchored> {
        self.prebuilt
            .get_or_init(|| crate::prebuilt::unanchored(&self.patterns, false))
            .as_ref()
    }

    /// Whether a regex matches `target`: by the prebuilt DFA if there is
    /// one (it was built from the patterns parsed as [`Allowlist::regex`]
    /// parses them first, and only if that parse compiles), else by the
    /// regex.
    fn regex_hit(&self, target: &[u8]) -> bool {
        if let Some(hit) = self
            .prebuilt()
            .and_then(|d| d.is_match(&Input::new(target)))
        {
            return hit;
        }
        if let Some(loaded) = self.loaded() {
            return loaded.is_match(&Input::new(target));
        }
        self.regex().is_some_and(|re| re.is_match(target))
    }

    fn regex(&self) -> Option<&meta::Regex> {
        self.regexes
            .get_or_init(|| {
                allowlist_regex(&self.patterns, false)
                    .or_else(|| allowlist_regex(&self.patterns, true))
            })
            .as_ref()
    }

    /// The prebuilt DFA of the regexes, built: `None` if there are none,
    /// if they do not compile as [`Allowlist::regex`] first tries them
    /// (without Unicode), or if the DFA would be too big.
    #[cfg(test)]
    pub(crate) fn prebuild(&self) -> Option<Unanchored> {
        if self.patterns.is_empty() {
            return None;
        }
        allowlist_regex(&self.patterns, false)?;
        let hirs = self
            .patterns
            .iter()
            .map(|p| {
                regex_automata::util::syntax::parse_with(p, &crate::rule::syntax_config(false)).ok()
            })
            .collect::<Option<Vec<_>>>()?;
        Unanchored::new(&hirs)
    }

    /// Whether this allowlist allows a candidate with the given secret,
    /// whole match and line.
    pub(crate) fn allows(&self, secret: &[u8], whole: &[u8], line: &[u8]) -> bool {
        let target = match self.target {
            Target::Secret => secret,
            Target::Match => whole,
            Target::Line => line,
        };
        let regex_hit = || self.regex_hit(target);
        let stop_hit = || {
            self.stopwords
                .iter()
                .any(|w| contains_ignore_ascii_case(secret, w))
        };
        if self.all {
            // Every criterion given must hold; paths and commits never do.
            if self.has_path_criteria {
                return false;
            }
            let mut any = false;
            if !self.patterns.is_empty() {
                if !regex_hit() {
                    return false;
                }
                any = true;
            }
            if !self.stopwords.is_empty() {
                if !stop_hit() {
                    return false;
                }
                any = true;
            }
            any
        } else {
            (!self.patterns.is_empty() && regex_hit()) || stop_hit()
        }
    }
}

/// Whether `needle` occurs in `hay`, ASCII case ignored: its first byte
/// found (in either case) with `memchr2`, then the rest compared.
fn contains_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let Some(last) = hay.len().checked_sub(needle.len()) else {
        return false;
    };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut at = 0;
    while let Some(i) = memchr::memchr2(lower, upper, &hay[at..=last]) {
        let start = at + i;
        if hay[start + 1..start + needle.len()].eq_ignore_ascii_case(rest) {
            return true;
        }
        if start == last {
            return false;
        }
        at = start + 1;
    }
    false
}

/// A full DFA for anchored searches, with the bytes it can start on.
pub(crate) struct AnchoredDfa {
    dfa: Dense,
    /// `first[b]`: whether a match can begin with byte `b`, or begin
    /// empty before it. All `true` if the start depends on the byte
    /// before (look-behind).
    first: [bool; 256],
}

impl AnchoredDfa {
    /// A DFA of any of `hirs`, or `None` if it would be too big.
    pub(crate) fn new(hirs: &[regex_syntax::hir::Hir]) -> Option<AnchoredDfa> {
        let any = regex_syntax::hir::Hir::alternation(hirs.to_vec());
        let (dfa, first) = anchored_dense(&[any], regex_automata::MatchKind::LeftmostFirst)?;
        Some(AnchoredDfa {
            dfa: Dense::Built(dfa),
            first,
        })
    }

    /// Writes the DFA for `prebuilt` (as [`AnchoredSet::encode`] does).
    #[cfg(test)]
    pub(crate) fn encode(&self, e: &mut crate::prebuilt::Enc, area: &mut crate::prebuilt::Area) {
        area.dfa(e, self.dfa.to_bytes());
        encode_first(e, &self.first);
    }

    /// Reads a DFA written by [`AnchoredDfa::encode`].
    pub(crate) fn decode(
        d: &mut crate::prebuilt::Dec<'_>,
        area: &'static [u8],
    ) -> Option<AnchoredDfa> {
        let dfa = d.dfa(area)?;
        let first = decode_first(d)?;
        (regex_automata::dfa::Automaton::pattern_len(&dfa) == 1).then_some(AnchoredDfa {
            dfa: Dense::Prebuilt(dfa),
            first,
        })
    }

    /// Whether the DFA matches starting at `at`, within `hay[..end]`;
    /// look-around sees the bytes beyond. A DFA that gives up (a quit byte)
    /// counts as a match, so that the caller goes on and decides the slow
    /// way.
    pub(crate) fn matches_at(&self, hay: &[u8], at: usize, end: usize) -> bool {
        if at > end {
            return false;
        }
        // Most keyword occurrences are followed by a byte no match begins
        // with: one load from a small table rather than from the DFA's.
        if let Some(&b) = hay.get(at)
            && !self.first[usize::from(b)]
        {
            return false;
        }
        match &self.dfa {
            Dense::Built(dfa) => any_walk(dfa, hay, at, end),
            Dense::Prebuilt(dfa) => any_walk(dfa, hay, at, end),
        }
    }
}

/// [`AnchoredDfa::matches_at`] past its first-byte check.
fn any_walk<A: regex_automata::dfa::Automaton>(dfa: &A, hay: &[u8], at: usize, end: usize) -> bool {
    let Some(mut sid) = anchored_start(dfa, hay, at, end) else {
        return true;
    };
    // Match states are entered one byte after a match ends.
    for &b in &hay[at..end] {
        sid = dfa.next_state(sid, b);
        if dfa.is_special_state(sid) {
            if dfa.is_match_state(sid) || dfa.is_quit_state(sid) {
                return true;
            }
            if dfa.is_dead_state(sid) {
                return false;
            }
        }
    }
    sid = match hay.get(end) {
        Some(&b) => dfa.next_state(sid, b),
        None => dfa.next_eoi_state(sid),
    };
    dfa.is_match_state(sid) || dfa.is_quit_state(sid)
}

/// Whether any of several patterns matches in a range, in a forward pass
/// of a DFA per part of the patterns (no capture groups, no match bounds):
/// a prebuilt allowlist or keyword group prefilter. Built only ahead of
/// time, for the defaults: the patterns in one DFA if it is small, else
/// cut in halves until each part's DFA is, in at most
/// [`UNANCHORED_PARTS`] parts; others use a `meta::Regex`.
///
/// The patterns that can only match at the start of a line (`^...`, most
/// of an allowlist's) are in parts of their own, anchored DFAs run at the
/// start of the range and after each line break in it: they stop a few
/// bytes in, where an unanchored DFA reads the whole range (the 24
/// patterns of `env-secret`'s allowlist took 11 unanchored parts, each
/// reading the whole secret).
pub(crate) struct Unanchored(Box<[Dense]>);

impl Unanchored {
    /// DFAs of `hirs`, or `None` if they would be too big or too many, or
    /// need Unicode word boundaries (which a DFA gives up on).
    #[cfg(test)]
    pub(crate) fn new(hirs: &[regex_syntax::hir::Hir]) -> Option<Unanchored> {
        use regex_automata::dfa::StartKind;
        use regex_syntax::hir::Look;
        let at_lines = |h: &regex_syntax::hir::Hir| {
            let prefix = h.properties().look_set_prefix();
            prefix.contains(Look::Start)
                || prefix.contains(Look::StartLF)
                || prefix.contains(Look::StartCRLF)
        };
        let (lines, rest): (Vec<_>, Vec<_>) = hirs.iter().cloned().partition(at_lines);
        let mut parts = Vec::new();
        if !lines.is_empty() {
            Unanchored::cut(&lines, StartKind::Anchored, &mut parts)?;
        }
        if !rest.is_empty() {
            Unanchored::cut(&rest, StartKind::Unanchored, &mut parts)?;
        }
        Some(Unanchored(parts.into_boxed_slice()))
    }

    /// Adds the DFAs of `hirs` to `parts`: one, or those of each half.
    #[cfg(test)]
    fn cut(
        hirs: &[regex_syntax::hir::Hir],
        kind: regex_automata::dfa::StartKind,
        parts: &mut Vec<Dense>,
    ) -> Option<()> {
        // One pattern alone may take more than a part of several.
        let limit = if hirs.len() == 1 {
            UNANCHORED_ONE_LIMIT
        } else {
            UNANCHORED_LIMIT
        };
        if let Some(dfa) = Unanchored::one(hirs, kind, limit) {
            parts.push(Dense::Built(dfa));
            return (parts.len() <= UNANCHORED_PARTS).then_some(());
        }
        if hirs.len() < 2 {
            return None;
        }
        let (left, right) = hirs.split_at(hirs.len() / 2);
        Unanchored::cut(left, kind, parts)?;
        Unanchored::cut(right, kind, parts)
    }

    #[cfg(test)]
    fn one(
        hirs: &[regex_syntax::hir::Hir],
        kind: regex_automata::dfa::StartKind,
        limit: usize,
    ) -> Option<regex_automata::dfa::dense::DFA<Vec<u32>>> {
        let config = regex_automata::dfa::dense::Config::new()
            .start_kind(kind)
            .match_kind(regex_automata::MatchKind::All);
        dense_of(hirs, false, config, limit)
    }

    /// How many DFAs the patterns take.
    #[cfg(test)]
    pub(crate) fn parts(&self) -> usize {
        self.0.len()
    }

    /// Writes the DFAs for `prebuilt`.
    #[cfg(test)]
    pub(crate) fn encode(&self, e: &mut crate::prebuilt::Enc, area: &mut crate::prebuilt::Area) {
        e.len(self.0.len());
        for dfa in &self.0 {
            area.dfa(e, dfa.to_bytes());
        }
    }

    /// Reads DFAs written by [`Unanchored::encode`].
    pub(crate) fn decode(
        d: &mut crate::prebuilt::Dec<'_>,
        area: &'static [u8],
    ) -> Option<Unanchored> {
        use regex_automata::Anchored;
        let n = d.len()?;
        if n == 0 || n > UNANCHORED_PARTS {
            return None;
        }
        let mut parts = Vec::with_capacity(n);
        for _ in 0..n {
            let dfa = d.dfa(area)?;
            // A part must start the searches it is run with.
            let mode = match dfa.start_kind() {
                regex_automata::dfa::StartKind::Anchored => Anchored::Yes,
                _ => Anchored::No,
            };
            regex_automata::dfa::Automaton::universal_start_state(&dfa, mode).or_else(|| {
                let input = Input::new(b"").anchored(mode);
                regex_automata::dfa::Automaton::start_state_forward(&dfa, &input).ok()
            })?;
            parts.push(Dense::Prebuilt(dfa));
        }
        Some(Unanchored(parts.into_boxed_slice()))
    }

    /// Whether any pattern matches in `input` (look-around sees the bytes
    /// around its range); `None` if a DFA gives up and no other part
    /// matches.
    pub(crate) fn is_match(&self, input: &Input<'_>) -> Option<bool> {
        let input = input.clone().earliest(true);
        let mut answer = Some(false);
        for part in &self.0 {
            use regex_automata::dfa::StartKind::Anchored;
            let found = match part {
                Dense::Built(dfa) => part_match(dfa, dfa.start_kind() == Anchored, &input),
                Dense::Prebuilt(dfa) => part_match(dfa, dfa.start_kind() == Anchored, &input),
            };
            match found {
                Some(true) => return Some(true),
                Some(false) => {}
                None => answer = None,
            }
        }
        answer
    }
}

/// Whether one part of an [`Unanchored`] matches in `input`: anywhere,
/// or for an `anchored` part, at the start of its range or after a line
/// break in it; `None` if the DFA gives up.
fn part_match<A: regex_automata::dfa::Automaton>(
    dfa: &A,
    anchored: bool,
    input: &Input<'_>,
) -> Option<bool> {
    if !anchored {
        return dfa.try_search_fwd(input).ok().map(|m| m.is_some());
    }
    let span = input.get_span();
    let hay = input.haystack();
    let mut at = span.start;
    let mut answer = Some(false);
    loop {
        let one = input
            .clone()
            .range(at..span.end)
            .anchored(regex_automata::Anchored::Yes);
        match dfa.try_search_fwd(&one) {
            Ok(Some(_)) => return Some(true),
            Ok(None) => {}
            Err(_) => answer = None,
        }
        match memchr::memchr2(b'\n', b'\r', &hay[at..span.end]) {
            Some(i) => at += i + 1,
            None => return answer,
        }
    }
}

/// A rule's regex as prebuilt DFAs that find where a match is (forward to
/// its end, then back to its start), with no capture groups: a scrub
/// searches a default rule's windows with them, and compiles the regex
/// only for the groups of a match (most rules that are searched never
/// match). Built only ahead of time, for the default rules whose DFAs are
/// small.
pub(crate) struct RuleSearch(
    regex_automata::dfa::regex::Regex<regex_automata::dfa::dense::DFA<&'static [u32]>>,
);

impl RuleSearch {
    /// The forward and reverse DFAs of a rule's regex (its relaxed parse),
    /// serialized, or `None` if either would be too big or needs Unicode
    /// word boundaries. They find what the rule's `meta::Regex` finds: the
    /// same parse, the same NFA settings, leftmost-first.
    #[cfg(test)]
    pub(crate) fn build(hir: &regex_syntax::hir::Hir) -> Option<(Vec<u8>, Vec<u8>)> {
        use regex_automata::dfa::{StartKind, dense};
        let hirs = std::slice::from_ref(hir);
        // Unanchored and anchored searches, or if that is too big, anchored
        // ones only (those of a rule whose match starts at its keyword; an
        // unanchored search is then left to the regex).
        let forward = |kind: StartKind| {
            let config = dense::Config::new()
                .start_kind(kind)
                .match_kind(regex_automata::MatchKind::LeftmostFirst);
            dense_of(hirs, false, config, SEARCH_LIMIT)
        };
        let forward = forward(StartKind::Both).or_else(|| forward(StartKind::Anchored))?;
        let config = dense::Config::new()
            .prefilter(None)
            .specialize_start_states(false)
            .start_kind(StartKind::Anchored)
            .match_kind(regex_automata::MatchKind::All);
        let reverse = dense_of(hirs, true, config, SEARCH_LIMIT)?;
        Some((
            Dense::Built(forward).to_bytes(),
            Dense::Built(reverse).to_bytes(),
        ))
    }

    /// Reads DFAs written from [`RuleSearch::build`].
    pub(crate) fn decode(
        d: &mut crate::prebuilt::Dec<'_>,
        area: &'static [u8],
    ) -> Option<RuleSearch> {
        use regex_automata::dfa::StartKind;
        let forward = d.dfa(area)?;
        let reverse = d.dfa(area)?;
        // The reverse search is anchored. (A search the forward DFA does not
        // support is an error, which the regex answers.)
        if reverse.start_kind() == StartKind::Unanchored {
            return None;
        }
        let regex = regex_automata::dfa::regex::Regex::builder().build_from_dfas(forward, reverse);
        Some(RuleSearch(regex))
    }

    /// Where the leftmost-first match in `input` is, or `Err` if a DFA gives
    /// up or does not support the search's anchoring (the regex answers
    /// then).
    pub(crate) fn search(
        &self,
        input: &Input<'_>,
    ) -> Result<Option<regex_automata::Match>, regex_automata::MatchError> {
        self.0.try_search(input)
    }
}

/// The NFA settings of a rule's regex (see `rule::meta_config`): no UTF-8
/// mode (a match may split a character; windows are rounded to whole
/// characters afterwards) and the size limit of every regex here.
fn nfa_config() -> regex_automata::nfa::thompson::Config {
    regex_automata::nfa::thompson::Config::new()
        .utf8(false)
        .nfa_size_limit(Some(NFA_SIZE_LIMIT))
}

/// The lazy DFA settings of a [`Loaded`] or [`LazyMatch`], as `meta`
/// sets its own: give up on a non-ASCII byte next to a Unicode word
/// boundary, and when the cache is cleared too often to be worth it (the
/// PikeVM answers then).
fn lazy_config() -> regex_automata::hybrid::dfa::Config {
    regex_automata::hybrid::dfa::Config::new()
        .unicode_word_boundary(true)
        .minimum_cache_clear_count(Some(3))
        .minimum_bytes_per_state(Some(10))
}

/// What makes an engine's caches (of type `T`) for its pool, one per
/// thread searching at once.
type MakeCache<T> =
    Box<dyn Fn() -> T + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

/// A default rule's regex, loaded from its prebuilt Thompson NFAs
/// (forward, with its capture groups, and reverse) rather than compiled:
/// nothing is parsed or compiled on first use, and the engines built over
/// the NFAs take microseconds to set up. It answers what the rule's
/// `meta::Regex` answers (the same parse, the same NFA settings,
/// leftmost-first): a match's span by a forward then a reverse lazy DFA
/// (the engine `meta` runs on windows like these), its groups by a bounded
/// backtracker, and the PikeVM when a lazy DFA gives up (a Unicode word
/// boundary next to a non-ASCII byte, or a cache cleared too often).
pub(crate) struct Loaded {
    regex: std::sync::Arc<regex_automata::hybrid::regex::Regex>,
    backtrack: regex_automata::nfa::thompson::backtrack::BoundedBacktracker,
    pikevm: regex_automata::nfa::thompson::pikevm::PikeVM,
    /// The engines' caches, one set per thread searching at once.
    caches: regex_automata::util::pool::Pool<LoadedCache, NewLoadedCache>,
}

/// The caches of a [`Loaded`]'s engines: the lazy DFAs' from the start,
/// the others (the PikeVM's with captures for a search that only wants
/// the span) made when first needed, which for most rules is never.
struct LoadedCache {
    regex: regex_automata::hybrid::regex::Cache,
    backtrack: Option<regex_automata::nfa::thompson::backtrack::Cache>,
    pikevm: Option<(
        regex_automata::nfa::thompson::pikevm::Cache,
        regex_automata::util::captures::Captures,
    )>,
}

/// What makes a [`Loaded`]'s caches.
type NewLoadedCache = MakeCache<LoadedCache>;

impl Loaded {
    /// The NFAs of a rule's regex (its relaxed parse) as the rule's
    /// `meta::Regex` compiles them: forward with every capture group,
    /// reverse with none; `None` if either does not build.
    #[cfg(test)]
    pub(crate) fn nfas(
        hir: &regex_syntax::hir::Hir,
    ) -> Option<(
        regex_automata::nfa::thompson::NFA,
        regex_automata::nfa::thompson::NFA,
    )> {
        use regex_automata::nfa::thompson;
        let config = nfa_config();
        let forward = thompson::Compiler::new()
            .configure(config.clone())
            .build_from_hir(hir)
            .ok()?;
        let reverse = thompson::Compiler::new()
            .configure(
                config
                    .reverse(true)
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build_from_hir(hir)
            .ok()?;
        Some((forward, reverse))
    }

    /// The engines over `forward` and `reverse` (from [`Loaded::nfas`]),
    /// or `None` if they do not build.
    pub(crate) fn new(
        forward: regex_automata::nfa::thompson::NFA,
        reverse: regex_automata::nfa::thompson::NFA,
    ) -> Option<Loaded> {
        use regex_automata::hybrid::{dfa, regex};
        use regex_automata::nfa::thompson::{backtrack, pikevm};
        if forward.is_reverse() || !reverse.is_reverse() {
            return None;
        }
        let fwd = dfa::Builder::new()
            .configure(lazy_config().match_kind(regex_automata::MatchKind::LeftmostFirst))
            .build_from_nfa(forward.clone())
            .ok()?;
        let rev = dfa::Builder::new()
            .configure(
                lazy_config()
                    .prefilter(None)
                    .specialize_start_states(false)
                    .match_kind(regex_automata::MatchKind::All),
            )
            .build_from_nfa(reverse)
            .ok()?;
        let regex = std::sync::Arc::new(regex::Builder::new().build_from_dfas(fwd, rev));
        let backtrack = backtrack::BoundedBacktracker::new_from_nfa(forward.clone()).ok()?;
        let pikevm = pikevm::PikeVM::new_from_nfa(forward).ok()?;
        let r = regex.clone();
        let new = move || LoadedCache {
            regex: r.create_cache(),
            backtrack: None,
            pikevm: None,
        };
        let caches = regex_automata::util::pool::Pool::new(Box::new(new) as NewLoadedCache);
        Some(Loaded {
            regex,
            backtrack,
            pikevm,
            caches,
        })
    }

    /// The leftmost-first match in `input`, as the rule's regex finds it.
    pub(crate) fn search(&self, input: &Input<'_>) -> Option<regex_automata::Match> {
        let mut cache = self.caches.get();
        let cache = &mut *cache;
        match self.regex.try_search(&mut cache.regex, input) {
            Ok(found) => found,
            Err(_) => {
                let (pikevm, caps) = cache.pikevm.get_or_insert_with(|| {
                    (self.pikevm.create_cache(), self.pikevm.create_captures())
                });
                self.pikevm.search(pikevm, input, caps);
                caps.get_match()
            }
        }
    }

    /// Captures as sized for this regex's groups.
    pub(crate) fn create_captures(&self) -> regex_automata::util::captures::Captures {
        self.pikevm.create_captures()
    }

    /// The leftmost-first match in `input` with its groups, into `caps`
    /// (from [`Loaded::create_captures`]).
    pub(crate) fn search_captures(
        &self,
        input: &Input<'_>,
        caps: &mut regex_automata::util::captures::Captures,
    ) {
        let mut cache = self.caches.get();
        let cache = &mut *cache;
        let backtrack = cache
            .backtrack
            .get_or_insert_with(|| self.backtrack.create_cache());
        if self.backtrack.try_search(backtrack, input, caps).is_err() {
            let (pikevm, _) = cache
                .pikevm
                .get_or_insert_with(|| (self.pikevm.create_cache(), self.pikevm.create_captures()));
            self.pikevm.search(pikevm, input, caps);
        }
    }
}

/// Whether regexes match, by a lazy DFA over their Thompson NFA (one
/// pattern: the alternation of them, which matches where any does), and
/// the PikeVM where the lazy DFA gives up: what a `meta::Regex`'s
/// `is_match` answers, for a fraction of its set-up. Two uses: a default
/// allowlist whose DFA would be too big, loaded from its prebuilt NFA (no
/// compile), and the first check of a rule not of the defaults without
/// prebuilt DFAs or NFAs, built on first use (about half the work of
/// compiling its regex): most windows of a generic context rule hold no
/// match, and its regex is compiled only at the first window that does.
pub(crate) struct LazyMatch {
    dfa: regex_automata::hybrid::dfa::DFA,
    pikevm: regex_automata::nfa::thompson::pikevm::PikeVM,
    caches: regex_automata::util::pool::Pool<LazyMatchCache, NewLazyMatchCache>,
}

/// The caches of a [`LazyMatch`]'s engines.
/// (The PikeVM's made when first needed, as in [`LoadedCache`].)
struct LazyMatchCache {
    dfa: regex_automata::hybrid::dfa::Cache,
    pikevm: Option<regex_automata::nfa::thompson::pikevm::Cache>,
}

/// What makes a [`LazyMatch`]'s caches.
type NewLazyMatchCache = MakeCache<LazyMatchCache>;

impl LazyMatch {
    /// The NFA of `hirs` (an allowlist's regexes, as it parses them, or a
    /// rule's relaxed parse) in one pattern, with no groups; `None` if it
    /// does not build.
    pub(crate) fn nfa(
        hirs: &[regex_syntax::hir::Hir],
    ) -> Option<regex_automata::nfa::thompson::NFA> {
        use regex_automata::nfa::thompson;
        thompson::Compiler::new()
            .configure(nfa_config().which_captures(thompson::WhichCaptures::None))
            .build_from_hir(&regex_syntax::hir::Hir::alternation(hirs.to_vec()))
            .ok()
    }

    /// The engines over `nfa` (from [`LazyMatch::nfa`]), or `None` if they
    /// do not build.
    pub(crate) fn new(nfa: regex_automata::nfa::thompson::NFA) -> Option<LazyMatch> {
        use regex_automata::hybrid::dfa;
        use regex_automata::nfa::thompson::pikevm;
        if nfa.is_reverse() {
            return None;
        }
        let dfa = dfa::Builder::new()
            .configure(lazy_config())
            .build_from_nfa(nfa.clone())
            .ok()?;
        let pikevm = pikevm::PikeVM::new_from_nfa(nfa).ok()?;
        let d = dfa.clone();
        let new = move || LazyMatchCache {
            dfa: d.create_cache(),
            pikevm: None,
        };
        let caches = regex_automata::util::pool::Pool::new(Box::new(new) as NewLazyMatchCache);
        Some(LazyMatch {
            dfa,
            pikevm,
            caches,
        })
    }

    /// Whether any of the regexes matches in `input` (its range, anchoring
    /// and look-around as a regex would see them).
    pub(crate) fn is_match(&self, input: &Input<'_>) -> bool {
        let mut cache = self.caches.get();
        let cache = &mut *cache;
        let input = input.clone().earliest(true);
        match self.dfa.try_search_fwd(&mut cache.dfa, &input) {
            Ok(found) => found.is_some(),
            Err(_) => {
                let pikevm = cache
                    .pikevm
                    .get_or_insert_with(|| self.pikevm.create_cache());
                self.pikevm.is_match(pikevm, input)
            }
        }
    }
}

/// The size limit of each of a [`RuleSearch`]'s DFAs.
#[cfg(test)]
const SEARCH_LIMIT: usize = 32 << 10;

/// The most DFAs one [`Unanchored`] is cut into: each part is a pass over
/// the bytes (short ones: an allowlist's candidate, a group's windows), so
/// their number is bounded; sixteen lets in the defaults' largest
/// allowlists (`config-secret`'s 31 patterns take 14 parts,
/// `quoted-secret`'s 30 take 13: with twelve, each was compiled on the
/// first candidate of its rule, about 2 ms).
const UNANCHORED_PARTS: usize = 16;

/// The size limit of one part of an [`Unanchored`] of several patterns:
/// small parts cost less in all than big ones (a DFA of many patterns
/// grows faster than its patterns), and a scrub reads only the pages of
/// the parts it uses. The defaults' allowlists and prefilters that fit take
/// about 20 MB of `prebuilt.bin`.
#[cfg(test)]
const UNANCHORED_LIMIT: usize = 128 << 10;

/// The size limit of a part that is one pattern.
#[cfg(test)]
const UNANCHORED_ONE_LIMIT: usize = 512 << 10;

/// Several anchored patterns in one DFA that says which of them match at a
/// position, in one pass over the bytes (a keyword group's `follows`).
pub(crate) struct AnchoredSet {
    dfa: Dense,
    /// `first[b]`: whether any match can begin with byte `b` (as in
    /// [`AnchoredDfa`]).
    first: [bool; 256],
    /// One bit for each pattern: the answer when all of them match.
    all: u64,
}

impl AnchoredSet {
    /// The most patterns a set holds: one bit each in the answer.
    pub(crate) const MAX: usize = 64;

    /// Writes the set for `prebuilt`: its DFA into `area` (see
    /// [`crate::prebuilt::Area`]), then `first` and `all`.
    #[cfg(test)]
    pub(crate) fn encode(&self, e: &mut crate::prebuilt::Enc, area: &mut crate::prebuilt::Area) {
        area.dfa(e, self.dfa.to_bytes());
        encode_first(e, &self.first);
        e.u64(self.all);
    }

    /// Reads a set written by [`AnchoredSet::encode`], its DFA in place in
    /// `area` (regex-automata checks it as it reads it). `None` if
    /// anything is out of place (on a big-endian machine, always: the set
    /// is then built).
    pub(crate) fn decode(
        d: &mut crate::prebuilt::Dec<'_>,
        area: &'static [u8],
    ) -> Option<AnchoredSet> {
        let dfa = d.dfa(area)?;
        let first = decode_first(d)?;
        let all = d.u64()?;
        let n = regex_automata::dfa::Automaton::pattern_len(&dfa);
        ((1..=Self::MAX).contains(&n) && all == u64::MAX >> (64 - n)).then_some(AnchoredSet {
            dfa: Dense::Prebuilt(dfa),
            first,
            all,
        })
    }

    /// A DFA of `hirs`, or `None` if it would be too big or they are more
    /// than [`AnchoredSet::MAX`].
    pub(crate) fn new(hirs: &[regex_syntax::hir::Hir]) -> Option<AnchoredSet> {
        if hirs.is_empty() || hirs.len() > Self::MAX {
            return None;
        }
        let (dfa, first) = anchored_dense(hirs, regex_automata::MatchKind::All)?;
        let all = u64::MAX >> (64 - hirs.len());
        Some(AnchoredSet {
            dfa: Dense::Built(dfa),
            first,
            all,
        })
    }

    /// The bytes of the set's DFA.
    #[cfg(test)]
    pub(crate) fn size(&self) -> usize {
        self.dfa.to_bytes().len()
    }

    /// Which patterns match starting at `at` within `hay[..end]`, one bit
    /// per pattern (bit `i` for `hirs[i]`); look-around sees the bytes
    /// beyond. `None` if the DFA gives up (a quit byte): the caller then
    /// asks each pattern on its own.
    pub(crate) fn matching(&self, hay: &[u8], at: usize, end: usize) -> Option<u64> {
        if at > end {
            return Some(0);
        }
        if let Some(&b) = hay.get(at)
            && !self.first[usize::from(b)]
        {
            return Some(0);
        }
        match &self.dfa {
            Dense::Built(dfa) => set_walk(dfa, self.all, hay, at, end),
            Dense::Prebuilt(dfa) => set_walk(dfa, self.all, hay, at, end),
        }
    }
}

/// Writes a table of the bytes a match can begin with, a byte (0 or 1)
/// each.
#[cfg(test)]
fn encode_first(e: &mut crate::prebuilt::Enc, first: &[bool; 256]) {
    e.0.extend(first.iter().map(|&b| u8::from(b)));
}

/// Reads a table written by [`encode_first`]; `None` if a byte is not 0
/// or 1.
fn decode_first(d: &mut crate::prebuilt::Dec<'_>) -> Option<[bool; 256]> {
    let mut first = [false; 256];
    for f in &mut first {
        *f = match d.u8()? {
            0 => false,
            1 => true,
            _ => return None,
        };
    }
    Some(first)
}

/// A dense DFA built here, or read in place from `prebuilt`.
pub(crate) enum Dense {
    Built(regex_automata::dfa::dense::DFA<Vec<u32>>),
    Prebuilt(regex_automata::dfa::dense::DFA<&'static [u32]>),
}

impl Dense {
    /// The DFA in regex-automata's own little-endian form.
    #[cfg(test)]
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let (bytes, pad) = match self {
            Dense::Built(dfa) => dfa.to_bytes_little_endian(),
            Dense::Prebuilt(dfa) => dfa.to_bytes_little_endian(),
        };
        bytes[pad..].to_vec()
    }
}

/// [`AnchoredSet::matching`] past its first-byte check.
fn set_walk<A: regex_automata::dfa::Automaton>(
    dfa: &A,
    all: u64,
    hay: &[u8],
    at: usize,
    end: usize,
) -> Option<u64> {
    let mut sid = anchored_start(dfa, hay, at, end)?;
    let mut mask = 0u64;
    let mut add = |sid| {
        for i in 0..dfa.match_len(sid) {
            mask |= 1u64 << dfa.match_pattern(sid, i).as_usize();
        }
        mask
    };
    // Match states are entered one byte after a match ends. Once every
    // pattern has matched, the rest of the walk cannot change the answer
    // (a `follows` that matches a value walks on through it).
    for &b in &hay[at..end] {
        sid = dfa.next_state(sid, b);
        if dfa.is_special_state(sid) {
            if dfa.is_quit_state(sid) {
                return None;
            }
            if dfa.is_dead_state(sid) {
                return Some(mask);
            }
            if dfa.is_match_state(sid) && add(sid) == all {
                return Some(all);
            }
        }
    }
    sid = match hay.get(end) {
        Some(&b) => dfa.next_state(sid, b),
        None => dfa.next_eoi_state(sid),
    };
    if dfa.is_quit_state(sid) {
        return None;
    }
    if dfa.is_match_state(sid) {
        add(sid);
    }
    Some(mask)
}

/// A dense DFA of `hirs` (of their reverse if `reverse`) with `config`, at
/// most `limit` bytes (twice that while determinizing), from the NFA every
/// DFA here takes: over bytes, not UTF-8, with no capture groups.
pub(crate) fn dense_of(
    hirs: &[regex_syntax::hir::Hir],
    reverse: bool,
    config: regex_automata::dfa::dense::Config,
    limit: usize,
) -> Option<regex_automata::dfa::dense::DFA<Vec<u32>>> {
    built();
    use regex_automata::nfa::thompson;
    let nfa = thompson::Compiler::new()
        .configure(
            nfa_config()
                .reverse(reverse)
                .which_captures(thompson::WhichCaptures::None),
        )
        .build_many_from_hir(hirs)
        .ok()?;
    regex_automata::dfa::dense::Builder::new()
        .configure(
            config
                .dfa_size_limit(Some(limit))
                .determinize_size_limit(Some(2 * limit)),
        )
        .build_from_nfa(&nfa)
        .ok()
}

/// An anchored dense DFA with one pattern per `hir`, and for each byte
/// whether a match can begin with it (or begin empty before it; all `true`
/// if the start depends on the byte before), or `None` if it would be too
/// big.
fn anchored_dense(
    hirs: &[regex_syntax::hir::Hir],
    kind: regex_automata::MatchKind,
) -> Option<(regex_automata::dfa::dense::DFA<Vec<u32>>, [bool; 256])> {
    use regex_automata::dfa::{Automaton, StartKind, dense};
    let config = dense::Config::new()
        .start_kind(StartKind::Anchored)
        .match_kind(kind);
    let dfa = dense_of(hirs, false, config, 1 << 20)?;
    let mut first = [true; 256];
    if let Some(start) = dfa.universal_start_state(regex_automata::Anchored::Yes) {
        for (b, ok) in first.iter_mut().enumerate() {
            *ok = !dfa.is_dead_state(dfa.next_state(start, b as u8));
        }
    }
    Some((dfa, first))
}

/// The anchored start state of `dfa` for a search of `hay[at..end]`, or
/// `None` if the DFA gives up there (a quit byte behind a look-behind).
fn anchored_start<A: regex_automata::dfa::Automaton>(
    dfa: &A,
    hay: &[u8],
    at: usize,
    end: usize,
) -> Option<regex_automata::util::primitives::StateID> {
    dfa.universal_start_state(regex_automata::Anchored::Yes)
        .or_else(|| {
            let input = Input::new(hay)
                .range(at..end)
                .anchored(regex_automata::Anchored::Yes);
            dfa.start_state_forward(&input).ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_parts_match_at_every_line_start_as_the_regex_does() {
        let patterns = [r"^foo", r"(?i)^(?:x{3,}|none)$", r"bar$", r"\Abaz"];
        let parse = |p: &str| {
            regex_automata::util::syntax::parse_with(p, &crate::rule::syntax_config(false)).unwrap()
        };
        let hirs: Vec<_> = patterns.iter().map(|p| parse(p)).collect();
        let set = Unanchored::new(&hirs).unwrap();
        let anchored = set
            .0
            .iter()
            .filter(|d| matches!(d, Dense::Built(d) if d.start_kind() == regex_automata::dfa::StartKind::Anchored))
            .count();
        assert!(
            anchored >= 1,
            "the line-start patterns have an anchored part"
        );
        let regex = crate::rule::allowlist_regex(&patterns.map(String::from), false).unwrap();
        for hay in [
            "foo",
            "xfoo",
            "x\nfoo",
            "x\r\nfoo",
            "x\rfoo",
            "NONE",
            "a\nxxxx\nb",
            "xxxx b",
            "a bar",
            "bar b",
            "a\nbar\nb",
            "baz",
            "a\nbaz",
            "",
            "\n",
            "fo\no",
        ] {
            for (at, end) in [(0, hay.len()), (1.min(hay.len()), hay.len())] {
                let input = Input::new(hay).range(at..end);
                assert_eq!(
                    set.is_match(&input),
                    Some(regex.is_match(input.clone())),
                    "{hay:?} from {at}"
                );
            }
        }
    }

    #[test]
    fn contains_ignore_ascii_case_agrees_with_comparing_every_window() {
        let naive = |hay: &[u8], needle: &[u8]| {
            needle.is_empty()
                || hay
                    .windows(needle.len())
                    .any(|w| w.eq_ignore_ascii_case(needle))
        };
        // Every string of up to 6 bytes over `aA-` against needles of up
        // to 3: occurrences at the start, the end, overlapping, in either
        // case, and needles longer than the haystack.
        let alphabet = b"aA-";
        let strings = |max: usize| {
            let mut all = vec![Vec::new()];
            let mut last = vec![Vec::new()];
            for _ in 0..max {
                let next: Vec<Vec<u8>> = last
                    .iter()
                    .flat_map(|s: &Vec<u8>| {
                        alphabet.iter().map(move |&b| [s.as_slice(), &[b]].concat())
                    })
                    .collect();
                all.extend(next.iter().cloned());
                last = next;
            }
            all
        };
        let needles = strings(3);
        for hay in strings(6) {
            for needle in &needles {
                assert_eq!(
                    contains_ignore_ascii_case(&hay, needle),
                    naive(&hay, needle),
                    "{:?} in {:?}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(&hay)
                );
            }
        }
        assert!(contains_ignore_ascii_case(
            b"my_PLACEHOLDER",
            b"placeholder"
        ));
        assert!(!contains_ignore_ascii_case(b"placeholde", b"placeholder"));
    }
}
