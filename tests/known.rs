//! Known secrets: every encoding, at every split offset, and values added
//! while a stream is live.

mod common;

use std::io::Write;

use common::{only, show, stream_split};
use hush::{ErrorKind, Redaction, Scrubber};

const RULES: &str = r#"
[[rules]]
id = "tok"
regex = '''\b(tk_[A-Za-z0-9]{8,40})\b'''
keywords = ["tk_"]
"#;

const SECRET: &str = "s3ss10n/T0k3n+v@lue \"x\"";

fn b64(data: &[u8], url: bool) -> String {
    let alphabet: &[u8; 64] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn scrubber_with_secret() -> Scrubber {
    Scrubber::builder()
        .defaults(false)
        .add_rules_str("test.toml", RULES)
        .known_secret(SECRET)
        .build()
        .unwrap()
}

/// Every encoding the known secret must be caught in, embedded in text.
fn encoded_forms() -> Vec<(String, String)> {
    let mut forms = vec![
        ("plain".to_string(), SECRET.to_string()),
        (
            "url".to_string(),
            "s3ss10n%2FT0k3n%2Bv%40lue%20%22x%22".to_string(),
        ),
        (
            "url-lower".to_string(),
            "s3ss10n%2fT0k3n%2bv%40lue%20%22x%22".to_string(),
        ),
        (
            "url-plus".to_string(),
            "s3ss10n%2FT0k3n%2Bv%40lue+%22x%22".to_string(),
        ),
        ("json".to_string(), {
            let quoted = serde_json::to_string(SECRET).unwrap();
            quoted[1..quoted.len() - 1].to_string()
        }),
        (
            "json-slash".to_string(),
            r#"s3ss10n\/T0k3n+v@lue \"x\""#.to_string(),
        ),
        (
            "hex".to_string(),
            SECRET.bytes().map(|b| format!("{b:02x}")).collect(),
        ),
        (
            "HEX".to_string(),
            SECRET.bytes().map(|b| format!("{b:02X}")).collect(),
        ),
    ];
    // Base64 inside longer data, at every alignment, padded or not, both
    // alphabets: e.g. Basic auth of `user:secret`.
    for prefix in ["", "u:", "us:", "user:"] {
        for url in [false, true] {
            let encoded = b64(format!("{prefix}{SECRET}").as_bytes(), url);
            forms.push((format!("b64 prefix {prefix:?} url {url}"), encoded.clone()));
            forms.push((
                format!("b64 unpadded prefix {prefix:?} url {url}"),
                encoded.trim_end_matches('=').to_string(),
            ));
            let encoded = b64(format!("{prefix}{SECRET}@x").as_bytes(), url);
            forms.push((format!("b64 suffixed prefix {prefix:?} url {url}"), encoded));
        }
    }
    forms
}

#[test]
fn every_encoding_is_redacted_at_every_split_offset() {
    let s = scrubber_with_secret();
    for (name, form) in encoded_forms() {
        let input = format!("before {form} after\nnext line");
        let out = s.scrub_str(&input).into_owned();
        assert!(out.contains("[REDACTED:known-secret]"), "{name}: {out}");
        assert!(
            out.starts_with("before ") && out.ends_with(" after\nnext line")
                || name.starts_with("b64"),
            "{name}: {out}"
        );
        // The core of the value (the part that identifies it) is gone.
        for piece in ["T0k3n", "s3ss10n"] {
            assert!(!out.contains(piece), "{name}: {out}");
        }
        for cut in 0..=input.len() {
            let got = stream_split(&s, input.as_bytes(), &[cut]);
            assert_eq!(show(&got), out, "{name}: split at {cut}");
        }
    }
}

#[test]
fn base64_of_basic_auth_is_redacted() {
    let s = scrubber_with_secret();
    let header = format!(
        "Authorization: Basic {}",
        b64(format!("agent:{SECRET}").as_bytes(), false)
    );
    let out = s.scrub_str(&header);
    assert!(out.contains("[REDACTED:known-secret]"), "{out}");
}

#[test]
fn a_value_added_mid_stream_is_redacted_from_then_on_including_held_bytes() {
    let s = only(RULES);
    let known = s.known_secrets();
    let mut w = s.writer(Vec::new());
    w.write_all(b"old token: r3fr3sh-0ld-v4lue\n").unwrap();
    // Held back: an unfinished line holding the new value.
    w.write_all(b"new token: r3fr3sh-n3w-v4lue").unwrap();
    known.add("r3fr3sh-n3w-v4lue").unwrap();
    w.write_all(b" (refreshed)\nagain r3fr3sh-n3w-v4lue\n")
        .unwrap();
    let out = show(&w.finish().unwrap());
    assert_eq!(
        out,
        "old token: r3fr3sh-0ld-v4lue\nnew token: [REDACTED:known-secret] (refreshed)\nagain [REDACTED:known-secret]\n"
    );
    // Clones of the scrubber share the values.
    assert_eq!(
        s.clone().scrub_str("x r3fr3sh-n3w-v4lue y"),
        "x [REDACTED:known-secret] y"
    );
}

#[test]
fn overlapping_known_values_are_redacted_as_their_union() {
    let s = Scrubber::builder()
        .defaults(false)
        .add_rules_str("test.toml", RULES)
        .known_secret("hunter2")
        .known_secret("hunter2XYZsecret")
        .build()
        .unwrap();
    let input = "pw=hunter2XYZsecret!";
    assert_eq!(s.scrub_str(input), "pw=[REDACTED:known-secret]!");
    for cut in 0..=input.len() {
        assert_eq!(
            show(&stream_split(&s, input.as_bytes(), &[cut])),
            "pw=[REDACTED:known-secret]!"
        );
    }
}

#[test]
fn a_self_overlapping_value_split_anywhere_is_caught() {
    // The prefix "ss" recurs inside the value: single-state matchers miss it.
    let s = Scrubber::builder()
        .defaults(false)
        .add_rules_str("test.toml", RULES)
        .known_secret("ssecret99")
        .build()
        .unwrap();
    let input = "ab sssecret99 cd";
    let expected = "ab s[REDACTED:known-secret] cd";
    assert_eq!(s.scrub_str(input), expected);
    for a in 0..=input.len() {
        for b in a..=input.len() {
            assert_eq!(
                show(&stream_split(&s, input.as_bytes(), &[a, b])),
                expected,
                "{a} {b}"
            );
        }
    }
}

#[test]
fn short_values_are_refused_with_the_reason_and_not_the_value() {
    let err = Scrubber::builder()
        .defaults(false)
        .known_secret("pw123")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Secret);
    assert!(err.to_string().contains("shorter than 6 bytes"), "{err}");
    assert!(!err.to_string().contains("pw123"));
    let s = only(RULES);
    let err = s.known_secrets().add("abc").unwrap_err();
    assert!(!err.to_string().contains("abc"));
    assert_eq!(s.known_secrets().len(), 0);
}

#[test]
fn redaction_styles() {
    let toml = r#"
[[rules]]
id = "gh"
regex = '''\b(ghp_[A-Za-z0-9]{8,40})\b'''
keywords = ["ghp_"]
redaction = "mask"

[[rules]]
id = "fixed"
regex = '''fixed-[0-9]{4,8}'''
keywords = ["fixed-"]
replacement = "***"

[[rules]]
id = "tok"
regex = '''\b(tk_[A-Za-z0-9]{8,40})\b'''
keywords = ["tk_"]
"#;
    let build = |style: Redaction, key: &str| {
        Scrubber::builder()
            .defaults(false)
            .add_rules_str("styles.toml", toml)
            .redaction(style)
            .fingerprint_key(key)
            .build()
            .unwrap()
    };
    let input = "a ghp_Abcdef123456 b fixed-1234 c tk_Zyxw98765432 d";
    let s = build(Redaction::Label, "k1");
    assert_eq!(
        s.scrub_str(input),
        "a ghp_[REDACTED] b *** c [REDACTED:tok] d"
    );
    let s = build(Redaction::Text("<hidden>".into()), "k1");
    assert_eq!(s.scrub_str(input), "a ghp_[REDACTED] b *** c <hidden> d");

    let fp1 = build(Redaction::Fingerprint, "key-one");
    let fp1_again = build(Redaction::Fingerprint, "key-one");
    let fp2 = build(Redaction::Fingerprint, "key-two");
    let a = fp1
        .scrub_str("x tk_Zyxw98765432 y tk_Zyxw98765432 z tk_Other12345678")
        .into_owned();
    let fields: Vec<&str> = a.split(' ').collect();
    assert!(
        fields[1].starts_with("[REDACTED:tok:")
            && fields[1].len() == "[REDACTED:tok:0123456789abcdef]".len(),
        "{a}"
    );
    // Same secret, same key: same fingerprint, in this scrubber and another.
    assert_eq!(fields[1], fields[3]);
    assert_ne!(fields[1], fields[5]);
    assert_eq!(fp1_again.scrub_str("tk_Zyxw98765432"), fields[1]);
    // Another key: another fingerprint.
    assert_ne!(fp2.scrub_str("tk_Zyxw98765432"), fields[1]);
    assert!(!a.contains("Zyxw"));

    // A per-rule override in the builder beats the rule file.
    let s = Scrubber::builder()
        .defaults(false)
        .add_rules_str("styles.toml", toml)
        .rule_redaction("gh", Redaction::Label)
        .build()
        .unwrap();
    assert_eq!(s.scrub_str("ghp_Abcdef123456"), "[REDACTED:gh]");
}

#[test]
fn summary_counts_redactions_per_rule_and_never_values() {
    let s = Scrubber::builder()
        .defaults(false)
        .add_rules_str("test.toml", RULES)
        .known_secret("k3y-v4lue-123")
        .build()
        .unwrap();
    s.scrub_str("tk_Abcdefgh1234 tk_Abcdefgh5678 k3y-v4lue-123");
    let mut w = s.clone().writer(Vec::new());
    w.write_all(b"again tk_Abcdefgh1234\n").unwrap();
    assert_eq!(w.redactions(), vec![("tok", 1)]);
    w.finish().unwrap();
    assert_eq!(s.summary(), vec![("tok", 3), ("known-secret", 1)]);
    // `find` reports, it does not redact: no count.
    s.find(b"tk_Abcdefgh1234");
    assert_eq!(s.summary(), vec![("tok", 3), ("known-secret", 1)]);
}
