//! Arbitrary bytes as JSON Lines events under the default rules.
//!
//! Each line that parses as JSON is scrubbed structurally. Checked: the
//! output is valid JSON, nothing panics, and structural scrubbing redacts
//! at least what text mode redacts: no secret that text mode finds in the
//! event survives in the structural output more often than it occurs
//! outside every finding.
//!
//! TODO(json-lines): `--json-lines` is becoming a library type. Once it is,
//! run each line through that type instead of `serde_json::Value` plus
//! `Scrubber::scrub_json`, and check the same property on its output:
//! a line of valid JSON in gives a line of valid JSON out, and structural
//! output redacts at least what text mode redacts.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn scrubber() -> &'static hush::Scrubber {
    static S: OnceLock<hush::Scrubber> = OnceLock::new();
    S.get_or_init(hush::Scrubber::new)
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

/// `text` without its `[REDACTED:...]` labels, each replaced by a NUL so
/// that no occurrence is made across one.
fn without_labels(text: &[u8]) -> Vec<u8> {
    const OPEN: &[u8] = b"[REDACTED:";
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i..].starts_with(OPEN)
            && let Some(close) = text[i..].iter().position(|&b| b == b']')
        {
            out.push(0);
            i += close + 1;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let s = scrubber();
    for line in data.split(|&b| b == b'\n') {
        let Ok(mut event) = serde_json::from_slice::<Value>(line) else {
            continue;
        };
        // Text and structural mode see the event in one spelling, so that
        // an escape (`\/`, `\u0041`) written differently is no difference.
        let before = serde_json::to_vec(&event).expect("a Value serializes");
        s.scrub_json(&mut event);
        let after = serde_json::to_vec(&event).expect("a Value serializes");
        assert!(
            serde_json::from_slice::<Value>(&after).is_ok(),
            "structural output is not JSON"
        );

        let findings = s.find(&before);
        let mut outside = before.clone();
        for f in &findings {
            outside[f.range()].fill(0);
        }
        let after = without_labels(&after);
        for f in &findings {
            let secret = &before[f.range()];
            assert!(
                count(&after, secret) <= count(&outside, secret),
                "rule {}: text mode redacts what structural output keeps",
                f.rule()
            );
        }
    }
});
