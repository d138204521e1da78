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
/// bytes.
#[derive(Debug)]
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

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        self.source = Some(Box::new(source));
        self
    }

    pub(crate) fn with_boxed_source(
        mut self,
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    ) -> Error {
        self.source = Some(source);
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

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(ref file) = self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
            write!(f, ": ")?;
        }
        if let Some(ref rule) = self.rule {
            write!(f, "rule {rule}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Replaces every double-quoted run in a message from a third-party parser
/// by `"..."`.
///
/// serde's messages quote the offending value (`invalid type: string
/// "ghp_...", expected a table`), and the offending value in a rule file can
/// be an example secret. Field names are quoted with backticks and stay.
pub(crate) fn sanitize(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..open]);
        match rest[open + 1..].find('"') {
            Some(close) => {
                out.push_str("\"...\"");
                rest = &rest[open + 1 + close + 1..];
            }
            None => {
                out.push_str("\"...");
                rest = "";
            }
        }
    }
    out.push_str(rest);
    // One line, always.
    out.replace(['\n', '\r'], " ")
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
}
