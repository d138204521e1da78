//! `hush scrub FILE...`: files rewritten in place, atomically, through the
//! same scrubbers as the filter; clean files untouched; errors per file.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

// Fake GitHub classic PATs (ghp_ + 36 base62), found by the default rules.
const GHP_A: &str = "ghp_0fzMAQMEEMyIbPUf9mYQqw8x3SyRthqpvxxG";
const GHP_B: &str = "ghp_ErQHQwjyaxErPZDS3MoJaQNjCxkv5ndK0meG";

fn hush() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hush"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A folder of its own for one test, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("hush-scrub-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, content).unwrap();
        path
    }

    /// The folder's entries, sorted: the files the test made, and nothing
    /// else (no temporary file).
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `hush scrub` with `args`; checks that neither output quotes a token.
fn scrub(args: &[&str], files: &[&Path]) -> Output {
    let out = hush().arg("scrub").args(args).args(files).output().unwrap();
    for stream in [&out.stdout, &out.stderr] {
        for token in [GHP_A, GHP_B, "hunter2prod"] {
            assert!(!text(stream).contains(token), "{}", text(stream));
        }
    }
    out
}

#[test]
fn a_text_file_with_a_token_is_rewritten_redacted() {
    let dir = Scratch::new("text");
    let path = dir.file(
        "session.log",
        &format!("$ env\nGITHUB_TOKEN={GHP_A}\r\nHOME=/home/agent\nno newline at the end"),
    );
    let out = scrub(&[], &[&path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "$ env\nGITHUB_TOKEN=[REDACTED:github-pat-classic]\r\nHOME=/home/agent\nno newline at the end"
    );
    assert_eq!(
        text(&out.stderr),
        format!("{}: 1 redaction (github-pat-classic: 1)\n", path.display())
    );
    assert!(out.stdout.is_empty());
    assert_eq!(dir.names(), ["session.log"]);
}

#[test]
fn a_json_lines_transcript_is_redacted_and_every_line_stays_json() {
    let dir = Scratch::new("jsonl");
    let transcript = format!(
        concat!(
            "\n",
            r#"{{"type":"tool_call","argv":["mysql","-uroot","-phunter2prod"]}}"#,
            "\n",
            r#"{{"type":"tool_result","output":"export GITHUB_TOKEN={}\n"}}"#,
            "\n",
            r#"{{"type":"message","text":"nothing secret","n":1}}"#,
            "\n",
        ),
        GHP_A
    );
    let path = dir.file("transcript.jsonl", &transcript);
    let out = scrub(&[], &[&path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let after = fs::read_to_string(&path).unwrap();
    assert!(
        !after.contains(GHP_A) && !after.contains("hunter2prod"),
        "{after}"
    );
    // The argv value is redacted only by the JSON Lines scrubber: the file
    // was recognised as JSON Lines after its blank first line.
    assert!(
        after.contains(r#""-p[REDACTED:sensitive-flag]""#),
        "{after}"
    );
    let lines: Vec<&str> = after.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], "");
    for line in &lines[1..] {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    assert_eq!(
        lines[3],
        r#"{"type":"message","text":"nothing secret","n":1}"#
    );
}

#[test]
fn text_forces_the_text_scrubber_and_json_lines_the_json_one() {
    let dir = Scratch::new("modes");
    let event = r#"{"argv":["mysql","-uroot","-phunter2prod"]}"#;
    let path = dir.file("t.jsonl", &format!("{event}\n"));
    // Text mode does not see the argv: the file stays as it is.
    let out = scrub(&["--text"], &[&path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!("{}: unchanged\n", path.display())
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), format!("{event}\n"));

    // A first line that is not JSON makes the file text, unless forced.
    let body = format!("[INFO] starting\n{event}\n");
    let path = dir.file("t.log", &body);
    let out = scrub(&[], &[&path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(fs::read_to_string(&path).unwrap(), body);
    let out = scrub(&["--json-lines"], &[&path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .contains("[REDACTED:sensitive-flag]")
    );

    let out = scrub(&["--text", "--json-lines"], &[&path]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_clean_file_is_left_untouched() {
    let dir = Scratch::new("clean");
    let path = dir.file("clean.log", "build ok\n{\"n\":1}\n");
    // An mtime in the past, so that a rewrite could not keep it by chance.
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(past)
        .unwrap();
    let before = fs::metadata(&path).unwrap();
    let out = scrub(&[], &[&path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!("{}: unchanged\n", path.display())
    );
    let after = fs::metadata(&path).unwrap();
    assert_eq!(after.ino(), before.ino());
    assert_eq!(after.modified().unwrap(), past);
    assert_eq!(dir.names(), ["clean.log"]);
}

#[test]
fn permissions_are_kept() {
    let dir = Scratch::new("mode");
    for mode in [0o600, 0o640, 0o755] {
        let path = dir.file("secret.env", &format!("GITHUB_TOKEN={GHP_A}\n"));
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        let before = fs::metadata(&path).unwrap();
        let out = scrub(&[], &[&path]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let after = fs::metadata(&path).unwrap();
        assert_ne!(after.ino(), before.ino(), "not rewritten");
        assert_eq!(after.mode() & 0o7777, mode, "{mode:o}");
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
        assert!(!fs::read_to_string(&path).unwrap().contains(GHP_A));
    }
    assert_eq!(dir.names(), ["secret.env"]);
}

#[test]
fn dry_run_reports_the_count_and_writes_nothing() {
    let dir = Scratch::new("dry");
    let body = format!("a {GHP_A}\nb GITHUB_TOKEN={GHP_B}\n");
    let path = dir.file("two.log", &body);
    let before = fs::metadata(&path).unwrap();
    let out = scrub(&["--dry-run"], &[&path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!(
            "{}: 2 redactions (github-pat-classic: 2), not written (dry run)\n",
            path.display()
        )
    );
    assert_eq!(fs::read(&path).unwrap(), body.as_bytes());
    assert_eq!(fs::metadata(&path).unwrap().ino(), before.ino());
    assert_eq!(dir.names(), ["two.log"]);
}

#[test]
fn a_missing_file_is_one_error_and_the_others_are_still_scrubbed() {
    let dir = Scratch::new("missing");
    let first = dir.file("first.log", &format!("{GHP_A}\n"));
    let missing = dir.0.join("missing.log");
    let last = dir.file("last.log", &format!("{GHP_B}\n"));
    let out = scrub(&[], &[&first, &missing, &last]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert_eq!(
        lines[1],
        format!(
            "hush: {}: cannot open it: No such file or directory (os error 2)",
            missing.display()
        )
    );
    for path in [&first, &last] {
        assert_eq!(
            fs::read_to_string(path).unwrap(),
            "[REDACTED:github-pat-classic]\n"
        );
    }
    assert_eq!(dir.names(), ["first.log", "last.log"]);
}

#[test]
fn a_directory_and_other_non_regular_files_are_refused() {
    let dir = Scratch::new("dir");
    let sub = dir.0.join("sub");
    fs::create_dir(&sub).unwrap();
    let out = scrub(&[], &[&sub, Path::new("/dev/null")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "hush: {}: is a directory\nhush: /dev/null: not a regular file\n",
            sub.display()
        )
    );
    assert_eq!(dir.names(), ["sub"]);
}

#[test]
fn a_symbolic_link_is_followed_and_stays_a_link() {
    let dir = Scratch::new("link");
    let target = dir.file("real.log", &format!("{GHP_A}\n"));
    let link = dir.0.join("link.log");
    std::os::unix::fs::symlink("real.log", &link).unwrap();
    let out = scrub(&[], &[&link]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "[REDACTED:github-pat-classic]\n"
    );
    assert_eq!(dir.names(), ["link.log", "real.log"]);
}

#[test]
fn a_file_with_other_hard_links_is_refused() {
    // Renaming a scrubbed copy over one name would leave the secret under
    // the others.
    let dir = Scratch::new("hardlink");
    let body = format!("{GHP_A}\n");
    let path = dir.file("a.log", &body);
    fs::hard_link(&path, dir.0.join("b.log")).unwrap();
    let out = scrub(&[], &[&path]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "hush: {}: has 2 hard links; rewriting it would leave the others as they are\n",
            path.display()
        )
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), body);
}

#[test]
fn a_write_error_leaves_the_original_and_no_temporary_file() {
    // A full disk, as a file size limit: writes past 1 KiB fail with EFBIG
    // (SIGXFSZ ignored, so that the write returns the error).
    let dir = Scratch::new("full");
    let big = format!("GITHUB_TOKEN={GHP_A}\n{}", "x".repeat(100) + "\n").repeat(200);
    let big_path = dir.file("big.log", &big);
    let small_path = dir.file("small.log", &format!("{GHP_B}\n"));
    let out = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 2; exec \"$0\" scrub \"$1\" \"$2\"")
        .arg(env!("CARGO_BIN_EXE_hush"))
        .args([&big_path, &small_path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(!err.contains(GHP_A) && !err.contains(GHP_B), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with(&format!(
            "hush: {}: cannot write its scrubbed copy: ",
            big_path.display()
        )),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&big_path).unwrap(), big);
    // The next file is still scrubbed.
    assert_eq!(
        fs::read_to_string(&small_path).unwrap(),
        "[REDACTED:github-pat-classic]\n"
    );
    assert_eq!(dir.names(), ["big.log", "small.log"]);
}

#[test]
fn report_has_each_file_and_the_totals_but_no_values() {
    let dir = Scratch::new("report");
    let one = dir.file("one.log", &format!("GITHUB_TOKEN={GHP_A}\n"));
    let clean = dir.file("clean.log", "nothing\n");
    let missing = dir.0.join("missing.log");
    let report =
        std::env::temp_dir().join(format!("hush-scrub-report-{}.json", std::process::id()));
    let out = hush()
        .arg("--report")
        .arg(&report)
        .arg("scrub")
        .args([&one, &clean, &missing])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let text = fs::read_to_string(&report).unwrap();
    fs::remove_file(&report).unwrap();
    assert!(!text.contains(GHP_A), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(files[0]["changed"], true);
    assert_eq!(files[0]["mode"], "text");
    assert_eq!(files[0]["redactions"]["total"], 1);
    assert!(
        files[0]["redactions"]["merged"].as_u64().unwrap() >= 1,
        "{v}"
    );
    assert_eq!(files[1]["changed"], false);
    assert_eq!(files[1]["redactions"]["total"], 0);
    assert!(
        files[2]["error"]
            .as_str()
            .unwrap()
            .starts_with("cannot open it"),
        "{v}"
    );
    assert_eq!(v["redactions"]["total"], 1);
    assert_eq!(v["dry_run"], false);
}

#[test]
fn a_token_far_into_a_large_file_keeps_every_byte_before_and_after_it() {
    // The scrubbed copy begins at the first difference, with the original
    // copied up to it: here several read chunks in.
    let dir = Scratch::new("large");
    let lines: String = (0..20_000).map(|i| format!("line {i} ok\n")).collect();
    let body = format!("{lines}token {GHP_A} here\n{lines}");
    let path = dir.file("large.log", &body);
    let out = scrub(&[], &[&path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format!("{lines}token [REDACTED:github-pat-classic] here\n{lines}")
    );
    assert_eq!(dir.names(), ["large.log"]);
}

#[test]
fn a_large_text_file_scrubs_the_same_on_any_number_of_threads() {
    // 9 MiB: over the size at which a file is scrubbed on several threads.
    let dir = Scratch::new("threads");
    let mut content = String::new();
    let mut i = 0;
    while content.len() < 9 << 20 {
        content.push_str(&format!("\x1b[32m   Compiling\x1b[0m crate-{i} v0.1.{i}\n"));
        match i % 1009 {
            0 => content.push_str(&format!("export GITHUB_TOKEN={GHP_A}\n")),
            1 => content.push_str(&format!("b \x1b[1m{GHP_B}\x1b[0m c\n")),
            2 => content.push_str("DB_PASSWORD=hunter2prod\n"),
            _ => {}
        }
        i += 1;
    }
    let mut scrubbed = Vec::new();
    let mut reports = Vec::new();
    for threads in ["1", "2", "3"] {
        let file = dir.file(&format!("build-{threads}.log"), &content);
        let report = dir.0.join(format!("report-{threads}.json"));
        let out = scrub(
            &["--threads", threads, "--report", report.to_str().unwrap()],
            &[&file],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stderr = text(&out.stderr).replace(&format!("build-{threads}.log"), "build.log");
        scrubbed.push((fs::read(&file).unwrap(), stderr));
        let mut r: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
        r["files"][0]["path"] = serde_json::Value::Null;
        reports.push(r);
    }
    let (first, stderr) = &scrubbed[0];
    assert!(!text(first).contains(GHP_A) && !text(first).contains("hunter2prod"));
    assert!(
        stderr.contains("redactions (github-pat-classic: "),
        "{stderr}"
    );
    assert!(scrubbed.iter().all(|s| s == &scrubbed[0]), "outputs differ");
    assert!(reports.iter().all(|r| r == &reports[0]), "{reports:?}");
}
