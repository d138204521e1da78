//! The stream adapters: output equals the one-shot result however the input
//! is split, memory stays bounded, and complete lines leave at once.

mod common;

use std::io::{Read, Write};

use common::{only, show, stream, stream_split};
use proptest::prelude::*;

const RULES: &str = r#"
[[rules]]
id = "tok"
regex = '''\b(tk_[A-Za-z0-9]{8,40})\b'''
keywords = ["tk_"]

[[rules]]
id = "pw"
regex = '''(?i)password\s{0,3}[:=]\s{0,3}([^\s'"]{4,64})'''
keywords = ["password"]

[[rules]]
id = "inner"
regex = '''hunter2'''
keywords = ["hunter"]

[[rules]]
id = "self-overlap"
regex = '''ssecret99'''
keywords = ["ssec"]

[[rules]]
id = "pem"
multiline = true
regex = '''-----BEGIN TEST KEY-----(?:\r?\n[A-Za-z0-9+/=]{1,64}){1,40}(?:\r?\n-----END TEST KEY-----)?'''
keywords = ["BEGIN TEST KEY"]
"#;

const PEM: &str = "-----BEGIN TEST KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm\n-----END TEST KEY-----";

fn sample() -> String {
    format!(
        "start\nexport TOKEN=tk_aB3dE5gH7jK9\npassword = hunter2XYZsecret ok\nab ssecret99 cd\n{PEM}\nafter the key\npartial password: p4ssw0rd-tail"
    )
}

#[test]
fn every_single_split_gives_the_one_shot_output() {
    let s = only(RULES);
    let input = sample();
    let expected = s.scrub(input.as_bytes()).into_owned();
    assert!(!show(&expected).contains("hunter2XYZsecret"));
    assert!(!show(&expected).contains("MIIBOgIBAAJBAKj34"));
    for cut in 0..=input.len() {
        let got = stream_split(&s, input.as_bytes(), &[cut]);
        assert_eq!(show(&got), show(&expected), "split at {cut}");
    }
}

#[test]
fn every_pair_of_splits_around_secrets_gives_the_one_shot_output() {
    let s = only(RULES);
    for input in [
        "x password=hunter2XYZsecret y".to_string(),
        "ab ss\nab ssecret99 cd".to_string(),
        format!("a\r\n{}\r\nb", PEM.replace('\n', "\r\n")),
    ] {
        let expected = s.scrub(input.as_bytes()).into_owned();
        for a in 0..=input.len() {
            for b in a..=input.len() {
                let got = stream_split(&s, input.as_bytes(), &[a, b]);
                assert_eq!(show(&got), show(&expected), "splits at {a} and {b}");
            }
        }
    }
}

#[test]
fn one_byte_writes_give_the_one_shot_output() {
    let s = only(RULES);
    let input = sample().repeat(5);
    let expected = s.scrub(input.as_bytes()).into_owned();
    for sizes in common::CHUNK_SIZES {
        assert_eq!(
            show(&stream(&s, input.as_bytes(), sizes)),
            show(&expected),
            "{sizes:?}"
        );
    }
}

#[test]
fn a_utf8_character_split_across_writes_passes_through_whole() {
    let s = only(RULES);
    let input = "héllo wörld € 😀 password=ünïcödé-pw\n".as_bytes();
    let expected = s.scrub(input).into_owned();
    assert!(std::str::from_utf8(&expected).is_ok());
    for cut in 0..=input.len() {
        assert_eq!(stream_split(&s, input, &[cut]), expected, "split at {cut}");
    }
}

#[test]
fn invalid_utf8_passes_through_unchanged() {
    let s = only(RULES);
    let input: Vec<u8> = vec![0xff, 0xfe, b'a', 0xc3, b'\n', 0x80, 0x00, b'z', 0xe2, 0x82];
    assert_eq!(s.scrub(&input).as_ref(), &input[..]);
    assert_eq!(stream(&s, &input, &[1]), input);
    let mut with_secret = input.clone();
    with_secret.extend_from_slice(b" tk_aB3dE5gH7jK9 ");
    with_secret.extend_from_slice(&input);
    let out = stream(&s, &with_secret, &[3]);
    assert_eq!(out, s.scrub(&with_secret).as_ref());
    assert!(out.starts_with(&input) && out.ends_with(&input));
    assert!(!show(&out).contains("tk_aB3dE5gH7jK9"));
}

#[test]
fn a_complete_line_leaves_when_the_write_completing_it_returns() {
    let s = only(RULES);
    let mut w = s.writer(Vec::new());
    w.write_all(b"hello password").unwrap();
    // A keyword is in progress on an unfinished line: held.
    assert!(w.get_ref().is_empty());
    w.write_all(b"=s3cr3t-value\nnext").unwrap();
    assert_eq!(show(w.get_ref()), "hello password=[REDACTED:pw]\n");
    assert_eq!(w.held(), 4);
    let out = w.finish().unwrap();
    assert_eq!(show(&out), "hello password=[REDACTED:pw]\nnext");
}

#[test]
fn a_pem_block_in_progress_is_held_until_it_can_be_decided() {
    let s = only(RULES);
    let mut w = s.writer(Vec::new());
    w.write_all(
        b"before\n-----BEGIN TEST KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4\n",
    )
    .unwrap();
    assert_eq!(show(w.get_ref()), "before\n");
    let out = w.finish().unwrap();
    assert_eq!(show(&out), "before\n[REDACTED:pem]\n\n");
}

#[test]
fn flush_shows_the_prompt_but_holds_a_value_in_progress() {
    let s = only(RULES);
    let mut w = s.writer(Vec::new());
    w.write_all(b"prompt password: s3cr3t-value").unwrap();
    assert!(w.get_ref().is_empty());
    w.flush().unwrap();
    // The value could still be growing: held, the text before it shown.
    assert_eq!(show(w.get_ref()), "prompt password: ");
    assert_eq!(w.held(), "s3cr3t-value".len());
    // The rest of a token split by a flush is redacted whole.
    w.write_all(b"\nuse tk_aB3dE").unwrap();
    w.flush().unwrap();
    w.write_all(b"5gH7jK9 now\n").unwrap();
    let out = w.finish().unwrap();
    assert_eq!(
        show(&out),
        "prompt password: [REDACTED:pw]\nuse [REDACTED:tok] now\n"
    );
}

#[test]
fn memory_stays_bounded_on_a_10_mb_line() {
    let s = only(RULES);
    let bound = 4 * s.max_match_len() + 64;
    let mut w = s.writer(std::io::sink());
    let chunk = b"abcdefgh password=x tk_zz ".repeat(2521); // ~64 KiB, no newline
    let mut max_held = 0;
    let mut written = 0;
    while written < 10 * 1024 * 1024 {
        w.write_all(&chunk).unwrap();
        written += chunk.len();
        max_held = max_held.max(w.held());
    }
    assert!(max_held <= bound, "held {max_held} > {bound}");
    w.finish().unwrap();
}

#[test]
fn reader_gives_the_same_bytes_as_the_writer() {
    let s = only(RULES);
    let input = sample().repeat(3);
    // A reader that returns a few bytes at a time.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(3);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let mut out = Vec::new();
    s.reader(Trickle(input.as_bytes()))
        .read_to_end(&mut out)
        .unwrap();
    assert_eq!(show(&out), show(&s.scrub(input.as_bytes())));
}

#[test]
fn dropping_a_writer_writes_the_held_tail_redacted() {
    let s = only(RULES);
    let mut out = Vec::new();
    {
        let mut w = s.writer(&mut out);
        w.write_all(b"last password=s3cr3t-value").unwrap();
    }
    assert_eq!(show(&out), "last password=[REDACTED:pw]");
}

fn noisy_input() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"tk_aB3dE5gH7jK9".to_vec()),
        Just(b"password=hunter2XYZsecret".to_vec()),
        Just(b"hunter2".to_vec()),
        Just(b"ssecret99".to_vec()),
        Just(PEM.as_bytes().to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just("é€".as_bytes().to_vec()),
        "[ -~]{0,12}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..6),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn chunking_never_changes_the_output(input in noisy_input(), cuts in proptest::collection::vec(0usize..2000, 0..12)) {
        let s = only(RULES);
        let mut cuts = cuts;
        cuts.sort_unstable();
        let expected = s.scrub(&input).into_owned();
        let got = stream_split(&s, &input, &cuts);
        prop_assert_eq!(show(&got), show(&expected));
    }
}

#[test]
fn memory_stays_bounded_on_a_long_line_with_the_default_rules() {
    let s = hush::Scrubber::new();
    // The bound the crate documentation gives: four times the longest
    // match, plus the context kept before it, plus one write.
    // A long line of ordinary words with a few keywords in every write.
    let mut chunk = b"lorem ipsum dolor sit amet ".repeat(80);
    chunk.extend_from_slice(b"token=abc password: x https://host/p?q=1 ghp_ AKIA ");
    let bound = 5 * s.max_match_len() + chunk.len();
    let mut w = s.writer(std::io::sink());
    let mut max_held = 0;
    for _ in 0..(2 << 20) / chunk.len() {
        w.write_all(&chunk).unwrap();
        max_held = max_held.max(w.held());
    }
    assert!(max_held <= bound, "held {max_held} > {bound}");
    w.finish().unwrap();
}

/// Pushes `input` into a [`hush::Stream`] split at `cuts`, collecting what
/// each call returns.
fn pushed(s: &hush::Scrubber, input: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut st = s.stream();
    let mut out = Vec::new();
    let mut at = 0;
    for &c in cuts {
        let c = c.clamp(at, input.len());
        out.extend_from_slice(st.push(&input[at..c]));
        at = c;
    }
    out.extend_from_slice(st.push(&input[at..]));
    out.extend_from_slice(st.finish());
    assert_eq!(st.held(), 0);
    out
}

proptest! {
    #[test]
    fn push_stream_gives_the_one_shot_output(input in noisy_input(), mut cuts in proptest::collection::vec(0usize..2000, 0..12)) {
        cuts.sort_unstable();
        let s = only(RULES);
        let expected = s.scrub(&input).into_owned();
        prop_assert_eq!(show(&pushed(&s, &input, &cuts)), show(&expected));
    }
}

#[test]
fn push_stream_returns_complete_lines_at_once_and_counts() {
    let s = only(RULES);
    let mut st = s.stream();
    assert_eq!(
        show(st.push(b"a tk_aB3dE5gH7jK9 b\nc ")),
        "a [REDACTED:tok] b\n"
    );
    assert_eq!(st.held(), 2);
    assert_eq!(st.redactions(), vec![("tok", 1)]);
    assert_eq!(show(st.finish()), "c ");
    // After finish, a push starts a new input: nothing of the old one is
    // held or repeated.
    assert_eq!(
        show(st.push(b"x password=hunter2-prod\n")),
        "x password=[REDACTED:pw]\n"
    );
}

#[test]
fn writer_reader_and_push_stream_agree_on_every_split_of_a_sample() {
    let s = only(RULES);
    let input = sample();
    let expected = s.scrub(input.as_bytes()).into_owned();
    for cut in (0..input.len()).step_by(7) {
        assert_eq!(
            show(&pushed(&s, input.as_bytes(), &[cut])),
            show(&expected),
            "cut {cut}"
        );
        assert_eq!(
            show(&stream_split(&s, input.as_bytes(), &[cut])),
            show(&expected),
            "cut {cut}"
        );
    }
}

#[test]
fn push_stream_is_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<hush::Stream>();
}

/// Found by `push_stream_gives_the_one_shot_output` (2026-12-07, a random
/// case; it also failed at 9893d04): the one-shot scrub left the `9` at
/// byte 165, which the stream redacted. `pw`'s run 7..165 was searched to
/// its end (a match of the relaxed regex cut at the step's end, 7..165)
/// before the window of the last `password=` (111..166) arrived; a run
/// searched to its end was dropped even while open, so that window began
/// a run of its own, whose anchored search found the match at 111, which
/// begins inside the first. One-shot, the window joined the run first,
/// and the match at 111 was not reported. Open runs are now kept.
#[test]
fn a_pw_match_cut_at_a_step_end_leaves_a_byte_one_shot_that_a_stream_redacts() {
    let s = only(RULES);
    let input = b"hunter2password=hunter2XYZsecretA!0\xc3\xa9\xe2\x82\xacAa(0#atk_aB3dE5gH7jK9\xc3\xa9\xe2\x82\xactk_aB3dE5gH7jK9\xc3\xa9\xe2\x82\xacpassword=hunter2XYZsecretpassword=hunter2XYZsecrettk_aB3dE5gH7jK9tk_aB3dE5gH7jK9\r\ntk_aB3dE5gH7jK9";
    let expected = s.scrub(input).into_owned();
    assert_eq!(show(&pushed(&s, input, &[])), show(&expected));
}
