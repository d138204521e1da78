use std::fmt;
use std::path::{Path, PathBuf};

/// An error from loading rules, building a [`Scrubber`](crate::Scrubber), or
/// registering a known secret.
///
/// The message is one lowercase line that names where the problem is, e.g.
/// `patterns/cloud.toml:41: rule aws-access-key: pattern has no upper bound
/// on match length`. It never contains a secret: not an example secret from
/// a rule file, not a value passed to
/// [`Builder::known_secret`](crate::Builder::known_secret), not matched
/// bytes. Nor does it quote a rule file beyond what locates the problem: a
/// regex that does not compile is named by its rule and the offset of the
/// error in it, an unknown key by its line. The same holds for `Debug` and
/// for the [`source`](std::error::Error::source) chain, so that printing
/// the chain (as `anyhow`'s `{:#}` does) is one line and safe too; a
/// regex's own error, which quotes the pattern, is not kept.
pub struct Error {
    kind: ErrorKind,
    file: Option<PathBuf>,
    line: Option<usize>,
    rule: Option<String>,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// The broad class of an [`Error`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A file could not be read.
    Io,
    /// A rule file is not valid TOML or does not have the expected shape.
    Parse,
    /// A rule is invalid: its regex does not compile, its length is
    /// unbounded, its examples fail, and so on.
    Rule,
    /// A builder setting is invalid, e.g. it names a rule that does not
    /// exist.
    Config,
    /// A known secret was refused (too short, for example).
    Secret,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            file: None,
            line: None,
            rule: None,
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn io(path: &Path, err: std::io::Error) -> Error {
        let message = match err.kind() {
            std::io::ErrorKind::NotFound => "file not found".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => "cannot read file".to_string(),
        };
        Error::new(ErrorKind::Io, message)
            .with_file(path)
            .with_source(err)
    }

    pub(crate) fn with_file(mut self, path: &Path) -> Error {
        self.file = Some(path.to_path_buf());
        self
    }

    pub(crate) fn with_line(mut self, line: usize) -> Error {
        self.line = Some(line);
        self
    }

    pub(crate) fn with_rule(mut self, id: &str) -> Error {
        self.rule = Some(id.to_string());
        self
    }

    /// Keeps `source` as the cause. Only for errors whose `Display` is one
    /// line and quotes no input (an I/O error, an automaton that is too
    /// big); never a regex's, which quotes the pattern.
    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The rule file the error is in, if it concerns one.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The 1-based line in [`Error::file`], when known.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The id of the rule the error concerns, if any.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// The description of what is wrong, without the location prefix.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for Error {
    // Written by hand: the fields that locate the problem, and the source
    // only by its `Display`, which is one line for the sources kept.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind)
            .field("file", &self.file)
            .field("line", &self.line)
            .field("rule", &self.rule)
            .field("message", &self.message);
        if let Some(ref source) = self.source {
            d.field("source", &one_line(&source.to_string()));
        }
        d.finish()
    }
}

/// `text` with line breaks turned into spaces.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\n', '\r']) {
        std::borrow::Cow::Owned(text.replace(['\n', '\r'], " "))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(ref file) = self.file {
            // A path may hold a line break; the message stays one line.
            write!(f, "{}", one_line(&file.display().to_string()))?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
            write!(f, ": ")?;
        }
        if let Some(ref rule) = self.rule {
            write!(f, "rule {rule}: ")?;
        }
        write!(f, "{}", one_line(&self.message))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The field names of rule files (hush's and gitleaks'): a parser message
/// may name one of these, which is not a value from the file. (A test in
/// `rule.rs` checks that the list holds every field.)
pub(crate) const FIELD_NAMES: &[&str] = &[
    "hush",
    "title",
    "minVersion",
    "description",
    "allowlist",
    "allowlists",
    "extend",
    "rules",
    "useDefault",
    "path",
    "disabledRules",
    "id",
    "regex",
    "secretGroup",
    "entropy",
    "keywords",
    "tags",
    "examples",
    "negative_examples",
    "max_len",
    "category",
    "replacement",
    "redaction",
    "multiline",
    "follows",
    "condition",
    "regexes",
    "regexTarget",
    "stopwords",
    "paths",
    "commits",
    "input",
    "secret",
];

/// Rewrites a message from a third-party parser (the TOML parser, serde) so
/// that it quotes nothing from the file.
///
/// serde's messages quote the offending value (`invalid type: string
/// "ghp_...", expected a table`) or key (`unknown field `ghp_...``), and
/// either can be an example secret. Every double-quoted run (escapes
/// included) becomes `"..."`; every backquoted run becomes `` `...` ``
/// unless it is a field name of rule files or a bit of TOML punctuation
/// (`]`, `=`); an unknown key is reported without its name or the list of
/// known ones. The result is one line.
pub(crate) fn sanitize(message: &str) -> String {
    // The key is whatever the file says, backquotes included: no reading
    // of the rest of the message is safe.
    if message.starts_with("unknown field") {
        return "unknown key".to_string();
    }
    if message.starts_with("unknown variant") {
        return "unknown value".to_string();
    }
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                // A Rust-escaped string (serde quotes with `{:?}`): `\"` does
                // not close it.
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => {
                            closed = true;
                            break;
                        }
                        _ => {}
                    }
                }
                out.push_str(if closed { "\"...\"" } else { "\"..." });
            }
            '`' => {
                let rest = chars.as_str();
                match rest.find('`') {
                    Some(close) => {
                        let inner = &rest[..close];
                        let keep = FIELD_NAMES.contains(&inner)
                            || (!inner.is_empty()
                                && inner.len() <= 2
                                && inner.bytes().all(|b| b.is_ascii_punctuation()));
                        out.push('`');
                        out.push_str(if keep { inner } else { "..." });
                        out.push('`');
                        chars = rest[close + 1..].chars();
                    }
                    None => {
                        out.push_str("`...");
                        break;
                    }
                }
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_one_line_with_location() {
        let err = Error::new(
            ErrorKind::Rule,
            "pattern has no upper bound on match length",
        )
        .with_file(Path::new("patterns/cloud.toml"))
        .with_line(41)
        .with_rule("aws-access-key");
        assert_eq!(
            err.to_string(),
            "patterns/cloud.toml:41: rule aws-access-key: pattern has no upper bound on match length"
        );
    }

    #[test]
    fn sanitize_hides_quoted_values() {
        let msg = "invalid type: string \"ghp_abc\", expected struct Example\nmore";
        assert_eq!(
            sanitize(msg),
            "invalid type: string \"...\", expected struct Example more"
        );
        assert_eq!(sanitize("unterminated \"ghp_abc"), "unterminated \"...");
    }

    #[test]
    fn sanitize_does_not_end_a_quoted_value_at_an_escaped_quote() {
        // `{:?}` of `ab"cd_secret` as serde writes it.
        let msg = r#"invalid type: string "ab\"cd_secret", expected a sequence"#;
        assert_eq!(
            sanitize(msg),
            "invalid type: string \"...\", expected a sequence"
        );
    }

    #[test]
    fn sanitize_drops_an_unknown_key_even_with_backquotes_in_it() {
        let msg =
            "unknown field `ab`ghp_Zq7Rt2Lm9Xv4Kp1Wd8Ns3Yb6Hc0Jf5Ga2Ue`, expected one of `id`";
        assert_eq!(sanitize(msg), "unknown key");
    }

    #[test]
    fn sanitize_keeps_field_names_and_punctuation_only() {
        assert_eq!(sanitize("missing field `id`"), "missing field `id`");
        assert_eq!(
            sanitize("invalid value: integer `-123456`, expected usize"),
            "invalid value: integer `...`, expected usize"
        );
        assert_eq!(
            sanitize("unclosed table, expected `]`"),
            "unclosed table, expected `]`"
        );
        assert_eq!(sanitize("stray `tok_abc"), "stray `...");
    }

    #[test]
    fn display_and_debug_of_a_path_with_a_line_break_stay_one_line() {
        let err = Error::new(ErrorKind::Parse, "unknown key")
            .with_file(Path::new("a\nb.toml"))
            .with_line(3);
        assert_eq!(err.to_string(), "a b.toml:3: unknown key");
        assert!(!format!("{err:?}").contains('\n'));
    }
}
