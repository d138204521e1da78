//! Times building a scrubber from `N` generated user rules (default 10000):
//! `cargo run --release --example build_many_rules -- 30000`.
//!
//! Speed is measured by the `build/10k-rules` criterion bench; this is for
//! seeing how build time grows with the rule count.

use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("a rule count"))
        .unwrap_or(10_000);
    let text = hush_rules(n);
    let started = Instant::now();
    let s = hush::Scrubber::builder()
        .defaults(false)
        .add_rules_str("generated.toml", &text)
        .build()
        .expect("generated rules build");
    println!(
        "{n} rules: built in {:.3} s ({} rules)",
        started.elapsed().as_secs_f64(),
        s.rules().len()
    );
}

/// `n` rules, each with its own two keywords and a bounded regex; every
/// tenth rule also shares a keyword with the next.
fn hush_rules(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        let shared = i / 10;
        text.push_str(&format!(
            "[[rules]]\nid = \"gen-{i}\"\nregex = '''\\b(k{i}x_[a-z0-9]{{16}})\\b'''\nkeywords = [\"k{i}x_\", \"shared{shared}q\"]\n\n"
        ));
    }
    text
}
