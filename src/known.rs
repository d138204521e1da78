//! Secret values a runtime registers: its API keys, the session tokens it
//! mints. Each is matched exactly, in its common encodings, and may be
//! added while streams are live.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use aho_corasick::{AhoCorasick, MatchKind};

use crate::error::{Error, ErrorKind};

/// The shortest value [`KnownSecrets::add`] accepts, in bytes.
///
/// Masking a shorter value everywhere would wreck the output and reveal the
/// value by the gaps it leaves.
pub const MIN_KNOWN_SECRET_LEN: usize = 6;

/// The secret values of a [`Scrubber`](crate::Scrubber), shared by all its
/// clones and the streams made from them.
///
/// Obtained from [`Scrubber::known_secrets`](crate::Scrubber::known_secrets).
/// A value added here is redacted from then on, by one-shot calls and by
/// live streams, including in bytes a stream still holds back.
///
/// Each value is matched exactly and in its encodings: base64 (standard and
/// URL-safe alphabets, at each of the three byte alignments it can take
/// inside a longer encoded string, padded or not), URL encoding (`%XX` in
/// either case, `+` for space), JSON string escaping (with and without
/// `\/`), and hex (either case).
///
/// # Example
///
/// ```
/// use std::io::Write;
///
/// let scrubber = hush::Scrubber::new();
/// let known = scrubber.known_secrets();
/// let mut w = scrubber.writer(Vec::new());
/// w.write_all(b"session: s3ss10n-t0k3n-0ld\n")?;
/// known.add("s3ss10n-t0k3n-n3w").unwrap(); // refreshed mid-stream
/// w.write_all(b"session: s3ss10n-t0k3n-n3w\n")?;
/// let out = String::from_utf8(w.finish()?).unwrap();
/// assert_eq!(out, "session: s3ss10n-t0k3n-0ld\nsession: [REDACTED:known-secret]\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct KnownSecrets {
    shared: Arc<Shared>,
}

struct Shared {
    set: RwLock<Arc<KnownSet>>,
    generation: AtomicU64,
}

/// An immutable snapshot of the known values and their automaton.
pub(crate) struct KnownSet {
    values: Vec<Box<[u8]>>,
    automaton: Option<AhoCorasick>,
    /// The longest pattern (value or encoding), in bytes.
    pub(crate) max_len: usize,
    /// Whether a pattern contains a line break, so a partial match can span
    /// lines.
    pub(crate) has_breaks: bool,
}

impl KnownSet {
    fn new(values: Vec<Box<[u8]>>) -> Result<KnownSet, Error> {
        let mut patterns: Vec<Vec<u8>> = values.iter().flat_map(|v| variants(v)).collect();
        patterns.sort();
        patterns.dedup();
        let max_len = patterns.iter().map(Vec::len).max().unwrap_or(0);
        let has_breaks = patterns
            .iter()
            .any(|p| p.iter().any(|&b| b == b'\n' || b == b'\r'));
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| {
                        Error::new(ErrorKind::Secret, "cannot build the known-secret automaton")
                            .with_source(e)
                    })?,
            )
        };
        Ok(KnownSet {
            values,
            automaton,
            max_len,
            has_breaks,
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.automaton.is_none()
    }

    /// Calls `f(start, end)` for every occurrence of a known value or
    /// encoding in `hay` that ends after `from`.
    pub(crate) fn hits(&self, hay: &[u8], from: usize, mut f: impl FnMut(usize, usize)) {
        let Some(ac) = &self.automaton else { return };
        let start = from.saturating_sub(self.max_len.saturating_sub(1));
        for m in ac.find_overlapping_iter(aho_corasick::Input::new(hay).range(start..)) {
            if m.end() > from {
                f(m.start(), m.end());
            }
        }
    }
}

impl KnownSet {
    /// The length of the longest suffix of `hay` that is a proper prefix of
    /// a known value or one of its encodings: how many trailing bytes could
    /// be the start of a known secret still arriving.
    pub(crate) fn partial_at_end(&self, hay: &[u8]) -> usize {
        let mut longest = 0;
        for v in &self.values {
            for p in variants(v) {
                let most = (p.len() - 1).min(hay.len());
                for k in (longest + 1..=most).rev() {
                    if hay[hay.len() - k..] == p[..k] {
                        longest = k;
                        break;
                    }
                }
            }
        }
        longest
    }
}

impl KnownSecrets {
    pub(crate) fn new(values: &[Vec<u8>]) -> Result<KnownSecrets, Error> {
        for v in values {
            check(v)?;
        }
        let set = KnownSet::new(
            values
                .iter()
                .map(|v| v.clone().into_boxed_slice())
                .collect(),
        )?;
        Ok(KnownSecrets {
            shared: Arc::new(Shared {
                set: RwLock::new(Arc::new(set)),
                generation: AtomicU64::new(0),
            }),
        })
    }

    /// Registers a secret value. Adding a value twice is harmless.
    ///
    /// # Errors
    ///
    /// Refuses a value shorter than [`MIN_KNOWN_SECRET_LEN`] bytes. The error
    /// gives the reason, never the value.
    pub fn add(&self, value: impl AsRef<[u8]>) -> Result<(), Error> {
        let value = value.as_ref();
        check(value)?;
        let mut guard = self.shared.set.write().unwrap_or_else(|e| e.into_inner());
        if guard.values.iter().any(|v| &**v == value) {
            return Ok(());
        }
        let mut values = guard.values.clone();
        values.push(value.to_vec().into_boxed_slice());
        *guard = Arc::new(KnownSet::new(values)?);
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// How many values are registered.
    pub fn len(&self) -> usize {
        self.snapshot().values.len()
    }

    /// Whether no value is registered.
    pub fn is_empty(&self) -> bool {
        self.snapshot().values.is_empty()
    }

    pub(crate) fn snapshot(&self) -> Arc<KnownSet> {
        Arc::clone(&self.shared.set.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Changes every time a value is added.
    pub(crate) fn generation(&self) -> u64 {
        self.shared.generation.load(Ordering::SeqCst)
    }
}

impl std::fmt::Debug for KnownSecrets {
    // Never the values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnownSecrets")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

fn check(value: &[u8]) -> Result<(), Error> {
    if value.len() < MIN_KNOWN_SECRET_LEN {
        return Err(Error::new(
            ErrorKind::Secret,
            format!(
                "known secret refused: shorter than {MIN_KNOWN_SECRET_LEN} bytes; masking it \
                 everywhere would wreck the output and reveal it by its gaps"
            ),
        ));
    }
    Ok(())
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Every form in which `value` is matched.
pub(crate) fn variants(value: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![value.to_vec()];
    for alphabet in [STANDARD, URL_SAFE] {
        for align in 0..3 {
            out.push(base64_core(value, align, alphabet));
        }
    }
    out.extend(url_encodings(value));
    out.extend(json_escapes(value));
    out.push(hex(value, b"0123456789abcdef"));
    out.push(hex(value, b"0123456789ABCDEF"));
    out.retain(|v| !v.is_empty());
    out.sort();
    out.dedup();
    out
}

/// The base64 characters that encode only bits of `value`, when `value`
/// follows `align` other bytes in the encoded data: those characters are
/// the same whatever surrounds the value, and whether or not the encoding
/// is padded.
pub(crate) fn base64_core(value: &[u8], align: usize, alphabet: &[u8; 64]) -> Vec<u8> {
    let mut data = vec![0u8; align];
    data.extend_from_slice(value);
    let encoded = base64(&data, alphabet);
    let first = (8 * align).div_ceil(6);
    let last = 8 * data.len() / 6;
    if first >= last {
        return Vec::new();
    }
    encoded[first..last].to_vec()
}

/// Unpadded base64.
pub(crate) fn base64(data: &[u8], alphabet: &[u8; 64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize]);
        }
    }
    out
}

fn url_encodings(value: &[u8]) -> Vec<Vec<u8>> {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    let mut out = Vec::new();
    for (digits, plus) in [
        (b"0123456789ABCDEF", false),
        (b"0123456789abcdef", false),
        (b"0123456789ABCDEF", true),
    ] {
        let mut v = Vec::with_capacity(value.len() * 3);
        for &b in value {
            if unreserved(b) {
                v.push(b);
            } else if plus && b == b' ' {
                v.push(b'+');
            } else {
                v.extend_from_slice(&[b'%', digits[(b >> 4) as usize], digits[(b & 15) as usize]]);
            }
        }
        out.push(v);
    }
    out
}

fn json_escapes(value: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for escape_slash in [false, true] {
        let mut v = Vec::with_capacity(value.len() + 8);
        for &b in value {
            match b {
                b'"' => v.extend_from_slice(b"\\\""),
                b'\\' => v.extend_from_slice(b"\\\\"),
                b'\n' => v.extend_from_slice(b"\\n"),
                b'\r' => v.extend_from_slice(b"\\r"),
                b'\t' => v.extend_from_slice(b"\\t"),
                b'/' if escape_slash => v.extend_from_slice(b"\\/"),
                0..=0x1f => v.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
                _ => v.push(b),
            }
        }
        out.push(v);
    }
    out
}

fn hex(value: &[u8], digits: &[u8; 16]) -> Vec<u8> {
    value
        .iter()
        .flat_map(|&b| [digits[(b >> 4) as usize], digits[(b & 15) as usize]])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_a_reference_encoding() {
        assert_eq!(base64(b"Man", STANDARD), b"TWFu");
        assert_eq!(base64(b"Ma", STANDARD), b"TWE");
        assert_eq!(base64(b"M", STANDARD), b"TQ");
        assert_eq!(base64(b"\xfb\xff", URL_SAFE), b"-_8");
    }

    #[test]
    fn base64_core_occurs_in_any_surrounding_encoding() {
        let secret = b"hunter2-hunter2";
        for prefix_len in 0..6 {
            for suffix_len in 0..4 {
                let mut data = b"user:xy".to_vec();
                data.truncate(prefix_len);
                data.extend_from_slice(secret);
                data.extend_from_slice(&b"@abc"[..suffix_len]);
                let encoded = base64(&data, STANDARD);
                let core = base64_core(secret, prefix_len % 3, STANDARD);
                assert!(core.len() >= 16, "{prefix_len}");
                assert!(
                    encoded.windows(core.len()).any(|w| w == core),
                    "prefix {prefix_len} suffix {suffix_len}"
                );
            }
        }
    }

    #[test]
    fn short_values_are_refused_without_the_value() {
        let err = KnownSecrets::new(&[b"abc12".to_vec()]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Secret);
        assert!(!err.to_string().contains("abc12"));
        assert!(err.to_string().contains("shorter than 6 bytes"));
    }

    #[test]
    fn url_and_json_forms() {
        let v = variants(b"p@ss w/rd\"");
        assert!(v.contains(&b"p%40ss%20w%2Frd%22".to_vec()));
        assert!(v.contains(&b"p%40ss+w%2Frd%22".to_vec()));
        assert!(v.contains(&b"p%40ss%20w%2frd%22".to_vec()));
        assert!(v.contains(&b"p@ss w/rd\\\"".to_vec()));
        assert!(v.contains(&b"p@ss w\\/rd\\\"".to_vec()));
    }
}
