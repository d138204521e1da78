//! The `hush` command: scrub stdin to stdout, wrap a command and scrub its
//! output live, check rule files, list rules.
//!
//! This is the only code in the crate that prints.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

/// Exit codes, as documented in `hush --help`.
const EXIT_OK: u8 = 0;
const EXIT_PROBLEMS: u8 = 1;
const EXIT_ERROR: u8 = 2;
const EXIT_CANNOT_EXECUTE: u8 = 126;
const EXIT_NOT_FOUND: u8 = 127;

#[derive(Parser)]
#[command(
    name = "hush",
    version,
    about = "Remove secrets from output before it leaves the process.",
    after_help = "\
With no command, hush reads standard input and writes it to standard output with every \
secret replaced by [REDACTED:<rule-id>]. Output is byte-exact outside redactions and \
leaves line by line; an unfinished line (a prompt) is released after --idle-ms.

Exit codes:
  0    success
  1    `hush check` found problems
  2    bad usage, unreadable or invalid rules (`hush run` then never starts the command),
       an I/O error, or an internal error (a bug: output stops at once)
  126  `hush run`: the command cannot be executed
  127  `hush run`: the command was not found
  N    `hush run`: the command's own exit code; 128+N when it was killed by signal N"
)]
struct Cli {
    /// Add the rules of a rule file (repeatable).
    #[arg(long = "rules", value_name = "FILE", global = true)]
    rules: Vec<PathBuf>,
    /// Do not load the embedded default rules.
    #[arg(long, global = true)]
    no_defaults: bool,
    /// Release an unfinished line (a prompt) after this many milliseconds
    /// without new input.
    #[arg(long, value_name = "MS", default_value_t = 100, global = true)]
    idle_ms: u64,
    /// Also redact the values of this process's environment variables whose
    /// names mark them as secret (*TOKEN*, *SECRET*, *PASSWORD*, *PASSWD*,
    /// *API_KEY*, *PRIVATE_KEY*, *ACCESS_KEY*, *CREDENTIAL*,
    /// *CONNECTION_STRING*; *_URL: the password in the URL), in their
    /// common encodings too.
    #[arg(long, global = true)]
    mask_env: bool,
    /// Also redact the value of this environment variable (repeatable).
    #[arg(long = "secret-env", value_name = "NAME", global = true)]
    secret_env: Vec<String>,
    /// Also redact every line of this file, one secret per line (repeatable).
    #[arg(long = "secret-file", value_name = "FILE", global = true)]
    secret_file: Vec<PathBuf>,
    /// How secrets are replaced: label ([REDACTED:rule-id]), mask (keep a
    /// provider prefix: ghp_[REDACTED]) or fingerprint ([REDACTED:rule-id:1a2b3c4d],
    /// keyed by $HUSH_FINGERPRINT_KEY or a random per-process key).
    #[arg(long, value_name = "STYLE", default_value = "label", global = true)]
    redaction: String,
    /// Filter: read JSON Lines and scrub each event structurally (values
    /// under sensitive keys, argv, command lines); every line stays valid
    /// JSON. A line that is not JSON is scrubbed as text.
    #[arg(long, global = true)]
    json_lines: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Read standard input, write it to standard output with secrets
    /// redacted (the default).
    Filter,
    /// Run a command, scrubbing its standard output and standard error live.
    Run {
        /// Write a JSON summary (redaction counts per rule and stream, never
        /// values) to this file when the command ends.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// The command and its arguments.
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<std::ffi::OsString>,
    },
    /// Validate rule files and run their examples. Prints one line per rule
    /// (examples, negative examples, keyword presence, maximum match length,
    /// compile time), then each problem.
    Check {
        /// Also require a known category, a description, two examples and
        /// one negative example per rule.
        #[arg(long)]
        strict: bool,
        /// Print only problems and the summary.
        #[arg(long, short)]
        quiet: bool,
        /// Rule files to check.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// List the loaded rules: id, category, description (tab-separated).
    Rules {
        /// Print counts per category and per file instead.
        #[arg(long)]
        stats: bool,
    },
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed stdout (`hush < big | head`) is not worth a message.
            if let Some(io) = err.downcast_ref::<io::Error>()
                && io.kind() == io::ErrorKind::BrokenPipe
            {
                return ExitCode::from(EXIT_OK);
            }
            eprintln!("hush: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// What a panic prints: one line, the same for every panic. A panic's
/// payload and location may quote the input it failed on, a secret.
fn panic_line(_info: &std::panic::PanicHookInfo<'_>) -> &'static str {
    "hush: internal error (a bug); output stopped"
}

/// Makes a panic on any thread end the process at once, failing closed:
/// [`panic_line`] on standard error and exit code 2, with no unwinding, so
/// that nothing more is written (a dropped writer would write its held
/// tail) and no thread goes on as if nothing had happened.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let _ = writeln!(io::stderr(), "{}", panic_line(info));
        std::process::exit(i32::from(EXIT_ERROR));
    }));
}

fn run(cli: Cli) -> Result<u8> {
    let idle = Duration::from_millis(cli.idle_ms);
    match cli.command {
        None | Some(Command::Filter) => {
            let scrubber = build(&cli)?;
            if cli.json_lines {
                json_lines(&scrubber, io::stdin().lock(), raw_stdout()?)?;
            } else {
                pump(&scrubber, io::stdin(), raw_stdout()?, idle)?;
            }
            Ok(EXIT_OK)
        }
        Some(Command::Run {
            ref report,
            ref command,
        }) => {
            // Fail closed: no rules (or a secret that cannot be
            // registered), no command.
            let scrubber = build(&cli)?;
            run_command(&scrubber, command, idle, report.as_deref())
        }
        Some(Command::Check {
            strict,
            quiet,
            ref files,
        }) => check(files, strict, quiet),
        Some(Command::Rules { stats }) => {
            let scrubber = build(&cli)?;
            let mut out = io::stdout().lock();
            if stats {
                let mut per_category: BTreeMap<&str, usize> = BTreeMap::new();
                let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
                for rule in scrubber.rules() {
                    *per_category.entry(rule.category()).or_default() += 1;
                    *per_file
                        .entry(rule.file().display().to_string())
                        .or_default() += 1;
                }
                writeln!(out, "rules\t{}", scrubber.rules().len())?;
                writeln!(out, "longest match\t{} bytes", scrubber.max_match_len())?;
                writeln!(out, "\nper category:")?;
                for (cat, n) in &per_category {
                    writeln!(out, "{n:5}  {cat}")?;
                }
                writeln!(out, "\nper file:")?;
                for (file, n) in &per_file {
                    writeln!(out, "{n:5}  {file}")?;
                }
            } else {
                for rule in scrubber.rules() {
                    writeln!(
                        out,
                        "{}\t{}\t{}",
                        rule.id(),
                        rule.category(),
                        rule.description()
                    )?;
                }
            }
            out.flush()?;
            Ok(EXIT_OK)
        }
    }
}

fn build(cli: &Cli) -> Result<hush::Scrubber> {
    let mut builder = hush::Scrubber::builder();
    builder.defaults(!cli.no_defaults);
    for path in &cli.rules {
        builder.add_rules_file(path);
    }
    let style = match cli.redaction.as_str() {
        "label" => hush::Redaction::Label,
        "mask" => hush::Redaction::Mask,
        "fingerprint" => hush::Redaction::Fingerprint,
        other => bail!("--redaction must be label, mask or fingerprint, not {other:?}"),
    };
    builder.redaction(style);
    if let Some(key) = std::env::var_os("HUSH_FINGERPRINT_KEY") {
        builder.fingerprint_key(key.as_encoded_bytes());
    }
    if cli.mask_env {
        for (name, value) in std::env::vars_os() {
            let (Some(name), Some(value)) = (name.to_str(), value.to_str()) else {
                continue;
            };
            if let Some(secret) = hush::env_secret(name, value) {
                if secret.len() < hush::MIN_KNOWN_SECRET_LEN {
                    eprintln!(
                        "hush: --mask-env: the value of {name} is shorter than {} bytes; not masked",
                        hush::MIN_KNOWN_SECRET_LEN
                    );
                } else {
                    builder.known_secret(secret);
                }
            }
        }
    }
    for name in &cli.secret_env {
        let value = std::env::var_os(name)
            .with_context(|| format!("--secret-env {name}: the variable is not set"))?;
        builder.known_secret(value.as_encoded_bytes());
    }
    for path in &cli.secret_file {
        let text = std::fs::read(path)
            .with_context(|| format!("--secret-file {}: cannot read it", path.display()))?;
        for line in text.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.is_empty() {
                builder.known_secret(line);
            }
        }
    }
    let scrubber = builder.build().context("cannot load rules")?;
    if scrubber.rules().len() == 0 && scrubber.known_secrets().is_empty() {
        bail!("cannot load rules: no rules to run (--no-defaults without --rules)");
    }
    Ok(scrubber)
}

/// Scrubs a JSON Lines stream event by event. A line that parses as JSON is
/// scrubbed structurally and written back as JSON (unchanged lines byte for
/// byte); any other line is scrubbed as text.
fn json_lines(
    scrubber: &hush::Scrubber,
    mut input: impl io::BufRead,
    mut output: File,
) -> Result<()> {
    let mut line = Vec::new();
    loop {
        line.clear();
        if input
            .read_until(b'\n', &mut line)
            .context("reading standard input")?
            == 0
        {
            return Ok(());
        }
        let body_len =
            line.len() - line.ends_with(b"\n") as usize - line.ends_with(b"\r\n") as usize;
        let (body, ending) = line.split_at(body_len);
        let mut out: Vec<u8> = match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(mut event) => {
                if scrubber.scrub_json(&mut event) {
                    serde_json::to_vec(&event)?
                } else {
                    body.to_vec()
                }
            }
            Err(_) => scrubber.scrub(body).into_owned(),
        };
        out.extend_from_slice(ending);
        output.write_all(&out)?;
    }
}

/// Standard output as an unbuffered file, so that what the scrubber passes
/// on leaves at once (`io::Stdout` would hold an unfinished line).
fn raw_stdout() -> Result<File> {
    Ok(File::from(io::stdout().as_fd().try_clone_to_owned()?))
}

fn raw_stderr() -> Result<File> {
    Ok(File::from(io::stderr().as_fd().try_clone_to_owned()?))
}

/// Copies `input` to `output` through a scrubbing writer, and returns the
/// redaction counts.
///
/// A thread reads `input` and hands over chunks as they arrive. When
/// nothing arrives for `idle` while bytes are held (a prompt waiting for an
/// answer), they are flushed: every complete match in them is still
/// redacted.
fn pump<R, W>(
    scrubber: &hush::Scrubber,
    input: R,
    output: W,
    idle: Duration,
) -> Result<BTreeMap<String, u64>>
where
    R: Read + Send + 'static,
    W: Write,
{
    let (tx, rx) = mpsc::sync_channel::<io::Result<Vec<u8>>>(4);
    let reader = thread::spawn(move || {
        let mut input = input;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if tx.send(Ok(buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    break;
                }
            }
        }
    });
    let mut w = scrubber.writer(output);
    let result = loop {
        match rx.recv_timeout(idle) {
            Ok(Ok(chunk)) => {
                if let Err(e) = w.write_all(&chunk) {
                    break Err(e);
                }
            }
            Ok(Err(e)) => break Err(e),
            Err(RecvTimeoutError::Timeout) => {
                if w.held() > 0
                    && let Err(e) = w.flush()
                {
                    break Err(e);
                }
            }
            Err(RecvTimeoutError::Disconnected) => break Ok(()),
        }
    };
    let counts = w
        .redactions()
        .into_iter()
        .map(|(id, n)| (id.to_string(), n))
        .collect();
    // On an output error, dropping the receiver stops the reader thread at
    // its next chunk; the dropped writer still writes its tail, redacted.
    drop(rx);
    match result {
        Ok(()) => {
            w.finish()?;
        }
        Err(e) => {
            drop(w);
            return Err(e.into());
        }
    }
    let _ = reader.join();
    Ok(counts)
}

fn run_command(
    scrubber: &hush::Scrubber,
    command: &[std::ffi::OsString],
    idle: Duration,
    report: Option<&Path>,
) -> Result<u8> {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    use signal_hook::consts::{SIGINT, SIGTERM};
    use std::os::unix::process::ExitStatusExt;

    // Handle the signals before the child exists, so none is lost between
    // spawning it and forwarding.
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .context("cannot install signal handlers")?;
    let handle = signals.handle();

    let mut child = match Process::new(&command[0])
        .args(&command[1..])
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            let name = command[0].to_string_lossy();
            let code = match e.kind() {
                io::ErrorKind::NotFound => EXIT_NOT_FOUND,
                _ => EXIT_CANNOT_EXECUTE,
            };
            eprintln!("hush: cannot run {name}: {e}");
            return Ok(code);
        }
    };
    let pid = Pid::from_raw(i32::try_from(child.id()).context("child pid")?);
    let forwarded = Arc::new(AtomicBool::new(false));
    let forwarder = {
        let forwarded = Arc::clone(&forwarded);
        thread::spawn(move || {
            for sig in signals.forever() {
                if let Ok(sig) = Signal::try_from(sig) {
                    forwarded.store(true, Ordering::SeqCst);
                    let _ = kill(pid, sig);
                }
            }
        })
    };

    let out_pipe = child.stdout.take().expect("stdout is piped");
    let err_pipe = child.stderr.take().expect("stderr is piped");
    let out_stream = raw_stdout()?;
    let err_stream = raw_stderr()?;
    let (done_tx, done_rx) = mpsc::channel();
    for (name, pipe, stream) in [
        (
            "stdout",
            Box::new(out_pipe) as Box<dyn Read + Send>,
            out_stream,
        ),
        ("stderr", Box::new(err_pipe), err_stream),
    ] {
        let scrubber = scrubber.clone();
        let done = done_tx.clone();
        thread::spawn(move || {
            let _ = done.send((name, pump(&scrubber, pipe, stream, idle)));
        });
    }
    drop(done_tx);
    let status = child.wait().context("waiting for the command")?;
    handle.close();
    let _ = forwarder.join();

    // Normally the output ends when the pipes close, as in `cmd | hush`. But
    // when a forwarded signal ended the command, a background process it
    // left behind may hold the pipes open: give the output a moment, then
    // stop. Bytes still held back are dropped, never written unscrubbed.
    let mut out_counts = Err(Unfinished.into());
    let mut err_counts = Err(Unfinished.into());
    let deadline = Instant::now() + Duration::from_millis(500);
    for _ in 0..2 {
        let next = if forwarded.load(Ordering::SeqCst) {
            done_rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .ok()
        } else {
            done_rx.recv().ok()
        };
        match next {
            Some(("stdout", counts)) => out_counts = counts,
            Some((_, counts)) => err_counts = counts,
            None => break,
        }
    }

    let code: u8 = match (status.code(), status.signal()) {
        (Some(code), _) => u8::try_from(code & 0xff).unwrap_or(EXIT_ERROR),
        (None, Some(sig)) => u8::try_from(128 + sig).unwrap_or(EXIT_ERROR),
        (None, None) => EXIT_ERROR,
    };
    if let Some(path) = report {
        let streams = serde_json::json!({
            "stdout": out_counts.as_ref().ok(),
            "stderr": err_counts.as_ref().ok(),
        });
        let mut per_rule: BTreeMap<&str, u64> = BTreeMap::new();
        for counts in [&out_counts, &err_counts]
            .into_iter()
            .flat_map(|c| c.as_ref().ok())
        {
            for (id, n) in counts {
                *per_rule.entry(id).or_default() += n;
            }
        }
        let summary = serde_json::json!({
            "exit_code": code,
            "signal": status.signal(),
            "redactions": {
                "total": per_rule.values().sum::<u64>(),
                "per_rule": per_rule,
                "per_stream": streams,
            },
        });
        let text = serde_json::to_string_pretty(&summary)? + "\n";
        std::fs::write(path, text)
            .with_context(|| format!("cannot write report {}", path.display()))?;
    }
    // An output error (our stdout closed) does not change the child's code.
    for counts in [out_counts, err_counts] {
        if let Err(e) = counts
            && !e.is::<Unfinished>()
            && e.downcast_ref::<io::Error>()
                .is_none_or(|e| e.kind() != io::ErrorKind::BrokenPipe)
        {
            eprintln!("hush: {e:#}");
        }
    }
    Ok(code)
}

/// A stream whose pump was abandoned after a forwarded signal ended the
/// command.
#[derive(Debug)]
struct Unfinished;

impl std::fmt::Display for Unfinished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("output abandoned after the command was signalled")
    }
}

impl std::error::Error for Unfinished {}

fn check(files: &[PathBuf], strict: bool, quiet: bool) -> Result<u8> {
    let options = hush::CheckOptions { strict };
    let mut failed = 0usize;
    let mut total = 0usize;
    let mut out = io::stdout().lock();
    for path in files {
        let report = match hush::check_file(path, options) {
            Ok(report) => report,
            Err(err) => {
                writeln!(out, "{err}")?;
                failed += 1;
                continue;
            }
        };
        for note in &report.skipped {
            writeln!(out, "{note}")?;
        }
        for rule in &report.rules {
            total += 1;
            if !quiet {
                writeln!(
                    out,
                    "{}:{}: rule {}: {} examples, {} negative examples, keywords {}, max match {} bytes, compiled in {:.2} ms",
                    path.display(),
                    rule.line,
                    rule.id,
                    rule.examples,
                    rule.negative_examples,
                    if rule.keywords_in_examples {
                        "in every example"
                    } else {
                        "MISSING from an example"
                    },
                    rule.max_len,
                    rule.compile_time.as_secs_f64() * 1e3,
                )?;
            }
            if rule.problems.is_empty() {
                continue;
            }
            failed += 1;
            for p in &rule.problems {
                writeln!(
                    out,
                    "{}:{}: rule {}: {}",
                    path.display(),
                    p.line,
                    rule.id,
                    p.message
                )?;
            }
        }
    }
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    if let Err(err) = hush::check_together(&paths) {
        writeln!(out, "{err}")?;
        failed += 1;
    }
    if failed == 0 {
        writeln!(out, "ok: {total} rules in {} files", files.len())?;
        Ok(EXIT_OK)
    } else {
        writeln!(out, "{failed} problems in {total} rules")?;
        Ok(EXIT_PROBLEMS)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::panic_line;

    #[test]
    fn a_panic_prints_one_line_without_its_payload_or_location() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            sink.lock().unwrap().push(panic_line(info).to_string());
        }));
        let secret = "-é--password=hunter2-prod-pw";
        let caught = std::panic::catch_unwind(|| panic!("{secret}"));
        let caught_str = std::panic::catch_unwind(|| {
            let _ = &secret[..2];
        });
        std::panic::set_hook(previous);
        assert!(caught.is_err() && caught_str.is_err());
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        for line in seen.iter() {
            assert_eq!(line, "hush: internal error (a bug); output stopped");
            assert!(!line.contains("hunter2") && !line.contains("main.rs"));
        }
    }
}
