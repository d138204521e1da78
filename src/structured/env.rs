//! Environments: `(name, value)` pairs.

use std::ffi::{OsStr, OsString};

use super::{is_reference, sensitive_name};
use crate::Scrubber;
use crate::scrubber::ENV;

/// The name patterns of `hush run --mask-env`, as the words a name must
/// contain (case-insensitively): `*TOKEN*`, `*SECRET*`, `*PASSWORD*`, ...
const MASK_ENV_WORDS: &[&str] = &[
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "API_KEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
    "CONNECTION_STRING",
];

/// Name endings under which `--mask-env` registers nothing: the value says
/// where a secret is or what kind it is, not what it is
/// (`GITHUB_TOKEN_FILE`, `VAULT_TOKEN_PATH`, `TOKEN_TYPE`).
const MASK_ENV_EXCLUDED_SUFFIXES: &[&str] = &[
    "_FILE",
    "_PATH",
    "_DIR",
    "_NAME",
    "_TYPE",
    "_URL",
    "_URI",
    "_ENDPOINT",
    "_HOST",
    "_PORT",
    "_EXPIRY",
    "_EXPIRES_AT",
    "_TTL",
    "_COUNT",
    "_LENGTH",
    "_VERSION",
    "_HEADER",
    "_REF",
];

/// What `hush run --mask-env` registers for a variable: `Some(true)` for
/// its whole value, `Some(false)` for the password in a URL value only,
/// `None` for nothing.
///
/// * Names containing one of `TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`,
///   `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `CREDENTIAL`,
///   `CONNECTION_STRING` (any case) are registered whole, unless they end
///   in `_FILE`, `_PATH`, `_NAME`, `_TYPE`, `_URL` and the like, which hold
///   where or what a secret is.
/// * `*_KEY_ID` names (`AWS_ACCESS_KEY_ID`) are registered: half a
///   credential, and masking it costs nothing.
/// * `*_URL` and `*_URI` names (`DATABASE_URL`, `REDIS_URL`) register the
///   password of a `scheme://user:password@host` value only, so host names
///   stay readable.
fn mask_env_name(name: &str) -> Option<bool> {
    let upper = name.to_ascii_uppercase();
    if upper.ends_with("_URL") || upper.ends_with("_URI") {
        return Some(false);
    }
    if !MASK_ENV_WORDS.iter().any(|w| upper.contains(w)) {
        return None;
    }
    if MASK_ENV_EXCLUDED_SUFFIXES
        .iter()
        .any(|s| upper.ends_with(s))
    {
        return None;
    }
    Some(true)
}

/// What `hush run --mask-env` registers as a known secret for the
/// environment variable `name`, if anything (see the
/// rules in `mask_env_name`). The caller still has to refuse values shorter than
/// [`MIN_KNOWN_SECRET_LEN`](crate::MIN_KNOWN_SECRET_LEN).
///
/// # Example
///
/// ```
/// assert_eq!(hush::env_secret("GITHUB_TOKEN", "ghp_x1y2z3"), Some("ghp_x1y2z3".to_string()));
/// assert_eq!(hush::env_secret("DATABASE_URL", "postgres://app:pw-123456@db/app"), Some("pw-123456".to_string()));
/// assert_eq!(hush::env_secret("TOKEN_TYPE", "bearer"), None);
/// assert_eq!(hush::env_secret("HOME", "/root"), None);
/// ```
pub fn env_secret(name: &str, value: &str) -> Option<String> {
    let value = match mask_env_name(name)? {
        true => value,
        false => url_password(value)?,
    };
    (!value.is_empty() && !is_reference(value)).then(|| value.to_string())
}

/// The password of a `scheme://user:password@host/...` URL. The password
/// may contain `@`: the userinfo ends at the last `@` of the authority.
fn url_password(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let rest = &rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())];
    let at = rest.rfind('@')?;
    let userinfo = &rest[..at];
    let colon = userinfo.find(':')?;
    Some(&userinfo[colon + 1..])
}

impl Scrubber {
    /// Scrubs environment variables: the value of a variable whose name
    /// marks it as secret (`DB_PASSWORD`, `GITHUB_TOKEN`, `API_KEY`,
    /// `AWS_SECRET_ACCESS_KEY`, ... but not `TOKEN_TYPE` or
    /// `SECRET_NAME`) is redacted whole unless it is a reference such as
    /// `${DB_PASSWORD}`; every other value is scrubbed with the rules.
    /// Names are kept.
    ///
    /// Values that are not valid UTF-8 are scrubbed after a lossy
    /// conversion.
    ///
    /// # Example
    ///
    /// ```
    /// let scrubber = hush::Scrubber::new();
    /// let env = scrubber.scrub_env([("DB_PASSWORD", "hunter2-prod"), ("HOME", "/home/agent")]);
    /// assert_eq!(env[0].1, "[REDACTED:sensitive-env]");
    /// assert_eq!(env[1].1, "/home/agent");
    /// ```
    pub fn scrub_env<I, K, V>(&self, vars: I) -> Vec<(OsString, OsString)>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        vars.into_iter()
            .map(|(k, v)| {
                let name = k.as_ref().to_string_lossy();
                let value = v.as_ref().to_string_lossy();
                let scrubbed = if sensitive_name(&name) && !is_reference(&value) {
                    let mut out = Vec::new();
                    self.replace_named(ENV, value.as_bytes(), &mut out);
                    String::from_utf8_lossy(&out).into_owned()
                } else {
                    self.scrub_str(&value).into_owned()
                };
                (k.as_ref().to_os_string(), OsString::from(scrubbed))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords() {
        assert_eq!(url_password("postgres://app:p@ss@db:5432/x"), Some("p@ss"));
        assert_eq!(url_password("redis://:s3cr3t@cache:6379"), Some("s3cr3t"));
        assert_eq!(url_password("https://example.com/a@b"), None);
        assert_eq!(url_password("https://user@example.com"), None);
    }

    #[test]
    fn mask_env_names() {
        for (name, want) in [
            ("GITHUB_TOKEN", Some(true)),
            ("my_service_token", Some(true)),
            ("DB_PASSWORD", Some(true)),
            ("AWS_SECRET_ACCESS_KEY", Some(true)),
            ("AWS_ACCESS_KEY_ID", Some(true)),
            ("OPENAI_API_KEY", Some(true)),
            ("AZURE_CONNECTION_STRING", Some(true)),
            ("GOOGLE_APPLICATION_CREDENTIALS_FILE", None),
            ("VAULT_TOKEN_PATH", None),
            ("TOKEN_TYPE", None),
            ("DATABASE_URL", Some(false)),
            ("HOME", None),
            ("PWD", None),
        ] {
            assert_eq!(mask_env_name(name), want, "{name}");
        }
    }
}
