//! Data-driven behaviour cases from `tests/data/*.toml`, each run one-shot
//! and streamed at many chunk sizes.

mod common;

use hush::Scrubber;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    input: String,
    output: Option<String>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    present: Vec<String>,
}

#[test]
fn behaviour_cases() {
    let s = Scrubber::new();
    let files = common::files("tests/data", Some("toml"));
    let mut failures = Vec::new();
    let mut count = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let file: File =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy();
        for case in &file.cases {
            count += 1;
            assert!(
                case.output.is_some() || !case.absent.is_empty(),
                "{name}: case {:?} checks nothing: give output or absent",
                case.name
            );
            let out = s.scrub_str(&case.input).into_owned();
            if let Some(expected) = &case.output
                && &out != expected
            {
                failures.push(format!(
                    "{name}: {}\n  input:    {:?}\n  expected: {:?}\n  got:      {:?}",
                    case.name, case.input, expected, out
                ));
                continue;
            }
            for a in &case.absent {
                if out.contains(a.as_str()) {
                    failures.push(format!("{name}: {}: {a:?} survives in {out:?}", case.name));
                }
            }
            for p in &case.present {
                if !out.contains(p.as_str()) {
                    failures.push(format!(
                        "{name}: {}: {p:?} is missing from {out:?}",
                        case.name
                    ));
                }
            }
            for sizes in common::CHUNK_SIZES {
                let streamed = common::stream(&s, case.input.as_bytes(), sizes);
                if streamed != out.as_bytes() {
                    failures.push(format!(
                        "{name}: {}: streamed at {sizes:?} gives {:?}",
                        case.name,
                        common::show(&streamed)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count > 0, "no cases in tests/data");
}
