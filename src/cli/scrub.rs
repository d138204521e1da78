//! `hush scrub FILE...`: files scrubbed in place (transcripts at rest).
//!
//! A file is read once, through the same sinks as the filter, and what they
//! write is compared with the file as it goes. While the two agree nothing
//! is written anywhere: a clean file is never touched (same inode, same
//! mtime) and costs no disk space. At the first difference a temporary file
//! is created next to the original (`O_EXCL`, mode 0600), the agreeing
//! prefix is copied from the original, and the rest of the output follows.
//! The temporary file gets the original's owner (best effort) and
//! permissions, is synced, and is renamed over the original; then the
//! folder is synced. On any error the temporary file is removed and the
//! original is left as it was.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail};

/// How a file is scrubbed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// JSON Lines if the first non-blank line is a JSON object or array,
    /// text otherwise.
    Detect,
    Text,
    JsonLines,
}

/// What scrubbing one file did (or, with `dry_run`, would do).
pub(crate) struct Scrubbed {
    pub(crate) json_lines: bool,
    pub(crate) changed: bool,
    pub(crate) redactions: Vec<(String, u64)>,
    pub(crate) merged: u64,
}

/// How much is read at a time.
const CHUNK: usize = 64 * 1024;

/// Scrubs the file at `path` in place; with `dry_run`, only finds out what
/// would change. A symbolic link is followed: the file it points to is
/// rewritten, in its own folder, and the link stays.
///
/// # Errors
///
/// When the file is not a regular file, cannot be read, or its scrubbed
/// copy cannot be written or put in its place; the file is then left as
/// it was. No error message quotes the file's content.
pub(crate) fn scrub_file(
    scrubber: &hush::Scrubber,
    path: &Path,
    mode: Mode,
    dry_run: bool,
    threads: usize,
) -> Result<Scrubbed> {
    let real = fs::canonicalize(path).context("cannot open it")?;
    let before = fs::metadata(&real).context("cannot open it")?;
    if before.is_dir() {
        bail!("is a directory");
    }
    if !before.is_file() {
        bail!("not a regular file");
    }
    // The rename gives this path a new file: other hard links would keep
    // the secrets.
    if before.nlink() > 1 {
        bail!(
            "has {} hard links; rewriting it would leave the others as they are",
            before.nlink()
        );
    }
    let mut input = File::open(&real).context("cannot open it")?;
    let opened = input.metadata().context("cannot open it")?;
    if !same_file(&before, &opened) {
        bail!("changed while it was being opened; left as it is");
    }
    let dir = real.parent().unwrap_or(Path::new("/")).to_path_buf();
    let mut out = Rewrite {
        // The same file, whatever happens to its name meanwhile.
        original: input.try_clone().context("cannot open it")?,
        theirs: Vec::new(),
        matched: 0,
        differs: false,
        dry_run,
        dir,
        temp: None,
    };

    let (head, eof) = read_head(&mut input).context("cannot read it")?;
    let json_lines = match mode {
        Mode::Text => false,
        Mode::JsonLines => true,
        Mode::Detect => first_line_is_json(&head),
    };
    let (redactions, merged) =
        if !json_lines && threads > 1 && crate::is_parallel_size(opened.len()) {
            // A large text file: read whole, scrubbed on several threads
            // (the one-thread output); its counts are what the scrubber
            // counted meanwhile.
            let hay = crate::read_parallel(&input, threads).context("cannot read it")?;
            let (before, merged_before) = (crate::summary(scrubber), scrubber.merged());
            scrubber
                .scrub_parallel_to(&hay, threads, &mut out)
                .context("cannot write its scrubbed copy")?;
            let redactions = crate::summary(scrubber)
                .into_iter()
                .filter_map(|(id, n)| {
                    let was = before.iter().find(|(b, _)| *b == id).map_or(0, |(_, m)| *m);
                    (n > was).then(|| (id, n - was))
                })
                .collect();
            (redactions, scrubber.merged() - merged_before)
        } else {
            let mut sink = crate::sink(scrubber, &mut out, json_lines);
            feed(&mut *sink, &mut input, &head, eof)?;
            (sink.redactions(), sink.merged())
        };
    out.finish().context("cannot write its scrubbed copy")?;
    let changed = out.differs;
    if let Some(temp) = out.temp.take() {
        temp.persist(&real, &opened)?;
    }
    Ok(Scrubbed {
        json_lines,
        changed,
        redactions,
        merged,
    })
}

/// Pushes `head`, then the rest of `input`, through `sink`, and finishes it.
fn feed(
    sink: &mut dyn hush::process::Sink,
    input: &mut File,
    head: &[u8],
    eof: bool,
) -> Result<()> {
    sink.push(head).context("cannot write its scrubbed copy")?;
    if !eof {
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(anyhow::Error::new(e).context("cannot read it")),
            };
            sink.push(&buf[..n])
                .context("cannot write its scrubbed copy")?;
        }
    }
    sink.finish().context("cannot write its scrubbed copy")
}

/// Reads the start of the file, up to the end of its first non-blank line
/// (at most [`hush::JSON_LINE_LIMIT`] bytes of it), and whether that is
/// the whole file.
fn read_head(input: &mut File) -> io::Result<(Vec<u8>, bool)> {
    let mut head = Vec::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match input.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok((head, true));
        }
        head.extend_from_slice(&buf[..n]);
        let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
            continue;
        };
        if memchr::memchr(b'\n', &head[start..]).is_some()
            || head.len() - start > hush::JSON_LINE_LIMIT
        {
            return Ok((head, false));
        }
    }
}

/// Whether the first non-blank line of `head` is a JSON object or array
/// (or starts like one and is longer than a JSON Lines event may be):
/// the file is then taken for JSON Lines.
fn first_line_is_json(head: &[u8]) -> bool {
    let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    if !matches!(head[start], b'{' | b'[') {
        return false;
    }
    let line = &head[start..];
    match memchr::memchr(b'\n', line) {
        Some(end) => serde_json::from_slice::<serde::de::IgnoredAny>(&line[..end]).is_ok(),
        None if line.len() > hush::JSON_LINE_LIMIT => true,
        None => serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok(),
    }
}

/// Whether two metadata describe the same file, unchanged.
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    a.dev() == b.dev()
        && a.ino() == b.ino()
        && a.len() == b.len()
        && a.mtime() == b.mtime()
        && a.mtime_nsec() == b.mtime_nsec()
}

/// The sinks' output: compared with the original while they agree, then
/// written to a temporary file (unless it is a dry run).
struct Rewrite {
    /// The original, read at offsets of its own (`pread`): the handle
    /// shares its file offset with the one the sinks' input is read from.
    original: File,
    /// The original's bytes to compare a write with.
    theirs: Vec<u8>,
    /// How many bytes of output agreed with the original.
    matched: u64,
    differs: bool,
    dry_run: bool,
    dir: PathBuf,
    temp: Option<Temp>,
}

impl Rewrite {
    /// The output differs from the original from byte `matched` on: with
    /// a temporary file holding the original up to there, unless it is a
    /// dry run.
    fn diverge(&mut self) -> io::Result<()> {
        self.differs = true;
        if self.dry_run {
            return Ok(());
        }
        let mut temp = Temp::create(&self.dir)?;
        let mut buf = vec![0u8; CHUNK];
        let mut copied = 0;
        while copied < self.matched {
            let want = buf.len().min((self.matched - copied) as usize);
            let got = read_full_at(&self.original, &mut buf[..want], copied)?;
            if got < want {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the file shrank while it was being scrubbed",
                ));
            }
            temp.file.write_all(&buf[..got])?;
            copied += got as u64;
        }
        self.temp = Some(temp);
        Ok(())
    }

    /// The output is complete: it also differs if the original goes on.
    fn finish(&mut self) -> io::Result<()> {
        if !self.differs && read_full_at(&self.original, &mut [0u8; 1], self.matched)? > 0 {
            self.diverge()?;
        }
        Ok(())
    }
}

impl Write for Rewrite {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if !self.differs {
            self.theirs.clear();
            self.theirs.resize(data.len(), 0);
            let got = read_full_at(&self.original, &mut self.theirs, self.matched)?;
            if self.theirs[..got] == *data {
                self.matched += data.len() as u64;
                return Ok(data.len());
            }
            self.diverge()?;
        }
        // Without a temporary file, a dry run: nothing is written.
        if let Some(temp) = &mut self.temp {
            temp.file.write_all(data)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads into `buf` from `offset` until it is full or the file ends;
/// returns how many bytes were read.
fn read_full_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], offset + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A temporary file in the original's folder, removed unless persisted.
struct Temp {
    file: File,
    path: PathBuf,
    persisted: bool,
}

impl Temp {
    fn create(dir: &Path) -> io::Result<Temp> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".hush-scrub.{}.{n}.tmp", std::process::id()));
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
            {
                Ok(file) => {
                    return Ok(Temp {
                        file,
                        path,
                        persisted: false,
                    });
                }
                // Left behind by an earlier process with the same id.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Gives the file the original's owner and permissions, syncs it and
    /// renames it over `real`, unless `real` changed since it was opened
    /// (`opened`); then syncs the folder.
    fn persist(mut self, real: &Path, opened: &fs::Metadata) -> Result<()> {
        // Best effort: only root may give a file to another user. Before
        // the mode, as a change of owner clears set-user-ID bits.
        let mine = self
            .file
            .metadata()
            .context("cannot write its scrubbed copy")?;
        if (mine.uid(), mine.gid()) != (opened.uid(), opened.gid()) {
            let _ = std::os::unix::fs::fchown(&self.file, Some(opened.uid()), Some(opened.gid()));
        }
        self.file
            .set_permissions(opened.permissions())
            .context("cannot set the permissions of its scrubbed copy")?;
        self.file
            .sync_all()
            .context("cannot write its scrubbed copy")?;
        // Something appending to the file while it was scrubbed would lose
        // what it wrote.
        let now = fs::metadata(real).context("cannot open it")?;
        if !same_file(opened, &now) {
            bail!("changed while it was being scrubbed; left as it is");
        }
        fs::rename(&self.path, real).context("cannot put its scrubbed copy in its place")?;
        self.persisted = true;
        let dir = real.parent().unwrap_or(Path::new("/"));
        File::open(dir)
            .and_then(|d| d.sync_all())
            .context("scrubbed, but cannot sync its folder")?;
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = fs::remove_file(&self.path);
        }
    }
}
