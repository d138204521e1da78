//! Where a rule's secret group lies in a match, found with DFAs.
//!
//! Resolving capture groups takes a backtracker or a Pike VM, and for the
//! generic context rules (a variable name, a keyword, a separator, then the
//! value) that is most of the cost of a candidate: the name's prefix and
//! the keyword can split the name many ways, and the backtracker tries them
//! all. Such a rule's regex is a concatenation `P (S) Q` with the secret
//! group `S` at the top level, and in a match `[s, e)` the group starts at
//! a position `x` where `P` matches `[s, x)` and `S Q` matches `[x, e)`,
//! and ends at a `y` where `S` matches `[x, y)` and `Q` matches `[y, e)`.
//! When only one `x` and one `y` qualify, they are where the capture
//! engine would put the group, whatever its preferences, since its parse
//! is one of the qualifying ones; anchored DFAs find them in a walk or two
//! over the match. When more than one qualifies, [`Split::find`] says so
//! and the caller asks the capture engine.
//!
//! The `x` to check are the ends of `P`, and the `y` the starts of `Q`:
//! `P` and `Q` are the short parts around a long value, so there are few.
//! Look-around assertions in any part see the haystack around it, as
//! they do in the whole regex.

use std::ops::Range;

use regex_automata::dfa::dense::{self, DFA};
use regex_automata::dfa::{Automaton, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::hir::{Hir, HirKind};

/// At most this many ends of `P` (or starts of `Q`) are checked; more, and
/// the capture engine decides.
const CANDIDATES: usize = 4;

type Dfa = DFA<Vec<u32>>;

/// A split of the default rules, read in place from `prebuilt` (dense:
/// 13 MB for the defaults' 584 splits, against 4 MB sparse, but a sparse
/// split made `event/secret` about 0.8 µs slower, and building the dense
/// one during a scrub took up to 7.6 ms per rule).
pub(crate) type Prebuilt = Split<DFA<&'static [u32]>>;

/// A rule's regex cut around its secret group, as anchored DFAs that
/// report every match (not only the preferred one).
pub(crate) struct Split<A = Dfa> {
    /// `P`, forward; `None` if `P` is empty (the group starts the match).
    prefix: Option<A>,
    /// `S Q`, reversed.
    rest: A,
    /// `S`, forward, and `Q`, reversed; `None` if `Q` is empty (the group
    /// ends the match).
    tail: Option<(A, A)>,
}

impl Split {
    /// Cuts `hir` around capture group `group`, if it is an element of the
    /// top-level concatenation (or the whole regex) and every part compiles
    /// to a small DFA.
    pub(crate) fn new(hir: &Hir, group: u32) -> Option<Split> {
        let items: Vec<Hir> = match hir.kind() {
            HirKind::Concat(items) => items.clone(),
            _ => vec![hir.clone()],
        };
        let k = items.iter().position(|h| match h.kind() {
            HirKind::Capture(c) => c.index == group,
            _ => false,
        })?;
        let HirKind::Capture(cap) = items[k].kind() else {
            unreachable!("found as a capture above")
        };
        let p = Hir::concat(items[..k].to_vec());
        let s = (*cap.sub).clone();
        let q = Hir::concat(items[k + 1..].to_vec());
        let empty = |h: &Hir| matches!(h.kind(), HirKind::Empty);
        let prefix = if empty(&p) {
            None
        } else {
            Some(anchored_dfa(&p, false)?)
        };
        let rest = anchored_dfa(&Hir::concat(vec![s.clone(), q.clone()]), true)?;
        let tail = if empty(&q) {
            None
        } else {
            Some((anchored_dfa(&s, false)?, anchored_dfa(&q, true)?))
        };
        Some(Split { prefix, rest, tail })
    }

    /// The split's DFAs as `prebuilt` stores them, for capture group
    /// `group`.
    #[cfg(test)]
    pub(crate) fn to_bytes(&self, group: u32) -> SplitBytes {
        let bytes = |dfa: &Dfa| {
            let (bytes, pad) = dfa.to_bytes_little_endian();
            bytes[pad..].to_vec()
        };
        SplitBytes {
            group,
            prefix: self.prefix.as_ref().map(bytes),
            rest: bytes(&self.rest),
            tail: self.tail.as_ref().map(|(g, q)| (bytes(g), bytes(q))),
        }
    }
}

/// A split as `prebuilt` stores it: its group and its DFAs, serialized.
#[cfg(test)]
pub(crate) struct SplitBytes {
    pub(crate) group: u32,
    pub(crate) prefix: Option<Vec<u8>>,
    pub(crate) rest: Vec<u8>,
    pub(crate) tail: Option<(Vec<u8>, Vec<u8>)>,
}

#[cfg(test)]
impl SplitBytes {
    /// Writes the group, which parts there are, and the DFAs into `area`.
    pub(crate) fn encode(&self, e: &mut crate::prebuilt::Enc, area: &mut crate::prebuilt::Area) {
        e.u32(self.group);
        e.bool(self.prefix.is_some());
        e.bool(self.tail.is_some());
        if let Some(prefix) = &self.prefix {
            area.dfa(e, prefix.clone());
        }
        area.dfa(e, self.rest.clone());
        if let Some((group, suffix)) = &self.tail {
            area.dfa(e, group.clone());
            area.dfa(e, suffix.clone());
        }
    }

    /// Reads what [`SplitBytes::encode`] wrote, the DFAs copied out of
    /// `area`.
    pub(crate) fn decode(d: &mut crate::prebuilt::Dec<'_>, area: &[u8]) -> Option<SplitBytes> {
        let group = d.u32()?;
        let (has_prefix, has_tail) = (d.bool()?, d.bool()?);
        let mut dfa = || d.placed(area).map(<[u8]>::to_vec);
        let prefix = if has_prefix { Some(dfa()?) } else { None };
        let rest = dfa()?;
        let tail = if has_tail {
            Some((dfa()?, dfa()?))
        } else {
            None
        };
        Some(SplitBytes {
            group,
            prefix,
            rest,
            tail,
        })
    }
}

impl Prebuilt {
    /// Reads a split written by [`Split::encode`] for capture group
    /// `group`, its DFAs in place in `area`; `None` if it is of another
    /// group or anything is out of place (regex-automata checks each DFA
    /// as it reads it).
    pub(crate) fn decode(
        d: &mut crate::prebuilt::Dec<'_>,
        area: &'static [u8],
        group: u32,
    ) -> Option<Prebuilt> {
        if d.u32()? != group {
            return None;
        }
        let (has_prefix, has_tail) = (d.bool()?, d.bool()?);
        let prefix = if has_prefix { Some(d.dfa(area)?) } else { None };
        let rest = d.dfa(area)?;
        let tail = if has_tail {
            Some((d.dfa(area)?, d.dfa(area)?))
        } else {
            None
        };
        Some(Split { prefix, rest, tail })
    }
}

impl<A: Automaton> Split<A> {
    /// The group's span in the match `m` of the whole regex in `hay`, or
    /// `None` if the match splits more than one way around it (or a DFA
    /// gave up on a byte), and a capture engine must decide.
    pub(crate) fn find(&self, hay: &[u8], m: Range<usize>) -> Option<Range<usize>> {
        let x = match &self.prefix {
            None => m.start,
            Some(prefix) => {
                let ends = forward_ends(prefix, hay, m.start, m.end)?;
                only_one(ends, |x| reverse_matches(&self.rest, hay, x, m.end))?
            }
        };
        let y = match &self.tail {
            None => m.end,
            Some((group, suffix)) => {
                let starts = reverse_starts(suffix, hay, x, m.end)?;
                only_one(starts, |y| forward_matches(group, hay, x, y))?
            }
        };
        Some(x..y)
    }
}

/// An anchored DFA of `hir` that reports every match; reversed (for
/// matching backwards from an end) if `reverse`.
fn anchored_dfa(hir: &Hir, reverse: bool) -> Option<Dfa> {
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .utf8(false)
                .reverse(reverse)
                .which_captures(thompson::WhichCaptures::None),
        )
        .build_from_hir(hir)
        .ok()?;
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .match_kind(MatchKind::All)
                .start_kind(StartKind::Anchored)
                .unicode_word_boundary(true)
                // Small enough that a split builds or gives up within
                // about 12 ms (it is built during a scrub): with 1 MiB /
                // 2 MiB the default rules' splits took 1.9 s in all, up
                // to 57 ms each, most of it in the 77 that gave up; with
                // these, 584 of their 594 build and the rest give up
                // sooner. The defaults' splits that do not build are
                // known in advance (see `prebuilt`) and not tried. A rule
                // without one asks the capture engine.
                .dfa_size_limit(Some(1 << 18))
                .determinize_size_limit(Some(1 << 20)),
        )
        .build_from_nfa(&nfa)
        .ok()
}

/// Up to [`CANDIDATES`] positions, without allocating.
#[derive(Default)]
struct Few {
    at: [usize; CANDIDATES],
    len: usize,
}

impl Few {
    /// Adds `i`; `false` if there is no room.
    fn push(&mut self, i: usize) -> bool {
        if self.len == CANDIDATES {
            return false;
        }
        self.at[self.len] = i;
        self.len += 1;
        true
    }
}

/// The one candidate `ok` accepts; `None` if none or several do (or `ok`
/// cannot tell).
fn only_one(candidates: Few, mut ok: impl FnMut(usize) -> Option<bool>) -> Option<usize> {
    let mut found = None;
    for &c in &candidates.at[..candidates.len] {
        if ok(c)? {
            if found.is_some() {
                return None;
            }
            found = Some(c);
        }
    }
    found
}

/// Every `i` in `[from, to]` where `dfa` matches `hay[from..i]` (at most
/// [`CANDIDATES`]); `None` if there are more or the DFA gives up.
fn forward_ends<A: Automaton>(dfa: &A, hay: &[u8], from: usize, to: usize) -> Option<Few> {
    let input = Input::new(hay).range(from..to).anchored(Anchored::Yes);
    let mut sid = dfa.start_state_forward(&input).ok()?;
    let mut ends = Few::default();
    // A match state is entered one byte after the match ends.
    for i in from..=to {
        sid = match hay.get(i) {
            Some(&b) => dfa.next_state(sid, b),
            None => dfa.next_eoi_state(sid),
        };
        if dfa.is_special_state(sid) {
            if dfa.is_match_state(sid) {
                if !ends.push(i) {
                    return None;
                }
            } else if dfa.is_dead_state(sid) {
                break;
            } else if dfa.is_quit_state(sid) {
                return None;
            }
        }
        if i == hay.len() {
            break;
        }
    }
    Some(ends)
}

/// Every `i` in `[from, to]` where reversed `dfa` matches `hay[i..to]` (at
/// most [`CANDIDATES`]); `None` if there are more or the DFA gives up.
fn reverse_starts<A: Automaton>(dfa: &A, hay: &[u8], from: usize, to: usize) -> Option<Few> {
    let input = Input::new(hay).range(from..to).anchored(Anchored::Yes);
    let mut sid = dfa.start_state_reverse(&input).ok()?;
    let mut starts = Few::default();
    // A match state is entered one byte before the match starts.
    for i in (from..=to).rev() {
        sid = match i.checked_sub(1) {
            Some(j) => dfa.next_state(sid, hay[j]),
            None => dfa.next_eoi_state(sid),
        };
        if dfa.is_special_state(sid) {
            if dfa.is_match_state(sid) {
                if !starts.push(i) {
                    return None;
                }
            } else if dfa.is_dead_state(sid) {
                break;
            } else if dfa.is_quit_state(sid) {
                return None;
            }
        }
        if i == 0 {
            break;
        }
    }
    Some(starts)
}

/// Whether `dfa` matches `hay[from..to]` exactly; `None` if it gives up.
fn forward_matches<A: Automaton>(dfa: &A, hay: &[u8], from: usize, to: usize) -> Option<bool> {
    let input = Input::new(hay).range(from..to).anchored(Anchored::Yes);
    let mut sid = dfa.start_state_forward(&input).ok()?;
    for &b in &hay[from..to] {
        sid = dfa.next_state(sid, b);
        if dfa.is_dead_state(sid) {
            return Some(false);
        }
        if dfa.is_quit_state(sid) {
            return None;
        }
    }
    sid = match hay.get(to) {
        Some(&b) => dfa.next_state(sid, b),
        None => dfa.next_eoi_state(sid),
    };
    if dfa.is_quit_state(sid) {
        return None;
    }
    Some(dfa.is_match_state(sid))
}

/// Whether reversed `dfa` matches `hay[from..to]` exactly; `None` if it
/// gives up.
fn reverse_matches<A: Automaton>(dfa: &A, hay: &[u8], from: usize, to: usize) -> Option<bool> {
    let input = Input::new(hay).range(from..to).anchored(Anchored::Yes);
    let mut sid = dfa.start_state_reverse(&input).ok()?;
    for &b in hay[from..to].iter().rev() {
        sid = dfa.next_state(sid, b);
        if dfa.is_dead_state(sid) {
            return Some(false);
        }
        if dfa.is_quit_state(sid) {
            return None;
        }
    }
    sid = match from.checked_sub(1) {
        Some(j) => dfa.next_state(sid, hay[j]),
        None => dfa.next_eoi_state(sid),
    };
    if dfa.is_quit_state(sid) {
        return None;
    }
    Some(dfa.is_match_state(sid))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(pattern: &str, group: u32) -> Split {
        let hir = regex_syntax::parse(pattern).unwrap();
        Split::new(&hir, group).expect("splits")
    }

    #[test]
    fn a_match_that_splits_one_way_gives_the_group() {
        let s = split(r"x(a+)y", 1);
        assert_eq!(s.find(b"--xaaay--", 2..7), Some(3..6));
        // Look-around sees the haystack beyond the match and the group.
        // (ASCII classes: Unicode's `\w` makes DFAs past the size limit.)
        let s = split(r"(?m-u)^key=(\w+)$", 1);
        assert_eq!(s.find(b"key=abc\nnext", 0..7), Some(4..7));
        let s = split(r"(?-u)\bk=(\w+)\b(;?)", 1);
        assert_eq!(s.find(b"a k=v1; b", 2..7), Some(4..6));
    }

    #[test]
    fn a_match_that_splits_several_ways_is_left_to_the_capture_engine() {
        // "aaab": the group can end after any of the three a's.
        let s = split(r"(a+)(a*)b", 1);
        assert_eq!(s.find(b"aaab", 0..4), None);
        // "k==v": the separator can be "=" or "==".
        let s = split(r"k=+(=?v)", 1);
        assert_eq!(s.find(b"k==v", 0..4), None);
    }

    #[test]
    fn a_group_below_the_top_level_is_not_split() {
        let hir = regex_syntax::parse(r"x(?:(a)|b)y").unwrap();
        assert!(Split::new(&hir, 1).is_none());
    }
}
