//! Writes a bench input to a file, for timing the `hush` filter against
//! other scanners on the same bytes (`benches/peers.sh`):
//!
//! ```text
//! cargo run --release --example corpus -- real 64 /tmp/real.txt
//! cargo run --release --example corpus -- ci 64 /tmp/ci.txt
//! ```
//!
//! `real` is the Rust sources and docs of the local cargo registry's
//! crates, `ci` CI job logs made from the benign corpus (see
//! `benches/support/corpus.rs`); the size is in MiB (at least).

#[path = "../benches/support/corpus.rs"]
mod support;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, mib, out] = args.as_slice() else {
        eprintln!("usage: corpus real|ci SIZE_MIB OUT");
        std::process::exit(2);
    };
    let Ok(mib) = mib.parse::<usize>() else {
        eprintln!("corpus: the size must be a whole number of MiB");
        std::process::exit(2);
    };
    let bytes = match kind.as_str() {
        "real" => support::real_text(mib << 20),
        "ci" => support::ci_logs(mib << 20),
        _ => {
            eprintln!("corpus: the kind must be `real` or `ci`");
            std::process::exit(2);
        }
    };
    if let Err(e) = std::fs::write(out, &bytes) {
        eprintln!("corpus: cannot write {out}: {e}");
        std::process::exit(1);
    }
    eprintln!("corpus: wrote {} bytes to {out}", bytes.len());
}
