//! Rule files from arbitrary text: loading never panics, and every error is
//! one line that quotes nothing from the file beyond what locates the
//! problem, so a fake secret planted in an example, a regex or a key name
//! never comes out (not in `Display`, `Debug`, the source chain, nor a
//! check report).

use std::collections::BTreeMap;
use std::path::Path;

use hush::{CheckOptions, Scrubber};
use proptest::prelude::*;

/// The fake secret planted in the inputs.
const PLANTED: &str = "xoxb-72041246840-9306469704970-lDromRYhzV95PGLQnlAiBoz2";

/// A rule that holds the planted secret in its regex, examples and negative
/// examples; it loads as it is.
fn planted_rule() -> String {
    format!(
        r#"
[[rules]]
id = "planted"
description = "Slack bot token, planted"
category = "messaging"
regex = '''\b((?:{PLANTED}|xoxb-[0-9]{{11}}-[0-9]{{13}}-[A-Za-z0-9]{{24}}))\b'''
keywords = ["xoxb-"]
examples = [
  {{ input = "SLACK_BOT_TOKEN={PLANTED}", secret = "{PLANTED}" }},
  {{ input = "token: {PLANTED} (bot)", secret = "{PLANTED}" }},
]
negative_examples = ["xoxb- tokens look like {}"]
"#,
        &PLANTED[..20]
    )
}

/// Texts the edits start from: real rule files, each with the planted rule.
fn bases() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        "tests/rules/test-token.toml",
        "patterns/connection-strings.toml",
    ]
    .iter()
    .map(|p| std::fs::read_to_string(root.join(p)).unwrap() + &planted_rule())
    .collect()
}

/// Bits of TOML and regex syntax an edit inserts, the planted secret among
/// them in every place it must not come out from.
fn fragments() -> Vec<String> {
    let mut f: Vec<String> = [
        "\"",
        "'",
        "'''",
        "`",
        "[",
        "]",
        "{",
        "}",
        "(",
        ")",
        "=",
        "\n",
        "\\",
        ",",
        "#",
        ".",
        "é",
        "\r\n",
        "[[rules]]\n",
        "[[rules.allowlists]]\n",
        "regex = '''",
        "follows = '''",
        "keywords = [",
        "max_len = 0",
        "secretGroup = 9",
        "entropy = 9.5",
        "{4000000000}",
        "(?u)",
        "\\pL{32}",
        "\\",
        "\\é",
        "(?P<",
        "[[:alpha:]",
        "id = \"dup\"\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    f.extend([
        PLANTED.to_string(),
        format!("{PLANTED} = 1\n"),
        format!("\"{PLANTED}\""),
        format!("\"x`{PLANTED}`\" = 2\n"),
        format!("[{PLANTED}]\n"),
        format!("examples = [\"{PLANTED}\"]\n"),
        format!("secret = {PLANTED}"),
        format!("regex = '''{PLANTED}('''\n"),
        format!("{{ input = \"{PLANTED}\", secret = \"{PLANTED}\" }}"),
    ]);
    f
}

/// One edit: at a position (taken modulo the text's length), insert a
/// fragment, delete up to 16 bytes, or replace a byte by an ASCII one.
#[derive(Clone, Debug)]
enum Edit {
    Insert(usize, usize),
    Delete(usize, usize),
    Replace(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(at, f)| Edit::Insert(at, f)),
        (any::<usize>(), 1..16usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), 0x20..0x7fu8).prop_map(|(at, b)| Edit::Replace(at, b)),
    ]
}

/// `at` modulo `text.len() + 1`, moved down to a character boundary.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &mut String, edit: &Edit, fragments: &[String]) {
    match *edit {
        Edit::Insert(at, f) => {
            let at = boundary(text, at);
            text.insert_str(at, &fragments[f % fragments.len()]);
        }
        Edit::Delete(at, n) => {
            let at = boundary(text, at);
            let end = boundary(text, (at + n).min(text.len()));
            text.replace_range(at..end.max(at), "");
        }
        Edit::Replace(at, b) => {
            let at = boundary(text, at);
            if let Some(c) = text[at..].chars().next() {
                text.replace_range(at..at + c.len_utf8(), &char::from(b).to_string());
            }
        }
    }
}

/// A rule made of keys (known ones, the planted secret, random ones) and
/// values (patterns around the planted secret, other types).
fn generated_rule() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("regex".to_string()),
        Just("keywords".to_string()),
        Just("examples".to_string()),
        Just("negative_examples".to_string()),
        Just("follows".to_string()),
        Just("max_len".to_string()),
        Just("secretGroup".to_string()),
        Just("category".to_string()),
        Just("redaction".to_string()),
        Just(PLANTED.to_string()),
        Just(format!("\"{PLANTED}`\"")),
        "[a-z_]{1,12}",
    ];
    let value = prop_oneof![
        Just(format!("'''{PLANTED}'''")),
        Just(format!("'''(?:{PLANTED}|x[a-z]{{4}}'''")),
        Just(format!("'''{PLANTED}[a-z'''")),
        Just(format!("'''{PLANTED}\\'''")),
        Just(format!("'''{PLANTED}{{99999999999}}'''")),
        Just(format!("'''{PLANTED}(?P<n>a)(?P<n>b)'''")),
        Just(format!("\"{PLANTED}\"")),
        Just(format!("[\"{PLANTED}\"]")),
        Just(format!(
            "[{{ input = \"{PLANTED}\", secret = \"{PLANTED}\" }}]"
        )),
        Just(format!("[{{ input = \"{PLANTED}\", {PLANTED} = \"x\" }}]")),
        Just(format!("{{ {PLANTED} = 1 }}")),
        Just("[\"xoxb-\"]".to_string()),
        Just("-1".to_string()),
        Just("4000000000".to_string()),
        Just("1.5e300".to_string()),
        Just("true".to_string()),
        "'''[ -~]{0,24}'''",
        "\"[a-z\\\\\"`]{0,12}\"",
    ];
    proptest::collection::vec((key, value), 0..8).prop_map(|pairs| {
        // A rule that loads as it is, each key then given at most once (a
        // repeated key would stop every case at the TOML parser).
        let mut keys: BTreeMap<String, String> = BTreeMap::new();
        keys.insert("regex".to_string(), format!("'''{PLANTED}'''"));
        keys.insert("keywords".to_string(), "[\"xoxb-\"]".to_string());
        keys.extend(pairs);
        let mut text = "[[rules]]\nid = \"gen\"\n".to_string();
        for (k, v) in keys {
            text.push_str(&format!("{k} = {v}\n"));
        }
        text
    })
}

/// A rule that loads and passes a strict check, with one to three of its
/// keys given another value (the planted secret, in many places and
/// shapes) or added.
fn a_good_rule_with_planted_fields() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("description"),
        Just("category"),
        Just("regex"),
        Just("keywords"),
        Just("examples"),
        Just("negative_examples"),
        Just("follows"),
        Just("redaction"),
        Just("replacement"),
        Just("tags"),
        Just("entropy"),
        Just("secretGroup"),
        Just("max_len"),
        Just("allowlists"),
    ];
    let value = prop_oneof![
        Just(format!("\"{PLANTED}\"")),
        Just(format!("'''{PLANTED}'''")),
        Just(format!("'''{PLANTED}['''")),
        Just(format!("'''(?:{PLANTED}){{1,99999}}'''")),
        Just(format!("[\"{PLANTED}\"]")),
        Just(format!(
            "[{{ input = \"{PLANTED}\", secret = \"{PLANTED}\" }}]"
        )),
        Just(format!(
            "[{{ input = \"x {PLANTED}\", secret = \"{PLANTED}\" }}, {{ input = \"{PLANTED}\", secret = \"y\" }}]"
        )),
        Just(format!("[{{ input = \"{PLANTED}\" }}]")),
        Just(format!("[{{ regexes = ['''{PLANTED}('''] }}]")),
        Just(format!(
            "[{{ stopwords = [\"{PLANTED}\"], condition = \"{PLANTED}\" }}]"
        )),
        Just(format!("[{{ regexTarget = \"{PLANTED}\" }}]")),
        Just(format!("{{ {PLANTED} = 1 }}")),
        Just("9.5".to_string()),
        Just("0".to_string()),
        Just("3".to_string()),
    ];
    proptest::collection::vec((key, value), 1..4).prop_map(good_rule)
}

/// A Slack bot token rule that loads and passes a strict check, with the
/// given keys set or replaced.
fn good_rule(changes: Vec<(&str, String)>) -> String {
    let mut keys: BTreeMap<&str, String> = BTreeMap::new();
    keys.insert("description", "\"Slack bot token\"".to_string());
    keys.insert("category", "\"messaging\"".to_string());
    keys.insert(
        "regex",
        "'''\\b(xoxb-[0-9]{11}-[0-9]{13}-[A-Za-z0-9]{24})\\b'''".to_string(),
    );
    keys.insert("keywords", "[\"xoxb-\"]".to_string());
    keys.insert(
        "examples",
        format!(
            "[{{ input = \"T={PLANTED}\", secret = \"{PLANTED}\" }}, {{ input = \"{PLANTED} ok\", secret = \"{PLANTED}\" }}]"
        ),
    );
    keys.insert("negative_examples", "[\"xoxb- alone\"]".to_string());
    keys.extend(changes);
    let mut text = "[[rules]]\nid = \"slack-bot\"\n".to_string();
    for (k, v) in keys {
        text.push_str(&format!("{k} = {v}\n"));
    }
    text
}

/// Checks one text: no panic (a panic fails the case), errors one line and
/// without the planted secret, check reports without it either.
fn check_text(text: &str) -> Result<(), TestCaseError> {
    let built = Scrubber::builder()
        .defaults(false)
        .add_rules_str("fuzz.toml", text)
        .build();
    if let Err(err) = built {
        check_error(&err)?;
    }
    for strict in [false, true] {
        match hush::check_str(Path::new("fuzz.toml"), text, CheckOptions { strict }) {
            Err(err) => check_error(&err)?,
            Ok(report) => {
                let lines = report
                    .rules
                    .iter()
                    .flat_map(|r| r.problems.iter().map(|p| p.message.clone()))
                    .chain(report.skipped.iter().cloned());
                for line in lines {
                    prop_assert!(!line.contains(['\n', '\r']), "not one line: {:?}", line);
                    prop_assert!(!line.contains(PLANTED), "the planted secret comes out");
                }
            }
        }
    }
    Ok(())
}

fn check_error(err: &hush::Error) -> Result<(), TestCaseError> {
    let display = err.to_string();
    prop_assert!(!display.is_empty());
    // The chain as `anyhow` prints it with `{:#}`.
    let mut chain = display.clone();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    // A rule's id locates it and is printed; the planted secret is never
    // put in an id, but an edit could move it there.
    let in_id = err.rule().is_some_and(|id| id.contains(PLANTED));
    for text in [display, format!("{err:?}"), chain] {
        prop_assert!(!text.contains(['\n', '\r']), "not one line: {:?}", text);
        if !in_id {
            prop_assert!(!text.contains(PLANTED), "the planted secret comes out");
        }
    }
    Ok(())
}

#[test]
fn the_planted_bases_load() {
    let good = good_rule(Vec::new());
    let report =
        hush::check_str(Path::new("fuzz.toml"), &good, CheckOptions { strict: true }).unwrap();
    assert!(report.passed(), "{report:?}");
    for base in bases() {
        Scrubber::builder()
            .defaults(false)
            .add_rules_str("fuzz.toml", &base)
            .build()
            .unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn edited_rule_files_fail_in_one_line_without_the_secret(
        base in 0..2usize,
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let fragments = fragments();
        let mut text = bases().swap_remove(base);
        for e in &edits {
            apply(&mut text, e, &fragments);
        }
        check_text(&text)?;
    }

    #[test]
    fn generated_rules_fail_in_one_line_without_the_secret(rule in generated_rule()) {
        check_text(&rule)?;
    }

    #[test]
    fn planted_fields_of_a_good_rule_never_come_out(rule in a_good_rule_with_planted_fields()) {
        check_text(&rule)?;
    }

    #[test]
    fn arbitrary_text_fails_in_one_line(text in "\\PC{0,200}") {
        check_text(&text)?;
    }
}
