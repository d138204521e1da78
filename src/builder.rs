//! Choosing rules: [`Builder`], and the default [`Scrubber`].
//!
//! Above `scrubber.rs` and `check.rs`: a build reads and checks the rule
//! files, then puts the scrubber together; checking a rule's examples
//! scrubs them with a scrubber of that rule alone, so neither of those
//! modules needs this one.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::compile::Matcher;
use crate::error::{Error, ErrorKind};
use crate::known::KnownSecrets;
use crate::redact::{Redaction, derive_key, process_key};
use crate::rule::{self, Rule};
use crate::scrubber::Scrubber;

impl Scrubber {
    /// A scrubber with the embedded default rules.
    ///
    /// The defaults are compiled once per process; later calls clone the
    /// first scrubber.
    ///
    /// # Panics
    ///
    /// Panics if the embedded rules are invalid, which the crate's own test
    /// suite rules out.
    pub fn new() -> Scrubber {
        static DEFAULT: OnceLock<Scrubber> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                Builder::new()
                    .build()
                    .expect("the embedded default rules are valid")
            })
            .clone()
    }

    /// A builder to choose rules: add rule files, drop the defaults, enable
    /// or disable rules and categories.
    pub fn builder() -> Builder {
        Builder::new()
    }
}

impl Default for Scrubber {
    fn default() -> Scrubber {
        Scrubber::new()
    }
}

/// Where a builder's extra rules come from.
#[derive(Clone)]
enum Source {
    File(PathBuf),
    Text { name: PathBuf, text: String },
}

/// Chooses the rules of a [`Scrubber`].
///
/// # Example
///
/// ```
/// let scrubber = hush::Scrubber::builder()
///     .defaults(false)
///     .add_rules_str("team.toml", r#"
/// [[rules]]
/// id = "acme-key"
/// description = "ACME internal API key"
/// regex = '''\b(acme_[0-9a-f]{32})\b'''
/// keywords = ["acme_"]
/// "#)
///     .build()?;
/// assert_eq!(
///     scrubber.scrub_str("key: acme_0123456789abcdef0123456789abcdef"),
///     "key: [REDACTED:acme-key]",
/// );
/// # Ok::<(), hush::Error>(())
/// ```
#[derive(Clone)]
pub struct Builder {
    defaults: bool,
    sources: Vec<Source>,
    disabled_rules: Vec<String>,
    enabled_rules: Vec<String>,
    disabled_categories: Vec<String>,
    eager: bool,
    check_examples: bool,
    known: Vec<Vec<u8>>,
    redaction: Redaction,
    rule_redactions: Vec<(String, Redaction)>,
    fingerprint_key: Option<Vec<u8>>,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl Builder {
    /// A builder that starts from the embedded default rules.
    pub fn new() -> Builder {
        Builder {
            defaults: true,
            sources: Vec::new(),
            disabled_rules: Vec::new(),
            enabled_rules: Vec::new(),
            disabled_categories: Vec::new(),
            eager: false,
            check_examples: true,
            known: Vec::new(),
            redaction: Redaction::Label,
            rule_redactions: Vec::new(),
            fingerprint_key: None,
        }
    }

    /// Registers a secret value to redact wherever it appears, in its
    /// common encodings too (see [`KnownSecrets`]). More can be added to a
    /// built scrubber with [`Scrubber::known_secrets`].
    ///
    /// A value shorter than 6 bytes makes [`Builder::build`] fail.
    pub fn known_secret(&mut self, value: impl AsRef<[u8]>) -> &mut Builder {
        self.known.push(value.as_ref().to_vec());
        self
    }

    /// How secrets are replaced, for every rule without a style of its own
    /// ([`Redaction::Label`] by default).
    pub fn redaction(&mut self, style: Redaction) -> &mut Builder {
        self.redaction = style;
        self
    }

    /// How one rule's secrets are replaced; overrides the rule file.
    pub fn rule_redaction(&mut self, id: &str, style: Redaction) -> &mut Builder {
        self.rule_redactions.push((id.to_string(), style));
        self
    }

    /// The key for [`Redaction::Fingerprint`]. Without one, a random key is
    /// made once per process, so fingerprints correlate only within it.
    pub fn fingerprint_key(&mut self, key: impl AsRef<[u8]>) -> &mut Builder {
        self.fingerprint_key = Some(key.as_ref().to_vec());
        self
    }

    /// Whether to include the embedded default rules (on by default).
    pub fn defaults(&mut self, yes: bool) -> &mut Builder {
        self.defaults = yes;
        self
    }

    /// Adds the rules of a rule file. The file is read by
    /// [`Builder::build`].
    pub fn add_rules_file(&mut self, path: impl AsRef<Path>) -> &mut Builder {
        self.sources.push(Source::File(path.as_ref().to_path_buf()));
        self
    }

    /// Adds rules from TOML text; `name` stands for the file in errors.
    pub fn add_rules_str(&mut self, name: impl AsRef<Path>, text: &str) -> &mut Builder {
        self.sources.push(Source::Text {
            name: name.as_ref().to_path_buf(),
            text: text.to_string(),
        });
        self
    }

    /// Turns a rule off.
    pub fn disable_rule(&mut self, id: &str) -> &mut Builder {
        self.disabled_rules.push(id.to_string());
        self
    }

    /// Turns a rule on again after [`Builder::disable_category`] turned its
    /// category off.
    pub fn enable_rule(&mut self, id: &str) -> &mut Builder {
        self.enabled_rules.push(id.to_string());
        self
    }

    /// Turns off every rule of a category, except those named by
    /// [`Builder::enable_rule`].
    pub fn disable_category(&mut self, category: &str) -> &mut Builder {
        self.disabled_categories.push(category.to_string());
        self
    }

    /// Compiles every rule's regex in [`Builder::build`] instead of on its
    /// first keyword hit. Off by default: most rules never fire in a
    /// process, and compiling all of them is most of the start-up time.
    /// Rules from added files are always compiled eagerly, so that a broken
    /// user rule fails the build.
    pub fn eager(&mut self, yes: bool) -> &mut Builder {
        self.eager = yes;
        self
    }

    /// Whether to run the examples and negative examples of rules from added
    /// files (on by default); a rule that fails its own examples fails the
    /// build. The default rules' examples are run by the test suite.
    pub fn check_examples(&mut self, yes: bool) -> &mut Builder {
        self.check_examples = yes;
        self
    }

    /// Loads, checks and compiles the rules.
    ///
    /// # Errors
    ///
    /// Fails if a rule file cannot be read or parsed, a rule is invalid
    /// (see the crate documentation), two rules share an id, an added
    /// rule fails one of its examples, or an enabled or disabled rule does
    /// not exist.
    pub fn build(&self) -> Result<Scrubber, Error> {
        let mut rules: Vec<Rule> = Vec::new();
        if self.defaults {
            // Prebuilt when the build's pattern files are the ones it was
            // made from (see `prebuilt`), parsed otherwise.
            match crate::prebuilt::rules() {
                Some(prebuilt) => rules = prebuilt,
                None => {
                    for (name, text) in rule::DEFAULT_FILES {
                        rules.extend(rule::parse_file(&rule::builtin_path(name), text)?.rules);
                    }
                }
            }
        }
        rule::check_unique(&rules)?;
        let mut added: Vec<Rule> = Vec::new();
        for source in &self.sources {
            let file = match source {
                Source::File(path) => rule::read_file(path)?,
                Source::Text { name, text } => rule::parse_file(name, text)?,
            };
            added.extend(file.rules);
        }
        // Added files must not repeat an id among themselves; a rule of an
        // added file replaces the default rule of the same id, as a gitleaks
        // configuration that extends the defaults does.
        rule::check_unique(&added)?;
        rules.retain(|r| !added.iter().any(|a| a.id == r.id));
        let builtin = rules.len();
        rules.extend(added);

        for id in self
            .disabled_rules
            .iter()
            .chain(&self.enabled_rules)
            .chain(self.rule_redactions.iter().map(|(id, _)| id))
        {
            if !rules.iter().any(|r| &r.id == id) {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("no rule has the id {id:?}"),
                ));
            }
        }
        for cat in &self.disabled_categories {
            if !rules.iter().any(|r| &r.category == cat) {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("no rule has the category {cat:?}"),
                ));
            }
        }
        let enabled = |r: &Rule| {
            !self.disabled_rules.contains(&r.id)
                && (self.enabled_rules.contains(&r.id)
                    || !self.disabled_categories.contains(&r.category))
        };
        let added: Vec<Rule> = rules[builtin..].to_vec();
        let mut rules: Vec<Rule> = rules.into_iter().filter(|r| enabled(r)).collect();
        // Where a provider rule and a context rule find the same span, the
        // label names the provider: `[REDACTED:github-pat]` says more than
        // `[REDACTED:env-secret]`, and a context rule before a name alone:
        // `[REDACTED:oauth-refresh-token]` says more than
        // `[REDACTED:quoted-secret]`. Ties go to the earlier rule.
        rules.sort_by_key(|r| rule::context_rank(&r.category));

        // Added rules always compile now: a user's broken rule must fail
        // here, not silently at its first hit.
        for r in &added {
            r.compile_regex()?;
        }
        if self.check_examples {
            for r in &added {
                if let Some(problem) = crate::check::check_rule(r)?.into_iter().next() {
                    return Err(problem.into_error(r));
                }
            }
        }
        let style = |r: &Rule| {
            self.rule_redactions
                .iter()
                .rev()
                .find(|(id, _)| *id == r.id)
                .map(|(_, style)| style.clone())
                .or_else(|| r.redaction.clone())
                .unwrap_or_else(|| self.redaction.clone())
        };
        let matcher = Matcher::new(rules, self.eager, style)?;
        let known = KnownSecrets::new(&self.known)?;
        let key = match &self.fingerprint_key {
            Some(k) => derive_key(k),
            None => process_key(),
        };
        Ok(Scrubber::from_parts(matcher, known, key, &self.redaction))
    }
}
