//! The keyword scan: every occurrence of every keyword, ASCII
//! case-insensitively, overlapping occurrences included.
//!
//! This is the one pass over every byte of input, so it is the hot path on
//! clean text. It walks an Aho-Corasick DFA itself rather than through the
//! crate's iterator, in four interleaved lanes over four parts of the
//! input: a DFA walk is bound by the latency of each transition's table
//! load, and four independent walks keep four loads in flight. On this
//! project's benchmark input that is about twice the throughput of a single
//! walk (see the README's benchmark table).
//!
//! Lane `j` starts `K - 1` bytes (`K` the longest keyword) before its part,
//! so that an occurrence straddling two parts is seen by the lane of the part
//! it ends in; a lane reports only occurrences ending inside its part, so
//! none is reported twice.

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::{Builder, DFA};
use aho_corasick::{Anchored, MatchKind};

use crate::error::{Error, ErrorKind};

/// How many walks run side by side (the loop below is written for four).
const LANES: usize = 4;

/// Inputs shorter than this (per lane) are walked in one lane: splitting
/// costs more than it saves.
const MIN_LANE_LEN: usize = 256;

/// Keywords are cut to this many bytes for the automaton; a match of a cut
/// keyword is then checked against the whole ones it stands for. Long
/// keywords' tails are most of a full automaton's states, and a smaller
/// automaton stays in cache.
const CUT: usize = 6;

pub(crate) struct KeywordScanner {
    dfa: DFA,
    /// For each automaton pattern (a cut keyword), the keywords it stands
    /// for: `(keyword id, keyword)`.
    whole: Vec<Vec<(usize, Box<[u8]>)>>,
    /// Each automaton pattern's length.
    cut_lens: Vec<usize>,
    /// The longest keyword.
    max_len: usize,
}

impl KeywordScanner {
    /// `keywords` are lowercase.
    pub(crate) fn new(keywords: &[String]) -> Result<KeywordScanner, Error> {
        let mut cuts: Vec<&[u8]> = Vec::new();
        let mut whole: Vec<Vec<(usize, Box<[u8]>)>> = Vec::new();
        for (id, k) in keywords.iter().enumerate() {
            let cut = &k.as_bytes()[..k.len().min(CUT)];
            let p = match cuts.iter().position(|c| *c == cut) {
                Some(p) => p,
                None => {
                    cuts.push(cut);
                    whole.push(Vec::new());
                    cuts.len() - 1
                }
            };
            whole[p].push((id, k.as_bytes().into()));
        }
        let dfa = Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&cuts)
            .map_err(|e| {
                Error::new(ErrorKind::Config, "cannot build the keyword automaton").with_source(e)
            })?;
        let cut_lens = cuts.iter().map(|c| c.len()).collect();
        let max_len = keywords.iter().map(String::len).max().unwrap_or(0);
        Ok(KeywordScanner {
            dfa,
            whole,
            cut_lens,
            max_len,
        })
    }

    /// Calls `f(keyword, start, end)` for every occurrence that ends after
    /// `from`, roughly in order (by where the first bytes of each keyword
    /// end).
    pub(crate) fn scan(&self, hay: &[u8], from: usize, mut f: impl FnMut(usize, usize, usize)) {
        let begin = from.saturating_sub(self.max_len.saturating_sub(1));
        let len = hay.len().saturating_sub(begin);
        if len < LANES * MIN_LANE_LEN {
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
        let dfa = &self.dfa;
        let mut sid = dfa
            .start_state(Anchored::No)
            .expect("unanchored search is supported");
        for (i, &b) in hay[begin..end].iter().enumerate() {
            sid = dfa.next_state(Anchored::No, sid, b);
            if dfa.is_special(sid) && dfa.is_match(sid) {
                self.report(hay, sid, begin + i + 1, report_after, f);
            }
        }
    }

    /// Reports the whole keywords behind the cut ones matched at `sid`,
    /// ending at `end`: those that occur there in full and end after
    /// `from`.
    fn report(
        &self,
        hay: &[u8],
        sid: aho_corasick::automaton::StateID,
        end: usize,
        from: usize,
        f: &mut impl FnMut(usize, usize, usize),
    ) {
        for k in 0..self.dfa.match_len(sid) {
            let pid = self.dfa.match_pattern(sid, k).as_usize();
            let start = end - self.cut_lens[pid];
            for (id, whole) in &self.whole[pid] {
                let stop = start + whole.len();
                // The automaton matched the first `CUT` bytes already.
                if stop > from
                    && stop <= hay.len()
                    && (whole.len() <= CUT
                        || hay[start + CUT..stop].eq_ignore_ascii_case(&whole[CUT..]))
                {
                    f(*id, start, stop);
                }
            }
        }
    }

    fn walk_lanes(
        &self,
        hay: &[u8],
        begin: usize,
        from: usize,
        f: &mut impl FnMut(usize, usize, usize),
    ) {
        let dfa = &self.dfa;
        let start = dfa
            .start_state(Anchored::No)
            .expect("unanchored search is supported");
        let overlap = self.max_len.saturating_sub(1);
        let part = (hay.len() - begin) / LANES;
        // Lane j owns the occurrences ending in (bound[j], bound[j + 1]]
        // and starts walking `overlap` bytes before its part.
        let mut bound = [0usize; LANES + 1];
        for (j, b) in bound.iter_mut().enumerate() {
            *b = begin + j * part;
        }
        bound[LANES] = hay.len();
        let mut pos = [0usize; LANES];
        for j in 0..LANES {
            pos[j] = if j == 0 { begin } else { bound[j] - overlap };
        }
        let common = (0..LANES).map(|j| bound[j + 1] - pos[j]).min().unwrap_or(0);
        let mut sid = [start; LANES];
        // Occurrences per lane, reported lane by lane so that they come out
        // in order: (state, end).
        let mut found: [Vec<(aho_corasick::automaton::StateID, usize)>; LANES] = Default::default();
        // The four walks in lockstep over equal-length slices (no bounds
        // checks on the input), with one branch for "any lane in a special
        // state".
        let lanes = [
            &hay[pos[0]..pos[0] + common],
            &hay[pos[1]..pos[1] + common],
            &hay[pos[2]..pos[2] + common],
            &hay[pos[3]..pos[3] + common],
        ];
        let [mut s0, mut s1, mut s2, mut s3] = sid;
        let bytes = lanes[0].iter().zip(lanes[1]).zip(lanes[2]).zip(lanes[3]);
        for (i, (((&b0, &b1), &b2), &b3)) in bytes.enumerate() {
            s0 = dfa.next_state(Anchored::No, s0, b0);
            s1 = dfa.next_state(Anchored::No, s1, b1);
            s2 = dfa.next_state(Anchored::No, s2, b2);
            s3 = dfa.next_state(Anchored::No, s3, b3);
            if dfa.is_special(s0) | dfa.is_special(s1) | dfa.is_special(s2) | dfa.is_special(s3) {
                for (j, s) in [s0, s1, s2, s3].into_iter().enumerate() {
                    if dfa.is_special(s) && dfa.is_match(s) {
                        found[j].push((s, pos[j] + i + 1));
                    }
                }
            }
        }
        sid = [s0, s1, s2, s3];
        for j in 0..LANES {
            let rest = pos[j] + common;
            for (k, &b) in hay[rest..bound[j + 1]].iter().enumerate() {
                sid[j] = dfa.next_state(Anchored::No, sid[j], b);
                if dfa.is_special(sid[j]) && dfa.is_match(sid[j]) {
                    found[j].push((sid[j], rest + k + 1));
                }
            }
        }
        for (j, lane) in found.iter().enumerate() {
            // A lane's lead-in (before its part) belongs to the lane before.
            let low = if j == 0 { 0 } else { bound[j] };
            for &(state, end) in lane {
                if end > low {
                    self.report(hay, state, end, from, f);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for len in [1024, 1025, 1031, 2047, 4099] {
            let h = &hay[..len];
            let mut got = Vec::new();
            scanner.scan(h, 0, |p, s, e| got.push((p, s, e)));
            got.sort_by_key(|&(p, s, e)| (e, p, s));
            assert_eq!(got, naive(&kws, h, 0), "len {len}");
        }
    }
}
