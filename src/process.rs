//! Running a command with its output scrubbed live: what `hush run` does.
//!
//! [`Command`] spawns a program, reads its standard output and standard
//! error (or, with [`Command::pty`], the one pseudo-terminal both go to),
//! and pushes what it reads into one [`Sink`] per stream. A sink decides
//! how its stream is scrubbed: [`TextSink`] scrubs it as text with a
//! [`Stream`]; another sink (a JSON Lines writer, say) plugs in by
//! implementing the five methods of the trait.
//!
//! # What the runner does
//!
//! * **One pump per stream.** A thread reads the pipe (or the PTY) and hands
//!   chunks to the pump, which pushes them into the sink. When nothing
//!   arrives for the idle time while bytes are held (a prompt waiting for
//!   an answer), the pump calls [`Sink::release_idle`]: an unfinished line
//!   leaves up to where a secret could be in progress, never further.
//! * **The exit grace period.** Output normally ends when the command's
//!   pipes close. A background process it left behind (`daemon &`) may hold
//!   them open for ever: once the command has exited, the pumps get
//!   [`Command::exit_grace`] more, then end where they are. What was read
//!   by then is written, scrubbed; nothing unscrubbed ever is. The reading
//!   threads are then left blocked on the pipes and end with the process
//!   (or when the background process closes them).
//! * **Its own process group.** The command runs in a new process group
//!   (with a PTY, a new session whose leader it is). With
//!   [`Command::forward_signals`], SIGINT, SIGTERM, SIGHUP and SIGQUIT sent
//!   to this process are forwarded once to the whole group, so that a
//!   SIGTERM also ends what the command started in the background.
//! * **The terminal's own signals reach the command once.** Without a PTY,
//!   when this process's standard input is the terminal and this process
//!   is in its foreground, the command's group is made the terminal's
//!   foreground group while it runs (so it may read the terminal, and
//!   Ctrl-C goes to it, not to this process), and the foreground is given
//!   back when it exits. With a PTY and a terminal on standard input, the
//!   terminal is put in raw mode while the command runs (restored on every
//!   way out, as `script` does) and what is typed goes to the PTY, where
//!   Ctrl-C becomes a SIGINT for the command's foreground group.
//! * **Exit status.** [`Outcome::code`] is the command's exit code, or
//!   128+N when it was killed by signal N, as a shell reports it.
//!
//! The runner never prints. Its errors name what failed (spawning, a pipe,
//! the PTY), never an input value, an argument or the environment.
//!
//! # Standard output and standard error
//!
//! Without a PTY they are two pipes, read by two threads: each stream keeps
//! its own order, but their relative order (which line of stdout came
//! before which line of stderr) cannot be kept. With a PTY both are the
//! same terminal: one stream, in its true order, given to the stdout sink
//! (the stderr sink is then only finished). The terminal turns each `\n`
//! into `\r\n`, as it does for `script`.
//!
//! # Signal handlers
//!
//! [`Command::forward_signals`] installs handlers for SIGINT, SIGTERM,
//! SIGHUP, SIGQUIT (and SIGWINCH, with a PTY) for the whole process, for
//! the time of the run. After the run these signals no longer have their
//! default action (the handlers cannot be uninstalled, only emptied): a
//! long-lived process that wants them back must install its own.
//!
//! # Example: run a command and scrub its output
//!
//! ```
//! # #[cfg(unix)] {
//! use hush::process::{Command, TextSink};
//!
//! let scrubber = hush::Scrubber::new();
//! let mut out = TextSink::new(&scrubber, Vec::new());
//! let mut err = TextSink::new(&scrubber, Vec::new());
//! let outcome = Command::new("sh")
//!     .args(["-c", "echo using ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU; exit 3"])
//!     .run(&mut out, &mut err)?;
//! assert_eq!(outcome.code(), 3);
//! assert_eq!(outcome.stdout().redactions(), [("github-pat-classic".to_string(), 1)]);
//! assert_eq!(out.into_inner(), b"using [REDACTED:github-pat-classic]\n");
//! # }
//! # Ok::<(), hush::process::RunError>(())
//! ```

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::{self, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{SigSet, SigmaskHow, Signal, killpg, pthread_sigmask};
use nix::unistd::Pid;

use crate::scrubber::Scrubber;
use crate::stream::Stream;
use crate::structured::{Counted, JsonLinesWriter};

/// Where the chunks of one output stream go: a push-style scrubber that
/// writes what may leave.
///
/// [`TextSink`] is the text one. To plug in another, implement the five
/// methods; for a writer type with a consuming `finish(self)`, keep it in an
/// `Option` and take it in [`Sink::finish`].
pub trait Sink: Send {
    /// Takes in a chunk of output and writes what may now leave.
    ///
    /// # Errors
    ///
    /// When writing fails; the stream then ends.
    fn push(&mut self, chunk: &[u8]) -> io::Result<()>;

    /// Writes what may leave during a pause in the output (see
    /// [`Stream::release_idle`]): never a byte that could belong to a
    /// secret still arriving.
    ///
    /// # Errors
    ///
    /// When writing fails; the stream then ends.
    fn release_idle(&mut self) -> io::Result<()>;

    /// How many bytes were pushed and not yet written.
    fn held(&self) -> usize;

    /// Ends the stream: writes everything still held, scrubbed, and flushes.
    ///
    /// # Errors
    ///
    /// When writing fails.
    fn finish(&mut self) -> io::Result<()>;

    /// How many findings of each rule were redacted in what was written:
    /// `(rule id, count)`, never the values. One count per redaction: when
    /// several findings cover the same bytes, one counts here and the
    /// others in [`Sink::merged`].
    fn redactions(&self) -> Vec<(String, u64)>;

    /// How many findings were merged into another's redaction (the same or
    /// overlapping bytes found by several rules) in what was written; they
    /// are not in [`Sink::redactions`]. A sink that does not count them
    /// keeps the default, 0.
    fn merged(&self) -> u64 {
        0
    }
}

/// A sink lent to a run, to be read after it.
impl<S: Sink + ?Sized> Sink for &mut S {
    fn push(&mut self, chunk: &[u8]) -> io::Result<()> {
        (**self).push(chunk)
    }
    fn release_idle(&mut self) -> io::Result<()> {
        (**self).release_idle()
    }
    fn held(&self) -> usize {
        (**self).held()
    }
    fn finish(&mut self) -> io::Result<()> {
        (**self).finish()
    }
    fn redactions(&self) -> Vec<(String, u64)> {
        (**self).redactions()
    }
    fn merged(&self) -> u64 {
        (**self).merged()
    }
}

/// A [`Sink`] that scrubs its stream as text with a [`Stream`] and writes
/// the result to `W` as soon as it may leave.
///
/// Give it an unbuffered writer (a `File`, not `io::Stdout`, which holds an
/// unfinished line) so that a prompt shows when it is released.
pub struct TextSink<W> {
    stream: Stream,
    out: W,
}

impl<W: Write + Send> TextSink<W> {
    /// A sink that scrubs with `scrubber` and writes to `out`.
    pub fn new(scrubber: &Scrubber, out: W) -> TextSink<W> {
        TextSink {
            stream: scrubber.stream(),
            out,
        }
    }

    /// The writer, with what was written to it.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write + Send> Sink for TextSink<W> {
    fn push(&mut self, chunk: &[u8]) -> io::Result<()> {
        let out = self.stream.push(chunk);
        if !out.is_empty() {
            self.out.write_all(out)?;
            self.out.flush()?;
        }
        Ok(())
    }

    fn release_idle(&mut self) -> io::Result<()> {
        let out = self.stream.release_idle();
        if !out.is_empty() {
            self.out.write_all(out)?;
            self.out.flush()?;
        }
        Ok(())
    }

    fn held(&self) -> usize {
        self.stream.held()
    }

    fn finish(&mut self) -> io::Result<()> {
        let out = self.stream.finish();
        self.out.write_all(out)?;
        self.out.flush()
    }

    fn redactions(&self) -> Vec<(String, u64)> {
        self.stream
            .redactions()
            .into_iter()
            .map(|(id, n)| (id.to_string(), n))
            .collect()
    }

    fn merged(&self) -> u64 {
        self.stream.merged()
    }
}

impl<W> fmt::Debug for TextSink<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextSink")
            .field("held", &self.stream.held())
            .finish_non_exhaustive()
    }
}

/// A [`Sink`] that scrubs its stream as JSON Lines with a
/// [`JsonLinesWriter`]: each event structurally, other lines as text (what
/// `hush run --json-lines` does), writing to `W` as soon as a line may
/// leave.
pub struct JsonLinesSink<W: Write> {
    /// `None` once finished.
    writer: Option<JsonLinesWriter<W>>,
    /// The counts and the merged count, once finished.
    finished: Counted,
}

impl<W: Write + Send> JsonLinesSink<W> {
    /// A sink that scrubs with `scrubber` and writes to `out`.
    pub fn new(scrubber: &Scrubber, out: W) -> JsonLinesSink<W> {
        JsonLinesSink {
            writer: Some(scrubber.json_lines_writer(out)),
            finished: (Vec::new(), 0),
        }
    }

    fn writer(&mut self) -> io::Result<&mut JsonLinesWriter<W>> {
        self.writer
            .as_mut()
            .ok_or_else(|| io::Error::other("the JSON Lines sink is finished"))
    }
}

impl<W: Write + Send> Sink for JsonLinesSink<W> {
    fn push(&mut self, chunk: &[u8]) -> io::Result<()> {
        self.writer()?.write_all(chunk)
    }

    fn release_idle(&mut self) -> io::Result<()> {
        self.writer()?.flush()
    }

    fn held(&self) -> usize {
        self.writer.as_ref().map_or(0, JsonLinesWriter::held)
    }

    fn finish(&mut self) -> io::Result<()> {
        let Some(w) = self.writer.take() else {
            return Ok(());
        };
        self.finished = w.finish_counted()?.1;
        Ok(())
    }

    fn redactions(&self) -> Vec<(String, u64)> {
        match &self.writer {
            Some(w) => w
                .redactions()
                .into_iter()
                .map(|(id, n)| (id.to_string(), n))
                .collect(),
            None => self.finished.0.clone(),
        }
    }

    fn merged(&self) -> u64 {
        match &self.writer {
            Some(w) => w.merged(),
            None => self.finished.1,
        }
    }
}

impl<W: Write> fmt::Debug for JsonLinesSink<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLinesSink")
            .field(
                "held",
                &self.writer.as_ref().map_or(0, JsonLinesWriter::held),
            )
            .finish_non_exhaustive()
    }
}

/// The size of a terminal, in character cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowSize {
    /// Lines.
    pub rows: u16,
    /// Columns.
    pub cols: u16,
}

/// A command to run with its output scrubbed: program, arguments and how
/// to run it. See the [module documentation](self).
#[derive(Clone, Debug)]
pub struct Command {
    program: OsString,
    args: Vec<OsString>,
    env_remove: Vec<OsString>,
    pty: bool,
    window_size: Option<WindowSize>,
    idle: Duration,
    exit_grace: Duration,
    forward_signals: bool,
    inherit_stdin: bool,
}

impl Command {
    /// A command that runs `program` (looked up in `PATH` unless it has a
    /// `/`), with no arguments, pipes for its output, an idle time of
    /// 100 ms, an exit grace period of 500 ms, and no signal forwarding.
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            env_remove: Vec::new(),
            pty: false,
            window_size: None,
            idle: Duration::from_millis(100),
            exit_grace: Duration::from_millis(500),
            forward_signals: false,
            inherit_stdin: true,
        }
    }

    /// Adds an argument.
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Removes a variable from the command's environment (which is
    /// otherwise this process's).
    pub fn env_remove(&mut self, name: impl AsRef<OsStr>) -> &mut Command {
        self.env_remove.push(name.as_ref().to_owned());
        self
    }

    /// Runs the command on a pseudo-terminal: its standard output and
    /// standard error (and its standard input) are one terminal, so that it
    /// keeps colours, line buffering and prompts, and what it writes to
    /// `/dev/tty` is scrubbed too. Both streams go to the stdout sink, in
    /// their true order.
    ///
    /// Standard input: when this process's standard input is a terminal, it
    /// is put in raw mode for the run and what is typed is passed to the
    /// PTY. Otherwise what it reads is passed to the PTY as typed input,
    /// with echo off (as `script` does for a pipe), and its end as an
    /// end-of-file character. The thread that passes standard input on
    /// cannot be interrupted: after the run it stays blocked reading until
    /// the next input arrives (which is then lost) or the process ends.
    /// Turn [`Command::inherit_stdin`] off when the process needs its
    /// standard input after the run.
    pub fn pty(&mut self, pty: bool) -> &mut Command {
        self.pty = pty;
        self
    }

    /// Whether the command reads this process's standard input (the
    /// default): inherited without a PTY, passed through with one (see
    /// [`Command::pty`]). Without it, the command's standard input is
    /// empty: `/dev/null`, or an end-of-file on the PTY.
    pub fn inherit_stdin(&mut self, inherit: bool) -> &mut Command {
        self.inherit_stdin = inherit;
        self
    }

    /// The PTY's window size. Without it, the size of the terminal on this
    /// process's standard output, or 24x80 when it is not a terminal. With
    /// [`Command::forward_signals`], a SIGWINCH copies the terminal's new
    /// size to the PTY.
    pub fn window_size(&mut self, size: WindowSize) -> &mut Command {
        self.window_size = Some(size);
        self
    }

    /// How long the output must pause before an unfinished line (a prompt)
    /// is released, up to where a secret could be in progress.
    pub fn idle(&mut self, idle: Duration) -> &mut Command {
        self.idle = idle;
        self
    }

    /// How long output is still read after the command has exited, when a
    /// process it left behind holds the pipes open.
    pub fn exit_grace(&mut self, grace: Duration) -> &mut Command {
        self.exit_grace = grace;
        self
    }

    /// Forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to this process to
    /// the command's process group while it runs (see the module
    /// documentation on what this does to the process's signal handlers).
    pub fn forward_signals(&mut self, forward: bool) -> &mut Command {
        self.forward_signals = forward;
        self
    }

    /// Runs the command to its end, its standard output pushed into
    /// `stdout`, its standard error into `stderr`; returns its exit status
    /// and what each sink redacted.
    ///
    /// # Errors
    ///
    /// When the command cannot be started ([`RunError::is_spawn`]), or a
    /// pipe, the PTY, the signal handlers or waiting for the command fail.
    /// An error writing a sink does not stop the run: it is in that
    /// stream's [`StreamOutcome::error`].
    pub fn run<O: Sink, E: Sink>(&self, stdout: O, stderr: E) -> Result<Outcome, RunError> {
        let signals = if self.forward_signals {
            let mut list = vec![
                Signal::SIGINT as i32,
                Signal::SIGTERM as i32,
                Signal::SIGHUP as i32,
                Signal::SIGQUIT as i32,
            ];
            if self.pty {
                list.push(Signal::SIGWINCH as i32);
            }
            // Before the child exists, so that none is lost between spawning
            // it and forwarding.
            Some(
                signal_hook::iterator::Signals::new(list)
                    .map_err(|e| RunError::io("cannot install signal handlers", e))?,
            )
        } else {
            None
        };
        if self.pty {
            self.run_pty(signals, stdout, stderr)
        } else {
            self.run_pipes(signals, stdout, stderr)
        }
    }

    fn run_pipes<O: Sink, E: Sink>(
        &self,
        signals: Option<signal_hook::iterator::Signals>,
        stdout: O,
        stderr: E,
    ) -> Result<Outcome, RunError> {
        let mut cmd = std::process::Command::new(&self.program);
        cmd.args(&self.args)
            .process_group(0)
            .stdin(if self.inherit_stdin {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for name in &self.env_remove {
            cmd.env_remove(name);
        }
        let mut child = cmd.spawn().map_err(RunError::spawn)?;
        let pgid = pid_of(child.id())?;
        // The terminal's foreground goes to the command's group, so that it
        // may read the terminal and Ctrl-C reaches it once.
        let mut foreground = if self.inherit_stdin {
            Foreground::hand_to(pgid)
        } else {
            None
        };
        let forwarder = signals.map(|s| Forwarder::start(s, pgid, None));

        let out_pipe = child.stdout.take().expect("stdout is piped");
        let err_pipe = child.stderr.take().expect("stderr is piped");
        let waited = thread::scope(|scope| {
            let streams = Pumps::start(
                scope,
                self.idle,
                (Box::new(out_pipe) as Box<dyn Read + Send>, stdout),
                Some((Box::new(err_pipe) as Box<dyn Read + Send>, stderr)),
            );
            let status = wait_following_stops(&mut child, pgid, foreground.as_mut());
            drop(foreground);
            if let Some(f) = forwarder {
                f.stop();
            }
            status.map(|status| (status, streams.end(self.exit_grace)))
        });
        let (status, (out, err)) =
            waited.map_err(|e| RunError::io("waiting for the command", e))?;
        Ok(Outcome::new(status, out, err))
    }

    fn run_pty<O: Sink, E: Sink>(
        &self,
        signals: Option<signal_hook::iterator::Signals>,
        stdout: O,
        mut stderr: E,
    ) -> Result<Outcome, RunError> {
        use portable_pty::{CommandBuilder, native_pty_system};

        let size = self
            .window_size
            .or_else(terminal_size)
            .unwrap_or(WindowSize { rows: 24, cols: 80 });
        let pair = native_pty_system().openpty(pty_size(size)).map_err(|_| {
            RunError::io(
                "cannot open a pseudo-terminal",
                io::Error::other("openpty failed"),
            )
        })?;
        let stdin_tty = self.inherit_stdin && rustix::termios::isatty(io::stdin());
        if !stdin_tty {
            // Input from a pipe is not echoed back, as `script` does.
            if let Some(path) = pair.master.tty_name() {
                let _ = echo_off(&path);
            }
        }
        let mut cmd = CommandBuilder::new(&self.program);
        cmd.args(&self.args);
        for name in &self.env_remove {
            cmd.env_remove(name);
        }
        // portable-pty would otherwise start it in the home directory.
        if let Ok(dir) = std::env::current_dir() {
            cmd.cwd(dir);
        }
        let mut child = match pair.slave.spawn_command(cmd) {
            Ok(child) => child,
            // portable-pty's message quotes the program and PATH: say only
            // what went wrong.
            Err(_) => return Err(RunError::spawn(classify_spawn_failure(&self.program))),
        };
        // Only the command holds the terminal now, so its end is seen.
        drop(pair.slave);
        let pgid = pid_of(child.process_id().unwrap_or(0))?;
        let reader = pair.master.try_clone_reader().map_err(|_| {
            RunError::io(
                "cannot read the pseudo-terminal",
                io::Error::other("dup failed"),
            )
        })?;
        let writer = pair.master.take_writer().map_err(|_| {
            RunError::io(
                "cannot write the pseudo-terminal",
                io::Error::other("dup failed"),
            )
        })?;
        let raw = if stdin_tty { RawMode::enter() } else { None };
        if self.inherit_stdin {
            thread::spawn(move || forward_input(writer, stdin_tty));
        } else {
            let mut writer = writer;
            let _ = writer.write_all(b"\x04");
        }
        let forwarder = signals.map(|s| Forwarder::start(s, pgid, Some(pair.master)));

        // portable-pty's own status names the signal but not its number.
        let child: &mut dyn portable_pty::Child = &mut *child;
        let std_child = child
            .downcast_mut::<std::process::Child>()
            .ok_or_else(|| RunError::io("waiting for the command", io::Error::other("no child")))?;
        let waited = thread::scope(|scope| {
            let streams = Pumps::start::<O, E>(scope, self.idle, (reader, stdout), None);
            let status = std_child.wait();
            if let Some(f) = forwarder {
                f.stop();
            }
            status.map(|status| (status, streams.end(self.exit_grace)))
        });
        drop(raw);
        let (status, (out, _)) = waited.map_err(|e| RunError::io("waiting for the command", e))?;
        let error = stderr.finish().err();
        let err = StreamOutcome {
            redactions: stderr.redactions(),
            merged: stderr.merged(),
            error,
        };
        Ok(Outcome::new(status, out, err))
    }
}

/// Waits for the command to exit. When it holds the terminal's foreground
/// and is stopped (Ctrl-Z), this process stops too, as the job the shell
/// knows, after taking the terminal back; when the shell continues it
/// (`fg`), the terminal and a SIGCONT go back to the command.
fn wait_following_stops(
    child: &mut std::process::Child,
    pgid: Pid,
    mut foreground: Option<&mut Foreground>,
) -> io::Result<ExitStatus> {
    use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
    let pid = pgid;
    loop {
        match waitpid(pid, Some(WaitPidFlag::WUNTRACED)) {
            Ok(WaitStatus::Exited(_, code)) => return Ok(ExitStatus::from_raw((code & 0xff) << 8)),
            Ok(WaitStatus::Signaled(_, sig, core)) => {
                return Ok(ExitStatus::from_raw(
                    sig as i32 | if core { 0x80 } else { 0 },
                ));
            }
            // Only a job on the terminal: a process that merely runs a
            // command (an agent runtime) is not stopped with it.
            Ok(WaitStatus::Stopped(..)) => {
                if let Some(fg) = foreground.as_deref_mut() {
                    fg.take_back();
                    let _ = nix::sys::signal::kill(nix::unistd::getpid(), Signal::SIGTSTP);
                    // Continued.
                    fg.give();
                    let _ = killpg(pgid, Signal::SIGCONT);
                }
            }
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => {}
            // Not ours to wait for after all: let the standard library try.
            Err(_) => return child.wait(),
        }
    }
}

fn pty_size(size: WindowSize) -> portable_pty::PtySize {
    portable_pty::PtySize {
        rows: size.rows,
        cols: size.cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

/// The size of the terminal on this process's standard output, if it is one.
fn terminal_size() -> Option<WindowSize> {
    let ws = rustix::termios::tcgetwinsize(io::stdout()).ok()?;
    (ws.ws_row > 0 && ws.ws_col > 0).then_some(WindowSize {
        rows: ws.ws_row,
        cols: ws.ws_col,
    })
}

fn pid_of(id: u32) -> Result<Pid, RunError> {
    match i32::try_from(id) {
        Ok(id) if id > 0 => Ok(Pid::from_raw(id)),
        _ => Err(RunError::io(
            "cannot identify the command's process",
            io::Error::other("bad pid"),
        )),
    }
}

/// Turns echo off on the PTY's terminal side, opened by name without
/// making it this process's controlling terminal.
fn echo_off(path: &std::path::Path) -> io::Result<()> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    use std::os::unix::fs::OpenOptionsExt;
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(nix::libc::O_NOCTTY)
        .open(path)?;
    let mut modes = tcgetattr(&tty)?;
    modes.local_modes.remove(LocalModes::ECHO);
    tcsetattr(&tty, OptionalActions::Now, &modes)?;
    Ok(())
}

/// Why spawning `program` failed, found out without quoting the program,
/// `PATH` or the library's message: not found, or found and not runnable.
fn classify_spawn_failure(program: &OsStr) -> io::Error {
    use std::os::unix::ffi::OsStrExt;
    let exists = |p: &std::path::Path| p.exists();
    let found = if program.as_bytes().contains(&b'/') {
        exists(std::path::Path::new(program))
    } else {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| exists(&dir.join(program))))
    };
    if found {
        io::Error::new(io::ErrorKind::PermissionDenied, "not executable")
    } else {
        io::Error::new(io::ErrorKind::NotFound, "not found")
    }
}

/// Copies this process's standard input to the PTY. From a terminal (in
/// raw mode) every byte goes as typed, Ctrl-C and Ctrl-D included; from
/// anything else, its end becomes an end-of-file character.
fn forward_input(mut pty: Box<dyn Write + Send>, from_terminal: bool) {
    let mut stdin = io::stdin().lock();
    let mut buf = [0u8; 4096];
    let mut last = b'\n';
    loop {
        match stdin.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                last = buf[n - 1];
                if pty.write_all(&buf[..n]).and_then(|()| pty.flush()).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    if !from_terminal {
        // Ctrl-D ends an empty line as end-of-file; an unfinished line
        // needs one to end the line and one for the end.
        let eof: &[u8] = if last == b'\n' { b"\x04" } else { b"\x04\x04" };
        let _ = pty.write_all(eof);
    }
}

/// The terminal on standard input, in raw mode while this value lives.
struct RawMode {
    saved: rustix::termios::Termios,
}

impl RawMode {
    fn enter() -> Option<RawMode> {
        use rustix::termios::{OptionalActions, tcgetattr, tcsetattr};
        let saved = tcgetattr(io::stdin()).ok()?;
        let mut raw = saved.clone();
        raw.make_raw();
        tcsetattr(io::stdin(), OptionalActions::Now, &raw).ok()?;
        Some(RawMode { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = rustix::termios::tcsetattr(
            io::stdin(),
            rustix::termios::OptionalActions::Now,
            &self.saved,
        );
    }
}

/// The terminal on standard input, its foreground handed to the command's
/// process group while this value lives, then given back.
///
/// Meanwhile this process is a background group on its terminal: SIGTTOU
/// is blocked in the thread that made this value, and in the threads it
/// starts, so that writing the output (under `stty tostop`) and taking the
/// terminal back do not stop it.
struct Foreground {
    ours: rustix::process::Pid,
    theirs: rustix::process::Pid,
    mask: SigSet,
}

impl Foreground {
    fn hand_to(pgid: Pid) -> Option<Foreground> {
        use rustix::termios::{isatty, tcgetpgrp, tcsetpgrp};
        let stdin = io::stdin();
        if !isatty(&stdin) {
            return None;
        }
        let ours = rustix::process::getpgrp();
        // Only when we are the foreground: a background `hush run &` must
        // not take the terminal.
        if tcgetpgrp(&stdin).ok()? != ours {
            return None;
        }
        let theirs = rustix::process::Pid::from_raw(pgid.as_raw())?;
        let mut ttou = SigSet::empty();
        ttou.add(Signal::SIGTTOU);
        let mut mask = SigSet::empty();
        pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&ttou), Some(&mut mask)).ok()?;
        let foreground = Foreground { ours, theirs, mask };
        tcsetpgrp(&stdin, theirs).ok()?;
        // The command may have read the terminal before it was its
        // foreground, and been stopped for it.
        let _ = killpg(pgid, Signal::SIGCONT);
        Some(foreground)
    }
}

impl Foreground {
    /// The terminal back to this process's group, for a while.
    fn take_back(&mut self) {
        let _ = rustix::termios::tcsetpgrp(io::stdin(), self.ours);
    }

    /// The terminal to the command's group again.
    fn give(&mut self) {
        let _ = rustix::termios::tcsetpgrp(io::stdin(), self.theirs);
    }
}

impl Drop for Foreground {
    fn drop(&mut self) {
        let _ = rustix::termios::tcsetpgrp(io::stdin(), self.ours);
        let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&self.mask), None);
    }
}

/// The thread that forwards signals to the command's process group (and
/// to the PTY's foreground group, when a shell on it runs a job) and window
/// size changes to its PTY.
struct Forwarder {
    handle: signal_hook::iterator::Handle,
    thread: thread::JoinHandle<()>,
}

impl Forwarder {
    fn start(
        mut signals: signal_hook::iterator::Signals,
        pgid: Pid,
        pty: Option<Box<dyn portable_pty::MasterPty + Send>>,
    ) -> Forwarder {
        let handle = signals.handle();
        let thread = thread::spawn(move || {
            for sig in signals.forever() {
                if sig == Signal::SIGWINCH as i32 {
                    if let (Some(pty), Some(size)) = (&pty, terminal_size()) {
                        let _ = pty.resize(pty_size(size));
                    }
                } else if let Ok(sig) = Signal::try_from(sig) {
                    let _ = killpg(pgid, sig);
                    // A shell on the PTY runs its jobs in groups of their
                    // own: its foreground job gets the signal too, once.
                    let foreground = pty
                        .as_ref()
                        .and_then(|pty| pty.process_group_leader())
                        .filter(|&g| g > 0 && g != pgid.as_raw());
                    if let Some(g) = foreground {
                        let _ = killpg(Pid::from_raw(g), sig);
                    }
                }
            }
        });
        Forwarder { handle, thread }
    }

    fn stop(self) {
        self.handle.close();
        let _ = self.thread.join();
    }
}

/// What a pump hands back: the sink's counts, its merged count and its
/// error, if any.
type Pumped = (Vec<(String, u64)>, u64, Option<io::Error>);

/// The pumps of a run, one per stream, and when they end.
struct Pumps<'scope> {
    stop: Arc<AtomicBool>,
    done: mpsc::Receiver<(usize, Pumped)>,
    count: usize,
    _scope: std::marker::PhantomData<&'scope ()>,
}

impl<'scope> Pumps<'scope> {
    fn start<'env, O: Sink + 'scope, E: Sink + 'scope>(
        scope: &'scope thread::Scope<'scope, 'env>,
        idle: Duration,
        out: (Box<dyn Read + Send>, O),
        err: Option<(Box<dyn Read + Send>, E)>,
    ) -> Pumps<'scope> {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, done) = mpsc::channel();
        let mut count = 1;
        {
            let (pipe, mut sink) = out;
            let (stop, tx) = (Arc::clone(&stop), tx.clone());
            scope.spawn(move || {
                let r = pump_until(pipe, &mut sink, idle, Some(&stop));
                let _ = tx.send((0, (sink.redactions(), sink.merged(), r.err())));
            });
        }
        if let Some((pipe, mut sink)) = err {
            count += 1;
            let stop = Arc::clone(&stop);
            scope.spawn(move || {
                let r = pump_until(pipe, &mut sink, idle, Some(&stop));
                let _ = tx.send((1, (sink.redactions(), sink.merged(), r.err())));
            });
        }
        Pumps {
            stop,
            done,
            count,
            _scope: std::marker::PhantomData,
        }
    }

    /// Waits for the pumps, for at most `grace` before telling them to end
    /// where they are.
    fn end(self, grace: Duration) -> (StreamOutcome, StreamOutcome) {
        let mut results: [Pumped; 2] = [(Vec::new(), 0, None), (Vec::new(), 0, None)];
        let deadline = Instant::now() + grace;
        for _ in 0..self.count {
            let next = match self
                .done
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(next) => Some(next),
                Err(RecvTimeoutError::Timeout) => {
                    self.stop.store(true, Ordering::SeqCst);
                    self.done.recv().ok()
                }
                Err(RecvTimeoutError::Disconnected) => None,
            };
            match next {
                Some((i, pumped)) => results[i] = pumped,
                None => break,
            }
        }
        let [(r0, m0, e0), (r1, m1, e1)] = results;
        (
            StreamOutcome {
                redactions: r0,
                merged: m0,
                error: e0,
            },
            StreamOutcome {
                redactions: r1,
                merged: m1,
                error: e1,
            },
        )
    }
}

/// Copies `input` into `sink` until the input ends, then finishes the sink.
///
/// A thread reads `input` and hands over chunks as they arrive. When
/// nothing arrives for `idle` while bytes are held (a prompt waiting for an
/// answer), the sink gets an idle release ([`Sink::release_idle`]): the
/// unfinished line leaves up to where a secret could be in progress.
///
/// [`pump_fd`] does the same for a file descriptor without the thread;
/// it is `hush`'s filter.
///
/// # Errors
///
/// When reading the input or writing the sink fails; what was read before
/// is written, scrubbed, unless writing is what failed.
pub fn pump<R, S>(input: R, sink: &mut S, idle: Duration) -> io::Result<()>
where
    R: Read + Send + 'static,
    S: Sink + ?Sized,
{
    pump_until(Box::new(input), sink, idle, None)
}

/// [`pump`] for an input that is a file descriptor (the filter's stdin),
/// without a reader thread: the input is read in the calling thread into
/// one reused buffer and pushed from there, with no copy and no hand-over
/// per read. While the sink holds bytes that an idle release could pass
/// on, the input is polled with a timeout first, so that the release comes
/// when the input pauses; otherwise a read waits for input.
///
/// `input` must be unbuffered (a [`std::fs::File`] on the descriptor, not
/// [`io::Stdin`], whose buffer `poll` cannot see).
///
/// # Errors
///
/// As [`pump`].
pub fn pump_fd<R, S>(input: R, sink: &mut S, idle: Duration) -> io::Result<()>
where
    R: Read + std::os::fd::AsFd,
    S: Sink + ?Sized,
{
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

    let mut input = input;
    let mut buf = vec![0u8; 256 << 10];
    let mut last_input = Instant::now();
    let mut released = true;
    let result = loop {
        if !released && sink.held() > 0 {
            let left = idle.saturating_sub(last_input.elapsed());
            let ready = if left.is_zero() {
                false
            } else {
                // At most u16::MAX ms at a time; a longer wait polls again.
                let ms = u16::try_from(left.as_millis().max(1)).unwrap_or(u16::MAX);
                let mut fds = [PollFd::new(input.as_fd(), PollFlags::POLLIN)];
                match poll(&mut fds, PollTimeout::from(ms)) {
                    Ok(n) => n > 0,
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(e) => break Err(io::Error::from(e)),
                }
            };
            if !ready {
                if last_input.elapsed() >= idle {
                    released = true;
                    if let Err(e) = sink.release_idle() {
                        break Err(e);
                    }
                }
                continue;
            }
        }
        match input.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                last_input = Instant::now();
                released = false;
                if let Err(e) = sink.push(&buf[..n]) {
                    break Err(e);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // The PTY's terminal side closed: its end of output.
            Err(e) if e.raw_os_error() == Some(nix::libc::EIO) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    finish_pump(sink, result)
}

/// Finishes a pump's sink after `result`: an error is returned, but what
/// was read is still written, scrubbed, if the output takes it.
fn finish_pump<S: Sink + ?Sized>(sink: &mut S, result: io::Result<()>) -> io::Result<()> {
    match result {
        Ok(()) => sink.finish(),
        Err(e) => {
            let _ = sink.finish();
            Err(e)
        }
    }
}

/// [`pump`], which also ends (as if the input had) when `stop` is set; the
/// reader thread is then left to end with the process.
fn pump_until<S: Sink + ?Sized>(
    input: Box<dyn Read + Send>,
    sink: &mut S,
    idle: Duration,
    stop: Option<&AtomicBool>,
) -> io::Result<()> {
    let (tx, rx) = mpsc::sync_channel::<io::Result<Vec<u8>>>(4);
    let reader = thread::spawn(move || {
        let mut input = input;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if tx.send(Ok(buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // The PTY's terminal side closed: its end of output.
                Err(e) if e.raw_os_error() == Some(nix::libc::EIO) => break,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    break;
                }
            }
        }
    });
    // Wake up often enough to see `stop`, whatever the idle time.
    let tick = idle
        .min(Duration::from_millis(50))
        .max(Duration::from_millis(1));
    let mut last_input = Instant::now();
    let mut released = true;
    let mut stopped = false;
    let result = loop {
        match rx.recv_timeout(tick) {
            Ok(Ok(chunk)) => {
                last_input = Instant::now();
                released = false;
                if let Err(e) = sink.push(&chunk) {
                    break Err(e);
                }
            }
            Ok(Err(e)) => break Err(e),
            Err(RecvTimeoutError::Timeout) => {
                if stop.is_some_and(|s| s.load(Ordering::SeqCst)) {
                    stopped = true;
                    break Ok(());
                }
                if !released && last_input.elapsed() >= idle {
                    released = true;
                    if sink.held() > 0
                        && let Err(e) = sink.release_idle()
                    {
                        break Err(e);
                    }
                }
            }
            Err(RecvTimeoutError::Disconnected) => break Ok(()),
        }
    };
    // On an output error, dropping the receiver stops the reader thread at
    // its next chunk.
    drop(rx);
    finish_pump(sink, result)?;
    if !stopped {
        let _ = reader.join();
    }
    Ok(())
}

/// How a run ended: the command's exit status and what each stream's sink
/// redacted.
#[derive(Debug)]
pub struct Outcome {
    status: ExitStatus,
    stdout: StreamOutcome,
    stderr: StreamOutcome,
}

impl Outcome {
    fn new(status: ExitStatus, stdout: StreamOutcome, stderr: StreamOutcome) -> Outcome {
        Outcome {
            status,
            stdout,
            stderr,
        }
    }

    /// The exit code as a shell reports it: the command's own, or 128+N
    /// when it was killed by signal N.
    pub fn code(&self) -> u8 {
        match (self.status.code(), self.status.signal()) {
            (Some(code), _) => (code & 0xff) as u8,
            (None, Some(sig)) => u8::try_from(128 + sig).unwrap_or(u8::MAX),
            (None, None) => u8::MAX,
        }
    }

    /// The signal that killed the command, if one did.
    pub fn signal(&self) -> Option<i32> {
        self.status.signal()
    }

    /// The command's exit status.
    pub fn status(&self) -> ExitStatus {
        self.status
    }

    /// The standard output stream (with a PTY: the terminal, both streams).
    pub fn stdout(&self) -> &StreamOutcome {
        &self.stdout
    }

    /// The standard error stream (with a PTY: nothing).
    pub fn stderr(&self) -> &StreamOutcome {
        &self.stderr
    }
}

/// How one output stream ended.
#[derive(Debug)]
pub struct StreamOutcome {
    redactions: Vec<(String, u64)>,
    merged: u64,
    error: Option<io::Error>,
}

impl StreamOutcome {
    /// What the stream's sink redacted: `(rule id, count)`, never values;
    /// one count per redaction (see [`Sink::redactions`]).
    pub fn redactions(&self) -> &[(String, u64)] {
        &self.redactions
    }

    /// How many findings the stream's sink merged into another's
    /// redaction ([`Sink::merged`]); they are not in
    /// [`StreamOutcome::redactions`].
    pub fn merged(&self) -> u64 {
        self.merged
    }

    /// The error that ended the stream early (reading the command's output
    /// or writing the sink), if one did. From then on the stream's output
    /// was no longer read; the command ran on.
    pub fn error(&self) -> Option<&io::Error> {
        self.error.as_ref()
    }
}

/// Why a run failed. Its message names what failed, never an argument, an
/// input value or the environment.
#[derive(Debug)]
pub struct RunError {
    what: &'static str,
    spawn: bool,
    source: io::Error,
}

impl RunError {
    fn spawn(source: io::Error) -> RunError {
        RunError {
            what: "cannot run the command",
            spawn: true,
            source,
        }
    }

    fn io(what: &'static str, source: io::Error) -> RunError {
        RunError {
            what,
            spawn: false,
            source,
        }
    }

    /// Whether the command could not be started (a shell's exit code 126,
    /// or 127 when [`RunError::not_found`]).
    pub fn is_spawn(&self) -> bool {
        self.spawn
    }

    /// Whether the command could not be started because the program was
    /// not found.
    pub fn not_found(&self) -> bool {
        self.spawn && self.source.kind() == io::ErrorKind::NotFound
    }

    /// The I/O error underneath.
    pub fn io_error(&self) -> &io::Error {
        &self.source
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what, self.source)
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}
