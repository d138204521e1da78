//! Structured events: argv, shell command lines, environments and JSON.
//!
//! Structure tells what is secret better than a regex does: the value after
//! `--password`, of `DB_PASSWORD`, under the JSON key `"token"`. These
//! scrubbers redact such values whole, then run the ordinary rules over
//! everything else.

mod args;
mod env;
mod json;
mod jsonl;
mod shell;

pub use env::env_secret;
#[cfg(feature = "process")]
pub(crate) use jsonl::Counted;
pub use jsonl::{JSON_LINE_LIMIT, JsonLinesWriter};

/// Words that make a name (flag, variable, key, header) sensitive, matched
/// in the name lowercased with `-`, `_`, `.` and spaces removed.
const SENSITIVE_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "accesskey",
    "secretkey",
    "signingkey",
    "encryptionkey",
    "masterkey",
    "credential",
    "authorization",
    "cookie",
    "sessionid",
    "connectionstring",
    "clientsecret",
    "pwd",
];

/// Name endings that say the value is about a secret, not the secret:
/// `secret_name`, `token_type`, `password_file`, `max_tokens`.
const NOT_A_VALUE_SUFFIXES: &[&str] = &[
    "name",
    "names",
    "id",
    "ids",
    "type",
    "types",
    "count",
    "counts",
    "file",
    "files",
    "path",
    "paths",
    "dir",
    "url",
    "uri",
    "endpoint",
    "ref",
    "refs",
    "length",
    "len",
    "size",
    "expiry",
    "expires",
    "expiresat",
    "expiresin",
    "ttl",
    "policy",
    "policies",
    "hint",
    "prompt",
    "field",
    "version",
    "header",
    "enabled",
    "required",
    "limit",
    "limits",
    "usage",
    "format",
    "kind",
    "mode",
    "env",
    "source",
    "provider",
    "location",
    "arn",
    "label",
    "labels",
    // Measures: `token_ttl_seconds`, `token_budget`, `tokens_used`.
    "seconds",
    "secs",
    "ms",
    "millis",
    "minutes",
    "hours",
    "days",
    "maxage",
    "timeout",
    "lifetime",
    "budget",
    "remaining",
    "used",
    "bytes",
    "createdat",
    "updatedat",
    "issuedat",
    "rotatedat",
];

/// Name beginnings that make a number of it: `max_tokens`, `num_tokens`.
const NOT_A_VALUE_PREFIXES: &[&str] = &["max", "min", "num", "total", "use", "has", "is", "enable"];

/// Whole names that look sensitive but are not: `PWD` is the working
/// directory; `XDG_SESSION_ID` is logind's session number.
const NOT_SENSITIVE: &[&str] = &[
    "pwd",
    "oldpwd",
    "tokens",
    "tokenizer",
    "secrets",
    "xdgsessionid",
];

fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a name, lowercased: split at `-`, `_`, `.`, spaces and
/// other punctuation, and where a lowercase letter or digit meets an
/// uppercase one (`inputTokens`).
fn words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            words.extend((!word.is_empty()).then(|| std::mem::take(&mut word)));
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    words.extend((!word.is_empty()).then_some(word));
    words
}

/// Words before a plural `tokens` that make the tokens credentials
/// (`refresh_tokens`); before any other word, `tokens` counts.
const CREDENTIAL_TOKENS: &[&str] = &[
    "access", "refresh", "id", "auth", "session", "bearer", "api", "oauth", "bot", "app",
    "personal", "csrf", "xsrf",
];

/// Whether a name counts tokens rather than holds one: a plural `tokens`
/// word not after a credential's word, and no other sensitive word
/// (`prompt_tokens`, `gen_ai.usage.input_tokens`, `inputTokens`,
/// `x-ratelimit-remaining-tokens`, `tokens_remaining`): the usage and
/// rate-limit fields of every LLM API and its telemetry.
fn counts_tokens(name: &str) -> bool {
    let words = words(name);
    let Some(i) = words.iter().position(|w| w == "tokens") else {
        return false;
    };
    if i > 0 && CREDENTIAL_TOKENS.contains(&words[i - 1].as_str()) {
        return false;
    }
    words
        .iter()
        .enumerate()
        .all(|(j, w)| j == i || !SENSITIVE_WORDS.iter().any(|s| w.contains(s)))
}

/// Whether a value named `name` is a secret by its name.
pub(crate) fn sensitive_name(name: &str) -> bool {
    let n = normalize(name);
    if n.is_empty()
        || NOT_SENSITIVE.contains(&n.as_str())
        || (n.contains("tokens") && counts_tokens(name))
    {
        return false;
    }
    // The first sensitive word, the longest one where several start there
    // (`secretkey` over `secret`).
    let Some((at, word)) = SENSITIVE_WORDS
        .iter()
        .filter_map(|w| n.find(w).map(|at| (at, *w)))
        .min_by_key(|&(at, w)| (at, std::cmp::Reverse(w.len())))
    else {
        return false;
    };
    // What follows the sensitive word decides: `secret_name` names a
    // secret, `api_key` and `db_password` hold one. A trailing `key` is a
    // value only when it is part of the word (`apikey`, `privatekey`).
    let after = &n[at + word.len()..];
    if !after.is_empty() && NOT_A_VALUE_SUFFIXES.iter().any(|s| after.ends_with(s)) {
        return false;
    }
    let before = &n[..at];
    if NOT_A_VALUE_PREFIXES.iter().any(|p| before.starts_with(p)) {
        return false;
    }
    true
}

/// Whether `value` under the key `name` is an identifier rather than a
/// secret, though the name is sensitive: a UUID under a session-id key
/// (`sessionId`, `parent_session_id`). Agent transcripts tag every event
/// with such an id; it names a conversation and grants nothing. A session
/// cookie's value is not a bare UUID, so cookies stay covered.
pub(crate) fn is_identifier_under(name: &str, value: &str) -> bool {
    normalize(name).ends_with("sessionid") && is_uuid(value)
}

/// A canonical UUID: 8-4-4-4-12 hex digits.
fn is_uuid(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Whether a value is a reference to a secret or a placeholder rather than
/// a secret: `${DB_PASSWORD}`, `$TOKEN`, `{{ .Values.x }}`, `<your-token>`,
/// `***`, an empty string.
pub(crate) fn is_reference(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 3 {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    let wrapped = |open: &str, close: &str| v.starts_with(open) && v.ends_with(close);
    wrapped("${", "}")
        || wrapped("{{", "}}")
        || wrapped("<", ">")
        || wrapped("%", "%")
        || (v.starts_with('$')
            && v[1..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        || v.bytes()
            .all(|b| matches!(b, b'*' | b'x' | b'X' | b'.' | b'-' | b'#'))
        || v.contains("REDACTED")
        || wrapped("$(", ")")
        || wrapped("`", "`")
        || lower.starts_with("file://")
        || lower.starts_with("fileb://")
        || is_path(v)
        || matches!(
            lower.as_str(),
            "null" | "none" | "nil" | "true" | "false" | "undefined" | "changeme" | "redacted"
        )
}

/// Whether a value is a file's path, not a secret: absolute, home- or
/// dot-relative, with at least two `/` and nothing but path characters
/// (`/home/dev/target/debug/deps/libjsonwebtoken-e416730a4f4331e2.rmeta`
/// under `--extern jsonwebtoken=`, a `--token-file`'s path).
fn is_path(v: &str) -> bool {
    (v.starts_with('/') || v.starts_with("~/") || v.starts_with("./") || v.starts_with("../"))
        && v.bytes().filter(|&b| b == b'/').count() >= 2
        && v.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-' | b'~' | b'@' | b'+')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for yes in [
            "password",
            "DB_PASSWORD",
            "--password",
            "api_key",
            "apiKey",
            "X-Api-Key",
            "token",
            "GITHUB_TOKEN",
            "client_secret",
            "private_key",
            "aws_secret_access_key",
            "AWS_ACCESS_KEY",
            "Authorization",
            "cookie",
            "MYSQL_PWD",
            "refresh_token",
            "secretKey",
            "connection_string",
            "credentials",
            "session_token",
            "refresh_tokens",
            "accessTokens",
            "id_tokens",
            "token_secret",
            "tokenSecret",
            "TOKENS_SECRET",
        ] {
            assert!(sensitive_name(yes), "{yes}");
        }
        for no in [
            "secret_name",
            "token_type",
            "max_tokens",
            "token_count",
            "password_file",
            "PWD",
            "OLDPWD",
            "username",
            "user",
            "host",
            "tokens",
            "password_policy",
            "api_key_id",
            "TOKEN_URL",
            "secrets",
            "num_tokens",
            "path",
            "keys",
            "secret_key_ref",
            "AWS_ACCESS_KEY_ID",
            "prompt_tokens",
            "completion_tokens",
            "input_tokens",
            "cache_read_input_tokens",
            "inputTokens",
            "gen_ai.usage.input_tokens",
            "gen_ai.usage.output_tokens",
            "x-ratelimit-remaining-tokens",
            "anthropic-ratelimit-tokens-remaining",
            "tokens_remaining",
            "reasoning_tokens",
            "token_budget",
            "token_ttl_seconds",
            "session_timeout",
            "password_max_age",
            "secret_rotated_at",
            "XDG_SESSION_ID",
        ] {
            assert!(!sensitive_name(no), "{no}");
        }
    }

    #[test]
    fn session_id_uuid_is_not_a_secret() {
        let uuid = "3f6c2a1e-8b7d-4c2e-9f1a-2b3c4d5e6f70";
        for name in ["sessionId", "session_id", "parentSessionId", "SESSION-ID"] {
            assert!(sensitive_name(name), "{name}");
            assert!(is_identifier_under(name, uuid), "{name}");
        }
        // Not a UUID: a session credential.
        assert!(!is_identifier_under(
            "sessionid",
            "q8v1x0m3k2n7b5c4z9l6j3h8g1f0d2s4"
        ));
        assert!(!is_identifier_under(
            "sessionId",
            "3f6c2a1e8b7d4c2e9f1a2b3c4d5e6f70"
        ));
        // A UUID under another sensitive name stays sensitive.
        assert!(!is_identifier_under("session_token", uuid));
        assert!(!is_identifier_under("api_key", uuid));
    }

    #[test]
    fn references() {
        for r in [
            "${DB_PASSWORD}",
            "$TOKEN",
            "{{ .Values.password }}",
            "<your-token>",
            "***",
            "",
            "null",
            "%APPDATA%",
            "[REDACTED:x]",
            "$(CARGO_REGISTRY_TOKEN)",
            "$(cat /run/secrets/db)",
            "`cat ~/.token`",
            "file://$NEW_KEY_FILE",
            "fileb://key.bin",
            "/home/dev/target/debug/deps/libjsonwebtoken-e416730a4f4331e2.rmeta",
            "~/.config/app/token",
            "./secrets/db.txt",
        ] {
            assert!(is_reference(r), "{r}");
        }
        for v in [
            "hunter2-prod",
            "s3cr3t!",
            "ghp_abc123",
            "/Xk9#vQ2/pw",
            "/abc",
            "$(x",
        ] {
            assert!(!is_reference(v), "{v}");
        }
    }
}
