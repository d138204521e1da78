//! Terminal escapes (colours, erase-in-line, hyperlinks) neither hide a
//! secret nor change clean text: the rules match as if they were absent.

mod common;

use std::io::Write;
use std::sync::OnceLock;

use hush::{Redaction, Scrubber};
use proptest::prelude::*;

fn scrubber() -> &'static Scrubber {
    static S: OnceLock<Scrubber> = OnceLock::new();
    S.get_or_init(Scrubber::new)
}

/// `(input, secret)` for every example of every default rule.
fn examples() -> &'static [(String, String)] {
    static EX: OnceLock<Vec<(String, String)>> = OnceLock::new();
    EX.get_or_init(|| {
        scrubber()
            .rules()
            .flat_map(|r| {
                r.examples()
                    .filter(|(_, s)| !s.is_empty())
                    .map(|(i, s)| (i.to_string(), s.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect()
    })
}

/// SGR sequences and erase-in-line, as `ls`, `grep`, `jq`, `git` and
/// tracing write them.
const ESCAPES: &[&str] = &[
    "\x1b[0m",
    "\x1b[m",
    "\x1b[1m",
    "\x1b[01;31m\x1b[K",
    "\x1b[m\x1b[K",
    "\x1b[1;34m",
    "\x1b[0;32m",
    "\x1b[38;5;208m",
    "\x1b[38;2;255;128;0m",
    "\x1b[3m",
    "\x1b[2m",
];

/// `text` with escapes inserted at character boundaries: `(position as a
/// fraction of the length, which escape)`.
fn insert(text: &str, at: &[(f64, usize)]) -> String {
    let mut cuts: Vec<(usize, &str)> = at
        .iter()
        .map(|&(f, e)| {
            let mut i = (f * text.len() as f64) as usize;
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            (i, ESCAPES[e % ESCAPES.len()])
        })
        .collect();
    cuts.sort_by_key(|c| c.0);
    let mut out = String::new();
    let mut from = 0;
    for (i, e) in cuts {
        out.push_str(&text[from..i]);
        out.push_str(e);
        from = i;
    }
    out.push_str(&text[from..]);
    out
}

/// `text` without SGR and erase-in-line sequences.
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("\x1b[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .expect("a final byte");
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn escapes() -> impl Strategy<Value = Vec<(f64, usize)>> {
    proptest::collection::vec((0.0..1.0f64, 0..ESCAPES.len()), 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn escapes_anywhere_never_let_a_secret_through(
        k in 0..examples().len(),
        at in escapes(),
        cut in 0.0..1.0f64,
    ) {
        let (input, secret) = &examples()[k];
        let coloured = insert(input, &at);
        let out = scrubber().scrub_str(&coloured).into_owned();
        let plain = strip_sgr(&out);
        prop_assert!(!plain.contains(secret.as_str()), "{:?} -> {:?}", coloured, out);
        // Without its escapes, the output is the plain input's.
        prop_assert_eq!(&plain, &scrubber().scrub_str(input).into_owned());
        // Streamed in two pieces, the same.
        let cut = (cut * coloured.len() as f64) as usize;
        let streamed = common::stream_split(scrubber(), coloured.as_bytes(), &[cut]);
        prop_assert_eq!(common::show(&streamed), out);
    }

    #[test]
    fn escapes_in_clean_text_leave_it_byte_identical(
        lines in proptest::collection::vec(0..common::benign_lines().len(), 1..4),
        at in escapes(),
        sizes in proptest::collection::vec(1..40usize, 1..4),
    ) {
        let text = lines.iter().map(|&i| common::benign_lines()[i].as_str()).collect::<Vec<_>>().join("\n");
        prop_assume!(scrubber().scrub_str(&text) == text);
        let coloured = insert(&text, &at);
        prop_assert_eq!(scrubber().scrub_str(&coloured), coloured.as_str());
        let streamed = common::stream(scrubber(), coloured.as_bytes(), &sizes);
        prop_assert_eq!(common::show(&streamed), coloured);
    }

    #[test]
    fn escape_only_input_is_unchanged(
        at in proptest::collection::vec((0.0..1.0f64, 0..ESCAPES.len()), 0..40),
    ) {
        let input = insert("", &at);
        prop_assert_eq!(scrubber().scrub_str(&input), input.as_str());
        prop_assert_eq!(common::show(&common::stream(scrubber(), input.as_bytes(), &[3])), input);
    }
}

const TOKEN: &str = "ghp_LZ8ahHK6pvvQRitYuDlhB8uppivAC9C45zaJ";

#[test]
fn find_reports_offsets_in_the_input_escapes_inside_the_secret_included() {
    let input = format!(
        "\x1b[1m{}\x1b[01;31m\x1b[K{}\x1b[0m\n",
        &TOKEN[..10],
        &TOKEN[10..]
    );
    let found = scrubber().find(input.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule(), "github-pat-classic");
    // From the token's first byte (after `\x1b[1m`) to its last (before
    // `\x1b[0m`).
    assert_eq!(found[0].range(), 4..input.len() - 5);
}

#[test]
fn a_fingerprint_is_of_the_secret_without_its_escapes() {
    let s = Scrubber::builder()
        .redaction(Redaction::Fingerprint)
        .fingerprint_key("a key for this test only, 32 bytes")
        .build()
        .unwrap();
    let plain = s.scrub_str(&format!("t {TOKEN}\n")).into_owned();
    let coloured = format!(
        "t {}\x1b[01;31m\x1b[K{}\x1b[m\x1b[K\n",
        &TOKEN[..9],
        &TOKEN[9..]
    );
    assert_eq!(
        s.scrub_str(&coloured),
        format!("{}\x1b[m\x1b[K\n", plain.trim_end())
    );
}

#[test]
fn an_idle_release_holds_a_token_split_by_a_colour_and_an_unfinished_escape() {
    let mut st = scrubber().stream();
    let mut out = Vec::new();
    out.extend_from_slice(
        st.push(format!("$ grep -r ghp_ .\n./ci.env: - {}", &TOKEN[..12]).as_bytes()),
    );
    out.extend_from_slice(st.push(b"\x1b[01;31m\x1b[K"));
    out.extend_from_slice(st.release_idle());
    assert_eq!(common::show(&out), "$ grep -r ghp_ .\n./ci.env: - ");
    // An escape still arriving: held too.
    out.extend_from_slice(st.push(&TOKEN.as_bytes()[12..20]));
    out.extend_from_slice(st.push(b"\x1b[m\x1b"));
    out.extend_from_slice(st.release_idle());
    assert_eq!(common::show(&out), "$ grep -r ghp_ .\n./ci.env: - ");
    out.extend_from_slice(st.push(format!("[K{}\n", &TOKEN[20..]).as_bytes()));
    out.extend_from_slice(st.finish());
    assert_eq!(
        common::show(&out),
        "$ grep -r ghp_ .\n./ci.env: - [REDACTED:github-pat-classic]\n"
    );
}

#[test]
fn an_idle_release_writes_a_coloured_prompt_whole() {
    let mut st = scrubber().stream();
    let prompt = "\x1b[01;32mdeploy@ci\x1b[00m:\x1b[01;34m~/app\x1b[00m$ \x1b[0m";
    let mut out = st.push(prompt.as_bytes()).to_vec();
    out.extend_from_slice(st.release_idle());
    assert_eq!(common::show(&out), prompt);
    assert_eq!(st.held(), 0);
}

#[test]
fn a_line_of_escapes_without_end_is_held_within_a_bound() {
    // A terminal program that redraws with cursor movements and colours,
    // never a line break: what the stream holds does not grow with it.
    let s = scrubber();
    let mut st = s.stream();
    let mut most = 0;
    let mut written = 0;
    for i in 0..20_000 {
        let piece = format!("\x1b[{};1H\x1b[38;5;{}m#\x1b[0m", i % 50, i % 256);
        written += st.push(piece.as_bytes()).len();
        most = most.max(st.held());
    }
    written += st.finish().len();
    assert!(written > 0);
    // The text held (up to the longest match `L`), plus the escapes in it:
    // at most `4 * L + 1024` bytes per `L` text positions (ansi.rs).
    let l = s.max_match_len();
    let bound = l + 2 * (4 * l + 1024) + 4096;
    assert!(20_000 * 20 > 2 * bound, "the input outgrows the bound");
    assert!(most <= bound, "held {most} > {bound}");
}

// Found by fuzzing (scrub_split): a lone ESC right before a secret, followed
// by the label's `[`, made `ESC [ R`, a terminal escape that eats the
// label's first letter on a terminal; the next scrub took it out and read
// `EDACTED:url-credentials]` as a password. The ESC now goes with the
// secret, one-shot and streamed.
#[test]
fn a_lone_esc_before_a_secret_no_longer_turns_the_label_into_an_escape() {
    let s = scrubber();
    for (input, expected) in [
        (
            &b"x \x1bghp_Z7k2Lq9Wx4Rt1Yp3MNCs5fG0Dh2Jk4LpQ8vR\n"[..],
            "x [REDACTED:github-pat-classic]\n",
        ),
        (
            &b"stg://appy\x1b:\xa0Pq3-Xe9-Lm2-Vz4@db.internb\x0e"[..],
            // The stray continuation byte `\xa0` is a character of its own:
            // the redaction no longer takes the `:` before it, and the ESC
            // before that is followed by `:`, not by the label's `[`.
            "stg://appy\u{1b}:[REDACTED:url-credentials]@db.internb\u{e}",
        ),
    ] {
        let once = s.scrub(input).into_owned();
        assert_eq!(common::show(&once), expected);
        assert!(!once.windows(2).any(|w| w == b"\x1b["));
        assert_eq!(s.scrub(&once).as_ref(), &once[..]);
        for cut in 1..input.len() {
            let streamed = common::stream_split(s, input, &[cut]);
            assert_eq!(common::show(&streamed), expected, "cut at {cut}");
        }
    }
}

/// Scrubbing `once` (the scrub of `input`) again changes nothing, and a
/// stream of `input` cut anywhere in two writes `once`.
fn assert_idempotent_and_split_free(s: &Scrubber, input: &[u8], once: &[u8]) {
    assert_eq!(
        common::show(&s.scrub(once)),
        common::show(once),
        "scrubbing twice differs"
    );
    for cut in 1..input.len() {
        let streamed = common::stream_split(s, input, &[cut]);
        assert_eq!(common::show(&streamed), common::show(once), "cut at {cut}");
    }
}

// Found by fuzzing (scrub_split): an escape string (here APC, `ESC _` to
// BEL) with a secret in it stays text, so the first scrub read the value
// before it (`E_KEY=ve_@\xc1`) as ending at the string. Once the secret was
// redacted the string was clean, the second scrub took it out, and read
// that value joined with the bytes after the string: a finding the first
// scrub did not make. A string holding a redaction label now stays text.
#[test]
fn an_escape_string_with_a_redacted_secret_no_longer_joins_its_neighbours() {
    let s = scrubber();
    let input = b"E_KEY=ve_@\xc1\x1b_=authKEY=ekEY=Pz\x03'\x07Kh\xc1_\x1bKTs3SA";
    let once = s.scrub(input).into_owned();
    assert!(
        once.windows(9).any(|w| w == b"[REDACTED"),
        "the secret in the string is kept"
    );
    assert!(
        once.starts_with(b"E_KEY=ve_@\xc1\x1b_="),
        "{}",
        common::show(&once)
    );
    assert_idempotent_and_split_free(s, input, &once);
}

// Found by fuzzing (scrub_split): an escape string (APC, `ESC _` to
// `ESC \`) with a secret in it stays text, and the value rule took the
// terminator's ESC into the secret. Its redaction left the `\` behind, so
// the second scrub read the string on to the next `ESC \`, kept that one as
// text too, and found a second value ending there (`ghp_Yp5Mn3` before the
// ESC) that the first scrub, which took that `ESC \` out, read as
// `ghp_Yp5Mn3b(x` and kept. A redaction now ends before a trailing ESC.
#[test]
fn a_redaction_no_longer_takes_the_esc_that_ends_an_escape_string() {
    let s = scrubber();
    let input = b"\x1b_token: ghp_Yp5Mn3\x1b\\b( token: ghp_Yp5Mn3\x1b\\b(x";
    let once = s.scrub(input).into_owned();
    assert_eq!(
        common::show(&once),
        "\u{1b}_token: [REDACTED:config-secret]\u{1b}\\b( token: ghp_Yp5Mn3\u{1b}\\b(x"
    );
    assert_idempotent_and_split_free(s, input, &once);
}

#[test]
fn a_stream_back_from_escapes_to_plain_text_scrubs_as_one_shot() {
    // The stream leaves its escape path once no escape is held or in
    // progress, and takes it again at the next ESC: the output is the
    // one-shot one at any chunking, and no secret gets out.
    let s = scrubber();
    let filler: String = (0..s.max_match_len() / 40 + 8)
        .map(|i| format!("step {i:05}: compiled module without warnings\n"))
        .collect();
    // The second is written in two pieces with escapes between them.
    let secrets = [
        "ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU",
        "AKIAZ4V7",
        "Q2MN5HXK3JWD",
    ];
    let input = format!(
        "\x1b[01;32mdeploy@ci\x1b[00m:~$ make\n{filler}token {t0}\n{filler}\
         \x1b[32mGITHUB_TOKEN\x1b[0m={t0}\n{filler}key \x1b[1mAKIAZ4V7\x1b[0mQ2MN5HXK3JWD\n\
         \x1b]0;title\x07{filler}\x1b[1;31mend",
        t0 = secrets[0],
    );
    let whole = s.scrub(input.as_bytes()).into_owned();
    for secret in secrets {
        assert!(!common::show(&whole).contains(secret), "one-shot leaked");
    }
    let mut sizes: Vec<&[usize]> = common::CHUNK_SIZES.to_vec();
    sizes.extend_from_slice(&[&[997], &[65536], &[3, 4099, 17]]);
    for size in sizes {
        let streamed = common::stream(s, input.as_bytes(), size);
        assert_eq!(
            common::show(&streamed),
            common::show(&whole),
            "chunks {size:?}"
        );
    }
}

// Found by fuzzing (scrub_split, fuzz/regressions/scrub_split/
// lone-esc-run-before-a-secret): 47 lone ESC bytes right before a Stripe
// key. One-shot, the redaction took the last ESC with it (a lone ESC before
// the label's `[` would start an escape); written a byte at a time, the
// stream kept all 47.
#[test]
fn a_run_of_lone_escs_before_a_secret_scrubs_as_one_shot_at_any_split() {
    let s = scrubber();
    let esc = "\x1b".repeat(47);
    let input = format!(
        "expoivk_live_Q2u2Er5TyxpBEGIN {esc}sk_live_Q4w2Er5Ty7Ui9Op9As3Df7Ui93Df7Ui9Op1As3Df6Gh\nok\x04"
    );
    let input = input.as_bytes();
    let once = s.scrub(input).into_owned();
    assert!(
        !common::show(&once).contains("sk_live_"),
        "{}",
        common::show(&once)
    );
    assert!(!once.windows(2).any(|w| w == b"\x1b["));
    let mut w = s.writer(Vec::new());
    for b in input {
        w.write_all(std::slice::from_ref(b)).unwrap();
    }
    let bytewise = w.finish().unwrap();
    assert_eq!(
        common::show(&bytewise),
        common::show(&once),
        "a byte at a time"
    );
    assert_idempotent_and_split_free(s, input, &once);
}
