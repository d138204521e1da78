//! Keyword-dense long lines (issue 11, item 8): one line holding a keyword
//! every few bytes, where every keyword's window overlaps the next ones.
//! The runs that search such windows once must find what each secret alone
//! gives, change nothing else, and stream exactly as they scrub in one
//! shot.

mod common;

use std::sync::OnceLock;

use hush::Scrubber;

fn scrubber() -> &'static Scrubber {
    static S: OnceLock<Scrubber> = OnceLock::new();
    S.get_or_init(Scrubber::new)
}

/// Fake secrets, generated for these tests: a classic GitHub token and a
/// high-entropy value assigned to a secret-named variable.
const GITHUB: &str = "ghp_Vd3kQ9xLm2Rt7WbN5yHc8JfP1sZa6Ge4Tu0o";
const TOKEN_VALUE: &str = "token=Zq8Rk2Vx7LmN4pTw9bYc";

/// Keyword text that no rule takes for a secret, repeated along a line.
const FILLERS: &[&str] = &[
    "token=abc ",
    "api_key=abc ",
    "secret=abc ",
    "password=abc ",
    "Authorization: Bearer ",
    "token=abc api_key=abc secret=abc ",
];

/// Write sizes to stream at: single bytes are covered by `tests/stream.rs`
/// on short inputs; on these long lines they would take minutes in debug.
const SIZES: &[&[usize]] = &[&[5], &[1, 7, 2, 31], &[64], &[4096]];

/// `filler` repeated to about `len` bytes, with `secrets` at its start, in
/// its middle and at its end; returns the line and what it must scrub to:
/// the same line with each secret as it scrubs alone.
fn line(filler: &str, secrets: &[&str], len: usize) -> (String, String) {
    let fill = filler.repeat(len / 3 / filler.len() + 1);
    let (mut input, mut expected) = (String::new(), String::new());
    for (i, part) in [fill.as_str(); 3].iter().enumerate() {
        let secret = secrets[i % secrets.len()];
        let alone = scrubber().scrub_str(secret);
        assert_ne!(alone, secret, "the example secret {i} is not found alone");
        input.push_str(secret);
        input.push(' ');
        input.push_str(part);
        expected.push_str(&alone);
        expected.push(' ');
        expected.push_str(part);
    }
    input.push_str(secrets[0]);
    expected.push_str(&scrubber().scrub_str(secrets[0]));
    (input, expected)
}

#[test]
fn secrets_on_keyword_dense_lines_are_redacted_and_nothing_else_changes() {
    for filler in FILLERS {
        let (input, expected) = line(filler, &[GITHUB, TOKEN_VALUE], 40_000);
        let out = scrubber().scrub_str(&input);
        assert!(
            out == expected,
            "filler {filler:?}: the output differs from each secret scrubbed alone"
        );
    }
}

#[test]
fn keyword_dense_lines_stream_as_they_scrub_in_one_shot() {
    for filler in FILLERS {
        let (input, _) = line(filler, &[TOKEN_VALUE, GITHUB], 12_000);
        let expected = scrubber().scrub(input.as_bytes()).into_owned();
        for sizes in SIZES {
            let got = common::stream(scrubber(), input.as_bytes(), sizes);
            assert!(
                got == expected,
                "filler {filler:?}, writes of {sizes:?}: the stream differs"
            );
        }
    }
}

/// `-----BEGIN`-ish keyword text for the multi-line key rules, line after
/// line, with a real (fake) key block in the middle and a token at the end.
#[test]
fn repeated_begin_lines_stream_as_they_scrub_and_keep_the_key_redacted() {
    let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBc3h8Gf2Vx9KqLmT4wR7pN1yZ6aJ0sE5dC8uH3iB2oXgAAAJg7kPq9O5D6\n-----END OPENSSH PRIVATE KEY-----";
    assert_ne!(
        scrubber().scrub_str(key),
        key,
        "the example key is not found"
    );
    let begin = "-----BEGIN RSA PRIVATE KEY----- -----BEGIN PRIVATE KEY-----\n".repeat(60);
    let input = format!("{begin}{key}\n{begin}{GITHUB}\n");
    let expected = scrubber().scrub(input.as_bytes()).into_owned();
    let shown = common::show(&expected);
    assert!(
        !shown.contains("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAE"),
        "the key survives"
    );
    assert!(!shown.contains(&GITHUB[4..]), "the token survives");
    assert!(
        shown.starts_with(&begin),
        "the lines before the key changed"
    );
    for sizes in SIZES {
        let got = common::stream(scrubber(), input.as_bytes(), sizes);
        assert!(got == expected, "writes of {sizes:?}: the stream differs");
    }
}

/// Rules that share a keyword (`token`), one whose windows are long enough
/// to run as runs and one short enough to run window by window, on one
/// long line: each finds what it finds alone, at every split.
#[test]
fn rules_sharing_a_keyword_on_a_dense_line_stream_as_they_scrub() {
    let s = common::only(
        r#"
[[rules]]
id = "long"
regex = '''token=([A-Za-z0-9]{16,200})\b'''
keywords = ["token"]

[[rules]]
id = "short"
regex = '''token:([0-9]{6})\b'''
keywords = ["token"]
"#,
    );
    let filler = "token=abc token:12 ".repeat(200);
    let input = format!(
        "token=Hq3Xn8Ld5Wr2Kv7Pz9Fb {filler}token:834201 {filler}token=Hq3Xn8Ld5Wr2Kv7Pz9Fb"
    );
    let out = common::show(&s.scrub(input.as_bytes()));
    let want = format!(
        "token=[REDACTED:long] {filler}token:[REDACTED:short] {filler}token=[REDACTED:long]"
    );
    assert!(out == want, "the findings differ from each secret's alone");
    for sizes in SIZES {
        let got = common::stream(&s, input.as_bytes(), sizes);
        assert!(
            common::show(&got) == want,
            "writes of {sizes:?}: the stream differs"
        );
    }
}

/// An idle release in the middle of a keyword-dense line, where the runs
/// of overlapping windows are still open: the pause writes no part of the
/// secret being written, and once the line completes the output is the
/// one-shot result.
#[test]
fn idle_release_on_a_keyword_dense_line_writes_no_part_of_a_secret() {
    for filler in FILLERS {
        let (input, _) = line(filler, &[TOKEN_VALUE, GITHUB], 6_000);
        let expected = scrubber().scrub(input.as_bytes()).into_owned();
        for (secret, value) in [(TOKEN_VALUE, &TOKEN_VALUE[6..]), (GITHUB, GITHUB)] {
            let at = input.rfind(secret).unwrap() + (secret.len() - value.len());
            for k in [4, value.len() / 2, value.len() - 1] {
                let cut = at + k;
                let mut s = scrubber().stream();
                let mut out = s.push(&input.as_bytes()[..cut]).to_vec();
                out.extend_from_slice(s.release_idle());
                let early = String::from_utf8_lossy(&out).into_owned();
                assert!(
                    !early.contains(&value[..4]),
                    "filler {filler:?}: a pause {k} bytes into a secret wrote its start"
                );
                out.extend_from_slice(s.push(&input.as_bytes()[cut..]));
                out.extend_from_slice(s.finish());
                assert!(
                    out == expected,
                    "filler {filler:?}: a pause {k} bytes into a secret changed the output"
                );
            }
        }
    }
}
