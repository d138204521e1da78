//! The `hush` command: scrub stdin to stdout, wrap a command and scrub its
//! output live, check rule files, list rules.
//!
//! This is the only code in the crate that prints.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

/// Exit codes, as documented in `hush --help`.
const EXIT_OK: u8 = 0;
const EXIT_PROBLEMS: u8 = 1;
const EXIT_ERROR: u8 = 2;
const EXIT_CANNOT_EXECUTE: u8 = 126;
const EXIT_NOT_FOUND: u8 = 127;

/// The variable that holds the fingerprint key, and its shortest length.
const FINGERPRINT_KEY_VAR: &str = "HUSH_FINGERPRINT_KEY";
const MIN_FINGERPRINT_KEY_LEN: usize = 16;

/// How long `hush run` keeps reading output after the command has exited,
/// when a process it left behind holds the pipes open.
const EXIT_GRACE: Duration = Duration::from_millis(500);

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
       or an I/O error
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
        /// Run the command on a pseudo-terminal: it keeps colours, line
        /// buffering and prompts; its stdout, stderr and /dev/tty output are
        /// one stream, in order; typed input and the window size pass through.
        #[arg(long)]
        pty: bool,
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

fn run(cli: Cli) -> Result<u8> {
    let idle = Duration::from_millis(cli.idle_ms);
    match cli.command {
        None | Some(Command::Filter) => {
            let scrubber = build(&cli)?;
            if cli.json_lines {
                json_lines(&scrubber, io::stdin().lock(), raw_stdout()?)?;
            } else {
                let mut sink = hush::process::TextSink::new(&scrubber, raw_stdout()?);
                hush::process::pump(io::stdin(), &mut sink, idle)?;
            }
            Ok(EXIT_OK)
        }
        Some(Command::Run {
            pty,
            ref report,
            ref command,
        }) => {
            // Fail closed: no rules (or a secret that cannot be
            // registered), no command.
            let scrubber = build(&cli)?;
            run_command(&scrubber, command, idle, pty, report.as_deref())
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
    if let Some(key) = std::env::var_os(FINGERPRINT_KEY_VAR) {
        let key = key.as_encoded_bytes();
        if key.len() < MIN_FINGERPRINT_KEY_LEN {
            bail!(
                "{FINGERPRINT_KEY_VAR} is shorter than {MIN_FINGERPRINT_KEY_LEN} bytes; \
                 use at least {MIN_FINGERPRINT_KEY_LEN} random bytes"
            );
        }
        builder.fingerprint_key(key);
        // With the key, a fingerprint confirms a guessed value: the key is
        // as secret as what it fingerprints.
        builder.known_secret(key);
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
    let min = hush::MIN_KNOWN_SECRET_LEN;
    for name in &cli.secret_env {
        let value = std::env::var_os(name)
            .with_context(|| format!("--secret-env {name}: the variable is not set"))?;
        if value.len() < min {
            bail!("--secret-env {name}: the value is shorter than {min} bytes; too short to mask");
        }
        builder.known_secret(value.as_encoded_bytes());
    }
    for path in &cli.secret_file {
        let text = std::fs::read(path)
            .with_context(|| format!("--secret-file {}: cannot read it", path.display()))?;
        for (n, line) in text.split(|&b| b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            if line.len() < min {
                bail!(
                    "--secret-file {}:{}: the value is shorter than {min} bytes; too short to mask",
                    path.display(),
                    n + 1
                );
            }
            builder.known_secret(line);
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

fn run_command(
    scrubber: &hush::Scrubber,
    command: &[std::ffi::OsString],
    idle: Duration,
    pty: bool,
    report: Option<&Path>,
) -> Result<u8> {
    use hush::process::{Command as Process, TextSink};

    // A report that cannot be written is found out before the command
    // runs, not after.
    let mut report_file = match report {
        Some(path) => Some(
            File::create(path)
                .with_context(|| format!("--report {}: cannot write it", path.display()))?,
        ),
        None => None,
    };

    let outcome = Process::new(&command[0])
        .args(&command[1..])
        // The command has no use for hush's own key.
        .env_remove(FINGERPRINT_KEY_VAR)
        .pty(pty)
        .idle(idle)
        .exit_grace(EXIT_GRACE)
        .forward_signals(true)
        .run(
            TextSink::new(scrubber, raw_stdout()?),
            TextSink::new(scrubber, raw_stderr()?),
        );
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) if e.is_spawn() => {
            let name = command[0].to_string_lossy();
            eprintln!("hush: cannot run {name}: {}", e.io_error());
            return Ok(if e.not_found() {
                EXIT_NOT_FOUND
            } else {
                EXIT_CANNOT_EXECUTE
            });
        }
        Err(e) => return Err(e.into()),
    };

    let code = outcome.code();
    let streams = [outcome.stdout(), outcome.stderr()];
    if let (Some(path), Some(file)) = (report, report_file.as_mut()) {
        let counts = |s: &hush::process::StreamOutcome| {
            s.error().is_none().then(|| {
                s.redactions()
                    .iter()
                    .cloned()
                    .collect::<BTreeMap<String, u64>>()
            })
        };
        let per_stream = serde_json::json!({
            "stdout": counts(streams[0]),
            "stderr": counts(streams[1]),
        });
        let mut per_rule: BTreeMap<&str, u64> = BTreeMap::new();
        for s in streams.iter().filter(|s| s.error().is_none()) {
            for (id, n) in s.redactions() {
                *per_rule.entry(id).or_default() += n;
            }
        }
        let summary = serde_json::json!({
            "exit_code": code,
            "signal": outcome.signal(),
            "redactions": {
                "total": per_rule.values().sum::<u64>(),
                "per_rule": per_rule,
                "per_stream": per_stream,
            },
        });
        let text = serde_json::to_string_pretty(&summary)? + "\n";
        file.write_all(text.as_bytes())
            .with_context(|| format!("--report {}: cannot write it", path.display()))?;
    }
    // An output error (our stdout closed) does not change the child's code.
    for e in streams.iter().filter_map(|s| s.error()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("hush: {e}");
        }
    }
    Ok(code)
}

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
