//! What a bad rule file gets: one located line, never a secret.

mod common;

use hush::{CheckOptions, ErrorKind, Scrubber};

fn build(text: &str) -> Result<Scrubber, hush::Error> {
    Scrubber::builder()
        .defaults(false)
        .add_rules_str("team.toml", text)
        .build()
}

fn error(text: &str) -> String {
    let err = build(text).unwrap_err();
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "not one line: {msg}");
    assert!(
        !msg.contains("hunter2-value"),
        "the example secret leaks: {msg}"
    );
    msg
}

const GOOD: &str = r#"
[[rules]]
id = "team-key"
category = "saas"
regex = '''\b(tk_[a-z0-9]{12})\b'''
keywords = ["tk_"]
examples = [{ input = "key tk_abcdef123456", secret = "tk_abcdef123456" }]
"#;

#[test]
fn a_good_file_loads() {
    let s = build(GOOD).unwrap();
    assert_eq!(
        s.scrub_str("key tk_abcdef123456"),
        "key [REDACTED:team-key]"
    );
}

#[test]
fn unknown_fields_are_errors_with_their_line() {
    let msg = error(&GOOD.replace("keywords =", "keywrods ="));
    assert!(
        msg.starts_with("team.toml:6: unknown field `keywrods`"),
        "{msg}"
    );
}

#[test]
fn malformed_toml_is_an_error_with_its_line() {
    let msg = error("[[rules]]\nid = \"x\"\nregex = '''abc\n");
    assert!(msg.starts_with("team.toml:"), "{msg}");
    let err = build("[[rules]]\nid = \"x\"\nregex = '''abc\n").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Parse);
}

#[test]
fn a_wrongly_typed_example_does_not_leak_its_value() {
    let msg = error(&GOOD.replace(
        r#"examples = [{ input = "key tk_abcdef123456", secret = "tk_abcdef123456" }]"#,
        r#"examples = ["password = hunter2-value"]"#,
    ));
    assert!(
        msg.starts_with("team.toml:7: invalid type: string \"...\""),
        "{msg}"
    );
}

#[test]
fn rule_errors_name_file_line_and_rule() {
    let cases = [
        (
            GOOD.replace("{12}", "+"),
            "team.toml:5: rule team-key: pattern has no upper bound on match length",
        ),
        (
            GOOD.replace("(tk_", "(tk_("),
            "team.toml:5: rule team-key: regex does not compile",
        ),
        (
            GOOD.replace(
                "keywords = [\"tk_\"]",
                "keywords = [\"tk_\"]\nsecretGroup = 2",
            ),
            "team.toml:7: rule team-key: secretGroup 2 does not exist",
        ),
        (
            GOOD.replace("keywords = [\"tk_\"]", "keywords = []"),
            "team.toml:3: rule team-key: rule has no keywords",
        ),
        (
            format!("{GOOD}{GOOD}"),
            "team.toml:10: rule team-key: duplicate rule id (first defined at team.toml:3)",
        ),
        (
            GOOD.replace("id = \"team-key\"", "id = \"team key\""),
            "team.toml:3: rule id must be non-empty",
        ),
    ];
    for (text, expected) in cases {
        let msg = error(&text);
        assert!(msg.starts_with(expected), "{msg}\nexpected: {expected}");
    }
}

#[test]
fn failing_examples_fail_an_added_file_and_are_reported_by_check() {
    let bad = GOOD.replace(
        r#"examples = [{ input = "key tk_abcdef123456", secret = "tk_abcdef123456" }]"#,
        "examples = [{ input = \"pw hunter2-value\", secret = \"hunter2-value\" }]\nnegative_examples = [\"tk_abcdef123456\"]",
    );
    let msg = error(&bad.replace("keywords = [\"tk_\"]", "keywords = [\"tk_\", \"pw\"]"));
    assert!(
        msg.starts_with("team.toml:7: rule team-key: example 1: secret survives scrubbing"),
        "{msg}"
    );
    let report = hush::check_str(
        std::path::Path::new("team.toml"),
        &bad,
        CheckOptions { strict: true },
    )
    .unwrap();
    let problems: Vec<String> = report.rules[0]
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.line, p.message))
        .collect();
    assert!(
        problems
            .contains(&"7: example 1: none of the rule's keywords occurs in the input".to_string()),
        "{problems:?}"
    );
    assert!(
        problems.contains(&"8: negative example 1: is redacted".to_string()),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("has 1 examples; at least 2")),
        "{problems:?}"
    );
    assert!(problems.iter().all(|p| !p.contains("hunter2-value")));
}

#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Scrubber>();
    send_sync::<hush::Builder>();
    send_sync::<hush::Error>();
    send_sync::<hush::Finding<'static>>();
    send_sync::<hush::KnownSecrets>();
    send_sync::<hush::Rule>();
    send_sync::<hush::Redaction>();
    send_sync::<hush::Writer<Vec<u8>>>();
    send_sync::<hush::Reader<&'static [u8]>>();
    send_sync::<hush::FileReport>();
    fn copy<T: Copy>() {}
    copy::<hush::Finding<'static>>();
}

#[test]
fn follows_keeps_a_rule_off_keyword_occurrences_without_it() {
    let s = build(
        r#"
[[rules]]
id = "ctx"
regex = '''(?i)\w{0,10}secret\w{0,10}\s{0,3}=\s{0,3}(\w{6,40})'''
keywords = ["secret"]
follows = '''\w{0,3}\s{0,3}='''
"#,
    )
    .unwrap();
    assert_eq!(
        s.scrub_str("DB_SECRET = abcdef12"),
        "DB_SECRET = [REDACTED:ctx]"
    );
    assert_eq!(
        s.scrub_str("DB_SECRET_V2 = abcdef12"),
        "DB_SECRET_V2 = [REDACTED:ctx]"
    );
    // The first occurrence is not followed by an assignment, the second is:
    // the rule runs for the second.
    assert_eq!(
        s.scrub_str("secret santa x=1 mysecretkey=abcdef12"),
        "secret santa x=1 mysecretkey=[REDACTED:ctx]"
    );
    // `follows` is a filter the rule's author answers for: the regex
    // matches `DB_SECRET_VALUE = abcdef12`, but the keyword is followed by
    // more name than `follows` allows, so the rule never runs there.
    assert_eq!(
        s.scrub_str("DB_SECRET_VALUE = abcdef12"),
        "DB_SECRET_VALUE = abcdef12"
    );
    let err = build(
        r#"
[[rules]]
id = "ctx"
regex = '''secret=(\w{6,40})'''
keywords = ["secret"]
follows = '''\w*='''
"#,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("team.toml:6: rule ctx: follows: pattern has no upper bound"),
        "{err}"
    );
}

/// Rules that share a keyword are skipped together only when every one of
/// them has a `follows` and none matches; a rule without one keeps the hit
/// alive. Streamed a byte at a time, a hit whose `follows` is cut by a write
/// waits for the rest rather than being dropped.
#[test]
fn follows_of_rules_sharing_a_keyword() {
    const EQ: &str = r#"
[[rules]]
id = "eq"
regex = '''(?i)[a-z_]{0,10}token=(\w{8,40})'''
keywords = ["token"]
follows = '''='''
"#;
    let both = build(&format!(
        r#"{EQ}
[[rules]]
id = "colon"
regex = '''(?i)[a-z_]{{0,10}}token:\s{{0,3}}(\w{{8,40}})'''
keywords = ["token"]
follows = ''':'''
"#
    ))
    .unwrap();
    let with_plain = build(&format!(
        r#"{EQ}
[[rules]]
id = "plain"
regex = '''(?i)token\s(\w{{8,40}})'''
keywords = ["token"]
"#
    ))
    .unwrap();
    let line = "api_token=abcdef123 ci_token: zyxwvu987 token qwertyu12 tokens";
    assert_eq!(
        both.scrub_str(line),
        "api_token=[REDACTED:eq] ci_token: [REDACTED:colon] token qwertyu12 tokens"
    );
    assert_eq!(
        with_plain.scrub_str(line),
        "api_token=[REDACTED:eq] ci_token: zyxwvu987 token [REDACTED:plain] tokens"
    );
    for s in [&both, &with_plain] {
        let out = common::stream(s, line.as_bytes(), &[1]);
        assert_eq!(String::from_utf8(out).unwrap(), s.scrub_str(line));
    }
}

/// A `follows` whose DFA would be too big filters nothing (the rule runs at
/// every occurrence, so nothing is missed); `check` reports it, so a file
/// added with its examples checked is refused.
#[test]
fn a_follows_too_big_for_a_dfa_filters_nothing_and_check_reports_it() {
    // Remembering where each of the last 21 `a`s was takes 2^21 states.
    let rule = r#"
[[rules]]
id = "big-follows"
regex = '''tok_([a-z]{8})'''
keywords = ["tok_"]
follows = '''[a-z]{0,300}a[a-z]{20}'''
"#;
    let s = Scrubber::builder()
        .defaults(false)
        .check_examples(false)
        .add_rules_str("team.toml", rule)
        .build()
        .unwrap();
    assert_eq!(
        s.scrub_str("x tok_qwertyui"),
        "x tok_[REDACTED:big-follows]"
    );
    let text =
        format!("{rule}examples = [{{ input = \"x tok_qwertyui\", secret = \"qwertyui\" }}]\n");
    let report = hush::check_str(
        std::path::Path::new("team.toml"),
        &text,
        CheckOptions { strict: false },
    )
    .unwrap();
    let problems: Vec<&str> = report.rules[0]
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(
        problems,
        ["follows is too big to compile to a DFA, so it filters nothing"]
    );
    assert!(
        error(&text).starts_with("team.toml:3: rule big-follows: follows is too big"),
        "{}",
        error(&text)
    );
}
