//! The `hush` command: scrub stdin to stdout, check rule files, list rules.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

/// Exit codes (also in `hush --help`).
const EXIT_OK: u8 = 0;
const EXIT_PROBLEMS: u8 = 1;
const EXIT_ERROR: u8 = 2;

#[derive(Parser)]
#[command(
    name = "hush",
    version,
    about = "Remove secrets from output before it leaves the process.",
    after_help = "With no command, hush reads standard input and writes it to standard output \
with every secret replaced by [REDACTED:<rule-id>].\n\n\
Exit codes: 0 success; 1 `hush check` found problems; 2 bad usage, unreadable or \
invalid rules, or an I/O error."
)]
struct Cli {
    /// Add the rules of a rule file (repeatable).
    #[arg(long = "rules", value_name = "FILE", global = true)]
    rules: Vec<PathBuf>,
    /// Do not load the embedded default rules.
    #[arg(long, global = true)]
    no_defaults: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Read standard input, write it to standard output with secrets redacted
    /// (the default).
    Filter,
    /// Validate rule files and run their examples.
    Check {
        /// Also require a known category, a description, two examples and
        /// one negative example per rule.
        #[arg(long)]
        strict: bool,
        /// Rule files to check.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// List the loaded rules: id, category, description.
    Rules,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed stdout (`hush < big | head`) is not an error worth a
            // message.
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
    match cli.command {
        None | Some(Command::Filter) => {
            let scrubber = build(&cli.rules, cli.no_defaults)?;
            filter(&scrubber)
        }
        Some(Command::Check { strict, files }) => check(&files, strict),
        Some(Command::Rules) => {
            let scrubber = build(&cli.rules, cli.no_defaults)?;
            let mut out = io::stdout().lock();
            for rule in scrubber.rules() {
                writeln!(
                    out,
                    "{}\t{}\t{}",
                    rule.id(),
                    rule.category(),
                    rule.description()
                )?;
            }
            out.flush()?;
            Ok(EXIT_OK)
        }
    }
}

fn build(rules: &[PathBuf], no_defaults: bool) -> Result<hush::Scrubber> {
    let mut builder = hush::Scrubber::builder();
    builder.defaults(!no_defaults);
    for path in rules {
        builder.add_rules_file(path);
    }
    Ok(builder.build()?)
}

fn filter(scrubber: &hush::Scrubber) -> Result<u8> {
    let mut input = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut input)
        .context("reading standard input")?;
    let mut out = io::stdout().lock();
    out.write_all(&scrubber.scrub(&input))?;
    out.flush()?;
    Ok(EXIT_OK)
}

fn check(files: &[PathBuf], strict: bool) -> Result<u8> {
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
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
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
