//! The hot path: clean output, secret-dense output, small events, streams
//! and start-up. Each bench checks its finding count first, so that a fast
//! wrong answer fails.
//!
//! Run with `cargo bench --bench scrub`; one bench with
//! `cargo bench --bench scrub -- clean`; known secrets with
//! `cargo bench --bench scrub -- known/`.

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hush::Scrubber;

#[path = "support/corpus.rs"]
mod support;

/// The benign corpus, concatenated in file order.
fn corpus() -> Vec<u8> {
    support::benign()
}

/// At least `size` bytes of clean agent output: the benign corpus repeated,
/// each copy with its digits rotated so that copies differ.
fn clean(size: usize) -> Vec<u8> {
    let base = corpus();
    let mut out = Vec::with_capacity(size + base.len());
    let mut round = 0u8;
    while out.len() < size {
        out.extend(base.iter().map(|&b| {
            if b.is_ascii_digit() {
                b'0' + (b - b'0' + round) % 10
            } else {
                b
            }
        }));
        round = round.wrapping_add(1);
    }
    out
}

/// Clean lines with one example secret every 10 lines; returns the input
/// and its expected finding count (the sum over the inserted examples of
/// their findings alone, which the clean lines around them cannot change).
fn dense(s: &Scrubber, size: usize) -> (Vec<u8>, usize) {
    let base = corpus();
    let lines: Vec<&[u8]> = base.split(|&b| b == b'\n').collect();
    // Single-line examples of single-line rules: a finding then depends on
    // its own line only, so the expected count is the examples' own.
    let examples: Vec<String> = s
        .rules()
        .filter(|r| !r.is_multiline())
        .flat_map(|r| r.examples().map(|(input, _)| input.to_string()))
        .filter(|input| !input.contains(['\n', '\r']))
        .collect();
    let mut out = Vec::with_capacity(size);
    let mut expected = 0;
    let (mut li, mut ei) = (0, 0);
    while out.len() < size {
        for _ in 0..9 {
            out.extend_from_slice(lines[li % lines.len()]);
            out.push(b'\n');
            li += 1;
        }
        let ex = &examples[ei % examples.len()];
        expected += s.find(ex.as_bytes()).len();
        out.extend_from_slice(ex.as_bytes());
        out.push(b'\n');
        ei += 1;
    }
    (out, expected)
}

fn bench_clean(c: &mut Criterion) {
    let s = Scrubber::new();
    let input = clean(32 << 20);
    assert_eq!(s.find(&input).len(), 0, "the clean input has findings");
    let mut g = c.benchmark_group("clean");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.sample_size(10);
    g.bench_function("32MiB", |b| {
        b.iter(|| black_box(s.scrub(black_box(&input))).len())
    });
    g.finish();
}

/// Real text and CI logs (see `benches/support/corpus.rs`), one-shot and
/// through a `Writer`; checked first: the writer's output equals the
/// one-shot scrub's, and the CI logs have no finding.
fn bench_real(c: &mut Criterion) {
    let s = Scrubber::new();
    let real = support::real_text(32 << 20);
    let logs = support::ci_logs(32 << 20);
    assert_eq!(s.find(&logs).len(), 0, "the CI logs have findings");
    let mut g = c.benchmark_group("real");
    g.sample_size(10);
    for (name, input) in [("crate-sources-32MiB", &real), ("ci-logs-32MiB", &logs)] {
        let expected = s.scrub(input).into_owned();
        let mut w = s.writer(Vec::with_capacity(input.len()));
        for chunk in input.chunks(64 << 10) {
            w.write_all(chunk).unwrap();
        }
        assert!(
            w.finish().unwrap() == expected,
            "{name}: stream output differs"
        );
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| black_box(s.scrub(black_box(input.as_slice()))).len())
        });
        // The same on 2 threads and on every core (`scrub_parallel`).
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut counts = vec![2, cores];
        counts.dedup();
        for threads in counts {
            assert!(
                s.scrub_parallel(input, threads) == expected,
                "{name}: parallel output differs"
            );
            g.bench_function(format!("{name}/threads-{threads}"), |b| {
                b.iter(|| black_box(s.scrub_parallel(black_box(input.as_slice()), threads)).len())
            });
        }
    }
    g.finish();
}

fn bench_dense(c: &mut Criterion) {
    let s = Scrubber::new();
    let (input, expected) = dense(&s, 4 << 20);
    assert_eq!(s.find(&input).len(), expected, "secret-dense finding count");
    let mut g = c.benchmark_group("dense");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.sample_size(10);
    g.bench_function("4MiB-1-in-10-lines", |b| {
        b.iter(|| black_box(s.scrub(black_box(&input))).len())
    });
    g.finish();
}

/// A 200-byte event cut from clean output at line starts: the first one
/// with no finding (most are clean; a cut can leave half a `password: ...`
/// line that a rule rightly reads as one).
fn clean_event(s: &Scrubber) -> Vec<u8> {
    let base = corpus();
    let event: Vec<u8> = base
        .split(|&b| b == b'\n')
        .collect::<Vec<_>>()
        .windows(8)
        .map(|lines| {
            let mut e = lines.join(&b'\n');
            e.truncate(200);
            e
        })
        .filter(|e| e.len() == 200)
        .find(|e| s.find(e).is_empty())
        .expect("a clean 200-byte event");
    assert!(matches!(s.scrub(&event), std::borrow::Cow::Borrowed(_)));
    event
}

fn bench_events(c: &mut Criterion) {
    let s = Scrubber::new();
    let event = clean_event(&s);
    let secret_event = format!(
        "{{\"tool\":\"bash\",\"output\":\"export GITHUB_TOKEN={}\"}}",
        "ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU"
    );
    let found = s.find(secret_event.as_bytes()).len();
    assert!(found >= 1, "the secret event has no finding");
    let mut g = c.benchmark_group("event");
    g.throughput(Throughput::Bytes(200));
    g.bench_function("clean-200B", |b| {
        b.iter(|| black_box(s.scrub(black_box(&event))).len())
    });
    g.throughput(Throughput::Bytes(secret_event.len() as u64));
    g.bench_function("secret", |b| {
        b.iter(|| black_box(s.scrub(black_box(secret_event.as_bytes()))).len())
    });
    g.finish();
}

/// The `tracing` writer against a one-shot `scrub` of the same event
/// (`event/clean-200B`): the writer's overhead per event is the difference.
/// Also a per-event `Writer` (what a tracing user had before), and a whole
/// `tracing_subscriber::fmt` event with and without the hush writer.
#[cfg(feature = "tracing")]
fn bench_tracing(c: &mut Criterion) {
    use tracing_subscriber::fmt::MakeWriter;

    let s = Scrubber::new();
    let event = clean_event(&s);
    // What the writer passes on, checked first: the event, unchanged.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let check = hush::tracing::ScrubMakeWriter::new(&s, {
        let seen = seen.clone();
        move || Collect(seen.clone())
    });
    check.make_writer().write_all(&event).unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        event,
        "the writer changed a clean event"
    );

    let make = hush::tracing::ScrubMakeWriter::new(&s, std::io::sink);
    let mut g = c.benchmark_group("tracing");
    g.throughput(Throughput::Bytes(event.len() as u64));
    g.bench_function("writer-200B", |b| {
        b.iter(|| {
            let mut w = make.make_writer();
            w.write_all(black_box(&event)).unwrap();
        })
    });
    g.bench_function("per-event-Writer-200B", |b| {
        b.iter(|| {
            let mut w = s.writer(std::io::sink());
            w.write_all(black_box(&event)).unwrap();
            w.finish().unwrap()
        })
    });
    let message = String::from_utf8(event.clone()).unwrap();
    let fmt = |with_hush: bool| {
        let builder = tracing_subscriber::fmt().with_ansi(false).without_time();
        if with_hush {
            tracing::Dispatch::new(builder.with_writer(make.clone()).finish())
        } else {
            tracing::Dispatch::new(builder.with_writer(std::io::sink).finish())
        }
    };
    // The line fmt writes for that event, scrubbed in one shot: what the
    // hush writer should cost on top of formatting.
    let line = {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sub = tracing_subscriber::fmt()
            .with_ansi(false)
            .without_time()
            .with_writer({
                let seen = seen.clone();
                move || Collect(seen.clone())
            })
            .finish();
        tracing::subscriber::with_default(sub, || tracing::info!(tool = "bash", "{}", message));
        seen.lock().unwrap().clone()
    };
    assert!(s.find(&line).is_empty(), "the formatted line has a finding");
    g.bench_function("scrub-fmt-line", |b| {
        b.iter(|| black_box(s.scrub(black_box(&line))).len())
    });
    for (name, with_hush) in [("fmt-event-hush", true), ("fmt-event-plain", false)] {
        let dispatch = fmt(with_hush);
        tracing::dispatcher::with_default(&dispatch, || {
            g.bench_function(name, |b| {
                b.iter(|| tracing::info!(tool = "bash", "{}", black_box(&message)))
            });
        });
    }
    g.finish();
}

#[cfg(not(feature = "tracing"))]
fn bench_tracing(_: &mut Criterion) {}

/// An `io::Write` into a shared buffer.
#[cfg(feature = "tracing")]
struct Collect(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

#[cfg(feature = "tracing")]
impl Write for Collect {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn bench_stream(c: &mut Criterion) {
    let s = Scrubber::new();
    let (input, _) = dense(&s, 4 << 20);
    let expected = s.scrub(&input).into_owned();
    let stream = |size: usize| {
        let mut w = s.writer(Vec::with_capacity(input.len()));
        for chunk in input.chunks(size) {
            w.write_all(chunk).unwrap();
        }
        w.finish().unwrap()
    };
    let mut pushed = Vec::with_capacity(input.len());
    push_all(&s, &input, 64 << 10, |out| pushed.extend_from_slice(out));
    assert!(
        stream(64) == expected && stream(64 << 10) == expected && pushed == expected,
        "stream output differs"
    );
    let mut g = c.benchmark_group("stream");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.sample_size(10);
    g.bench_function("one-shot", |b| {
        b.iter(|| black_box(s.scrub(black_box(&input))).len())
    });
    g.bench_function("64KiB-writes", |b| b.iter(|| stream(64 << 10).len()));
    g.bench_function("64KiB-pushes", |b| {
        b.iter(|| {
            let mut n = 0;
            push_all(&s, &input, 64 << 10, |out| n += black_box(out).len());
            n
        })
    });
    g.bench_function("64B-writes", |b| b.iter(|| stream(64).len()));
    g.finish();
}

/// Pushes `input` into a push stream (no `io::Write` sink) in chunks of
/// `size` bytes, handing each returned slice to `take` before the next
/// push.
fn push_all(s: &Scrubber, input: &[u8], size: usize, mut take: impl FnMut(&[u8])) {
    let mut stream = s.stream();
    for chunk in input.chunks(size) {
        take(stream.push(chunk));
    }
    take(stream.finish());
}

/// One line of `size` bytes, no line break: keyword assignments with short
/// values (`token=abc api_key=abc secret=abc ...`), which no rule takes for
/// secrets, with a fake GitHub token every 64 KiB; returns the line and how
/// many tokens it holds. Every keyword opens a window reaching thousands of
/// bytes along the line: the worst case for windows that overlap.
fn keyword_line(size: usize) -> (Vec<u8>, usize) {
    const TOKEN: &[u8] = b"ghp_Q8vT2mZkR4wYp7LcN1sXbJ6dFh0GaUe3oK9i";
    let filler = b"token=abc api_key=abc secret=abc ";
    let mut out = Vec::with_capacity(size + 64);
    let mut tokens = 0;
    while out.len() < size {
        if out.len() / (64 << 10) >= tokens {
            out.extend_from_slice(TOKEN);
            out.push(b' ');
            tokens += 1;
        }
        out.extend_from_slice(filler);
    }
    (out, tokens)
}

fn bench_worst(c: &mut Criterion) {
    let s = Scrubber::new();
    let (input, tokens) = keyword_line(4 << 20);
    assert_eq!(s.find(&input).len(), tokens, "keyword line finding count");
    let mut g = c.benchmark_group("worst");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.sample_size(10);
    g.bench_function("4MiB-one-line-keywords", |b| {
        b.iter(|| black_box(s.scrub(black_box(&input))).len())
    });
    g.finish();
}

fn bench_startup(c: &mut Criterion) {
    let n = Scrubber::builder().build().unwrap().rules().len();
    assert!(n > 0);
    // Regexes compile on their first keyword hit (the default)...
    c.bench_function("startup/build-defaults", |b| {
        b.iter(|| {
            let s = Scrubber::builder().build().unwrap();
            assert_eq!(s.rules().len(), n);
            s
        })
    });
    // ...or all up front, for comparison.
    let mut g = c.benchmark_group("startup");
    g.sample_size(10);
    g.bench_function("build-defaults-eager", |b| {
        b.iter(|| {
            let s = Scrubber::builder().eager(true).build().unwrap();
            assert_eq!(s.rules().len(), n);
            s
        })
    });
    g.finish();
}

/// `n` user rules, each with its own keyword and one shared with nine
/// others, as a team's generated rule file might have.
fn generated_rules(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        let shared = i / 10;
        text.push_str(&format!(
            "[[rules]]\nid = \"gen-{i}\"\nregex = '''\\b(k{i}x_[a-z0-9]{{16}})\\b'''\nkeywords = [\"k{i}x_\", \"shared{shared}q\"]\n\n"
        ));
    }
    text
}

fn bench_build(c: &mut Criterion) {
    // Building must stay linear in the number of rules (a keyword or group
    // looked up by a search through all the others made it quadratic).
    let text = generated_rules(10_000);
    let mut g = c.benchmark_group("build");
    g.sample_size(10);
    g.bench_function("10k-rules", |b| {
        b.iter(|| {
            let s = Scrubber::builder()
                .defaults(false)
                .add_rules_str("generated.toml", &text)
                .build()
                .unwrap();
            assert_eq!(s.rules().len(), 10_000);
            s
        })
    });
    g.finish();
}

/// `n` distinct fake API tokens (`tok_` and 32 alphanumerics), the same on
/// every run.
fn tokens(n: usize) -> Vec<String> {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|_| {
            let mut t = String::from("tok_");
            for _ in 0..32 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                t.push(ALNUM[(x % ALNUM.len() as u64) as usize] as char);
            }
            t
        })
        .collect()
}

fn bench_known(c: &mut Criterion) {
    const N: usize = 10_000;
    let values = tokens(N);
    let fresh = || Scrubber::builder().defaults(false).build().unwrap();
    let check = |s: &Scrubber| {
        assert_eq!(s.known_secrets().len(), N);
        let probe = format!("a {} b {} c", values[0], values[N - 1]);
        assert_eq!(s.find(probe.as_bytes()).len(), 2, "known values not found");
    };
    let one_by_one = || {
        let s = fresh();
        let known = s.known_secrets();
        for v in &values {
            known.add(v).unwrap();
        }
        s
    };
    let batch = || {
        let s = fresh();
        s.known_secrets().add_many(&values).unwrap();
        s
    };
    let (a, b) = (one_by_one(), batch());
    check(&a);
    check(&b);
    let mut g = c.benchmark_group("known");
    g.sample_size(10);
    g.bench_function("10k-adds", |bench| {
        bench.iter(|| one_by_one().known_secrets().len())
    });
    g.bench_function("add_many-10k", |bench| {
        bench.iter(|| batch().known_secrets().len())
    });
    // Scanning clean output with the 10k values, as left by single adds
    // (several automata) and by one batch (one).
    let input = clean(1 << 20);
    assert_eq!(a.find(&input).len(), 0, "the clean input has findings");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.bench_function("scan-1MiB-after-10k-adds", |bench| {
        bench.iter(|| black_box(a.scrub(black_box(&input))).len())
    });
    g.bench_function("scan-1MiB-after-add_many-10k", |bench| {
        bench.iter(|| black_box(b.scrub(black_box(&input))).len())
    });
    // A few values, as `--mask-env` registers.
    let mut few = Scrubber::builder();
    few.defaults(false);
    for v in &values[..8] {
        few.known_secret(v);
    }
    let few = few.build().unwrap();
    assert_eq!(few.find(&input).len(), 0, "the clean input has findings");
    g.bench_function("scan-1MiB-with-8-values", |bench| {
        bench.iter(|| black_box(few.scrub(black_box(&input))).len())
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_clean,
    bench_real,
    bench_dense,
    bench_events,
    bench_tracing,
    bench_stream,
    bench_worst,
    bench_startup,
    bench_build,
    bench_known
);
criterion_main!(benches);
