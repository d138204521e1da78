//! Checking rule files: every rule compiles, and redacts its examples and
//! nothing of its negative examples.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::rule::{self, CATEGORIES, Origin, Rule};
use crate::scrubber::Scrubber;

/// What checking one rule found.
#[derive(Clone, Debug)]
pub struct RuleReport {
    /// The rule's id.
    pub id: String,
    /// The line of the rule's id in its file.
    pub line: usize,
    /// How many examples the rule has.
    pub examples: usize,
    /// How many negative examples the rule has.
    pub negative_examples: usize,
    /// The rule's maximum match length in bytes.
    pub max_len: usize,
    /// Whether one of the rule's keywords occurs in each of its examples.
    pub keywords_in_examples: bool,
    /// How long compiling the rule's regex took.
    pub compile_time: Duration,
    /// What is wrong with the rule; empty when it passes.
    pub problems: Vec<Problem>,
}

/// One thing wrong with a rule. Its message never contains an example's
/// text: examples are named by their line.
#[derive(Clone, Debug)]
pub struct Problem {
    /// The line the problem is on.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    pub(crate) fn into_error(self, rule: &Rule) -> Error {
        rule.error(self.line, self.message)
    }
}

/// What checking one file found.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// One report per rule, in file order.
    pub rules: Vec<RuleReport>,
    /// Rules that were skipped, with the reason (`file:line: rule id: why`).
    pub skipped: Vec<String>,
}

impl FileReport {
    /// Whether every rule passed.
    pub fn passed(&self) -> bool {
        self.rules.iter().all(|r| r.problems.is_empty())
    }
}

/// How demanding [`check_file`] is.
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions {
    /// Also require what the project asks of its own `patterns/`: a known
    /// category, a description, at least two examples and one negative
    /// example.
    pub strict: bool,
}

/// Checks a rule file: every rule compiles, its keywords occur in each of
/// its examples, it redacts each example's secret, and it leaves each
/// negative example unchanged.
///
/// # Errors
///
/// Fails when the file cannot be read or parsed, or a rule is invalid in a
/// way that stops the file from loading (an unbounded regex, a missing
/// secret group, a duplicate id, ...). Failing examples are not errors:
/// they are [`Problem`]s in the report.
pub fn check_file(path: &Path, options: CheckOptions) -> Result<FileReport, Error> {
    let file = rule::read_file(path)?;
    report(file, options)
}

/// Like [`check_file`], over TOML text; `name` stands for the file.
///
/// # Errors
///
/// As [`check_file`].
pub fn check_str(name: &Path, text: &str, options: CheckOptions) -> Result<FileReport, Error> {
    report(rule::parse_file(name, text)?, options)
}

fn report(file: rule::RuleFile, options: CheckOptions) -> Result<FileReport, Error> {
    rule::check_unique(&file.rules)?;
    let mut rules = Vec::with_capacity(file.rules.len());
    for r in &file.rules {
        let started = Instant::now();
        let compiled = r.compile_regex();
        let compile_time = started.elapsed();
        let mut problems = match compiled {
            Ok(_) => check_rule(r)?,
            Err(e) => vec![Problem {
                line: e.line().unwrap_or(r.origin.line),
                message: e.message().to_string(),
            }],
        };
        if options.strict {
            problems.extend(strict_problems(r));
        }
        let keywords_in_examples = r.examples.iter().all(|ex| {
            let lower = ex.input.to_ascii_lowercase();
            r.keywords.iter().any(|k| lower.contains(k.as_str()))
        });
        rules.push(RuleReport {
            id: r.id.clone(),
            line: r.origin.line,
            examples: r.examples.len(),
            negative_examples: r.negative_examples.len(),
            max_len: r.max_len,
            keywords_in_examples,
            compile_time,
            problems,
        });
    }
    Ok(FileReport {
        rules,
        skipped: file.skipped,
    })
}

fn strict_problems(r: &Rule) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut problem = |message: String| {
        problems.push(Problem {
            line: r.origin.line,
            message,
        })
    };
    if !CATEGORIES.contains(&r.category.as_str()) {
        // The category is not quoted: it is the file's text, and a report
        // quotes nothing from the file beyond what locates the problem.
        problem(format!("category is not one of: {}", CATEGORIES.join(", ")));
    }
    if r.description == r.id {
        problem("rule has no description".to_string());
    }
    if r.examples.len() < 2 {
        problem(format!(
            "rule has {} examples; at least 2 are required",
            r.examples.len()
        ));
    }
    if r.negative_examples.is_empty() {
        problem("rule has no negative examples; at least 1 is required".to_string());
    }
    problems
}

/// Runs a rule, alone, over its examples and negative examples.
///
/// # Errors
///
/// Fails when the rule's regex does not compile.
pub(crate) fn check_rule(r: &Rule) -> Result<Vec<Problem>, Error> {
    let alone = Scrubber::alone(r)?;
    let mut problems = Vec::new();
    if r.allowlists.iter().any(|a| !a.compiles()) {
        problems.push(Problem {
            line: r.origin.line,
            message: "an allowlist regex does not compile".to_string(),
        });
    }
    if r.follows.as_ref().is_some_and(|f| !f.compiles()) {
        problems.push(Problem {
            line: r.origin.line,
            message: "follows is too big to compile to a DFA, so it filters nothing".to_string(),
        });
    }
    for (i, ex) in r.examples.iter().enumerate() {
        let n = i + 1;
        let mut problem = |message: String| {
            problems.push(Problem {
                line: ex.line,
                message: format!("example {n}: {message}"),
            })
        };
        if ex.secret.is_empty() {
            problem("secret is empty".to_string());
            continue;
        }
        let Some(at) = ex.input.find(&ex.secret) else {
            problem("secret does not occur in the input".to_string());
            continue;
        };
        let lower = ex.input.to_ascii_lowercase();
        if !r.keywords.iter().any(|k| lower.contains(k.as_str())) {
            problem("none of the rule's keywords occurs in the input".to_string());
            continue;
        }
        let out = alone.scrub(ex.input.as_bytes());
        if memchr::memmem::find(&out, ex.secret.as_bytes()).is_some() {
            problem("secret survives scrubbing".to_string());
            continue;
        }
        let secret = at..at + ex.secret.len();
        let findings = alone.find(ex.input.as_bytes());
        if !findings
            .iter()
            .any(|f| f.start() < secret.end && secret.start < f.end())
        {
            problem("the rule finds nothing where the secret is".to_string());
        }
    }
    for (i, (line, input)) in r.negative_examples.iter().enumerate() {
        let out = alone.scrub(input.as_bytes());
        if out.as_ref() != input.as_bytes() {
            problems.push(Problem {
                line: *line,
                message: format!("negative example {}: is redacted", i + 1),
            });
        }
    }
    Ok(problems)
}

/// Checks that rule files load together: no id is used in two of them.
///
/// This is what [`check_file`] cannot see, one file at a time. What it does
/// see is left to it, so that a caller that runs both reports each problem
/// once: a file that does not load (its error is [`check_file`]'s) is left
/// out here, and so is an id used twice within one file. A rule that two
/// files both bring in from a file they `[extend]` is one definition, not
/// two; nor is a file given twice.
///
/// # Errors
///
/// Fails on the first id defined in two files, naming both places.
pub fn check_together(paths: &[&Path]) -> Result<(), Error> {
    // Each id's first definition, and the index of the file that brought it.
    let mut first: HashMap<String, (usize, Origin)> = HashMap::new();
    // Every definition seen, by where it is: a file given twice, or
    // extended by two, brings the same ones again.
    let mut seen: HashSet<(Arc<Path>, usize)> = HashSet::new();
    for (i, path) in paths.iter().enumerate() {
        let Ok(file) = rule::read_file(path) else {
            continue;
        };
        for r in &file.rules {
            if !seen.insert((Arc::clone(&r.origin.file), r.origin.line)) {
                continue;
            }
            match first.get(&r.id) {
                None => {
                    first.insert(r.id.clone(), (i, r.origin.clone()));
                }
                Some((j, _)) if *j == i => {}
                Some((_, o)) => {
                    return Err(r.error(
                        r.origin.line,
                        format!(
                            "duplicate rule id (first defined at {}:{})",
                            o.file.display(),
                            o.line
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}
