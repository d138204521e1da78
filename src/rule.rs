//! What a rule file says, and the checked [`Rule`] it turns into.
//!
//! Data flows one way: TOML text is deserialized into the `Raw*` structs
//! (serde, unknown fields refused), each raw rule is checked into a [`Rule`]
//! (regex parsed, length bounded, groups and allowlists resolved), and the
//! rules are compiled into a matcher by `compile.rs`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use regex_automata::meta;
use regex_automata::util::syntax;
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, ErrorKind, sanitize};
use crate::matcher::{AnchoredDfa, Unanchored};

/// The longest match length a rule may have, in bytes.
///
/// Streams hold back up to about twice this many bytes, so a rule with a
/// larger bound is refused rather than silently costing memory.
pub const MAX_RULE_LEN: usize = 64 * 1024;

/// The categories a rule in `patterns/` may have.
pub const CATEGORIES: &[&str] = &[
    "cloud",
    "vcs",
    "ci",
    "ai",
    "payments",
    "messaging",
    "registry",
    "observability",
    "infrastructure",
    "database",
    "identity",
    "saas",
    "ecommerce",
    "cdn-dns",
    "crypto",
    "private-key",
    "token",
    "url",
    "header",
    "assignment",
    "cli",
    "connection-string",
    "oauth",
    "password-hash",
];

/// How generic a rule of `category` is, for which rule names a redaction
/// several rules found: 0 for a provider's format, 1 for a context that
/// says what the value is (an OAuth token response, a header, a flag, a
/// URL, a connection string), 2 for a name alone (`*_SECRET=`). Ties go
/// to the lower rank.
pub(crate) fn context_rank(category: &str) -> u8 {
    match category {
        "assignment" => 2,
        "url" | "header" | "cli" | "connection-string" | "oauth" => 1,
        _ => 0,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)] // gitleaks metadata, accepted and ignored
    title: Option<String>,
    #[serde(rename = "minVersion")]
    #[allow(dead_code)]
    min_version: Option<String>,
    #[allow(dead_code)]
    description: Option<String>,
    allowlist: Option<Spanned<RawAllowlist>>,
    #[serde(default)]
    allowlists: Vec<Spanned<RawAllowlist>>,
    extend: Option<Spanned<RawExtend>>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
    /// A config file's options (see `config.rs`), read by
    /// [`crate::Config`]; the rules of the file ignore them.
    #[allow(dead_code)]
    hush: Option<toml::Value>,
}

/// gitleaks' `[extend]`: build on another configuration.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtend {
    /// Extend gitleaks' built-in configuration. hush's own defaults play
    /// that part: they are loaded unless `--no-defaults` is given.
    #[serde(rename = "useDefault")]
    use_default: Option<bool>,
    /// Extend another file, relative to this one.
    path: Option<String>,
    /// Rules of the extended configuration to leave out.
    #[serde(rename = "disabledRules", default)]
    disabled_rules: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    description: Option<String>,
    regex: Option<Spanned<String>>,
    #[serde(rename = "secretGroup")]
    secret_group: Option<Spanned<usize>>,
    entropy: Option<Spanned<f64>>,
    #[serde(default)]
    keywords: Vec<Spanned<String>>,
    #[serde(default)]
    tags: Vec<String>,
    path: Option<String>,
    allowlist: Option<Spanned<RawAllowlist>>,
    #[serde(default)]
    allowlists: Vec<Spanned<RawAllowlist>>,
    #[serde(default)]
    examples: Vec<Spanned<RawExample>>,
    #[serde(default)]
    negative_examples: Vec<Spanned<String>>,
    max_len: Option<Spanned<usize>>,
    category: Option<String>,
    replacement: Option<String>,
    redaction: Option<Spanned<String>>,
    multiline: Option<bool>,
    follows: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllowlist {
    #[allow(dead_code)]
    description: Option<String>,
    condition: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(rename = "regexTarget")]
    regex_target: Option<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExample {
    input: String,
    secret: String,
}

/// A checked rule: its regex parses, its match length is bounded, its
/// secret group exists.
///
/// Rules are read from rule files; see the crate documentation for the
/// format. [`Scrubber::rules`](crate::Scrubber::rules) lists the rules a
/// scrubber runs.
#[derive(Clone)]
pub struct Rule {
    pub(crate) id: String,
    pub(crate) description: String,
    pub(crate) category: String,
    pub(crate) pattern: String,
    pub(crate) unicode: bool,
    pub(crate) max_len: usize,
    pub(crate) multiline: bool,
    /// Every match begins with one of the rule's keywords, so the regex
    /// only needs to run anchored at each keyword occurrence.
    pub(crate) anchored: bool,
    /// Up to three bytes one of which every match contains: a window
    /// without any of them cannot match, and that is cheaper to see than to
    /// run the regex.
    pub(crate) required: Option<Box<[u8]>>,
    /// What must follow a keyword occurrence for the rule to run on it: a
    /// regex run anchored at the occurrence's end, within the window.
    pub(crate) follows: Option<Arc<Follows>>,
    pub(crate) group_count: usize,
    pub(crate) secret_group: Option<usize>,
    pub(crate) entropy: Option<f64>,
    pub(crate) keywords: Vec<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) allowlists: Vec<Arc<Allowlist>>,
    pub(crate) redaction: Option<crate::redact::Redaction>,
    pub(crate) examples: Vec<Example>,
    pub(crate) negative_examples: Vec<(usize, String)>,
    pub(crate) origin: Origin,
    /// The line of the rule's `regex`, where an error in it is reported.
    pub(crate) regex_line: usize,
    /// Whether the rule's split (see `split.rs`) builds, when that is known
    /// in advance (the prebuilt defaults): one that does not is then not
    /// tried, which took up to 57 ms on a rule's sixteenth match.
    pub(crate) split_builds: Option<bool>,
    /// Whether every occurrence of one of the rule's keywords, in any
    /// case, inside any match of its regex is spelled as the keyword is
    /// written (see `compile::exact_keywords`); known in advance for the
    /// prebuilt defaults, else taken as no.
    pub(crate) exact_keywords: Option<bool>,
}

/// A rule's `follows` regex: run anchored, a few bytes at each keyword
/// occurrence, so it is compiled (on first use) to a full DFA, which needs
/// no cache.
pub(crate) struct Follows {
    /// The pattern as written.
    pub(crate) pattern: String,
    /// Parsed when the rule is checked, or on first use for a rule of the
    /// prebuilt defaults (see `prebuilt`).
    hir: OnceLock<regex_syntax::hir::Hir>,
    pub(crate) dfa: OnceLock<Option<AnchoredDfa>>,
}

impl Follows {
    /// A `follows` whose pattern was checked when the default set was
    /// prebuilt; it is parsed on first use.
    pub(crate) fn unparsed(pattern: String) -> Follows {
        Follows {
            pattern,
            hir: OnceLock::new(),
            dfa: OnceLock::new(),
        }
    }

    pub(crate) fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The pattern its DFAs are built from: [`Follows::hir`] with large
    /// counted repetitions relaxed, as a rule's regex is (see
    /// [`RELAX_ABOVE`]). A `follows` only filters: it must accept what
    /// follows the keyword in every match of its rule, so a larger language
    /// drops fewer occurrences and changes no finding. A bounded gap of
    /// `n` bytes is `n` states, and in a group's set the rules' gaps
    /// multiply (`[^\r\n]{0,260}` took `k8s-env-secret`'s set with
    /// `har-cookie` to 642 KB; relaxed, 13 KB): every byte of a walk then
    /// loads a row of its own, out of cache.
    pub(crate) fn relaxed(&self) -> regex_syntax::hir::Hir {
        relax(self.hir())
    }

    pub(crate) fn hir(&self) -> &regex_syntax::hir::Hir {
        self.hir.get_or_init(|| match parse(&self.pattern) {
            Ok((hir, _)) => hir,
            // Unreachable: the pattern parsed when the set was prebuilt.
            // Should it fail, the empty pattern matches at every hit, so
            // the rule runs everywhere: fail closed.
            Err(_) => regex_syntax::hir::Hir::empty(),
        })
    }
}

/// Where a rule was defined.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub(crate) file: Arc<Path>,
    pub(crate) line: usize,
}

#[derive(Clone)]
pub(crate) struct Example {
    pub(crate) line: usize,
    pub(crate) input: String,
    pub(crate) secret: String,
}

/// Which text an allowlist regex is matched against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    Secret,
    Match,
    Line,
}

/// A compiled allowlist: a candidate it matches is not a finding.
pub(crate) struct Allowlist {
    pub(crate) all: bool,
    /// The regexes, as written (after translation from Go syntax).
    pub(crate) patterns: Vec<String>,
    /// All of them compiled into one, on first use; `None` inside if that
    /// failed (then the allowlist allows nothing: fail closed).
    pub(crate) regexes: OnceLock<Option<meta::Regex>>,
    /// The regexes as one prebuilt DFA (see `prebuilt`), looked up on
    /// first use; `None` inside if there is none, for a list not of the
    /// defaults or one whose DFA would be too big.
    pub(crate) prebuilt: OnceLock<Option<Unanchored>>,
    /// For a default list without that DFA, the regexes loaded from their
    /// prebuilt NFA (see `prebuilt`), looked up on first use.
    pub(crate) loaded: OnceLock<Option<crate::matcher::LazyMatch>>,
    pub(crate) target: Target,
    pub(crate) stopwords: Vec<Vec<u8>>,
    /// The allowlist also names paths or commits, which a stream has none
    /// of: under `AND` it can never apply, under `OR` those criteria never
    /// hold.
    pub(crate) has_path_criteria: bool,
}

impl Allowlist {
    /// An allowlist of the prebuilt defaults, checked when they were built.
    pub(crate) fn checked(
        all: bool,
        patterns: Vec<String>,
        target: Target,
        stopwords: Vec<Vec<u8>>,
        has_path_criteria: bool,
    ) -> Allowlist {
        Allowlist {
            all,
            patterns,
            regexes: OnceLock::new(),
            prebuilt: OnceLock::new(),
            loaded: OnceLock::new(),
            target,
            stopwords,
            has_path_criteria,
        }
    }

    /// The regexes, as written (after translation from Go syntax).
    #[cfg(test)]
    pub(crate) fn patterns(&self) -> &[String] {
        &self.patterns
    }
}

/// Makes a file's allowlists that say the same thing one allowlist, so
/// that it compiles once: the default files have 151 allowlists and 77
/// distinct ones (a list of placeholders or of code shapes is common to
/// many rules of a file). Done when a file is parsed, so the prebuilt
/// defaults hold the shared ones and building a scrubber does no work for
/// it (a pass over every rule took 0.13 ms, a twentieth of start-up).
fn share_allowlists(rules: &mut [Rule]) {
    type Key = (bool, Vec<String>, Target, Vec<Vec<u8>>, bool);
    let mut first: HashMap<Key, Arc<Allowlist>> = HashMap::new();
    for rule in rules {
        for a in &mut rule.allowlists {
            let key = (
                a.all,
                a.patterns.clone(),
                a.target,
                a.stopwords.clone(),
                a.has_path_criteria,
            );
            *a = Arc::clone(first.entry(key).or_insert_with(|| Arc::clone(a)));
        }
    }
}

impl Rule {
    /// The rule's id, unique among the rules of a scrubber.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// A one-line description of what the rule finds.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The rule's category (`vcs`, `header`, ...), or `custom` when its file
    /// gives none.
    pub fn category(&self) -> &str {
        &self.category
    }

    /// The keywords near which the rule's regex runs.
    pub fn keywords(&self) -> &[String] {
        &self.keywords
    }

    /// The rule's tags.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// The longest match the rule can make, in bytes.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Whether a match may span lines.
    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    /// Whether every match begins with one of the rule's keywords (judged
    /// from the regex's prefix literals), so that the regex runs anchored at
    /// each keyword occurrence instead of over a window around it.
    pub fn is_anchored(&self) -> bool {
        self.anchored
    }

    /// The file the rule was read from (`<builtin>/name.toml` for the
    /// embedded defaults).
    pub fn file(&self) -> &Path {
        &self.origin.file
    }

    /// The 1-based line of the rule's `id` in [`Rule::file`].
    pub fn line(&self) -> usize {
        self.origin.line
    }

    /// The rule's examples from its file: `(input, secret)` pairs, where
    /// `secret` must not survive scrubbing `input`. The secrets are fake,
    /// written for the rule file.
    pub fn examples(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.examples
            .iter()
            .map(|e| (e.input.as_str(), e.secret.as_str()))
    }

    /// The rule's negative examples: inputs that must pass unchanged.
    pub fn negative_examples(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.negative_examples.iter().map(|(_, s)| s.as_str())
    }

    pub(crate) fn error(&self, line: usize, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Rule, message)
            .with_file(&self.origin.file)
            .with_line(line)
            .with_rule(&self.id)
    }

    /// Compiles the rule's regex.
    pub(crate) fn compile_regex(&self) -> Result<meta::Regex, Error> {
        compile(&self.pattern, self.unicode).map_err(|msg| self.error(self.regex_line, msg))
    }
}

impl std::fmt::Debug for Rule {
    // Written by hand so that examples (which hold fake secrets, but
    // secrets all the same to anyone grepping logs) are never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("category", &self.category)
            .field("max_len", &self.max_len)
            .field("multiline", &self.multiline)
            .field("file", &self.origin.file)
            .field("line", &self.origin.line)
            .finish_non_exhaustive()
    }
}

/// The rules of one file, and the file-wide allowlists that apply to them.
pub(crate) struct RuleFile {
    pub(crate) rules: Vec<Rule>,
    /// Notes about rules that were skipped or adapted (e.g. gitleaks rules
    /// that only match file paths), as `file:line: rule id: what` lines.
    pub(crate) skipped: Vec<String>,
    /// `[extend] path`: another file these rules build on.
    pub(crate) extends: Option<PathBuf>,
    /// `[extend] disabledRules`.
    pub(crate) disabled: Vec<String>,
}

/// The match length given to an unbounded regex in a gitleaks
/// configuration (one without hush's own fields), which has no `max_len`.
pub const GITLEAKS_MAX_LEN: usize = 1024;

/// The same for a gitleaks rule whose regex can span lines (a PEM block).
pub const GITLEAKS_MULTILINE_MAX_LEN: usize = 16 * 1024;

/// An allowlist's regexes in one, parsed with or without Unicode.
pub(crate) fn allowlist_regex(patterns: &[String], unicode: bool) -> Option<meta::Regex> {
    crate::matcher::built();
    let config = syntax_config(unicode);
    let hirs = patterns
        .iter()
        .map(|p| {
            crate::prebuilt::hir(crate::prebuilt::Parse::Plain, unicode, p)
                .or_else(|| syntax::parse_with(p, &config).ok())
        })
        .collect::<Option<Vec<_>>>()?;
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .nfa_size_limit(Some(NFA_SIZE_LIMIT))
                .onepass_size_limit(Some(ONEPASS_SIZE_LIMIT))
                // An allowlist reads one short candidate: a literal
                // prefilter saves nothing there, and building it took most
                // of the compile (0.4 ms of 0.45 for a list of 12 words).
                .auto_prefilter(false),
        )
        .build_many_from_hir(&hirs)
        .ok()
}

/// Whether a gitleaks pattern is meant to span lines.
fn spans_lines(pattern: &str) -> bool {
    pattern.contains(r"[\s\S") || pattern.contains("(?s") || pattern.contains(r"\n")
}

/// The longest pattern text a rule's `regex`, `follows` or allowlist regex
/// may have, in bytes. A longer one is refused before it is parsed: what
/// parsing and compiling costs grows with the text, and no rule needs more.
pub const MAX_PATTERN_LEN: usize = 64 * 1024;

/// How deeply groups, classes and repetitions may nest in a pattern.
const NEST_LIMIT: u32 = 64;

/// The most heap a rule's compiled NFA may take, in bytes, before the rule
/// is refused as too big. Together with [`MAX_PATTERN_LEN`] and the lazy
/// DFA's fixed cache this bounds what compiling one rule costs. The largest
/// default rule needs under a tenth of it.
pub(crate) const NFA_SIZE_LIMIT: usize = 2 << 20;

/// The most heap a rule's one-pass DFA (used to resolve capture groups) may
/// take; a rule whose DFA would be bigger does without it.
const ONEPASS_SIZE_LIMIT: usize = 1 << 20;

/// Refuses a pattern longer than [`MAX_PATTERN_LEN`], naming its length
/// and the limit; `what` says which pattern (`regex`, `follows`, ...).
fn check_pattern_len(what: &str, pattern: &str) -> Result<(), String> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!(
            "{what} is {} bytes long, over the limit of {MAX_PATTERN_LEN} bytes",
            pattern.len()
        ));
    }
    Ok(())
}

pub(crate) fn syntax_config(unicode: bool) -> syntax::Config {
    syntax::Config::new()
        .unicode(unicode)
        .utf8(false)
        .multi_line(true)
        .crlf(true)
        .nest_limit(NEST_LIMIT)
}

/// Rewrites what Go's RE2 syntax (gitleaks' regexes) accepts and Rust's
/// does not: a `{` that does not begin a counted repetition is a literal in
/// RE2 and an error in Rust, so it is escaped. A pattern valid in Rust is
/// returned unchanged.
pub(crate) fn translate_go(pattern: &str) -> std::borrow::Cow<'_, str> {
    let escaped = escape_braces(pattern);
    if escaped == pattern {
        std::borrow::Cow::Borrowed(pattern)
    } else {
        std::borrow::Cow::Owned(escaped)
    }
}

/// Whether `rest` (after a `{`) is `n}`, `n,}` or `n,m}`.
fn counted_repetition(rest: &[u8]) -> bool {
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    match rest.get(digits) {
        Some(b'}') => true,
        Some(b',') => {
            let more = rest[digits + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            rest.get(digits + 1 + more) == Some(&b'}')
        }
        _ => false,
    }
}

/// Escapes every `{` outside a class that does not begin a counted
/// repetition.
fn escape_braces(pattern: &str) -> String {
    let bytes = pattern.as_bytes();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut in_class = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
            b'\\' => {
                // The backslash and the whole character it escapes, which
                // may take more than one byte (`\é` is an error for the
                // parser to report, not a cut through a character).
                i += 1;
                if i < bytes.len() {
                    i += 1;
                    while i < bytes.len() && bytes[i] & 0xC0 == 0x80 {
                        i += 1;
                    }
                }
            }
            b'[' if !in_class => {
                in_class = true;
                i += 1;
                if bytes.get(i) == Some(&b'^') {
                    i += 1;
                }
                if bytes.get(i) == Some(&b']') {
                    i += 1;
                }
            }
            b'[' if in_class && bytes.get(i + 1) == Some(&b':') => {
                i = match pattern[i..].find(":]") {
                    Some(end) => i + end + 2,
                    None => i + 1,
                };
            }
            b']' if in_class => {
                in_class = false;
                i += 1;
            }
            b'{' if !in_class && !counted_repetition(&bytes[i + 1..]) => {
                out.push_str("\\{");
                i += 1;
                continue;
            }
            _ => {
                // Copy one whole UTF-8 character.
                i += 1;
                while i < bytes.len() && bytes[i] & 0xC0 == 0x80 {
                    i += 1;
                }
            }
        }
        out.push_str(&pattern[start..i]);
    }
    out
}

/// Parses a pattern, with Unicode off when it parses that way. The error
/// is a one-line description that does not quote the pattern (the regex
/// crate's own error does, over several lines, so it is not kept).
fn parse(pattern: &str) -> Result<(regex_syntax::hir::Hir, bool), String> {
    if let Ok(hir) = syntax::parse_with(pattern, &syntax_config(false)) {
        return Ok((hir, false));
    }
    match syntax::parse_with(pattern, &syntax_config(true)) {
        Ok(hir) => Ok((hir, true)),
        Err(e) => Err(describe_syntax_error(&e)),
    }
}

/// What is wrong with a pattern and where (a byte offset into it), without
/// quoting it.
fn describe_syntax_error(e: &regex_syntax::Error) -> String {
    match e {
        regex_syntax::Error::Parse(e) => format!(
            "regex does not compile: {} at offset {}",
            e.kind(),
            e.span().start.offset
        ),
        regex_syntax::Error::Translate(e) => format!(
            "regex does not compile: {} at offset {}",
            e.kind(),
            e.span().start.offset
        ),
        _ => "regex does not compile".to_string(),
    }
}

/// A counted repetition with an upper bound above this is compiled without
/// the bound.
///
/// Each repetition of a bounded count is its own set of automaton states
/// (`[^\s]{8,4096}` is four thousand copies of a class), which makes the
/// lazy DFA slow to build and quick to thrash. The window a rule runs in
/// already bounds its match by the rule's maximum length, computed from the
/// regex as written, so the upper bound is dropped where it is large. The
/// language only grows: a relaxed rule matches everything the rule as
/// written does, within the same bound on the whole match.
pub const RELAX_ABOVE: u32 = 32;

/// The HIR of `pattern` with large counted repetitions relaxed (see
/// [`RELAX_ABOVE`]).
pub(crate) fn relaxed_hir(
    pattern: &str,
    unicode: bool,
) -> Result<regex_syntax::hir::Hir, Box<regex_syntax::Error>> {
    let hir = syntax::parse_with(pattern, &syntax_config(unicode)).map_err(Box::new)?;
    Ok(relax(&hir))
}

/// [`relaxed_hir`], read from the prebuilt file for a default rule's
/// regex rather than parsed.
pub(crate) fn relaxed_hir_or_stored(
    pattern: &str,
    unicode: bool,
) -> Result<regex_syntax::hir::Hir, Box<regex_syntax::Error>> {
    match crate::prebuilt::hir(crate::prebuilt::Parse::Relaxed, unicode, pattern) {
        Some(hir) => Ok(hir),
        None => relaxed_hir(pattern, unicode),
    }
}

pub(crate) fn relax(hir: &regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
    match hir.kind() {
        HirKind::Repetition(rep) => {
            let max = match rep.max {
                Some(max) if max > RELAX_ABOVE => None,
                max => max,
            };
            Hir::repetition(Repetition {
                min: rep.min,
                max,
                greedy: rep.greedy,
                sub: Box::new(relax(&rep.sub)),
            })
        }
        HirKind::Capture(cap) => Hir::capture(Capture {
            index: cap.index,
            name: cap.name.clone(),
            sub: Box::new(relax(&cap.sub)),
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(relax).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(relax).collect()),
        _ => hir.clone(),
    }
}

fn meta_config() -> meta::Config {
    // Windows are short (a line, or a few hundred bytes): a plain forward
    // lazy-DFA scan beats the literal-prefilter strategies (reverse inner,
    // reverse suffix), whose set-up costs more than the scan they save.
    meta::Config::new()
        .utf8_empty(false)
        .auto_prefilter(false)
        .nfa_size_limit(Some(NFA_SIZE_LIMIT))
        .onepass_size_limit(Some(ONEPASS_SIZE_LIMIT))
}

/// Compiles several patterns into one regex that only answers whether any
/// of them matches (no capture groups), or `None` if that fails: what the
/// tests check a group's prefilter DFA against.
#[cfg(test)]
pub(crate) fn compile_set(patterns: &[&str], unicode: bool) -> Option<meta::Regex> {
    let hirs = patterns
        .iter()
        .map(|p| relaxed_hir_or_stored(p, unicode))
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    meta::Builder::new()
        .configure(meta_config().which_captures(regex_automata::nfa::thompson::WhichCaptures::None))
        .build_many_from_hir(&hirs)
        .ok()
}

/// Compiles a rule's pattern, with large counted repetitions relaxed. The
/// error is a one-line description that does not quote the pattern.
pub(crate) fn compile(pattern: &str, unicode: bool) -> Result<meta::Regex, String> {
    crate::matcher::built();
    check_pattern_len("regex", pattern)?;
    let hir = relaxed_hir_or_stored(pattern, unicode).map_err(|e| describe_syntax_error(&e))?;
    meta::Builder::new()
        .configure(meta_config())
        .build_from_hir(&hir)
        .map_err(|e| match e.size_limit() {
            Some(limit) => format!("regex is too big to compile (limit {limit} bytes)"),
            None => "regex does not compile".to_string(),
        })
}

/// Turns a byte offset in `text` into a 1-based line number.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    memchr::memchr_iter(b'\n', &text.as_bytes()[..offset]).count() + 1
}

/// Parses and checks a rule file.
///
/// `file` names the file in errors and in each rule's origin.
pub(crate) fn parse_file(file: &Path, text: &str) -> Result<RuleFile, Error> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let mut err = Error::new(ErrorKind::Parse, sanitize(e.message())).with_file(file);
        if let Some(span) = e.span() {
            err = err.with_line(line_of(text, span.start));
        }
        err
    })?;
    let file: Arc<Path> = Arc::from(file);
    // Byte offsets of line starts, so that each field's line is a binary
    // search rather than a count from the top of the file.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect();
    let at = |offset: usize| line_starts.partition_point(|&s| s <= offset);
    let file_error = |line: usize, msg: String| {
        Error::new(ErrorKind::Parse, msg)
            .with_file(&file)
            .with_line(line)
    };

    // A file that uses none of hush's own fields is a gitleaks
    // configuration: its unbounded regexes get a bound, its rules without
    // keywords are skipped with a note, and multi-line patterns are
    // recognised as such.
    let gitleaks = !raw.rules.iter().any(|r| {
        let r = r.get_ref();
        !r.examples.is_empty()
            || !r.negative_examples.is_empty()
            || r.max_len.is_some()
            || r.category.is_some()
            || r.multiline.is_some()
            || r.redaction.is_some()
            || r.replacement.is_some()
    });
    let mut skipped = Vec::new();
    let (extends, disabled) = match &raw.extend {
        None => (None, Vec::new()),
        Some(ext) => {
            let e = ext.get_ref();
            if e.use_default == Some(true) {
                skipped.push(format!(
                    "{}:{}: [extend] useDefault: hush's own default rules stand for gitleaks' (loaded unless --no-defaults)",
                    file.display(),
                    at(ext.span().start)
                ));
            }
            let base = e.path.as_ref().map(|p| match file.parent() {
                Some(dir) if Path::new(p).is_relative() => dir.join(p),
                _ => PathBuf::from(p),
            });
            (base, e.disabled_rules.clone())
        }
    };

    let mut global = Vec::new();
    for al in raw.allowlist.iter().chain(raw.allowlists.iter()) {
        global.push(Arc::new(check_allowlist(al.get_ref()).map_err(|m| {
            file_error(at(al.span().start), format!("allowlist: {m}"))
        })?));
    }

    let mut rules = Vec::new();
    for raw_rule in &raw.rules {
        let r = raw_rule.get_ref();
        let id = r.id.get_ref().clone();
        let line = at(r.id.span().start);
        let rule_error = |line: usize, msg: String| {
            Error::new(ErrorKind::Rule, msg)
                .with_file(&file)
                .with_line(line)
                .with_rule(&id)
        };
        if !valid_id(&id) {
            return Err(Error::new(
                ErrorKind::Rule,
                "rule id must be non-empty and use only ASCII letters, digits, '-', '_' and '.'",
            )
            .with_file(&file)
            .with_line(line));
        }
        let Some(regex) = &r.regex else {
            if r.path.is_some() {
                skipped.push(format!(
                    "{}:{line}: rule {id}: skipped: it matches file paths only, and a stream has no paths",
                    file.display()
                ));
                continue;
            }
            return Err(rule_error(line, "rule has no regex".to_string()));
        };
        let regex_line = at(regex.span().start);
        // Refused before anything else is done with it: the cost of
        // parsing grows with the text.
        check_pattern_len("regex", regex.get_ref()).map_err(|msg| rule_error(regex_line, msg))?;
        let pattern = translate_go(regex.get_ref()).into_owned();
        let (hir, unicode) = parse(&pattern).map_err(|msg| rule_error(regex_line, msg))?;
        let props = hir.properties();
        let group_count = props.explicit_captures_len();

        let max_len = match (props.maximum_len(), &r.max_len) {
            (_, Some(declared)) if *declared.get_ref() == 0 => {
                return Err(rule_error(
                    at(declared.span().start),
                    "max_len must be at least 1".to_string(),
                ));
            }
            (Some(computed), Some(declared)) => computed.min(*declared.get_ref()),
            (Some(computed), None) => computed,
            (None, Some(declared)) => *declared.get_ref(),
            (None, None) if gitleaks => {
                if spans_lines(&pattern) {
                    GITLEAKS_MULTILINE_MAX_LEN
                } else {
                    GITLEAKS_MAX_LEN
                }
            }
            (None, None) => {
                return Err(rule_error(
                    regex_line,
                    "pattern has no upper bound on match length; bound its repetitions or set max_len"
                        .to_string(),
                ));
            }
        };
        if max_len > MAX_RULE_LEN {
            return Err(rule_error(
                regex_line,
                format!("maximum match length {max_len} is over the limit of {MAX_RULE_LEN} bytes"),
            ));
        }
        if max_len == 0 {
            return Err(rule_error(
                regex_line,
                "pattern can only match the empty string".to_string(),
            ));
        }

        let secret_group = match &r.secret_group {
            None => None,
            Some(g) => {
                let n = *g.get_ref();
                if n > group_count {
                    return Err(rule_error(
                        at(g.span().start),
                        format!(
                            "secretGroup {n} does not exist: the regex has {group_count} capture groups"
                        ),
                    ));
                }
                Some(n)
            }
        };

        let entropy = match &r.entropy {
            None => None,
            Some(e) => {
                let v = *e.get_ref();
                if !(0.0..=8.0).contains(&v) {
                    return Err(rule_error(
                        at(e.span().start),
                        "entropy must be between 0 and 8 bits per byte".to_string(),
                    ));
                }
                Some(v)
            }
        };

        let mut keywords: Vec<String> = Vec::new();
        let mut distinct: HashSet<String> = HashSet::new();
        for kw in &r.keywords {
            let k = kw.get_ref();
            if k.is_empty() || k.contains(['\n', '\r']) {
                return Err(rule_error(
                    at(kw.span().start),
                    "keywords must be non-empty and must not contain line breaks".to_string(),
                ));
            }
            let lower = k.to_ascii_lowercase();
            if distinct.insert(lower.clone()) {
                keywords.push(lower);
            }
        }
        if keywords.is_empty() && gitleaks {
            skipped.push(format!(
                "{}:{line}: rule {id}: skipped: it has no keywords, and hush runs a regex only near one",
                file.display()
            ));
            continue;
        }
        if keywords.is_empty() {
            return Err(rule_error(
                line,
                "rule has no keywords; the regex runs only near a keyword".to_string(),
            ));
        }

        let mut allowlists = global.clone();
        for al in r.allowlist.iter().chain(r.allowlists.iter()) {
            allowlists.push(Arc::new(check_allowlist(al.get_ref()).map_err(|m| {
                rule_error(at(al.span().start), format!("allowlist: {m}"))
            })?));
        }

        let examples = r
            .examples
            .iter()
            .map(|ex| Example {
                line: at(ex.span().start),
                input: ex.get_ref().input.clone(),
                secret: ex.get_ref().secret.clone(),
            })
            .collect();
        let negative_examples = r
            .negative_examples
            .iter()
            .map(|ex| (at(ex.span().start), ex.get_ref().clone()))
            .collect();

        let redaction = match (&r.replacement, &r.redaction) {
            (Some(_), Some(style)) => {
                return Err(rule_error(
                    at(style.span().start),
                    "give either replacement or redaction, not both".to_string(),
                ));
            }
            (Some(text), None) => Some(crate::redact::Redaction::Text(text.clone())),
            (None, Some(style)) => Some(
                crate::redact::Redaction::from_name(style.get_ref()).ok_or_else(|| {
                    rule_error(
                        at(style.span().start),
                        "redaction must be \"label\", \"mask\" or \"fingerprint\"".to_string(),
                    )
                })?,
            ),
            (None, None) => None,
        };
        let follows = match &r.follows {
            None => None,
            Some(f) => {
                let line = at(f.span().start);
                check_pattern_len("follows", f.get_ref()).map_err(|msg| rule_error(line, msg))?;
                let (hir, _) = parse(f.get_ref())
                    .map_err(|msg| rule_error(line, format!("follows: {msg}")))?;
                if hir.properties().maximum_len().is_none() {
                    return Err(rule_error(
                        line,
                        "follows: pattern has no upper bound on match length".to_string(),
                    ));
                }
                Some(Arc::new(Follows {
                    pattern: f.get_ref().clone(),
                    hir: OnceLock::from(hir),
                    dfa: OnceLock::new(),
                }))
            }
        };
        let multiline = r.multiline.unwrap_or(gitleaks && spans_lines(&pattern));
        rules.push(Rule {
            description: r.description.clone().unwrap_or_else(|| id.clone()),
            category: r.category.clone().unwrap_or_else(|| "custom".to_string()),
            pattern,
            unicode,
            max_len,
            multiline,
            anchored: starts_with_keyword(&hir, &keywords),
            required: required_bytes(&hir),
            follows,
            group_count,
            secret_group,
            entropy,
            keywords,
            tags: r.tags.clone(),
            allowlists,
            redaction,
            examples,
            negative_examples,
            origin: Origin {
                file: Arc::clone(&file),
                line,
            },
            regex_line,
            split_builds: None,
            exact_keywords: None,
            id,
        });
    }
    share_allowlists(&mut rules);
    Ok(RuleFile {
        rules,
        skipped,
        extends,
        disabled,
    })
}

/// Whether every match of `hir` begins with one of `keywords`, compared
/// ASCII-case-insensitively (keywords are lowercase).
fn starts_with_keyword(hir: &regex_syntax::hir::Hir, keywords: &[String]) -> bool {
    let longest = keywords.iter().map(String::len).max().unwrap_or(0);
    match folded_prefixes(hir, vec![(Vec::new(), true)], longest) {
        Some(items) => items
            .iter()
            .all(|(bytes, _)| keywords.iter().any(|k| bytes.starts_with(k.as_bytes()))),
        None => false,
    }
}

/// How many prefixes [`folded_prefixes`] tracks before giving up.
const PREFIX_LIMIT: usize = 256;

/// Extends each open prefix in `items` by what `hir` can match first,
/// lowercased, up to `len` bytes. A prefix is closed (`false`) once it is
/// `len` long or what follows cannot be spelled out (a large class, a
/// repetition after its first round). `None` if there would be too many.
#[allow(clippy::type_complexity)]
fn folded_prefixes(
    hir: &regex_syntax::hir::Hir,
    items: Vec<(Vec<u8>, bool)>,
    len: usize,
) -> Option<Vec<(Vec<u8>, bool)>> {
    use regex_syntax::hir::{Class, HirKind};
    let close = |mut items: Vec<(Vec<u8>, bool)>| {
        items.iter_mut().for_each(|i| i.1 = false);
        items
    };
    // Appends one of `choices` to every open prefix.
    let extend = |items: Vec<(Vec<u8>, bool)>, choices: &[u8]| -> Option<Vec<(Vec<u8>, bool)>> {
        let mut out = Vec::new();
        for (bytes, open) in items {
            if !open {
                out.push((bytes, false));
                continue;
            }
            for &c in choices {
                let mut b = bytes.clone();
                b.push(c);
                let open = b.len() < len;
                out.push((b, open));
            }
            if out.len() > PREFIX_LIMIT {
                return None;
            }
        }
        Some(out)
    };
    let items = match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => items,
        HirKind::Literal(lit) => {
            let mut items = items;
            for &b in lit.0.iter() {
                items = extend(items, &[b.to_ascii_lowercase()])?;
            }
            items
        }
        HirKind::Class(class) => {
            let mut folded: Vec<u8> = match class {
                Class::Bytes(c) => c
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .map(|b| b.to_ascii_lowercase())
                    .collect(),
                Class::Unicode(c) if c.ranges().iter().all(|r| r.end().is_ascii()) => c
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .map(|ch| (ch as u8).to_ascii_lowercase())
                    .collect(),
                Class::Unicode(_) => return Some(close(items)),
            };
            folded.sort_unstable();
            folded.dedup();
            if folded.len() > 4 {
                return Some(close(items));
            }
            extend(items, &folded)?
        }
        HirKind::Capture(cap) => folded_prefixes(&cap.sub, items, len)?,
        HirKind::Concat(subs) => {
            let mut items = items;
            for sub in subs {
                if items.iter().all(|i| !i.1) {
                    break;
                }
                items = folded_prefixes(sub, items, len)?;
            }
            items
        }
        HirKind::Alternation(subs) => {
            let mut out = Vec::new();
            for sub in subs {
                out.extend(folded_prefixes(sub, items.clone(), len)?);
                if out.len() > PREFIX_LIMIT {
                    return None;
                }
            }
            out
        }
        HirKind::Repetition(rep) => {
            if rep.min == 0 {
                // Skipped, or taken once (after which it is not spelled out).
                let once = close(folded_prefixes(&rep.sub, items.clone(), len)?);
                let mut out = items;
                out.extend(once);
                out
            } else {
                // The required rounds, as far as the prefixes go.
                let mut out = items;
                for _ in 0..rep.min {
                    if out.iter().all(|i| !i.1) {
                        break;
                    }
                    out = folded_prefixes(&rep.sub, out, len)?;
                }
                if rep.max == Some(rep.min) {
                    out
                } else {
                    close(out)
                }
            }
        }
    };
    if items.len() > PREFIX_LIMIT {
        return None;
    }
    Some(items)
}

/// The rarest small set of bytes (at most three) one of which every match
/// of `hir` contains, if there is one.
fn required_bytes(hir: &regex_syntax::hir::Hir) -> Option<Box<[u8]>> {
    let mut sets = Vec::new();
    required_sets(hir, &mut sets);
    sets.into_iter()
        .min_by_key(|set| set.iter().map(|&b| commonness(b)).sum::<u32>())
        .map(Vec::into_boxed_slice)
}

/// How common a byte is in ordinary output, roughly: letters and spaces
/// most, punctuation that rarely appears least.
fn commonness(b: u8) -> u32 {
    match b {
        b'a'..=b'z' | b' ' => 20,
        b'A'..=b'Z' | b'0'..=b'9' | b'\n' | b'\t' => 10,
        b'.' | b'_' | b'-' | b'/' | b',' | b'"' | b':' | b'(' | b')' => 6,
        b'=' | b'\'' | b';' | b'[' | b']' | b'{' | b'}' | b'<' | b'>' => 4,
        _ => 2,
    }
}

/// Appends to `out` sets of at most three bytes, each of which every match
/// of `hir` contains a byte of.
fn required_sets(hir: &regex_syntax::hir::Hir, out: &mut Vec<Vec<u8>>) {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Literal(lit) => {
            for &b in lit.0.iter() {
                out.push(vec![b]);
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            let len: usize = c.ranges().iter().map(|r| r.len()).sum();
            if len <= 3 {
                out.push(c.iter().flat_map(|r| r.start()..=r.end()).collect());
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            let ascii = c.ranges().iter().all(|r| r.end().is_ascii());
            let len: usize = c.ranges().iter().map(|r| r.len()).sum();
            if ascii && len <= 3 {
                out.push(
                    c.iter()
                        .flat_map(|r| r.start()..=r.end())
                        .map(|ch| ch as u8)
                        .collect(),
                );
            }
        }
        HirKind::Concat(subs) => {
            for sub in subs {
                required_sets(sub, out);
            }
        }
        HirKind::Alternation(subs) => {
            // Each branch requires one of its own sets; the alternation
            // requires a byte of their union.
            let mut union: Vec<u8> = Vec::new();
            for sub in subs {
                let mut branch = Vec::new();
                required_sets(sub, &mut branch);
                let Some(best) = branch
                    .into_iter()
                    .min_by_key(|set| set.iter().map(|&b| commonness(b)).sum::<u32>())
                else {
                    return;
                };
                union.extend(best);
            }
            union.sort_unstable();
            union.dedup();
            if union.len() <= 3 {
                out.push(union);
            }
        }
        HirKind::Repetition(rep) if rep.min >= 1 => required_sets(&rep.sub, out),
        HirKind::Capture(cap) => required_sets(&cap.sub, out),
        _ => {}
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn check_allowlist(raw: &RawAllowlist) -> Result<Allowlist, String> {
    let all = match raw
        .condition
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("OR") => false,
        Some("AND") => true,
        Some(_) => return Err("condition must be \"OR\" or \"AND\"".to_string()),
    };
    let target = match raw.regex_target.as_deref() {
        None | Some("secret") => Target::Secret,
        Some("match") => Target::Match,
        Some("line") => Target::Line,
        Some(_) => {
            return Err("regexTarget must be \"secret\", \"match\" or \"line\"".to_string());
        }
    };
    let mut patterns = Vec::new();
    for (i, pattern) in raw.regexes.iter().enumerate() {
        check_pattern_len(&format!("regexes[{i}]"), pattern)?;
        let pattern = translate_go(pattern).into_owned();
        // The syntax is checked now (cheaply, without translating it), the
        // regexes compiled all in one at first use.
        regex_syntax::ast::parse::ParserBuilder::new()
            .nest_limit(NEST_LIMIT)
            .build()
            .parse(&pattern)
            .map_err(|e| {
                format!(
                    "regexes[{i}]: regex does not compile: {} at offset {}",
                    e.kind(),
                    e.span().start.offset
                )
            })?;
        patterns.push(pattern);
    }
    Ok(Allowlist {
        all,
        patterns,
        regexes: OnceLock::new(),
        prebuilt: OnceLock::new(),
        loaded: OnceLock::new(),
        target,
        stopwords: raw
            .stopwords
            .iter()
            .map(|w| w.to_ascii_lowercase().into_bytes())
            .collect(),
        has_path_criteria: !raw.paths.is_empty() || !raw.commits.is_empty(),
    })
}

/// Reads and parses a rule file from disk, with the files it extends.
pub(crate) fn read_file(path: &Path) -> Result<RuleFile, Error> {
    read_file_at_depth(path, 0)
}

fn read_file_at_depth(path: &Path, depth: usize) -> Result<RuleFile, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::new(ErrorKind::Parse, "rule file is not valid UTF-8").with_file(path)
    })?;
    let mut file = parse_file(path, &text)?;
    if let Some(base) = file.extends.take() {
        if depth >= 4 {
            return Err(
                Error::new(ErrorKind::Parse, "[extend] chain is deeper than 4 files")
                    .with_file(path),
            );
        }
        let mut base = read_file_at_depth(&base, depth + 1)?;
        base.rules.retain(|r| !file.disabled.contains(&r.id));
        // This file's rules override the base's rules of the same id.
        base.rules
            .retain(|r| !file.rules.iter().any(|o| o.id == r.id));
        base.rules.append(&mut file.rules);
        base.skipped.append(&mut file.skipped);
        file.rules = base.rules;
        file.skipped = base.skipped;
    }
    Ok(file)
}

/// The embedded default rule files: `(name, text)`.
pub(crate) const DEFAULT_FILES: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/patterns.rs"));

/// The path under which an embedded file is reported.
pub(crate) fn builtin_path(name: &str) -> PathBuf {
    PathBuf::from("patterns").join(name)
}

/// Fails on the first rule id used twice.
pub(crate) fn check_unique(rules: &[Rule]) -> Result<(), Error> {
    let mut seen: HashSet<&str> = HashSet::new();
    for r in rules {
        if !seen.insert(&r.id) {
            let first = rules.iter().find(|o| o.id == r.id).expect("seen");
            return Err(r.error(
                r.origin.line,
                format!(
                    "duplicate rule id (first defined at {}:{})",
                    first.origin.file.display(),
                    first.origin.line
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlists_that_say_the_same_thing_are_one_allowlist() {
        let s = crate::Scrubber::builder().build().unwrap();
        let all: Vec<&Arc<Allowlist>> = s.rules().flat_map(|r| &r.allowlists).collect();
        let distinct_arcs: HashSet<usize> = all.iter().map(|a| Arc::as_ptr(a) as usize).collect();
        let distinct_lists: HashSet<_> = all
            .iter()
            .map(|a| (a.all, &a.patterns, &a.stopwords))
            .collect();
        assert!(all.len() > distinct_arcs.len(), "some rules share a list");
        assert_eq!(distinct_arcs.len(), distinct_lists.len());
    }

    fn anchored(pattern: &str, keywords: &[&str]) -> bool {
        let (hir, _) = parse(pattern).unwrap();
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        starts_with_keyword(&hir, &keywords)
    }

    #[test]
    fn anchored_rules_are_recognised() {
        assert!(anchored(r"\b(ghp_[A-Za-z0-9]{36})\b", &["ghp_"]));
        assert!(anchored(r"(?i)\b(ghp_[A-Za-z0-9]{36})\b", &["ghp_"]));
        assert!(anchored(
            r"(?i)(?:password|passwd)\s{0,3}=\s{0,3}(\S{1,64})",
            &["password", "passwd"]
        ));
        assert!(anchored(r"(?i)(?:password|passwd)\s{0,3}=", &["pass"]));
        assert!(anchored(
            r"sk_(?:live|test)_[a-z]{10}",
            &["sk_live_", "sk_test_"]
        ));
        assert!(anchored(r"(?:ab){2,6}", &["abab"]));
        // Something may come before the keyword.
        assert!(!anchored(r"(?i)[a-z_]{0,6}secret=(\w+)", &["secret"]));
        assert!(!anchored(r"x[a-z ]{0,8}y", &["xa", "y"]));
        // A prefix shorter than the keyword it would need.
        assert!(!anchored(r"ab(?:c|d)", &["abc"]));
        assert!(!anchored(r"(?:token)?=(\w+)", &["token"]));
    }

    #[test]
    fn every_field_is_a_name_errors_may_quote() {
        // serde lists a struct's fields in its unknown-field message.
        fn fields<T: serde::de::DeserializeOwned>() -> Vec<String> {
            let Err(e) = toml::from_str::<T>("not_a_field = 1") else {
                panic!("an unknown field is refused");
            };
            // `expected one of `a`, `b`, `c``, or `expected `a` or `b``.
            let list = e.message().split_once("expected ").unwrap().1;
            let list = list.strip_prefix("one of ").unwrap_or(list);
            list.split(", ")
                .flat_map(|f| f.split(" or "))
                .map(|f| f.trim_matches('`').to_string())
                .collect()
        }
        let all = [
            fields::<RawFile>(),
            fields::<RawExtend>(),
            fields::<RawRule>(),
            fields::<RawAllowlist>(),
            fields::<RawExample>(),
        ];
        for name in all.iter().flatten() {
            assert!(crate::error::FIELD_NAMES.contains(&name.as_str()), "{name}");
        }
    }

    #[test]
    fn a_backslash_before_a_multi_byte_character_does_not_cut_it() {
        // Slicing the pattern two bytes after the backslash panicked, and
        // the panic message quoted the pattern.
        assert_eq!(translate_go(r"c\élient{x"), r"c\élient\{x");
        assert_eq!(translate_go(r"ab\"), r"ab\");
    }

    #[test]
    fn large_counted_repetitions_are_relaxed() {
        let (hir, _) = parse(r"a{2,40}b{0,8}").unwrap();
        let relaxed = relax(&hir);
        // Same language up to the bounds the window enforces: `a` may now
        // repeat past 40, `b` keeps its small bound.
        assert_eq!(relaxed.properties().maximum_len(), None);
        let re = compile(r"a{2,40}b{0,8}", false).unwrap();
        assert!(re.is_match(&"a".repeat(60)[..]));
        assert!(!re.is_match(b"ab".as_slice()));
    }

    #[test]
    fn required_bytes_come_from_what_every_match_contains() {
        let req = |p: &str| {
            let (hir, _) = parse(p).unwrap();
            required_bytes(&hir).map(|b| String::from_utf8(b.to_vec()).unwrap())
        };
        assert_eq!(req(r"user:([^@\s]{1,64})@host"), Some("@".to_string()));
        assert_eq!(
            req(r"(?i)token\s{0,3}(?:=|:)\s{0,3}(\w+)"),
            Some(":=".to_string())
        );
        assert_eq!(req(r"[a-z]{1,8}"), None);
    }
}
