//! What C code cannot test: that the header and the exports agree, and the
//! panic guard (no function of the API panics on purpose).

use std::collections::BTreeMap;
use std::ffi::{CStr, c_int};
use std::ptr;

use crate::status::{Failure, PANIC_MESSAGE, guard};
use crate::*;

const HEADER: &str = include_str!("../include/hush.h");
const SOURCES: &[&str] = &[
    include_str!("lib.rs"),
    include_str!("builder.rs"),
    include_str!("scrubber.rs"),
    include_str!("stream.rs"),
];

/// `text` without `/* ... */` comments.
fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// How many parameters a parameter list holds.
fn arity(params: &str) -> usize {
    let params = params.trim();
    if params.is_empty() || params == "void" {
        0
    } else {
        params.trim_end_matches(',').split(',').count()
    }
}

/// The functions the header declares: name -> number of parameters.
fn declared() -> BTreeMap<String, usize> {
    let text = strip_comments(HEADER);
    let mut out = BTreeMap::new();
    for decl in text.split(';') {
        let Some(open) = decl.find('(') else { continue };
        let head = &decl[..open];
        let name = head
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        if !name.starts_with("hush_") {
            continue;
        }
        let close = decl
            .rfind(')')
            .expect("a declaration's parameter list closes");
        out.insert(name.to_string(), arity(&decl[open + 1..close]));
    }
    out
}

/// The functions this crate exports: name -> number of parameters.
fn exported() -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for source in SOURCES {
        for (i, _) in source.match_indices("#[unsafe(no_mangle)]") {
            let rest = &source[i..];
            let fn_at = rest.find("fn ").expect("no_mangle is on a function");
            let rest = &rest[fn_at + 3..];
            let open = rest.find('(').expect("a function has parameters");
            let close = rest.find(')').expect("a parameter list closes");
            out.insert(rest[..open].to_string(), arity(&rest[open + 1..close]));
        }
    }
    out
}

#[test]
fn header_declares_every_export_and_nothing_else() {
    let declared = declared();
    let exported = exported();
    assert!(
        exported.len() >= 30,
        "found only {} exports",
        exported.len()
    );
    assert_eq!(declared, exported);
}

#[test]
fn header_constants_match_the_rust_constants() {
    let rust: &[(&str, c_int)] = &[
        ("HUSH_OK", HUSH_OK),
        ("HUSH_ERR_NULL", HUSH_ERR_NULL),
        ("HUSH_ERR_INVALID", HUSH_ERR_INVALID),
        ("HUSH_ERR_IO", HUSH_ERR_IO),
        ("HUSH_ERR_RULES", HUSH_ERR_RULES),
        ("HUSH_ERR_CONFIG", HUSH_ERR_CONFIG),
        ("HUSH_ERR_SECRET", HUSH_ERR_SECRET),
        ("HUSH_ERR_PANIC", HUSH_ERR_PANIC),
        ("HUSH_ERR_STREAM", HUSH_ERR_STREAM),
        ("HUSH_REDACTION_LABEL", HUSH_REDACTION_LABEL),
        ("HUSH_REDACTION_MASK", HUSH_REDACTION_MASK),
        ("HUSH_REDACTION_FINGERPRINT", HUSH_REDACTION_FINGERPRINT),
    ];
    let text = strip_comments(HEADER);
    let mut in_header = BTreeMap::new();
    for item in text.split([',', '{', '}']) {
        if let Some((name, value)) = item.split_once('=') {
            let name = name.trim();
            if name.starts_with("HUSH_") {
                in_header.insert(name.to_string(), value.trim().parse::<c_int>().unwrap());
            }
        }
    }
    let rust: BTreeMap<String, c_int> = rust.iter().map(|&(n, v)| (n.to_string(), v)).collect();
    assert_eq!(in_header, rust);
}

#[test]
fn finding_layout_is_pointer_then_two_sizes() {
    assert_eq!(std::mem::offset_of!(HushFinding, rule), 0);
    assert_eq!(
        std::mem::offset_of!(HushFinding, start),
        std::mem::size_of::<*const u8>()
    );
    assert_eq!(
        std::mem::offset_of!(HushFinding, end),
        std::mem::size_of::<*const u8>() + std::mem::size_of::<usize>()
    );
}

fn last_error() -> String {
    // SAFETY: `hush_last_error` returns a NUL-terminated string.
    unsafe { CStr::from_ptr(hush_last_error()) }
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_panic_is_an_error_code_and_its_payload_is_not_the_message() {
    let code = guard(|| panic!("payload ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU"));
    assert_eq!(code, HUSH_ERR_PANIC);
    assert_eq!(last_error(), PANIC_MESSAGE);
    assert!(!last_error().contains("ghp_"));
}

#[test]
fn a_failure_sets_the_last_error_and_success_returns_ok() {
    assert_eq!(
        guard(|| Err(Failure::new(HUSH_ERR_INVALID, "bad thing"))),
        HUSH_ERR_INVALID
    );
    assert_eq!(last_error(), "bad thing");
    assert_eq!(guard(|| Ok(())), HUSH_OK);
    // A success leaves the message of the last failure.
    assert_eq!(last_error(), "bad thing");
}

#[test]
fn the_last_error_is_per_thread() {
    guard(|| Err(Failure::new(HUSH_ERR_INVALID, "on the main thread")));
    let other = std::thread::spawn(|| {
        let before = last_error();
        guard(|| Err(Failure::new(HUSH_ERR_NULL, "on another thread")));
        (before, last_error())
    })
    .join()
    .unwrap();
    assert_eq!(other, (String::new(), "on another thread".to_string()));
    assert_eq!(last_error(), "on the main thread");
}

#[test]
fn a_stream_that_panicked_refuses_every_later_call_and_returns_nothing() {
    let s = hush_scrubber_new();
    // SAFETY: live handles, valid out-parameters throughout.
    unsafe {
        let st = hush_stream_new(s);
        assert!(!st.is_null());
        let (mut out, mut out_len) = (ptr::null_mut(), 0usize);
        // A token in progress is held...
        let input = b"export GITHUB_TOKEN=ghp_SCTwl3kYySJufB8w";
        assert_eq!(
            hush_stream_push(st, input.as_ptr(), input.len(), &mut out, &mut out_len),
            HUSH_OK
        );
        hush_free(out, out_len);
        // ...then a call panics inside the stream.
        let code = stream::call(st, &mut out, &mut out_len, |_| panic!("inside the stream"));
        assert_eq!(code, HUSH_ERR_PANIC);
        assert!(out.is_null());
        // Nothing the stream held comes out afterwards.
        for code in [
            hush_stream_push(st, b"x\n".as_ptr(), 2, &mut out, &mut out_len),
            hush_stream_release_idle(st, &mut out, &mut out_len),
            hush_stream_finish(st, &mut out, &mut out_len),
        ] {
            assert_eq!(code, HUSH_ERR_STREAM);
            assert!(out.is_null());
            assert_eq!(out_len, 0);
        }
        hush_stream_free(st);
        hush_scrubber_free(s);
    }
}

#[test]
fn an_error_inside_a_stream_call_leaves_the_stream_usable() {
    let s = hush_scrubber_new();
    // SAFETY: live handles, valid out-parameters throughout.
    unsafe {
        let st = hush_stream_new(s);
        let (mut out, mut out_len) = (ptr::null_mut(), 0usize);
        assert_eq!(
            hush_stream_push(st, ptr::null(), 5, &mut out, &mut out_len),
            HUSH_ERR_NULL
        );
        assert_eq!(
            hush_stream_push(st, b"ok\n".as_ptr(), 3, &mut out, &mut out_len),
            HUSH_OK
        );
        assert_eq!(std::slice::from_raw_parts(out, out_len), b"ok\n");
        hush_free(out, out_len);
        hush_stream_free(st);
        hush_scrubber_free(s);
    }
}

/// `hush::Scrubber::new` clones one process-wide scrubber, known secrets
/// included: a value added through one `hush_scrubber_new` handle showed
/// up in every other (the C test's thread count failed on it).
#[test]
fn scrubbers_from_hush_scrubber_new_do_not_share_known_secrets() {
    let value = b"sess-8a2f4c6e0b1d3957";
    let (a, b) = (hush_scrubber_new(), hush_scrubber_new());
    let (mut in_a, mut in_b) = (0usize, 0usize);
    // SAFETY: live handles, valid pointers.
    unsafe {
        assert_eq!(hush_known_add(a, value.as_ptr(), value.len()), HUSH_OK);
        assert_eq!(hush_known_count(a, &mut in_a), HUSH_OK);
        assert_eq!(hush_known_count(b, &mut in_b), HUSH_OK);
        hush_scrubber_free(a);
        hush_scrubber_free(b);
    }
    assert_eq!((in_a, in_b), (1, 0));
}

/// Run as a child process by `a_panic_inside_a_call_prints_nothing`.
#[test]
#[ignore = "run by a_panic_inside_a_call_prints_nothing in a child process"]
fn child_panics() {
    // Outside a call: the previous hook prints, so capture works.
    let _ = std::panic::catch_unwind(|| panic!("outside-call-7d1c"));
    assert_eq!(guard(|| panic!("inside-call-4b9e")), HUSH_ERR_PANIC);
}

#[test]
fn a_panic_inside_a_call_prints_nothing() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "tests::child_panics", "--ignored", "--nocapture"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success());
    assert!(stderr.contains("outside-call-7d1c"));
    assert!(!stderr.contains("inside-call-4b9e"));
}
