//! Structured scrubbing: argv, shell command lines, environments, JSON.

use std::ffi::OsString;

use hush::Scrubber;
use serde_json::json;

fn argv(args: &[&str]) -> Vec<String> {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    Scrubber::new()
        .scrub_args(&args)
        .into_iter()
        .map(|a| a.into_string().unwrap())
        .collect()
}

const FLAG: &str = "[REDACTED:sensitive-flag]";

#[test]
fn argv_flag_forms() {
    assert_eq!(
        argv(&["tool", "--password", "hunter2-prod"]),
        ["tool", "--password", FLAG]
    );
    assert_eq!(
        argv(&["tool", "--password=hunter2-prod"]),
        ["tool", &format!("--password={FLAG}")]
    );
    assert_eq!(
        argv(&["mysql", "-uroot", "-phunter2-prod", "-h", "db"]),
        ["mysql", "-uroot", &format!("-p{FLAG}"), "-h", "db"]
    );
    assert_eq!(
        argv(&["/usr/bin/mysqldump", "-p", "hunter2-prod", "app"]),
        ["/usr/bin/mysqldump", "-p", FLAG, "app"]
    );
    assert_eq!(
        argv(&["gh", "--token", "abc123def456"]),
        ["gh", "--token", FLAG]
    );
    assert_eq!(
        argv(&["tool", "--api-key", "abc123def456"]),
        ["tool", "--api-key", FLAG]
    );
    assert_eq!(
        argv(&["sshpass", "-p", "hunter2-prod", "ssh", "host"]),
        ["sshpass", "-p", FLAG, "ssh", "host"]
    );
    assert_eq!(
        argv(&["docker", "login", "-u", "me", "-p", "hunter2-prod"]),
        ["docker", "login", "-u", "me", "-p", FLAG]
    );
    let out = argv(&[
        "curl",
        "-u",
        "admin:hunter2-prod",
        "https://api.example.com",
    ]);
    assert_eq!(out[2], format!("admin:{FLAG}"));
    let out = argv(&[
        "curl",
        "-H",
        "Authorization: Bearer abc.def.ghi123",
        "https://api.example.com",
    ]);
    assert!(
        out[2].starts_with("Authorization: Bearer ") && !out[2].contains("ghi123"),
        "{out:?}"
    );
    let out = argv(&[
        "git",
        "clone",
        "https://agent:hunter2-prod@git.example.com/r.git",
    ]);
    assert!(
        !out[2].contains("hunter2-prod") && out[2].contains("git.example.com/r.git"),
        "{out:?}"
    );
    let out = argv(&["docker", "run", "-e", "DB_PASSWORD=hunter2-prod", "img"]);
    assert_eq!(out[3], "DB_PASSWORD=[REDACTED:sensitive-env]");
}

#[test]
fn argv_keeps_what_is_not_secret() {
    let args = [
        "psql",
        "-p",
        "5432",
        "-h",
        "db",
        "--token-file",
        "/run/tok",
        "--password",
        "$DB_PASSWORD",
    ];
    assert_eq!(argv(&args), args);
    let args = ["ls", "-la", "/tmp"];
    assert_eq!(argv(&args), args);
}

#[test]
fn command_lines_stay_readable() {
    let s = Scrubber::new();
    let cases = [
        (
            "mysql -uroot -pS3cr3t-pw -h db",
            "mysql -uroot -p[REDACTED:sensitive-flag] -h db",
        ),
        (
            "mysql -uroot -p'S3cr3t pw' -h db",
            "mysql -uroot -p'[REDACTED:sensitive-flag]' -h db",
        ),
        (
            "PGPASSWORD=S3cr3t-pw psql -h db -U app",
            "PGPASSWORD=[REDACTED:sensitive-env] psql -h db -U app",
        ),
        (
            "sudo mysql -p S3cr3t-pw",
            "sudo mysql -p [REDACTED:sensitive-flag]",
        ),
        (
            "cd /srv && ./deploy --token=\"abc def 123\" --verbose",
            "cd /srv && ./deploy --token=\"[REDACTED:sensitive-flag]\" --verbose",
        ),
        (
            "sshpass -p 'hunter2!' ssh root@host 'uptime'",
            "sshpass -p '[REDACTED:sensitive-flag]' ssh root@host 'uptime'",
        ),
        (
            "echo $TOKEN | docker login -u me --password-stdin",
            "echo $TOKEN | docker login -u me --password-stdin",
        ),
        (
            "kubectl get pods -n prod | grep api",
            "kubectl get pods -n prod | grep api",
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(s.scrub_command_line(input), expected, "{input}");
    }
    let out = s.scrub_command_line("curl -s -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123' https://api.x.io");
    assert!(
        out.starts_with("curl -s -H 'Authorization: Bearer ")
            && out.ends_with("' https://api.x.io"),
        "{out}"
    );
    assert!(!out.contains("eyJzdWIiOiIxIn0"), "{out}");
    let out = s.scrub_command_line("curl -u admin:hunter2-prod https://x.io");
    assert_eq!(out, "curl -u admin:[REDACTED:sensitive-flag] https://x.io");
}

#[test]
fn environments() {
    let s = Scrubber::new();
    let env = s.scrub_env([
        ("DB_PASSWORD", "hunter2-prod"),
        ("GITHUB_TOKEN", "not-a-real-format-but-secret"),
        ("DB_PASSWORD_FILE", "/run/secrets/db"),
        ("TOKEN_TYPE", "bearer"),
        ("API_KEY", "${API_KEY}"),
        ("PWD", "/home/agent"),
        (
            "DATABASE_URL",
            "postgres://app:Sup3r-S3cret-Pw@db.internal:5432/app",
        ),
    ]);
    let values: Vec<String> = env
        .iter()
        .map(|(_, v)| v.to_string_lossy().into_owned())
        .collect();
    assert_eq!(values[0], "[REDACTED:sensitive-env]");
    assert_eq!(values[1], "[REDACTED:sensitive-env]");
    assert_eq!(values[2], "/run/secrets/db");
    assert_eq!(values[3], "bearer");
    assert_eq!(values[4], "${API_KEY}");
    assert_eq!(values[5], "/home/agent");
    assert!(
        !values[6].contains("Sup3r-S3cret-Pw") && values[6].contains("db.internal"),
        "{}",
        values[6]
    );
    assert_eq!(env[0].0, "DB_PASSWORD");
}

#[test]
fn json_events() {
    let s = Scrubber::new();
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx3k9Zq2mN8pL4rT7vW1yB5cD6fG0hJ2kL3mN4pQ5rS6tU7vW\n8xY9zA0bC1dE2fG3hI4jK5lM6nO7pQ8rS9tU0vW1xY2zA3bC4dE5fG6hI7jK8lM9\nnO0pQ1rS2tU3vW4xY5zA6bC7dE8fG9hI0jK1lM2nO3pQ4rS5tU6vW7xY8zA9bC0d\n-----END RSA PRIVATE KEY-----\n";
    let mut event = json!({
        "type": "tool_call",
        "tool": "bash",
        "args": {
            "argv": ["mysql", "-uroot", "-phunter2-prod"],
            "env": {"DB_PASSWORD": "hunter2-prod", "HOME": "/root", "DB_PASSWORD_FILE": "/run/x"},
        },
        "output": format!("cat key.pem\n{pem}done"),
        "auth": {"token": "abc123def456ghi", "token_type": "bearer", "expires_in": 3600},
        "usage": {"max_tokens": 4096, "token_count": 512},
        "nested": [[{"password": 123456789}], {"api_key": ["k1-abcdef", "k2-ghijkl"]}],
        "ref": {"password": "${DB_PASSWORD}"},
        "ok": true,
        "none": null,
    });
    let keys_before: Vec<String> = event.as_object().unwrap().keys().cloned().collect();
    assert!(s.scrub_json(&mut event));
    let text = event.to_string();
    for secret in [
        "hunter2-prod",
        "abc123def456ghi",
        "123456789",
        "k1-abcdef",
        "MIIEowIBAAKCAQEA",
    ] {
        assert!(!text.contains(secret), "{secret} survives in {text}");
    }
    assert_eq!(
        event["args"]["env"]["DB_PASSWORD"],
        "[REDACTED:sensitive-key]"
    );
    assert_eq!(event["args"]["env"]["HOME"], "/root");
    assert_eq!(event["args"]["env"]["DB_PASSWORD_FILE"], "/run/x");
    assert_eq!(event["auth"]["token_type"], "bearer");
    assert_eq!(event["auth"]["expires_in"], 3600);
    assert_eq!(
        event["usage"],
        json!({"max_tokens": 4096, "token_count": 512})
    );
    assert_eq!(event["nested"][1]["api_key"].as_array().unwrap().len(), 2);
    assert_eq!(event["ref"]["password"], "${DB_PASSWORD}");
    assert_eq!(event["ok"], true);
    assert!(event["none"].is_null());
    assert!(
        event["output"]
            .as_str()
            .unwrap()
            .starts_with("cat key.pem\n")
    );
    assert!(event["output"].as_str().unwrap().ends_with("done"));
    // Keys and their order are unchanged. The order a `Value` keeps is the
    // application's choice (serde_json's `preserve_order`), so compare with
    // the order before the scrub rather than with the literal's order.
    let keys: Vec<String> = event.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, keys_before);

    let mut clean = json!({"a": "b", "n": 1});
    assert!(!s.scrub_json(&mut clean));
}

#[test]
fn json_event_with_a_token_as_a_key_loses_it() {
    let s = Scrubber::new();
    let mut event = json!({
        "sessions": {"ghp_PMjRRKHZMfdRkH7vRC9ZPEXsSS5SY5xx4TdR": {"user": "agent"}},
        "after": 1,
    });
    let keys_before: Vec<String> = event.as_object().unwrap().keys().cloned().collect();
    assert!(s.scrub_json(&mut event));
    assert_eq!(
        event,
        json!({
            "sessions": {"[REDACTED:github-pat-classic]": {"user": "agent"}},
            "after": 1,
        })
    );
    // The other keys keep their place when a key changes.
    let keys: Vec<String> = event.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, keys_before);
}

// Issue 11, item 7: `-` followed by a multi-byte character was cut at byte
// 2, inside the character, and the panic message quoted the argument.

#[test]
fn argv_dash_then_non_ascii_character_does_not_panic() {
    // No flag this scrubber knows: the rules alone scrub it, as text.
    let arg = "-é--password=hunter2-prod-pw";
    let out = argv(&["ls", arg]);
    assert_eq!(out, ["ls", &Scrubber::new().scrub_str(arg)]);
    // A known short flag right after the non-ASCII one still counts.
    let out = argv(&["mysql", "-é", "-phunter2-prod-pw", "-ü"]);
    assert_eq!(out, ["mysql", "-é", &format!("-p{FLAG}"), "-ü"]);
    // Two-, three- and four-byte characters after the dash, for every
    // program with short secret flags.
    for prog in ["mysql", "sshpass", "docker", "curl", "redis-cli", "openssl"] {
        for c in ['é', '€', '😀'] {
            for arg in [format!("-{c}"), format!("-{c}x"), format!("-{c}:pw")] {
                let out = argv(&[prog, &arg, "hunter2-prod-pw"]);
                assert_eq!(out[..2], [prog, arg.as_str()]);
            }
        }
    }
}

#[test]
fn command_line_dash_then_non_ascii_character_does_not_panic() {
    let s = Scrubber::new();
    let line = "ls -é--password=hunter2-prod-pw";
    assert_eq!(s.scrub_command_line(line), s.scrub_str(line));
    assert_eq!(
        s.scrub_command_line("mysql -é -p'hunter2-prod-pw' -ü"),
        format!("mysql -é -p'{FLAG}' -ü")
    );
}

#[test]
fn json_dash_then_non_ascii_character_does_not_panic() {
    let s = Scrubber::new();
    let mut event: serde_json::Value =
        serde_json::from_str(r#"{"command":"ls -é--password=hunter2-prod-pw"}"#).unwrap();
    s.scrub_json(&mut event);
    let line = "ls -é--password=hunter2-prod-pw";
    assert_eq!(event["command"], *s.scrub_str(line));
    let mut event = json!({"argv": ["mysql", "-é", "-phunter2-prod-pw"]});
    assert!(s.scrub_json(&mut event));
    assert_eq!(event["argv"], json!(["mysql", "-é", format!("-p{FLAG}")]));
}

// Found by `fuzz/fuzz_targets/json_lines.rs`; the input is
// `fuzz/regressions/json_lines/cross-field-mysql-flag`, cut down. Text mode
// sees `mysql` in one string and `-pX` in the next on the same line;
// `scrub_json` on a parsed value scrubs each string alone and keeps the
// password, so JSON Lines events are scrubbed on their raw line
// (`scrub_json_line`), which redacts at least what text mode does.
#[test]
fn json_line_lost_what_text_mode_finds_across_fields() {
    let s = Scrubber::new();
    let line = r#"{"command":"mysql -uroot -h db","note":"then -pN9v-Q3x-K7m -h db"}"#;
    assert!(
        !s.scrub_str(line).contains("N9v-Q3x-K7m"),
        "text mode no longer finds it: the test needs a new input"
    );
    let out = s.scrub_json_line(line.as_bytes());
    let out = std::str::from_utf8(&out).unwrap();
    assert!(!out.contains("N9v-Q3x-K7m"), "{out}");
    serde_json::from_str::<serde_json::Value>(out).unwrap();
}

// Found by `fuzz/fuzz_targets/json_lines.rs` in `.ci/run` on 2026-12-07;
// the input is `fuzz/regressions/json_lines/flag-value-past-a-redirect`,
// cut down. In `mysql -pX>Y` the shell ends the password at `>`, where the
// structural flag cut stopped, and `mysql-password-flag` takes `X>Y`: the
// JSON line kept `>Y`, which text mode redacts. A cut now grows to cover
// the rule findings it overlaps.
#[test]
fn command_line_kept_the_rest_of_a_flag_value_past_a_redirect() {
    let s = Scrubber::new();
    let line = "mysql -uroot -pN9v-Q>IEowI-Kl_callIN RSA";
    let as_text = s.scrub_str(line);
    assert!(
        !as_text.contains("IEowI"),
        "text mode no longer takes the rest: the test needs a new input ({as_text})"
    );
    let out = s.scrub_command_line(line);
    assert!(!out.contains("N9v-Q") && !out.contains("IEowI"), "{out}");
    assert!(out.ends_with(" RSA"), "{out}");
    let event = format!(r#"{{"tool":"bash","command":"{line}"}}"#);
    let out = s.scrub_json_line(event.as_bytes());
    let out = std::str::from_utf8(&out).unwrap();
    assert!(!out.contains("IEowI"), "{out}");
    serde_json::from_str::<serde_json::Value>(out).unwrap();
}

// Found with the json_lines fuzz corpus, each string run through
// `scrub_command_line` and `scrub_str` (93 of 6,732 strings of the first
// 3,000 inputs kept something text mode redacts): the command scrubber
// cut the flags it knows, then ran the rules over its own output, where a
// cut's label stood in the context of a later finding. Here the `(` ends
// the first command for the shell, so `-pxm` is no flag of mysql's, but
// text mode's `mysql-password-flag` finds it from the `mysql` before,
// across the first `-p` value the scrubber had replaced.
#[test]
fn a_command_line_keeps_no_finding_of_text_mode_after_a_cut_flag() {
    let s = Scrubber::new();
    for line in [
        "mysql -uroot -pN9v-Q3x-K7sssssspifeyq3m(ikeyq3m(uroot -pxm",
        "mysql -uroot -pS3cr3t-pw -pN- -h db",
    ] {
        let text = s.scrub_str(line);
        let out = s.scrub_command_line(line);
        for f in s.find(line.as_bytes()) {
            let secret = &line[f.range()];
            assert!(
                !out.replace(FLAG, "").contains(secret) || text.contains(secret),
                "{line}: text mode redacts {secret:?}, the command scrubber keeps it: {out}"
            );
        }
    }
    assert_eq!(
        s.scrub_command_line("mysql -uroot -pN9v-Q3x-K7sssssspifeyq3m(ikeyq3m(uroot -pxm"),
        format!("mysql -uroot -p{FLAG} -p[REDACTED:mysql-password-flag]")
    );
}

// Found running the benign corpus's lines through `scrub_command_line`:
// commands an agent runs or a build prints, with a sensitive-looking name
// whose value is a command substitution, a file reference, a path or a
// session number, were redacted.
#[test]
fn command_substitutions_file_references_and_paths_are_no_secrets() {
    let s = Scrubber::new();
    for line in [
        r#"cargo publish -p ledger-core --token "$(CARGO_REGISTRY_TOKEN)""#,
        r#"aws secretsmanager put-secret-value --secret-id "$SECRET_ID" --secret-string "file://$NEW_KEY_FILE""#,
        "rustc --crate-name ledger_core --extern jsonwebtoken=/home/dev/src/ledger/target/debug/deps/libjsonwebtoken-e416730a4f4331e2.rmeta --extern serde=/home/dev/src/ledger/target/debug/deps/libserde-249ac21be168a284.rmeta",
        "XDG_SESSION_ID=412 loginctl show-session",
        "curl --cacert ./certs/ca.pem --token-file ~/.config/ledger/token https://ledger.internal",
    ] {
        assert_eq!(s.scrub_command_line(line), line);
    }
    let env = s.scrub_env([("XDG_SESSION_ID", "412"), ("SESSION_ID", "412")]);
    assert_eq!(env[0].1, "412");
    // Values of the same names that are secrets still go.
    assert_eq!(
        s.scrub_command_line("cargo publish -p ledger-core --token cioQ8w2Er5Ty7Ui9i9Op1As3y7UtZ"),
        format!("cargo publish -p ledger-core --token {FLAG}")
    );
    assert_eq!(
        s.scrub_command_line("aws secretsmanager put-secret-value --secret-string hunter2-prod-pw"),
        format!("aws secretsmanager put-secret-value --secret-string {FLAG}")
    );
    assert_ne!(env[1].1, "412");
}
