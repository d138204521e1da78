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
    assert_eq!(msg, "team.toml:6: unknown key");
}

/// A fake token for the tests below to plant where it must not come out.
const PLANTED: &str = "ghp_Q2B9YKKuc4HKcNxZR3booPF9ZbXZoH87TtYZ";

/// Every way an error is printed: `Display`, `Debug`, and the source chain
/// joined as `anyhow`'s `{:#}` joins it.
fn printed(err: &hush::Error) -> Vec<String> {
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    vec![err.to_string(), format!("{err:?}"), chain]
}

fn assert_one_line_without(err: &hush::Error, secret: &str) {
    for text in printed(err) {
        assert!(!text.contains(['\n', '\r']), "not one line: {text}");
        assert!(!text.contains(secret), "the planted secret comes out");
    }
}

/// `GOOD` with `line` added after its keywords (line 6).
fn with_line(line: &str) -> String {
    GOOD.replace(
        "keywords = [\"tk_\"]",
        &format!("keywords = [\"tk_\"]\n{line}"),
    )
}

#[test]
fn an_unknown_key_named_like_a_secret_is_not_echoed() {
    // A mistyped line: the example secret became a key.
    let err = build(&with_line(&format!("{PLANTED} = \"tk_abcdef123456\""))).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Parse);
    assert_eq!(err.to_string(), "team.toml:7: unknown key");
    assert_one_line_without(&err, PLANTED);
    // Backquotes in a quoted key do not end the redaction early.
    let err = build(&with_line(&format!("\"x`{PLANTED}`y\" = 1"))).unwrap_err();
    assert_eq!(err.to_string(), "team.toml:7: unknown key");
    assert_one_line_without(&err, PLANTED);
}

#[test]
fn a_bad_regex_error_is_one_line_and_does_not_echo_the_pattern() {
    // An unclosed class after a pasted token: regex-syntax's own error
    // quotes the pattern over several lines.
    let text = GOOD.replace(
        r"\b(tk_[a-z0-9]{12})\b",
        &format!(r"\b(tk_[a-z0-9]{{12}})\b{PLANTED}[a-z"),
    );
    let err = build(&text).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rule);
    assert_eq!(
        err.to_string(),
        "team.toml:5: rule team-key: regex does not compile: unclosed character class at offset 61"
    );
    assert_eq!((err.line(), err.rule()), (Some(5), Some("team-key")));
    assert_one_line_without(&err, PLANTED);
    // The same for `follows` and an allowlist's regexes.
    let err = build(&with_line(&format!("follows = '''{PLANTED}('''"))).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "team.toml:7: rule team-key: follows: regex does not compile: unclosed group"
        ),
        "{err}"
    );
    assert_one_line_without(&err, PLANTED);
    let allow = format!("{GOOD}[[rules.allowlists]]\nregexes = ['''{PLANTED}[''']\n");
    let err = build(&allow).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "team.toml:8: rule team-key: allowlist: regexes[0]: regex does not compile: unclosed character class"
        ),
        "{err}"
    );
    assert_one_line_without(&err, PLANTED);
}

#[test]
fn a_backslash_before_a_non_ascii_character_is_an_error_not_a_panic() {
    // The Go-syntax translation cut the pattern inside `é` and panicked,
    // quoting the whole pattern in the panic message.
    let text = GOOD.replace(
        r"\b(tk_[a-z0-9]{12})\b",
        &format!(r"\b(tk_[a-z0-9]{{12}})\b{PLANTED}\é"),
    );
    let err = build(&text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "team.toml:5: rule team-key: regex does not compile: unrecognized escape sequence at offset 61"
    );
    assert_one_line_without(&err, PLANTED);
}

#[test]
fn an_oversized_pattern_is_refused_before_it_is_parsed() {
    // 10 MB of pattern once took 38 s and 1.15 GB to be refused.
    let huge = format!("tk_(?:{}z)", "ab|".repeat((10 << 20) / 3));
    let err = build(&GOOD.replace(r"\b(tk_[a-z0-9]{12})\b", &huge)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rule);
    assert_eq!(
        err.to_string(),
        format!(
            "team.toml:5: rule team-key: regex is {} bytes long, over the limit of 65536 bytes",
            huge.len()
        )
    );
    assert_eq!(hush::MAX_PATTERN_LEN, 65536);
    // Just over the limit is refused; at the limit the pattern is parsed
    // (and refused for what it is: it has no upper bound).
    let at = |n: usize| {
        let pattern = format!("tk_{}+", "a".repeat(n - 4));
        assert_eq!(pattern.len(), n);
        build(&GOOD.replace(r"\b(tk_[a-z0-9]{12})\b", &pattern))
            .unwrap_err()
            .to_string()
    };
    assert!(at(65537).ends_with("regex is 65537 bytes long, over the limit of 65536 bytes"));
    assert!(at(65536).ends_with(
        "pattern has no upper bound on match length; bound its repetitions or set max_len"
    ));
    // `follows` and allowlist regexes have the same limit.
    let big = "a".repeat(65537);
    assert_eq!(
        build(&with_line(&format!("follows = '''{big}'''")))
            .unwrap_err()
            .to_string(),
        "team.toml:7: rule team-key: follows is 65537 bytes long, over the limit of 65536 bytes"
    );
    let allow = format!("{GOOD}[[rules.allowlists]]\nregexes = ['''{big}''']\n");
    assert_eq!(
        build(&allow).unwrap_err().to_string(),
        "team.toml:8: rule team-key: allowlist: regexes[0] is 65537 bytes long, over the limit of 65536 bytes"
    );
}

#[test]
fn a_pattern_that_compiles_too_big_is_refused_with_the_limit() {
    // Short text, a bounded length, but 1024 copies of a Unicode class.
    let err = build(&GOOD.replace(r"\b(tk_[a-z0-9]{12})\b", r"tk_(?:\pL{32}){32}")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rule);
    assert_eq!(
        err.to_string(),
        "team.toml:5: rule team-key: regex is too big to compile (limit 2097152 bytes)"
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

#[test]
fn check_together_leaves_what_check_file_reports_to_it() {
    let dir = std::env::temp_dir().join(format!("hush-together-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let good = write("good.toml", GOOD);
    let broken = write(
        "broken.toml",
        "[[rules]]\nid = \"b\"\nregex = '''secret=(\\S+)'''\nkeywords = [\"secret=\"]\ncategory = \"token\"\n",
    );
    let twice = write("twice.toml", &format!("{GOOD}{GOOD}"));
    let other = write("other.toml", GOOD);
    // A file that does not load, and an id used twice within one file, are
    // check_file's to report.
    assert!(hush::check_file(&broken, CheckOptions::default()).is_err());
    assert!(hush::check_file(&twice, CheckOptions::default()).is_err());
    hush::check_together(&[&good, &broken]).unwrap();
    hush::check_together(&[&twice]).unwrap();
    // The same file given twice defines nothing twice.
    hush::check_together(&[&good, &good]).unwrap();
    // Two files that define the same id do not load together.
    let err = hush::check_together(&[&good, &broken, &other]).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:3: rule team-key: duplicate rule id (first defined at {}:3)",
            other.display(),
            good.display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_strict_check_does_not_quote_an_unknown_category() {
    // The category was quoted; a value pasted in the wrong place came out.
    let text = GOOD.replace("category = \"saas\"", &format!("category = \"{PLANTED}\""));
    let report = hush::check_str(
        std::path::Path::new("team.toml"),
        &text,
        CheckOptions { strict: true },
    )
    .unwrap();
    let messages: Vec<&str> = report.rules[0]
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("category is not one of: cloud, vcs,")),
        "{messages:?}"
    );
    assert!(messages.iter().all(|m| !m.contains(PLANTED)));
}
