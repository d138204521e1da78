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

#[allow(dead_code)] // each target uses a subset
#[path = "../../tests/common/oracles.rs"]
mod oracles;
use oracles::{canonical, without_labels};

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

/// A JSON value's shape, every member of an object counted (a `Value`
/// keeps one member of each key, and an event may repeat a key).
enum Shape {
    Null,
    Bool,
    Number,
    String,
    Array(Vec<Shape>),
    Object(usize),
}

impl<'de> serde::Deserialize<'de> for Shape {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Shape, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Shape;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Shape, E> {
                Ok(Shape::Null)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
                Ok(Shape::Bool)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
                Ok(Shape::Number)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
                Ok(Shape::Number)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
                Ok(Shape::Number)
            }
            fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
                Ok(Shape::String)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Shape, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = a.next_element()? {
                    items.push(item);
                }
                Ok(Shape::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Shape, A::Error> {
                let mut members = 0;
                while a
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {
                    members += 1;
                }
                Ok(Shape::Object(members))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// Whether two values have the same shape: the same kinds and array
/// lengths, and no more object members (keys and strings may be redacted,
/// and redacted keys may become one; a number under a sensitive key
/// becomes a string).
fn same_shape(a: &Shape, b: &Shape) -> bool {
    match (a, b) {
        (Shape::Array(a), Shape::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_shape(a, b))
        }
        (Shape::Object(a), Shape::Object(b)) => a >= b,
        (Shape::Number, Shape::String) => true,
        (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        // A `Value` for what is JSON (a `Shape` skips the members' strings
        // unchecked, invalid UTF-8 and all), a `Shape` to count members.
        if serde_json::from_slice::<serde_json::Value>(line).is_err() {
            continue;
        }
        let event = serde_json::from_slice::<Shape>(line).expect("JSON has a shape");
        let out = scrubber().scrub_json_line(line);
        serde_json::from_slice::<serde_json::Value>(&out).expect("structural output is JSON");
        let after = serde_json::from_slice::<Shape>(&out).expect("structural output is JSON");
        assert!(same_shape(&event, &after), "the event changed shape");
        let findings = scrubber().find(line);
        let mut outside = line.to_vec();
        for f in &findings {
            outside[f.range()].fill(0);
        }
        // Compared in one form of the escapes: a rewritten string is
        // written afresh (`\/` as `/`), which may make an occurrence of a
        // secret's bytes out of what was not one in the line.
        let kept = canonical(&without_labels(&out));
        let outside = canonical(&outside);
        for f in &findings {
            let secret = &canonical(&line[f.range()]);
            assert!(
                count(&kept, secret) <= count(&outside, secret),
                "rule {}: text mode redacts what structural output keeps",
                f.rule()
            );
        }
    }
});
