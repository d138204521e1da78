//! hush removes secrets from everything an AI agent emits (command output,
//! tool calls, command lines, logs, telemetry) at the source, before any
//! event leaves the process.
//!
//! # Overview
//!
//! * [`Scrubber`] holds compiled rules and redacts bytes or strings in one
//!   shot: [`Scrubber::scrub`], [`Scrubber::scrub_str`]. [`Scrubber::find`]
//!   reports [`Finding`]s: which rule found a secret and where, never what.
//!   [`Scrubber::new`] uses the embedded default rules;
//!   [`Scrubber::builder`] returns a [`Builder`] to add rule files, drop the
//!   defaults, enable or disable rules and categories, register known
//!   secrets and choose a [`Redaction`] style.
//! * [`Stream`] scrubs a stream pushed in pieces, returning what may leave
//!   after each; [`Writer`] and [`Reader`] adapt it to `io::Write` and
//!   `io::Read`. The output never depends on how the input was split.
//! * [`JsonLinesWriter`] scrubs JSON Lines: each event structurally (keys,
//!   duplicate keys and values under sensitive keys included) and still
//!   valid JSON, the lines between events as a text stream;
//!   [`Scrubber::scrub_json_line`] does one line.
//! * [`KnownSecrets`] redacts values the runtime knows (its API keys, the
//!   session tokens it mints) in their common encodings, added at any time.
//! * [`Scrubber::scrub_args`], [`Scrubber::scrub_command_line`],
//!   [`Scrubber::scrub_env`] and [`Scrubber::scrub_json`] use the structure
//!   of an event (a `--password` flag, a `DB_PASSWORD` variable, a
//!   `"token"` key) as well as the rules.
//! * [`check_file`] validates a rule file and runs its examples.
//!
//! Embedding hush in an agent runtime: `docs/integrating.md` (in the
//! package and the repository) has one tested example per seam, a
//! command's output read in threads, tokio, `tracing`, OpenTelemetry,
//! secrets minted at run time and a JSON Lines transcript, with what each
//! guarantees and what it costs.
//!
//! # Example: scrub a line of output
//!
//! ```
//! let scrubber = hush::Scrubber::new();
//! let out = scrubber.scrub_str("postgres://app:Sup3r-S3cret-Pw@db.internal:5432/app");
//! assert_eq!(out, "postgres://app:[REDACTED:url-credentials]@db.internal:5432/app");
//! ```
//!
//! # Example: scrub a command's output as it streams
//!
//! ```
//! use std::io::Write;
//!
//! let scrubber = hush::Scrubber::new();
//! let mut out = scrubber.writer(Vec::new());
//! // However the bytes arrive, the result is the one-shot result.
//! for piece in ["export STRIPE_KEY=sk_live_EMhA9X1ZIp", "dVCNrysAAqWU4O\n"] {
//!     out.write_all(piece.as_bytes())?;
//! }
//! assert_eq!(out.finish()?, b"export STRIPE_KEY=[REDACTED:stripe-live-secret-key]\n");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Example: redact the runtime's own secrets, also when refreshed
//!
//! ```
//! let scrubber = hush::Scrubber::builder()
//!     .known_secret("sess-7f3a9c1e2b")
//!     .build()?;
//! scrubber.known_secrets().add("sess-0d4e8b6a95")?; // a refreshed token
//! let out = scrubber.scrub_str("old sess-7f3a9c1e2b, new c2Vzcy0wZDRlOGI2YTk1");
//! assert_eq!(out, "old [REDACTED:known-secret], new [REDACTED:known-secret]");
//! # Ok::<(), hush::Error>(())
//! ```
//!
//! # Example: scrub a structured event
//!
//! ```
//! let scrubber = hush::Scrubber::new();
//! let mut event = serde_json::json!({
//!     "tool": "bash",
//!     "command": "mysql -uroot -pS3cr3t-pw -h db",
//!     "env": {"DB_PASSWORD": "hunter2-prod", "HOME": "/root"},
//! });
//! scrubber.scrub_json(&mut event);
//! assert_eq!(event["command"], "mysql -uroot -p[REDACTED:sensitive-flag] -h db");
//! assert_eq!(event["env"]["DB_PASSWORD"], "[REDACTED:sensitive-key]");
//! assert_eq!(event["env"]["HOME"], "/root");
//! ```
//!
//! # Rule files
//!
//! Rules are TOML, a superset of gitleaks' configuration format, so a
//! gitleaks config loads as it is. The embedded defaults are the files of
//! `patterns/` in the source tree; `patterns/README.md` documents every
//! field. In short:
//!
//! ```toml
//! [[rules]]
//! id = "acme-api-key"
//! description = "ACME internal API key"
//! category = "saas"
//! regex = '''\b(acme_[0-9a-f]{32})\b'''   # the first group is the secret
//! keywords = ["acme_"]                      # the regex runs only near these
//! examples = [{ input = "KEY=acme_0123456789abcdef0123456789abcdef", secret = "acme_0123456789abcdef0123456789abcdef" }]
//! negative_examples = ["acme_ keys are 32 hex digits"]
//! ```
//!
//! A rule's regex runs only in a window around each occurrence of one of
//! its keywords, within its maximum match length and on the keyword's line
//! (see `compile.rs` for the exact definition). Every rule must have a
//! bounded maximum match length, computed from the regex or given as
//! `max_len`: that bound is what lets a stream hold back only a bounded
//! tail. Errors name the file, line and rule, and never quote an example.
//!
//! # Terminal output
//!
//! Colours and other terminal escape sequences do not hide a secret: the
//! rules match as if they were absent (`grep --color=always` highlighting
//! inside a token, `jq -C`, coloured diffs), the redaction covers the
//! escapes inside the secret and every other escape is kept byte for
//! byte. Inputs without an ESC byte take the plain path. `src/ansi.rs`
//! says which sequences count and the bounds.
//!
//! A multi-line secret (a PEM block) keeps its number of lines: the
//! replacement on its first line, the others emptied, each line break as
//! it was.
//!
//! # Streaming and memory
//!
//! A [`Writer`] holds back only bytes that a secret still arriving could
//! belong to: the unfinished last line (up to the longest match of any
//! rule), the window of a multi-line rule that is still open (a PEM block),
//! and a redaction a later finding could extend. A complete line is
//! written as soon as the write that completes it returns, unless a
//! multi-line secret is in progress. Memory is bounded by a few times the
//! longest rule match (see [`Scrubber::max_match_len`]), however long the
//! input or its lines. `src/stream.rs` explains why the output equals the
//! one-shot result. [`Stream::release_idle`] and `Writer::flush` (the same
//! call through `io::Write`) say what an idle release, during a pause in
//! the input, writes and what it holds back.
//!
//! # Crate features
//!
//! * `cli` (default): the `hush` command-line tool. A runtime that links the
//!   library can turn it off (`default-features = false`) and does without
//!   its dependencies (argument parsing, error reporting).
//! * `process` (enabled by `cli`; Unix only): `hush::process`, the command
//!   runner behind `hush run`: spawn a command, scrub its output live, on
//!   pipes or a pseudo-terminal, with idle release, the exit grace period
//!   and signals forwarded to its process group.
//! * `tokio`: `hush::tokio`, `AsyncWrite` and `AsyncRead`
//!   adapters over [`Stream`] and a runner on `tokio::process` with the
//!   idle release on a timer.
//! * `tracing`: `hush::tracing`, a `tracing-subscriber`
//!   `MakeWriter` that scrubs each formatted event in one shot.
//! * `opentelemetry`: `hush::otel`, a span exporter wrapper and a
//!   log processor for the OpenTelemetry Rust SDK that scrub attribute
//!   values, events, status messages and log bodies before export.
//!
//! Each builds with or without the others and `cli`. [`serde_json`] is
//! re-exported: [`Scrubber::scrub_json`] takes its `Value`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use crate::builder::Builder;
pub use crate::check::{
    CheckOptions, FileReport, Problem, RuleReport, check_file, check_str, check_together,
};
pub use crate::config::{CONFIG_FILE_NAME, Config};
pub use crate::error::{Error, ErrorKind};
pub use crate::known::{KnownSecrets, MIN_KNOWN_SECRET_LEN};
pub use crate::redact::Redaction;
pub use crate::rule::{
    CATEGORIES, GITLEAKS_MAX_LEN, GITLEAKS_MULTILINE_MAX_LEN, MAX_PATTERN_LEN, MAX_RULE_LEN,
    RELAX_ABOVE, Rule,
};
pub use crate::scrubber::{Finding, KNOWN_SECRET_ID, Scrubber};
pub use crate::stream::{Reader, Stream, Writer};
pub use crate::structured::{JSON_LINE_LIMIT, JsonLinesWriter, env_secret};
/// The `serde_json` that [`Scrubber::scrub_json`] takes a `Value` of, so
/// that a caller need not match its version.
pub use serde_json;

#[cfg(all(feature = "process", unix))]
pub mod process;

mod ansi;
mod builder;
mod check;
mod compile;
mod config;
mod error;
mod keywords;
mod known;
mod matcher;
mod prebuilt;
mod redact;
mod rule;
mod scrubber;
mod split;
mod stream;
mod structured;

#[cfg(feature = "opentelemetry")]
pub mod otel;
#[cfg(feature = "tokio")]
pub mod tokio;
#[cfg(feature = "tracing")]
pub mod tracing;

// The README's examples and the integration guide's are compiled and run
// as doctests; the guide's feature-gated examples build to nothing without
// their feature.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../docs/integrating.md")]
struct IntegratingGuide;
