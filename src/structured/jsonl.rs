//! JSON Lines: each event scrubbed on its raw bytes, the plain lines
//! between events through one text stream.
//!
//! # An event line
//!
//! A line whose first non-blank byte is `{`, `[` or `"` and that is one
//! valid JSON value (UTF-8, nested at most 128 deep) is an *event*. It is
//! not parsed into a `serde_json::Value`, which would keep only the last of
//! two equal keys; a scanner of its own walks the raw bytes and finds every
//! string literal, keys included, and every number. A literal is rewritten
//! when
//!
//! * the text-mode scrubber ([`Scrubber::scrub`] of the whole raw line)
//!   finds a secret whose bytes overlap it: the characters the finding
//!   covers are redacted in the decoded string, so a finding that reaches
//!   over a `"` or an escape still removes the part inside the literal,
//!   keys included;
//! * or the structural rules of [`Scrubber::scrub_json`] change it: a value
//!   under a sensitive key is replaced by a label, argv arrays and command
//!   lines are scrubbed as such (with the text-mode findings in them
//!   already redacted, so a secret text mode finds goes whole even where
//!   the command scrubber would redact only part of it), every other
//!   string (and every key) is scrubbed with the rules after unescaping,
//!   so a PEM key written with `\n` escapes is seen whole.
//!
//! A rewritten literal is written back as a JSON string (a number becomes a
//! string). Everything else, the structure and every unchanged literal, is
//! written byte for byte, so an event stays valid JSON with the same
//! structure, and a clean event comes out unchanged. Structural mode
//! therefore redacts at least what text mode redacts on the same line.
//!
//! # Plain lines
//!
//! Any other line goes through one text stream (the core of
//! [`Writer`](crate::Writer)), so a PEM key spread over plain lines is
//! redacted as in text mode. Before an event is written, that stream is
//! ended, so that output keeps the input's order.
//!
//! # Memory
//!
//! An event must be held whole before it can be scrubbed. A line that
//! grows past the line limit ([`JSON_LINE_LIMIT`] by default) is no longer
//! held: it goes through the text stream like a plain line. That is
//! byte-exact text-mode scrubbing: what text mode redacts is redacted, but
//! not what only the structure reveals (the value under a `"password"`
//! key), and the line stays valid JSON only if no redaction falls across a
//! quote or an escape. Memory is then bounded by a few times the line limit
//! plus what a text stream holds.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use super::json::command_key;
use super::{is_identifier_under, is_reference, sensitive_name};
use crate::compile::Span;
use crate::scrubber::{FLAG, KEY, Scrubber};
use crate::stream::Core;

/// The longest line a [`JsonLinesWriter`] holds whole to scrub it as a JSON
/// event, by default: 8 MiB. A longer line is scrubbed as text, streamed.
pub const JSON_LINE_LIMIT: usize = 8 << 20;

/// A finished writer's counts: `(rule id, count)` and the merged count.
pub(crate) type Counted = (Vec<(String, u64)>, u64);

/// The line buffer's capacity kept between lines; a longer line's buffer
/// is freed once the line is done.
const KEEP_CAPACITY: usize = 1 << 20;

/// How deep an event may nest; a deeper line is scrubbed as text.
const MAX_DEPTH: usize = 128;

impl Scrubber {
    /// Scrubs one line of JSON Lines (without its line break).
    ///
    /// An event (a line whose first non-blank byte is `{`, `[` or `"` and
    /// that is one JSON value) is scrubbed structurally and stays valid
    /// JSON with the same structure: see [`JsonLinesWriter`] for what is
    /// redacted. Any other line is scrubbed as text ([`Scrubber::scrub`]).
    /// A clean line comes back borrowed.
    ///
    /// # Example
    ///
    /// ```
    /// let scrubber = hush::Scrubber::new();
    /// // Two keys of the same name: both values are looked at.
    /// let line = br#"{"password":"hunter2-prod","password":"x"}"#;
    /// let out = scrubber.scrub_json_line(line);
    /// assert_eq!(
    ///     &*out,
    ///     br#"{"password":"[REDACTED:sensitive-key]","password":"x"}"#,
    /// );
    /// ```
    pub fn scrub_json_line<'h>(&self, line: &'h [u8]) -> Cow<'h, [u8]> {
        let mut counts = vec![0; self.slots()];
        match self.json_event(line, &mut counts, &mut 0) {
            Some(out) => out,
            None => self.scrub(line),
        }
    }

    /// Wraps a writer: what is written to the returned [`JsonLinesWriter`]
    /// is JSON Lines, and reaches `inner` with every event scrubbed
    /// structurally and every other line scrubbed as text.
    pub fn json_lines_writer<W: Write>(&self, inner: W) -> JsonLinesWriter<W> {
        JsonLinesWriter::new(self.clone(), inner)
    }

    /// The scrubbed event, if `line` is one; counts its redactions, and
    /// the findings merged into another's redaction.
    fn json_event<'h>(
        &self,
        line: &'h [u8],
        counts: &mut [u64],
        merged: &mut u64,
    ) -> Option<Cow<'h, [u8]>> {
        if !starts_event(line) || std::str::from_utf8(line).is_err() {
            return None;
        }
        Parser::new(line).document().ok()?;
        let text = self.spans(line);
        let mut reach = Vec::with_capacity(text.len());
        let mut max = 0;
        for s in &text {
            max = max.max(s.end);
            reach.push(max);
        }
        let mut walk = Walk {
            scrubber: self,
            line,
            p: Parser::new(line),
            text: &text,
            reach: &reach,
            edits: Vec::new(),
            counts,
            merged,
        };
        // Validated above: the walk cannot fail.
        walk.value(false).ok()?;
        if walk.edits.is_empty() {
            return Some(Cow::Borrowed(line));
        }
        let mut out = Vec::with_capacity(line.len() + 64);
        let mut at = 0;
        for (start, end, new) in &walk.edits {
            out.extend_from_slice(&line[at..*start]);
            out.extend_from_slice(new);
            at = *end;
        }
        out.extend_from_slice(&line[at..]);
        Some(Cow::Owned(out))
    }
}

/// Whether a line may be an event: its first non-blank byte opens an
/// object, an array or a string.
fn starts_event(line: &[u8]) -> bool {
    matches!(
        line.iter().find(|b| !is_blank(**b)),
        Some(b'{' | b'[' | b'"')
    )
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

/// Whether an unfinished line can still become an event.
fn may_be_event(partial: &[u8]) -> bool {
    if !starts_event(partial) {
        return false;
    }
    match std::str::from_utf8(partial) {
        Ok(_) => {}
        // A character cut at the end may still be completed.
        Err(e) if e.error_len().is_none() => {}
        Err(_) => return false,
    }
    matches!(Parser::new(partial).document(), Ok(()) | Err(Stop::Eof))
}

/// Why a scan stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// The input ended inside the value: what came is a prefix of JSON.
    Eof,
    /// Not JSON.
    Bad,
}

/// A JSON scanner over raw bytes: it checks the grammar and returns the
/// byte range of each token; it never builds a tree.
struct Parser<'a> {
    b: &'a [u8],
    at: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(b: &'a [u8]) -> Parser<'a> {
        Parser { b, at: 0, depth: 0 }
    }

    /// One value with optional blanks around it, and nothing else.
    fn document(&mut self) -> Result<(), Stop> {
        self.value()?;
        self.ws();
        if self.at < self.b.len() {
            return Err(Stop::Bad);
        }
        Ok(())
    }

    fn value(&mut self) -> Result<(), Stop> {
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => {
                self.open()?;
                if self.close(b'}')? {
                    return Ok(());
                }
                loop {
                    self.ws();
                    if self.peek()? != b'"' {
                        return Err(Stop::Bad);
                    }
                    self.string()?;
                    self.colon()?;
                    self.value()?;
                    if self.next_item(b'}')? {
                        return Ok(());
                    }
                }
            }
            b'[' => {
                self.open()?;
                if self.close(b']')? {
                    return Ok(());
                }
                loop {
                    self.value()?;
                    if self.next_item(b']')? {
                        return Ok(());
                    }
                }
            }
            _ => self.scalar().map(drop),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Result<u8, Stop> {
        self.b.get(self.at).copied().ok_or(Stop::Eof)
    }

    /// Steps into an object or array.
    fn open(&mut self) -> Result<(), Stop> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::Bad);
        }
        self.at += 1;
        Ok(())
    }

    /// Steps out of an empty object or array, if it is one.
    fn close(&mut self, end: u8) -> Result<bool, Stop> {
        self.ws();
        if self.peek()? == end {
            self.at += 1;
            self.depth -= 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// After an item: a comma (false) or the end of the container (true).
    fn next_item(&mut self, end: u8) -> Result<bool, Stop> {
        self.ws();
        match self.peek()? {
            b',' => {
                self.at += 1;
                Ok(false)
            }
            b if b == end => {
                self.at += 1;
                self.depth -= 1;
                Ok(true)
            }
            _ => Err(Stop::Bad),
        }
    }

    fn colon(&mut self) -> Result<(), Stop> {
        self.ws();
        if self.peek()? != b':' {
            return Err(Stop::Bad);
        }
        self.at += 1;
        Ok(())
    }

    /// A string literal; returns its range, quotes included.
    fn string(&mut self) -> Result<(usize, usize), Stop> {
        let start = self.at;
        self.at += 1;
        loop {
            let rest = &self.b[self.at..];
            let Some(i) = memchr::memchr2(b'"', b'\\', rest) else {
                if rest.iter().any(|&c| c < 0x20) {
                    return Err(Stop::Bad);
                }
                self.at = self.b.len();
                return Err(Stop::Eof);
            };
            if rest[..i].iter().any(|&c| c < 0x20) {
                return Err(Stop::Bad);
            }
            self.at += i + 1;
            if rest[i] == b'"' {
                return Ok((start, self.at));
            }
            match self.peek()? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 1,
                b'u' => {
                    self.at += 1;
                    for _ in 0..4 {
                        if !self.peek()?.is_ascii_hexdigit() {
                            return Err(Stop::Bad);
                        }
                        self.at += 1;
                    }
                }
                _ => return Err(Stop::Bad),
            }
        }
    }

    /// A number, `true`, `false` or `null`; returns its range.
    fn scalar(&mut self) -> Result<(usize, usize), Stop> {
        let start = self.at;
        let first = self.peek()?;
        if first.is_ascii_alphabetic() {
            let word: &[u8] = match first {
                b't' => b"true",
                b'f' => b"false",
                b'n' => b"null",
                _ => return Err(Stop::Bad),
            };
            for &w in word {
                if self.peek()? != w {
                    return Err(Stop::Bad);
                }
                self.at += 1;
            }
            return Ok((start, self.at));
        }
        if first == b'-' {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return Err(Stop::Bad),
        }
        if self.b.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !self.peek()?.is_ascii_digit() {
                return Err(Stop::Bad);
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.b.get(self.at) {
            self.at += 1;
            if let b'+' | b'-' = self.peek()? {
                self.at += 1;
            }
            if !self.peek()?.is_ascii_digit() {
                return Err(Stop::Bad);
            }
            self.digits();
        }
        Ok((start, self.at))
    }

    fn digits(&mut self) {
        while self.b.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
    }
}

/// The walk over a validated event that decides, token by token, what to
/// rewrite.
struct Walk<'s, 'a> {
    scrubber: &'s Scrubber,
    line: &'a [u8],
    p: Parser<'a>,
    /// Text-mode findings on the raw line, sorted by start, and the
    /// furthest end of the findings up to each.
    text: &'a [Span],
    reach: &'a [usize],
    /// Token ranges to replace, in order, with their new bytes.
    edits: Vec<(usize, usize, Vec<u8>)>,
    counts: &'a mut [u64],
    /// Findings merged into another's redaction.
    merged: &'a mut u64,
}

/// What the structure says about a string.
enum Role {
    /// Scrub it with the rules.
    Plain,
    /// A value under a sensitive key: a label, unless it is a reference.
    Sensitive,
    /// A shell command line.
    Command,
    /// An argv item, already scrubbed as argv with its array.
    Argv(String),
}

impl Walk<'_, '_> {
    fn value(&mut self, sensitive: bool) -> Result<(), Stop> {
        self.p.ws();
        match self.p.peek()? {
            b'"' => {
                let t = self.p.string()?;
                self.string(
                    t,
                    if sensitive {
                        Role::Sensitive
                    } else {
                        Role::Plain
                    },
                );
            }
            b'{' => {
                self.p.open()?;
                if self.p.close(b'}')? {
                    return Ok(());
                }
                loop {
                    self.p.ws();
                    if self.p.peek()? != b'"' {
                        return Err(Stop::Bad);
                    }
                    let k = self.p.string()?;
                    self.p.colon()?;
                    let key = self.decoded(k).into_owned();
                    self.string(k, Role::Plain);
                    let inherited = sensitive;
                    let sensitive = inherited || sensitive_name(&key);
                    let command = if sensitive { None } else { command_key(&key) };
                    self.p.ws();
                    match (command, self.p.peek()?) {
                        (Some(_), b'[') => self.maybe_argv()?,
                        (Some(true), b'"') => {
                            let t = self.p.string()?;
                            self.string(t, Role::Command);
                        }
                        (None, b'"') if sensitive => {
                            let t = self.p.string()?;
                            let role = if !inherited && is_identifier_under(&key, &self.decoded(t))
                            {
                                Role::Plain
                            } else {
                                Role::Sensitive
                            };
                            self.string(t, role);
                        }
                        _ => self.value(sensitive)?,
                    }
                    if self.p.next_item(b'}')? {
                        return Ok(());
                    }
                }
            }
            b'[' => {
                self.p.open()?;
                if self.p.close(b']')? {
                    return Ok(());
                }
                loop {
                    self.value(sensitive)?;
                    if self.p.next_item(b']')? {
                        return Ok(());
                    }
                }
            }
            _ => {
                let t = self.p.scalar()?;
                self.scalar(t, sensitive);
            }
        }
        Ok(())
    }

    /// An array under an argv or command key: scrubbed as argv if every
    /// item is a string, as any other array if not.
    fn maybe_argv(&mut self) -> Result<(), Stop> {
        let start = self.p.at;
        let depth = self.p.depth;
        let mut items = Vec::new();
        self.p.open()?;
        let mut all_strings = true;
        if !self.p.close(b']')? {
            loop {
                self.p.ws();
                if self.p.peek()? != b'"' {
                    all_strings = false;
                    break;
                }
                items.push(self.p.string()?);
                if self.p.next_item(b']')? {
                    break;
                }
            }
        }
        if !all_strings {
            self.p.at = start;
            self.p.depth = depth;
            return self.value(false);
        }
        // Each item with what text mode finds in it already redacted (see
        // `with_text_findings`).
        let args: Vec<String> = items
            .iter()
            .map(|&t| {
                let d = self.decoded(t);
                let raw = std::str::from_utf8(&self.line[t.0 + 1..t.1 - 1]).unwrap_or("");
                let found = self.findings_in(t.0 + 1, t.1 - 1, raw);
                self.with_text_findings(&d, found).into_owned()
            })
            .collect();
        let out = self.scrubber.scrub_args(&args);
        for (t, new) in items.into_iter().zip(out) {
            self.string(t, Role::Argv(new.to_string_lossy().into_owned()));
        }
        Ok(())
    }

    /// The decoded content of a string literal.
    fn decoded(&self, (start, end): (usize, usize)) -> Cow<'_, str> {
        // The line was checked to be UTF-8.
        let raw = std::str::from_utf8(&self.line[start + 1..end - 1]).unwrap_or("");
        decode(raw)
    }

    /// Text-mode findings that overlap `start..end`, mapped into the
    /// decoded string of the literal whose content that is.
    fn findings_in(&self, start: usize, end: usize, raw: &str) -> Vec<Span> {
        let mut out = Vec::new();
        let mut j = self.text.partition_point(|s| s.start < end);
        while j > 0 && self.reach[j - 1] > start {
            j -= 1;
            let s = self.text[j];
            if s.end > start {
                let (ds, de) =
                    decoded_range(raw, s.start.max(start) - start, s.end.min(end) - start);
                if ds < de {
                    out.push(Span {
                        start: ds,
                        end: de,
                        rule: s.rule,
                    });
                }
            }
        }
        out
    }

    fn string(&mut self, t: (usize, usize), role: Role) {
        let (start, end) = (t.0 + 1, t.1 - 1);
        let line = self.line;
        let raw = std::str::from_utf8(&line[start..end]).unwrap_or("");
        let decoded = decode(raw);
        let d: &str = &decoded;
        let found = self.findings_in(start, end, raw);
        let scrubber = self.scrubber;
        let new: Option<Vec<u8>> = match role {
            Role::Sensitive if !is_reference(d) => {
                let mut out = Vec::new();
                scrubber.replace_named(KEY, d.as_bytes(), &mut out);
                self.counts[scrubber.slot(KEY)] += 1;
                // What the rules found in the value is inside its label.
                *self.merged += found.len() as u64;
                Some(out)
            }
            Role::Plain | Role::Sensitive => {
                let mut spans = scrubber.spans(d.as_bytes());
                spans.extend(found);
                self.redact(d.as_bytes(), spans)
            }
            Role::Command => {
                let base = self.with_text_findings(d, found.clone());
                let out = scrubber.scrub_command_line(&base).into_owned();
                self.structural(d, out, found)
            }
            Role::Argv(out) => self.structural(d, out, found),
        };
        if let Some(new) = new {
            self.edit(t, &new);
        }
    }

    /// A number, or `true`, `false` or `null`: a label under a sensitive
    /// key if a number; redacted where text-mode findings overlap it.
    fn scalar(&mut self, t: (usize, usize), sensitive: bool) {
        let line = self.line;
        let raw = &line[t.0..t.1];
        let new = if sensitive && !raw[0].is_ascii_alphabetic() {
            let mut out = Vec::new();
            self.scrubber.replace_named(KEY, raw, &mut out);
            self.counts[self.scrubber.slot(KEY)] += 1;
            Some(out)
        } else {
            // Scalars are ASCII without escapes: offsets map one to one.
            let text = std::str::from_utf8(raw).unwrap_or("");
            let found = self.findings_in(t.0, t.1, text);
            self.redact(raw, found)
        };
        if let Some(new) = new {
            self.edit(t, &new);
        }
    }

    /// `hay` with `spans` redacted, counted; `None` if there are none.
    fn redact(&mut self, hay: &[u8], mut spans: Vec<Span>) -> Option<Vec<u8>> {
        if spans.is_empty() {
            return None;
        }
        spans.sort_unstable();
        spans.dedup();
        let mut out = Vec::with_capacity(hay.len() + 32);
        let end = self.scrubber.redact(
            hay,
            0,
            &spans,
            0,
            hay.len(),
            &mut out,
            Some((&mut *self.counts, &mut *self.merged)),
        );
        out.extend_from_slice(&hay[end..]);
        Some(out)
    }

    /// The decoded string `d` with the text-mode findings in it redacted,
    /// uncounted: what the structural scrubbers (argv, command line) read.
    /// Run on `d` itself, they would redact parts of a text-mode secret on
    /// their own terms and keep the rest (a quoted value that text mode
    /// reads on to the string's closing quote, with a token and a `-p`
    /// flag in it: the token and the flag's value redacted, the text
    /// between kept).
    fn with_text_findings<'d>(&self, d: &'d str, mut found: Vec<Span>) -> Cow<'d, str> {
        if found.is_empty() {
            return Cow::Borrowed(d);
        }
        found.sort_unstable();
        found.dedup();
        let mut out = Vec::with_capacity(d.len() + 32);
        let end = self
            .scrubber
            .redact(d.as_bytes(), 0, &found, 0, d.len(), &mut out, None);
        out.extend_from_slice(&d.as_bytes()[end..]);
        match String::from_utf8(out) {
            Ok(s) => Cow::Owned(s),
            Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        }
    }

    /// The result of a structural scrubber (argv, command line) for the
    /// decoded string `d`, counted. The scrubber read `d` with the text-mode
    /// findings `found` in it already redacted (`with_text_findings`), so
    /// its output redacts at least what text mode does, where text mode
    /// does: another occurrence of a secret's bytes (the `m` of `mysql`
    /// for a one-letter `mysql -pm` password) is left as text mode leaves
    /// it.
    fn structural(&mut self, d: &str, out: String, found: Vec<Span>) -> Option<Vec<u8>> {
        if out == d {
            return None;
        }
        // The structural scrubbers count only in the scrubber's totals:
        // count the rules' findings here (one per secret, as text mode
        // does), or one flag if there are none.
        let mut spans = self.scrubber.spans(d.as_bytes());
        if spans.is_empty() {
            // What text mode found on the raw line (a value it reads on to
            // the string's closing quote) and the rules in `d` alone do not.
            spans = found;
            spans.sort_unstable();
            spans.dedup();
        }
        if spans.is_empty() {
            self.counts[self.scrubber.slot(FLAG)] += 1;
        }
        self.scrubber.count_unions(&spans, self.counts, self.merged);
        Some(out.into_bytes())
    }

    /// Replaces a token by a JSON string of `new`.
    fn edit(&mut self, (start, end): (usize, usize), new: &[u8]) {
        let text = String::from_utf8_lossy(new);
        let quoted = serde_json::to_string(&*text).unwrap_or_else(|_| "\"\"".to_string());
        self.edits.push((start, end, quoted.into_bytes()));
    }
}

/// Calls `f(raw_start, raw_end, char)` for each character of a string
/// literal's content, escapes decoded. A `\u` escape of a lone surrogate is
/// U+FFFD.
fn units(raw: &str, mut f: impl FnMut(usize, usize, char)) {
    let b = raw.as_bytes();
    let hex = |at: usize| -> Option<u32> {
        let digits = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
        u32::from_str_radix(digits, 16).ok()
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            let Some(c) = raw[i..].chars().next() else {
                return;
            };
            f(i, i + c.len_utf8(), c);
            i += c.len_utf8();
            continue;
        }
        let (len, c) = match b.get(i + 1) {
            Some(b'"') => (2, '"'),
            Some(b'\\') => (2, '\\'),
            Some(b'/') => (2, '/'),
            Some(b'b') => (2, '\u{8}'),
            Some(b'f') => (2, '\u{c}'),
            Some(b'n') => (2, '\n'),
            Some(b'r') => (2, '\r'),
            Some(b't') => (2, '\t'),
            Some(b'u') => {
                let hi = hex(i + 2).unwrap_or(0xFFFD);
                let lo = (b.get(i + 6..i + 8) == Some(b"\\u"))
                    .then(|| hex(i + 8))
                    .flatten();
                match lo {
                    Some(lo)
                        if (0xD800..0xDC00).contains(&hi) && (0xDC00..0xE000).contains(&lo) =>
                    {
                        let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        (12, char::from_u32(c).unwrap_or('\u{FFFD}'))
                    }
                    _ => (6, char::from_u32(hi).unwrap_or('\u{FFFD}')),
                }
            }
            // Not reached on validated input.
            _ => (1, '\\'),
        };
        f(i, (i + len).min(b.len()), c);
        i += len;
    }
}

/// A string literal's content, unescaped.
fn decode(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    units(raw, |_, _, c| out.push(c));
    Cow::Owned(out)
}

/// The range of the decoded string covering every character whose raw
/// bytes overlap `start..end` of the literal's content.
fn decoded_range(raw: &str, start: usize, end: usize) -> (usize, usize) {
    let (mut ds, mut de) = (usize::MAX, 0);
    let mut d = 0;
    units(raw, |rs, re, c| {
        if rs < end && start < re {
            ds = ds.min(d);
            de = de.max(d + c.len_utf8());
        }
        d += c.len_utf8();
    });
    (ds.min(de), de)
}

/// Where the writer is in the current line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// At a line start; `line` holds the blanks seen so far.
    Start,
    /// Collecting a line that may be an event in `line`.
    Event,
    /// In a plain (or overlong) line: its bytes go to the text stream.
    Text,
}

/// A writer that scrubs JSON Lines: events structurally, other lines as a
/// text stream.
///
/// Created by [`Scrubber::json_lines_writer`]. An event line (see
/// [`Scrubber::scrub_json_line`]) is held until its line break, then
/// written scrubbed, still valid JSON: a string (key or value) is redacted
/// where text mode would find a secret on the line, and where the
/// structure says so (a value under a sensitive key such as `"password"`,
/// argv arrays, command lines); two equal keys are both looked at. Other
/// lines pass through one text stream, as with a [`Writer`](crate::Writer),
/// so a PEM key spread over plain lines is redacted. Output keeps the
/// input's order and line breaks.
///
/// A line longer than the line limit ([`JSON_LINE_LIMIT`] unless set with
/// [`JsonLinesWriter::with_line_limit`]) is not held: it is scrubbed as
/// text, byte-exact, which redacts what text mode finds but not what only
/// the structure reveals. See the `structured/jsonl.rs` module notes.
///
/// [`JsonLinesWriter::finish`] writes the rest and returns the inner
/// writer; dropping the writer without `finish` writes the rest too,
/// ignoring errors.
///
/// # Example
///
/// ```
/// use std::io::Write;
///
/// let scrubber = hush::Scrubber::new();
/// let mut w = scrubber.json_lines_writer(Vec::new());
/// w.write_all(b"{\"tool\":\"db\",\"password\":\"hunter2-prod\",\"password\":\"\"}\n")?;
/// w.write_all(b"plain text, no secret\n")?;
/// let out = w.finish()?;
/// assert_eq!(
///     out,
///     b"{\"tool\":\"db\",\"password\":\"[REDACTED:sensitive-key]\",\"password\":\"\"}\n\
///       plain text, no secret\n",
/// );
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct JsonLinesWriter<W: Write> {
    inner: Option<W>,
    scrubber: Scrubber,
    core: Core,
    state: State,
    line: Vec<u8>,
    limit: usize,
    /// Redactions in events, per counter slot.
    counts: Vec<u64>,
    /// Findings merged into another's redaction in events.
    merged: u64,
    out: Vec<u8>,
}

impl<W: Write> JsonLinesWriter<W> {
    fn new(scrubber: Scrubber, inner: W) -> JsonLinesWriter<W> {
        JsonLinesWriter {
            inner: Some(inner),
            core: Core::new(scrubber.clone()),
            counts: vec![0; scrubber.slots()],
            merged: 0,
            scrubber,
            state: State::Start,
            line: Vec::new(),
            limit: JSON_LINE_LIMIT,
            out: Vec::new(),
        }
    }

    /// Sets the longest line held whole to be scrubbed as an event; a
    /// longer line is scrubbed as text. Applies to lines not yet begun.
    pub fn with_line_limit(mut self, bytes: usize) -> JsonLinesWriter<W> {
        self.limit = bytes;
        self
    }

    /// Writes everything still held, scrubbed, and returns the inner
    /// writer. An unfinished last line is scrubbed as an event if it is
    /// one.
    ///
    /// # Errors
    ///
    /// Returns the inner writer's error.
    pub fn finish(self) -> io::Result<W> {
        self.finish_counted().map(|(inner, ..)| inner)
    }

    /// [`JsonLinesWriter::finish`], also returning the final
    /// [`JsonLinesWriter::redactions`] and [`JsonLinesWriter::merged`].
    pub(crate) fn finish_counted(mut self) -> io::Result<(W, Counted)> {
        self.end();
        let counts = self
            .redactions()
            .into_iter()
            .map(|(id, n)| (id.to_string(), n))
            .collect();
        let merged = self.merged();
        let mut inner = self
            .inner
            .take()
            .expect("inner writer present until finish");
        inner.write_all(&self.out)?;
        self.out.clear();
        inner.flush()?;
        Ok((inner, (counts, merged)))
    }

    /// How many bytes have been written but not yet passed on.
    pub fn held(&self) -> usize {
        self.core.held() + self.line.len()
    }

    /// How many findings of each rule have been redacted in what was passed
    /// on so far: `(rule id, count)` in rule order, rules with none left
    /// out. Never the values. In a command line or argv array the values
    /// redacted because of a flag or variable name count as one
    /// `sensitive-flag` per string, when no rule found anything in it.
    pub fn redactions(&self) -> Vec<(&str, u64)> {
        let text: HashMap<&str, u64> = self.core.redactions().into_iter().collect();
        (0..self.counts.len())
            .map(|slot| {
                let id = self.scrubber.slot_id(slot);
                (id, self.counts[slot] + text.get(id).copied().unwrap_or(0))
            })
            .filter(|&(_, n)| n > 0)
            .collect()
    }

    /// How many findings were merged into another's redaction (the same
    /// bytes found by several rules, or a rule's finding inside a value
    /// redacted whole for its key) in what was passed on so far; they are
    /// not in [`JsonLinesWriter::redactions`].
    pub fn merged(&self) -> u64 {
        self.core.merged() + self.merged
    }

    /// The inner writer.
    pub fn get_ref(&self) -> &W {
        self.inner
            .as_ref()
            .expect("inner writer present until finish")
    }

    fn take(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            match self.state {
                State::Start => {
                    let blanks = data.iter().take_while(|b| is_blank(**b)).count();
                    self.line.extend_from_slice(&data[..blanks]);
                    data = &data[blanks..];
                    if self.line.len() > self.limit {
                        self.demote();
                        continue;
                    }
                    let Some(&b) = data.first() else {
                        return;
                    };
                    if matches!(b, b'{' | b'[' | b'"') {
                        self.state = State::Event;
                    } else {
                        // A plain line (or a blank one).
                        self.demote();
                    }
                }
                State::Event => {
                    let (body, rest) = match memchr::memchr(b'\n', data) {
                        Some(i) => (&data[..i], Some(&data[i + 1..])),
                        None => (data, None),
                    };
                    if self.line.len() + body.len() > self.limit {
                        self.demote();
                        continue;
                    }
                    self.line.extend_from_slice(body);
                    match rest {
                        Some(rest) => {
                            self.event(b"\n");
                            data = rest;
                        }
                        None => return,
                    }
                }
                State::Text => {
                    let n = match memchr::memchr(b'\n', data) {
                        Some(i) => {
                            self.state = State::Start;
                            i + 1
                        }
                        None => data.len(),
                    };
                    self.core.push(&data[..n], &mut self.out);
                    data = &data[n..];
                }
            }
        }
    }

    /// The line collected so far is not an event: it, and the rest of its
    /// line, go to the text stream.
    fn demote(&mut self) {
        self.core.push(&self.line, &mut self.out);
        self.reset_line();
        self.state = State::Text;
    }

    /// Empties the line buffer, and gives its memory back after a long
    /// line.
    fn reset_line(&mut self) {
        self.line.clear();
        if self.line.capacity() > KEEP_CAPACITY {
            self.line = Vec::new();
        }
    }

    /// The collected line is complete: written as an event if it is one,
    /// to the text stream if not.
    fn event(&mut self, ending: &[u8]) {
        let line = std::mem::take(&mut self.line);
        match self
            .scrubber
            .json_event(&line, &mut self.counts, &mut self.merged)
        {
            Some(scrubbed) => {
                // The plain lines before it go first, all of them.
                self.core.finish(&mut self.out);
                self.out.extend_from_slice(&scrubbed);
                self.out.extend_from_slice(ending);
            }
            None => {
                self.core.push(&line, &mut self.out);
                self.core.push(ending, &mut self.out);
            }
        }
        self.line = line;
        self.reset_line();
        self.state = State::Start;
    }

    /// Ends the input: the last line, then the text stream.
    fn end(&mut self) {
        if self.state == State::Event {
            self.event(b"");
        }
        self.core.push(&self.line, &mut self.out);
        self.line.clear();
        self.core.finish(&mut self.out);
    }

    fn pass_on(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            let inner = self
                .inner
                .as_mut()
                .expect("inner writer present until finish");
            let result = inner.write_all(&self.out);
            self.out.clear();
            result?;
        }
        Ok(())
    }
}

impl<W: Write> Write for JsonLinesWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.take(data);
        self.pass_on()?;
        Ok(data.len())
    }

    /// An idle release of the text stream (see [`Writer`](crate::Writer)'s
    /// `flush`: nothing that could start a secret still arriving is
    /// written), then flushes the inner writer. An unfinished line that can
    /// still become an event is kept until its line break; one that cannot
    /// (a prompt such as `[sudo] password:`) is passed to the text stream
    /// and flushed with it.
    fn flush(&mut self) -> io::Result<()> {
        if self.state == State::Event && !may_be_event(&self.line) {
            self.demote();
        }
        self.core.release_idle(&mut self.out);
        self.pass_on()?;
        self.inner
            .as_mut()
            .expect("inner writer present until finish")
            .flush()
    }
}

impl<W: Write> Drop for JsonLinesWriter<W> {
    fn drop(&mut self) {
        if let Some(mut inner) = self.inner.take() {
            self.end();
            let _ = inner.write_all(&self.out);
            let _ = inner.flush();
        }
    }
}

impl<W: Write> std::fmt::Debug for JsonLinesWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLinesWriter")
            .field("held", &self.held())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> Result<(), Stop> {
        Parser::new(s.as_bytes()).document()
    }

    #[test]
    fn grammar() {
        for ok in [
            r#"{}"#,
            r#"[]"#,
            r#""x""#,
            r#" {"a": [1, -2.5e+3, true, false, null, "\u00e9\n"]} "#,
            r#"{"a":{"b":{}},"a":0}"#,
        ] {
            assert_eq!(doc(ok), Ok(()), "{ok}");
        }
        for eof in [
            r#"{"#, r#"{"a""#, r#"{"a":"#, r#"["x\"#, r#"[tr"#, r#"[1."#, r#"[-"#,
        ] {
            assert_eq!(doc(eof), Err(Stop::Eof), "{eof}");
        }
        for bad in [
            r#"{a:1}"#,
            r#"[1,]"#,
            r#"[01]"#,
            r#"{"a":1}x"#,
            r#"["\x"]"#,
            r#"[tru]"#,
            "[\"a\tb\"]",
            r#"[sudo] password"#,
        ] {
            assert_eq!(doc(bad), Err(Stop::Bad), "{bad}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(doc(&deep), Err(Stop::Bad));
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert_eq!(doc(&fine), Ok(()));
    }

    #[test]
    fn unescaping_and_ranges() {
        let raw = r#"a\nb\u00e9\ud83d\ude00\ud800c"#;
        assert_eq!(decode(raw), "a\nb\u{e9}\u{1F600}\u{FFFD}c");
        // `\n` (raw 1..3) is decoded byte 1; `é` (raw 4..10) is decoded
        // 3..5, the emoji (raw 10..22) 5..9, the lone surrogate 9..12.
        assert_eq!(decoded_range(raw, 2, 3), (1, 2));
        assert_eq!(decoded_range(raw, 9, 11), (3, 9));
        assert_eq!(decoded_range(raw, 10, 11), (5, 9));
        assert_eq!(decoded_range(raw, 0, raw.len()), (0, 13));
    }
}
