//! JSON Lines: events scrubbed structurally on their raw bytes, plain lines
//! through one text stream, long lines as text; the library writer and the
//! `hush --json-lines` / `hush run --json-lines` command.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use hush::Scrubber;
use proptest::prelude::*;

mod common;

use common::oracles::{canonical, without_labels};

// Fake tokens in the shape of GitHub classic PATs (ghp_ + 36 base62).
const GHP_A: &str = "ghp_J57x85vGUlI3TyKloLVOVtFdu5hRvrFQcKNf";
const GHP_B: &str = "ghp_aPOWlWREb785JHirHENpjq7jbystEOAxyfgP";

const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\n\
MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n\
VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n\
-----END RSA PRIVATE KEY-----\n";
/// A line from the middle of `PEM`, which must never come out.
const PEM_BODY: &str = "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u";

fn scrubber() -> Scrubber {
    Scrubber::new()
}

/// Writes `input` to a JSON Lines writer in chunks of the given sizes
/// (cycled) and returns the output.
fn stream(s: &Scrubber, input: &[u8], sizes: &[usize]) -> Vec<u8> {
    let mut w = s.json_lines_writer(Vec::new());
    let mut at = 0;
    let mut i = 0;
    while at < input.len() {
        let n = sizes[i % sizes.len()].max(1).min(input.len() - at);
        w.write_all(&input[at..at + n]).unwrap();
        at += n;
        i += 1;
    }
    w.finish().unwrap()
}

fn one_shot(s: &Scrubber, input: &[u8]) -> Vec<u8> {
    stream(s, input, &[usize::MAX])
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The structural characters of a JSON text, strings and scalars left out:
/// two texts with the same skeleton have the same structure.
fn skeleton(json: &str) -> String {
    let mut out = String::new();
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push('v');
            }
            '{' | '}' | '[' | ']' | ':' | ',' => out.push(c),
            c if c.is_whitespace() => {}
            // A number or literal (which may have become a string).
            _ => {
                while chars
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.'))
                {
                    chars.next();
                }
                out.push('v');
            }
        }
    }
    out
}

fn assert_valid_json_lines(out: &str, lines: usize) {
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got.len(), lines, "{out}");
    for line in got {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    }
}

#[test]
fn the_writer_is_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<hush::JsonLinesWriter<Vec<u8>>>();
}

#[test]
fn duplicate_keys_do_not_hide_the_first_value() {
    let line = format!(r#"{{"msg":"{GHP_A}","msg":"hello"}}"#);
    let out = scrubber().scrub_json_line(line.as_bytes());
    assert_eq!(
        text(&out),
        r#"{"msg":"[REDACTED:github-pat-classic]","msg":"hello"}"#
    );
    let line = r#"{"password":"hunter2-prod","password":"x"}"#;
    let out = scrubber().scrub_json_line(line.as_bytes());
    assert_eq!(
        text(&out),
        r#"{"password":"[REDACTED:sensitive-key]","password":"x"}"#
    );
}

#[test]
fn a_token_as_an_object_key_is_redacted() {
    let line = format!(r#"{{"sessions":{{"{GHP_A}":{{}},"other":{{"{GHP_B}":1}}}}}}"#);
    let out = text(&scrubber().scrub_json_line(line.as_bytes()));
    assert_eq!(
        out,
        r#"{"sessions":{"[REDACTED:github-pat-classic]":{},"other":{"[REDACTED:github-pat-classic]":1}}}"#
    );
}

#[test]
fn a_json_key_ending_in_dash_p_does_not_make_the_colon_a_mysql_password() {
    // Found by the json_lines fuzz target: text mode took the `:` after
    // the key `... -p` for the password of the `mysql` earlier on the
    // line, which structural output rightly keeps.
    let line = r#"{"type":"tool_call","tool":"bash","command":"mysql -uroot -pN9v-Q3x-K7m -h H","Authorization: Beart -p":"---END RSA PRIVATE KEY-----\n","url":"https:\/\/app:Pq7-Xe9-Lm2@db.internal\/x"}"#;
    let s = scrubber();
    let findings = s.find(line.as_bytes());
    let secrets: Vec<&str> = findings.iter().map(|f| &line[f.range()]).collect();
    assert!(secrets.contains(&"N9v-Q3x-K7m"), "{secrets:?}");
    assert!(!secrets.contains(&":"), "{secrets:?}");
    let as_text = text(&s.scrub(line.as_bytes()));
    assert!(
        as_text.contains(r#""Authorization: Beart -p":""#),
        "{as_text}"
    );
}

/// What the json_lines fuzz target asserts of a line: every secret text
/// mode finds occurs in the structural output (labels aside) no more often
/// than in the text outside the findings.
fn assert_text_mode_redacts_nothing_structural_output_keeps(s: &Scrubber, line: &[u8]) {
    let count =
        |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).filter(|w| *w == needle).count();
    let out = s.scrub_json_line(line);
    // Labels read as the fuzz target reads them.
    let kept = without_labels(&out);
    let findings = s.find(line);
    let mut outside = line.to_vec();
    for f in &findings {
        outside[f.range()].fill(0);
    }
    // In one form of the escapes, as the fuzz target compares them.
    let (kept, outside) = (canonical(&kept), canonical(&outside));
    for f in &findings {
        let secret = &canonical(&line[f.range()]);
        assert!(
            count(&kept, secret) <= count(&outside, secret),
            "rule {}: text mode redacts {:?}, which structural output keeps",
            f.rule(),
            String::from_utf8_lossy(secret)
        );
    }
}

#[test]
fn an_escaped_slash_written_afresh_is_no_kept_secret() {
    // Found by the json_lines fuzz target, a false alarm of its check: the
    // rewritten command is written by serde_json, `\/` as `/`, and
    // `echo s:2\/x` came out as `echo s:2/x`, an occurrence of the password
    // `s:2/` that the line, byte for byte, did not have. Text mode keeps
    // the same characters. Both sides are now compared in one form of the
    // escapes.
    let s = scrubber();
    let line = br#"{"command":"mysql -uroot -ps:2/ -h db; echo s:2\/x"}"#;
    assert_eq!(
        text(&s.scrub_json_line(line)),
        r#"{"command":"mysql -uroot -p[REDACTED:mysql-password-flag] -h db; echo s:2/x"}"#
    );
    assert_text_mode_redacts_nothing_structural_output_keeps(&s, line);
    assert_eq!(
        canonical(br#"a\/b \u0041\u001B \ud83d\ude00 \ud800 \\/ \"\t"#),
        "a/b A\\u001b \u{1f600} \u{fffd} \\\\/ \\\"\\t".as_bytes()
    );
}

#[test]
fn a_command_password_that_spells_part_of_a_label_leaves_the_label_whole() {
    // Text mode's finding in a command line is also looked for wherever
    // it still occurs in the command scrubber's output; it was found
    // inside that scrubber's own label, and the label was cut in two.
    // (The command scrubber now reads the line with text mode's findings
    // already redacted, and keeps their labels.)
    let s = scrubber();
    let line = br#"{"command":"mysql -uroot -psitive-f -h db"}"#;
    assert_eq!(
        text(&s.scrub_json_line(line)),
        r#"{"command":"mysql -uroot -p[REDACTED:mysql-password-flag] -h db"}"#
    );
}

#[test]
fn a_text_mode_value_the_command_scrubber_redacts_in_part_is_redacted_whole() {
    // Found by the json_lines fuzz target: text mode reads the backquoted
    // value on to the string's closing quote, a token and a `-p` flag in
    // it. The command scrubber, run on the decoded command, redacted the
    // token and the flag's value on its own terms, the value no longer
    // occurred whole, and the text between (` STRIPE-p`, `N7v-` of the
    // other flag, ` -h tb`) was kept. It now reads the command with text
    // mode's findings redacted.
    let s = scrubber();
    let line = br#"{"command":"mysql -pN7v- -h db; X_KEY=`sk_live_Q8w2Er5Ty7Ui9i9Op1As3y7Ut STRIPE-pN7v- -h tb"}"#;
    assert_text_mode_redacts_nothing_structural_output_keeps(&s, line);
    assert_eq!(
        text(&s.scrub_json_line(line)),
        r#"{"command":"mysql -p[REDACTED:mysql-password-flag] -h db; X_KEY=`[REDACTED:quoted-key]"}"#
    );
    // The same as an argv item.
    let line = br#"{"argv":["sh","-c","mysql -pN7v- -h db; X_KEY=`sk_live_Q8w2Er5Ty7Ui9i9Op1As3y7Ut STRIPE-pN7v- -h tb"]}"#;
    assert_text_mode_redacts_nothing_structural_output_keeps(&s, line);
}

#[test]
fn a_one_letter_command_password_leaves_the_labels_whole() {
    // Found by the json_lines fuzz target: the `m` of `-pm` (a one-letter
    // password in text mode) was redacted everywhere in the command
    // scrubber's output: in `mysql`, and inside the labels.
    let s = scrubber();
    let line = br#"{"adtool":"bash","command":"mysql -uroot -pm -h db &&l_call","toolmma":"{{{{{{{{{{{bash","c=mype":"tool_call","toolmma":"{{{{{{{{{{{bash","c=mmand":"mysql -uroot -pl -uroot -pN9v-Q3x-K7m -h d b&& echo ok"}"#;
    assert_text_mode_redacts_nothing_structural_output_keeps(&s, line);
    // The labels stay whole, and the letter goes where text mode finds it,
    // not wherever else it occurs (until the command scrubber read the
    // command with text mode's findings redacted, every other `m` went
    // too: `[REDACTED:mysql-password-flag]ysql`).
    let out = text(&s.scrub_json_line(line));
    assert!(
        out.contains(r#""command":"mysql -uroot -p[REDACTED:mysql-password-flag] -h db &&l_call""#),
        "{out}"
    );
    assert!(!out.contains("[REDACTED:[REDACTED"), "{out}");
}

#[test]
fn a_two_letter_command_password_the_command_scrubber_keeps_is_still_redacted() {
    // Found by the json_lines fuzz target when text-mode findings shorter
    // than 4 bytes were no longer looked for in the command scrubber's
    // output (at c18a10d): `-pNs` after `-h db...` is a
    // value text mode finds and the command scrubber leaves.
    let s = scrubber();
    let line = br#"{"ttool":"bash","command":"mysql -uroot -pN9v-Q3x-K7m -h dbysql -uroot -pNs && echo ok"}"#;
    assert_text_mode_redacts_nothing_structural_output_keeps(&s, line);
}

#[test]
fn a_one_letter_command_password_the_command_scrubber_keeps_is_still_redacted() {
    // Found by the json_lines fuzz target while one-character findings
    // were not looked for in the command scrubber's output (c18a10d to
    // 6724f66): text mode redacts the `l` of `-pl`, which the command
    // scrubber keeps.
    let s = scrubber();
    let line = br#"{"type":"tool_call","tool":"bash","command":"mysql -uroot -pN9v-Q3x-K7m -h dt ST=RIPE_K(EY=sk_live_Q8w2Eza2tino: Boot -plllllllllllllllllot -pl -plllllllllllllhlllllllllllmlllllllllllllllllllllll7m(-h db && echo ok"}"#;
    assert_text_mode_redacts_nothing_structural_output_keeps(&s, line);
}

#[test]
fn a_json_escape_after_a_password_flag_is_not_read_as_the_password() {
    // Found by the json_lines fuzz target: in text mode, the backslash of
    // the `\n` after `-p` was read as the escape of a quote, and `n-3x-K7m`
    // as the password, which structural output (where `\n` is a line
    // break) keeps.
    let s = scrubber();
    let line = br#"{"type":"tool_call","tool":"bash","comma^^^^^^^^^^^nd":"mysql -uroot -p\n-3x-K7m N9v------BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKL8Xr5vW0yB4mysql -ursot -pN9v------BEGIN RSA PRIVATE KEY-----\nLIIEowIBAAKL8rX5vW0yB4cD7fG1hJ3QllllllllllllllllllllllllllllllllN9v-3x-K7m -h db && echo ok"}"#;
    assert_text_mode_redacts_nothing_structural_output_keeps(&s, line);
    // An escaped quote after the flag still opens the value.
    let quoted = br#"{"command":"mysql -uroot -p\"Qd4Wk9Lm2Xs7\" -h db"}"#;
    let out = String::from_utf8(s.scrub(quoted).into_owned()).unwrap();
    assert!(!out.contains("Qd4Wk9Lm2Xs7"), "{out}");
}

#[test]
fn a_json_key_ending_in_a_password_flag_does_not_make_the_colon_a_password() {
    // The same for the other command-line rules whose value may follow
    // the flag in quotes: `"... -p":"x"` is a key, JSON's `:`, a value.
    let s = scrubber();
    for line in [
        r#"{"cmd":"docker login -u me","flag -p":"x"}"#,
        r#"{"cmd":"mongosh --host h","see -p":"x"}"#,
        r#"{"cmd":"sshpass -f f","c -p":"x"}"#,
        r#"{"cmd":"az login -u me","d -p":"x"}"#,
        r#"{"cmd":"zip -r a.zip d","note -P":"x"}"#,
        r#"{"cmd":"keytool -list","e -storepass":"x"}"#,
    ] {
        let findings = s.find(line.as_bytes());
        let secrets: Vec<&str> = findings.iter().map(|f| &line[f.range()]).collect();
        assert!(secrets.is_empty(), "{line}: {secrets:?}");
        // A password there is still one.
        let real = line.replace(r#"":"x"}"#, r#" Wq8-Zt4-Hn6"}"#);
        let out = String::from_utf8(s.scrub(real.as_bytes()).into_owned()).unwrap();
        assert!(!out.contains("Wq8-Zt4-Hn6"), "{real} -> {out}");
    }
}

#[test]
fn a_value_text_mode_finds_by_its_key_is_redacted() {
    let line = r#"{"auth":"Zx81kQ2mLp0vN7aa"}"#;
    let s = scrubber();
    // What text mode does with the same line, for reference.
    let as_text = text(&s.scrub(line.as_bytes()));
    assert!(!as_text.contains("Zx81kQ2mLp0vN7aa"), "{as_text}");
    let out = text(&s.scrub_json_line(line.as_bytes()));
    assert!(!out.contains("Zx81kQ2mLp0vN7aa"), "{out}");
    assert_eq!(out, as_text);
    serde_json::from_str::<serde_json::Value>(&out).unwrap();
}

#[test]
fn a_pem_key_on_plain_lines_between_events_is_redacted() {
    let input = format!("{{\"event\":\"start\"}}\n{PEM}{{\"event\":\"end\"}}\n");
    let s = scrubber();
    let out = text(&one_shot(&s, input.as_bytes()));
    assert!(!out.contains(PEM_BODY), "{out}");
    assert!(
        out.starts_with("{\"event\":\"start\"}\n[REDACTED:")
            && out.ends_with("]\n\n\n\n{\"event\":\"end\"}\n"),
        "{out}"
    );
    // The key's lines stay, emptied.
    assert_eq!(out.lines().count(), input.lines().count(), "{out}");
    // Split in two at every offset, the output is the same.
    for cut in 0..=input.len() {
        let mut w = s.json_lines_writer(Vec::new());
        w.write_all(&input.as_bytes()[..cut]).unwrap();
        w.write_all(&input.as_bytes()[cut..]).unwrap();
        assert_eq!(text(&w.finish().unwrap()), out, "cut at {cut}");
    }
}

#[test]
fn a_pem_key_escaped_in_a_string_value_is_redacted() {
    let line = serde_json::json!({"type": "tool_result", "output": PEM}).to_string();
    let out = text(&scrubber().scrub_json_line(line.as_bytes()));
    assert!(!out.contains(PEM_BODY), "{out}");
    assert_eq!(skeleton(&out), skeleton(&line));
    serde_json::from_str::<serde_json::Value>(&out).unwrap();
}

#[test]
fn a_text_finding_across_an_escape_redacts_the_decoded_characters() {
    // The token with its `_` escaped: text mode and the decoded string
    // must both lose it.
    let escaped = GHP_A.replace('_', "\\u005f");
    let line = format!(r#"{{"note":"see {escaped} here"}}"#);
    let out = text(&scrubber().scrub_json_line(line.as_bytes()));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let note = v["note"].as_str().unwrap();
    assert!(!note.contains(&GHP_A[4..]), "{out}");
    assert!(note.starts_with("see ") && note.ends_with(" here"), "{out}");
}

#[test]
fn structure_is_kept_and_clean_events_pass_byte_for_byte() {
    let s = scrubber();
    let clean = r#" {"a" : [1, 2.5e3, true, null, "x\u00e9\/"], "b":{}} "#;
    assert!(matches!(
        s.scrub_json_line(clean.as_bytes()),
        std::borrow::Cow::Borrowed(_)
    ));
    let line = format!(
        r#"{{"argv":["mysql","-uroot","-phunter2-prod"],"command":"curl -H 'Authorization: Bearer {GHP_B}'","pin":12345678,"api_key":987654321,"n":[1,{{"token":"abcdef-123456"}}]}}"#
    );
    let out = text(&s.scrub_json_line(line.as_bytes()));
    for secret in ["hunter2-prod", GHP_B, "987654321", "abcdef-123456"] {
        assert!(!out.contains(secret), "{secret}: {out}");
    }
    assert!(out.contains(r#""pin":12345678"#), "{out}");
    assert_eq!(skeleton(&out), skeleton(&line));
}

#[test]
fn a_line_that_is_not_json_is_scrubbed_as_text() {
    let s = scrubber();
    for line in [
        format!("{{not json {GHP_A}"),
        format!("[sudo] {GHP_A}"),
        format!("plain {GHP_A}"),
    ] {
        let out = s.scrub_json_line(line.as_bytes());
        assert_eq!(out, s.scrub(line.as_bytes()), "{line}");
        assert!(!text(&out).contains(GHP_A));
    }
}

#[test]
fn a_line_over_the_limit_is_streamed_as_text() {
    let s = scrubber();
    let event = format!(r#"{{"password":"hunter2-prod","t":"{GHP_A}"}}"#);
    let limit = event.len();
    // At the limit: held and scrubbed as an event.
    let mut w = s.json_lines_writer(Vec::new()).with_line_limit(limit);
    w.write_all(event.as_bytes()).unwrap();
    w.write_all(b"\n").unwrap();
    let out = text(&w.finish().unwrap());
    assert_eq!(out, text(&s.scrub_json_line(event.as_bytes())) + "\n");
    assert!(!out.contains("hunter2-prod"));
    // One byte over: not held; scrubbed as a text stream, byte-exact.
    let longer = format!(r#" {event}"#);
    let mut w = s.json_lines_writer(Vec::new()).with_line_limit(limit);
    for b in longer.as_bytes() {
        w.write_all(&[*b]).unwrap();
        assert!(
            w.held() <= limit + s.max_match_len() * 5,
            "held {}",
            w.held()
        );
    }
    w.write_all(b"\n").unwrap();
    let out = text(&w.finish().unwrap());
    assert_eq!(out, text(&s.scrub(format!("{longer}\n").as_bytes())));
    assert!(!out.contains(GHP_A), "{out}");
}

#[test]
fn an_unfinished_line_that_cannot_be_an_event_is_released_on_flush() {
    let s = scrubber();
    let mut w = s.json_lines_writer(Vec::new());
    w.write_all(b"[sudo] password for agent: ").unwrap();
    w.flush().unwrap();
    assert_eq!(w.get_ref(), b"[sudo] password for agent: ");
    // An event in progress is held over a flush.
    let mut w = s.json_lines_writer(Vec::new());
    w.write_all(br#"{"password":"hunter2-pr"#).unwrap();
    w.flush().unwrap();
    assert!(w.get_ref().is_empty());
    w.write_all(b"od\"}\n").unwrap();
    assert_eq!(w.get_ref(), br#"{"password":"[REDACTED:sensitive-key]"}"#.as_slice().iter().chain(b"\n").copied().collect::<Vec<u8>>().as_slice());
}

#[test]
fn events_and_plain_lines_keep_their_order() {
    let s = scrubber();
    // The PEM block is held by the text stream until it ends; the event
    // after its first lines must not overtake them.
    let (first, rest) = PEM.split_at(PEM.find('\n').unwrap() + 1);
    let input = format!("before\n{first}{{\"e\":1}}\n{rest}after\n");
    let out = text(&one_shot(&s, input.as_bytes()));
    let at = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("{needle}: {out}"))
    };
    assert!(at("before") < at("BEGIN RSA") && at("BEGIN RSA") < at("{\"e\":1}"));
    assert!(at("{\"e\":1}") < at("after"), "{out}");
    assert!(out.ends_with("after\n"), "{out}");
}

#[test]
fn a_token_in_a_command_line_or_argv_is_counted_once() {
    // Two rules find the token in `GITHUB_TOKEN=ghp_...` (the GitHub rule
    // and a generic assignment rule); the structural scrubbers counted a
    // finding of each, two per string, where text mode counts one.
    let s = Scrubber::builder().build().unwrap();
    let mut w = s.json_lines_writer(Vec::new());
    let line = format!(
        "{{\"cmd\":\"GITHUB_TOKEN={GHP_A} make\",\"argv\":[\"env\",\"GITHUB_TOKEN={GHP_A}\"]}}\n"
    );
    w.write_all(line.as_bytes()).unwrap();
    let total: u64 = w.redactions().iter().map(|(_, n)| n).sum();
    assert_eq!(total, 2, "{:?}", w.redactions());
    assert_eq!(w.redactions(), [("github-pat-classic", 2)]);
    assert!(w.merged() >= 2, "{}", w.merged());
    let out = String::from_utf8(w.finish().unwrap()).unwrap();
    assert!(!out.contains(GHP_A), "{out}");
}

#[test]
fn merged_counts_findings_in_events_and_plain_lines() {
    let s = Scrubber::builder().build().unwrap();
    let mut w = s.json_lines_writer(Vec::new());
    w.write_all(format!("{{\"msg\":\"GITHUB_TOKEN={GHP_A}\"}}\n").as_bytes())
        .unwrap();
    let in_event = w.merged();
    assert!(in_event >= 1, "{in_event}");
    w.write_all(format!("export GITHUB_TOKEN={GHP_B}\n").as_bytes())
        .unwrap();
    assert!(w.merged() > in_event, "{}", w.merged());
    assert_eq!(w.redactions(), [("github-pat-classic", 2)]);
    // Separate tokens are not merged.
    let s = Scrubber::builder().build().unwrap();
    let mut w = s.json_lines_writer(Vec::new());
    w.write_all(format!("{{\"msg\":\"{GHP_A} {GHP_B}\"}}\n").as_bytes())
        .unwrap();
    assert_eq!(w.merged(), 0);
    assert_eq!(w.redactions(), [("github-pat-classic", 2)]);
}

#[test]
fn redactions_count_events_and_plain_lines() {
    let s = scrubber();
    let mut w = s.json_lines_writer(Vec::new());
    let input = format!(
        "{{\"msg\":\"{GHP_A}\",\"msg\":\"{GHP_B}\",\"password\":\"hunter2-prod\"}}\nplain {GHP_A}\n"
    );
    w.write_all(input.as_bytes()).unwrap();
    let counts: Vec<(String, u64)> = w
        .redactions()
        .into_iter()
        .map(|(id, n)| (id.to_string(), n))
        .collect();
    assert_eq!(
        counts,
        [
            ("github-pat-classic".to_string(), 3),
            ("sensitive-key".to_string(), 1)
        ]
    );
}

#[test]
fn output_does_not_depend_on_how_the_input_is_split() {
    let s = scrubber();
    let input = format!(
        "{{\"a\":\"{GHP_A}\",\"a\":1}}\r\n  [\"x\", {{\"{GHP_B}\":null}}]\nplain {GHP_B} text\n{PEM}\"just a string {GHP_A}\"\n\n{{\"unfinished\":"
    );
    let whole = one_shot(&s, input.as_bytes());
    for sizes in common::CHUNK_SIZES {
        assert_eq!(
            text(&stream(&s, input.as_bytes(), sizes)),
            text(&whole),
            "sizes {sizes:?}"
        );
    }
    let out = text(&whole);
    for secret in [GHP_A, GHP_B, PEM_BODY] {
        assert!(!out.contains(secret), "{secret}: {out}");
    }
}

/// A generated JSON event, rendered by hand so that keys may repeat.
#[derive(Clone, Debug)]
enum Json {
    Str(String),
    Num(i64),
    Lit(&'static str),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn render(&self, out: &mut String) {
        match self {
            Json::Str(s) => out.push_str(&serde_json::to_string(s).unwrap()),
            Json::Num(n) => out.push_str(&n.to_string()),
            Json::Lit(l) => out.push_str(l),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.render(out);
                }
                out.push(']');
            }
            Json::Obj(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&serde_json::to_string(k).unwrap());
                    out.push(':');
                    v.render(out);
                }
                out.push('}');
            }
        }
    }
}

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{36}".prop_map(|t| format!("ghp_{t}"))
}

/// A string that may carry a planted token, with words, escapes and
/// non-ASCII around it.
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z ]{0,12}",
        "[a-zé\"\\\\/\n\t]{0,8}",
        token(),
        ("[a-z]{0,6}", token(), "[a-z]{0,6}").prop_map(|(a, t, b)| format!("{a} {t}\n{b}")),
        Just("hunter2-prod".to_string()),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("msg".to_string()),
        Just("password".to_string()),
        Just("auth".to_string()),
        Just("argv".to_string()),
        Just("command".to_string()),
        Just("max_tokens".to_string()),
        "[a-z_]{1,8}",
        token(),
    ]
}

fn json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        string().prop_map(Json::Str),
        any::<i64>().prop_map(Json::Num),
        prop_oneof![Just("true"), Just("false"), Just("null")].prop_map(Json::Lit),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Json::Arr),
            proptest::collection::vec((key(), inner), 0..5).prop_map(Json::Obj),
        ]
    })
}

fn grab_tokens(s: &str, out: &mut Vec<String>) {
    for (i, _) in s.match_indices("ghp_") {
        out.push(s[i..i + 40].to_string());
    }
}

fn tokens_in(json: &Json, out: &mut Vec<String>) {
    match json {
        Json::Str(s) => grab_tokens(s, out),
        Json::Arr(items) => items.iter().for_each(|i| tokens_in(i, out)),
        Json::Obj(entries) => {
            for (k, v) in entries {
                grab_tokens(k, out);
                tokens_in(v, out);
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn events_stay_json_with_their_structure_and_lose_every_secret(
        event in proptest::collection::vec((key(), json()), 0..6).prop_map(Json::Obj),
        cut in 0usize..400,
    ) {
        let s = scrubber();
        let mut line = String::new();
        event.render(&mut line);
        let out = s.scrub_json_line(line.as_bytes());
        let out = std::str::from_utf8(&out).expect("UTF-8");
        prop_assert!(serde_json::from_str::<serde_json::Value>(out).is_ok(), "not JSON: {}", out);
        prop_assert_eq!(skeleton(out), skeleton(&line));
        // Everything text mode redacts on the line is gone: a found value
        // is left no more often than text mode leaves it (it may also
        // stand where no rule finds it)...
        let as_text = s.scrub(line.as_bytes());
        let as_text = std::str::from_utf8(&as_text).unwrap();
        for f in s.find(line.as_bytes()) {
            let secret = &line[f.range()];
            prop_assert!(
                out.matches(secret).count() <= as_text.matches(secret).count(),
                "{} survives: {}", f.rule(), out
            );
        }
        // ...and so is every planted token, in raw or escaped form.
        let mut tokens = Vec::new();
        tokens_in(&event, &mut tokens);
        for t in tokens {
            prop_assert!(!out.contains(&t), "token survives: {}", out);
        }
        // A second pass finds nothing new to do.
        let again = s.scrub_json_line(out.as_bytes());
        prop_assert_eq!(std::str::from_utf8(&again).unwrap(), out);
        // The writer, however the line is split, writes the same.
        let input = format!("{line}\n");
        let cut = cut.min(input.len());
        let mut w = s.json_lines_writer(Vec::new());
        w.write_all(&input.as_bytes()[..cut]).unwrap();
        w.write_all(&input.as_bytes()[cut..]).unwrap();
        prop_assert_eq!(text(&w.finish().unwrap()), format!("{out}\n"));
    }
}

// The command line.

fn hush() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hush"))
}

fn feed(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// `hush --json-lines` over `input`: its output, after checking that it
/// succeeded.
fn cli_json_lines(input: &str) -> String {
    let out = feed(hush().arg("--json-lines"), input.as_bytes());
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn cli_json_lines_duplicate_keys_do_not_hide_the_first_value() {
    let out = cli_json_lines(&format!("{{\"msg\":\"{GHP_A}\",\"msg\":\"hello\"}}\n"));
    assert_eq!(
        out,
        "{\"msg\":\"[REDACTED:github-pat-classic]\",\"msg\":\"hello\"}\n"
    );
}

#[test]
fn cli_json_lines_a_token_as_a_key_is_redacted() {
    let out = cli_json_lines(&format!("{{\"sessions\":{{\"{GHP_B}\":{{}}}}}}\n"));
    assert_eq!(
        out,
        "{\"sessions\":{\"[REDACTED:github-pat-classic]\":{}}}\n"
    );
}

#[test]
fn cli_json_lines_a_pem_key_on_plain_lines_between_events_is_redacted() {
    let out = cli_json_lines(&format!("{{\"e\":1}}\n{PEM}{{\"e\":2}}\n"));
    assert!(!out.contains(PEM_BODY), "{out}");
    // Two events around the PEM block, redacted as one, its lines kept
    // (emptied).
    let input_lines = PEM.lines().count() + 2;
    assert_eq!(out.lines().count(), input_lines, "{out}");
    assert!(
        out.lines().nth(1).unwrap().starts_with("[REDACTED:"),
        "{out}"
    );
    let events: Vec<&str> = out.lines().filter(|l| l.starts_with('{')).collect();
    assert_valid_json_lines(&events.join("\n"), 2);
}

#[test]
fn cli_json_lines_redacts_what_text_mode_finds_by_the_key() {
    let out = cli_json_lines("{\"auth\":\"Zx81kQ2mLp0vN7aa\"}\n");
    assert!(!out.contains("Zx81kQ2mLp0vN7aa"), "{out}");
    assert_valid_json_lines(&out, 1);
}

#[test]
fn cli_json_lines_applies_known_secrets_and_the_redaction_style() {
    // A session id the rules do not know, as a value and (JSON-escaped)
    // inside a key.
    let secret = "sess/7f3a9c1e2b-Qm8";
    let input = "{\"id\":\"sess/7f3a9c1e2b-Qm8\",\"by\":{\"x sess\\/7f3a9c1e2b-Qm8\":1}}\n\
                 plain sess/7f3a9c1e2b-Qm8\n";
    let out = feed(
        hush()
            .args([
                "--json-lines",
                "--secret-env",
                "HUSH_TEST_SESSION",
                "--redaction",
                "mask",
            ])
            .env("HUSH_TEST_SESSION", secret),
        input.as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("7f3a9c1e2b"), "{stdout}");
    assert_eq!(
        stdout,
        "{\"id\":\"[REDACTED]\",\"by\":{\"x [REDACTED]\":1}}\nplain [REDACTED]\n"
    );
}

#[test]
fn cli_run_json_lines_scrubs_each_stream_as_json_lines() {
    let out = hush()
        .args(["run", "--json-lines", "--", "sh", "-c"])
        .arg(format!(
            "printf '%s\\n' '{{\"password\":\"hunter2-prod\",\"password\":\"\"}}' 'plain'; \
             printf '%s\\n' '{{\"{GHP_A}\":1}}' >&2"
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"password\":\"[REDACTED:sensitive-key]\",\"password\":\"\"}\nplain\n"
    );
    assert_eq!(text(&out.stderr), "{\"[REDACTED:github-pat-classic]\":1}\n");
    assert_valid_json_lines(&text(&out.stderr), 1);
}

#[test]
fn cli_run_json_lines_reports_its_redactions() {
    let path = std::env::temp_dir().join(format!("hush-jsonl-report-{}.json", std::process::id()));
    let out = hush()
        .args(["run", "--json-lines", "--report"])
        .arg(&path)
        .args(["--", "sh", "-c"])
        .arg(format!(
            "printf '%s\\n' '{{\"a\":\"{GHP_A}\",\"a\":\"{GHP_B}\"}}'"
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        v["redactions"]["per_rule"]["github-pat-classic"], 2,
        "{report}"
    );
}

#[test]
fn cli_flags_a_subcommand_would_ignore_are_refused() {
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/test-token.toml");
    for args in [
        &["check", "--json-lines", rules][..],
        &["check", rules, "--redaction", "mask"],
        &["check", "--rules", rules, rules],
        &["--no-defaults", "check", rules],
        &["rules", "--json-lines"],
        &["rules", "--idle-ms", "5"],
        &["--secret-env", "HOME", "rules"],
        &["rules", "--mask-env"],
        &["check", "--report", "/nonexistent/r.json", rules],
        &["--report", "/nonexistent/r.json", "rules"],
        &["man", "--report", "/nonexistent/r.json"],
        &["completions", "bash", "--report", "/nonexistent/r.json"],
        &["scrub", "--idle-ms", "5", "/nonexistent/f.txt"],
    ] {
        let out = hush().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.starts_with("hush: --") && err.contains("has no effect"),
            "{args:?}: {err}"
        );
    }
    // What they do apply to still works.
    let out = hush()
        .args(["rules", "--no-defaults", "--rules", rules])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = hush().args(["check", "--quiet", rules]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

/// Regression: `--json-lines` redacted the `sessionId` UUID that agent
/// transcripts put on every event (`sessionId` holds the sensitive word
/// `sessionid`). A UUID there names a conversation; anything else under the
/// name, and a UUID under a token name, is still redacted.
#[test]
fn session_id_uuid_is_not_redacted() {
    let s = scrubber();
    let line = concat!(
        r#"{"type":"user","sessionId":"3f6c2a1e-8b7d-4c2e-9f1a-2b3c4d5e6f70","#,
        r#""parent_session_id":"9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d","#,
        r#""cookies":{"sessionid":"q8v1x0m3k2n7b5c4z9l6j3h8g1f0d2s4"},"#,
        r#""session_token":"3f6c2a1e-8b7d-4c2e-9f1a-2b3c4d5e6f70"}"#,
        "\n"
    );
    let expected = concat!(
        r#"{"type":"user","sessionId":"3f6c2a1e-8b7d-4c2e-9f1a-2b3c4d5e6f70","#,
        r#""parent_session_id":"9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d","#,
        r#""cookies":{"sessionid":"[REDACTED:sensitive-key]"},"#,
        r#""session_token":"[REDACTED:sensitive-key]"}"#,
        "\n"
    );
    assert_eq!(text(&one_shot(&s, line.as_bytes())), expected);
    for sizes in common::CHUNK_SIZES {
        assert_eq!(
            text(&stream(&s, line.as_bytes(), sizes)),
            expected,
            "{sizes:?}"
        );
    }
    let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
    s.scrub_json(&mut v);
    assert_eq!(
        v,
        serde_json::from_str::<serde_json::Value>(expected).unwrap()
    );
}

/// Secrets right after a JSON escape (`\n`, `\t`, `\"`, `\u001b[..m`) in a
/// tool result, and in JSON inside a JSON string, go in `--json-lines` mode
/// as they do in text mode; every event stays valid JSON.
#[test]
fn secrets_after_json_escapes_are_redacted() {
    let s = scrubber();
    let secrets = [
        "dTc6JMa8SmSCsgYyfvWtpaAYihTEJOlH",
        "zND6IfzEg8dLQL",
        "EzNOfZxdwwyQPphj0eKTF1cJjPv2pQt1",
        "bzbCTfZJKPDSAE8vCYKLRfhQ2uo9ZPe1",
        "wx2KVqi9voVAFVtXgv9FObHK3riu52e8",
    ];
    let input = format!(
        concat!(
            r#"{{"type":"tool_result","content":"$ cat .env\nSTRIPE_KEY={}\n\tpassword: {}\n\"API_TOKEN={}\""}}"#,
            "\n",
            r#"{{"content":"\u001b[1mDEPLOY_TOKEN={}\u001b[0m\n"}}"#,
            "\n",
            r#"{{"content":"{{\"maps_key\":\"{}\",\"region\":\"eu\"}}"}}"#,
            "\n"
        ),
        secrets[0], secrets[1], secrets[2], secrets[3], secrets[4]
    );
    let out = text(&one_shot(&s, input.as_bytes()));
    for secret in secrets {
        assert!(!out.contains(secret), "{secret} survives in {out}");
    }
    for line in out.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    for sizes in common::CHUNK_SIZES {
        assert_eq!(text(&stream(&s, input.as_bytes(), sizes)), out, "{sizes:?}");
    }
}

#[test]
fn a_secret_after_an_unclosed_redacted_in_a_command_is_still_redacted() {
    // Found by the json_lines fuzz target: the command's own text has a
    // `[REDACTED:` that no `]` closes, and the leftover search took it for
    // a label running to the end of the command, so the `STRIPE_KEY=`
    // value text mode finds after it was kept.
    let s = scrubber();
    let line = br#"{"type":"tool_call","tool":"bash","command":"mysql -uroot -pN9v-Q3x-[REDACTED:&& ecSTRIPE_KEY=sk_livekeyq9mT2pL8rX5cD7s:\/[REDACTED:\/app:Pq3-Xe9-Lm2@db.ivW0yB4cD7s:\/\/app:Pq3-Xe9-Q3x-O7m -h db l\/x"}"#;
    assert_text_mode_redacts_nothing_structural_output_keeps(&s, line);
    let out = text(&s.scrub_json_line(line));
    assert!(!out.contains("sk_livekeyq9mT2pL8rX5cD7s"), "{out}");
}

#[test]
fn a_secret_after_a_redacted_that_is_no_label_in_a_command_is_still_redacted() {
    // Found by the json_lines fuzz target: `[REDACTED:Q+3x-K:e[...` is no
    // label (a `+`, and a `[` before any `]`), and the `password=` value
    // after it, which text mode finds, was kept.
    let s = scrubber();
    let line = br#"{"type":"tl2la_ooc","tool":"bash","command":"mysqh -eroot -pN9v-Q3U-K7m -h -usoot -pN9N5IIEowroot -p1kL6mN9pQ2rS5tU8-----E-h db $&G -usoot -pN5IIEowroot -pN9v-Q3U-K7m -H -usoot -pN9v-[REDACTED:Q+3x-K:e[password=`echo ok"}"#;
    assert_text_mode_redacts_nothing_structural_output_keeps(&s, line);
}

// Found by running `--json-lines` over the benign corpus: a number under a
// name with `token` in it was taken for a numeric secret. LLM usage and
// rate-limit fields (`prompt_tokens`, `gen_ai.usage.input_tokens`,
// `x-ratelimit-remaining-tokens`) count tokens, and `token_budget` or
// `token_ttl_seconds` measure something about one.
#[test]
fn token_counts_and_measures_under_token_names_are_kept() {
    let s = scrubber();
    for line in [
        &br#"{"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46,"cache_read_input_tokens":0},"gen_ai.usage.input_tokens":7,"x-ratelimit-remaining-tokens":"149000"}"#[..],
        br#"{"event":"budget","tokens_used":86891731,"token_budget":100000000,"inputTokens":5}"#,
        br#"{"message":"settings loaded","token_ttl_seconds":3600,"tokens_remaining":82}"#,
    ] {
        assert_eq!(text(&s.scrub_json_line(line)), text(line));
    }
    // A credential's tokens, and a numeric password, are still redacted.
    assert_eq!(
        text(&s.scrub_json_line(
            br#"{"refresh_tokens":["r1-q8v1x0m3k2n7b5c4"],"pin_password":123456}"#
        )),
        r#"{"refresh_tokens":["[REDACTED:sensitive-key]"],"pin_password":"[REDACTED:sensitive-key]"}"#
    );
    // The benign JSON logs come out byte-identical.
    for path in common::files("tests/data/benign", None) {
        if path
            .file_name()
            .is_some_and(|n| n == "json-logs.txt" || n == "otlp-trace.txt")
        {
            let input = std::fs::read(&path).unwrap();
            let mut w = s.json_lines_writer(Vec::new());
            w.write_all(&input).unwrap();
            assert!(w.finish().unwrap() == input, "{}", path.display());
        }
    }
}
