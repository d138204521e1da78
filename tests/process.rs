//! The command runner: `hush::process` through its API, and `hush run`
//! (`--pty`, signals) with real child processes.
//!
//! Signals are sent as a terminal or a supervisor would: to hush's process
//! group (the terminal's Ctrl-C) or to hush alone (`kill`). Each test that
//! sends one starts hush in a process group of its own, so that nothing
//! else in the test process is hit. Tests that need a terminal on hush's
//! standard input run it under `script`.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hush::process::{Sink, TextSink, WindowSize};

const TOKEN: &str = "tst_Q2x9PzL7mW4kR8vN3bT6";

fn test_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules/test-token.toml")
}

fn hush_bin() -> &'static str {
    env!("CARGO_BIN_EXE_hush")
}

/// `hush --no-defaults --rules tests/rules/test-token.toml run [flags] --`
/// followed by `args`.
fn hush_run(flags: &[&str], args: &[&str]) -> Command {
    let mut cmd = Command::new(hush_bin());
    cmd.arg("--no-defaults")
        .arg("--rules")
        .arg(test_rules())
        .arg("run")
        .args(flags)
        .arg("--")
        .args(args);
    cmd
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn scrubber() -> hush::Scrubber {
    hush::Scrubber::builder()
        .defaults(false)
        .add_rules_file(test_rules())
        .build()
        .unwrap()
}

/// Starts `cmd` in a process group of its own, its stdout piped.
fn spawn_alone(cmd: &mut Command) -> Child {
    cmd.process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

fn read_line(out: &mut BufReader<ChildStdout>) -> String {
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    line.trim_end().to_string()
}

/// `kill -SIG target` (a pid, or `-pgid` for a group).
fn kill(sig: &str, target: &str) {
    let status = Command::new("kill")
        .args([&format!("-{sig}"), "--", target])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{sig} {target}");
}

/// The process group of process `pid`, from `/proc/PID/stat` (field 5).
fn pgid_of(pid: u32) -> u32 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    after_name.split(' ').nth(2).unwrap().parse().unwrap()
}

/// The live (not zombie) processes of group `pgid`.
fn live_in_group(pgid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let fields: Vec<&str> = stat[close + 2..].split(' ').collect();
        if fields[0] != "Z" && fields[2].parse() == Ok(pgid) {
            found.push(pid);
        }
    }
    found
}

/// Waits (up to a deadline that only guards against a hang) for group
/// `pgid` to have no live process; returns those left, after killing them.
fn left_in_group(pgid: u32) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let live = live_in_group(pgid);
        if live.is_empty() {
            return live;
        }
        if Instant::now() > deadline {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pgid}")])
                .status();
            return live;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits for `child`, killing it if it has not ended after 30 s (a test
/// that hangs fails instead of blocking the suite).
fn wait_or_kill(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hush did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `command` (a shell command line) under `script`, so that hush's
/// standard input and output are a terminal, and types each piece of
/// `typed` after a pause (a Ctrl-C flushes what was typed and not yet
/// read, as on a real terminal).
fn under_terminal(command: &str, typed: &[&[u8]]) -> Output {
    let mut child = Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the `script` command (util-linux)");
    let mut stdin = child.stdin.take().unwrap();
    let typed: Vec<Vec<u8>> = typed.iter().map(|t| t.to_vec()).collect();
    let typist = std::thread::spawn(move || {
        for piece in typed {
            std::thread::sleep(Duration::from_millis(400));
            let _ = stdin.write_all(&piece);
            let _ = stdin.flush();
        }
        // Keep the terminal open until the command has ended.
        std::thread::sleep(Duration::from_secs(5));
    });
    // Collect the output while waiting, and give up on a hang.
    let mut stdout = child.stdout.take().unwrap();
    let collector = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let status = wait_or_kill(&mut child);
    drop(typist);
    Output {
        status,
        stdout: collector.join().unwrap(),
        stderr: Vec::new(),
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The `hush run` command line for `under_terminal`.
fn hush_run_line(flags: &str, script: &str) -> String {
    format!(
        "{} --no-defaults --rules {} run {flags} -- sh -c {}",
        shell_quote(hush_bin()),
        shell_quote(test_rules().to_str().unwrap()),
        shell_quote(script)
    )
}

/// A sink that keeps what it is given in a shared buffer, unscrubbed, and
/// counts its calls: for checking what the runner hands a sink.
#[derive(Clone, Default)]
struct Recorder {
    bytes: Arc<Mutex<Vec<u8>>>,
    finished: Arc<Mutex<u32>>,
}

impl Sink for Recorder {
    fn push(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        self.bytes.lock().unwrap().extend_from_slice(chunk);
        Ok(())
    }
    fn release_idle(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn held(&self) -> usize {
        0
    }
    fn finish(&mut self) -> std::io::Result<()> {
        *self.finished.lock().unwrap() += 1;
        Ok(())
    }
    fn redactions(&self) -> Vec<(String, u64)> {
        vec![(
            "recorded".to_string(),
            self.bytes.lock().unwrap().len() as u64,
        )]
    }
}

/// A writer into a shared buffer, for a `TextSink` whose output the test
/// reads after the run.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn text(&self) -> String {
        text(&self.0.lock().unwrap())
    }
}

// The library API.

#[test]
fn library_run_scrubs_each_stream_and_reports_the_exit_code() {
    let scrubber = scrubber();
    let (out, err) = (Shared::default(), Shared::default());
    let outcome = hush::process::Command::new("sh")
        .args([
            "-c",
            &format!("echo out {TOKEN}; echo err {TOKEN} {TOKEN} >&2; exit 7"),
        ])
        .run(
            TextSink::new(&scrubber, out.clone()),
            TextSink::new(&scrubber, err.clone()),
        )
        .unwrap();
    assert_eq!(outcome.code(), 7);
    assert_eq!(outcome.signal(), None);
    assert_eq!(out.text(), "out [REDACTED:test-token]\n");
    assert_eq!(
        err.text(),
        "err [REDACTED:test-token] [REDACTED:test-token]\n"
    );
    assert_eq!(
        outcome.stdout().redactions(),
        [("test-token".to_string(), 1)]
    );
    assert_eq!(
        outcome.stderr().redactions(),
        [("test-token".to_string(), 2)]
    );
    assert!(outcome.stdout().error().is_none());
}

#[test]
fn library_run_reports_merged_findings_per_stream() {
    // The default rules: the GitHub rule and a generic assignment rule both
    // find the token in `GITHUB_TOKEN=ghp_...`; one redaction, one merged.
    let scrubber = hush::Scrubber::builder().build().unwrap();
    let token = "ghp_ErQHQwjyaxErPZDS3MoJaQNjCxkv5ndK0meG";
    let script = format!(r#"echo GITHUB_TOKEN={token}; echo '{{"t":"GITHUB_TOKEN={token}"}}' >&2"#);
    let outcome = hush::process::Command::new("sh")
        .args(["-c", &script])
        .run(
            TextSink::new(&scrubber, Shared::default()),
            hush::process::JsonLinesSink::new(&scrubber, Shared::default()),
        )
        .unwrap();
    for stream in [outcome.stdout(), outcome.stderr()] {
        assert_eq!(stream.redactions(), [("github-pat-classic".to_string(), 1)]);
        assert!(stream.merged() >= 1, "{}", stream.merged());
    }
}

#[test]
fn library_run_reports_death_by_signal_as_128_plus_n() {
    let scrubber = scrubber();
    let outcome = hush::process::Command::new("sh")
        .args(["-c", "kill -TERM $$"])
        .run(
            TextSink::new(&scrubber, Vec::new()),
            TextSink::new(&scrubber, Vec::new()),
        )
        .unwrap();
    assert_eq!(outcome.code(), 128 + 15);
    assert_eq!(outcome.signal(), Some(15));
}

#[test]
fn library_run_counts_a_secret_held_until_the_end() {
    // No newline: the token is held until the stream ends, and still
    // counted.
    let scrubber = scrubber();
    let out = Shared::default();
    let outcome = hush::process::Command::new("printf")
        .arg(format!("tail {TOKEN}"))
        .run(
            TextSink::new(&scrubber, out.clone()),
            TextSink::new(&scrubber, Vec::new()),
        )
        .unwrap();
    assert_eq!(out.text(), "tail [REDACTED:test-token]");
    assert_eq!(
        outcome.stdout().redactions(),
        [("test-token".to_string(), 1)]
    );
}

#[test]
fn library_run_hands_each_stream_to_its_own_sink() {
    let (out, err) = (Recorder::default(), Recorder::default());
    let outcome = hush::process::Command::new("sh")
        .args(["-c", "printf abc; printf defgh >&2"])
        .run(out.clone(), err.clone())
        .unwrap();
    assert_eq!(outcome.code(), 0);
    assert_eq!(*out.bytes.lock().unwrap(), b"abc");
    assert_eq!(*err.bytes.lock().unwrap(), b"defgh");
    assert_eq!(*out.finished.lock().unwrap(), 1);
    assert_eq!(*err.finished.lock().unwrap(), 1);
    assert_eq!(outcome.stdout().redactions(), [("recorded".to_string(), 3)]);
    assert_eq!(outcome.stderr().redactions(), [("recorded".to_string(), 5)]);
}

#[test]
fn library_run_fails_to_spawn_with_a_message_that_quotes_nothing() {
    for pty in [false, true] {
        let out = Recorder::default();
        let err = hush::process::Command::new("/nonexistent/hush-test-secret-name")
            .pty(pty)
            .run(out.clone(), Recorder::default())
            .map(|_| text(&out.bytes.lock().unwrap()))
            .unwrap_err();
        assert!(err.is_spawn() && err.not_found(), "pty {pty}: {err}");
        assert!(!err.to_string().contains("secret-name"), "pty {pty}: {err}");

        let err =
            hush::process::Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
                .pty(pty)
                .run(Recorder::default(), Recorder::default())
                .unwrap_err();
        assert!(err.is_spawn() && !err.not_found(), "pty {pty}: {err}");
    }
}

#[test]
fn pty_window_size_is_the_one_given() {
    let scrubber = scrubber();
    let out = Shared::default();
    hush::process::Command::new("stty")
        .arg("size")
        .pty(true)
        .inherit_stdin(false)
        .window_size(WindowSize {
            rows: 37,
            cols: 113,
        })
        .run(
            TextSink::new(&scrubber, out.clone()),
            TextSink::new(&scrubber, Vec::new()),
        )
        .unwrap();
    assert_eq!(out.text(), "37 113\r\n");
}

#[test]
fn pty_gives_both_streams_to_the_stdout_sink_in_order() {
    let (out, err) = (Recorder::default(), Recorder::default());
    let script = "i=0; while [ $i -lt 200 ]; do echo out $i; echo err $i >&2; i=$((i+1)); done";
    hush::process::Command::new("sh")
        .args(["-c", script])
        .pty(true)
        .inherit_stdin(false)
        .run(out.clone(), err.clone())
        .unwrap();
    let expected: String = (0..200)
        .map(|i| format!("out {i}\r\nerr {i}\r\n"))
        .collect();
    assert_eq!(text(&out.bytes.lock().unwrap()), expected);
    assert!(err.bytes.lock().unwrap().is_empty());
    assert_eq!(*err.finished.lock().unwrap(), 1);
}

#[test]
fn library_run_without_stdin_gives_an_empty_input() {
    for pty in [false, true] {
        let scrubber = scrubber();
        let mut out = TextSink::new(&scrubber, Vec::new());
        let outcome = hush::process::Command::new("sh")
            .args(["-c", "if read x; then echo \"read $x\"; else echo eof; fi"])
            .pty(pty)
            .inherit_stdin(false)
            .run(&mut out, Recorder::default())
            .unwrap();
        assert_eq!(outcome.code(), 0);
        let expected: &[u8] = if pty { b"eof\r\n" } else { b"eof\n" };
        assert_eq!(out.into_inner(), expected, "pty {pty}");
    }
}

// `hush run --pty`.

#[test]
fn pty_command_sees_a_terminal() {
    let out = hush_run(&["--pty"], &["sh", "-c", "test -t 1 && echo tty-yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "tty-yes\r\n");
}

#[test]
fn pty_output_is_scrubbed_including_dev_tty_and_stderr() {
    let script = format!(
        "printf 'out {TOKEN}\\n'; printf 'err {TOKEN}\\n' >&2; printf 'tty {TOKEN}\\n' > /dev/tty; exit 3"
    );
    let out = hush_run(&["--pty"], &["sh", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        text(&out.stdout),
        "out [REDACTED:test-token]\r\nerr [REDACTED:test-token]\r\ntty [REDACTED:test-token]\r\n"
    );
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn pty_crlf_line_ends_a_secret_and_is_kept() {
    // The terminal writes \r\n; a token before it, or split by a pause
    // just before it, is still one whole redaction.
    let script = format!("printf '{TOKEN}'; sleep 0.3; printf '\\r\\nnext {TOKEN}\\r\\n'");
    let out = hush_run(&["--pty", "--idle-ms", "50"], &["sh", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        "[REDACTED:test-token]\r\r\nnext [REDACTED:test-token]\r\r\n"
    );
}

#[test]
fn pty_passes_piped_stdin_without_echo() {
    let mut child = hush_run(&["--pty"], &["sh", "-c", "read x; echo \"got $x\""])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{TOKEN}\n").as_bytes())
        .unwrap();
    let status = wait_or_kill(&mut child);
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(out, "got [REDACTED:test-token]\r\n");
}

#[test]
fn pty_with_a_terminal_forwards_typed_input_and_ctrl_c_once() {
    // hush's stdin is a terminal (in raw mode): typed bytes go to the PTY,
    // where Ctrl-C becomes one SIGINT for the command.
    let script = "n=0; trap 'n=$((n+1))' INT; echo ready; read x; echo \"got $x\"; \
                  i=0; while [ $i -lt 10 ]; do sleep 0.1; i=$((i+1)); done; echo \"ints $n\"";
    let out = under_terminal(
        &hush_run_line("--pty", script),
        &[format!("{TOKEN}\n").as_bytes(), b"\x03"],
    );
    let shown = text(&out.stdout);
    assert!(!shown.contains(TOKEN), "{shown:?}");
    assert!(shown.contains("got [REDACTED:test-token]\r\n"), "{shown:?}");
    assert!(shown.contains("ints 1\r\n"), "{shown:?}");
}

// Signals.

#[test]
fn sigterm_orphaned_grandchildren() {
    for flags in [&[][..], &["--pty"][..]] {
        let mut hush = spawn_alone(&mut hush_run(
            flags,
            &["sh", "-c", "echo $$; sleep 30 & sleep 30 & wait"],
        ));
        let mut out = BufReader::new(hush.stdout.take().unwrap());
        let child: u32 = read_line(&mut out).parse().unwrap();
        let group = pgid_of(child);
        // Both sleeps started.
        let deadline = Instant::now() + Duration::from_secs(10);
        while live_in_group(group).len() < 3 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        kill("TERM", &hush.id().to_string());
        let status = wait_or_kill(&mut hush);
        assert_eq!(status.code(), Some(128 + 15), "{flags:?}");
        assert_eq!(left_in_group(group), Vec::<u32>::new(), "{flags:?}");
    }
}

#[test]
fn ctrl_c_reached_the_child_twice() {
    // A terminal sends Ctrl-C to its foreground group: here, hush's group.
    // The command must count one SIGINT, from hush, not one from the
    // terminal and one forwarded.
    let script = "n=0; trap 'n=$((n+1))' INT; echo $$; \
                  i=0; while [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; echo \"ints $n\"";
    let mut hush = spawn_alone(&mut hush_run(&[], &["sh", "-c", script]));
    let mut out = BufReader::new(hush.stdout.take().unwrap());
    let child: u32 = read_line(&mut out).parse().unwrap();
    assert_ne!(pgid_of(child), hush.id(), "the command shares hush's group");
    kill("INT", &format!("-{}", hush.id()));
    let status = wait_or_kill(&mut hush);
    assert_eq!(read_line(&mut out), "ints 1");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn ctrl_c_from_a_terminal_reaches_a_piped_child_once() {
    // With a terminal on stdin and no PTY, the command's group is the
    // terminal's foreground while it runs: the terminal's Ctrl-C goes to it
    // alone, and it may read the terminal.
    let script = "n=0; trap 'n=$((n+1))' INT; echo ready; read x; echo \"got $x\"; \
                  i=0; while [ $i -lt 10 ]; do sleep 0.1; i=$((i+1)); done; echo \"ints $n\"";
    let out = under_terminal(&hush_run_line("", script), &[b"typed\n", b"\x03"]);
    let shown = text(&out.stdout);
    assert!(shown.contains("got typed"), "{shown:?}");
    assert!(shown.contains("ints 1"), "{shown:?}");
}

#[test]
fn sighup_killed_hush_without_forwarding() {
    for flags in [&[][..], &["--pty"][..]] {
        let script = "trap 'echo got-hup; exit 0' HUP; echo $$; while :; do sleep 0.1; done";
        let mut hush = spawn_alone(&mut hush_run(flags, &["sh", "-c", script]));
        let mut out = BufReader::new(hush.stdout.take().unwrap());
        let child: u32 = read_line(&mut out).parse().unwrap();
        kill("HUP", &hush.id().to_string());
        let status = wait_or_kill(&mut hush);
        // A command left running (what broke) is not left behind.
        let _ = Command::new("kill")
            .args(["-KILL", &child.to_string()])
            .status();
        // Under a PTY, the shell's note on its killed `sleep` comes first.
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        assert!(rest.contains("got-hup"), "{flags:?}: {rest:?}");
        assert_eq!(status.code(), Some(0), "{flags:?}");
    }
}

#[test]
fn sigquit_killed_hush_without_forwarding() {
    for flags in [&[][..], &["--pty"][..]] {
        let script = "trap 'echo got-quit; exit 0' QUIT; echo $$; while :; do sleep 0.1; done";
        let mut hush = spawn_alone(&mut hush_run(flags, &["sh", "-c", script]));
        let mut out = BufReader::new(hush.stdout.take().unwrap());
        let child: u32 = read_line(&mut out).parse().unwrap();
        kill("QUIT", &hush.id().to_string());
        let status = wait_or_kill(&mut hush);
        // A command left running (what broke) is not left behind.
        let _ = Command::new("kill")
            .args(["-KILL", &child.to_string()])
            .status();
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        assert!(rest.contains("got-quit"), "{flags:?}: {rest:?}");
        assert_eq!(status.code(), Some(0), "{flags:?}");
    }
}

#[test]
fn pty_background_process_holding_the_terminal_gets_the_grace_period() {
    // A background process that ignores SIGHUP keeps the PTY open after
    // the command exits: hush ends after the grace period all the same.
    let script = format!("(trap '' HUP; sleep 30) & echo $$; echo done {TOKEN}");
    let mut hush = spawn_alone(&mut hush_run(&["--pty"], &["sh", "-c", &script]));
    let mut out = BufReader::new(hush.stdout.take().unwrap());
    let child: u32 = read_line(&mut out).parse().unwrap();
    let status = wait_or_kill(&mut hush);
    assert_eq!(status.code(), Some(0));
    assert_eq!(read_line(&mut out), "done [REDACTED:test-token]");
    // Not the subject here: the sleep is cleaned up.
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{child}")])
        .status();
}

#[test]
fn ctrl_z_on_the_terminal_does_not_leave_the_command_stopped() {
    // The command holds the terminal's foreground, so Ctrl-Z stops it.
    // hush follows (stops too, where a shell does job control; here it
    // cannot), then continues it: the command runs to its end.
    let script = "echo ready; sleep 1; echo finished";
    let out = under_terminal(&hush_run_line("", script), &[b"\x1a"]);
    let shown = text(&out.stdout);
    assert!(shown.contains("finished"), "{shown:?}");
    assert_eq!(out.status.code(), Some(0), "{shown:?}");
}

#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<hush::process::Command>();
    send_sync::<hush::process::Outcome>();
    send_sync::<hush::process::StreamOutcome>();
    send_sync::<hush::process::RunError>();
    send_sync::<hush::process::WindowSize>();
    send_sync::<TextSink<Vec<u8>>>();
}

#[test]
fn pty_report_counts_the_terminal_under_stdout() {
    let dir = std::env::temp_dir().join(format!("hush-process-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join("r.json");
    let script = format!("echo {TOKEN}; echo {TOKEN} >&2");
    let out = hush_run(
        &["--pty", "--report", report.to_str().unwrap()],
        &["sh", "-c", &script],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(summary["redactions"]["total"], 2);
    assert_eq!(
        summary["redactions"]["per_stream"]["stdout"]["test-token"],
        2
    );
    assert_eq!(
        summary["redactions"]["per_stream"]["stderr"],
        serde_json::json!({})
    );
    assert!(!summary.to_string().contains(TOKEN));
}
