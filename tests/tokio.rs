//! The tokio adapters: `ScrubWriter`, `ScrubReader` and `Runner` give the
//! one-shot result, release prompts on a pause, and never let out a token
//! split by a pause.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hush::Scrubber;
use hush::tokio::{Runner, ScrubReader, ScrubWriter};
use proptest::prelude::*;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::process::Command;

/// Fake tokens in the form of real ones (GitHub classic PATs, a Stripe live
/// key), made up for these tests.
const GH: &str = "ghp_pm2LqGCFqP9vYawhHbWZWEGkrdljyfp2i9Sq";
const GH2: &str = "ghp_V6QMdPU8VvztU3ledKYiVJSS0p5MeF1O3Brd";
const STRIPE: &str = "sk_live_FzDmXrzozEyJq1bhEfBxFqlN";

/// An async writer that records each write it is given, as a separate
/// chunk, in a list its test can read while the writer is in use.
#[derive(Clone, Default)]
struct Chunks(Arc<Mutex<Vec<Vec<u8>>>>);

impl Chunks {
    fn all(&self) -> Vec<Vec<u8>> {
        self.0.lock().unwrap().clone()
    }
    fn joined(&self) -> Vec<u8> {
        self.all().concat()
    }
}

impl AsyncWrite for Chunks {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.0.lock().unwrap().push(buf.to_vec());
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// An async writer that takes at most `max` bytes per write and is not
/// ready every other time it is asked (waking its task at once).
struct Slow {
    out: Vec<u8>,
    max: usize,
    turn: bool,
    shut: bool,
}

impl Slow {
    fn new(max: usize) -> Slow {
        Slow {
            out: Vec::new(),
            max,
            turn: false,
            shut: false,
        }
    }
    fn not_now(&mut self, cx: &mut Context<'_>) -> bool {
        self.turn = !self.turn;
        if self.turn {
            cx.waker().wake_by_ref();
        }
        self.turn
    }
}

impl AsyncWrite for Slow {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.not_now(cx) {
            return Poll::Pending;
        }
        let n = buf.len().min(this.max);
        this.out.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.not_now(cx) {
            return Poll::Pending;
        }
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.not_now(cx) {
            return Poll::Pending;
        }
        this.shut = true;
        Poll::Ready(Ok(()))
    }
}

/// An async reader that returns the given pieces one per read, each after
/// a read that is not ready.
struct Pieces {
    pieces: Vec<Vec<u8>>,
    next: usize,
    turn: bool,
}

impl AsyncRead for Pieces {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.turn = !this.turn;
        if this.turn {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        if let Some(p) = this.pieces.get_mut(this.next) {
            let n = p.len().min(buf.remaining());
            buf.put_slice(&p[..n]);
            p.drain(..n);
            if p.is_empty() {
                this.next += 1;
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// An async writer whose writes all fail.
struct Broken;

impl AsyncWrite for Broken {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, _: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed")))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

fn sh(script: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script);
    cmd
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Splits `input` at the given cut points (taken modulo its length).
fn split(input: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    at.push(0);
    at.push(input.len());
    at.sort_unstable();
    at.dedup();
    at.windows(2).map(|w| input[w[0]..w[1]].to_vec()).collect()
}

/// Pieces of agent output: tokens after secret-like names and alone,
/// prompts, plain and non-ASCII text.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(format!("export GITHUB_TOKEN={GH}\n")),
        Just(format!("remote: {GH2} ")),
        Just(format!("STRIPE_KEY={STRIPE}")),
        Just("Password: ".to_string()),
        Just("Compiling hush v0.1.0 (/work)\n".to_string()),
        Just("naïve café ✓ ".to_string()),
        Just("\n".to_string()),
        "[a-z =:]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn writer_gives_the_one_shot_output_at_any_split(
        pieces in prop::collection::vec(piece(), 1..8),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
        max in 1usize..40,
    ) {
        let scrubber = Scrubber::new();
        let input = pieces.concat().into_bytes();
        let expected = scrubber.scrub(&input).into_owned();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let out = rt.block_on(async {
            let mut w = ScrubWriter::new(&scrubber, Slow::new(max));
            for chunk in split(&input, &cuts) {
                w.write_all(&chunk).await.unwrap();
            }
            w.shutdown().await.unwrap();
            assert!(w.get_ref().shut);
            w.into_inner().out
        });
        prop_assert_eq!(out, expected);
    }

    #[test]
    fn reader_gives_the_one_shot_output_at_any_split(
        pieces in prop::collection::vec(piece(), 1..8),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
        read_size in 1usize..64,
    ) {
        let scrubber = Scrubber::new();
        let input = pieces.concat().into_bytes();
        let expected = scrubber.scrub(&input).into_owned();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let out = rt.block_on(async {
            let inner = Pieces { pieces: split(&input, &cuts), next: 0, turn: false };
            let mut r = ScrubReader::new(&scrubber, inner);
            let mut out = Vec::new();
            let mut buf = vec![0; read_size];
            loop {
                let n = r.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n]);
            }
            out
        });
        prop_assert_eq!(out, expected);
    }
}

#[tokio::test]
async fn writer_flush_releases_a_prompt_but_not_a_partial_token() {
    let scrubber = Scrubber::new();
    let mut w = ScrubWriter::new(&scrubber, Vec::new());
    w.write_all(b"Password: ").await.unwrap();
    assert_eq!(w.get_ref(), b"");
    w.flush().await.unwrap();
    assert_eq!(w.get_ref(), b"Password: ");
    w.write_all(b"\nexport GITHUB_TOKEN=").await.unwrap();
    w.write_all(&GH.as_bytes()[..12]).await.unwrap();
    w.flush().await.unwrap();
    // `GITHUB_TOKEN=` could begin a token itself: it waits too.
    assert_eq!(w.get_ref(), b"Password: \nexport ");
    assert!(w.held() > 0);
    w.write_all(&GH.as_bytes()[12..]).await.unwrap();
    w.write_all(b"\n").await.unwrap();
    w.shutdown().await.unwrap();
    assert_eq!(
        w.get_ref(),
        b"Password: \nexport GITHUB_TOKEN=[REDACTED:github-pat-classic]\n"
    );
    assert!(w.redactions().contains(&("github-pat-classic", 1)));
}

#[tokio::test]
async fn writer_refuses_writes_after_shutdown() {
    let scrubber = Scrubber::new();
    let mut w = ScrubWriter::new(&scrubber, Vec::new());
    w.write_all(b"done\n").await.unwrap();
    w.shutdown().await.unwrap();
    let err = w.write_all(b"more\n").await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    assert_eq!(w.get_ref(), b"done\n");
}

#[tokio::test]
async fn writer_dropped_without_shutdown_lets_nothing_held_out() {
    let scrubber = Scrubber::new();
    let out = Chunks::default();
    let mut w = ScrubWriter::new(&scrubber, out.clone());
    w.write_all(format!("line\nGITHUB_TOKEN={}", &GH[..20]).as_bytes())
        .await
        .unwrap();
    drop(w);
    assert_eq!(out.joined(), b"line\n");
}

#[tokio::test]
async fn reader_with_idle_shows_a_prompt_and_holds_a_partial_token() {
    let scrubber = Scrubber::new();
    let (mut tx, rx) = tokio::io::duplex(1024);
    let mut r = ScrubReader::new(&scrubber, rx).with_idle(Duration::from_millis(30));
    let mut buf = [0; 256];
    tx.write_all(b"Password: ").await.unwrap();
    // Without the idle release this read would wait for a newline forever.
    let n = tokio::time::timeout(Duration::from_secs(10), r.read(&mut buf))
        .await
        .expect("the prompt is released")
        .unwrap();
    assert_eq!(&buf[..n], b"Password: ");
    tx.write_all(format!("\nexport GITHUB_TOKEN={}", &GH[..12]).as_bytes())
        .await
        .unwrap();
    let n = tokio::time::timeout(Duration::from_secs(10), r.read(&mut buf))
        .await
        .expect("the line so far is released")
        .unwrap();
    let first = buf[..n].to_vec();
    assert!(!contains(&first, "ghp_"), "a partial token leaked");
    tx.write_all(format!("{}\n", &GH[12..]).as_bytes())
        .await
        .unwrap();
    drop(tx);
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).await.unwrap();
    let all = [&b"Password: "[..], &first, &rest].concat();
    assert_eq!(
        all,
        b"Password: \nexport GITHUB_TOKEN=[REDACTED:github-pat-classic]\n"
    );
}

#[tokio::test]
async fn runner_redacts_stdout_and_stderr() {
    let scrubber = Scrubber::new();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let outcome = Runner::new(&scrubber)
        .run(
            &mut sh(&format!(
                "printf 'pushed with %s\\n' {GH}; printf 'key: %s\\n' {STRIPE} >&2; exit 3"
            )),
            &mut out,
            &mut err,
        )
        .await
        .unwrap();
    assert_eq!(out, b"pushed with [REDACTED:github-pat-classic]\n");
    assert_eq!(err, b"key: [REDACTED:stripe-live-secret-key]\n");
    assert_eq!(outcome.status().code(), Some(3));
    assert_eq!(
        outcome.stdout_redactions(),
        [("github-pat-classic".to_string(), 1)]
    );
    assert_eq!(
        outcome.stderr_redactions(),
        [("stripe-live-secret-key".to_string(), 1)]
    );
}

#[tokio::test]
async fn runner_does_not_leak_a_token_split_by_a_pause() {
    let scrubber = Scrubber::new();
    let (a, b) = GH.split_at(17);
    let out = Chunks::default();
    let outcome = Runner::new(&scrubber)
        .idle(Duration::from_millis(50))
        .run(
            &mut sh(&format!(
                "printf 'export GITHUB_TOKEN={a}'; sleep 0.3; printf '{b}\\n'"
            )),
            &mut out.clone(),
            &mut tokio::io::sink(),
        )
        .await
        .unwrap();
    assert!(outcome.status().success());
    let chunks = out.all();
    // The pause released the line up to the token (and the name before
    // it, which could be part of a token), and not a byte of it.
    assert_eq!(chunks[0], b"export ");
    assert!(chunks.iter().all(|c| !contains(c, &a[..4])));
    assert_eq!(
        out.joined(),
        b"export GITHUB_TOKEN=[REDACTED:github-pat-classic]\n"
    );
}

#[tokio::test]
async fn runner_shows_a_prompt_without_newline() {
    let scrubber = Scrubber::new();
    let out = Chunks::default();
    Runner::new(&scrubber)
        .idle(Duration::from_millis(50))
        .run(
            &mut sh("printf 'Continue? [y/N] '; sleep 0.3; echo done"),
            &mut out.clone(),
            &mut tokio::io::sink(),
        )
        .await
        .unwrap();
    let chunks = out.all();
    assert_eq!(chunks[0], b"Continue? [y/N] ");
    assert_eq!(out.joined(), b"Continue? [y/N] done\n");
}

#[tokio::test]
async fn runner_does_not_wait_for_a_background_process_holding_its_pipes() {
    let scrubber = Scrubber::new();
    let mut out = Vec::new();
    // The background sleep keeps stdout open long after sh exits.
    let run = tokio::time::timeout(
        Duration::from_secs(20),
        Runner::new(&scrubber)
            .grace(Duration::from_millis(200))
            .run(
                &mut sh("sleep 60 & echo $!; echo started"),
                &mut out,
                &mut tokio::io::sink(),
            ),
    )
    .await;
    let text = String::from_utf8(out).unwrap();
    if let Some(pid) = text.lines().next() {
        let _ = std::process::Command::new("kill").arg(pid).status();
    }
    let outcome = run.expect("the runner ends").unwrap();
    assert!(outcome.status().success());
    assert!(text.ends_with("\nstarted\n"), "{text:?}");
}

#[tokio::test]
async fn runner_closes_a_stream_whose_writer_fails() {
    let scrubber = Scrubber::new();
    // `yes` would write forever to a pipe nobody reads.
    let run = tokio::time::timeout(
        Duration::from_secs(30),
        Runner::new(&scrubber).run(&mut sh("yes"), &mut Broken, &mut tokio::io::sink()),
    )
    .await
    .expect("the runner ends");
    let err = run.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
}

#[test]
fn adapters_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ScrubWriter<Vec<u8>>>();
    send_sync::<ScrubReader<&[u8]>>();
    send_sync::<Runner>();
    send_sync::<hush::tokio::Outcome>();
    // The runner's future can be spawned.
    fn send<T: Send>(_: &T) {}
    let scrubber = Scrubber::new();
    let runner = Runner::new(&scrubber);
    let (mut cmd, mut out, mut err) = (sh("true"), Vec::new(), Vec::new());
    send(&runner.run(&mut cmd, &mut out, &mut err));
}
