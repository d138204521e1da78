//! The `hush` command: scrub stdin to stdout, wrap a command and scrub its
//! output live, scrub files in place, check rule files, list rules.
//!
//! This is the only code in the crate that prints.

// The command's own modules live under src/cli/, apart from the library's.
#[path = "cli/scrub.rs"]
mod scrub;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use hush::process::{JsonLinesSink, Sink, TextSink};

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
       an I/O error, or an internal error (a bug: output stops at once)
  126  `hush run`: the command cannot be executed
  127  `hush run`: the command was not found
  N    `hush run`: the command's own exit code; 128+N when it was killed by signal N"
)]
struct Cli {
    /// Use this config file (a rule file with a [hush] options table).
    /// Without it: $HUSH_CONFIG, else the nearest .hush.toml from the
    /// current folder up to the repository root.
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    /// Do not look for a config file.
    #[arg(long, global = true, conflicts_with = "config")]
    no_config: bool,
    /// Add the rules of a rule file (repeatable).
    #[arg(long = "rules", value_name = "FILE", global = true)]
    rules: Vec<PathBuf>,
    /// Do not load the embedded default rules.
    #[arg(long, global = true)]
    no_defaults: bool,
    /// Release an unfinished line (a prompt) after this many milliseconds
    /// without new input.
    /// [default: 100, or the config's idle_ms]
    #[arg(long, value_name = "MS", global = true)]
    idle_ms: Option<u64>,
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
    #[arg(long, value_name = "STYLE", global = true)]
    redaction: Option<String>,
    /// Treat the input (with `run`: the command's stdout and stderr, each)
    /// as JSON Lines: scrub each event structurally (keys, values under
    /// sensitive keys, argv, command lines, and whatever text mode finds on
    /// the line); every event stays valid JSON. Other lines, and lines over
    /// 8 MiB, are scrubbed as text.
    #[arg(long, global = true)]
    json_lines: bool,
    /// Write a JSON summary of the redactions (counts per rule, never
    /// values) to this file: for the filter when the input ends, for `run`
    /// when the command ends, for `scrub` once every file is done. The file
    /// is created (or emptied) before any input is read.
    #[arg(long, value_name = "FILE", global = true)]
    report: Option<PathBuf>,
    /// Search a large input on this many threads: the filter's standard
    /// input when it is a regular file, and `scrub`'s files, of 8 to 512
    /// MiB (read whole), in text mode. The output is the one-thread output.
    /// Pipes and terminals are read as they come, on one thread.
    /// [default: the available cores]
    #[arg(long, value_name = "N", global = true, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
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
        /// The command and its arguments.
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<std::ffi::OsString>,
    },
    /// Scrub files in place (transcripts at rest).
    ///
    /// Each file goes through the JSON Lines scrubber if its first
    /// non-blank line is a JSON object or array, else the text one. A
    /// changed file is replaced atomically (same permissions); an unchanged
    /// one is not touched. Prints one line per file to standard error: its
    /// redaction counts, or `unchanged`. A file that fails is reported and
    /// skipped; the exit code is then 2.
    Scrub {
        /// Only report what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Scrub every file as text (`--json-lines`: as JSON Lines).
        #[arg(long, conflicts_with = "json_lines")]
        text: bool,
        /// The files (a symbolic link: the file it points to).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
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
    /// Print a shell completion script (bash, zsh, fish, elvish,
    /// powershell) to standard output.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output:
    /// `hush man > hush.1; man ./hush.1`.
    Man,
    /// List the loaded rules: id, category, description (tab-separated).
    Rules {
        /// Print counts per category and per file instead.
        #[arg(long)]
        stats: bool,
    },
}

fn main() -> ExitCode {
    install_panic_hook();
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let Err(err) = refuse_ignored_flags(&matches) {
        eprintln!("hush: {err:#}");
        return ExitCode::from(EXIT_ERROR);
    }
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

/// The config file in force: `--config`, else `$HUSH_CONFIG`, else the
/// nearest `.hush.toml`; none with `--no-config`.
fn config(cli: &Cli) -> Result<Option<hush::Config>> {
    if cli.no_config {
        return Ok(None);
    }
    let path = match (&cli.config, std::env::var_os("HUSH_CONFIG")) {
        (Some(path), _) => Some(path.clone()),
        (None, Some(env)) if !env.is_empty() => Some(PathBuf::from(env)),
        _ => hush::Config::discover(&std::env::current_dir()?),
    };
    match path {
        Some(path) => Ok(Some(hush::Config::load(&path)?)),
        None => Ok(None),
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
    // `hush check` checks the files it is given, nothing else.
    let config = match cli.command {
        Some(Command::Check { .. } | Command::Completions { .. } | Command::Man) => None,
        _ => config(&cli)?,
    };
    let config = config.as_ref();
    let idle = Duration::from_millis(
        cli.idle_ms
            .or_else(|| config.and_then(hush::Config::idle_ms))
            .unwrap_or(100),
    );
    match cli.command {
        None | Some(Command::Filter) => {
            let scrubber = build(&cli, config)?;
            let mut report = Report::create(cli.report.as_deref())?;
            let input = raw_stdin()?;
            if !cli.json_lines
                && let Some(threads) = parallel_threads(&input, cli.threads)?
            {
                return filter_parallel(&scrubber, input, threads, &mut report);
            }
            let mut sink = sink(&scrubber, raw_stdout()?, cli.json_lines);
            let pumped = hush::process::pump_fd(input, &mut *sink, idle);
            // An error (a closed stdout) ends the input early: the report
            // says so rather than counting part of it.
            report.write(&match &pumped {
                Ok(()) => serde_json::json!({
                    "redactions": redactions_json(&sink.redactions(), sink.merged()),
                }),
                Err(e) => serde_json::json!({
                    "redactions": null,
                    "error": e.to_string(),
                }),
            })?;
            pumped?;
            Ok(EXIT_OK)
        }
        Some(Command::Scrub {
            dry_run,
            text,
            ref files,
        }) => {
            let scrubber = build(&cli, config)?;
            let report = Report::create(cli.report.as_deref())?;
            let mode = if cli.json_lines {
                scrub::Mode::JsonLines
            } else if text {
                scrub::Mode::Text
            } else {
                scrub::Mode::Detect
            };
            scrub_files(
                &scrubber,
                files,
                mode,
                dry_run,
                thread_count(cli.threads),
                report,
            )
        }
        Some(Command::Run { pty, ref command }) => {
            // Fail closed: no rules (or a secret that cannot be
            // registered), no command.
            let scrubber = build(&cli, config)?;
            run_command(
                &scrubber,
                command,
                idle,
                pty,
                cli.report.as_deref(),
                cli.json_lines,
            )
        }
        Some(Command::Check {
            strict,
            quiet,
            ref files,
        }) => check(files, strict, quiet),
        Some(Command::Completions { shell }) => {
            let mut out = io::stdout().lock();
            clap_complete::generate(shell, &mut Cli::command(), "hush", &mut out);
            out.flush()?;
            Ok(EXIT_OK)
        }
        Some(Command::Man) => {
            let mut out = io::stdout().lock();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            out.flush()?;
            Ok(EXIT_OK)
        }
        Some(Command::Rules { stats }) => {
            let scrubber = build(&cli, config)?;
            match config {
                Some(config) => eprintln!("hush: config {}", config.path().display()),
                None => eprintln!("hush: no config file"),
            }
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

/// The scrubber the command line asks for. It is never dropped: the
/// process ends soon after, and freeing what a run compiled, piece by
/// piece, costs about 2 ms of a 70 ms filter of 32 MiB, for memory the
/// system takes back at once anyway.
fn build(cli: &Cli, config: Option<&hush::Config>) -> Result<ManuallyDrop<hush::Scrubber>> {
    let mut builder = hush::Scrubber::builder();
    if let Some(config) = config {
        config.apply(&mut builder);
    }
    if cli.no_defaults {
        builder.defaults(false);
    }
    for path in &cli.rules {
        builder.add_rules_file(path);
    }
    if let Some(name) = &cli.redaction {
        let style = match name.as_str() {
            "label" => hush::Redaction::Label,
            "mask" => hush::Redaction::Mask,
            "fingerprint" => hush::Redaction::Fingerprint,
            other => bail!("--redaction must be label, mask or fingerprint, not {other:?}"),
        };
        builder.redaction(style);
    }
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
    if cli.mask_env || config.and_then(hush::Config::mask_env) == Some(true) {
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
    Ok(ManuallyDrop::new(scrubber))
}

/// Refuses a global flag that the chosen subcommand would ignore.
fn refuse_ignored_flags(matches: &clap::ArgMatches) -> Result<()> {
    let Some((name, sub)) = matches.subcommand() else {
        return Ok(());
    };
    let ignored: &[&str] = match name {
        "check" => &[
            "config",
            "no_config",
            "rules",
            "no_defaults",
            "idle_ms",
            "mask_env",
            "secret_env",
            "secret_file",
            "redaction",
            "json_lines",
            "report",
            "threads",
        ],
        "rules" => &[
            "idle_ms",
            "mask_env",
            "secret_env",
            "secret_file",
            "redaction",
            "json_lines",
            "report",
            "threads",
        ],
        // A file has no pauses to release.
        "scrub" => &["idle_ms"],
        // A command's output is a live stream.
        "run" => &["threads"],
        "completions" | "man" => &["report", "threads"],
        _ => &[],
    };
    for id in ignored {
        if sub.value_source(id) == Some(clap::parser::ValueSource::CommandLine) {
            bail!(
                "--{} has no effect on `hush {name}`; leave it out",
                id.replace('_', "-")
            );
        }
    }
    Ok(())
}

/// Regular-file input at least this long is searched on several threads.
const PARALLEL_MIN: u64 = 8 << 20;
/// ... and at most this long: it is read whole.
const PARALLEL_MAX: u64 = 512 << 20;

/// How many threads the filter searches `input` on, if more than one: a
/// regular file between [`PARALLEL_MIN`] and [`PARALLEL_MAX`] bytes long,
/// and more than one thread asked for or available.
fn parallel_threads(input: &File, asked: Option<u16>) -> Result<Option<usize>> {
    let threads = thread_count(asked);
    let meta = input.metadata()?;
    Ok((threads > 1 && meta.is_file() && is_parallel_size(meta.len())).then_some(threads))
}

/// `--threads`, or the available cores.
fn thread_count(asked: Option<u16>) -> usize {
    match asked {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

/// Whether a regular file this long is scrubbed on several threads.
fn is_parallel_size(len: u64) -> bool {
    (PARALLEL_MIN..=PARALLEL_MAX).contains(&len)
}

/// The filter on a regular file: read whole, searched on `threads`
/// threads ([`hush::Scrubber::scrub_parallel`]), written at once.
fn filter_parallel(
    scrubber: &hush::Scrubber,
    input: File,
    threads: usize,
    report: &mut Report,
) -> Result<u8> {
    let hay = read_parallel(&input, threads)?;
    let written = scrubber.scrub_parallel_to(&hay, threads, raw_stdout()?);
    report.write(&match &written {
        Ok(()) => serde_json::json!({
            "redactions": redactions_json(&summary(scrubber), scrubber.merged()),
        }),
        Err(e) => serde_json::json!({
            "redactions": null,
            "error": e.to_string(),
        }),
    })?;
    written?;
    Ok(EXIT_OK)
}

/// The scrubber's counts so far, per rule id ([`hush::Scrubber::summary`]).
fn summary(scrubber: &hush::Scrubber) -> Vec<(String, u64)> {
    scrubber
        .summary()
        .into_iter()
        .map(|(id, n)| (id.to_string(), n))
        .collect()
}

/// A regular file read whole, in `threads` pieces read side by side:
/// reading is mostly the kernel's copy into fresh memory.
fn read_parallel(input: &File, threads: usize) -> Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let len = usize::try_from(input.metadata()?.len())?;
    let mut hay = vec![0u8; len];
    let piece = len.div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let reads: Vec<_> = hay
            .chunks_mut(piece)
            .enumerate()
            .map(|(i, chunk)| scope.spawn(move || input.read_exact_at(chunk, (i * piece) as u64)))
            .collect();
        reads
            .into_iter()
            .try_for_each(|r| r.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    })?;
    // A file that grew while it was read: the rest, as it comes.
    let mut input = input;
    io::Seek::seek(&mut input, io::SeekFrom::Start(len as u64))?;
    input.read_to_end(&mut hay)?;
    Ok(hay)
}

/// Standard input as a file, unbuffered: a poll on it sees every byte
/// not yet read (`io::Stdin` would keep some in its buffer).
fn raw_stdin() -> Result<File> {
    Ok(File::from(io::stdin().as_fd().try_clone_to_owned()?))
}

/// Standard output as an unbuffered file, so that what the scrubber passes
/// on leaves at once (`io::Stdout` would hold an unfinished line).
fn raw_stdout() -> Result<File> {
    Ok(File::from(io::stdout().as_fd().try_clone_to_owned()?))
}

fn raw_stderr() -> Result<File> {
    Ok(File::from(io::stderr().as_fd().try_clone_to_owned()?))
}

/// Where a stream's output goes: through the text scrubber, or the JSON
/// Lines one (`--json-lines`).
fn sink<'a, W: Write + Send + 'a>(
    scrubber: &hush::Scrubber,
    output: W,
    json_lines: bool,
) -> Box<dyn Sink + 'a> {
    if json_lines {
        Box::new(JsonLinesSink::new(scrubber, output))
    } else {
        Box::new(TextSink::new(scrubber, output))
    }
}

/// The `--report` file, created (or emptied) before any input is read, so
/// that one that cannot be written stops hush before it starts.
struct Report {
    file: Option<(PathBuf, File)>,
}

impl Report {
    fn create(path: Option<&Path>) -> Result<Report> {
        let file = match path {
            Some(path) => Some((
                path.to_path_buf(),
                File::create(path)
                    .with_context(|| format!("--report {}: cannot write it", path.display()))?,
            )),
            None => None,
        };
        Ok(Report { file })
    }

    fn is_some(&self) -> bool {
        self.file.is_some()
    }

    /// Writes `summary`, if there is a report to write.
    fn write(&mut self, summary: &serde_json::Value) -> Result<()> {
        let Some((path, file)) = &mut self.file else {
            return Ok(());
        };
        let text = serde_json::to_string_pretty(summary)? + "\n";
        file.write_all(text.as_bytes())
            .with_context(|| format!("--report {}: cannot write it", path.display()))
    }
}

/// A report's `redactions`: `total` (one per redacted secret), `per_rule`,
/// and `merged` (findings merged into another's redaction, the same bytes
/// found by several rules; not in `total`). Counts, never values.
fn redactions_json<'a>(
    counts: impl IntoIterator<Item = &'a (String, u64)>,
    merged: u64,
) -> serde_json::Value {
    let mut per_rule: BTreeMap<&str, u64> = BTreeMap::new();
    for (id, n) in counts {
        *per_rule.entry(id).or_default() += n;
    }
    serde_json::json!({
        "total": per_rule.values().sum::<u64>(),
        "per_rule": per_rule,
        "merged": merged,
    })
}

/// `hush scrub`: each file in turn, one line on standard error for each;
/// a file that fails does not stop the others, but makes the exit code 2.
fn scrub_files(
    scrubber: &hush::Scrubber,
    files: &[PathBuf],
    mode: scrub::Mode,
    dry_run: bool,
    threads: usize,
    mut report: Report,
) -> Result<u8> {
    let mut failed = 0usize;
    let mut entries = Vec::new();
    let mut all = Vec::new();
    let mut all_merged = 0;
    for path in files {
        let name = path.display();
        match scrub::scrub_file(scrubber, path, mode, dry_run, threads) {
            Ok(done) => {
                let total: u64 = done.redactions.iter().map(|(_, n)| n).sum();
                if !done.changed {
                    eprintln!("{name}: unchanged");
                } else {
                    let rules: Vec<String> = done
                        .redactions
                        .iter()
                        .map(|(id, n)| format!("{id}: {n}"))
                        .collect();
                    eprintln!(
                        "{name}: {total} redaction{} ({}){}",
                        if total == 1 { "" } else { "s" },
                        rules.join(", "),
                        if dry_run {
                            ", not written (dry run)"
                        } else {
                            ""
                        },
                    );
                }
                if report.is_some() {
                    entries.push(serde_json::json!({
                        "path": name.to_string(),
                        "mode": if done.json_lines { "json-lines" } else { "text" },
                        "changed": done.changed,
                        "redactions": redactions_json(&done.redactions, done.merged),
                    }));
                }
                all.extend(done.redactions);
                all_merged += done.merged;
            }
            Err(err) => {
                failed += 1;
                eprintln!("hush: {name}: {err:#}");
                entries.push(serde_json::json!({
                    "path": name.to_string(),
                    "error": format!("{err:#}"),
                }));
            }
        }
    }
    report.write(&serde_json::json!({
        "dry_run": dry_run,
        "files": entries,
        "redactions": redactions_json(&all, all_merged),
    }))?;
    Ok(if failed == 0 { EXIT_OK } else { EXIT_ERROR })
}

fn run_command(
    scrubber: &hush::Scrubber,
    command: &[std::ffi::OsString],
    idle: Duration,
    pty: bool,
    report: Option<&Path>,
    json: bool,
) -> Result<u8> {
    use hush::process::Command as Process;

    // A report that cannot be written is found out before the command
    // runs, not after.
    let mut report = Report::create(report)?;

    let outcome = Process::new(&command[0])
        .args(&command[1..])
        // The command has no use for hush's own key.
        .env_remove(FINGERPRINT_KEY_VAR)
        .pty(pty)
        .idle(idle)
        .exit_grace(EXIT_GRACE)
        .forward_signals(true)
        .run(
            &mut *sink(scrubber, raw_stdout()?, json),
            &mut *sink(scrubber, raw_stderr()?, json),
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
    if report.is_some() {
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
        let complete: Vec<_> = streams.iter().filter(|s| s.error().is_none()).collect();
        let mut redactions = redactions_json(
            complete.iter().flat_map(|s| s.redactions()),
            complete.iter().map(|s| s.merged()).sum(),
        );
        redactions["per_stream"] = per_stream;
        report.write(&serde_json::json!({
            "exit_code": code,
            "signal": outcome.signal(),
            "redactions": redactions,
        }))?;
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
