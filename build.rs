//! Embeds every `patterns/*.toml` file as the default rule set.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("patterns/ directory")
        .map(|e| e.expect("patterns/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_str().expect("UTF-8 file name");
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push(']');
    // A hash of the files as embedded (FNV-1a over each name and text,
    // each followed by a 0xff byte, which UTF-8 never holds): the prebuilt
    // form of the defaults records the hash of the files it was made
    // from, and is used only when it is this one.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in &files {
        let name = path.file_name().unwrap().to_str().expect("UTF-8 file name");
        let text = std::fs::read(path).expect("readable pattern file");
        for &b in name
            .as_bytes()
            .iter()
            .chain([0xff].iter())
            .chain(&text)
            .chain([0xff].iter())
        {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("patterns_hash.rs");
    std::fs::write(dest, format!("0x{hash:016x}")).unwrap();
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("patterns.rs");
    std::fs::write(dest, out).unwrap();
}
