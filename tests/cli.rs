//! The `hush` binary: the filter, `hush run` with real child processes,
//! `hush check` and `hush rules`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "tst_Q2x9PzL7mW4kR8vN3bT6";

fn hush() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hush"))
}

/// `hush --no-defaults --rules tests/rules/test-token.toml`: independent of
/// the default rule set.
fn hush_test_rules() -> Command {
    let mut cmd = hush();
    cmd.arg("--no-defaults").arg("--rules").arg(test_rules());
    cmd
}

fn test_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules/test-token.toml")
}

fn broken_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules/broken.toml")
}

fn run_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = hush_test_rules();
    cmd.arg("run").arg("--").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Runs `cmd` with `input` on its stdin (written from another thread, so
/// that a full stdout pipe cannot stall the write) and collects its output.
fn feed(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn run_redacts_both_streams_and_keeps_the_exit_code() {
    let out = run_with(
        &["sh", "-c", "echo $TOKEN; echo $TOKEN >&2; exit 7"],
        &[("TOKEN", TOKEN)],
    );
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(text(&out.stdout), "[REDACTED:test-token]\n");
    assert_eq!(text(&out.stderr), "[REDACTED:test-token]\n");
}

#[test]
fn run_reports_death_by_signal_as_128_plus_n() {
    let out = run_with(&["sh", "-c", "kill -TERM $$"], &[]);
    assert_eq!(out.status.code(), Some(128 + 15));
    let out = run_with(&["sh", "-c", "kill -KILL $$"], &[]);
    assert_eq!(out.status.code(), Some(128 + 9));
}

#[test]
fn run_forwards_sigterm_to_the_child() {
    let mut child = hush_test_rules()
        .args([
            "run",
            "--",
            "sh",
            "-c",
            "echo started; sleep 30; echo not-reached",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 8];
    stdout.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"started\n");
    let started = Instant::now();
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    // Without forwarding, hush would wait for the 30 s sleep.
    assert!(started.elapsed() < Duration::from_secs(20));
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(!rest.contains("not-reached"));
    assert_eq!(status.code(), Some(128 + 15));
}

#[test]
fn run_keeps_each_stream_complete_and_in_order_when_interleaved() {
    let script = format!(
        "i=0; while [ $i -lt 2000 ]; do echo \"out $i {TOKEN}\"; echo \"err $i {TOKEN}\" >&2; i=$((i+1)); done"
    );
    let out = run_with(&["sh", "-c", &script], &[]);
    assert_eq!(out.status.code(), Some(0));
    let expected_out: String = (0..2000)
        .map(|i| format!("out {i} [REDACTED:test-token]\n"))
        .collect();
    let expected_err: String = (0..2000)
        .map(|i| format!("err {i} [REDACTED:test-token]\n"))
        .collect();
    assert_eq!(text(&out.stdout), expected_out);
    assert_eq!(text(&out.stderr), expected_err);
}

#[test]
fn run_passes_100_mb_through() {
    // 100 MB on stdout while stderr stays idle, then a secret at the end.
    let script = format!("head -c 100000000 /dev/zero | tr '\\0' 'x'; echo; echo {TOKEN}");
    let mut child = hush_test_rules()
        .args(["run", "--", "sh", "-c", &script])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0usize;
    let mut tail = Vec::new();
    loop {
        let n = stdout.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        total += n;
        tail.extend_from_slice(&buf[..n]);
        if tail.len() > 4096 {
            tail.drain(..tail.len() - 4096);
        }
    }
    assert!(child.wait().unwrap().success());
    let expected_tail = "\n[REDACTED:test-token]\n";
    assert_eq!(total, 100_000_000 + expected_tail.len());
    assert!(text(&tail).ends_with(&format!("xxxx{expected_tail}")));
}

#[test]
fn run_releases_a_prompt_without_newline_and_passes_stdin() {
    let mut child = hush_test_rules()
        .args([
            "run",
            "--",
            "sh",
            "-c",
            "printf 'Name: '; read name; echo \"hello $name\"",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut prompt = [0u8; 6];
    // The child waits for input: the prompt only arrives if hush releases
    // the unfinished line on its own.
    stdout.read_exact(&mut prompt).unwrap();
    assert_eq!(&prompt, b"Name: ");
    child.stdin.take().unwrap().write_all(b"agent\n").unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "hello agent\n");
    assert!(child.wait().unwrap().success());
}

#[test]
fn filter_releases_a_prompt_while_its_input_stays_open() {
    // The filter reads stdin itself (no reader thread): while the input
    // pauses with a line unfinished, it must still release that line.
    let mut child = hush_test_rules()
        .args(["--idle-ms", "50"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"Password for deploy: ").unwrap();
    stdin.flush().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut prompt = [0u8; 21];
        stdout.read_exact(&mut prompt).unwrap();
        tx.send(prompt).unwrap();
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        rest
    });
    // stdin is still open: the prompt only arrives by the idle release.
    let prompt = rx.recv_timeout(std::time::Duration::from_secs(20));
    if prompt.is_err() {
        let _ = child.kill();
    }
    assert_eq!(&prompt.expect("no idle release"), b"Password for deploy: ");
    stdin.write_all(b"ok\n").unwrap();
    drop(stdin);
    assert_eq!(reader.join().unwrap(), "ok\n");
    assert!(child.wait().unwrap().success());
}

#[test]
fn run_refuses_to_start_the_command_with_a_broken_rule_file() {
    let dir = std::env::temp_dir().join(format!("hush-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let marker = dir.join("ran");
    let out = hush()
        .arg("--rules")
        .arg(broken_rules())
        .args(["run", "--", "touch"])
        .arg(&marker)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!marker.exists(), "the command ran");
    let err = text(&out.stderr);
    assert!(
        err.contains("broken.toml:7: rule broken: pattern has no upper bound"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn run_reports_not_found_as_127() {
    let out = run_with(&["/nonexistent/hush-test-command"], &[]);
    assert_eq!(out.status.code(), Some(127));
}

#[test]
fn run_writes_a_report_with_counts_and_no_values() {
    let path = std::env::temp_dir().join(format!("hush-report-{}.json", std::process::id()));
    let out = hush_test_rules()
        .args(["run", "--report"])
        .arg(&path)
        .args([
            "--",
            "sh",
            "-c",
            &format!("echo {TOKEN} {TOKEN}; echo {TOKEN} >&2"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(!report.contains(TOKEN));
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["exit_code"], 0);
    assert_eq!(v["redactions"]["total"], 3);
    assert_eq!(v["redactions"]["per_rule"]["test-token"], 3);
    assert_eq!(v["redactions"]["per_stream"]["stdout"]["test-token"], 2);
    assert_eq!(v["redactions"]["per_stream"]["stderr"]["test-token"], 1);
}

#[test]
fn filter_is_byte_exact_and_binary_safe() {
    let mut input: Vec<u8> = (0..=255u8).collect();
    input.extend_from_slice(format!("\nkey {TOKEN}\n").as_bytes());
    input.extend((0..=255u8).rev());
    let out = feed(&mut hush_test_rules(), &input);
    assert!(out.status.success());
    let mut expected: Vec<u8> = (0..=255u8).collect();
    expected.extend_from_slice(b"\nkey [REDACTED:test-token]\n");
    expected.extend((0..=255u8).rev());
    assert_eq!(out.stdout, expected);
}

#[test]
fn filter_with_broken_rules_fails_with_a_located_error() {
    let out = hush()
        .arg("--rules")
        .arg(broken_rules())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("broken.toml:7: rule broken:"));
}

#[test]
fn check_passes_good_files_and_reports_problems() {
    let out = hush()
        .args(["check", "--quiet"])
        .arg(test_rules())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).starts_with("ok: 1 rules in 1 files"));

    let dir = std::env::temp_dir().join(format!("hush-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        r#"[[rules]]
id = "weak"
regex = '''tok_([a-z]{4})'''
keywords = ["tok_"]
examples = [ { input = "tok_ABCDEFGH", secret = "ABCDEFGH" } ]
negative_examples = [ "tok_abcd" ]
"#,
    )
    .unwrap();
    let out = hush().arg("check").arg(&bad).output().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains("bad.toml:5: rule weak: example 1: secret survives scrubbing"),
        "{report}"
    );
    assert!(
        report.contains("bad.toml:6: rule weak: negative example 1: is redacted"),
        "{report}"
    );
    // Problems never quote the example's text.
    assert!(!report.contains("ABCDEFGH"));
}

#[test]
fn check_reports_a_file_that_does_not_load_once() {
    // The problem was printed by the file's own check and again by the
    // check that files load together.
    let dir = std::env::temp_dir().join(format!("hush-check-once-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad_regex = dir.join("bad-regex.toml");
    std::fs::write(
        &bad_regex,
        "[[rules]]\nid = \"bad\"\nregex = '''tok_([a-z]{4}'''\nkeywords = [\"tok_\"]\n",
    )
    .unwrap();
    let out = hush()
        .arg("check")
        .arg(broken_rules())
        .arg(&bad_regex)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    for problem in [
        "broken.toml:7: rule broken: pattern has no upper bound",
        "bad-regex.toml:3: rule bad: regex does not compile: unclosed group",
    ] {
        assert_eq!(report.matches(problem).count(), 1, "{report}");
    }
    assert!(report.ends_with("2 problems in 0 rules\n"), "{report}");
}

#[test]
fn rules_lists_one_line_per_rule() {
    let out = hush()
        .args(["--no-defaults", "--rules"])
        .arg(test_rules())
        .arg("rules")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        "test-token\ttoken\tToken format used only by the test suite\n"
    );
}

#[test]
fn mask_env_hides_the_value_in_every_encoding() {
    let value = "s3rv1c3-t0k3n-value-987/+x";
    let script = r#"
        echo "plain $MY_SERVICE_TOKEN"
        printf %s "$MY_SERVICE_TOKEN" | base64
        printf "x%s" "$MY_SERVICE_TOKEN" | base64
        printf "xy%s" "$MY_SERVICE_TOKEN" | base64 | tr '+/' '-_' | tr -d '='
        printf "%s" "$MY_SERVICE_TOKEN" | od -An -tx1 | tr -d ' \n'; echo
        echo "url s3rv1c3-t0k3n-value-987%2F%2Bx"
        echo "json {\"t\": \"s3rv1c3-t0k3n-value-987\/+x\"}"
        echo "HOME stays $HOME"
    "#;
    let out = hush_test_rules()
        .args(["run", "--mask-env", "--", "sh", "-c", script])
        .env("MY_SERVICE_TOKEN", value)
        .env("HOME", "/home/agent")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let encodings = [
        value.to_string(),
        "czNydjFjMy10MGszbi12YWx1ZS05ODcvK3g".to_string(), // base64, aligned
        "MHJ2MWMzLXQwazNuLXZhbHVlLTk4Ny8reA".to_string(),
        "s3rv1c3-t0k3n-value-987%2F%2Bx".to_string(),
        "s3rv1c3-t0k3n-value-987\\/+x".to_string(),
        value.bytes().map(|b| format!("{b:02x}")).collect(),
    ];
    for e in &encodings {
        // No 12-byte piece of any encoding survives.
        for i in 0..e.len().saturating_sub(12) {
            assert!(
                !stdout.contains(&e[i..i + 12]),
                "{:?} survives in:\n{stdout}",
                &e[i..i + 12]
            );
        }
    }
    assert_eq!(
        stdout.matches("[REDACTED:known-secret]").count(),
        7,
        "{stdout}"
    );
    assert!(stdout.contains("HOME stays /home/agent"));
}

#[test]
fn secret_env_that_is_unset_or_too_short_fails_closed() {
    let out = hush_test_rules()
        .args([
            "--secret-env",
            "HUSH_TEST_UNSET_VARIABLE",
            "run",
            "--",
            "true",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = hush_test_rules()
        .args(["--secret-env", "SHORTY", "run", "--", "true"])
        .env("SHORTY", "abc")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("shorter than 6 bytes") && !err.contains("abc"),
        "{err}"
    );
}

#[test]
fn secret_file_registers_each_line() {
    let path = std::env::temp_dir().join(format!("hush-secrets-{}", std::process::id()));
    std::fs::write(&path, "first-s3cret-value\r\nsecond-s3cret-value\n").unwrap();
    let out = feed(
        hush_test_rules().arg("--secret-file").arg(&path),
        b"a first-s3cret-value b second-s3cret-value c\n",
    );
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        text(&out.stdout),
        "a [REDACTED:known-secret] b [REDACTED:known-secret] c\n"
    );
}

#[test]
fn json_lines_keep_every_line_valid_json() {
    let input = concat!(
        r#"{"type":"tool_call","tool":"bash","args":{"argv":["mysql","-uroot","-phunter2-prod"],"env":{"DB_PASSWORD":"hunter2-prod"}}}"#,
        "\n",
        r#"{"type":"tool_result","output":"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBVa0uT0oW7Q3nBGmLyQ9eW0fZ1pXk3cJ8dR2sT6vY4hAAAAJgAbCdEAGwn\n-----END OPENSSH PRIVATE KEY-----\n","password":"tst_Q2x9PzL7mW4kR8vN3bT6"}"#,
        "\n",
        r#"{"type":"message","text":"nothing secret here","n":1}"#,
        "\n",
        "plain text: export DB_PASSWORD=hunter2-prod\n",
    );
    let out = feed(hush().arg("--json-lines"), input.as_bytes());
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4);
    for line in &lines[..3] {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    for secret in [
        "hunter2-prod",
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmU",
        "tst_Q2x9PzL7mW4kR8vN3bT6",
    ] {
        assert!(!stdout.contains(secret), "{secret} survives:\n{stdout}");
    }
    // A clean event passes byte for byte.
    assert_eq!(
        lines[2],
        r#"{"type":"message","text":"nothing secret here","n":1}"#
    );
    assert!(
        lines[3].starts_with("plain text: export DB_PASSWORD=[REDACTED:"),
        "{}",
        lines[3]
    );
}

// Fake GitHub classic PATs (ghp_ + 36 base62), found by the default rules.
const GHP_A: &str = "ghp_ErQHQwjyaxErPZDS3MoJaQNjCxkv5ndK0meG";
const GHP_B: &str = "ghp_R0vRzZ1fb6d06QGofB8ChQBiIu4NJkS4dJkG";

/// A path for a report, unique to the test.
fn report_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("hush-report-{}-{name}.json", std::process::id()))
}

/// Reads and removes the report at `path`, checks that it quotes no token,
/// and returns it parsed.
fn take_report(path: &Path) -> serde_json::Value {
    let report = std::fs::read_to_string(path).unwrap();
    std::fs::remove_file(path).unwrap();
    for token in [GHP_A, GHP_B, TOKEN] {
        assert!(!report.contains(token), "{report}");
    }
    serde_json::from_str(&report).unwrap()
}

#[test]
fn filter_report_counts_one_token_assignment_once_and_the_rest_as_merged() {
    let line = format!("GITHUB_TOKEN={GHP_A}\n");
    for mode in [&[][..], &["--json-lines"]] {
        let path = report_path(&format!("one-{}", mode.len()));
        let out = feed(
            hush().args(mode).arg("--report").arg(&path),
            line.as_bytes(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            "GITHUB_TOKEN=[REDACTED:github-pat-classic]\n"
        );
        let v = take_report(&path);
        assert_eq!(v["redactions"]["total"], 1, "{mode:?}: {v}");
        assert_eq!(v["redactions"]["per_rule"]["github-pat-classic"], 1, "{v}");
        assert!(v["redactions"]["merged"].as_u64().unwrap() >= 1, "{v}");
        assert!(v.get("exit_code").is_none(), "{v}");
    }
}

#[test]
fn filter_report_counts_two_tokens_twice() {
    let path = report_path("two");
    let out = feed(
        hush().arg("filter").arg("--report").arg(&path),
        format!("a {GHP_A}\nb {GHP_B}\n").as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v = take_report(&path);
    assert_eq!(v["redactions"]["total"], 2, "{v}");
    assert_eq!(v["redactions"]["per_rule"]["github-pat-classic"], 2, "{v}");
    assert_eq!(v["redactions"]["merged"], 0, "{v}");
}

#[test]
fn filter_report_of_clean_input_counts_nothing() {
    let path = report_path("clean");
    let out = feed(hush().arg("--report").arg(&path), b"nothing secret here\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v = take_report(&path);
    assert_eq!(
        v,
        serde_json::json!({"redactions": {"total": 0, "per_rule": {}, "merged": 0}})
    );
}

#[test]
fn filter_report_that_cannot_be_created_stops_before_reading_input() {
    let out = feed(
        hush()
            .args(["--report", "/nonexistent/hush/r.json"])
            .stderr(Stdio::piped()),
        format!("GITHUB_TOKEN={GHP_A}\nclean line\n").as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("hush: --report /nonexistent/hush/r.json: cannot write it"),
        "{err}"
    );
}

#[test]
fn run_report_counts_one_token_assignment_once_and_the_rest_as_merged() {
    let path = report_path("run-one");
    let out = hush()
        .arg("run")
        .arg("--report")
        .arg(&path)
        .args(["--", "sh", "-c", &format!("echo GITHUB_TOKEN={GHP_A}")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v = take_report(&path);
    assert_eq!(v["redactions"]["total"], 1, "{v}");
    assert_eq!(
        v["redactions"]["per_stream"]["stdout"]["github-pat-classic"], 1,
        "{v}"
    );
    assert!(v["redactions"]["merged"].as_u64().unwrap() >= 1, "{v}");

    // Before the subcommand, as a global flag, and with two tokens.
    let out = hush()
        .arg("--report")
        .arg(&path)
        .args([
            "run",
            "--",
            "sh",
            "-c",
            &format!("echo {GHP_A}; echo {GHP_B} >&2"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v = take_report(&path);
    assert_eq!(v["redactions"]["total"], 2, "{v}");
    assert_eq!(v["redactions"]["merged"], 0, "{v}");
}

#[test]
fn filter_report_says_when_the_output_closed_before_the_input_ended() {
    let path = report_path("closed");
    let mut child = hush()
        .arg("--report")
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Closed before hush can have written anything.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(format!("GITHUB_TOKEN={GHP_A}\n").as_bytes());
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    // As for `hush < big | head`: no message, success.
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v = take_report(&path);
    assert!(v["redactions"].is_null(), "{v}");
    assert!(v["error"].as_str().unwrap().contains("Broken pipe"), "{v}");
}

#[test]
fn filter_on_a_large_file_is_the_same_on_any_number_of_threads() {
    // 9 MiB of build output with tokens, an assignment, a private key and
    // colours: over the size at which a regular file is searched in parts.
    let mut input = String::new();
    let mut i = 0;
    while input.len() < 9 << 20 {
        input.push_str(&format!("\x1b[32m   Compiling\x1b[0m crate-{i} v0.1.{i}\n"));
        match i % 997 {
            0 => input.push_str(&format!("export GITHUB_TOKEN={GHP_A}\n")),
            1 => input.push_str(&format!("a \x1b[1m{GHP_B}\x1b[0m b\n")),
            2 => input.push_str(&format!("TOKEN = \"{TOKEN}\"\n")),
            3 => input.push_str(
                "-----BEGIN OPENSSH PRIVATE KEY-----\n\
                 b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n\
                 QyNTUxOQAAACBGVMbGW+5CcDmGuTbZS6pOawUJu1qN3D2YJJ3NsECDPAAAAJhC8+mTQvPp\n\
                 kwAAAAtzc2gtZWQyNTUxOQAAACBGVMbGW+5CcDmGuTbZS6pOawUJu1qN3D2YJJ3NsECDPA\n\
                 -----END OPENSSH PRIVATE KEY-----\n",
            ),
            _ => {}
        }
        i += 1;
    }
    let file = std::env::temp_dir().join(format!("hush-threads-{}.log", std::process::id()));
    std::fs::write(&file, &input).unwrap();
    // A pipe is read as it comes, on one thread: the reference.
    let piped = feed(&mut hush(), input.as_bytes());
    assert!(piped.status.success());
    assert!(!text(&piped.stdout).contains(GHP_A));
    assert!(text(&piped.stdout).contains("[REDACTED:github-pat-classic]"));
    let mut reports = Vec::new();
    for threads in ["1", "2", "3", "8"] {
        let path = report_path(&format!("threads-{threads}"));
        let out = hush()
            .args(["--threads", threads, "--report"])
            .arg(&path)
            .stdin(std::fs::File::open(&file).unwrap())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            out.stdout == piped.stdout,
            "{threads} threads: output differs"
        );
        reports.push(take_report(&path));
    }
    std::fs::remove_file(&file).unwrap();
    assert!(reports[0]["redactions"]["total"].as_u64().unwrap() > 100);
    assert!(reports.iter().all(|r| *r == reports[0]), "{reports:?}");
}

#[test]
fn threads_is_refused_where_it_does_nothing_and_must_be_positive() {
    let out = hush()
        .args(["--threads", "2", "run", "--", "true"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--threads has no effect on `hush run`"));
    let out = hush().args(["--threads", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--threads"),
        "{}",
        text(&out.stderr)
    );
}
