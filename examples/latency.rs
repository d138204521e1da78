//! The latency of small events after start-up: what a telemetry exporter
//! or an agent runtime sees per event.
//!
//! `cargo run --release --example latency [N]` builds the default scrubber,
//! then scrubs N (default 200000) 200-byte events one at a time, each cut
//! from a different place of the benign corpus and of real text (see
//! `benches/support/corpus.rs`), and prints the percentiles of the time
//! per event. The first events pay for what compiles on first use (each
//! rule's regex, the keyword groups' `follows` DFAs), which shows in the
//! top percentiles and the maximum.
//!
//! `--warm` also starts [`hush::Scrubber::warm_up`] on a thread of its own
//! right after the build, and prints how long it took and the slowest
//! event scrubbed after it ended.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

#[path = "../benches/support/corpus.rs"]
mod support;

fn main() {
    let mut n = 200_000;
    let mut warm = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--warm" => warm = true,
            _ => {
                n = arg.parse().unwrap_or_else(|_| {
                    eprintln!("usage: latency [--warm] [N]");
                    std::process::exit(2);
                })
            }
        }
    }
    let mut text = support::benign();
    text.extend_from_slice(&support::real_text(16 << 20));
    let started = Instant::now();
    let scrubber = hush::Scrubber::builder()
        .build()
        .expect("the default rules build");
    let build = started.elapsed();
    let warmed = Arc::new(AtomicBool::new(false));
    let warming = warm.then(|| {
        let (scrubber, warmed) = (scrubber.clone(), Arc::clone(&warmed));
        std::thread::spawn(move || {
            let t = Instant::now();
            scrubber.warm_up();
            warmed.store(true, Ordering::SeqCst);
            t.elapsed()
        })
    });
    // The slowest event scrubbed after the warm-up ended, if any was.
    let mut after_warm: Option<u64> = None;
    // Events start at line starts spread over the text.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(memchr_lines(&text))
        .filter(|&s| s + 200 <= text.len())
        .collect();
    let step = (starts.len() / n).max(1);
    let mut times: Vec<u64> = Vec::with_capacity(n);
    let mut found = 0;
    for i in 0..n {
        let at = starts[(i * step) % starts.len()];
        let event = &text[at..at + 200];
        let t = Instant::now();
        let out = scrubber.scrub(event);
        let took = t.elapsed().as_nanos() as u64;
        times.push(took);
        if warmed.load(Ordering::SeqCst) {
            after_warm = Some(after_warm.map_or(took, |t| t.max(took)));
        }
        found += usize::from(out.as_ref() != event);
    }
    let first: Vec<u64> = times[..n.min(1000)].to_vec();
    times.sort_unstable();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    println!("build: {:.2} ms", build.as_secs_f64() * 1e3);
    println!("events: {n} of 200 bytes, {found} with a redaction");
    println!(
        "p50 {} ns, p99 {} ns, p99.9 {} ns, p99.99 {} ns, max {} ns",
        pct(0.5),
        pct(0.99),
        pct(0.999),
        pct(0.9999),
        times[times.len() - 1]
    );
    println!(
        "the first {} events: {:.2} ms in all",
        first.len(),
        first.iter().sum::<u64>() as f64 / 1e6
    );
    if let Some(warming) = warming {
        let took = warming.join().expect("warm-up");
        let after = match after_warm {
            Some(t) => format!("slowest event after it: {t} ns"),
            None => "it ended after the last event".to_string(),
        };
        println!(
            "warm-up: {:.1} ms on its own thread; {after}",
            took.as_secs_f64() * 1e3
        );
    }
}

/// The offsets just after each line break.
fn memchr_lines(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    text.iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
}
