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

/// A fake private key: PEM armour around lines of pseudo-random base64,
/// the same on every run.
fn fake_key() -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        B64[(x % 64) as usize] as char
    };
    let mut lines = vec!["-----BEGIN OPENSSH PRIVATE KEY-----".to_string()];
    for width in [64, 64, 64, 64, 64, 23] {
        lines.push((0..width).map(|_| next()).collect());
    }
    lines.push("-----END OPENSSH PRIVATE KEY-----".to_string());
    lines.join("\n")
}

/// The label of a redacted multi-line value: its line breaks stay.
fn redacted_keeping_lines(value: &str) -> String {
    let breaks: String = value.chars().filter(|c| matches!(c, '\r' | '\n')).collect();
    format!("[REDACTED:known-secret]{breaks}")
}

fn scrubber_with_key(key: &str) -> Scrubber {
    Scrubber::builder()
        .defaults(false)
        .add_rules_str("test.toml", RULES)
        .known_secret(key)
        .build()
        .unwrap()
}

/// Checks `input` scrubs to `expected` one-shot, split at every offset and
/// a byte at a time.
fn check_everywhere(s: &Scrubber, input: &str, expected: &str, name: &str) {
    assert_eq!(s.scrub_str(input), expected, "{name}: one-shot");
    for cut in 0..=input.len() {
        assert_eq!(
            show(&stream_split(s, input.as_bytes(), &[cut])),
            expected,
            "{name}: split at {cut}"
        );
    }
    assert_eq!(
        show(&common::stream(s, input.as_bytes(), &[1])),
        expected,
        "{name}: a byte at a time"
    );
}

#[test]
fn multi_line_known_value_printed_with_other_line_endings_or_indentation_is_redacted() {
    let key = fake_key();
    let lines: Vec<&str> = key.lines().collect();
    // Registered with LF (as `--secret-env` reads it), printed otherwise.
    let s = scrubber_with_key(&key);
    for (name, eol, indent) in [
        ("LF", "\n", ""),
        ("CRLF", "\r\n", ""),
        ("CR CR LF", "\r\r\n", ""),
        ("CR", "\r", ""),
        ("indented", "\n", "    "),
        ("CRLF indented", "\r\n", "  "),
        ("tabs", "\n", "\t\t"),
        ("blank lines", "\n\n", " "),
        ("trailing spaces", "  \r\n", ""),
    ] {
        let printed = lines.join(&format!("{eol}{indent}"));
        let input = format!("key: |{eol}{indent}{printed}{eol}done{eol}");
        let expected = format!(
            "key: |{eol}{indent}{}{eol}done{eol}",
            redacted_keeping_lines(&printed)
        );
        check_everywhere(&s, &input, &expected, name);
    }
    // Registered with CRLF, printed with LF.
    let crlf = scrubber_with_key(&lines.join("\r\n"));
    let input = format!("{key}\n");
    check_everywhere(
        &crlf,
        &input,
        &format!("{}\n", redacted_keeping_lines(&key)),
        "registered CRLF",
    );
}

#[test]
fn multi_line_known_value_json_escaped_with_crlf_is_redacted() {
    let key = fake_key();
    let s = scrubber_with_key(&key);
    for eol in ["\r\n", "\n", "\r\n    "] {
        let printed = key.replace('\n', eol);
        let json = serde_json::to_string(&serde_json::json!({ "output": printed })).unwrap();
        let expected = r#"{"output":"[REDACTED:known-secret]"}"#;
        check_everywhere(&s, &json, expected, &format!("{eol:?}"));
    }
}

#[test]
fn multi_line_known_value_with_too_much_whitespace_between_lines_is_still_matched_as_registered() {
    // More whitespace between two lines than a printed variant may add is
    // still caught when printed exactly as registered.
    let key = fake_key().replacen('\n', &format!("\n{}", " ".repeat(60)), 1);
    let s = scrubber_with_key(&key);
    check_everywhere(
        &s,
        &format!("{key}\n"),
        &format!("{}\n", redacted_keeping_lines(&key)),
        "exact",
    );
}

#[test]
fn multi_line_value_of_mostly_whitespace_does_not_mask_its_few_bytes_everywhere() {
    let s = scrubber_with_key("ab\n\n\n   \ncd");
    assert_eq!(s.scrub_str("ab cd abcd"), "ab cd abcd");
    assert_eq!(
        s.scrub_str("x ab\n\n\n   \ncd y"),
        "x [REDACTED:known-secret]\n\n\n\n y"
    );
}

/// A value with every character the printers below escape.
const SPECIAL: &str = "Xq9<rT&vL2\"mK'w $pZ`b\\7";

#[test]
fn known_value_xml_backslash_and_powershell_escaped_is_redacted() {
    let s = scrubber_with_key(SPECIAL);
    let forms = [
        ("xml minimal", r#"Xq9&lt;rT&amp;vL2"mK'w $pZ`b\7"#),
        ("xml", r#"Xq9&lt;rT&amp;vL2&quot;mK&apos;w $pZ`b\7"#),
        ("html numeric", r#"Xq9&lt;rT&amp;vL2&#34;mK&#39;w $pZ`b\7"#),
        ("html python", r#"Xq9&lt;rT&amp;vL2&quot;mK&#x27;w $pZ`b\7"#),
        ("shell double quotes", r#"Xq9<rT&vL2\"mK'w \$pZ\`b\\7"#),
        ("shell word", r#"Xq9\<rT\&vL2\"mK\'w\ \$pZ\`b\\7"#),
        ("powershell", r#"Xq9<rT&vL2"mK''w $pZ`b\7"#),
    ];
    for (name, form) in forms {
        let input = format!("before {form} after\n");
        check_everywhere(&s, &input, "before [REDACTED:known-secret] after\n", name);
    }
}

/// Which bits of the decoded data the base64 characters `chars` (an index
/// range into the unpadded encoding) carry.
fn bits(chars: std::ops::Range<usize>) -> std::ops::Range<usize> {
    6 * chars.start..6 * chars.end
}

#[test]
fn base64_characters_that_carry_bits_of_a_known_value_are_all_redacted() {
    let secret = "s3ss10n-T0k3n-v4lue-Zq";
    let s = scrubber_with_key(secret);
    let label = "[REDACTED:known-secret]";
    for prefix_len in 0..7 {
        for suffix_len in 0..5 {
            for url in [false, true] {
                let data = format!(
                    "{}{secret}{}",
                    &"user:xy"[..prefix_len],
                    &"@abcd"[..suffix_len]
                );
                let encoded = b64(data.as_bytes(), url);
                let unpadded = encoded.trim_end_matches('=');
                let out = s.scrub_str(&format!("data: {encoded} end")).into_owned();
                let name = format!("prefix {prefix_len} suffix {suffix_len} url {url}: {out}");
                let rest = out
                    .strip_prefix("data: ")
                    .and_then(|o| o.strip_suffix(" end"))
                    .expect(&name);
                let at = rest.find(label).expect(&name);
                let (left, right) = (&rest[..at], &rest[at + label.len()..]);
                let right = right.trim_end_matches('=');
                assert!(
                    unpadded.starts_with(left) && unpadded.ends_with(right),
                    "{name}"
                );
                let secret_bits = 8 * prefix_len..8 * (prefix_len + secret.len());
                let left_bits = bits(0..left.len());
                let right_bits = bits(unpadded.len() - right.len()..unpadded.len());
                assert!(left_bits.end <= secret_bits.start, "{name}");
                assert!(right_bits.start >= secret_bits.end, "{name}");
                for cut in 0..out.len() {
                    let input = format!("data: {encoded} end");
                    assert_eq!(
                        show(&stream_split(&s, input.as_bytes(), &[cut])),
                        out,
                        "{name}: split at {cut}"
                    );
                }
            }
        }
    }
}

#[test]
fn values_added_from_several_threads_while_another_scrubs_are_all_kept() {
    let s = only(RULES);
    let known = s.known_secrets();
    let value = |t: usize, i: usize| format!("thr{t}-v4lue-{i:04}-Kq7");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let scrubbing = {
        let (s, stop) = (s.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut w = s.writer(Vec::new());
            // The last round starts after every value was added (the stop
            // is seen before it is written), however the threads are
            // scheduled: its line must come out redacted.
            loop {
                let last = stop.load(std::sync::atomic::Ordering::SeqCst);
                w.write_all(b"line thr0-v4lue-0000-Kq7 more\n").unwrap();
                s.scrub_str("thr1-v4lue-0001-Kq7");
                if last {
                    break;
                }
            }
            show(&w.finish().unwrap())
        })
    };
    let adders: Vec<_> = (0..4)
        .map(|t| {
            let known = known.clone();
            std::thread::spawn(move || {
                for i in 0..150 {
                    if i % 50 == 49 {
                        let batch: Vec<String> =
                            (0..3).map(|j| value(t, 1000 + 3 * i + j)).collect();
                        known.add_many(&batch).unwrap();
                    }
                    known.add(value(t, i)).unwrap();
                }
            })
        })
        .collect();
    for a in adders {
        a.join().unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let streamed = scrubbing.join().unwrap();
    assert!(
        streamed.ends_with("line [REDACTED:known-secret] more\n"),
        "{streamed}"
    );
    assert_eq!(known.len(), 4 * (150 + 3 * 3));
    for t in 0..4 {
        for i in
            (0..150).chain((0..3).flat_map(|k| (0..3).map(move |j| 1000 + 3 * (50 * k + 49) + j)))
        {
            let v = value(t, i);
            assert_eq!(
                s.scrub_str(&v),
                "[REDACTED:known-secret]",
                "thread {t} value {i}"
            );
        }
    }
}

#[test]
fn add_many_adds_all_or_nothing() {
    let s = only(RULES);
    let known = s.known_secrets();
    known
        .add_many(["b4tch-v4lue-one", "b4tch-v4lue-two", "b4tch-v4lue-one"])
        .unwrap();
    assert_eq!(known.len(), 2);
    let err = known.add_many(["b4tch-v4lue-three", "shrt"]).unwrap_err();
    assert!(!err.to_string().contains("shrt"));
    assert_eq!(known.len(), 2);
    assert_eq!(
        s.scrub_str("b4tch-v4lue-two b4tch-v4lue-three"),
        "[REDACTED:known-secret] b4tch-v4lue-three"
    );
}

// A lone ESC right before a known secret, followed by the label's `[`,
// made `ESC [ R`: a terminal escape that eats the label's first letter on a
// terminal, and that the next scrub took out as an escape. The ESC goes
// with the secret, as it does for a rule's finding, one-shot and streamed.
#[test]
fn a_lone_esc_before_a_known_secret_no_longer_turns_the_label_into_an_escape() {
    let s = scrubber_with_secret();
    let input = format!("x \x1b{SECRET} y\n");
    let expected = "x [REDACTED:known-secret] y\n";
    let once = s.scrub(input.as_bytes()).into_owned();
    assert_eq!(show(&once), expected);
    assert_eq!(
        s.scrub(&once).as_ref(),
        &once[..],
        "scrubbing twice differs"
    );
    for cut in 1..input.len() {
        let streamed = stream_split(&s, input.as_bytes(), &[cut]);
        assert_eq!(show(&streamed), expected, "cut at {cut}");
    }
}
