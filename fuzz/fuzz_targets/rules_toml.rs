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

fn check_message(what: &str, message: &str, secrets: &[String]) {
    assert!(
        !message.contains('\n'),
        "{what}: a message of several lines"
    );
    // The index only, never the secret: this message is a crash report.
    if let Some(i) = secrets.iter().position(|s| message.contains(s.as_str())) {
        panic!("{what}: a message quotes example secret #{i}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let secrets = example_secrets(text);

    let built = hush::Scrubber::builder()
        .defaults(false)
        .add_rules_str("fuzz.toml", text)
        .build();
    if let Err(e) = built {
        check_message("build", &e.to_string(), &secrets);
    }

    match hush::check_str(Path::new("fuzz.toml"), text, hush::CheckOptions::default()) {
        Err(e) => check_message("check", &e.to_string(), &secrets),
        Ok(report) => {
            for skipped in &report.skipped {
                check_message("check: skipped", skipped, &secrets);
            }
            for rule in &report.rules {
                for problem in &rule.problems {
                    check_message("check: problem", &problem.message, &secrets);
                }
            }
        }
    }
});
