//! JSON events: redact values under sensitive keys, scrub every other
//! string.

use serde_json::Value;

use super::{is_identifier_under, is_reference, sensitive_name};
use crate::Scrubber;
use crate::scrubber::KEY;

/// Whether a key holds a command: `Some(true)` for keys whose string value
/// is a shell command line too (`command`, `cmd`), `Some(false)` for argv
/// keys only (`argv`, `args`).
pub(super) fn command_key(key: &str) -> Option<bool> {
    let k: String = key
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect();
    match k.as_str() {
        "command" | "cmd" | "commandline" | "cmdline" | "script" | "shellcommand" => Some(true),
        "argv" | "args" | "arguments" => Some(false),
        _ => None,
    }
}

impl Scrubber {
    /// Scrubs a JSON value in place, and returns whether anything changed.
    ///
    /// * A string or number under a sensitive key (`password`, `secret`,
    ///   `token`, `api_key`, `authorization`, `private_key`, `client_secret`,
    ///   `cookie`, ... but not `token_type`, `max_tokens` or
    ///   `secret_name`) is replaced by a label, unless it is a reference
    ///   such as `${DB_PASSWORD}`; an object or array under such a key has
    ///   all its strings and numbers replaced.
    /// * An array of strings under `argv`, `args`, `command` (and the like)
    ///   is scrubbed as argv ([`Scrubber::scrub_args`]); a string under
    ///   `command`, `cmd` or `script` as a shell command line
    ///   ([`Scrubber::scrub_command_line`]).
    /// * Every other string is scrubbed with the rules. Strings are scrubbed
    ///   unescaped, so a PEM key written with `\n` escapes is seen as the
    ///   multi-line key it is.
    /// * Keys are scrubbed with the rules (two keys that become equal keep
    ///   the last value). Other values and the structure are unchanged.
    /// * A parsed `Value` has already lost all but the last of two equal
    ///   keys: to scrub an event as it was written, use
    ///   [`Scrubber::scrub_json_line`] on its text.
    ///
    /// # Example
    ///
    /// ```
    /// let scrubber = hush::Scrubber::new();
    /// let mut event = serde_json::json!({
    ///     "tool": "db.connect",
    ///     "args": {"host": "db.internal", "password": "hunter2-prod"},
    /// });
    /// assert!(scrubber.scrub_json(&mut event));
    /// assert_eq!(event["args"]["password"], "[REDACTED:sensitive-key]");
    /// assert_eq!(event["args"]["host"], "db.internal");
    /// ```
    pub fn scrub_json(&self, value: &mut Value) -> bool {
        self.scrub_json_value(value, false)
    }

    fn scrub_json_value(&self, value: &mut Value, sensitive: bool) -> bool {
        match value {
            Value::String(s) => {
                if sensitive && !is_reference(s) {
                    *s = self.label(s.as_bytes());
                    true
                } else {
                    match self.scrub_str(s) {
                        std::borrow::Cow::Borrowed(_) => false,
                        std::borrow::Cow::Owned(new) => {
                            *s = new;
                            true
                        }
                    }
                }
            }
            Value::Number(n) if sensitive => {
                *value = Value::String(self.label(n.to_string().as_bytes()));
                true
            }
            Value::Array(items) => {
                let mut changed = false;
                for item in items {
                    changed |= self.scrub_json_value(item, sensitive);
                }
                changed
            }
            Value::Object(map) => {
                let mut changed = false;
                for (k, v) in map.iter_mut() {
                    let sensitive = sensitive
                        || (sensitive_name(k)
                            && !v.as_str().is_some_and(|s| is_identifier_under(k, s)));
                    changed |= match (command_key(k), &mut *v) {
                        (Some(_), Value::Array(items))
                            if !sensitive && items.iter().all(Value::is_string) =>
                        {
                            self.scrub_json_argv(items)
                        }
                        (Some(true), Value::String(line)) if !sensitive => {
                            match self.scrub_command_line(line) {
                                std::borrow::Cow::Borrowed(_) => false,
                                std::borrow::Cow::Owned(new) => {
                                    *line = new;
                                    true
                                }
                            }
                        }
                        _ => self.scrub_json_value(v, sensitive),
                    };
                }
                // Keys may hold secrets too (a map of sessions by token).
                let keys: Vec<Option<String>> = map
                    .keys()
                    .map(|k| match self.scrub_str(k) {
                        std::borrow::Cow::Borrowed(_) => None,
                        std::borrow::Cow::Owned(new) => Some(new),
                    })
                    .collect();
                if keys.iter().any(Option::is_some) {
                    let old = std::mem::take(map);
                    for ((k, v), new) in old.into_iter().zip(keys) {
                        map.insert(new.unwrap_or(k), v);
                    }
                    changed = true;
                }
                changed
            }
            _ => false,
        }
    }

    /// An array of strings under an argv-like key, scrubbed as argv.
    fn scrub_json_argv(&self, items: &mut [Value]) -> bool {
        let args: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
        let out = self.scrub_args(&args);
        let mut changed = false;
        for (item, new) in items.iter_mut().zip(out) {
            let new = new.to_string_lossy().into_owned();
            if item.as_str() != Some(new.as_str()) {
                *item = Value::String(new);
                changed = true;
            }
        }
        changed
    }

    fn label(&self, secret: &[u8]) -> String {
        let mut out = Vec::new();
        self.replace_named(KEY, secret, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}
