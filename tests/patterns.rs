//! Every rule file in `patterns/`: it loads, each rule passes its own
//! examples, and the whole set works together.

mod common;

use std::path::{Path, PathBuf};

use hush::{CheckOptions, Scrubber};

fn pattern_files() -> Vec<PathBuf> {
    common::files("patterns", Some("toml"))
}

#[test]
fn every_rule_passes_its_checks() {
    let mut problems = Vec::new();
    let mut total = 0;
    for path in pattern_files() {
        let report = match hush::check_file(&path, CheckOptions { strict: true }) {
            Ok(r) => r,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        for rule in &report.rules {
            total += 1;
            for p in &rule.problems {
                problems.push(format!(
                    "{}:{}: rule {}: {}",
                    path.display(),
                    p.line,
                    rule.id,
                    p.message
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(total > 0);
}

#[test]
fn ids_are_unique_across_files() {
    let files = pattern_files();
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    hush::check_together(&paths).unwrap();
}

#[test]
fn the_embedded_defaults_are_the_rules_in_patterns_and_all_compile() {
    let eager = Scrubber::builder().eager(true).build().unwrap();
    let mut in_files = 0;
    for path in pattern_files() {
        in_files += hush::check_file(&path, CheckOptions::default())
            .unwrap()
            .rules
            .len();
    }
    assert_eq!(eager.rules().len(), in_files);
    assert_eq!(Scrubber::new().rules().len(), in_files);
    assert!(in_files >= 80, "only {in_files} default rules");
}

#[test]
fn every_rule_has_a_bounded_match_length() {
    let s = Scrubber::new();
    for rule in s.rules() {
        assert!(
            rule.max_len() > 0 && rule.max_len() <= hush::MAX_RULE_LEN,
            "{}",
            rule.id()
        );
    }
    assert!(s.max_match_len() <= hush::MAX_RULE_LEN);
}

#[test]
fn every_example_is_redacted_by_the_whole_default_set() {
    let s = Scrubber::new();
    let mut failures = Vec::new();
    for rule in s.rules() {
        for (i, (input, secret)) in rule.examples().enumerate() {
            let out = s.scrub_str(input);
            if out.contains(secret) {
                failures.push(format!("{} example {}", rule.id(), i + 1));
            }
            // Streamed a byte at a time, the result is the same.
            let streamed = common::stream(&s, input.as_bytes(), &[1]);
            if streamed != out.as_bytes() {
                failures.push(format!(
                    "{} example {}: streamed output differs",
                    rule.id(),
                    i + 1
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_negative_example_passes_the_whole_default_set_unchanged() {
    let s = Scrubber::new();
    let mut failures = Vec::new();
    for rule in s.rules() {
        for (i, input) in rule.negative_examples().enumerate() {
            let found: Vec<String> = s
                .find(input.as_bytes())
                .iter()
                .map(|f| f.rule().to_string())
                .collect();
            if !found.is_empty() {
                failures.push(format!(
                    "{} negative example {}: redacted by {}",
                    rule.id(),
                    i + 1,
                    found.join(", ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn scrubbing_examples_is_idempotent() {
    let s = Scrubber::new();
    for rule in s.rules() {
        for (input, _) in rule.examples() {
            let once = s.scrub_str(input).into_owned();
            let twice = s.scrub_str(&once).into_owned();
            assert_eq!(once, twice, "rule {}", rule.id());
        }
    }
}

/// Regression (found by the json_lines fuzz target): a password flag with
/// no value right before the closing quote of a JSON string, such as
/// `{"command":"mysql -uroot -p"}`, took the `}` after the quote as the
/// password, so text mode garbled the JSON and redacted structure. Every
/// rule's example, with its secret removed and put at the end of a quoted
/// string in JSON, an array or a call, must give no finding that is only
/// the punctuation that closes it.
#[test]
fn a_value_flag_with_no_value_does_not_take_the_closing_punctuation() {
    let s = Scrubber::builder().build().unwrap();
    let mut bad = Vec::new();
    for rule in s.rules() {
        for (input, secret) in rule.examples() {
            if secret.is_empty() || !input.contains(secret) {
                continue;
            }
            let bare = input.replacen(secret, "", 1);
            for shaped in [
                format!(r#"{{"c":"{bare}"}}"#),
                format!(r#"{{"c":"{bare}","d":1}}"#),
                format!(r#"["{bare}"]"#),
                format!(r#"f("{bare}")"#),
            ] {
                for f in s.find(shaped.as_bytes()) {
                    let found = &shaped[f.range()];
                    if found.starts_with(['}', ']', ')', ','])
                        || found.chars().all(|c| !c.is_alphanumeric())
                    {
                        bad.push(format!("{}: {shaped:?}", f.rule()));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The line prefix agents and logs put before a line (a diff's `+` or `-`,
/// a `12→` or `12<tab>` gutter, an ISO timestamp with a level and
/// `service | `, kubectl's `[pod/x] `, compose's `web-1  | `, grep -n's
/// `path:12:`), as the rules that take it spell it. Rule files have no
/// way to share a pattern, so it is written out in each rule; this keeps
/// the copies the same.
const LINE_PREFIX: &str = r"(?:[+-]|[ \t]{0,8}[0-9]{1,9}(?:→|\t)|[0-9]{4}-[0-9]{2}-[0-9]{2}[T\x20][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]{1,9})?(?:Z|[+-][0-9]{2}:?[0-9]{2})?[\x20\t]{1,4}(?:[A-Za-z]{3,8}[\x20\t]{1,4})?(?:[^\s|]{1,40}[\x20\t]{0,16}\|[\x20\t]?)?|\[[^\]\s]{1,80}\][\x20\t]|[A-Za-z0-9_.-]{1,40}[\x20\t]{0,16}\|[\x20\t]|[^\s:]{1,200}[:-][0-9]{1,9}[:-])";

/// netrc-multiline-password's shorter form: with the timestamp and
/// `service | ` alternatives its DFA split is past its size limit.
const NETRC_LINE_PREFIX: &str = r"(?:[+-]|[ \t]{0,8}[0-9]{1,9}(?:→|\t)|\[[^\]\s]{1,80}\][\x20\t]|[^\s:]{1,200}[:-][0-9]{1,9}[:-])";

#[test]
fn every_copy_of_the_line_prefix_is_the_same() {
    // The gutter alternative is in every copy; once the copies as they
    // should be are taken out, none may be left.
    let gutter = r"{0,8}[0-9]{1,9}(?:→|\t)";
    let forms = [
        LINE_PREFIX.to_string(),
        LINE_PREFIX.replace(r"[ \t]{0,8}", r"[\x20\t]{0,8}"),
        NETRC_LINE_PREFIX.to_string(),
    ];
    let mut copies = 0;
    let mut odd = Vec::new();
    for path in pattern_files() {
        let mut text = std::fs::read_to_string(&path).unwrap();
        for form in &forms {
            copies += text.matches(form.as_str()).count();
            text = text.replace(form.as_str(), "");
        }
        for (i, line) in text.lines().enumerate() {
            if line.contains(gutter) {
                odd.push(format!("{}:{}", path.display(), i + 1));
            }
        }
    }
    assert!(copies >= 30, "{copies} copies");
    assert!(odd.is_empty(), "a line prefix spelled differently: {odd:?}");
}
