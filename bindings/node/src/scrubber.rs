//! The `Scrubber` class: options, one-shot scrubbing, findings, JSON.

use napi::bindgen_prelude::JsObjectValue;
use napi::bindgen_prelude::{
    AsyncTask, Buffer, Env, Error, FromNapiValue, Function, Object, Result, Status, Task, Unknown,
};
use napi::{JsValue, ValueType};
use napi_derive::napi;

use crate::args;
use crate::known::KnownSecrets;
use crate::stream::Stream;
use crate::{guard, library_error};

/// The options of `new Scrubber(options)`.
// This struct gives the type definitions their shape; the constructor
// reads the options itself (see `args.rs`), so that an option of the wrong
// type is reported without quoting its value.
#[napi(object)]
pub struct ScrubberOptions {
    /// Rule files to add: each string that contains a line break is the
    /// text of a rule file, any other string is a path. A rule of an added
    /// file replaces the default rule of the same id.
    pub rules: Option<Vec<String>>,
    /// Whether to start from the embedded default rules (default `true`).
    pub defaults: Option<bool>,
    /// Secret values the runtime knows (API keys, session tokens), redacted
    /// wherever they appear, in their common encodings. At least 6 bytes
    /// each.
    #[napi(ts_type = "Array<string | Buffer | Uint8Array>")]
    pub known: Option<Vec<String>>,
    /// How a secret is replaced: `'label'` (`[REDACTED:<rule-id>]`, the
    /// default), `'mask'` (the provider's prefix kept: `ghp_[REDACTED]`),
    /// `'fingerprint'` (`[REDACTED:<rule-id>:<16 hex digits>]`, a keyed
    /// HMAC of the secret) or `{ text }` (fixed text).
    #[napi(ts_type = "'label' | 'mask' | 'fingerprint' | { text: string }")]
    pub redaction: Option<String>,
    /// The key of the `'fingerprint'` redaction (at least 16 random bytes,
    /// kept as secret as the values). Without it, a random key is made once
    /// per process.
    #[napi(ts_type = "string | Buffer | Uint8Array")]
    pub fingerprint_key: Option<String>,
}

/// The option names, for the error that refuses any other.
const OPTIONS: &[&str] = &["rules", "defaults", "known", "redaction", "fingerprintKey"];

/// A secret found by `find`: which rule found it and where, never the
/// secret itself.
#[napi(object)]
pub struct Finding {
    /// The id of the rule that found it (`known-secret` for a known value).
    pub rule: String,
    /// Where it starts: a string index (UTF-16 code units) for `find`, a
    /// byte offset for `findBuffer`.
    pub start: i64,
    /// Where it ends (exclusive), in the same unit.
    pub end: i64,
}

/// How many secrets one rule redacted.
#[napi(object)]
pub struct RuleCount {
    /// The rule's id.
    pub rule: String,
    /// How many secrets it redacted.
    pub count: i64,
}

/// Compiled rules that redact secrets from strings, bytes, JSON values and
/// streams. Build one and reuse it: building compiles every rule.
///
/// ```js
/// const { Scrubber } = require('hush-redact')
/// const scrubber = new Scrubber()
/// scrubber.scrub('token ghp_...') // 'token [REDACTED:github-pat-classic]'
/// ```
#[napi]
pub struct Scrubber {
    inner: hush::Scrubber,
}

#[napi]
impl Scrubber {
    /// Compiles the rules: the embedded defaults unless `defaults: false`,
    /// plus `rules`, with the `known` values registered.
    ///
    /// Throws an `Error` with the library's one-line message (file, line,
    /// rule; never a secret) if a rule file cannot be read or is invalid, a
    /// known value is too short, or an option has the wrong type.
    #[napi(constructor, ts_args_type = "options?: ScrubberOptions")]
    pub fn new(options: Option<Unknown>) -> Result<Scrubber> {
        let mut builder = hush::Scrubber::builder();
        if let Some(options) = options.filter(|o| !args::is_nullish(o).unwrap_or(false)) {
            configure(&mut builder, args::object(options, "options")?)?;
        }
        let inner = guard(|| builder.build().map_err(library_error))?;
        Ok(Scrubber { inner })
    }

    /// Returns `text` with every secret redacted; a clean string comes back
    /// as it is.
    #[napi(ts_args_type = "text: string", ts_return_type = "string")]
    pub fn scrub<'env>(&self, env: &'env Env, text: Unknown<'env>) -> Result<Unknown<'env>> {
        let owned = args::string(text, "scrub(text): text")?;
        // `None` for clean input: strings are immutable, so the input is
        // the output, and nothing is copied back.
        let scrubbed = guard(|| {
            Ok(match self.inner.scrub_str(&owned) {
                std::borrow::Cow::Borrowed(_) => None,
                std::borrow::Cow::Owned(out) => Some(out),
            })
        })?;
        match scrubbed {
            None => Ok(text),
            Some(out) => env.create_string(&out).map(|s| s.to_unknown()),
        }
    }

    /// Returns a new `Buffer` with every secret in `data` redacted. Bytes
    /// need not be UTF-8; invalid sequences pass through unchanged.
    #[napi(ts_args_type = "data: Buffer | Uint8Array")]
    pub fn scrub_buffer(&self, data: Unknown) -> Result<Buffer> {
        let data = args::bytes(data, "scrubBuffer(data): data", false)?;
        guard(|| Ok(Buffer::from(self.inner.scrub(data.as_ref()).into_owned())))
    }

    /// Returns the secrets in `text`: rule id and span as string indices
    /// (`text.slice(start, end)` is the secret), in order. A span that
    /// starts or ends inside a character is widened to the whole character.
    #[napi(ts_args_type = "text: string")]
    pub fn find(&self, text: Unknown) -> Result<Vec<Finding>> {
        let text = args::string(text, "find(text): text")?;
        guard(|| {
            let found = self.inner.find(text.as_bytes());
            let spans: Vec<(usize, usize)> = found.iter().map(|f| (f.start(), f.end())).collect();
            let units = utf16_spans(&text, &spans);
            Ok(found
                .iter()
                .zip(units)
                .map(|(f, (start, end))| Finding {
                    rule: f.rule().to_string(),
                    start: start as i64,
                    end: end as i64,
                })
                .collect())
        })
    }

    /// Returns the secrets in `data`: rule id and span as byte offsets, in
    /// order.
    #[napi(ts_args_type = "data: Buffer | Uint8Array")]
    pub fn find_buffer(&self, data: Unknown) -> Result<Vec<Finding>> {
        let data = args::bytes(data, "findBuffer(data): data", false)?;
        guard(|| {
            Ok(self
                .inner
                .find(data.as_ref())
                .iter()
                .map(|f| Finding {
                    rule: f.rule().to_string(),
                    start: f.start() as i64,
                    end: f.end() as i64,
                })
                .collect())
        })
    }

    /// Returns a scrubbed copy of a JSON value (what `JSON.parse` gives;
    /// anything else is first converted as `JSON.stringify` does). The
    /// structure is used as well as the rules: a string or number under a
    /// sensitive key (`password`, `token`, `api_key`, ...) is redacted
    /// whole, a string under `command` or `argv` is scrubbed as a command
    /// line; every other string, and every key, with the rules. The input
    /// is not changed.
    ///
    /// Throws if the value cannot be written as JSON (`undefined`, a
    /// function, a cycle, a bigint) or nests deeper than 128 levels.
    #[napi(ts_args_type = "value: unknown", ts_return_type = "unknown")]
    pub fn scrub_json<'env>(&self, env: &'env Env, value: Unknown<'env>) -> Result<Unknown<'env>> {
        let json: Object = env.get_global()?.get_named_property("JSON")?;
        let stringify: Function<Unknown, Unknown> = json.get_named_property("stringify")?;
        let parse: Function<String, Unknown> = json.get_named_property("parse")?;
        let text = stringify.call(value)?;
        if text.get_type()? != ValueType::String {
            return Err(Error::new(
                Status::InvalidArg,
                "scrubJson(value): value has no JSON form (undefined, a function or a symbol)",
            ));
        }
        let text = String::from_unknown(text)?;
        let out = guard(|| {
            // Depth beyond serde_json's limit (128) is an error, not text
            // scrubbing: the result must be the same structure.
            let mut value: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
                Error::new(
                    Status::InvalidArg,
                    "scrubJson(value): value nests deeper than 128 levels",
                )
            })?;
            self.inner.scrub_json(&mut value);
            Ok(value.to_string())
        })?;
        parse.call(out)
    }

    /// A push stream for input that arrives in pieces (a child process's
    /// output): see `Stream`. It sees every value added to `knownSecrets`,
    /// also later.
    #[napi]
    pub fn stream(&self) -> Stream {
        Stream::new(self.inner.stream())
    }

    /// The known secret values of this scrubber and of every stream made
    /// from it: values added here are redacted from then on, by all of
    /// them.
    #[napi(getter)]
    pub fn known_secrets(&self) -> KnownSecrets {
        KnownSecrets::new(self.inner.known_secrets())
    }

    /// Compiles now, on a worker thread, what scrubs would otherwise
    /// compile on first use (each rule's regex, allowlists and split, the
    /// keyword groups' DFAs), so that no later scrub pauses for it. A few
    /// hundred milliseconds of CPU for the defaults; the scrubber can be
    /// used meanwhile. Resolves when done.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn warm_up(&self) -> AsyncTask<WarmUp> {
        AsyncTask::new(WarmUp {
            scrubber: self.inner.clone(),
        })
    }

    /// How many secrets each rule has redacted so far, by this scrubber and
    /// its streams (rules with none left out). Never the values.
    #[napi]
    pub fn summary(&self) -> Vec<RuleCount> {
        self.inner
            .summary()
            .into_iter()
            .map(|(rule, count)| RuleCount {
                rule: rule.to_string(),
                count: i64::try_from(count).unwrap_or(i64::MAX),
            })
            .collect()
    }
}

/// [`Scrubber::warm_up`]'s work, on libuv's thread pool.
pub struct WarmUp {
    scrubber: hush::Scrubber,
}

impl Task for WarmUp {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> Result<()> {
        self.scrubber.warm_up();
        Ok(())
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> Result<()> {
        Ok(())
    }
}

/// Reads the options object into the builder.
fn configure(builder: &mut hush::Builder, options: Object) -> Result<()> {
    for key in Object::keys(&options)? {
        if !OPTIONS.contains(&key.as_str()) {
            return Err(Error::new(
                Status::InvalidArg,
                format!(
                    "options: unknown option{} (expected one of {})",
                    quotable(&key)
                        .map(|k| format!(" {k:?}"))
                        .unwrap_or_default(),
                    OPTIONS.join(", ")
                ),
            ));
        }
    }
    let get = |name: &str| -> Result<Option<Unknown>> {
        let value: Unknown = options.get_named_property(name)?;
        Ok(if args::is_nullish(&value)? {
            None
        } else {
            Some(value)
        })
    };
    if let Some(v) = get("defaults")? {
        builder.defaults(args::boolean(v, "options.defaults")?);
    }
    if let Some(v) = get("rules")? {
        for (i, rule) in args::array(v, "options.rules")?.into_iter().enumerate() {
            let rule = args::string(rule, "options.rules[i]")?;
            if rule.contains('\n') {
                // Errors name the text by its place in the list.
                builder.add_rules_str(format!("rules[{i}]"), &rule);
            } else {
                builder.add_rules_file(rule);
            }
        }
    }
    if let Some(v) = get("known")? {
        for value in args::array(v, "options.known")? {
            builder.known_secret(args::bytes(value, "options.known[i]", true)?);
        }
    }
    if let Some(v) = get("redaction")? {
        builder.redaction(redaction(v)?);
    }
    if let Some(v) = get("fingerprintKey")? {
        builder.fingerprint_key(args::bytes(v, "options.fingerprintKey", true)?);
    }
    Ok(())
}

/// An option name short and plain enough to quote in an error: an
/// identifier, which a secret pasted by mistake is unlikely to be.
fn quotable(key: &str) -> Option<&str> {
    let plain = key.len() <= 32
        && key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    plain.then_some(key)
}

/// The `redaction` option.
fn redaction(value: Unknown) -> Result<hush::Redaction> {
    const EXPECTED: &str = "'label', 'mask', 'fingerprint' or { text: string }";
    let bad = || {
        Error::new(
            Status::InvalidArg,
            format!("options.redaction must be {EXPECTED}"),
        )
    };
    match value.get_type()? {
        ValueType::String => match String::from_unknown(value)?.as_str() {
            "label" => Ok(hush::Redaction::Label),
            "mask" => Ok(hush::Redaction::Mask),
            "fingerprint" => Ok(hush::Redaction::Fingerprint),
            _ => Err(bad()),
        },
        ValueType::Object if !value.is_array()? => {
            let object = Object::from_unknown(value)?;
            let text: Unknown = object.get_named_property("text")?;
            Ok(hush::Redaction::Text(args::string(
                text,
                "options.redaction.text",
            )?))
        }
        _ => Err(args::wrong_type("options.redaction", EXPECTED, &value)),
    }
}

/// Converts byte spans of `text` to UTF-16 index spans, in one pass. A
/// start inside a character moves back to the character's start, an end
/// inside one forward to its end, so the span covers the whole secret.
fn utf16_spans(text: &str, spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // Every byte offset asked for, sorted, with where to put its answer.
    let mut wanted: Vec<(usize, usize, bool)> = Vec::with_capacity(spans.len() * 2);
    for (i, &(start, end)) in spans.iter().enumerate() {
        wanted.push((start, i, false));
        wanted.push((end, i, true));
    }
    wanted.sort_unstable();
    let mut out = vec![(0, 0); spans.len()];
    let mut units = 0;
    let mut chars = text.char_indices().peekable();
    for (byte, i, is_end) in wanted {
        // Count every character that starts before `byte`; an end inside a
        // character counts that character too.
        while let Some(&(at, c)) = chars.peek() {
            let inside = at < byte;
            if !inside {
                break;
            }
            if !is_end && at + c.len_utf8() > byte {
                // A start inside this character: the character is part of
                // the span.
                break;
            }
            units += c.len_utf16();
            chars.next();
        }
        if is_end {
            out[i].1 = units;
        } else {
            out[i].0 = units;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::utf16_spans;

    #[test]
    fn utf16_spans_count_code_units_and_widen_to_characters() {
        // "é" is 2 bytes, 1 unit; "😀" is 4 bytes, 2 units.
        let text = "é😀abc";
        assert_eq!(utf16_spans(text, &[(6, 9)]), vec![(3, 6)]);
        assert_eq!(utf16_spans(text, &[(0, 2)]), vec![(0, 1)]);
        // Inside the emoji: widened to all of it.
        assert_eq!(utf16_spans(text, &[(3, 5)]), vec![(1, 3)]);
        // Unsorted and overlapping spans.
        assert_eq!(utf16_spans(text, &[(7, 9), (0, 6)]), vec![(4, 6), (0, 3)]);
    }
}
