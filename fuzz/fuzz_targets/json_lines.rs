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

/// `json` with every string escape written as serde_json writes it (`\/`
/// as `/`, `\u0041` as `A`, a `\u` of a lone surrogate as U+FFFD, `\u001B`
/// as `\u001b`): structural output writes a rewritten string afresh, so its
/// bytes are compared with the line's in this one form.
fn canonical(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\'
            && let Some((c, len)) = escape_at(&json[i..])
        {
            let mut buf = [0u8; 4];
            let quoted = serde_json::to_string(&*c.encode_utf8(&mut buf)).expect("a str is JSON");
            out.extend_from_slice(&quoted.as_bytes()[1..quoted.len() - 1]);
            i += len;
        } else {
            out.push(json[i]);
            i += 1;
        }
    }
    out
}

/// The character a JSON string escape at the start of `b` stands for, and
/// the escape's length.
fn escape_at(b: &[u8]) -> Option<(char, usize)> {
    let hex = |at: usize| -> Option<u32> {
        let digits = b.get(at..at + 4)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let c = match *b.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = hex(2)?;
            if (0xD800..0xDC00).contains(&unit)
                && b.get(6..8) == Some(&b"\\u"[..])
                && let Some(low) = hex(8)
                && (0xDC00..0xE000).contains(&low)
            {
                let c = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?;
                return Some((c, 12));
            }
            return Some((char::from_u32(unit).unwrap_or('\u{FFFD}'), 6));
        }
        _ => return None,
    };
    Some((c, 2))
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
