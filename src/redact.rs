//! What a finding is replaced with.

use std::sync::OnceLock;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How a secret is replaced in the output.
///
/// Set for a whole scrubber with [`Builder::redaction`](crate::Builder::redaction),
/// for one rule with [`Builder::rule_redaction`](crate::Builder::rule_redaction)
/// or the rule file's `redaction` / `replacement` fields.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Redaction {
    /// `[REDACTED:<rule-id>]`, the default.
    Label,
    /// The provider's non-secret prefix kept, the rest replaced:
    /// `ghp_[REDACTED]`. The prefix is the longest of the rule's keywords
    /// that the secret starts with, and never more than half the secret;
    /// without one, `[REDACTED]`.
    Mask,
    /// `[REDACTED:<rule-id>:<16 hex digits>]`: the first 64 bits of an
    /// HMAC-SHA256 of the secret, under the key given to
    /// [`Builder::fingerprint_key`](crate::Builder::fingerprint_key) or a
    /// random key made once per process. The same secret gets the same
    /// fingerprint under the same key, so events can be correlated without
    /// revealing it.
    ///
    /// What a fingerprint reveals: whether two redacted values are equal
    /// (under one key). To whoever holds the key, it also confirms a guess
    /// of the value, so the key must be kept as secret as the values (at
    /// least 16 random bytes); without the key it tells nothing about the
    /// value. 64 bits make two different secrets with the same fingerprint
    /// unlikely, and leave no short tag to match guesses against.
    Fingerprint,
    /// Fixed text.
    Text(String),
}

impl Redaction {
    /// Parses the rule file's `redaction` field.
    pub(crate) fn from_name(name: &str) -> Option<Redaction> {
        match name {
            "label" => Some(Redaction::Label),
            "mask" => Some(Redaction::Mask),
            "fingerprint" => Some(Redaction::Fingerprint),
            _ => None,
        }
    }
}

/// A redaction style resolved for one rule.
pub(crate) enum Replacer {
    /// Precomputed bytes (a label or fixed text).
    Fixed(Box<[u8]>),
    /// Keep a keyword prefix.
    Mask { keywords: Vec<Vec<u8>> },
    /// Keyed fingerprint with the rule id in the label.
    Fingerprint { id: String },
}

impl Replacer {
    pub(crate) fn new(style: &Redaction, id: &str, keywords: &[String]) -> Replacer {
        match style {
            Redaction::Label => Replacer::Fixed(format!("[REDACTED:{id}]").into_bytes().into()),
            Redaction::Text(t) => Replacer::Fixed(t.clone().into_bytes().into()),
            Redaction::Mask => {
                let mut keywords: Vec<Vec<u8>> =
                    keywords.iter().map(|k| k.as_bytes().to_vec()).collect();
                // Longest first, so the longest matching prefix wins.
                keywords.sort_by_key(|k| std::cmp::Reverse(k.len()));
                Replacer::Mask { keywords }
            }
            Redaction::Fingerprint => Replacer::Fingerprint { id: id.to_string() },
        }
    }

    /// Writes the replacement for `secret` to `out`.
    pub(crate) fn write(&self, secret: &[u8], key: &[u8; 32], out: &mut Vec<u8>) {
        match self {
            Replacer::Fixed(bytes) => out.extend_from_slice(bytes),
            Replacer::Mask { keywords } => {
                if let Some(k) = keywords.iter().find(|k| {
                    2 * k.len() <= secret.len() && secret[..k.len()].eq_ignore_ascii_case(k)
                }) {
                    out.extend_from_slice(&secret[..k.len()]);
                }
                out.extend_from_slice(b"[REDACTED]");
            }
            Replacer::Fingerprint { id } => {
                out.extend_from_slice(b"[REDACTED:");
                out.extend_from_slice(id.as_bytes());
                out.push(b':');
                out.extend_from_slice(fingerprint(key, secret).as_bytes());
                out.push(b']');
            }
        }
    }
}

/// The first 64 bits of HMAC-SHA256(key, secret), as 16 hex digits.
pub(crate) fn fingerprint(key: &[u8; 32], secret: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(secret);
    let digest = mac.finalize().into_bytes();
    digest[..FINGERPRINT_BYTES]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How many bytes of the HMAC a fingerprint shows.
const FINGERPRINT_BYTES: usize = 8;

/// How every replacement but a custom text begins (`[REDACTED]`,
/// `ghp_[REDACTED]`, `[REDACTED:<rule-id>]`, `[REDACTED:<rule-id>:<hex>]`):
/// what a later scrub recognises as a redaction.
pub(crate) const LABEL_OPEN: &[u8] = b"[REDACTED";

/// The per-process fingerprint key, made once from the OS's random source.
pub(crate) fn process_key() -> [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    *KEY.get_or_init(|| {
        let mut key = [0u8; 32];
        if getrandom::fill(&mut key).is_err() {
            // No OS randomness: derive a key from what differs between
            // processes. Weaker, but fingerprints still never show the
            // secret.
            let seed = format!(
                "{:?}{:?}{}",
                std::time::SystemTime::now(),
                std::thread::current().id(),
                std::process::id()
            );
            let mut mac =
                <Hmac<Sha256> as KeyInit>::new_from_slice(seed.as_bytes()).expect("any key length");
            mac.update(b"hush fingerprint key");
            key.copy_from_slice(&mac.finalize().into_bytes());
        }
        key
    })
}

/// Turns a caller's key of any length into the 32-byte fingerprint key.
pub(crate) fn derive_key(key: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    mac.update(b"hush fingerprint key");
    let mut out = [0u8; 32];
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc_4231_case_2() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn fingerprints_are_stable_per_key_and_differ_across_keys() {
        let k1 = derive_key(b"key one");
        let k2 = derive_key(b"key two");
        assert_eq!(
            fingerprint(&k1, b"s3cr3t-value"),
            fingerprint(&k1, b"s3cr3t-value")
        );
        assert_ne!(
            fingerprint(&k1, b"s3cr3t-value"),
            fingerprint(&k2, b"s3cr3t-value")
        );
        assert_ne!(
            fingerprint(&k1, b"s3cr3t-value"),
            fingerprint(&k1, b"s3cr3t-valuf")
        );
        assert_eq!(fingerprint(&k1, b"x").len(), 16);
    }

    #[test]
    fn mask_keeps_the_longest_keyword_prefix_up_to_half() {
        let r = Replacer::new(&Redaction::Mask, "gh", &["ghp_".into(), "gh".into()]);
        let mut out = Vec::new();
        r.write(b"ghp_abcdefghij", &[0; 32], &mut out);
        assert_eq!(out, b"ghp_[REDACTED]");
        out.clear();
        r.write(b"ghp_a", &[0; 32], &mut out);
        assert_eq!(out, b"gh[REDACTED]");
        out.clear();
        r.write(b"zzzzzzzz", &[0; 32], &mut out);
        assert_eq!(out, b"[REDACTED]");
    }
}
