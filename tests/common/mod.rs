//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::io::Write;
use std::path::{Path, PathBuf};

use hush::Scrubber;

/// Scrubs `input` through a stream writer, in chunks of the given sizes
/// (cycled).
pub fn stream(s: &Scrubber, input: &[u8], sizes: &[usize]) -> Vec<u8> {
    let mut w = s.writer(Vec::new());
    let mut at = 0;
    let mut i = 0;
    while at < input.len() {
        let n = sizes[i % sizes.len()].max(1).min(input.len() - at);
        w.write_all(&input[at..at + n]).unwrap();
        at += n;
        i += 1;
    }
    w.finish().unwrap()
}

/// Scrubs `input` through a stream writer split at the given offsets.
pub fn stream_split(s: &Scrubber, input: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut w = s.writer(Vec::new());
    let mut at = 0;
    for &c in cuts {
        let c = c.clamp(at, input.len());
        w.write_all(&input[at..c]).unwrap();
        at = c;
    }
    w.write_all(&input[at..]).unwrap();
    w.finish().unwrap()
}

/// The chunk sizes behaviour cases are streamed at.
pub const CHUNK_SIZES: &[&[usize]] = &[
    &[1],
    &[2],
    &[3],
    &[5],
    &[7],
    &[13],
    &[64],
    &[1, 7, 2, 31],
    &[4096],
];

/// A scrubber with only the rules of `text`.
pub fn only(text: &str) -> Scrubber {
    Scrubber::builder()
        .defaults(false)
        .add_rules_str("test.toml", text)
        .build()
        .unwrap()
}

/// Shows bytes readably in assertion messages.
pub fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The files of a directory of the repository (e.g. `tests/data/benign`),
/// sorted, keeping those whose extension is `ext` if one is given.
pub fn files(dir: &str, ext: Option<&str>) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| ext.is_none_or(|ext| p.extension().is_some_and(|e| e == ext)))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no files in {}", dir.display());
    files
}

/// The `hush` binary built for the integration tests.
pub fn hush() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_hush"))
}

/// `tests/rules/test-token.toml`: a rule independent of the default set.
pub fn test_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules/test-token.toml")
}

/// `hush --no-defaults --rules tests/rules/test-token.toml`.
pub fn hush_test_rules() -> std::process::Command {
    let mut cmd = hush();
    cmd.arg("--no-defaults").arg("--rules").arg(test_rules());
    cmd
}

/// Lines of the benign corpus.
pub fn benign_lines() -> &'static [String] {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        files("tests/data/benign", None)
            .iter()
            .flat_map(|p| {
                std::fs::read_to_string(p)
                    .unwrap()
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    })
}
pub mod oracles;
