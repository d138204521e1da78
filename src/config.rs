//! Config files: a rule file that may also set options, found the way
//! gitleaks and secretlint users expect (`--config`, `HUSH_CONFIG`, or the
//! nearest `.hush.toml`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, ErrorKind};
use crate::{Builder, Redaction};

/// The name of the config file [`Config::discover`] looks for.
pub const CONFIG_FILE_NAME: &str = ".hush.toml";

/// A config file: its rules, and the options of its `[hush]` table.
///
/// A config file is a rule file (its `[[rules]]` are added to the
/// scrubber) with an optional `[hush]` table:
///
/// ```toml
/// [hush]
/// rules = ["team-rules.toml"]           # more rule files, relative to this file
/// defaults = true                       # load the embedded default rules
/// disabled_rules = ["generic-password"] # rule ids to leave out
/// disabled_categories = ["password-hash"]
/// redaction = "mask"                    # label, mask or fingerprint
/// mask_env = true                       # hush's --mask-env
/// idle_ms = 200                         # hush's --idle-ms
/// ```
///
/// Options given on the command line win over the file's.
///
/// # Example
///
/// ```
/// let dir = std::env::temp_dir().join(format!("hush-config-doc-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("sub"))?;
/// std::fs::write(dir.join(".hush.toml"), "[hush]\nredaction = \"mask\"\n")?;
/// let found = hush::Config::discover(&dir.join("sub")).expect("found in the parent");
/// let config = hush::Config::load(&found)?;
/// let mut builder = hush::Scrubber::builder();
/// config.apply(&mut builder);
/// let scrubber = builder.build()?;
/// assert_eq!(scrubber.scrub_str("ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU"), "ghp_[REDACTED]");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    path: PathBuf,
    text: String,
    options: Options,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default)]
    rules: Vec<PathBuf>,
    defaults: Option<bool>,
    #[serde(default)]
    disabled_rules: Vec<String>,
    #[serde(default)]
    disabled_categories: Vec<String>,
    redaction: Option<String>,
    mask_env: Option<bool>,
    idle_ms: Option<u64>,
}

/// Only the `[hush]` table; the rest of the file is read as rules.
#[derive(Deserialize)]
struct OptionsOnly {
    hush: Option<toml::Value>,
}

impl Config {
    /// Reads a config file.
    ///
    /// # Errors
    ///
    /// The file cannot be read, is not TOML, or its `[hush]` table has an
    /// unknown or mistyped option. (Its rules are checked when the
    /// scrubber is built.) Messages name the file and the option, never a
    /// value.
    pub fn load(path: impl AsRef<Path>) -> Result<Config, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let bad = |what: &str| Error::new(ErrorKind::Config, what.to_string()).with_file(path);
        let table: OptionsOnly =
            toml::from_str(&text).map_err(|_| bad("not a valid TOML config file"))?;
        let options = match table.hush {
            None => Options::default(),
            Some(value) => Options::deserialize(value).map_err(|_| {
                bad(
                    "[hush] options: expected rules, defaults, disabled_rules, \
                     disabled_categories, redaction, mask_env or idle_ms with values of their types",
                )
            })?,
        };
        if let Some(r) = &options.redaction
            && Redaction::from_name(r).is_none()
        {
            return Err(bad("[hush] redaction must be label, mask or fingerprint"));
        }
        Ok(Config {
            path: path.to_path_buf(),
            text,
            options,
        })
    }

    /// The nearest `.hush.toml` in `dir` or a folder above it, stopping at
    /// the root of the repository `dir` is in (a folder holding `.git`) or
    /// at the file-system root.
    pub fn discover(dir: &Path) -> Option<PathBuf> {
        let mut at = Some(dir);
        while let Some(d) = at {
            let candidate = d.join(CONFIG_FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            if d.join(".git").exists() {
                return None;
            }
            at = d.parent();
        }
        None
    }

    /// Adds the file's rules and options to `builder`: its own rules, the
    /// rule files it names, the default rules on or off, disabled rules
    /// and categories, the redaction style.
    pub fn apply(&self, builder: &mut Builder) {
        builder.add_rules_str(&self.path, &self.text);
        let dir = self.path.parent().unwrap_or(Path::new("."));
        for file in &self.options.rules {
            builder.add_rules_file(dir.join(file));
        }
        if let Some(yes) = self.options.defaults {
            builder.defaults(yes);
        }
        for id in &self.options.disabled_rules {
            builder.disable_rule(id);
        }
        for category in &self.options.disabled_categories {
            builder.disable_category(category);
        }
        if let Some(style) = self
            .options
            .redaction
            .as_deref()
            .and_then(Redaction::from_name)
        {
            builder.redaction(style);
        }
    }

    /// The file this config was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's `mask_env` option, if it sets one.
    pub fn mask_env(&self) -> Option<bool> {
        self.options.mask_env
    }

    /// The file's `idle_ms` option, if it sets one.
    pub fn idle_ms(&self) -> Option<u64> {
        self.options.idle_ms
    }

    /// The file's `redaction` option, if it sets one.
    pub fn redaction(&self) -> Option<Redaction> {
        self.options
            .redaction
            .as_deref()
            .and_then(Redaction::from_name)
    }
}
