//! `hush` as a hostile user or an ordinary agent would run it: nothing
//! secret leaves at a pause, through hush's own key, or after the command
//! exits; bad options fail before the command runs.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use common::{hush, hush_test_rules};
use std::time::{Duration, Instant};

const TOKEN: &str = "tst_Q2x9PzL7mW4kR8vN3bT6";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("hush-fc-{}-{name}", std::process::id()))
}

#[test]
fn run_idle_release_wrote_the_first_part_of_a_token_split_by_a_pause() {
    let script = format!(
        "printf '{}'; sleep 0.4; printf '{}\\n'",
        &TOKEN[..12],
        &TOKEN[12..]
    );
    let out = hush_test_rules()
        .args(["--idle-ms", "50", "run", "--", "sh", "-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "[REDACTED:test-token]\n");
}

#[test]
fn run_idle_release_leaked_a_github_token_written_in_pieces() {
    // Ten characters every 150 ms: 26 of 36 used to leak.
    let token = "ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU";
    let script: String = token
        .as_bytes()
        .chunks(10)
        .map(|c| format!("printf '{}'; sleep 0.15; ", std::str::from_utf8(c).unwrap()))
        .collect::<String>()
        + "echo";
    let out = hush()
        .args(["run", "--", "sh", "-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert_eq!(stdout, "[REDACTED:github-pat-classic]\n");
}

#[test]
fn filter_idle_release_split_a_secret_env_value() {
    let mut child = hush()
        .args([
            "--no-defaults",
            "--idle-ms",
            "50",
            "--secret-env",
            "HUSH_TEST_SESSION",
        ])
        .env("HUSH_TEST_SESSION", "s3ss10n-t0k3n-4f8a2c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    use std::io::Write;
    stdin.write_all(b"session s3ss10n-").unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    stdin.write_all(b"t0k3n-4f8a2c ok\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(text(&out.stdout), "session [REDACTED:known-secret] ok\n");
}

/// Waits for `cmd` to exit, at most `limit`; `None` if it did not.
fn output_within(cmd: &mut Command, limit: Duration) -> Option<Output> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn run_waited_forever_on_a_background_grandchild() {
    // The grandchild holds the output pipes open after `sh` exits.
    let out = output_within(
        hush_test_rules().args([
            "run",
            "--",
            "sh",
            "-c",
            &format!("sleep 5 & echo started {TOKEN}"),
        ]),
        Duration::from_secs(4),
    )
    .expect("hush run still waiting after the command exited");
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "started [REDACTED:test-token]\n");
}

#[test]
fn run_report_to_an_unwritable_path_failed_after_the_command_ran() {
    let marker = temp("ran");
    let out = hush_test_rules()
        .args([
            "run",
            "--report",
            "/nonexistent-dir/hush/report.json",
            "--",
            "touch",
        ])
        .arg(&marker)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!marker.exists(), "the command ran");
    let err = text(&out.stderr);
    assert!(
        err.contains("--report") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn mask_env_left_the_fingerprint_key_readable() {
    let key = "hk-7Qm2Zr9Lx4Vt8Wc1";
    // The command does not get hush's key at all ...
    let out = hush_test_rules()
        .args([
            "run",
            "--mask-env",
            "--",
            "sh",
            "-c",
            "echo \"key=[$HUSH_FINGERPRINT_KEY]\"",
        ])
        .env("HUSH_FINGERPRINT_KEY", key)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "key=[]\n");
    // ... and if the key reaches the output some other way, it is redacted.
    let out = hush_test_rules()
        .args(["run", "--", "printf", &format!("leaked {key}\n")])
        .env("HUSH_FINGERPRINT_KEY", key)
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "leaked [REDACTED:known-secret]\n");
}

#[test]
fn fingerprint_was_a_guessing_oracle_of_8_hex_digits() {
    let out = hush_test_rules()
        .args(["--redaction", "fingerprint", "run", "--", "echo", TOKEN])
        .env("HUSH_FINGERPRINT_KEY", "hk-7Qm2Zr9Lx4Vt8Wc1")
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    let fp = stdout
        .trim_end()
        .strip_prefix("[REDACTED:test-token:")
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(fp.len(), 16, "{stdout}");
    assert!(fp.bytes().all(|b| b.is_ascii_hexdigit()));
}

#[test]
fn a_short_fingerprint_key_is_refused() {
    let out = hush_test_rules()
        .args(["run", "--", "true"])
        .env("HUSH_FINGERPRINT_KEY", "short-key")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("HUSH_FINGERPRINT_KEY") && !err.contains("short-key"),
        "{err}"
    );
}

#[test]
fn a_refused_short_secret_did_not_say_which_variable_or_line() {
    let out = hush_test_rules()
        .args(["--secret-env", "SHORTY", "run", "--", "true"])
        .env("SHORTY", "abc")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("SHORTY") && !err.contains("abc"), "{err}");

    let path = temp("secrets");
    std::fs::write(&path, "first-s3cret-value\nxyz\n").unwrap();
    let out = hush_test_rules()
        .arg("--secret-file")
        .arg(&path)
        .args(["run", "--", "true"])
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains(":2:") && !err.contains("xyz"), "{err}");
}
