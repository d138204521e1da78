//! Terminal escape sequences: matching as if they were absent.
//!
//! Coloured output puts escape sequences between a key and its value
//! (`\x1b[32mAPI_KEY\x1b[0m=...`), around a value (`jq -C`), or inside a
//! token (`grep --color=always` highlighting a match inside it:
//! `ghp_ABC\x1b[01;31m\x1b[KDEF\x1b[m\x1b[K...`). The rules would see the
//! escapes as separators and miss the secret. So when the input holds an
//! ESC byte, the scrubber matches on a copy with the escapes taken out (the
//! *text*) and keeps a [`Map`] from text offsets back to input offsets. A
//! finding `[s, e)` of the text redacts the input from its byte `s` to
//! just after its byte `e - 1`: escapes strictly inside the secret go with
//! it, escapes before and after it stay, byte for byte.
//!
//! # What counts as an escape
//!
//! The [`Stripper`] reads the input left to right, one deterministic
//! state machine for the one-shot scrubber and the stream alike, so the
//! stream sees the same text whatever the split:
//!
//! * CSI: `ESC [`, parameter bytes `0x30..=0x3F`, intermediate bytes
//!   `0x20..=0x2F`, a final byte `0x40..=0x7E` (SGR colours, erase in line,
//!   cursor movement), at most [`MAX_CONTROL`] bytes;
//! * strings: `ESC ]` (OSC: titles, hyperlinks), `ESC P`, `ESC X`,
//!   `ESC ^`, `ESC _`, printable bytes, ended by BEL or `ESC \`, at most
//!   [`MAX_STRING`] bytes. A string is an escape only if the rules find
//!   nothing in it on its own: a hyperlink's target can hold a secret
//!   (`https://user:pass@host/`), and text the matcher does not see could
//!   not be redacted. A string with a finding is left in the text, and so
//!   is a string that holds a redaction label (`[REDACTED`): once its
//!   secret is redacted, the next scrub must read the bytes around it as
//!   the first did, not joined across it. (The price: such a string in
//!   the middle of a token keeps the token's pieces apart for the rules,
//!   though a terminal shows them joined.);
//! * `ESC`, intermediate bytes `0x20..=0x2F`, a final byte `0x30..=0x7E`
//!   (character set designations such as `ESC ( B`);
//! * `ESC` followed by one of `7 8 = > D E H M Z c \`.
//!
//! Anything else starting with ESC (a sequence cut by a byte that cannot
//! continue it, or longer than its cap) is not an escape: its bytes stay
//! in the text, where they separate tokens as they did before escapes
//! were understood. The 8-bit C1 controls (0x9b for CSI) are not
//! recognised: in UTF-8 text that byte continues a character.
//!
//! # Bounds
//!
//! The stream holds back text bytes by the longest match `L`; escapes add
//! raw bytes to what it holds. To keep that bounded, escape bytes are
//! taken out only up to a budget of `4 * L + 1024` bytes of escapes within
//! any `L` consecutive text positions; past the budget, further escapes
//! stay in the text (matched without stripping, as above) until the window
//! moves on. An escape still arriving at the end of a write is held like an
//! unfinished token, at most [`MAX_STRING`] bytes, and leaves with the next
//! byte that decides it, or at the end of the input as text.

use std::collections::VecDeque;

/// The escape byte.
pub(crate) const ESC: u8 = 0x1b;

/// Where a redaction of `hay[start..]` begins: the run of lone ESC bytes
/// right before `start` goes with it, up to [`MAX_LONE_ESC`] of them. An
/// ESC followed by the label's `[` would start a terminal escape (`ESC [ R`
/// is one) that eats the label's first letters on a terminal and, taken out
/// by the next scrub, changes what it reads; with one ESC taken, the one
/// before it would be followed by the `[`. For a rule's finding and a known
/// secret alike. The stream holds back the same run before what it passes
/// on ([`hold_before_lone_esc`]), so that a finding still arriving can take
/// it.
pub(crate) fn with_lone_esc(hay: &[u8], start: usize) -> usize {
    let mut start = start;
    let floor = start.saturating_sub(MAX_LONE_ESC);
    while start > floor && hay[start - 1] == ESC {
        start -= 1;
    }
    start
}

/// Where a stream may stop passing on `hay[..release]`, given that it has
/// passed on `hay[..from]`: before the run of ESC bytes that ends at
/// `release`, which a finding starting there would take with it (see
/// [`with_lone_esc`]).
pub(crate) fn hold_before_lone_esc(hay: &[u8], from: usize, release: usize) -> usize {
    with_lone_esc(hay, release).max(from)
}

/// The most lone ESC bytes a redaction takes from before its secret. A
/// longer run leaves an ESC before the label, which a terminal may read as
/// the start of an escape; the bytes held back stay bounded.
pub(crate) const MAX_LONE_ESC: usize = 64;

/// Where a redaction of `hay[start..end]` ends: without the ESC bytes
/// that end the secret's match. An ESC left in the text is one the
/// stripper did not take out: the terminator `ESC \` of an escape string
/// kept as text because of the secret in it, or a sequence cut short. A
/// value rule's class takes it in, but it is no secret's byte, and
/// redacted it would leave the string's `\` behind, unterminated, so that
/// the next scrub reads the string on to a later `ESC \` and the bytes
/// between in another way than the first did.
pub(crate) fn before_trailing_esc(hay: &[u8], start: usize, mut end: usize) -> usize {
    while end > start + 1 && hay[end - 1] == ESC {
        end -= 1;
    }
    end
}

/// The longest control sequence (CSI, designation, two-byte) taken as an
/// escape.
pub(crate) const MAX_CONTROL: usize = 64;

/// The longest string sequence (OSC, DCS, SOS, PM, APC) taken as an
/// escape, terminator included: room for a long hyperlink.
pub(crate) const MAX_STRING: usize = 4096;

/// Where the escapes taken out of a text were: text offsets to input
/// offsets. Offsets are absolute (from the start of the input or stream).
#[derive(Debug, Default)]
pub(crate) struct Map {
    /// `(position, cumulative)`: an escape just before text byte
    /// `position`, and the escape bytes taken out up to and including it.
    entries: VecDeque<(usize, usize)>,
    /// The cumulative count of the entries dropped from the front.
    floor: usize,
}

impl Map {
    fn push(&mut self, position: usize, len: usize) {
        let cum = self.entries.back().map_or(self.floor, |e| e.1) + len;
        self.entries.push_back((position, cum));
    }

    /// Escape bytes before text offset `p`, those just before it included.
    fn before_or_at(&self, p: usize) -> usize {
        match self.entries.partition_point(|e| e.0 <= p) {
            0 => self.floor,
            k => self.entries[k - 1].1,
        }
    }

    /// Escape bytes before text byte `p - 1`, those just before it included.
    fn before(&self, p: usize) -> usize {
        match self.entries.partition_point(|e| e.0 < p) {
            0 => self.floor,
            k => self.entries[k - 1].1,
        }
    }

    /// The input offset of text byte `p`, after the escapes before it (for
    /// `p` at the end of the text: after every escape taken out so far).
    pub(crate) fn input_at(&self, p: usize) -> usize {
        p + self.before_or_at(p)
    }

    /// The input offset just after text byte `p - 1`: escapes between it
    /// and byte `p` are not included.
    pub(crate) fn input_after(&self, p: usize) -> usize {
        p + self.before(p)
    }

    /// The escapes taken out, as ranges of input offsets, in order.
    pub(crate) fn escapes(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut before = self.floor;
        self.entries.iter().map(move |&(pos, cum)| {
            let range = (pos + before, pos + cum);
            before = cum;
            range
        })
    }

    /// Forgets the escapes before text offset `p`; later queries are at or
    /// after `p`.
    pub(crate) fn forget_before(&mut self, p: usize) {
        while let Some(&(pos, cum)) = self.entries.front() {
            if pos >= p {
                break;
            }
            self.floor = cum;
            self.entries.pop_front();
        }
    }
}

/// The input as it is written out: the raw bytes, how much of them has
/// been written, and the map from the text the rules ran on.
pub(crate) struct Raw<'a> {
    /// Input bytes from offset `base`.
    pub(crate) bytes: &'a [u8],
    pub(crate) base: usize,
    /// Input written out so far.
    pub(crate) at: usize,
    pub(crate) map: &'a Map,
}

impl Raw<'_> {
    /// Writes the input up to `to` (an input offset), if not yet written.
    pub(crate) fn copy_until(&mut self, to: usize, out: &mut Vec<u8>) {
        if to > self.at {
            out.extend_from_slice(&self.bytes[self.at - self.base..to - self.base]);
            self.at = to;
        }
    }

    /// Skips the input up to `to`: a redacted secret and the escapes in it.
    pub(crate) fn skip_to(&mut self, to: usize) {
        self.at = self.at.max(to);
    }
}

/// What the stripper is inside of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// `ESC` read.
    Esc,
    /// `ESC [` and parameters.
    Csi,
    /// `ESC` and intermediate bytes.
    Designation,
    /// A string sequence's payload.
    Str,
    /// `ESC` inside a string: `\` ends it.
    StrEsc,
}

/// What a byte does to the sequence in progress.
enum Step {
    More,
    Done,
    /// The byte cannot continue the sequence; it is not part of it.
    Broken,
}

/// Takes escapes out of an input pushed in pieces (see the module docs).
#[derive(Debug)]
pub(crate) struct Stripper {
    /// The sequence in progress, from its ESC; empty outside of one.
    pending: Vec<u8>,
    state: State,
    /// Escapes taken out in the last `window` text positions: (position,
    /// length), and the sum of the lengths.
    recent: VecDeque<(usize, usize)>,
    recent_bytes: usize,
    window: usize,
    budget: usize,
}

/// Where the stripper writes: the text, the absolute offset of its first
/// byte, and the map.
pub(crate) struct Out<'a> {
    pub(crate) text: &'a mut Vec<u8>,
    pub(crate) text_base: usize,
    pub(crate) map: &'a mut Map,
}

impl Out<'_> {
    fn end(&self) -> usize {
        self.text_base + self.text.len()
    }
}

impl Stripper {
    /// A stripper for rules whose longest match is `max_len`.
    pub(crate) fn new(max_len: usize) -> Stripper {
        let window = max_len.max(1);
        Stripper {
            pending: Vec::new(),
            state: State::Esc,
            recent: VecDeque::new(),
            recent_bytes: 0,
            window,
            budget: 4 * window + 1024,
        }
    }

    /// Reads `data`: appends its text to `out.text` and records the
    /// escapes taken out. `clean` says whether a string sequence holds no
    /// finding.
    pub(crate) fn feed(&mut self, data: &[u8], out: &mut Out<'_>, clean: &dyn Fn(&[u8]) -> bool) {
        let mut i = 0;
        while i < data.len() {
            if self.pending.is_empty() {
                match memchr::memchr(ESC, &data[i..]) {
                    None => {
                        out.text.extend_from_slice(&data[i..]);
                        return;
                    }
                    Some(k) => {
                        out.text.extend_from_slice(&data[i..i + k]);
                        self.pending.push(ESC);
                        self.state = State::Esc;
                        i += k + 1;
                        continue;
                    }
                }
            }
            let b = data[i];
            match self.step(b) {
                Step::More => {
                    self.pending.push(b);
                    i += 1;
                    let cap = match self.state {
                        State::Str | State::StrEsc => MAX_STRING,
                        _ => MAX_CONTROL,
                    };
                    if self.pending.len() >= cap {
                        self.keep_as_text(out);
                    }
                }
                Step::Done => {
                    self.pending.push(b);
                    i += 1;
                    self.complete(out, clean);
                }
                Step::Broken => {
                    // `b` is read again, outside the sequence (it may be an
                    // ESC starting the next one).
                    if self.state == State::StrEsc {
                        // The ESC that could not end the string may start
                        // a sequence of its own.
                        self.pending.pop();
                        self.keep_as_text(out);
                        self.pending.push(ESC);
                        self.state = State::Esc;
                    } else {
                        self.keep_as_text(out);
                    }
                }
            }
        }
    }

    /// Whether the stripper is as a new one would be for text ending at
    /// `end`: no sequence in progress, and no escape its budget still
    /// counts.
    pub(crate) fn is_idle(&self, end: usize) -> bool {
        self.pending.is_empty()
            && self
                .recent
                .back()
                .is_none_or(|&(pos, _)| pos + self.window <= end)
    }

    /// Ends the input: an unfinished sequence is text.
    pub(crate) fn finish(&mut self, out: &mut Out<'_>) {
        self.keep_as_text(out);
    }

    fn step(&mut self, b: u8) -> Step {
        match self.state {
            State::Esc => match b {
                b'[' => {
                    self.state = State::Csi;
                    Step::More
                }
                b']' | b'P' | b'X' | b'^' | b'_' => {
                    self.state = State::Str;
                    Step::More
                }
                0x20..=0x2f => {
                    self.state = State::Designation;
                    Step::More
                }
                b'7' | b'8' | b'=' | b'>' | b'D' | b'E' | b'H' | b'M' | b'Z' | b'c' | b'\\' => {
                    Step::Done
                }
                _ => Step::Broken,
            },
            State::Csi => match b {
                0x20..=0x3f => Step::More,
                0x40..=0x7e => Step::Done,
                _ => Step::Broken,
            },
            State::Designation => match b {
                0x20..=0x2f => Step::More,
                0x30..=0x7e => Step::Done,
                _ => Step::Broken,
            },
            State::Str => match b {
                0x07 => Step::Done,
                ESC => {
                    self.state = State::StrEsc;
                    Step::More
                }
                0x20..=0x7e | 0x80.. => Step::More,
                _ => Step::Broken,
            },
            State::StrEsc => match b {
                b'\\' => Step::Done,
                _ => Step::Broken,
            },
        }
    }

    /// A complete sequence: taken out, unless it is a string with a
    /// finding in it or the budget is spent.
    fn complete(&mut self, out: &mut Out<'_>, clean: &dyn Fn(&[u8]) -> bool) {
        let is_string = matches!(self.state, State::Str | State::StrEsc);
        if is_string && !clean(&self.pending) {
            return self.keep_as_text(out);
        }
        let at = out.end();
        while let Some(&(pos, len)) = self.recent.front() {
            if pos + self.window > at {
                break;
            }
            self.recent_bytes -= len;
            self.recent.pop_front();
        }
        let len = self.pending.len();
        if self.recent_bytes + len > self.budget {
            return self.keep_as_text(out);
        }
        self.recent.push_back((at, len));
        self.recent_bytes += len;
        out.map.push(at, len);
        self.pending.clear();
    }

    /// The sequence in progress is not an escape: its bytes are text.
    fn keep_as_text(&mut self, out: &mut Out<'_>) {
        out.text.extend_from_slice(&self.pending);
        self.pending.clear();
    }
}

/// Takes the escapes out of a complete input: its text and the map.
pub(crate) fn strip(input: &[u8], max_len: usize, clean: &dyn Fn(&[u8]) -> bool) -> (Vec<u8>, Map) {
    let mut text = Vec::with_capacity(input.len());
    let mut map = Map::default();
    let mut stripper = Stripper::new(max_len);
    let mut out = Out {
        text: &mut text,
        text_base: 0,
        map: &mut map,
    };
    stripper.feed(input, &mut out, clean);
    stripper.finish(&mut out);
    (text, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(input: &[u8]) -> (String, Map) {
        let (t, m) = strip(input, 100, &|_| true);
        (String::from_utf8(t).unwrap(), m)
    }

    #[test]
    fn sgr_csi_osc_and_designations_are_taken_out() {
        let (t, m) = text(b"\x1b[1;31mred\x1b[0m \x1b]0;title\x07\x1b(Bok\x1b]8;;x\x1b\\!");
        assert_eq!(t, "red ok!");
        assert_eq!(m.input_at(0), 7);
        assert_eq!(m.input_after(3), 10);
        assert_eq!(m.input_at(3), 14);
    }

    #[test]
    fn broken_or_unfinished_sequences_stay_text() {
        assert_eq!(text(b"a\x1b[12\nb").0, "a\x1b[12\nb");
        assert_eq!(text(b"a\x1bqb").0, "a\x1bqb");
        assert_eq!(text(b"a\x1b[3").0, "a\x1b[3");
        assert_eq!(text(b"\x1b]0;t\x1b[0mx").0, "\x1b]0;tx");
        let long = [b"\x1b[".as_slice(), &[b'1'; 100], b"m"].concat();
        assert_eq!(text(&long).0.len(), long.len());
    }

    #[test]
    fn a_string_with_a_finding_stays_text() {
        let input = b"\x1b]8;;https://u:p@h\x1b\\link\x1b]8;;\x1b\\";
        let (t, _) = strip(input, 100, &|s| !s.windows(2).any(|w| w == b"u:"));
        assert_eq!(t.as_slice(), &b"\x1b]8;;https://u:p@h\x1b\\link"[..]);
    }

    #[test]
    fn any_split_gives_the_same_text_and_map() {
        let input = b"x\x1b[01;31m\x1b[Kab\x1b]0;t\x07c\x1b[3";
        let (whole, map) = text(input);
        for cut in 0..=input.len() {
            let mut t = Vec::new();
            let mut m = Map::default();
            let mut s = Stripper::new(100);
            let mut out = Out {
                text: &mut t,
                text_base: 0,
                map: &mut m,
            };
            s.feed(&input[..cut], &mut out, &|_| true);
            s.feed(&input[cut..], &mut out, &|_| true);
            s.finish(&mut out);
            assert_eq!(String::from_utf8(t).unwrap(), whole, "cut at {cut}");
            assert_eq!(m.entries, map.entries, "cut at {cut}");
        }
    }

    #[test]
    fn escapes_past_the_budget_stay_text() {
        let input = b"\x1b[0m".repeat(2000);
        let (t, m) = strip(&input, 10, &|_| true);
        assert!(t.starts_with(b"\x1b[0m"), "some stay text");
        // At most 4 * 10 + 1024 bytes of escapes in any 10 text positions.
        for p in 10..t.len() {
            let (before, upto) = (m.input_at(p - 10) - (p - 10), m.input_at(p) - p);
            assert!(upto - before <= 1064, "at {p}");
        }
    }
}
