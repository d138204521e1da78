//! hush removes secrets from everything an AI agent emits (command output,
//! tool calls, logs, telemetry) at the source, before it leaves the process.
//!
//! # Overview
//!
//! * [`Scrubber`] holds compiled rules and redacts bytes or strings in one
//!   shot. [`Scrubber::new`] uses the embedded default rules;
//!   [`Scrubber::builder`] chooses others.
//! * [`Finding`] says which rule found a secret and where, never what.
//! * [`check_file`] validates a rule file and runs its examples.
//!
//! # Example: scrub a line of output
//!
//! ```
//! let scrubber = hush::Scrubber::new();
//! let out = scrubber.scrub_str("postgres://app:Sup3r-S3cret-Pw@db.internal:5432/app");
//! assert!(!out.contains("Sup3r-S3cret-Pw"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use crate::check::{
    CheckOptions, FileReport, Problem, RuleReport, check_file, check_str, check_together,
};
pub use crate::error::{Error, ErrorKind};
pub use crate::known::{KnownSecrets, MIN_KNOWN_SECRET_LEN};
pub use crate::redact::Redaction;
pub use crate::rule::{CATEGORIES, MAX_RULE_LEN, Rule};
pub use crate::scrubber::{Builder, Finding, KNOWN_SECRET_ID, Scrubber};
pub use crate::stream::{Reader, Writer};
pub use crate::structured::env_secret;

mod check;
mod compile;
mod error;
mod keywords;
mod known;
mod redact;
mod rule;
mod scrubber;
mod stream;
mod structured;

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
