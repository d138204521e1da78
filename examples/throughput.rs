//! Per-file throughput of the default rules on the benign corpus.
//!
//! `cargo run --release --example throughput`: each file of
//! `tests/data/benign` is repeated to 8 MiB and scrubbed once after a
//! warm-up; the last line is the whole corpus's rate (total bytes over
//! total time). A rough figure, not a benchmark: see `benches/scrub.rs`.

use std::time::Instant;

fn main() {
    let scrubber = hush::Scrubber::new();
    let mut files: Vec<_> = std::fs::read_dir("tests/data/benign")
        .expect("run from the repository root")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut bytes, mut secs) = (0usize, 0f64);
    for path in files {
        let one = std::fs::read(&path).unwrap();
        let hay = one.repeat((8 << 20) / one.len() + 1);
        assert!(
            scrubber.find(&one).is_empty(),
            "{} is not clean",
            path.display()
        );
        scrubber.scrub(&hay);
        let started = Instant::now();
        let n = scrubber.scrub(&hay).len();
        let elapsed = started.elapsed().as_secs_f64();
        bytes += n;
        secs += elapsed;
        println!(
            "{:28} {:7.0} MB/s",
            path.file_name().unwrap().to_string_lossy(),
            n as f64 / elapsed / 1e6
        );
    }
    println!("{:28} {:7.0} MB/s", "all", bytes as f64 / secs / 1e6);
}
