//! Counting: one count per redacted secret, under the rule its label
//! names; findings of other rules over the same bytes are counted as
//! merged.

use std::io::Write;

use hush::Scrubber;

/// A scrubber with counters of its own (`Scrubber::new()` shares one
/// default scrubber, and its counters, across the process).
fn fresh() -> Scrubber {
    Scrubber::builder().build().unwrap()
}

const LINE: &str = "GITHUB_TOKEN=ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU\n";

#[test]
fn one_github_token_assignment_counted_twice() {
    let s = fresh();
    // Two rules find the token: the GitHub rule and a generic assignment
    // rule. The premise of the test: otherwise nothing is merged.
    let without = Scrubber::builder()
        .disable_rule("github-pat-classic")
        .build()
        .unwrap();
    let others: Vec<&str> = without
        .find(LINE.as_bytes())
        .iter()
        .map(|f| f.rule())
        .collect();
    assert!(!others.is_empty(), "{others:?}");
    // `find` reports the secret once, under the rule its label names.
    let rules: Vec<&str> = s.find(LINE.as_bytes()).iter().map(|f| f.rule()).collect();
    assert_eq!(rules, ["github-pat-classic"]);

    let out = s.scrub_str(LINE);
    assert_eq!(out, "GITHUB_TOKEN=[REDACTED:github-pat-classic]\n");
    assert_eq!(s.summary(), vec![("github-pat-classic", 1)]);
    let merged = s.merged();
    assert!(merged >= 1, "{merged}");

    let fresh = fresh();
    let mut w = fresh.writer(Vec::new());
    for b in LINE.as_bytes() {
        w.write_all(std::slice::from_ref(b)).unwrap();
    }
    assert_eq!(w.redactions(), vec![("github-pat-classic", 1)]);
    assert_eq!(w.merged(), merged);
    w.finish().unwrap();

    let mut st = fresh.stream();
    st.push(LINE.as_bytes());
    st.finish();
    assert_eq!(st.redactions(), vec![("github-pat-classic", 1)]);
}

#[test]
fn separate_secrets_are_counted_separately() {
    let s = fresh();
    s.scrub_str(
        "a ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU b ghp_Zq8XwV3nLmK2pR7tY1uI9oA4sD6fG0hJ5kLq c\n",
    );
    assert_eq!(s.summary(), vec![("github-pat-classic", 2)]);
    assert_eq!(s.merged(), 0);
}
