//! A user's gitleaks configuration loads: the gitleaks default config, kept
//! as a fixture in `../shared/fixtures/` (never copied into this project),
//! compiles rule by rule, and redacts secrets its rules describe.

use std::path::PathBuf;

use hush::{CheckOptions, Scrubber};

fn fixture() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/gitleaks.toml");
    if path.exists() {
        Some(path)
    } else {
        // The fixture lives beside the repository, not in it; a checkout
        // without it cannot run these tests.
        eprintln!("SKIPPED: {} is not present", path.display());
        None
    }
}

#[test]
fn every_rule_compiles_or_is_skipped_with_a_reason() {
    let Some(path) = fixture() else { return };
    let report = hush::check_file(&path, CheckOptions::default()).unwrap();
    let failing: Vec<String> = report
        .rules
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| format!("{}: {:?}", r.id, r.problems))
        .collect();
    assert!(failing.is_empty(), "{failing:#?}");
    assert!(
        report.rules.len() >= 200,
        "only {} rules loaded",
        report.rules.len()
    );
    // The one rule that matches file paths only is skipped, with the reason.
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert!(report.skipped[0].contains("rule pkcs12-file: skipped: it matches file paths only"));
}

const SAMPLES: &[(&str, &str, &str)] = &[
    (
        "github-pat",
        "export GITHUB_TOKEN=",
        "ghp_WK59PFkl0JfI2yyVlbPegBPrUhRZdsvDQuc8",
    ),
    (
        "aws-access-token",
        "aws_access_key_id = ",
        "AKIADRD6PM6HU2ZX2ZDQ",
    ),
    (
        "slack-bot-token",
        "SLACK_BOT=",
        "xoxb-442056734067-8842377826024-RhSBHpvkTSOsq63Hvzl8IBtP",
    ),
    (
        "stripe-access-token",
        "stripe.api_key = \"",
        "sk_live_nRNbzoc51FeogdvbzDp8mFmQ",
    ),
    (
        "gitlab-pat",
        "git push https://oauth2:",
        "glpat-p5zvqYMtrb1uvZwnZuDM",
    ),
    (
        "npm-access-token",
        "//registry.npmjs.org/:_authToken=",
        "npm_j9xycg06fuihvmu660ufpbms7dfrn16hhy1n",
    ),
    (
        "digitalocean-pat",
        "DIGITALOCEAN_TOKEN=",
        "dop_v1_909d4585e48b7f8b97acc97187c257354d2c366eb5300ff4ea9117e51cd4d87c",
    ),
    (
        "gcp-api-key",
        "key=",
        "AIza0hWokTpXtZVuRT-L-K4kxegm7LKhgiXWnhi",
    ),
    (
        "anthropic-api-key",
        "ANTHROPIC_API_KEY=",
        "sk-ant-api03-Id2BJKKO8NqOmXFjpzUukMrMTvcfeM_W7nafAf63dXFq9fYVPHyUmvmTVcvFKXMhbzlEd4VvOzuYFl7iKCyZQeG_JDWxCAA",
    ),
    (
        "sendgrid-api-token",
        "SENDGRID_API_KEY=",
        "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",
    ),
    (
        "shopify-access-token",
        "X-Shopify-Access-Token: ",
        "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",
    ),
    (
        "huggingface-access-token",
        "HF_TOKEN=",
        "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",
    ),
    (
        "pypi-upload-token",
        "password = ",
        "pypi-AgEIcHlwaS5vcmcjNlm0R0KG7kJ5KqhTo4ZCvaFK2THmNUQKie9mUfJthl2FfsSgwfP38B4xpIs",
    ),
];

#[test]
fn gitleaks_rules_alone_redact_what_they_describe() {
    let Some(path) = fixture() else { return };
    let s = Scrubber::builder()
        .defaults(false)
        .add_rules_file(&path)
        .build()
        .unwrap();
    assert!(s.rules().len() >= 200);
    for (id, context, secret) in SAMPLES {
        let line = format!("{context}{secret}\n");
        let out = s.scrub_str(&line);
        assert!(!out.contains(secret), "{id}: {out}");
        // `find` names each secret once, after the rule its label names
        // (here the generic rule may win); the rule alone must find it.
        let mut alone = Scrubber::builder();
        alone.defaults(false).add_rules_file(&path);
        for r in s.rules().filter(|r| r.id() != *id) {
            alone.disable_rule(r.id());
        }
        let alone = alone.build().unwrap();
        let found: Vec<&str> = alone
            .find(line.as_bytes())
            .iter()
            .map(|f| f.rule())
            .collect();
        assert_eq!(found, [*id], "{id}");
    }
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx3k9Zq2mN8pL4rT7vW1yB5cD6fG0hJ2kL3mN4pQ5rS6tU7vW\n8xY9zA0bC1dE2fG3hI4jK5lM6nO7pQ8rS9tU0vW1xY2zA3bC4dE5fG6hI7jK8lM9\n-----END RSA PRIVATE KEY-----\n";
    let out = s.scrub_str(pem);
    assert!(!out.contains("MIIEowIBAAKCAQEAx3k9"), "{out}");
    assert!(
        s.find(pem.as_bytes())
            .iter()
            .any(|f| f.rule() == "private-key")
    );
}

#[test]
fn gitleaks_rules_load_beside_the_defaults_and_replace_rules_of_the_same_id() {
    let Some(path) = fixture() else { return };
    let defaults = Scrubber::new();
    let both = Scrubber::builder().add_rules_file(&path).build().unwrap();
    let ids: std::collections::HashSet<&str> = both.rules().map(|r| r.id()).collect();
    assert_eq!(ids.len(), both.rules().len(), "ids are unique");
    // `jwt` is a rule id in both sets: the user's file wins.
    let jwt = both.rules().find(|r| r.id() == "jwt").unwrap();
    assert!(jwt.file().ends_with("gitleaks.toml"));
    assert!(both.rules().len() > defaults.rules().len());
    for (_, context, secret) in SAMPLES {
        assert!(
            !both
                .scrub_str(&format!("{context}{secret}"))
                .contains(secret)
        );
    }
}

#[test]
fn go_regex_syntax_is_translated() {
    // RE2 reads a `{` that starts no repetition as a literal; Rust does not.
    let s = Scrubber::builder()
        .defaults(false)
        .add_rules_str(
            "go.toml",
            r#"
[[rules]]
id = "braced"
regex = '''tpl\{(\d{4,8})}'''
keywords = ["tpl{"]

[[rules]]
id = "literal-brace"
regex = '''key=\$\{?([a-z0-9]{8,16})}?'''
keywords = ["key="]

[[rules]]
id = "go-literal-brace"
regex = '''tok{([a-z]{6})}'''
keywords = ["tok{"]
"#,
        )
        .build()
        .unwrap();
    assert_eq!(s.scrub_str("tpl{123456}"), "tpl{[REDACTED:braced]}");
    assert_eq!(
        s.scrub_str("tok{abcdef}"),
        "tok{[REDACTED:go-literal-brace]}"
    );
    assert_eq!(
        s.scrub_str("key=${abcdefgh12}"),
        "key=${[REDACTED:literal-brace]}"
    );
}

#[test]
fn extend_builds_on_another_file_and_disables_its_rules() {
    let dir = std::env::temp_dir().join(format!("hush-extend-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("base.toml"),
        r#"
[[rules]]
id = "base-a"
regex = '''aaa_[0-9]{6}'''
keywords = ["aaa_"]

[[rules]]
id = "base-b"
regex = '''bbb_[0-9]{6}'''
keywords = ["bbb_"]
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("team.toml"),
        r#"
[extend]
path = "base.toml"
disabledRules = ["base-b"]

[[rules]]
id = "team-c"
regex = '''ccc_[0-9]{6}'''
keywords = ["ccc_"]
"#,
    )
    .unwrap();
    let s = Scrubber::builder()
        .defaults(false)
        .add_rules_file(dir.join("team.toml"))
        .build()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let ids: Vec<&str> = s.rules().map(|r| r.id()).collect();
    assert_eq!(ids, ["base-a", "team-c"]);
    assert_eq!(
        s.scrub_str("aaa_123456 bbb_123456 ccc_123456"),
        "[REDACTED:base-a] bbb_123456 [REDACTED:team-c]"
    );
}
