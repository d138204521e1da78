//! The default rule set, parsed, checked and indexed ahead of time.
//!
//! Most of a scrubber's start-up used to go to the embedded
//! `patterns/*.toml`: parsing the TOML, parsing every regex to learn its
//! length, groups and required bytes, checking every allowlist, and
//! building the keyword automaton; and the first hits of each keyword group
//! used to wait for its `follows` DFA to be built (milliseconds each, over
//! a hundred milliseconds in all). `src/prebuilt.bin` holds the results:
//! the checked rules, the keyword scanner and the `follows` DFAs of the
//! default set, in a compact form that loads without parsing anything.
//! Rules from added files are parsed and checked at load as before.
//!
//! The file is generated: `HUSH_BLESS=1 cargo test --lib prebuilt` writes
//! it (the other tests of this module read the file the build embedded, so
//! they pass from the next build on), and the test
//! `prebuilt_defaults_are_current` fails while it differs from what the
//! pattern files and this code make now. It records a hash
//! of the pattern files it was made from (computed by `build.rs`); a
//! build whose pattern files differ parses them as before, so a stale file
//! can cost time but never change a rule.
//!
//! The format: a header (`MAGIC`, [`FORMAT`], the hash), then five items,
//! each read without the others: the rules (the rule file names, the
//! allowlists, shared among rules as file-wide allowlists are, and the
//! rules, each with whether its split builds); the keyword scanner with
//! the keyword list it was built for; the keyword groups' `follows` sets,
//! each with the list of patterns it is for and where its DFA is; the
//! other DFAs (each `follows` alone, and the allowlists and group
//! prefilters whose DFAs are small, in at most a few parts), each with
//! its kind and patterns; and
//! a table sorted by pattern of the parses ([`Hir`]s) of the rules' and
//! allowlists' regexes, so that a regex compiled on first use is not
//! parsed again, of the search DFAs of the rules whose DFAs are small
//! ([`RuleSearch`]), so that a rule's windows are searched without
//! compiling its regex, of the rules' splits, and of every rule's Thompson
//! NFAs, so that the regex of a rule without search DFAs, and the groups
//! of any rule's match, are had without compiling anything ([`Loaded`]:
//! regex-automata has no serialized form for an NFA, so its states are
//! written one by one and given back to its NFA builder). Then the area that
//! holds the keyword scanner's transitions (little-endian `u32`s, read in
//! place as they are on a little-endian machine, where copying and checking
//! them was a fifth of start-up) and the DFAs, in
//! regex-automata's own serialized form, each 8-aligned in the file (which
//! is embedded 8-aligned), so that a DFA is read in place with no copy:
//! a group's first hit costs a check of its DFA (about 1 ms for all 90
//! sets, 6 MB) rather than inflating and copying it (about 10 ms for the
//! 64 sets a 32 MiB scrub of real text needs). Numbers are little-endian; a
//! string or list is its length (`u32`) then its items. Anything out of
//! place makes the load give up and parse.

use std::sync::Arc;

use regex_syntax::hir::Hir;

use crate::keywords::KeywordScanner;
use crate::matcher::{AnchoredDfa, AnchoredSet, LazyMatch, Loaded, RuleSearch, Unanchored};
use crate::redact::Redaction;
use crate::rule::{Allowlist, Example, Follows, Origin, Rule, Target};

const MAGIC: &[u8; 8] = b"hush-pb\0";

/// The format's version: raised whenever the encoding, or what the parse
/// derives from a rule file, changes.
const FORMAT: u32 = 16;

/// The hash of the embedded pattern files (see `build.rs`).
const PATTERNS_HASH: u64 = include!(concat!(env!("OUT_DIR"), "/patterns_hash.rs"));

/// The generated file, 8-aligned so that a DFA in its [`Area`] can be read
/// in place (a serialized DFA is read as `u32`s).
static PREBUILT: &[u8] = &ALIGNED.0;

#[repr(C, align(8))]
struct Aligned<B: ?Sized>(B);

static ALIGNED: &Aligned<[u8]> = &Aligned(*include_bytes!("prebuilt.bin"));

/// The default rules, in file order, if the prebuilt file is current.
pub(crate) fn rules() -> Option<Vec<Rule>> {
    rules_from(PREBUILT)
}

/// The keyword scanner for `keywords`, if it is the prebuilt one's.
pub(crate) fn scanner(keywords: &[String]) -> Option<KeywordScanner> {
    scanner_from(PREBUILT, keywords)
}

fn rules_from(bytes: &[u8]) -> Option<Vec<Rule>> {
    let mut rules = Dec(Items::of(bytes)?.rules);
    let decoded = decode_rules(&mut rules)?;
    rules.end()?;
    Some(decoded)
}

/// The items of a prebuilt file, each read without the others.
struct Items<'a> {
    rules: &'a [u8],
    scanner: &'a [u8],
    sets: &'a [u8],
    dfas: &'a [u8],
    hirs: &'a [u8],
    area: &'a [u8],
}

impl<'a> Items<'a> {
    /// The items of `bytes`, if its header is this build's.
    fn of(bytes: &'a [u8]) -> Option<Items<'a>> {
        let mut d = Dec::header(bytes)?;
        Some(Items {
            rules: d.bytes()?,
            scanner: d.bytes()?,
            sets: d.bytes()?,
            dfas: d.bytes()?,
            hirs: d.bytes()?,
            area: d.area()?,
        })
    }
}

/// Which parse of a pattern a stored [`Hir`] is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Parse {
    /// A rule's regex, its large counted repetitions relaxed (see
    /// [`crate::rule::relaxed_hir`]).
    Relaxed = 0,
    /// An allowlist's regex as written.
    Plain = 1,
}

/// What the sorted table of stored items by pattern (see [`stored`])
/// holds under a pattern besides its parses: a rule's search DFAs.
const SEARCH: u8 = 2;

/// What the sorted table holds under a rule's pattern for its split (see
/// `split.rs`).
const SPLIT: u8 = 3;

/// What the sorted table holds under a rule's pattern for its regex's
/// Thompson NFAs (see [`Loaded`]).
const NFA: u8 = 4;

/// What the sorted table holds under a default allowlist's regexes (see
/// [`allowlist_key`]) for their NFA (see [`LazyMatch`]).
const ALLOWLIST_NFA: u8 = 5;

/// The key of an allowlist's regexes in the sorted table: each one's
/// length (`u32`) then its bytes, so that no two lists share a key.
fn allowlist_key<S: AsRef<str>>(patterns: &[S]) -> Vec<u8> {
    let mut key = Vec::new();
    for p in patterns {
        let p = p.as_ref().as_bytes();
        key.extend_from_slice(&u32::try_from(p.len()).unwrap_or(u32::MAX).to_le_bytes());
        key.extend_from_slice(p);
    }
    key
}

/// A default allowlist's regexes loaded from their prebuilt NFA (see
/// [`LazyMatch`]), if the list has one.
pub(crate) fn loaded_set(patterns: &[String]) -> Option<LazyMatch> {
    let mut d = Dec(in_area(ALLOWLIST_NFA, false, &allowlist_key(patterns))?);
    let nfa = decode_nfa(&mut d)?;
    d.end()?;
    LazyMatch::new(nfa)
}

/// The prebuilt split of a default rule's regex around capture group
/// `group`, if it has one.
pub(crate) fn split(unicode: bool, pattern: &str, group: u32) -> Option<crate::split::Prebuilt> {
    let items = Items::of(PREBUILT)?;
    let bytes = stored(items.hirs, SPLIT, unicode, pattern)?;
    let mut d = Dec(bytes);
    let split = crate::split::Prebuilt::decode(&mut d, items.area, group)?;
    d.end()?;
    Some(split)
}

/// The prebuilt search DFAs of a default rule's regex (see
/// [`RuleSearch`]), if it has them.
pub(crate) fn search(unicode: bool, pattern: &str) -> Option<RuleSearch> {
    let items = Items::of(PREBUILT)?;
    let bytes = stored(items.hirs, SEARCH, unicode, pattern)?;
    let mut d = Dec(bytes);
    let search = RuleSearch::decode(&mut d, items.area)?;
    d.end()?;
    Some(search)
}

/// A default rule's regex loaded from its prebuilt NFAs (see [`Loaded`]),
/// if it has them: no parse and no compile.
pub(crate) fn loaded(unicode: bool, pattern: &str) -> Option<Loaded> {
    let mut d = Dec(in_area(NFA, unicode, pattern.as_bytes())?);
    let forward = decode_nfa(&mut d)?;
    let reverse = decode_nfa(&mut d)?;
    d.end()?;
    Loaded::new(forward, reverse)
}

/// The bytes in the area that the table's item of `kind` under `key`
/// says where they are (the NFAs are kept there, out of the table).
fn in_area(kind: u8, unicode: bool, key: &[u8]) -> Option<&'static [u8]> {
    let items = Items::of(PREBUILT)?;
    let mut at = Dec(stored_key(items.hirs, kind, unicode, key)?);
    let bytes = at.placed(items.area)?;
    at.end()?;
    Some(bytes)
}

/// The parse of `pattern` (with `unicode`) if the defaults have it: a
/// default rule's regex, or a default allowlist's, compiled on first use
/// without parsing it again (parsing was about half of compiling one).
pub(crate) fn hir(parse: Parse, unicode: bool, pattern: &str) -> Option<Hir> {
    let bytes = stored(Items::of(PREBUILT)?.hirs, parse as u8, unicode, pattern)?;
    let mut d = Dec(bytes);
    let hir = decode_hir(&mut d, 0)?;
    d.end()?;
    Some(hir)
}

/// The bytes stored in `item` for `pattern` (its parse of a kind, or its
/// search DFAs), found by a binary search of its sorted entries: nothing
/// is allocated, so the process keeps nothing for the lookup (the C
/// binding's leak check holds a process to that).
fn stored<'a>(item: &'a [u8], kind: u8, unicode: bool, pattern: &str) -> Option<&'a [u8]> {
    stored_key(item, kind, unicode, pattern.as_bytes())
}

/// [`stored`] for any key: a pattern's bytes, or an allowlist's key.
fn stored_key<'a>(item: &'a [u8], kind: u8, unicode: bool, key: &[u8]) -> Option<&'a [u8]> {
    let (n, offsets, entries) = table(item)?;
    let key = (key, kind, unicode);
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (of, bytes) = entry(offsets, entries, mid)?;
        match of.cmp(&key) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(bytes),
        }
    }
    None
}

/// The sorted table of stored items in `item`: how many, where each starts
/// in the entries, and the entries.
fn table(item: &[u8]) -> Option<(usize, &[u8], &[u8])> {
    let mut d = Dec(item);
    let n = d.len()?;
    let offsets = d.take(n.checked_mul(4)?)?;
    let entries = d.bytes()?;
    d.end()?;
    Some((n, offsets, entries))
}

/// What the `i`th stored item is of (its pattern, kind and mode) and its
/// bytes.
#[allow(clippy::type_complexity)]
fn entry<'a>(
    offsets: &[u8],
    entries: &'a [u8],
    i: usize,
) -> Option<((&'a [u8], u8, bool), &'a [u8])> {
    let at = offsets.get(4 * i..4 * i + 4)?;
    let at = usize::try_from(u32::from_le_bytes(at.try_into().ok()?)).ok()?;
    let mut d = Dec(entries.get(at..)?);
    let pattern = d.bytes()?;
    let parse = d.u8()?;
    let unicode = d.bool()?;
    Some(((pattern, parse, unicode), d.bytes()?))
}

/// How deeply a stored parse may nest: deeper than any pattern's limit
/// lets it, so only a damaged file reaches it.
const HIR_DEPTH: usize = 512;

/// Writes `hir` for [`decode_hir`]: a tag, then what the kind holds.
#[cfg(test)]
fn encode_hir(e: &mut Enc, hir: &Hir) {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty => e.u8(0),
        HirKind::Literal(lit) => {
            e.u8(1);
            e.bytes(&lit.0);
        }
        HirKind::Class(Class::Unicode(class)) => {
            e.u8(2);
            e.len(class.ranges().len());
            for r in class.ranges() {
                e.u32(u32::from(r.start()));
                e.u32(u32::from(r.end()));
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            e.u8(3);
            e.len(class.ranges().len());
            for r in class.ranges() {
                e.u8(r.start());
                e.u8(r.end());
            }
        }
        HirKind::Look(look) => {
            e.u8(4);
            e.u32(look.as_repr());
        }
        HirKind::Repetition(rep) => {
            e.u8(5);
            e.u32(rep.min);
            e.option(rep.max, Enc::u32);
            e.bool(rep.greedy);
            encode_hir(e, &rep.sub);
        }
        HirKind::Capture(cap) => {
            e.u8(6);
            e.u32(cap.index);
            e.option(cap.name.as_deref(), |e, name| e.bytes(name.as_bytes()));
            encode_hir(e, &cap.sub);
        }
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            e.u8(if matches!(hir.kind(), HirKind::Concat(_)) {
                7
            } else {
                8
            });
            e.len(subs.len());
            for sub in subs {
                encode_hir(e, sub);
            }
        }
    }
}

/// Reads a parse written by [`encode_hir`], through regex-syntax's own
/// constructors (which work out its properties again).
fn decode_hir(d: &mut Dec<'_>, depth: usize) -> Option<Hir> {
    use regex_syntax::hir::{
        Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Look,
        Repetition,
    };
    if depth > HIR_DEPTH {
        return None;
    }
    let sub = |d: &mut Dec<'_>| decode_hir(d, depth + 1).map(Box::new);
    Some(match d.u8()? {
        0 => Hir::empty(),
        1 => Hir::literal(d.bytes()?),
        2 => {
            let ranges = (0..d.len()?)
                .map(|_| {
                    let start = char::from_u32(d.u32()?)?;
                    let end = char::from_u32(d.u32()?)?;
                    (start <= end).then(|| ClassUnicodeRange::new(start, end))
                })
                .collect::<Option<Vec<_>>>()?;
            Hir::class(Class::Unicode(ClassUnicode::new(ranges)))
        }
        3 => {
            let ranges = (0..d.len()?)
                .map(|_| {
                    let (start, end) = (d.u8()?, d.u8()?);
                    (start <= end).then(|| ClassBytesRange::new(start, end))
                })
                .collect::<Option<Vec<_>>>()?;
            Hir::class(Class::Bytes(ClassBytes::new(ranges)))
        }
        4 => Hir::look(Look::from_repr(d.u32()?)?),
        5 => {
            let min = d.u32()?;
            let max = d.option(Dec::u32)?;
            if max.is_some_and(|max| max < min) {
                return None;
            }
            let greedy = d.bool()?;
            Hir::repetition(Repetition {
                min,
                max,
                greedy,
                sub: sub(d)?,
            })
        }
        6 => {
            let index = d.u32()?;
            let name = d.option(|d| Some(Box::from(d.str()?)))?;
            Hir::capture(Capture {
                index,
                name,
                sub: sub(d)?,
            })
        }
        tag @ (7 | 8) => {
            let subs = (0..d.len()?)
                .map(|_| decode_hir(d, depth + 1))
                .collect::<Option<Vec<_>>>()?;
            if tag == 7 {
                Hir::concat(subs)
            } else {
                Hir::alternation(subs)
            }
        }
        _ => return None,
    })
}

/// Writes a Thompson NFA of one pattern for [`decode_nfa`]: its flags and
/// start states, then its states in order, each a tag and what the kind
/// holds (state IDs as `u32`s). `None` for an NFA that [`decode_nfa`]
/// could not give back as it is (several patterns, a dense state, another
/// line terminator): the rule's regex is then compiled on first use.
#[cfg(test)]
fn encode_nfa(nfa: &regex_automata::nfa::thompson::NFA) -> Option<Vec<u8>> {
    use regex_automata::nfa::thompson::State;
    use regex_automata::util::primitives::{PatternID, StateID};
    if nfa.pattern_len() != 1 || nfa.look_matcher().get_line_terminator() != b'\n' {
        return None;
    }
    let mut e = Enc(Vec::new());
    let id = |e: &mut Enc, id: StateID| e.u32(id.as_u32());
    e.u8(u8::from(nfa.is_utf8()) | u8::from(nfa.is_reverse()) << 1);
    id(&mut e, nfa.start_anchored());
    id(&mut e, nfa.start_unanchored());
    id(&mut e, nfa.start_pattern(PatternID::ZERO)?);
    e.len(nfa.states().len());
    for state in nfa.states() {
        match state {
            State::ByteRange { trans } => {
                e.u8(0);
                e.u8(trans.start);
                e.u8(trans.end);
                id(&mut e, trans.next);
            }
            State::Sparse(sparse) => {
                e.u8(1);
                e.len(sparse.transitions.len());
                for t in &sparse.transitions {
                    e.u8(t.start);
                    e.u8(t.end);
                    id(&mut e, t.next);
                }
            }
            State::Dense(_) => return None,
            State::Look { look, next } => {
                e.u8(2);
                e.u32(look.as_repr());
                id(&mut e, *next);
            }
            State::Union { alternates } => {
                e.u8(3);
                e.len(alternates.len());
                for &alt in alternates.iter() {
                    id(&mut e, alt);
                }
            }
            State::BinaryUnion { alt1, alt2 } => {
                e.u8(4);
                id(&mut e, *alt1);
                id(&mut e, *alt2);
            }
            State::Capture {
                next,
                pattern_id,
                group_index,
                slot,
            } => {
                if *pattern_id != PatternID::ZERO {
                    return None;
                }
                let start = slot.as_usize() % 2 == 0;
                e.u8(if start { 5 } else { 6 });
                id(&mut e, *next);
                e.u32(group_index.as_u32());
                if start {
                    let name = nfa
                        .group_info()
                        .to_name(*pattern_id, group_index.as_usize());
                    e.option(name, |e, name| e.bytes(name.as_bytes()));
                }
            }
            State::Fail => e.u8(7),
            State::Match { pattern_id } => {
                if *pattern_id != PatternID::ZERO {
                    return None;
                }
                e.u8(8);
            }
        }
    }
    Some(e.0)
}

/// Reads an NFA written by [`encode_nfa`], through regex-automata's own
/// NFA builder: each state is added as it was, so it keeps its ID (the
/// builder renumbers only the empty states and one-way unions that it
/// removes, and a written NFA has none). Every state ID is checked to be
/// in range and every capture group to be opened and closed before the
/// builder sees them, so a damaged file is refused (`None`) rather than
/// making the builder panic.
fn decode_nfa(d: &mut Dec<'_>) -> Option<regex_automata::nfa::thompson::NFA> {
    use regex_automata::nfa::thompson::{Builder, Transition};
    use regex_automata::util::look::Look;
    use regex_automata::util::primitives::StateID;
    let flags = d.u8()?;
    if flags > 3 {
        return None;
    }
    let starts = [d.u32()?, d.u32()?, d.u32()?];
    let n = d.len()?;
    let id = |d: &mut Dec<'_>| {
        let id = usize::try_from(d.u32()?).ok()?;
        (id < n).then(|| StateID::new(id).ok())?
    };
    let start = |i: usize| {
        let id = usize::try_from(starts[i]).ok()?;
        (id < n).then(|| StateID::new(id).ok())?
    };
    let (anchored, unanchored, pattern) = (start(0)?, start(1)?, start(2)?);
    let mut b = Builder::new();
    b.set_utf8(flags & 1 != 0);
    b.set_reverse(flags & 2 != 0);
    b.start_pattern().ok()?;
    // Per group: opened, closed.
    let mut groups: Vec<(bool, bool)> = Vec::new();
    for i in 0..n {
        let added = match d.u8()? {
            0 => {
                let (start, end) = (d.u8()?, d.u8()?);
                if start > end {
                    return None;
                }
                b.add_range(Transition {
                    start,
                    end,
                    next: id(d)?,
                })
            }
            1 => {
                let transitions = (0..d.len()?)
                    .map(|_| {
                        let (start, end) = (d.u8()?, d.u8()?);
                        Some(Transition {
                            start,
                            end,
                            next: id(d)?,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?;
                // Ranges in order, each non-empty, none overlapping, as
                // the compiler writes them.
                if transitions.len() < 2
                    || transitions.iter().any(|t| t.start > t.end)
                    || transitions.windows(2).any(|w| w[0].end >= w[1].start)
                {
                    return None;
                }
                b.add_sparse(transitions)
            }
            2 => {
                let look = Look::from_repr(d.u32()?)?;
                b.add_look(id(d)?, look)
            }
            3 => {
                let alternates = (0..d.len()?).map(|_| id(d)).collect::<Option<Vec<_>>>()?;
                if alternates.len() < 3 {
                    return None;
                }
                b.add_union(alternates)
            }
            4 => {
                let (alt1, alt2) = (id(d)?, id(d)?);
                b.add_union(vec![alt1, alt2])
            }
            tag @ (5 | 6) => {
                let next = id(d)?;
                let group = d.u32()?;
                let g = usize::try_from(group).ok()?;
                if g > n {
                    return None;
                }
                if groups.len() <= g {
                    groups.resize(g + 1, (false, false));
                }
                if tag == 5 {
                    let name = d.option(|d| Some(Arc::from(d.str()?)))?;
                    groups[g].0 = true;
                    b.add_capture_start(next, group, name)
                } else {
                    if !groups[g].0 {
                        return None;
                    }
                    groups[g].1 = true;
                    b.add_capture_end(next, group)
                }
            }
            7 => b.add_fail(),
            8 => b.add_match(),
            _ => return None,
        };
        if added.ok()?.as_usize() != i {
            return None;
        }
    }
    if groups.iter().any(|&(open, close)| open != close) {
        return None;
    }
    b.finish_pattern(pattern).ok()?;
    b.build(anchored, unanchored).ok()
}

/// The prebuilt `follows` set of a keyword group whose rules' `follows`
/// are `patterns` (in the group's order), if it was prebuilt: `Some(None)`
/// for a set that does not build (its DFA would be too big), which is not
/// worth trying again.
pub(crate) fn follows_set(patterns: &[&str]) -> Option<Option<AnchoredSet>> {
    follows_set_from(PREBUILT, patterns)
}

fn follows_set_from(bytes: &'static [u8], patterns: &[&str]) -> Option<Option<AnchoredSet>> {
    let items = Items::of(bytes)?;
    let mut sets = Dec(items.sets);
    let area = items.area;
    for _ in 0..sets.len()? {
        let n = sets.len()?;
        let mut same = n == patterns.len();
        for i in 0..n {
            let p = sets.bytes()?;
            same &= patterns.get(i).is_some_and(|q| q.as_bytes() == p);
        }
        let set = sets.bytes()?;
        if same {
            if set.is_empty() {
                return Some(None);
            }
            let mut set = Dec(set);
            let decoded = AnchoredSet::decode(&mut set, area)?;
            set.end()?;
            return Some(Some(decoded));
        }
    }
    None
}

/// The prebuilt [`AnchoredDfa`] of a rule's `follows` (alone, as when its
/// keyword group has no set), if the defaults have it: `Some(None)` if it
/// does not build.
pub(crate) fn anchored(pattern: &str) -> Option<Option<AnchoredDfa>> {
    dfa_from(
        PREBUILT,
        Kind::Anchored,
        &[pattern],
        false,
        AnchoredDfa::decode,
    )
}

/// The prebuilt [`Unanchored`] DFA of an allowlist's regexes (parsed with
/// `unicode`), or of a keyword group's prefilter, if the defaults have
/// one that builds.
pub(crate) fn unanchored<S: AsRef<str>>(patterns: &[S], unicode: bool) -> Option<Unanchored> {
    dfa_from(
        PREBUILT,
        Kind::Unanchored,
        patterns,
        unicode,
        Unanchored::decode,
    )?
}

/// What a DFA of [`dfa_from`] answers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Unanchored = 0,
    Anchored = 1,
}

fn dfa_from<S: AsRef<str>, T>(
    bytes: &'static [u8],
    kind: Kind,
    patterns: &[S],
    unicode: bool,
    decode: fn(&mut Dec<'_>, &'static [u8]) -> Option<T>,
) -> Option<Option<T>> {
    let items = Items::of(bytes)?;
    let mut dfas = Dec(items.dfas);
    let area = items.area;
    for _ in 0..dfas.len()? {
        let same_kind = dfas.u8()? == kind as u8;
        let same_mode = dfas.bool()? == unicode;
        let n = dfas.len()?;
        let mut same = same_kind && same_mode && n == patterns.len();
        for i in 0..n {
            let p = dfas.bytes()?;
            same &= patterns.get(i).is_some_and(|q| q.as_ref().as_bytes() == p);
        }
        let one = dfas.bytes()?;
        if same {
            if one.is_empty() {
                return Some(None);
            }
            let mut one = Dec(one);
            let decoded = decode(&mut one, area)?;
            one.end()?;
            return Some(Some(decoded));
        }
    }
    None
}

fn scanner_from(bytes: &'static [u8], keywords: &[String]) -> Option<KeywordScanner> {
    let items = Items::of(bytes)?;
    let mut d = Dec(items.scanner);
    let n = d.len()?;
    if n != keywords.len() {
        return None;
    }
    for k in keywords {
        if d.bytes()? != k.as_bytes() {
            return None;
        }
    }
    let scanner = KeywordScanner::decode(&mut d, items.area)?;
    d.end()?;
    Some(scanner)
}

fn decode_rules(d: &mut Dec<'_>) -> Option<Vec<Rule>> {
    let files: Vec<Arc<std::path::Path>> = (0..d.len()?)
        .map(|_| Some(Arc::from(crate::rule::builtin_path(d.str()?))))
        .collect::<Option<_>>()?;
    let allowlists: Vec<Arc<Allowlist>> = (0..d.len()?)
        .map(|_| {
            let all = d.bool()?;
            let patterns = d.strings()?;
            let target = match d.u8()? {
                0 => Target::Secret,
                1 => Target::Match,
                2 => Target::Line,
                _ => return None,
            };
            let stopwords = (0..d.len()?)
                .map(|_| Some(d.bytes()?.to_vec()))
                .collect::<Option<_>>()?;
            let has_path_criteria = d.bool()?;
            Some(Arc::new(Allowlist::checked(
                all,
                patterns,
                target,
                stopwords,
                has_path_criteria,
            )))
        })
        .collect::<Option<_>>()?;
    (0..d.len()?)
        .map(|_| {
            Some(Rule {
                id: d.string()?,
                description: d.string()?,
                category: d.string()?,
                pattern: d.string()?,
                unicode: d.bool()?,
                max_len: d.usize()?,
                multiline: d.bool()?,
                anchored: d.bool()?,
                required: d.option(|d| Some(Box::from(d.bytes()?)))?,
                follows: d.option(|d| Some(Arc::new(Follows::unparsed(d.string()?))))?,
                group_count: d.usize()?,
                secret_group: d.option(Dec::usize)?,
                entropy: d.option(|d| Some(f64::from_bits(d.u64()?)))?,
                keywords: d.strings()?,
                tags: d.strings()?,
                allowlists: (0..d.len()?)
                    .map(|_| allowlists.get(d.usize()?).cloned())
                    .collect::<Option<_>>()?,
                redaction: d.option(|d| match d.u8()? {
                    0 => Some(Redaction::Label),
                    1 => Some(Redaction::Mask),
                    2 => Some(Redaction::Fingerprint),
                    3 => Some(Redaction::Text(d.string()?)),
                    _ => None,
                })?,
                examples: (0..d.len()?)
                    .map(|_| {
                        Some(Example {
                            line: d.usize()?,
                            input: d.string()?,
                            secret: d.string()?,
                        })
                    })
                    .collect::<Option<_>>()?,
                negative_examples: (0..d.len()?)
                    .map(|_| Some((d.usize()?, d.string()?)))
                    .collect::<Option<_>>()?,
                origin: Origin {
                    file: Arc::clone(files.get(d.usize()?)?),
                    line: d.usize()?,
                },
                regex_line: d.usize()?,
                split_builds: Some(d.bool()?),
                exact_keywords: Some(d.bool()?),
            })
        })
        .collect()
}

/// Writes the prebuilt form of `rules` (the default files' rules, in file
/// order) and of the scanner of `keywords`.
#[cfg(test)]
#[allow(clippy::too_many_arguments, reason = "the items of one file")]
fn encode(
    rules: &[Rule],
    keywords: &[String],
    scanner: &KeywordScanner,
    sets: &[(Vec<String>, Option<AnchoredSet>)],
    dfas: &[Prebuilt],
    hirs: &[StoredHir],
    searches: &[StoredSearch],
    splits: &[StoredSplit],
    nfas: &[StoredNfas],
    allowlist_nfas: &[StoredAllowlistNfa],
) -> Vec<u8> {
    let mut e = Enc(Vec::new());
    e.0.extend_from_slice(MAGIC);
    e.u32(FORMAT);
    e.u64(PATTERNS_HASH);
    // The rules, as one item, so that the scanner can be read without them.
    let mut r = Enc(Vec::new());
    encode_rules(&mut r, rules);
    e.bytes(&r.0);
    // The scanner, with the keywords it is for, its transitions first in
    // the area.
    let mut area = Area(Vec::new());
    let mut k = Enc(Vec::new());
    k.strings(keywords);
    scanner.encode(&mut k, &mut area);
    e.bytes(&k.0);
    // The groups' follows sets, each with the patterns it is for, their
    // DFAs in the area.
    let mut f = Enc(Vec::new());
    f.len(sets.len());
    for (patterns, set) in sets {
        f.strings(patterns);
        let mut one = Enc(Vec::new());
        // A set takes more than nothing: nothing says "does not build".
        if let Some(set) = set {
            set.encode(&mut one, &mut area);
        }
        f.bytes(&one.0);
    }
    e.bytes(&f.0);
    // The other DFAs, each with its kind, mode and patterns.
    let mut f = Enc(Vec::new());
    f.len(dfas.len());
    for dfa in dfas {
        let (kind, unicode, patterns) = match dfa {
            Prebuilt::Anchored(p, _) => (Kind::Anchored, false, std::slice::from_ref(p)),
            Prebuilt::Unanchored(p, unicode, _) => (Kind::Unanchored, *unicode, p.as_slice()),
        };
        f.u8(kind as u8);
        f.bool(unicode);
        f.strings(patterns);
        let mut one = Enc(Vec::new());
        match dfa {
            Prebuilt::Anchored(_, Some(d)) => d.encode(&mut one, &mut area),
            Prebuilt::Unanchored(_, _, Some(d)) => d.encode(&mut one, &mut area),
            _ => {}
        }
        f.bytes(&one.0);
    }
    e.bytes(&f.0);
    // The parses, the rules' search DFAs and splits (in the area, in the
    // order of their patterns), sorted by what each is of, with a table of where
    // each starts, so that a lookup is a binary search that allocates
    // nothing.
    let mut searches: Vec<_> = searches.iter().collect();
    searches.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let mut sorted: Vec<(&[u8], u8, bool, Vec<u8>)> = Vec::new();
    for (pattern, unicode, (forward, reverse)) in searches {
        let mut one = Enc(Vec::new());
        area.dfa(&mut one, forward.clone());
        area.dfa(&mut one, reverse.clone());
        sorted.push((pattern.as_bytes(), SEARCH, *unicode, one.0));
    }
    // The rules' splits, their DFAs in the area after the searches'.
    let mut splits: Vec<_> = splits.iter().collect();
    splits.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    for (pattern, unicode, split) in splits {
        let mut one = Enc(Vec::new());
        split.encode(&mut one, &mut area);
        sorted.push((pattern.as_bytes(), SPLIT, *unicode, one.0));
    }
    // The NFAs in the area too, after the splits': inline they tripled
    // the table, and a lookup's binary search read pages all over it
    // (6 MB more of the binary resident in a 64 MiB run of real text).
    let mut nfas: Vec<_> = nfas.iter().collect();
    nfas.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    for (pattern, unicode, bytes) in nfas {
        let mut one = Enc(Vec::new());
        area.place(&mut one, bytes);
        sorted.push((pattern.as_bytes(), NFA, *unicode, one.0));
    }
    let mut allowlist_nfas: Vec<_> = allowlist_nfas.iter().collect();
    allowlist_nfas.sort();
    for (key, bytes) in allowlist_nfas {
        let mut one = Enc(Vec::new());
        area.place(&mut one, bytes);
        sorted.push((key.as_slice(), ALLOWLIST_NFA, false, one.0));
    }
    for (parse, unicode, pattern, hir) in hirs {
        let mut one = Enc(Vec::new());
        encode_hir(&mut one, hir);
        sorted.push((pattern.as_bytes(), *parse as u8, *unicode, one.0));
    }
    sorted.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    let mut offsets = Enc(Vec::new());
    let mut entries = Enc(Vec::new());
    for (pattern, kind, unicode, bytes) in &sorted {
        offsets.len(entries.0.len());
        entries.bytes(pattern);
        entries.u8(*kind);
        entries.bool(*unicode);
        entries.bytes(bytes);
    }
    let mut h = Enc(Vec::new());
    h.len(sorted.len());
    h.0.extend_from_slice(&offsets.0);
    h.bytes(&entries.0);
    e.bytes(&h.0);
    area.finish(&mut e);
    e.0
}

/// A stored parse: which, with or without Unicode, of what pattern.
#[cfg(test)]
pub(crate) type StoredHir = (Parse, bool, String, Hir);

/// A rule's stored search DFAs: of what pattern, with or without Unicode,
/// forward and reverse (serialized).
#[cfg(test)]
pub(crate) type StoredSearch = (String, bool, (Vec<u8>, Vec<u8>));

/// A rule's stored NFAs: of what pattern, with or without Unicode, and
/// the forward then the reverse NFA as [`encode_nfa`] writes them.
#[cfg(test)]
pub(crate) type StoredNfas = (String, bool, Vec<u8>);

/// A default allowlist's stored NFA: its key (see [`allowlist_key`]) and
/// the NFA as [`encode_nfa`] writes it.
#[cfg(test)]
pub(crate) type StoredAllowlistNfa = (Vec<u8>, Vec<u8>);

/// A rule's stored split: of what pattern, with or without Unicode, and
/// the split.
#[cfg(test)]
pub(crate) type StoredSplit = (String, bool, crate::split::SplitBytes);

/// A DFA of the defaults other than a `follows` set, with what it is for.
#[cfg(test)]
#[allow(clippy::large_enum_variant, reason = "a test's list of a few hundred")]
pub(crate) enum Prebuilt {
    /// A `follows` pattern alone.
    Anchored(String, Option<AnchoredDfa>),
    /// An allowlist's or a prefilter's patterns, and their Unicode mode.
    Unanchored(Vec<String>, bool, Option<Unanchored>),
}

/// The DFAs of a prebuilt file (and the keyword scanner's transitions),
/// each 8-aligned in the file so that it is read in place, as `u32`s, with
/// no copy: the file's last item, after a `u8` count of zero bytes that
/// aligns its start.
#[cfg(test)]
pub(crate) struct Area(Vec<u8>);

#[cfg(test)]
impl Area {
    /// Adds a DFA (regex-automata's little-endian form) and writes where
    /// it is to `e`.
    pub(crate) fn dfa(&mut self, e: &mut Enc, bytes: Vec<u8>) {
        self.place(e, &bytes);
    }

    /// Adds any bytes, 8-aligned, and writes where they are to `e` (read
    /// back with [`Dec::placed`]).
    pub(crate) fn place(&mut self, e: &mut Enc, bytes: &[u8]) {
        while self.0.len() % 8 != 0 {
            self.0.push(0);
        }
        e.usize(self.0.len());
        e.usize(bytes.len());
        self.0.extend_from_slice(bytes);
    }

    fn finish(self, e: &mut Enc) {
        // The count, the padding and the length come before the area.
        let pad = (8 - (e.0.len() + 1 + 4) % 8) % 8;
        e.u8(u8::try_from(pad).expect("under 8"));
        e.0.extend(std::iter::repeat_n(0, pad));
        assert_eq!((e.0.len() + 4) % 8, 0, "the area starts 8-aligned");
        e.bytes(&self.0);
    }
}

#[cfg(test)]
fn encode_rules(e: &mut Enc, rules: &[Rule]) {
    let mut files: Vec<&Arc<std::path::Path>> = Vec::new();
    let mut allowlists: Vec<&Arc<Allowlist>> = Vec::new();
    for r in rules {
        if !files.iter().any(|f| Arc::ptr_eq(f, &r.origin.file)) {
            files.push(&r.origin.file);
        }
        for a in &r.allowlists {
            if !allowlists.iter().any(|b| Arc::ptr_eq(a, b)) {
                allowlists.push(a);
            }
        }
    }
    e.len(files.len());
    for f in &files {
        let name = f.file_name().and_then(|n| n.to_str()).expect("a file name");
        assert_eq!(
            f.as_ref(),
            crate::rule::builtin_path(name).as_path(),
            "an embedded file"
        );
        e.bytes(name.as_bytes());
    }
    e.len(allowlists.len());
    for a in &allowlists {
        e.bool(a.all);
        e.strings(a.patterns());
        e.u8(match a.target {
            Target::Secret => 0,
            Target::Match => 1,
            Target::Line => 2,
        });
        e.len(a.stopwords.len());
        for w in &a.stopwords {
            e.bytes(w);
        }
        e.bool(a.has_path_criteria);
    }
    e.len(rules.len());
    for r in rules {
        e.bytes(r.id.as_bytes());
        e.bytes(r.description.as_bytes());
        e.bytes(r.category.as_bytes());
        e.bytes(r.pattern.as_bytes());
        e.bool(r.unicode);
        e.usize(r.max_len);
        e.bool(r.multiline);
        e.bool(r.anchored);
        e.option(r.required.as_deref(), |e, b| e.bytes(b));
        e.option(r.follows.as_deref(), |e, f| e.bytes(f.pattern().as_bytes()));
        e.usize(r.group_count);
        e.option(r.secret_group, Enc::usize);
        e.option(r.entropy, |e, v| e.u64(v.to_bits()));
        e.strings(&r.keywords);
        e.strings(&r.tags);
        e.len(r.allowlists.len());
        for a in &r.allowlists {
            let i = allowlists.iter().position(|b| Arc::ptr_eq(a, b));
            e.usize(i.expect("listed above"));
        }
        e.option(r.redaction.as_ref(), |e, red| match red {
            Redaction::Label => e.u8(0),
            Redaction::Mask => e.u8(1),
            Redaction::Fingerprint => e.u8(2),
            Redaction::Text(t) => {
                e.u8(3);
                e.bytes(t.as_bytes());
            }
        });
        e.len(r.examples.len());
        for ex in &r.examples {
            e.usize(ex.line);
            e.bytes(ex.input.as_bytes());
            e.bytes(ex.secret.as_bytes());
        }
        e.len(r.negative_examples.len());
        for (line, text) in &r.negative_examples {
            e.usize(*line);
            e.bytes(text.as_bytes());
        }
        let file = files.iter().position(|f| Arc::ptr_eq(f, &r.origin.file));
        e.usize(file.expect("listed above"));
        e.usize(r.origin.line);
        e.usize(r.regex_line);
        e.bool(
            r.split_builds
                .unwrap_or_else(|| crate::compile::split_builds(r)),
        );
        e.bool(
            r.exact_keywords
                .unwrap_or_else(|| crate::compile::exact_keywords(r)),
        );
    }
}

/// An encoder (generation only).
#[cfg(test)]
pub(crate) struct Enc(pub(crate) Vec<u8>);

#[cfg(test)]
impl Enc {
    pub(crate) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    pub(crate) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn usize(&mut self, v: usize) {
        self.u64(v as u64);
    }

    pub(crate) fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    pub(crate) fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).expect("fits u32"));
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }

    fn strings(&mut self, items: &[String]) {
        self.len(items.len());
        for s in items {
            self.bytes(s.as_bytes());
        }
    }

    fn option<T>(&mut self, v: Option<T>, f: impl FnOnce(&mut Enc, T)) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                f(self, v);
            }
        }
    }
}

/// A decoder: every read gives `None` past the end or on a value out of
/// place.
pub(crate) struct Dec<'a>(&'a [u8]);

impl<'a> Dec<'a> {
    /// A decoder past the header, if the header is this build's.
    fn header(bytes: &'a [u8]) -> Option<Dec<'a>> {
        let mut d = Dec(bytes.strip_prefix(MAGIC)?);
        (d.u32()? == FORMAT && d.u64()? == PATTERNS_HASH).then_some(d)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    pub(crate) fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    pub(crate) fn bool(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub(crate) fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u32()?).ok()?;
        // Every item takes at least a byte: a length beyond what is left
        // is out of place (and would allocate for nothing).
        (n <= self.0.len()).then_some(n)
    }

    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }

    fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }

    fn strings(&mut self) -> Option<Vec<String>> {
        (0..self.len()?).map(|_| self.string()).collect()
    }

    fn option<T>(&mut self, f: impl FnOnce(&mut Dec<'a>) -> Option<T>) -> Option<Option<T>> {
        match self.u8()? {
            0 => Some(None),
            1 => f(self).map(Some),
            _ => None,
        }
    }

    /// The [`Area`], read last: its start is 8-aligned in the file.
    fn area(&mut self) -> Option<&'a [u8]> {
        let pad = usize::from(self.u8()?);
        if self.take(pad)?.iter().any(|&b| b != 0) {
            return None;
        }
        let area = self.bytes()?;
        self.end()?;
        Some(area)
    }

    /// A DFA in place in `area`, where the next two numbers say; `None` if
    /// it is out of place or misaligned (regex-automata checks the DFA as
    /// it reads it).
    pub(crate) fn dfa(
        &mut self,
        area: &'static [u8],
    ) -> Option<regex_automata::dfa::dense::DFA<&'static [u32]>> {
        let bytes = self.placed(area)?;
        let (dfa, read) = regex_automata::dfa::dense::DFA::from_bytes(bytes).ok()?;
        (read == bytes.len()).then_some(dfa)
    }

    /// The bytes in `area` where the next two numbers say (as
    /// [`Area::dfa`] wrote them).
    pub(crate) fn placed<'b>(&mut self, area: &'b [u8]) -> Option<&'b [u8]> {
        let at = self.usize()?;
        let len = self.usize()?;
        area.get(at..at.checked_add(len)?)
    }

    /// `Some` if everything was read.
    fn end(&self) -> Option<()> {
        self.0.is_empty().then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules of the default files, parsed, in file order.
    fn parsed() -> Vec<Rule> {
        let mut rules = Vec::new();
        for (name, text) in crate::rule::DEFAULT_FILES {
            let file = crate::rule::parse_file(&crate::rule::builtin_path(name), text).unwrap();
            rules.extend(file.rules);
        }
        rules
    }

    /// The keywords of the default scrubber, in its rules' order.
    fn default_keywords() -> Vec<String> {
        let scrubber = crate::Scrubber::builder().build().unwrap();
        let ordered: Vec<Rule> = scrubber.rules().cloned().collect();
        crate::compile::keyword_list(&ordered).0
    }

    /// The default scrubber's matcher, built from its rules.
    fn default_matcher() -> crate::compile::Matcher {
        let scrubber = crate::Scrubber::builder().build().unwrap();
        let ordered: Vec<Rule> = scrubber.rules().cloned().collect();
        crate::compile::Matcher::new(ordered, false, |_| Redaction::Label).unwrap()
    }

    /// What `src/prebuilt.bin` should hold.
    fn generate() -> Vec<u8> {
        let keywords = default_keywords();
        let scanner = KeywordScanner::new(&keywords).unwrap();
        let sets = default_matcher().follows_sets();
        encode(
            &parsed(),
            &keywords,
            &scanner,
            &sets,
            &other_dfas(),
            &default_hirs(),
            &default_searches(),
            &default_splits(),
            &default_nfas(),
            &default_allowlist_nfas(),
        )
    }

    /// The allowlist NFAs stored: those of each distinct default allowlist
    /// whose regexes compile as [`crate::rule::allowlist_regex`] first
    /// compiles them (without Unicode).
    fn default_allowlist_nfas() -> Vec<StoredAllowlistNfa> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for r in &parsed() {
            for a in &r.allowlists {
                let patterns = a.patterns();
                if patterns.is_empty()
                    || !seen.insert(patterns.to_vec())
                    || crate::rule::allowlist_regex(patterns, false).is_none()
                {
                    continue;
                }
                let config = crate::rule::syntax_config(false);
                let hirs: Vec<Hir> = patterns
                    .iter()
                    .map(|p| regex_automata::util::syntax::parse_with(p, &config).unwrap())
                    .collect();
                if let Some(bytes) = LazyMatch::nfa(&hirs).as_ref().and_then(encode_nfa) {
                    out.push((allowlist_key(patterns), bytes));
                }
            }
        }
        out
    }

    /// Every allowlist NFA stored in `bytes`, as stored.
    fn all_allowlist_nfas(bytes: &'static [u8]) -> Vec<StoredAllowlistNfa> {
        let items = Items::of(bytes).unwrap();
        let (n, offsets, entries) = table(items.hirs).unwrap();
        (0..n)
            .filter_map(|i| {
                let ((key, kind, _), bytes) = entry(offsets, entries, i).unwrap();
                (kind == ALLOWLIST_NFA).then(|| (key.to_vec(), placed(bytes, items.area).to_vec()))
            })
            .collect()
    }

    /// The NFAs stored for a default rule's regex, as written.
    fn stored_nfas(r: &Rule) -> &'static [u8] {
        in_area(NFA, r.unicode, r.pattern.as_bytes()).unwrap()
    }

    /// The bytes in `area` that an entry's bytes say where they are.
    fn placed(entry: &[u8], area: &'static [u8]) -> &'static [u8] {
        let mut d = Dec(entry);
        let bytes = d.placed(area).unwrap();
        d.end().unwrap();
        bytes
    }

    /// What `make` gives for each distinct regex of the default rules
    /// (pattern and Unicode mode) from its relaxed parse, with the pattern
    /// and mode, where it gives something.
    fn per_regex<T>(make: impl Fn(&Rule, &Hir) -> Option<T>) -> Vec<(String, bool, T)> {
        let mut seen = std::collections::HashSet::new();
        parsed()
            .iter()
            .filter(|r| seen.insert((r.pattern.clone(), r.unicode)))
            .filter_map(|r| {
                let hir = crate::rule::relaxed_hir(&r.pattern, r.unicode).ok()?;
                Some((r.pattern.clone(), r.unicode, make(r, &hir)?))
            })
            .collect()
    }

    /// The NFAs stored: those of each default rule's regex (its relaxed
    /// parse) that build and can be written.
    fn default_nfas() -> Vec<StoredNfas> {
        per_regex(|_, hir| {
            let (forward, reverse) = Loaded::nfas(hir)?;
            let mut bytes = encode_nfa(&forward)?;
            bytes.extend(encode_nfa(&reverse)?);
            Some(bytes)
        })
    }

    /// The search DFAs stored: those of each default rule's regex (its
    /// relaxed parse) that build.
    fn default_searches() -> Vec<StoredSearch> {
        per_regex(|_, hir| RuleSearch::build(hir))
    }

    /// The splits stored: those of each default rule that builds one.
    fn default_splits() -> Vec<StoredSplit> {
        per_regex(|r, hir| {
            let group = crate::compile::secret_group(r)?;
            let split = crate::split::Split::new(hir, group)?;
            Some(split.to_bytes(group))
        })
    }

    /// Every entry of `kind` stored in `bytes`: its pattern, its Unicode
    /// mode, and what `read` makes of its bytes (given the area).
    fn all_of<T>(
        bytes: &'static [u8],
        kind: u8,
        read: impl Fn(&[u8], &'static [u8]) -> T,
    ) -> Vec<(String, bool, T)> {
        let items = Items::of(bytes).unwrap();
        let (n, offsets, entries) = table(items.hirs).unwrap();
        (0..n)
            .filter_map(|i| {
                let ((pattern, k, unicode), bytes) = entry(offsets, entries, i).unwrap();
                (k == kind).then(|| {
                    let pattern = String::from_utf8(pattern.to_vec()).unwrap();
                    (pattern, unicode, read(bytes, items.area))
                })
            })
            .collect()
    }

    /// Every split stored in `bytes`, its DFAs as stored.
    fn all_splits(bytes: &'static [u8]) -> Vec<StoredSplit> {
        all_of(bytes, SPLIT, |bytes, area| {
            let mut one = Dec(bytes);
            let split = crate::split::SplitBytes::decode(&mut one, area).unwrap();
            one.end().unwrap();
            split
        })
    }

    /// Every search stored in `bytes`, its DFAs as stored.
    fn all_searches(bytes: &'static [u8]) -> Vec<StoredSearch> {
        all_of(bytes, SEARCH, |bytes, area| {
            let mut one = Dec(bytes);
            let forward = one.placed(area).unwrap().to_vec();
            let reverse = one.placed(area).unwrap().to_vec();
            one.end().unwrap();
            (forward, reverse)
        })
    }

    /// Every rule's NFAs stored in `bytes`, as stored.
    fn all_nfas(bytes: &'static [u8]) -> Vec<StoredNfas> {
        all_of(bytes, NFA, |bytes, area| placed(bytes, area).to_vec())
    }

    /// The parses stored: each default rule's regex, relaxed, and each
    /// distinct allowlist regex as written, without Unicode (as
    /// `Allowlist::regex` first tries it); none that does not parse.
    fn default_hirs() -> Vec<StoredHir> {
        let rules = parsed();
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for r in &rules {
            if seen.insert((Parse::Relaxed, r.unicode, r.pattern.clone()))
                && let Ok(hir) = crate::rule::relaxed_hir(&r.pattern, r.unicode)
            {
                out.push((Parse::Relaxed, r.unicode, r.pattern.clone(), hir));
            }
        }
        for r in &rules {
            for p in r.allowlists.iter().flat_map(|a| a.patterns()) {
                let config = crate::rule::syntax_config(false);
                if seen.insert((Parse::Plain, false, p.clone()))
                    && let Ok(hir) = regex_automata::util::syntax::parse_with(p, &config)
                {
                    out.push((Parse::Plain, false, p.clone(), hir));
                }
            }
        }
        out
    }

    /// Every parse stored in `bytes`.
    fn all_hirs(bytes: &'static [u8]) -> Vec<StoredHir> {
        let (n, offsets, entries) = table(Items::of(bytes).unwrap().hirs).unwrap();
        (0..n)
            .filter_map(|i| {
                let ((pattern, parse, unicode), bytes) = entry(offsets, entries, i).unwrap();
                let parse = match parse {
                    SEARCH | SPLIT | NFA | ALLOWLIST_NFA => return None,
                    0 => Parse::Relaxed,
                    1 => Parse::Plain,
                    other => panic!("parse {other}"),
                };
                let pattern = String::from_utf8(pattern.to_vec()).unwrap();
                let mut one = Dec(bytes);
                let hir = decode_hir(&mut one, 0).unwrap();
                one.end().unwrap();
                Some((parse, unicode, pattern, hir))
            })
            .collect()
    }

    /// The DFAs of the defaults other than the `follows` sets: each
    /// distinct `follows` alone, each distinct allowlist's regexes and
    /// each keyword group's prefilter whose DFA builds.
    fn other_dfas() -> Vec<Prebuilt> {
        let rules = parsed();
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for r in &rules {
            if let Some(f) = &r.follows
                && seen.insert(f.pattern().to_string())
            {
                let dfa = AnchoredDfa::new(&[f.relaxed()]);
                out.push(Prebuilt::Anchored(f.pattern().to_string(), dfa));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for r in &rules {
            for a in &r.allowlists {
                if let Some(dfa) = a.prebuild()
                    && seen.insert(a.patterns().to_vec())
                {
                    out.push(Prebuilt::Unanchored(
                        a.patterns().to_vec(),
                        false,
                        Some(dfa),
                    ));
                }
            }
        }
        for (patterns, unicode, dfa) in default_matcher().prefilter_dfas() {
            if dfa.is_some() && seen.insert(patterns.clone()) {
                out.push(Prebuilt::Unanchored(patterns, unicode, dfa));
            }
        }
        out
    }

    /// Every DFA of `bytes` other than the `follows` sets, with what it is
    /// for.
    fn all_dfas(bytes: &'static [u8]) -> Vec<Prebuilt> {
        let items = Items::of(bytes).unwrap();
        let mut dfas = Dec(items.dfas);
        let area = items.area;
        (0..dfas.len().unwrap())
            .map(|_| {
                let kind = dfas.u8().unwrap();
                let unicode = dfas.bool().unwrap();
                let patterns = dfas.strings().unwrap();
                let mut one = Dec(dfas.bytes().unwrap());
                let empty = one.0.is_empty();
                let dfa = if kind == Kind::Anchored as u8 {
                    assert!(!unicode);
                    let dfa = (!empty).then(|| AnchoredDfa::decode(&mut one, area).unwrap());
                    Prebuilt::Anchored(patterns.into_iter().next().unwrap(), dfa)
                } else {
                    assert_eq!(kind, Kind::Unanchored as u8);
                    let dfa = (!empty).then(|| Unanchored::decode(&mut one, area).unwrap());
                    Prebuilt::Unanchored(patterns, unicode, dfa)
                };
                one.end().unwrap();
                dfa
            })
            .collect()
    }

    /// Every follows set in `bytes`, with its patterns.
    fn all_sets(bytes: &'static [u8]) -> Vec<(Vec<String>, Option<AnchoredSet>)> {
        let items = Items::of(bytes).unwrap();
        let mut sets = Dec(items.sets);
        let area = items.area;
        (0..sets.len().unwrap())
            .map(|_| {
                let patterns = sets.strings().unwrap();
                let set = sets.bytes().unwrap();
                if set.is_empty() {
                    return (patterns, None);
                }
                let mut set = Dec(set);
                let decoded = AnchoredSet::decode(&mut set, area).unwrap();
                set.end().unwrap();
                (patterns, Some(decoded))
            })
            .collect()
    }

    #[test]
    fn prebuilt_defaults_are_current() {
        let want = generate();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/prebuilt.bin");
        if std::env::var_os("HUSH_BLESS").is_some() {
            std::fs::write(&path, &want).unwrap();
            return;
        }
        assert!(
            PREBUILT == want.as_slice(),
            "src/prebuilt.bin is out of date: run `HUSH_BLESS=1 cargo test --lib prebuilt`"
        );
    }

    #[test]
    fn prebuilt_rules_are_the_parsed_rules() {
        // Decoding then encoding again gives the file back: nothing is
        // lost or changed on the way in.
        let loaded = rules().expect("the prebuilt file is current");
        let keywords = default_keywords();
        let scanner = scanner(&keywords).expect("the default scrubber's keywords");
        let sets = all_sets(PREBUILT);
        assert!(sets.len() > 50, "{} follows sets", sets.len());
        let dfas = all_dfas(PREBUILT);
        assert!(dfas.len() > 100, "{} other DFAs", dfas.len());
        let hirs = all_hirs(PREBUILT);
        assert!(hirs.len() > 600, "{} parses", hirs.len());
        let searches = all_searches(PREBUILT);
        assert!(searches.len() > 300, "{} rule searches", searches.len());
        let splits = all_splits(PREBUILT);
        assert!(splits.len() > 500, "{} splits", splits.len());
        let nfas = all_nfas(PREBUILT);
        assert!(nfas.len() > 600, "{} rule NFAs", nfas.len());
        let allowlist_nfas = all_allowlist_nfas(PREBUILT);
        assert!(
            allowlist_nfas.len() > 50,
            "{} allowlist NFAs",
            allowlist_nfas.len()
        );
        let again = encode(
            &loaded,
            &keywords,
            &scanner,
            &sets,
            &dfas,
            &hirs,
            &searches,
            &splits,
            &nfas,
            &allowlist_nfas,
        );
        assert!(PREBUILT == again.as_slice());
        // And a `follows` parsed on first use is the one parsed at load.
        let parsed = parsed();
        assert_eq!(loaded.len(), parsed.len());
        let mut follows = 0;
        for (a, b) in loaded.iter().zip(&parsed) {
            assert_eq!(a.id, b.id);
            if let (Some(fa), Some(fb)) = (&a.follows, &b.follows) {
                assert_eq!(fa.hir(), fb.hir(), "{}", a.id);
                follows += 1;
            } else {
                assert!(a.follows.is_none() && b.follows.is_none(), "{}", a.id);
            }
        }
        assert!(follows > 50, "{follows} rules with a follows");
    }

    #[test]
    fn a_stored_parse_is_the_parse() {
        // Each stored parse, read back, is what parsing the pattern gives
        // (its properties included), and is found by its pattern.
        let stored = default_hirs();
        let mut plain = 0;
        for (parse, unicode, pattern, parsed) in &stored {
            let read = hir(*parse, *unicode, pattern).expect("stored");
            assert_eq!(&read, parsed, "{pattern}");
            assert_eq!(read.properties(), parsed.properties(), "{pattern}");
            plain += usize::from(*parse == Parse::Plain);
        }
        assert!(plain > 20, "{plain} allowlist regexes");
        assert!(
            stored.len() - plain > 600,
            "{} rule regexes",
            stored.len() - plain
        );
        // Anything else is not there.
        let (parse, unicode, pattern, _) = &stored[0];
        assert!(hir(*parse, !unicode, pattern).is_none());
        assert!(hir(Parse::Plain, false, "acme_[a-z]{32}").is_none());
        // A damaged item finds nothing, rather than reading out of place.
        let item = Items::of(PREBUILT).unwrap().hirs;
        let found = |item: &[u8]| super::stored(item, *parse as u8, *unicode, pattern).is_some();
        assert!(found(item));
        assert!(!found(&item[..item.len() - 1]));
        assert!(!found(&item[..4 + 4 * (stored.len() / 2)]));
        assert!(!found(&[]));
        // Nor is a stored parse read past its depth limit.
        let mut e = Enc(Vec::new());
        for _ in 0..=HIR_DEPTH + 1 {
            e.u8(5);
            e.u32(0);
            e.option(None::<u32>, Enc::u32);
            e.bool(true);
        }
        e.u8(0);
        assert!(decode_hir(&mut Dec(&e.0), 0).is_none());
        // A range out of order is refused.
        let mut e = Enc(Vec::new());
        e.u8(3);
        e.len(1);
        e.u8(b'z');
        e.u8(b'a');
        assert!(decode_hir(&mut Dec(&e.0), 0).is_none());
    }

    #[test]
    fn a_stored_nfa_is_the_compiled_nfa() {
        // Each default rule's NFAs, written and read back, are the NFAs
        // the compiler makes (state for state, starts and groups included),
        // and the stored ones are those.
        let mut seen = std::collections::HashSet::new();
        let mut checked = 0;
        for r in &parsed() {
            if !seen.insert((r.pattern.clone(), r.unicode)) {
                continue;
            }
            let hir = crate::rule::relaxed_hir(&r.pattern, r.unicode).unwrap();
            let (forward, reverse) = Loaded::nfas(&hir).unwrap();
            let bytes = [encode_nfa(&forward).unwrap(), encode_nfa(&reverse).unwrap()].concat();
            let mut d = Dec(&bytes);
            let (f, b) = (decode_nfa(&mut d).unwrap(), decode_nfa(&mut d).unwrap());
            d.end().unwrap();
            assert_eq!(format!("{f:?}"), format!("{forward:?}"), "{}", r.id);
            assert_eq!(format!("{b:?}"), format!("{reverse:?}"), "{}", r.id);
            assert_eq!(
                f.group_info().all_names().collect::<Vec<_>>(),
                forward.group_info().all_names().collect::<Vec<_>>(),
                "{}",
                r.id
            );
            assert_eq!(stored_nfas(r), bytes.as_slice(), "{}", r.id);
            checked += 1;
        }
        assert!(checked > 600, "{checked} rules");
    }

    #[test]
    fn a_damaged_stored_nfa_is_refused_or_read_without_panicking() {
        // Every byte of a stored NFA flipped, and every cut: the read
        // gives up or gives some NFA, and never panics (a state out of
        // range, a group closed but not opened, a one-way union), nor do
        // the engines built over what it gives, searching. Rules with
        // groups, look-around, a Unicode class and many states.
        let rules = parsed();
        let texts: [&[u8]; 2] = [
            b"x https://admin:s3cr3t-Pa55@db.example.com:5432/app?token=abc",
            "café TOKEN=\\u00e9 password: hunter22 -----BEGIN".as_bytes(),
        ];
        let (mut refused, mut read, mut searched) = (0, 0, 0);
        for id in [
            "url-credentials",
            "config-secret",
            "jwt",
            "mysql-password-flag",
        ] {
            let r = rules.iter().find(|r| r.id == id).unwrap();
            let bytes = stored_nfas(r);
            let forward_len = {
                let mut d = Dec(bytes);
                decode_nfa(&mut d).unwrap();
                bytes.len() - d.0.len()
            };
            for at in 0..bytes.len() {
                for flip in [0x01, 0x80, 0xff] {
                    let mut damaged = bytes.to_vec();
                    damaged[at] ^= flip;
                    match decode_nfa(&mut Dec(&damaged)) {
                        None => refused += 1,
                        Some(nfa) => {
                            read += 1;
                            if let Some(set) = LazyMatch::new(nfa) {
                                for t in texts {
                                    let _ = set.is_match(&regex_automata::Input::new(t));
                                }
                                searched += 1;
                            }
                        }
                    }
                }
                if at < forward_len {
                    assert!(
                        decode_nfa(&mut Dec(&bytes[..at])).is_none(),
                        "{id}: cut at {at}"
                    );
                }
            }
        }
        assert!(refused > 1000, "{refused} refused");
        assert!(read > 0 && searched > 0, "{read} read, {searched} searched");
        // By hand: a range out of order (regex-automata asserts against
        // it in debug builds: this test failed there, not in release), a
        // one-way union and a group never opened, each as the first of two
        // states (the second a match).
        let two = |state: &dyn Fn(&mut Enc)| {
            let mut e = Enc(Vec::new());
            e.u8(0);
            for _ in 0..3 {
                e.u32(0);
            }
            e.len(2);
            state(&mut e);
            e.u8(8);
            e.0
        };
        let range_out_of_order = two(&|e| {
            e.u8(0);
            e.u8(b'z');
            e.u8(b'a');
            e.u32(1);
        });
        let one_way_union = two(&|e| {
            e.u8(3);
            e.len(1);
            e.u32(1);
        });
        let closed_not_opened = two(&|e| {
            e.u8(6);
            e.u32(1);
            e.u32(1);
        });
        for bytes in [range_out_of_order, one_way_union, closed_not_opened] {
            assert!(decode_nfa(&mut Dec(&bytes)).is_none());
        }
        // The same two states with the range in order do read.
        let in_order = two(&|e| {
            e.u8(0);
            e.u8(b'a');
            e.u8(b'z');
            e.u32(1);
        });
        assert!(decode_nfa(&mut Dec(&in_order)).is_some());
    }

    #[test]
    #[cfg(target_endian = "little")]
    fn the_prebuilt_scanner_is_read_in_place_and_scans_as_built() {
        // Its transitions are the embedded bytes themselves (no copy at
        // start-up), and it finds what a scanner built from the keywords
        // finds.
        let keywords = default_keywords();
        let prebuilt = scanner(&keywords).unwrap();
        assert!(prebuilt.in_place());
        let built = KeywordScanner::new(&keywords).unwrap();
        assert!(!built.in_place());
        let hay = b"export AWS_SECRET_ACCESS_KEY=x ghp_ token: password=y sk-ant- xoxb-";
        let found = |s: &KeywordScanner| {
            let mut out = Vec::new();
            s.scan(hay, 0, |k, a, b| out.push((k, a, b)));
            out
        };
        assert!(found(&built).len() > 5);
        assert_eq!(found(&prebuilt), found(&built));
    }

    #[test]
    fn the_prebuilt_scanner_is_only_for_its_keywords() {
        let mut keywords = default_keywords();
        assert!(scanner(&keywords).is_some());
        keywords.pop();
        assert!(scanner(&keywords).is_none());
        keywords.push("acme_".to_string());
        assert!(scanner(&keywords).is_none());
    }

    #[test]
    fn every_follows_set_of_the_defaults_is_prebuilt() {
        let built = default_matcher().follows_sets();
        for (patterns, set) in &built {
            let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
            let prebuilt = follows_set(&patterns).expect("prebuilt");
            assert_eq!(prebuilt.is_some(), set.is_some(), "{patterns:?}");
        }
        // Every group's set is there, and builds: a set too big to build
        // filters nothing, so every occurrence of its keywords runs its
        // rules one by one. (Before their large gaps were relaxed, one did
        // not build.)
        assert_eq!(built.len(), default_matcher().follows.len());
        assert!(built.iter().all(|(_, set)| set.is_some()));
        assert!(follows_set(&["(?i)=acme"]).is_none());
        assert!(follows_set(&[]).is_none());
    }

    #[test]
    fn a_prebuilt_allowlist_or_prefilter_answers_as_its_regex() {
        // Many short texts: every line of the pattern files and of the
        // test data, and their words (split where an assignment or a list
        // splits them), so that the allowlists' placeholders, paths, file
        // names and identifiers are among them.
        let mut texts = std::collections::BTreeSet::new();
        let data = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"))
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok());
        let files = crate::rule::DEFAULT_FILES
            .iter()
            .map(|(_, t)| t.to_string());
        for text in files.chain(data) {
            for line in text.lines() {
                texts.insert(line.trim().to_string());
                for word in line.split(|c: char| c.is_whitespace() || "=:,'\"".contains(c)) {
                    texts.insert(word.to_string());
                }
            }
        }
        assert!(texts.len() > 10_000, "{} texts", texts.len());
        let texts: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
        let mut compared = 0;
        let mut cut = 0;
        let mut agree = |dfa: &Unanchored, re: &regex_automata::meta::Regex, what: &str| {
            cut += usize::from(dfa.parts() > 1);
            let mut hits = 0;
            for t in &texts {
                let input = regex_automata::Input::new(t);
                if let Some(hit) = dfa.is_match(&input) {
                    assert_eq!(
                        hit,
                        re.is_match(input.clone()),
                        "{what} on {:?}",
                        String::from_utf8_lossy(t)
                    );
                    hits += usize::from(hit);
                }
            }
            compared += 1;
            hits
        };
        let mut seen = std::collections::HashSet::new();
        let (mut allowed, mut loaded, mut loaded_allowed) = (0, 0, 0);
        for r in &parsed() {
            for a in &r.allowlists {
                let patterns = a.patterns();
                if patterns.is_empty() || !seen.insert(patterns.to_vec()) {
                    continue;
                }
                let re = crate::rule::allowlist_regex(patterns, false).unwrap();
                if let Some(dfa) = unanchored(patterns, false) {
                    allowed += agree(&dfa, &re, &format!("{} allowlist", r.id));
                }
                // Every list is also loaded from its NFA (the path of a
                // list without a DFA), and answers as its regex.
                let set = loaded_set(patterns).expect("stored");
                for t in &texts {
                    let hit = set.is_match(&regex_automata::Input::new(t));
                    assert_eq!(
                        hit,
                        re.is_match(t),
                        "{} loaded allowlist on {:?}",
                        r.id,
                        String::from_utf8_lossy(t)
                    );
                    loaded_allowed += usize::from(hit);
                }
                loaded += 1;
            }
        }
        assert!(
            loaded > 50 && loaded_allowed > 1000,
            "{loaded} lists, {loaded_allowed} allowed"
        );
        for (patterns, unicode, _) in default_matcher().prefilter_dfas() {
            if let Some(dfa) = unanchored(&patterns, unicode) {
                let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
                let re = crate::rule::compile_set(&patterns, unicode).unwrap();
                agree(&dfa, &re, &format!("prefilter of {}", patterns[0]));
            }
        }
        // The comparison saw DFAs cut into parts, and allowlists that allow.
        assert!(compared > 50, "{compared} compared");
        assert!(cut >= 5, "{cut} cut into parts");
        assert!(allowed > 1000, "{allowed} allowed");
    }

    /// Every rule's examples and negative examples (so look-alikes of
    /// other rules too) and a sample of the test data's lines.
    fn search_texts(rules: &[Rule]) -> Vec<String> {
        let mut texts: Vec<String> = Vec::new();
        for r in rules {
            texts.extend(r.examples.iter().map(|e| e.input.clone()));
            texts.extend(r.negative_examples.iter().map(|(_, n)| n.clone()));
        }
        let data = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"))
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok());
        for text in data {
            texts.extend(text.lines().step_by(7).map(str::to_string));
        }
        assert!(texts.len() > 3000, "{} texts", texts.len());
        texts
    }

    /// The searches the rule-search tests make of `hay`: unanchored from
    /// the start, and anchored at a few offsets, each with its offset and
    /// whether it is the unanchored one.
    fn search_inputs(hay: &[u8]) -> impl Iterator<Item = (usize, bool, regex_automata::Input<'_>)> {
        let starts = [0, 1, hay.len() / 3, hay.len() / 2];
        starts
            .into_iter()
            .enumerate()
            .filter(|&(_, at)| at <= hay.len())
            .map(|(i, at)| {
                let input = regex_automata::Input::new(hay).range(at..);
                if i == 0 {
                    (at, true, input)
                } else {
                    (at, false, input.anchored(regex_automata::Anchored::Yes))
                }
            })
    }

    #[test]
    fn a_rule_forward_dfa_says_no_match_only_where_its_regex_has_none() {
        // Every default rule without search DFAs, its lazy DFA built as a
        // rule not of the defaults builds it for a first check, on the
        // texts below, searched unanchored from the start and anchored at a
        // few offsets: it says "match" where the regex does, and only there.
        let rules = parsed();
        let texts = search_texts(&rules);
        let (mut rules_checked, mut no, mut yes) = (0, 0, 0);
        let mut seen = std::collections::HashSet::new();
        for r in &rules {
            if !seen.insert((r.pattern.clone(), r.unicode))
                || search(r.unicode, &r.pattern).is_some()
            {
                continue;
            }
            let hir = crate::rule::relaxed_hir(&r.pattern, r.unicode).unwrap();
            let nfa = LazyMatch::nfa(std::slice::from_ref(&hir)).expect("builds");
            let forward = LazyMatch::new(nfa).expect("builds");
            let re = r.compile_regex().unwrap();
            for text in &texts {
                for (at, _, input) in search_inputs(text.as_bytes()) {
                    let regex = re.is_match(input.clone());
                    assert_eq!(
                        forward.is_match(&input),
                        regex,
                        "{} on {text:?} at {at}",
                        r.id
                    );
                    if regex {
                        yes += 1;
                    } else {
                        no += 1;
                    }
                }
            }
            rules_checked += 1;
        }
        assert!(rules_checked > 200, "{rules_checked} rules");
        assert!(yes > 1000 && no > 1_000_000, "{yes} matches, {no} not");
    }

    #[test]
    fn a_prebuilt_rule_search_finds_what_its_regex_finds() {
        // Every default rule with search DFAs, on the texts of
        // `search_texts`: the same match, searched unanchored from the
        // start and anchored at a few offsets.
        let rules = parsed();
        let texts = search_texts(&rules);
        let (mut searched, mut found, mut anchored_only) = (0, 0, 0);
        let mut seen = std::collections::HashSet::new();
        for r in &rules {
            if !seen.insert((r.pattern.clone(), r.unicode)) {
                continue;
            }
            let Some(dfas) = search(r.unicode, &r.pattern) else {
                continue;
            };
            let re = r.compile_regex().unwrap();
            let mut anchored_only_rule = false;
            for text in &texts {
                for (at, unanchored, input) in search_inputs(text.as_bytes()) {
                    match dfas.search(&input) {
                        Ok(m) => {
                            assert_eq!(m, re.search(&input), "{} on {text:?} at {at}", r.id);
                            found += usize::from(m.is_some());
                        }
                        Err(_) => anchored_only_rule |= unanchored,
                    }
                }
            }
            searched += 1;
            anchored_only += usize::from(anchored_only_rule);
        }
        // Most rules have DFAs, some for anchored searches only, and they
        // found matches.
        assert!(searched > 300, "{searched} rules searched");
        assert!(anchored_only > 10, "{anchored_only} anchored only");
        assert!(found > 500, "{found} found");
    }

    #[test]
    fn a_loaded_regex_finds_what_its_compiled_regex_finds() {
        // Every default rule's regex loaded from its stored NFAs, on the
        // texts of `search_texts` (a sample of them, besides the rule's
        // own examples): the same match, searched unanchored from the
        // start and anchored at a few offsets, and the same groups in it.
        let rules = parsed();
        let texts = search_texts(&rules);
        let (mut rules_checked, mut found) = (0, 0);
        let mut seen = std::collections::HashSet::new();
        for r in &rules {
            if !seen.insert((r.pattern.clone(), r.unicode)) {
                continue;
            }
            let loaded = loaded(r.unicode, &r.pattern).expect("stored");
            let re = r.compile_regex().unwrap();
            let own = r.examples.iter().map(|e| e.input.as_str());
            let own = own.chain(r.negative_examples.iter().map(|(_, n)| n.as_str()));
            let sample = texts
                .iter()
                .skip(rules_checked % 5)
                .step_by(5)
                .map(String::as_str);
            let (mut caps, mut want) = (loaded.create_captures(), re.create_captures());
            for text in own.chain(sample) {
                for (at, _, input) in search_inputs(text.as_bytes()) {
                    let m = loaded.search(&input);
                    assert_eq!(m, re.search(&input), "{} on {text:?} at {at}", r.id);
                    let Some(m) = m else { continue };
                    found += 1;
                    let span = input
                        .clone()
                        .range(m.range())
                        .anchored(regex_automata::Anchored::Yes);
                    loaded.search_captures(&span, &mut caps);
                    re.search_captures(&span, &mut want);
                    for g in 0..want.group_len() {
                        assert_eq!(
                            caps.get_group(g),
                            want.get_group(g),
                            "{} group {g} on {text:?}",
                            r.id
                        );
                    }
                }
            }
            rules_checked += 1;
        }
        assert!(rules_checked > 600, "{rules_checked} rules");
        assert!(found > 2000, "{found} found");
    }

    #[test]
    fn a_damaged_prebuilt_file_is_not_used() {
        let keywords = default_keywords();
        let (patterns, _) = &all_sets(PREBUILT)[0];
        let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
        // Where the scanner ends: each part is read on its own.
        let scanner_end = {
            let mut d = Dec::header(PREBUILT).unwrap();
            d.bytes().unwrap();
            d.bytes().unwrap();
            PREBUILT.len() - d.0.len()
        };
        for cut in [0, 7, 20, scanner_end / 2, scanner_end - 1] {
            assert!(
                scanner_from(&PREBUILT[..cut], &keywords).is_none(),
                "cut at {cut}"
            );
        }
        for cut in [0, 7, 20, scanner_end, PREBUILT.len() - 1] {
            assert!(
                follows_set_from(&PREBUILT[..cut], &patterns).is_none(),
                "cut at {cut}"
            );
        }
        // A set whose DFA is damaged, or not aligned for reading in place,
        // is not read (it is built instead).
        let dfa_at = {
            let items = Items::of(PREBUILT).unwrap();
            let (mut sets, area) = (Dec(items.sets), items.area);
            sets.len().unwrap();
            sets.strings().unwrap();
            let mut set = Dec(sets.bytes().unwrap());
            let at = set.usize().unwrap();
            PREBUILT.len() - area.len() + at
        };
        assert!(follows_set_from(PREBUILT, &patterns).unwrap().is_some());
        let mut damaged = PREBUILT.to_vec();
        damaged[dfa_at] ^= 0x20; // regex-automata's label
        let damaged: &'static [u8] = Box::leak(damaged.into_boxed_slice());
        assert!(follows_set_from(damaged, &patterns).is_none());
        let mut shifted = vec![0u8; PREBUILT.len() + 8];
        let shift = 1 + shifted.as_ptr().align_offset(8);
        shifted[shift..shift + PREBUILT.len()].copy_from_slice(PREBUILT);
        let shifted: &'static [u8] = Box::leak(shifted.into_boxed_slice());
        assert!(follows_set_from(&shifted[shift..shift + PREBUILT.len()], &patterns).is_none());
        let mut other = PREBUILT.to_vec();
        other[9] ^= 1; // the format
        assert!(rules_from(&other).is_none());
        let mut other = PREBUILT.to_vec();
        other[13] ^= 1; // the hash
        assert!(rules_from(&other).is_none());
    }
}
