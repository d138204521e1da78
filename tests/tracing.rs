//! The tracing writer: every formatted event is scrubbed whole before it
//! reaches the real writer.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use hush::Scrubber;
use hush::tracing::ScrubMakeWriter;
use tracing_subscriber::fmt::MakeWriter;

/// A fake GitHub classic PAT and Stripe live key, made up for these tests.
const GH: &str = "ghp_V6QMdPU8VvztU3ledKYiVJSS0p5MeF1O3Brd";
const STRIPE: &str = "sk_live_FzDmXrzozEyJq1bhEfBxFqlN";

/// A writer shared with the test, recording each write as a chunk.
#[derive(Clone, Default)]
struct Chunks(Arc<Mutex<Vec<Vec<u8>>>>);

impl Chunks {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().concat()).unwrap()
    }
}

impl Write for Chunks {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().push(b.to_vec());
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn subscriber(out: &Chunks) -> impl tracing::Subscriber + Send + Sync + 'static {
    let out = out.clone();
    tracing_subscriber::fmt()
        .with_writer(ScrubMakeWriter::new(&Scrubber::new(), move || out.clone()))
        .with_ansi(false)
        .without_time()
        .finish()
}

#[test]
fn a_token_in_a_field_is_redacted() {
    let out = Chunks::default();
    tracing::subscriber::with_default(subscriber(&out), || {
        tracing::info!(remote = GH, user = "agent", "pushed");
    });
    assert_eq!(
        out.text(),
        " INFO tracing: pushed remote=\"[REDACTED:github-pat-classic]\" user=\"agent\"\n"
    );
}

#[test]
fn a_token_in_a_message_is_redacted() {
    let out = Chunks::default();
    tracing::subscriber::with_default(subscriber(&out), || {
        tracing::warn!("retrying with key {STRIPE} after 429");
    });
    let text = out.text();
    assert!(!text.contains(STRIPE), "{text}");
    assert!(
        text.contains("retrying with key [REDACTED:stripe-live-secret-key] after 429"),
        "{text}"
    );
}

#[test]
fn a_token_in_a_span_field_is_redacted() {
    let out = Chunks::default();
    tracing::subscriber::with_default(subscriber(&out), || {
        let span = tracing::info_span!("request", auth = GH);
        let _guard = span.enter();
        tracing::info!("sent");
    });
    let text = out.text();
    assert!(!text.contains(GH), "{text}");
    assert!(text.contains("[REDACTED:github-pat-classic]"), "{text}");
}

#[test]
fn each_event_is_written_once_and_whole() {
    let out = Chunks::default();
    tracing::subscriber::with_default(subscriber(&out), || {
        tracing::info!("first {GH}");
        tracing::info!("second, clean");
    });
    let chunks = out.0.lock().unwrap().clone();
    assert_eq!(chunks.len(), 2);
    assert!(chunks.iter().all(|c| c.ends_with(b"\n")));
    let first = String::from_utf8(chunks[0].clone()).unwrap();
    assert!(
        first.ends_with("first [REDACTED:github-pat-classic]\n"),
        "{first}"
    );
}

#[test]
fn a_token_written_in_pieces_is_redacted_whole() {
    // Another user of the MakeWriter may write an event in several calls:
    // the event is scrubbed once, whole, when its writer is dropped.
    let out = Chunks::default();
    let make = ScrubMakeWriter::new(&Scrubber::new(), {
        let out = out.clone();
        move || out.clone()
    });
    let (a, b) = GH.split_at(10);
    {
        let mut w = make.make_writer();
        w.write_all(b"token ").unwrap();
        w.write_all(a.as_bytes()).unwrap();
        w.flush().unwrap();
        assert_eq!(out.text(), "", "a flush passed part of an event on");
        w.write_all(b.as_bytes()).unwrap();
        w.write_all(b"\n").unwrap();
    }
    assert_eq!(out.text(), "token [REDACTED:github-pat-classic]\n");
}

#[test]
fn make_writer_is_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ScrubMakeWriter<fn() -> io::Stdout>>();
}
