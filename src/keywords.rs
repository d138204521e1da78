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

/// How many walks run side by side.
const LANES: usize = 4;

/// Inputs shorter than this (per lane) are walked in one lane: splitting
/// costs more than it saves.
const MIN_LANE_LEN: usize = 256;

pub(crate) struct KeywordScanner {
    dfa: DFA,
    /// Each pattern's length.
    lens: Vec<usize>,
    /// The longest pattern.
    max_len: usize,
}

impl KeywordScanner {
    pub(crate) fn new(keywords: &[String]) -> Result<KeywordScanner, Error> {
        let dfa = Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(keywords)
            .map_err(|e| {
                Error::new(ErrorKind::Config, "cannot build the keyword automaton").with_source(e)
            })?;
        let lens: Vec<usize> = keywords.iter().map(String::len).collect();
        let max_len = lens.iter().copied().max().unwrap_or(0);
        Ok(KeywordScanner { dfa, lens, max_len })
    }

    /// Calls `f(pattern, start, end)` for every occurrence that ends after
    /// `from`, in order of their ends (occurrences ending at the same byte in
    /// no particular order).
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
                let at = begin + i + 1;
                if at > report_after {
                    self.report(sid, at, f);
                }
            }
        }
    }

    fn report(
        &self,
        sid: aho_corasick::automaton::StateID,
        end: usize,
        f: &mut impl FnMut(usize, usize, usize),
    ) {
        for k in 0..self.dfa.match_len(sid) {
            let pid = self.dfa.match_pattern(sid, k).as_usize();
            f(pid, end - self.lens[pid], end);
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
        for i in 0..common {
            for j in 0..LANES {
                sid[j] = dfa.next_state(Anchored::No, sid[j], hay[pos[j] + i]);
            }
            for j in 0..LANES {
                if dfa.is_special(sid[j]) && dfa.is_match(sid[j]) {
                    found[j].push((sid[j], pos[j] + i + 1));
                }
            }
        }
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
            let low = if j == 0 { from } else { bound[j].max(from) };
            for &(state, end) in lane {
                if end > low {
                    self.report(state, end, f);
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
        let kws: Vec<String> = ["token", "tok", "ok", "password", "pass", "://", "abcabc"]
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
