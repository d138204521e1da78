//! Idle release (`Writer::flush`, the CLI's `--idle-ms`): a pause in the
//! input shows a prompt at once, and never writes the first part of a
//! secret whose rest arrives later.

mod common;

use std::io::Write;

use common::{only, show};
use hush::Scrubber;

/// Writes `pieces` with an idle release after each, and returns what had
/// been written after each release, and the final output.
fn paused(s: &Scrubber, pieces: &[&[u8]]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let mut w = s.writer(Vec::new());
    let mut seen = Vec::new();
    for p in pieces {
        w.write_all(p).unwrap();
        w.flush().unwrap();
        seen.push(w.get_ref().clone());
    }
    (seen, w.finish().unwrap())
}

const TOKEN: &str = "ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU";

#[test]
fn idle_release_split_a_github_token_at_a_pause() {
    // `printf "ghp_SCTwl3kYySJufB8w"; sleep 0.3; printf "NRj4...\n"` wrote
    // the first 20 characters in clear.
    let s = Scrubber::new();
    let (seen, out) = paused(
        &s,
        &[&TOKEN.as_bytes()[..20], &TOKEN.as_bytes()[20..], b"\n"],
    );
    for early in &seen {
        assert!(!show(early).contains("ghp_SCTw"), "{}", show(early));
    }
    assert_eq!(out, s.scrub(format!("{TOKEN}\n").as_bytes()).as_ref());
    assert!(!show(&out).contains("SCTwl3kY"));
}

#[test]
fn idle_release_leaked_a_token_written_ten_characters_at_a_time() {
    let s = Scrubber::new();
    let line = format!("export GITHUB_TOKEN={TOKEN}\n");
    let pieces: Vec<&[u8]> = line.as_bytes().chunks(10).collect();
    let (seen, out) = paused(&s, &pieces);
    let last = seen.last().unwrap();
    for early in &seen[..seen.len() - 1] {
        // Whatever was written before the line completed never holds a
        // piece of the token.
        assert!(!show(early).contains("ghp_"), "{}", show(early));
        assert!(!show(early).contains("SCTw"), "{}", show(early));
    }
    assert_eq!(&out, last);
    assert_eq!(out, s.scrub(line.as_bytes()).as_ref());
}

#[test]
fn idle_release_never_writes_part_of_a_token_at_any_pause() {
    let s = Scrubber::new();
    let labels = regex::Regex::new(r"\[REDACTED:[^\]]*\]").unwrap();
    for line in [
        format!("token {TOKEN} done\n"),
        "aws_secret_access_key = 9dK3mZq7Lr2VtX8bWc4Ny6Hf1Js5Pg0AeRuT7oQi\n".to_string(),
        "curl -H 'Authorization: Bearer sk-proj-Qw3rTy7uIoPaSdFgHjKlZxCvBnM1234567890abcdEFGH' x\n"
            .to_string(),
        "postgres://app:Sup3r-S3cret-Pw@db.internal:5432/app\n".to_string(),
        "mysql -uroot -pHunter2Prod99 db\n".to_string(),
    ] {
        let whole = s.scrub(line.as_bytes()).into_owned();
        let found = s.find(line.as_bytes());
        assert!(!found.is_empty(), "{line}");
        for cut in 1..line.len() {
            let (seen, out) = paused(&s, &[&line.as_bytes()[..cut], &line.as_bytes()[cut..]]);
            assert_eq!(out, whole, "cut at {cut} of {line}");
            for f in &found {
                let secret = &line[f.range()];
                // No piece of the secret longer than 3 bytes is written
                // before the line is complete.
                let early = labels.replace_all(&show(&seen[0]), "").into_owned();
                for k in 4..=secret.len() {
                    for piece in secret.as_bytes().windows(k) {
                        let piece = String::from_utf8_lossy(piece);
                        assert!(
                            !early.contains(piece.as_ref())
                                || line[..cut.min(f.start())].contains(piece.as_ref()),
                            "cut at {cut}: wrote {early:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn prompts_show_at_once() {
    let s = Scrubber::new();
    for prompt in [
        "Password: ",
        "Continue? [y/N] ",
        ">>> ",
        "$ ",
        "[sudo] password for agent: ",
        "Enter passphrase for key '/home/agent/.ssh/id_ed25519': ",
        "db_password = ",
    ] {
        let (seen, _) = paused(&s, &[prompt.as_bytes()]);
        assert_eq!(show(&seen[0]), prompt);
    }
}

#[test]
fn idle_release_holds_an_open_quoted_value_after_a_secret_name() {
    let s = only(
        r#"
[[rules]]
id = "pw"
regex = '''(?i)password\s{0,3}=\s{0,3}"([^"]{4,64})"'''
keywords = ["password"]
"#,
    );
    let (seen, out) = paused(
        &s,
        &[b"set password = \"correct horse", b" battery staple\" ok\n"],
    );
    assert_eq!(show(&seen[0]), "set password = \"");
    assert_eq!(show(&out), "set password = \"[REDACTED:pw]\" ok\n");
}

#[test]
fn idle_release_holds_an_open_pem_block() {
    let s = Scrubber::new();
    let key = "-----BEGIN OPENSSH PRIVATE KEY-----\n\
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n\
QyNTUxOQAAACDKx9T0Ue3vNq4pXo8Yw5GmZr2fLb7HcJt1sA6dE0iWkQAAAJi8Ra9/vEWv\n";
    let rest = "fQAAAAtzc2gtZWQyNTUxOQAAACDKx9T0Ue3vNq4pXo8Yw5GmZr2fLb7HcJt1sA6dE0iWkQ\n\
-----END OPENSSH PRIVATE KEY-----\n";
    let (seen, out) = paused(&s, &[b"cat id\n", key.as_bytes(), rest.as_bytes()]);
    assert_eq!(show(&seen[0]), "cat id\n");
    assert_eq!(show(&seen[1]), "cat id\n", "the open block is held");
    assert_eq!(
        out,
        s.scrub(format!("cat id\n{key}{rest}").as_bytes()).as_ref()
    );
    assert!(!show(&out).contains("b3BlbnNz"));
}

#[test]
fn idle_release_split_a_known_secret_with_spaces() {
    let s = Scrubber::builder()
        .known_secret("correct horse battery staple")
        .build()
        .unwrap();
    let (seen, out) = paused(&s, &[b"echo correct horse ", b"battery staple\n"]);
    assert_eq!(show(&seen[0]), "echo ");
    assert_eq!(show(&out), "echo [REDACTED:known-secret]\n");
}

#[test]
fn idle_release_holds_no_more_than_the_longest_match() {
    let s = Scrubber::new();
    let run = "x".repeat(3 * s.max_match_len());
    let (seen, _) = paused(&s, &[run.as_bytes()]);
    assert!(seen[0].len() >= run.len() - s.max_match_len());
}
