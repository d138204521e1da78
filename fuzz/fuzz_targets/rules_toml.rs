//! Arbitrary text as a rule file: loading it never panics, and an error is
//! one line that quotes no example secret.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

/// Example secrets worth looking for in an error: long enough not to occur
/// by chance, and not also written elsewhere in the file (an id, a key, a
/// regex), which an error may name.
fn example_secrets(text: &str) -> Vec<String> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut secrets = Vec::new();
    let mut elsewhere = String::new();
    walk(
        &toml::Value::Table(doc),
        false,
        &mut secrets,
        &mut elsewhere,
    );
    secrets.retain(|s| {
        s.chars().count() >= 8
            && s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes().any(|b| b.is_ascii_alphabetic())
            && !elsewhere.contains(s.as_str())
    });
    secrets
}

/// Sorts every string of the document into example text and the rest.
fn walk(v: &toml::Value, in_example: bool, secrets: &mut Vec<String>, elsewhere: &mut String) {
    match v {
        toml::Value::String(s) if in_example => secrets.push(s.clone()),
        toml::Value::String(s) => {
            elsewhere.push_str(s);
            elsewhere.push('\0');
        }
        toml::Value::Array(items) => {
            for item in items {
                walk(item, in_example, secrets, elsewhere);
            }
        }
        toml::Value::Table(t) => {
            for (k, item) in t {
                elsewhere.push_str(k);
                elsewhere.push('\0');
                let example = in_example || k.contains("example");
                walk(item, example, secrets, elsewhere);
            }
        }
        other => {
            elsewhere.push_str(&other.to_string());
            elsewhere.push('\0');
        }
    }
}

/// Checks that `message` is one line and quotes no example secret.
/// `again(text)` gives the same call's message for another text: a secret
/// the message holds is quoted from the input only if the message changes
/// with it (an example can spell out words of hush's own message, as
/// `missing field` in a negative example did).
fn check_message(
    what: &str,
    message: &str,
    text: &str,
    secrets: &[String],
    again: &dyn Fn(&str) -> Option<String>,
) {
    assert!(
        !message.contains('\n'),
        "{what}: a message of several lines"
    );
    for (i, s) in secrets.iter().enumerate() {
        if !message.contains(s.as_str()) {
            continue;
        }
        let other = shifted(s);
        let still = again(&text.replace(s.as_str(), &other))
            .is_some_and(|m| m.contains(s.as_str()) && !m.contains(&other));
        // The index only, never the secret: this message is a crash report.
        assert!(still, "{what}: a message quotes example secret #{i}");
    }
}

/// `s` with each ASCII letter and digit replaced by the next one (`z` by
/// `a`, `9` by `0`): as long, as valid in TOML, and different.
fn shifted(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'z' => 'a',
            'Z' => 'A',
            '9' => '0',
            c if c.is_ascii_alphanumeric() => (c as u8 + 1) as char,
            c => c,
        })
        .collect()
}

fn build_error(text: &str) -> Option<String> {
    hush::Scrubber::builder()
        .defaults(false)
        .add_rules_str("fuzz.toml", text)
        .build()
        .err()
        .map(|e| e.to_string())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let secrets = example_secrets(text);

    if let Some(e) = build_error(text) {
        check_message("build", &e, text, &secrets, &build_error);
    }

    let check =
        |text: &str| hush::check_str(Path::new("fuzz.toml"), text, hush::CheckOptions::default());
    let all_messages = |text: &str| -> Option<String> {
        Some(match check(text) {
            Err(e) => e.to_string(),
            Ok(report) => {
                let mut all: Vec<String> = report.skipped.clone();
                for rule in &report.rules {
                    all.extend(rule.problems.iter().map(|p| p.message.clone()));
                }
                all.join("\0")
            }
        })
    };
    match check(text) {
        Err(e) => check_message("check", &e.to_string(), text, &secrets, &all_messages),
        Ok(report) => {
            for skipped in &report.skipped {
                check_message("check: skipped", skipped, text, &secrets, &all_messages);
            }
            for rule in &report.rules {
                for problem in &rule.problems {
                    check_message(
                        "check: problem",
                        &problem.message,
                        text,
                        &secrets,
                        &all_messages,
                    );
                }
            }
        }
    }
});
