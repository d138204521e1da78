//! `hush` finds its config as gitleaks and secretlint users expect:
//! `--config`, `$HUSH_CONFIG`, the nearest `.hush.toml`; `--no-config`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const TOKEN: &str = "ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU";

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hush-cli-config-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("project/sub")).unwrap();
    // A repository root, so discovery never looks above the test's folder.
    std::fs::create_dir_all(dir.join("project/.git")).unwrap();
    std::fs::write(
        dir.join("project/.hush.toml"),
        "[hush]\nredaction = \"mask\"\n",
    )
    .unwrap();
    dir
}

fn filter(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hush"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("HUSH_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("t {TOKEN}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_config_in_a_parent_folder_is_found_and_used() {
    let dir = temp("parent");
    let sub = dir.join("project/sub");
    assert_eq!(filter(&sub, &[], &[]).0, "t ghp_[REDACTED]\n");
    assert_eq!(
        filter(&sub, &["--no-config"], &[]).0,
        "t [REDACTED:github-pat-classic]\n"
    );
    // The command line wins over the file.
    assert_eq!(
        filter(&sub, &["--redaction", "label"], &[]).0,
        "t [REDACTED:github-pat-classic]\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hush_config_and_config_flag_name_the_file() {
    let dir = temp("explicit");
    let other = dir.join("other.toml");
    std::fs::write(&other, "[hush]\nredaction = \"fingerprint\"\n").unwrap();
    let env = [("HUSH_FINGERPRINT_KEY", "test-fingerprint-key-0123456789")];
    let (out, _) = filter(&dir, &["--config", other.to_str().unwrap()], &env);
    assert!(out.starts_with("t [REDACTED:github-pat-classic:"), "{out}");
    let (out, _) = filter(
        &dir,
        &[],
        &[("HUSH_CONFIG", other.to_str().unwrap()), env[0]],
    );
    assert!(out.starts_with("t [REDACTED:github-pat-classic:"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rules_says_which_config_was_loaded() {
    let dir = temp("rules");
    let out = Command::new(env!("CARGO_BIN_EXE_hush"))
        .arg("rules")
        .current_dir(dir.join("project/sub"))
        .env_remove("HUSH_CONFIG")
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("project/.hush.toml"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_config_fails_closed_with_a_one_line_error() {
    let dir = temp("broken");
    std::fs::write(
        dir.join("project/.hush.toml"),
        "[hush]\nidle_ms = \"soon\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hush"))
        .args(["run", "--", "true"])
        .current_dir(dir.join("project/sub"))
        .env_remove("HUSH_CONFIG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(".hush.toml") && !err.contains("soon"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn completions_and_man_page_come_from_the_argument_definitions() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Command::new(env!("CARGO_BIN_EXE_hush"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        // Every flag the parser knows is completed.
        for flag in ["json-lines", "mask-env", "no-config", "secret-env"] {
            assert!(text.contains(flag), "{shell}: {flag}");
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_hush"))
        .arg("man")
        .output()
        .unwrap();
    assert!(out.status.success());
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(
        man.starts_with(".ie") && man.contains(".TH hush 1"),
        "{man}"
    );
    assert!(man.contains("json\\-lines"), "{man}");
}
