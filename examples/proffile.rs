fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(10);
    let s = hush::Scrubber::builder().build().unwrap();
    let mut hay = std::fs::read(&path).unwrap();
    hay.truncate(32 << 20);
    let _ = s.scrub(&hay);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(s.scrub(&hay));
    }
    let ms = t.elapsed().as_secs_f64() * 1e3 / n as f64;
    eprintln!(
        "{:.1} ms/run, {:.0} MiB/s",
        ms,
        hay.len() as f64 / (1 << 20) as f64 / ms * 1e3
    );
}
