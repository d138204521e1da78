//! Runs the command given on the command line through `hush::tokio::Runner`
//! and prints its scrubbed stdout and stderr, then what was redacted (rule
//! ids and counts, never values) on stderr. Exits with the command's code.
//!
//! ```sh
//! cargo run --release --features tokio --example tokio_command -- \
//!     sh -c 'echo GITHUB_TOKEN=ghp_pm2LqGCFqP9vYawhHbWZWEGkrdljyfp2i9Sq'
//! ```

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(program) = args.next() else {
        eprintln!("usage: tokio_command PROGRAM [ARG...]");
        return ExitCode::from(2);
    };
    let mut command = tokio::process::Command::new(program);
    command.args(args);
    let scrubber = hush::Scrubber::new();
    let outcome = match hush::tokio::Runner::new(&scrubber)
        .run(
            &mut command,
            &mut tokio::io::stdout(),
            &mut tokio::io::stderr(),
        )
        .await
    {
        Ok(outcome) => outcome,
        Err(e) => {
            eprintln!("tokio_command: {e}");
            return ExitCode::from(2);
        }
    };
    for (stream, counts) in [
        ("stdout", outcome.stdout_redactions()),
        ("stderr", outcome.stderr_redactions()),
    ] {
        for (rule, n) in counts {
            eprintln!("tokio_command: {stream}: {n} x {rule}");
        }
    }
    match outcome.status().code() {
        Some(code) => ExitCode::from(code as u8),
        // Killed by a signal.
        None => ExitCode::from(128),
    }
}
