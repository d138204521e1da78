//! The benign corpus: realistic clean output that must come out
//! byte-identical.

mod common;

use hush::Scrubber;

#[test]
fn benign_corpus_is_unchanged() {
    let s = Scrubber::new();
    let files = common::files("tests/data/benign", None);
    let mut lines = 0;
    let mut changed = Vec::new();
    for path in &files {
        let text = std::fs::read(path).unwrap();
        lines += memchr_count(&text);
        let name = path.file_name().unwrap().to_string_lossy();
        for f in s.find(&text) {
            let line_no = memchr_count(&text[..f.start()]) + 1;
            let line = text[..].split(|&b| b == b'\n').nth(line_no - 1).unwrap();
            changed.push(format!(
                "{name}:{line_no}: {} redacts in: {}",
                f.rule(),
                String::from_utf8_lossy(line)
            ));
        }
        if changed.is_empty() {
            let streamed = common::stream(&s, &text, &[4096, 7]);
            assert!(
                streamed == text,
                "{name}: streamed output differs from input"
            );
        }
    }
    assert!(
        changed.is_empty(),
        "{} findings in the benign corpus:\n{}",
        changed.len(),
        changed.join("\n")
    );
    assert!(lines >= 6000, "the benign corpus has only {lines} lines");
}

fn memchr_count(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

// The clean benchmark input is the benign corpus with its digits rotated
// (benches/scrub.rs, `clean`). A rule allowlisting one exact protocol name
// (`base64.binary.k8s.io`) fired on `base75.binary.k9s.io` and the bench
// stopped on "the clean input has findings", which no test saw.
#[test]
fn benign_corpus_with_digits_rotated_stays_clean() {
    let s = Scrubber::new();
    let files = common::files("tests/data/benign", None);
    let mut changed = Vec::new();
    for path in &files {
        let text = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        for round in 1..10u8 {
            let rotated: Vec<u8> = text
                .iter()
                .map(|&b| {
                    if b.is_ascii_digit() {
                        b'0' + (b - b'0' + round) % 10
                    } else {
                        b
                    }
                })
                .collect();
            for f in s.find(&rotated) {
                changed.push(format!("{name} (digits +{round}): {}", f.rule()));
            }
        }
    }
    assert!(
        changed.is_empty(),
        "{} findings in the rotated benign corpus:\n{}",
        changed.len(),
        changed.join("\n")
    );
}
