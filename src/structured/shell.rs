//! Shell command lines as agents log them: split into commands and words,
//! quoting-aware, so that secrets are redacted in place and the rest of the
//! line stays as it was.

use std::borrow::Cow;

use super::args::{Action, Kind, plan, program_name};
use super::{is_reference, sensitive_name};
use crate::Scrubber;
use crate::compile::Span;

/// A word of a command line: its unquoted bytes, and for each of them,
/// where it came from in the line.
#[derive(Debug)]
struct Word {
    bytes: Vec<u8>,
    raw: Vec<usize>,
}

impl Word {
    fn new() -> Word {
        Word {
            bytes: Vec::new(),
            raw: Vec::new(),
        }
    }

    /// The unquoted value. Words are cut only at ASCII bytes of a `&str`,
    /// so the bytes are valid UTF-8.
    fn value(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Splits a command line into simple commands (at `;`, `&`, `|`, `&&`,
/// `||`, parentheses and newlines), each a list of words.
fn lex(line: &str) -> Vec<Vec<Word>> {
    let bytes = line.as_bytes();
    let mut commands: Vec<Vec<Word>> = vec![Vec::new()];
    let mut word: Option<Word> = None;
    let mut i = 0;
    fn push(word: &mut Option<Word>, b: u8, at: usize) {
        let w = word.get_or_insert_with(Word::new);
        w.bytes.push(b);
        w.raw.push(at);
    }
    fn end_word(commands: &mut [Vec<Word>], word: &mut Option<Word>) {
        if let Some(w) = word.take() {
            commands.last_mut().expect("one command").push(w);
        }
    }
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' => end_word(&mut commands, &mut word),
            b'\n' | b';' | b'&' | b'|' | b'(' | b')' => {
                end_word(&mut commands, &mut word);
                if !commands.last().expect("one command").is_empty() {
                    commands.push(Vec::new());
                }
            }
            b'<' | b'>' => end_word(&mut commands, &mut word),
            b'#' if word.is_none() => {
                // A comment runs to the end of the line.
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\\' if i + 1 < bytes.len() => {
                push(&mut word, bytes[i + 1], i + 1);
                i += 2;
                continue;
            }
            b'\'' => {
                word.get_or_insert_with(Word::new);
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    push(&mut word, bytes[i], i);
                    i += 1;
                }
            }
            b'"' => {
                word.get_or_insert_with(Word::new);
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\'
                        && i + 1 < bytes.len()
                        && matches!(bytes[i + 1], b'"' | b'\\' | b'$' | b'`')
                    {
                        i += 1;
                    }
                    push(&mut word, bytes[i], i);
                    i += 1;
                }
            }
            _ => push(&mut word, b, i),
        }
        i += 1;
    }
    end_word(&mut commands, &mut word);
    commands.retain(|c| !c.is_empty());
    commands
}

/// Programs that run the next word as a command.
const WRAPPERS: &[&str] = &[
    "sudo", "doas", "env", "time", "nohup", "exec", "nice", "command", "xargs", "watch",
];

impl Scrubber {
    /// Scrubs a shell command line, as agents log the commands they run.
    ///
    /// Quoting-aware, and the command stays readable: a secret is replaced
    /// where it stands and everything around it is kept, quotes included:
    /// `mysql -uroot -p[REDACTED:sensitive-flag] -h db`. What is redacted is
    /// what [`Scrubber::scrub_args`] redacts, plus leading `NAME=value`
    /// assignments with a sensitive name (`PGPASSWORD=x psql`), plus what
    /// the rules find in the whole line (at least what
    /// [`Scrubber::scrub_str`] redacts in it).
    ///
    /// # Example
    ///
    /// ```
    /// let scrubber = hush::Scrubber::new();
    /// assert_eq!(
    ///     scrubber.scrub_command_line("mysql -uroot -p'S3cr3t pw' -h db && echo ok"),
    ///     "mysql -uroot -p'[REDACTED:sensitive-flag]' -h db && echo ok",
    /// );
    /// ```
    pub fn scrub_command_line<'a>(&self, line: &'a str) -> Cow<'a, str> {
        let mut cuts: Vec<(usize, usize, Kind)> = Vec::new();
        for command in lex(line) {
            let values: Vec<String> = command.iter().map(Word::value).collect();
            let mut start = 0;
            // Leading assignments, and wrappers such as `sudo` or `env`
            // with their options, come before the program.
            while let Some(v) = values.get(start) {
                if let Some((name, value)) = v.split_once('=')
                    && !name.is_empty()
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    if sensitive_name(name) && !is_reference(value) {
                        cuts.extend(cut(&command[start], name.len() + 1, Kind::Env));
                    }
                    start += 1;
                } else if WRAPPERS.contains(&program_name(v))
                    || (start > 0
                        && v.starts_with('-')
                        && WRAPPERS.contains(&program_name(&values[start - 1])))
                {
                    start += 1;
                } else {
                    break;
                }
            }
            let words: Vec<&str> = values[start..].iter().map(String::as_str).collect();
            for (k, action) in plan(&words).into_iter().enumerate() {
                if let Action::From(at, kind) = action {
                    let w = start + k;
                    cuts.extend(cut(&command[w], at, kind));
                }
            }
        }
        if cuts.is_empty() {
            return self.scrub_str(line);
        }
        // A cut grows to cover every rule finding it overlaps: it stops
        // where the shell ends the word (at `>` in `-pX>Y`), a rule's value
        // may not, and the rest of that value must not stay readable.
        let spans = self.spans(line.as_bytes());
        for c in &mut cuts {
            for s in &spans {
                if s.start < c.1 && c.0 < s.end {
                    c.0 = c.0.min(s.start);
                    c.1 = c.1.max(s.end);
                }
            }
        }
        // The findings no cut covers are redacted in the same pass, on the
        // line as written: the rules run again over the output below, but
        // there a cut's label can stand where a finding's context was (the
        // `mysql` and earlier flags before a later `-pX`), and that finding
        // was kept.
        let mut all: Vec<Span> = cuts
            .iter()
            .map(|&(start, end, kind)| Span {
                start,
                end,
                rule: kind.pseudo(),
            })
            .collect();
        all.extend(
            spans
                .iter()
                .filter(|s| !cuts.iter().any(|c| s.start < c.1 && c.0 < s.end)),
        );
        all.sort_unstable();
        let mut out = Vec::with_capacity(line.len() + 32);
        let end = self.redact(line.as_bytes(), 0, &all, 0, line.len(), &mut out, None);
        out.extend_from_slice(&line.as_bytes()[end..]);
        let out = String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Cow::Owned(self.scrub_str(&out).into_owned())
    }
}

/// The span of the line to replace: from the value's byte `at` to its
/// last byte, so that quotes around the value stay. `None` when `at` is not
/// a byte of the word: the rules, which run over the whole line, are then
/// all that scrubs it.
fn cut(word: &Word, at: usize, kind: Kind) -> Option<(usize, usize, Kind)> {
    let start = *word.raw.get(at)?;
    let end = word.raw.last()? + 1;
    Some((start, end.max(start), kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Vec<String>> {
        lex(line)
            .into_iter()
            .map(|c| c.iter().map(Word::value).collect())
            .collect()
    }

    #[test]
    fn lexing() {
        assert_eq!(
            words(r#"a 'b c' "d \"e\"" f\ g; h && i|j"#),
            vec![
                vec!["a", "b c", "d \"e\"", "f g"],
                vec!["h"],
                vec!["i"],
                vec!["j"]
            ]
        );
        assert_eq!(words("x=1 y # comment 'z"), vec![vec!["x=1", "y"]]);
        assert_eq!(words("é 'ü'"), vec![vec!["é", "ü"]]);
    }
}
