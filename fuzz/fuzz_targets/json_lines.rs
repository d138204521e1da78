//! Arbitrary bytes as JSON Lines events under the default rules.
//!
//! Each line that parses as JSON is scrubbed as one event
//! (`Scrubber::scrub_json_line`, what `--json-lines` does). Checked: nothing
//! panics; valid JSON in gives valid JSON out, with the same shape; and the
//! structural output redacts at least what text mode redacts in the raw
//! line: no secret text mode finds survives in the output more often than
//! it occurs in the line outside every finding.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn scrubber() -> &'static hush::Scrubber {
    static S: OnceLock<hush::Scrubber> = OnceLock::new();
    S.get_or_init(hush::Scrubber::new)
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() {
        return 0;
    }
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

/// Whether two values have the same shape: the same kinds, array lengths
/// and object sizes (keys and strings may be redacted; a number under a
/// sensitive key becomes a string).
fn same_shape(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_shape(a, b))
        }
        (Value::Object(a), Value::Object(b)) => a.len() >= b.len(),
        (Value::Number(_), Value::String(_)) => true,
        (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        let Ok(event) = serde_json::from_slice::<Value>(line) else {
            continue;
        };
        let out = scrubber().scrub_json_line(line);
        let after = serde_json::from_slice::<Value>(&out).expect("structural output is JSON");
        assert!(same_shape(&event, &after), "the event changed shape");
        let findings = scrubber().find(line);
        let mut outside = line.to_vec();
        for f in &findings {
            outside[f.range()].fill(0);
        }
        let kept = without_labels(&out);
        for f in &findings {
            let secret = &line[f.range()];
            assert!(
                count(&kept, secret) <= count(&outside, secret),
                "rule {}: text mode redacts what structural output keeps",
                f.rule()
            );
        }
    }
});
