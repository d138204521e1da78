//! The keyword scan: every occurrence of every keyword, ASCII
//! case-insensitively, overlapping occurrences included.
//!
//! This is the one pass over every byte of input, so it is the hot path on
//! clean text. It walks an Aho-Corasick DFA itself rather than through the
//! crate's iterator, in interleaved lanes over parts of the input: a DFA
//! walk is bound by the latency of each transition's table load, and
//! independent walks keep several loads in flight. Whole rounds of input
//! are walked in eight lanes, read through one pointer at fixed distances
//! (so that the eight states stay in registers); what is left of an input
//! in four lanes of any length. On this project's benchmark input four
//! lanes were about twice the throughput of a single walk (see the
//! README's benchmark table).
//!
//! The walk uses its own copy of the automaton's transitions ([`Table`]):
//! rows as wide as the keywords' byte classes rather than a power of two,
//! so about 40% less memory for the loads to come from, and match states
//! numbered first, so that one comparison tells a match.
//!
//! Lane `j` starts `K - 1` bytes (`K` the longest keyword) before its part,
//! so that an occurrence straddling two parts is seen by the lane of the part
//! it ends in; a lane reports only occurrences ending inside its part, so
//! none is reported twice.

use std::collections::HashMap;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::{Builder, DFA};
use aho_corasick::{Anchored, MatchKind};

use crate::error::{Error, ErrorKind};

/// How many walks run side by side over a whole round. (The filter over
/// 64 MiB of real text, in one script, builds without aligned loops:
/// eight lanes 70.1 ms, six 72.2, seven 71.6, four 77.6, ten 91.7: with
/// ten, the states no longer fit in registers. With aligned loops, four
/// lanes 73.4 ms against eight 65.5.)
const LANES: usize = 8;

/// How many walks run side by side over the rest of an input, whose parts
/// are not of one length, so that each lane needs its own pointer (with
/// more lanes, they no longer fit in registers: eight ran slower than
/// four).
const FEW_LANES: usize = 4;

// The few lanes are the first of the lanes of a whole round.
const _: () = assert!(FEW_LANES <= LANES);

/// Inputs shorter than this many times the longest keyword are walked in
/// one lane: below it, the lanes' lead-ins cost more than they save.
const MIN_LANES_LEN: usize = 3;

/// Bytes walked (in [`LANES`] lanes) before their occurrences are
/// reported: few enough to stay in the first levels of cache.
const ROUND: usize = LANES * PART;

/// A lane's part of a whole round.
const PART: usize = 8 << 10;

/// Keywords are cut to this many bytes for the automaton; a match of a cut
/// keyword is then checked against the whole ones it stands for. Long
/// keywords' tails are most of a full automaton's states, and a smaller
/// automaton stays in cache; but too short a cut matches common words
/// ("config", "servic", "regist") that the check then throws away. On the
/// benchmark input 8 walks faster than 6 and as fast as 10.
const CUT: usize = 8;

/// An Aho-Corasick DFA's transitions, laid out for the scan.
///
/// States are numbered in breadth-first order from the start state, with
/// every match state before every other state; a state's id is its number
/// times the number of byte classes (the offset of its row). Two bytes
/// share a class when no keyword holds either (in either case) or both
/// are the same letter in another case, so the classes are exactly the
/// automaton's.
struct Table {
    /// Each byte's class.
    classes: [u8; 256],
    /// `trans[id + class]`: the next state's id.
    trans: Trans,
    /// The start state's id.
    start: u32,
    /// Ids below this are match states.
    match_below: u32,
    /// The number of classes (the row width).
    width: u32,
}

/// A table's transitions: built, or the prebuilt defaults' read in place
/// (copying and checking them was a fifth of start-up).
enum Trans {
    Built(Vec<u32>),
    Prebuilt(&'static [u32]),
}

impl std::ops::Deref for Trans {
    type Target = [u32];

    #[inline(always)]
    fn deref(&self) -> &[u32] {
        match self {
            Trans::Built(trans) => trans,
            Trans::Prebuilt(trans) => trans,
        }
    }
}

impl Table {
    /// `cuts` are the automaton's patterns, lowercase. Also returns the
    /// automaton's own match states, by number.
    fn new(dfa: &DFA, cuts: &[&[u8]]) -> (Table, Vec<StateID>) {
        // Classes: 0 for the bytes no pattern holds, then one for each byte
        // a pattern holds (with its other case, if a letter).
        let mut classes = [0u8; 256];
        let mut reps: Vec<u8> = Vec::new();
        for &b in cuts.iter().flat_map(|c| c.iter()) {
            let b = b.to_ascii_lowercase();
            if classes[usize::from(b)] == 0 {
                reps.push(b);
                let class = u8::try_from(reps.len()).expect("at most 230 folded bytes");
                classes[usize::from(b)] = class;
                classes[usize::from(b.to_ascii_uppercase())] = class;
            }
        }
        // (Every byte a pattern holds is possible: class 0 is then unused.)
        let other = (0..=255u8).find(|&b| classes[usize::from(b)] == 0);
        let reps: Vec<u8> = std::iter::once(other.unwrap_or(0)).chain(reps).collect();
        let start = dfa
            .start_state(Anchored::No)
            .expect("unanchored search is supported");
        // Every state reachable from the start, breadth first, with its
        // transitions as the automaton's states; `bfs[sid]` is a state's
        // breadth-first number plus one (0: not seen yet).
        let mut order = vec![start];
        let mut bfs = vec![0u32; start.as_usize() + 1];
        bfs[start.as_usize()] = 1;
        let mut raw = Vec::new();
        let mut i = 0;
        while i < order.len() {
            for &b in &reps {
                let next = dfa.next_state(Anchored::No, order[i], b);
                raw.push(next);
                if next.as_usize() >= bfs.len() {
                    bfs.resize(next.as_usize() + 1, 0);
                }
                if bfs[next.as_usize()] == 0 {
                    order.push(next);
                    bfs[next.as_usize()] = u32::try_from(order.len()).expect("automaton fits u32");
                }
            }
            i += 1;
        }
        // Renumbered with the match states first, breadth-first order kept
        // within each kind; a state's id is its number times the width.
        let width = reps.len();
        let mut ranked: Vec<usize> = (0..order.len()).collect();
        ranked.sort_by_key(|&n| !dfa.is_match(order[n]));
        let mut id = vec![0u32; order.len()];
        for (rank, &n) in ranked.iter().enumerate() {
            id[n] = u32::try_from(rank * width).expect("automaton fits u32");
        }
        let id_of = |sid: StateID| id[bfs[sid.as_usize()] as usize - 1];
        let mut trans = vec![0u32; raw.len()];
        for (n, row) in raw.chunks(width).enumerate() {
            let at = id[n] as usize;
            for (c, &next) in row.iter().enumerate() {
                trans[at + c] = id_of(next);
            }
        }
        let matches = order.iter().filter(|&&s| dfa.is_match(s)).count();
        let table = Table {
            classes,
            trans: Trans::Built(trans),
            start: id_of(start),
            match_below: u32::try_from(matches * width).expect("automaton fits u32"),
            width: width as u32,
        };
        let match_states = ranked[..matches].iter().map(|&n| order[n]).collect();
        (table, match_states)
    }

    #[inline(always)]
    fn next(&self, id: u32, byte: u8) -> u32 {
        self.trans[self.index(id as usize, byte)]
    }

    /// [`Table::next`] on ids held as `usize`: the eight-lane walk's states
    /// then need no widening before each load.
    #[inline(always)]
    fn next_wide(&self, id: usize, byte: u8) -> usize {
        self.trans[self.index(id, byte)] as usize
    }

    /// Where the transition from state `id` on `byte` is.
    #[inline(always)]
    fn index(&self, id: usize, byte: u8) -> usize {
        id + usize::from(self.classes[usize::from(byte)])
    }

    #[inline(always)]
    fn is_match(&self, id: u32) -> bool {
        id < self.match_below
    }

    /// A match state's number.
    fn number(&self, id: u32) -> usize {
        (id / self.width) as usize
    }
}

/// A test of whether a `u32` is a multiple of `d` (not 0) without a
/// division, so that checking the 280,000 ids of the defaults' table takes
/// a few dozen microseconds rather than half a millisecond: with
/// `d = 2^k * m`, `m` odd, and `m'` the inverse of `m` modulo `2^32`,
/// `n` is a multiple of `d` exactly when `n * m'` (wrapping) rotated right
/// by `k` is at most `(2^32 - 1) / d` (Hacker's Delight, 10-17).
fn multiple_of(d: u32) -> impl Fn(u32) -> bool {
    let k = d.trailing_zeros() % 32;
    let m = (d >> k).max(1);
    // Newton's iteration doubles the correct low bits each step, from the
    // three of `m` itself (an odd number is its own inverse modulo 8).
    let mut inverse = m;
    for _ in 0..4 {
        inverse = inverse.wrapping_mul(2u32.wrapping_sub(m.wrapping_mul(inverse)));
    }
    let limit = u32::MAX.checked_div(d).unwrap_or(0);
    move |n: u32| d != 0 && n.wrapping_mul(inverse).rotate_right(k) <= limit
}

/// A keyword that may end where a match state of the automaton is entered:
/// it begins `back` bytes before, and goes on with `tail` (an
/// empty `tail` if the automaton matched all of it).
struct Whole {
    id: u32,
    back: u32,
    /// Where the tail is in [`KeywordScanner::tails`].
    tail: (u32, u32),
}

/// The match states one lane entered in a round, and where: the first few
/// on the stack, so that a short input's scan does not allocate.
#[derive(Default)]
struct Found {
    first: [(u32, usize); 8],
    len: usize,
    more: Vec<(u32, usize)>,
}

impl Found {
    fn push(&mut self, item: (u32, usize)) {
        match self.first.get_mut(self.len) {
            Some(slot) => {
                *slot = item;
                self.len += 1;
            }
            None => self.more.push(item),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &(u32, usize)> {
        self.first[..self.len].iter().chain(&self.more)
    }

    fn clear(&mut self) {
        self.len = 0;
        self.more.clear();
    }
}

pub(crate) struct KeywordScanner {
    table: Table,
    /// For each match state (by number), its keywords: a range of
    /// `wholes`.
    at_state: Vec<(u32, u32)>,
    wholes: Vec<Whole>,
    /// The keywords' tails (lowercase), one after another.
    tails: Vec<u8>,
    /// The longest keyword.
    max_len: usize,
}

impl KeywordScanner {
    /// `keywords` are lowercase.
    pub(crate) fn new(keywords: &[String]) -> Result<KeywordScanner, Error> {
        let mut cuts: Vec<&[u8]> = Vec::new();
        // For each cut, the keywords it stands for: `(keyword id, keyword)`.
        let mut whole: Vec<Vec<(usize, &[u8])>> = Vec::new();
        // Each cut's index in `cuts`, so that many keywords are cut in
        // linear time.
        let mut cut_index: HashMap<&[u8], usize> = HashMap::new();
        for (id, k) in keywords.iter().enumerate() {
            let cut = &k.as_bytes()[..k.len().min(CUT)];
            let p = *cut_index.entry(cut).or_insert_with(|| {
                cuts.push(cut);
                whole.push(Vec::new());
                cuts.len() - 1
            });
            whole[p].push((id, k.as_bytes()));
        }
        let dfa = Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&cuts)
            .map_err(|e| {
                Error::new(ErrorKind::Config, "cannot build the keyword automaton").with_source(e)
            })?;
        let (table, states) = Table::new(&dfa, &cuts);
        let too_many = || Error::new(ErrorKind::Config, "too many keywords");
        let mut at_state = Vec::with_capacity(states.len());
        let mut wholes = Vec::new();
        let mut tails = Vec::new();
        for sid in states {
            let first = u32::try_from(wholes.len()).map_err(|_| too_many())?;
            for k in 0..dfa.match_len(sid) {
                let pid = dfa.match_pattern(sid, k).as_usize();
                let back = cuts[pid].len();
                for (id, keyword) in &whole[pid] {
                    let from = u32::try_from(tails.len()).map_err(|_| too_many())?;
                    tails.extend_from_slice(&keyword[back..]);
                    let to = u32::try_from(tails.len()).map_err(|_| too_many())?;
                    wholes.push(Whole {
                        id: u32::try_from(*id).map_err(|_| too_many())?,
                        back: back as u32,
                        tail: (from, to),
                    });
                }
            }
            let last = u32::try_from(wholes.len()).map_err(|_| too_many())?;
            at_state.push((first, last));
        }
        let max_len = keywords.iter().map(String::len).max().unwrap_or(0);
        Ok(KeywordScanner {
            table,
            at_state,
            wholes,
            tails,
            max_len,
        })
    }

    /// Whether the transitions are the prebuilt file's, read in place.
    #[cfg(test)]
    pub(crate) fn in_place(&self) -> bool {
        matches!(self.table.trans, Trans::Prebuilt(_))
    }

    /// Writes the scanner for `prebuilt`, its transitions into `area` (see
    /// [`crate::prebuilt::Area`]), where they are read in place.
    #[cfg(test)]
    pub(crate) fn encode(&self, e: &mut crate::prebuilt::Enc, area: &mut crate::prebuilt::Area) {
        let t = &self.table;
        e.0.extend_from_slice(&t.classes);
        let trans: Vec<u8> = t.trans.iter().flat_map(|id| id.to_le_bytes()).collect();
        area.dfa(e, trans);
        e.u32(t.start);
        e.u32(t.match_below);
        e.u32(t.width);
        e.len(self.at_state.len());
        for &(first, last) in &self.at_state {
            e.u32(first);
            e.u32(last);
        }
        e.len(self.wholes.len());
        for w in &self.wholes {
            e.u32(w.id);
            e.u32(w.back);
            e.u32(w.tail.0);
            e.u32(w.tail.1);
        }
        e.bytes(&self.tails);
        e.usize(self.max_len);
    }

    /// Reads a scanner written by [`KeywordScanner::encode`], its
    /// transitions in place in `area`, checking that every state id, range
    /// and class is in bounds, so that a scan cannot index out of them.
    /// `None` if anything is out of place (on a big-endian machine, always:
    /// the scanner is then built).
    pub(crate) fn decode(
        d: &mut crate::prebuilt::Dec<'_>,
        area: &'static [u8],
    ) -> Option<KeywordScanner> {
        let mut classes = [0u8; 256];
        for c in &mut classes {
            *c = d.u8()?;
        }
        // Little-endian `u32`s, 8-aligned in the area: on a little-endian
        // machine they are the ids as they are.
        let raw = d.placed(area)?;
        if cfg!(target_endian = "big") {
            return None;
        }
        let trans: &'static [u32] = bytemuck::try_cast_slice(raw).ok()?;
        let (start, match_below, width) = (d.u32()?, d.u32()?, d.u32()?);
        let states = (0..d.len()?)
            .map(|_| Some((d.u32()?, d.u32()?)))
            .collect::<Option<Vec<_>>>()?;
        let wholes = (0..d.len()?)
            .map(|_| {
                Some(Whole {
                    id: d.u32()?,
                    back: d.u32()?,
                    tail: (d.u32()?, d.u32()?),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let tails = d.bytes()?.to_vec();
        let max_len = d.usize()?;
        let w = width as usize;
        let multiple = multiple_of(width);
        let state = |id: u32| multiple(id) && (id as usize) < trans.len();
        let ok = w > 0
            && trans.len() % w == 0
            && trans.len() < u32::MAX as usize
            && classes.iter().all(|&c| usize::from(c) < w)
            && trans.iter().all(|&id| state(id))
            && state(start)
            && match_below as usize <= trans.len()
            && match_below as usize % w == 0
            && states.len() == match_below as usize / w
            && states
                .iter()
                .all(|&(a, b)| a <= b && b as usize <= wholes.len())
            && wholes.iter().all(|x| {
                x.tail.0 <= x.tail.1
                    && x.tail.1 as usize <= tails.len()
                    && x.back as usize + (x.tail.1 - x.tail.0) as usize <= max_len
            });
        ok.then_some(KeywordScanner {
            table: Table {
                classes,
                trans: Trans::Prebuilt(trans),
                start,
                match_below,
                width,
            },
            at_state: states,
            wholes,
            tails,
            max_len,
        })
    }

    /// Calls `f(keyword, start, end)` for every occurrence that ends after
    /// `from`, roughly in order (by where the first bytes of each keyword
    /// end).
    pub(crate) fn scan(&self, hay: &[u8], from: usize, mut f: impl FnMut(usize, usize, usize)) {
        let begin = from.saturating_sub(self.max_len.saturating_sub(1));
        let len = hay.len().saturating_sub(begin);
        if len < MIN_LANES_LEN * self.max_len.max(16) {
            self.walk(hay, begin, hay.len(), from, &mut f);
            return;
        }
        self.walk_lanes(hay, begin, from, &mut f);
    }

    /// One walk over `hay[begin..end]`, reporting occurrences ending after
    /// `report_after`.
    fn walk(
        &self,
        hay: &[u8],
        begin: usize,
        end: usize,
        report_after: usize,
        f: &mut impl FnMut(usize, usize, usize),
    ) {
        let table = &self.table;
        let mut id = table.start;
        for (i, &b) in hay[begin..end].iter().enumerate() {
            id = table.next(id, b);
            if table.is_match(id) {
                self.report(hay, id, begin + i + 1, report_after, f);
            }
        }
    }

    /// Reports the whole keywords behind the cut ones matched at match
    /// state `id`, ending at `end`: those that occur there in full and end
    /// after `from`.
    fn report(
        &self,
        hay: &[u8],
        id: u32,
        end: usize,
        from: usize,
        f: &mut impl FnMut(usize, usize, usize),
    ) {
        let (first, last) = self.at_state[self.table.number(id)];
        for w in &self.wholes[first as usize..last as usize] {
            let tail = &self.tails[w.tail.0 as usize..w.tail.1 as usize];
            let stop = end + tail.len();
            if stop > from && stop <= hay.len() && hay[end..stop].eq_ignore_ascii_case(tail) {
                f(w.id as usize, end - w.back as usize, stop);
            }
        }
    }

    /// The four-lane walk, round by round: each round of [`ROUND`] bytes is
    /// cut into four parts walked side by side, and its occurrences are
    /// reported before the next round, while its bytes are still in cache
    /// for the report and for the caller (which looks around each hit).
    fn walk_lanes(
        &self,
        hay: &[u8],
        begin: usize,
        from: usize,
        f: &mut impl FnMut(usize, usize, usize),
    ) {
        // Occurrences per lane, reported lane by lane so that they come out
        // in order: (state, end). An input shorter than a whole round sets
        // up only the few lanes' (on a 200-byte event, setting up eight
        // took 12% more time than four).
        if hay.len() - begin < ROUND {
            let mut found: [Found; FEW_LANES] = Default::default();
            let bound = self.walk_round(hay, begin, begin..hay.len(), &mut found);
            self.report_lanes(hay, &mut found, &bound, from, f);
            return;
        }
        let mut found: [Found; LANES] = Default::default();
        let overlap = self.max_len.saturating_sub(1);
        let mut at = begin;
        while at < hay.len() {
            // Whole rounds, then what is left.
            let end = hay.len().min(at + ROUND);
            // A lead-in may start before `begin`: walking from further back
            // finds every occurrence that walking from `begin` would (and
            // more only of those that end before `begin + K`, which are too
            // short to end after `from`, so `report` drops them).
            if end - at == ROUND && at >= overlap {
                let bound = self.walk_even(hay, at, &mut found);
                self.report_lanes(hay, &mut found, &bound, from, f);
            } else {
                let (few, _) = found
                    .split_first_chunk_mut::<FEW_LANES>()
                    .expect("more lanes");
                let bound = self.walk_round(hay, begin, at..end, few);
                self.report_lanes(hay, few, &bound, from, f);
            }
            at = end;
        }
    }

    /// Reports the occurrences the lanes of a round found, lane by lane:
    /// lane `j`'s that end after `bound[j]` (those before are in its
    /// lead-in, which belongs to the lane or the round before).
    fn report_lanes(
        &self,
        hay: &[u8],
        found: &mut [Found],
        bound: &[usize],
        from: usize,
        f: &mut impl FnMut(usize, usize, usize),
    ) {
        for (lane, &low) in found.iter_mut().zip(bound) {
            for &(state, stop) in lane.iter() {
                if stop > low {
                    self.report(hay, state, stop, from, f);
                }
            }
            lane.clear();
        }
    }

    /// [`KeywordScanner::walk_round`] for a round of [`ROUND`] bytes at `at`
    /// with every lane's lead-in in `hay`, in [`LANES`] lanes: the parts are
    /// then equally long, so the lanes are one slice read at fixed
    /// distances (one pointer rather than one per lane, which leaves
    /// registers for the states).
    fn walk_even(&self, hay: &[u8], at: usize, found: &mut [Found; LANES]) -> [usize; LANES + 1] {
        let table = &self.table;
        let match_below = table.match_below as usize;
        let overlap = self.max_len.saturating_sub(1);
        let len = PART + overlap;
        let first = at - overlap;
        let whole = &hay[first..first + (LANES - 1) * PART + len];
        let lanes: [&[u8]; LANES] = std::array::from_fn(|j| &whole[j * PART..j * PART + len]);
        let mut s = [table.start as usize; LANES];
        #[allow(clippy::needless_range_loop, reason = "one position, every lane")]
        for i in 0..len {
            let mut any = false;
            for j in 0..LANES {
                s[j] = table.next_wide(s[j], lanes[j][i]);
                any |= s[j] < match_below;
            }
            if any {
                for j in 0..LANES {
                    if s[j] < match_below {
                        found[j].push((s[j] as u32, first + j * PART + i + 1));
                    }
                }
            }
        }
        std::array::from_fn(|j| at + j * PART)
    }

    /// Walks `round` in [`FEW_LANES`] lanes, pushing to `found[j]` the
    /// match states lane `j` enters and where, and returns the lanes'
    /// parts: lane `j` owns the occurrences ending in
    /// `(bound[j], bound[j + 1]]`. It starts `K - 1` bytes before its part
    /// (`K` the longest keyword), but not before `begin`; the parts are cut
    /// so that the walks, lead-ins included, are about as long (on a short
    /// input the first lane, which has no lead-in, gets the longest part).
    fn walk_round(
        &self,
        hay: &[u8],
        begin: usize,
        round: std::ops::Range<usize>,
        found: &mut [Found; FEW_LANES],
    ) -> [usize; FEW_LANES + 1] {
        let table = &self.table;
        let overlap = self.max_len.saturating_sub(1);
        let lead = |at: usize| overlap.min(at - begin);
        let walked = (round.end - round.start) + lead(round.start) + (FEW_LANES - 1) * overlap;
        let each = walked / FEW_LANES;
        let mut bound = [round.end; FEW_LANES + 1];
        bound[0] = round.start;
        for j in 1..FEW_LANES {
            let part = each.saturating_sub(lead(bound[j - 1]));
            bound[j] = (bound[j - 1] + part).min(round.end);
        }
        let mut pos = [0usize; FEW_LANES];
        for j in 0..FEW_LANES {
            pos[j] = bound[j].saturating_sub(overlap).max(begin);
        }
        let common = (0..FEW_LANES)
            .map(|j| bound[j + 1] - pos[j])
            .min()
            .unwrap_or(0);
        // The walks in lockstep over equal-length slices, with one branch
        // for "any lane in a match state". (Written over arrays, this ran
        // 2-3% faster than the same loop written out for four lanes by
        // hand, on real text and CI logs alike.)
        let lanes: [&[u8]; FEW_LANES] = std::array::from_fn(|j| &hay[pos[j]..pos[j] + common]);
        let mut s = [table.start; FEW_LANES];
        #[allow(clippy::needless_range_loop, reason = "one position, every lane")]
        for i in 0..common {
            let mut any = false;
            for j in 0..FEW_LANES {
                s[j] = table.next(s[j], lanes[j][i]);
                any |= table.is_match(s[j]);
            }
            if any {
                for j in 0..FEW_LANES {
                    if table.is_match(s[j]) {
                        found[j].push((s[j], pos[j] + i + 1));
                    }
                }
            }
        }
        let mut id = s;
        for j in 0..FEW_LANES {
            let rest = pos[j] + common;
            for (k, &b) in hay[rest..bound[j + 1]].iter().enumerate() {
                id[j] = table.next(id[j], b);
                if table.is_match(id[j]) {
                    found[j].push((id[j], rest + k + 1));
                }
            }
        }
        bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiple_of_agrees_with_the_remainder() {
        // Every divisor a row width can be (and some beyond), on small
        // numbers, multiples and their neighbours, and numbers spread over
        // the whole range (a fixed-seed xorshift).
        let mut x = 0x9e37_79b9u32;
        let mut spread = Vec::new();
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            spread.push(x);
        }
        let mut checked = 0;
        for d in (1..=300).chain([1 << 16, 3 << 20, u32::MAX / 2, u32::MAX]) {
            let multiple = multiple_of(d);
            let near = (0..5u32).flat_map(|i| {
                let m = d.wrapping_mul(1000 + i);
                [m.wrapping_sub(1), m, m.wrapping_add(1)]
            });
            let extremes = [u32::MAX, u32::MAX - 1, u32::MAX / d * d];
            for n in (0..700)
                .chain(near)
                .chain(spread.iter().copied())
                .chain(extremes)
            {
                assert_eq!(multiple(n), n % d == 0, "{n} and {d}");
                checked += 1;
            }
        }
        assert!(checked > 500_000, "{checked}");
        assert!(!multiple_of(0)(0), "no width of 0");
    }

    /// The occurrences, found the slow way.
    fn naive(kws: &[String], hay: &[u8], from: usize) -> Vec<(usize, usize, usize)> {
        let lower = hay.to_ascii_lowercase();
        let mut out = Vec::new();
        for (p, k) in kws.iter().enumerate() {
            for s in 0..hay.len() {
                if lower[s..].starts_with(k.as_bytes()) && s + k.len() > from {
                    out.push((p, s, s + k.len()));
                }
            }
        }
        out.sort_by_key(|&(p, s, e)| (e, p, s));
        out
    }

    #[test]
    fn lanes_find_every_occurrence_once() {
        let kws: Vec<String> = [
            "token",
            "tok",
            "ok",
            "password",
            "pass",
            "://",
            "abcabc",
            "passwords",
            "passwo",
            "abcabcabc",
            "http://x",
            "\0ab",
            "é=",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let scanner = KeywordScanner::new(&kws).unwrap();
        let mut hay = Vec::new();
        let words = [
            "TOKEN",
            "x",
            "Password",
            " ",
            "abcabcabc",
            "http://",
            "\n",
            "tok",
            "é",
            "\0AB",
            "\0",
            "É=é=",
        ];
        for i in 0..3000 {
            hay.extend_from_slice(words[(i * 7 + i / 3) % words.len()].as_bytes());
        }
        for from in [0, 1, 5, 1000, 4321, hay.len() - 3] {
            let mut got = Vec::new();
            scanner.scan(&hay, from, |p, s, e| got.push((p, s, e)));
            got.sort_by_key(|&(p, s, e)| (e, p, s));
            assert_eq!(got, naive(&kws, &hay, from), "from {from}");
        }
        // Around every lane boundary: occurrences that straddle it.
        for len in (0..200).chain([255, 256, 300, 1024, 1025, 1031, 2047, 4099]) {
            for from in [0, 1, 7, 30, 64].into_iter().filter(|&f| f <= len) {
                let h = &hay[..len];
                let mut got = Vec::new();
                scanner.scan(h, from, |p, s, e| got.push((p, s, e)));
                got.sort_by_key(|&(p, s, e)| (e, p, s));
                assert_eq!(got, naive(&kws, h, from), "len {len} from {from}");
            }
        }
        // Several rounds, and starts around round boundaries; occurrences
        // come out in the order they end (by their first bytes).
        let long: Vec<u8> = hay.iter().cycle().take(5 * ROUND + 77).copied().collect();
        // (Whole rounds are walked in more lanes than the rest, and a round
        // may take its lead-in from before `from`'s.)
        let n = long.len();
        let starts = [
            ROUND - 3,
            ROUND + 5,
            2 * ROUND,
            3 * ROUND + 100,
            n - 40,
            n - 2,
        ];
        for from in (0..20).chain(starts) {
            let mut got = Vec::new();
            scanner.scan(&long, from, |p, s, e| got.push((p, s, e)));
            let cut_ends: Vec<usize> = got.iter().map(|&(_, s, e)| (s + CUT).min(e)).collect();
            assert!(cut_ends.is_sorted(), "from {from}: out of order");
            got.sort_by_key(|&(p, s, e)| (e, p, s));
            assert_eq!(got, naive(&kws, &long, from), "from {from}");
        }
    }
}
