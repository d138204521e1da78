//! Bench inputs beyond the benign corpus, shared by `benches/scrub.rs` and
//! `examples/corpus.rs` (which writes them to files for `benches/peers.sh`):
//!
//! - real text: the Rust sources and docs of the crates in the local cargo
//!   registry (what `cargo fetch` brought for this project), in path order.
//!   Real code and prose, unlike the benign corpus of tool output; it varies
//!   with the crate versions in the registry, so compare figures taken on
//!   the same machine.
//! - CI logs: the log-like files of the benign corpus as a GitHub Actions
//!   job prints them: each line timestamped, steps in `##[group]` blocks,
//!   step commands coloured with terminal escapes.

#![allow(dead_code)] // each user takes what it needs

use std::path::{Path, PathBuf};

/// The benign corpus's files, in name order.
pub fn benign_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/benign");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The benign corpus, concatenated in file order.
pub fn benign() -> Vec<u8> {
    benign_files()
        .iter()
        .flat_map(|p| std::fs::read(p).unwrap())
        .collect()
}

/// The cargo registry's unpacked sources (`$CARGO_HOME/registry/src`).
fn registry_src() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME or CARGO_HOME")).join(".cargo")
        });
    home.join("registry/src")
}

/// Every file under `dir`, recursively.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

/// At least `size` bytes of real text: `.rs` and `.md` files of the
/// registry's crates, whole, in path order. Panics if the registry holds
/// less (run `cargo fetch` first).
pub fn real_text(size: usize) -> Vec<u8> {
    let root = registry_src();
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.retain(|p| p.extension().is_some_and(|e| e == "rs" || e == "md"));
    files.sort();
    let mut out = Vec::with_capacity(size + (1 << 20));
    for f in &files {
        if out.len() >= size {
            break;
        }
        if let Ok(bytes) = std::fs::read(f) {
            out.extend_from_slice(&bytes);
        }
    }
    assert!(
        out.len() >= size,
        "{} holds {} bytes of .rs and .md files, fewer than {size}: run `cargo fetch`",
        root.display(),
        out.len()
    );
    out
}

/// The benign corpus's files that are logs of builds, tests and installs.
const LOG_FILES: &[&str] = &[
    "cargo-build.txt",
    "cargo-test.txt",
    "ci-logs.txt",
    "docker-build-pull.txt",
    "go-mod-download.txt",
    "npm-install.txt",
    "pip-install.txt",
    "rustc-errors.txt",
    "terraform-plan.txt",
];

/// At least `size` bytes of CI job output.
pub fn ci_logs(size: usize) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/benign");
    let logs: Vec<Vec<u8>> = LOG_FILES
        .iter()
        .map(|name| std::fs::read(dir.join(name)).unwrap())
        .collect();
    let mut out = Vec::with_capacity(size + (1 << 20));
    // Tenths of a microsecond since the job started, as the runner stamps.
    let mut tick: u64 = 0;
    let mut step = 0;
    while out.len() < size {
        for log in &logs {
            step += 1;
            let stamp = |out: &mut Vec<u8>, tick: u64| {
                let secs = 9 * 3600 + 41 * 60 + tick / 10_000_000;
                out.extend_from_slice(
                    format!(
                        "2026-12-05T{:02}:{:02}:{:02}.{:07}Z ",
                        secs / 3600 % 24,
                        secs / 60 % 60,
                        secs % 60,
                        tick % 10_000_000
                    )
                    .as_bytes(),
                );
            };
            stamp(&mut out, tick);
            out.extend_from_slice(format!("##[group]Run step {step}\n").as_bytes());
            stamp(&mut out, tick);
            out.extend_from_slice(
                format!("\x1b[36;1m./ci/step-{step}.sh --verbose\x1b[0m\n").as_bytes(),
            );
            for line in log.split(|&b| b == b'\n') {
                tick += 1_234_567;
                stamp(&mut out, tick);
                out.extend_from_slice(line);
                out.push(b'\n');
            }
            stamp(&mut out, tick);
            out.extend_from_slice(b"##[endgroup]\n");
        }
    }
    out
}
