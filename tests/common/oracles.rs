//! Checks shared by the integration tests and the fuzz targets (which
//! include this file with `#[path]`), so that both hold hush to the same
//! properties.

/// `text` without its `[REDACTED:...]` labels (to the next `]`; one never
/// closed is text), each replaced by a NUL so that no occurrence of a
/// secret's bytes is made across one.
pub fn without_labels(text: &[u8]) -> Vec<u8> {
    const OPEN: &[u8] = b"[REDACTED:";
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i..].starts_with(OPEN)
            && let Some(close) = text[i..].iter().position(|&b| b == b']')
        {
            out.push(0);
            i += close + 1;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    out
}

/// `json` with every string escape written as serde_json writes it (`\/`
/// as `/`, `\u0041` as `A`, a `\u` of a lone surrogate as U+FFFD, `\u001B`
/// as `\u001b`): structural output writes a rewritten string afresh, so its
/// bytes are compared with the line's in this one form.
pub fn canonical(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\'
            && let Some((c, len)) = escape_at(&json[i..])
        {
            let mut buf = [0u8; 4];
            let quoted = serde_json::to_string(&*c.encode_utf8(&mut buf)).expect("a str is JSON");
            out.extend_from_slice(&quoted.as_bytes()[1..quoted.len() - 1]);
            i += len;
        } else {
            out.push(json[i]);
            i += 1;
        }
    }
    out
}

/// The character a JSON string escape at the start of `b` stands for, and
/// the escape's length.
fn escape_at(b: &[u8]) -> Option<(char, usize)> {
    let hex = |at: usize| -> Option<u32> {
        let digits = b.get(at..at + 4)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let c = match *b.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = hex(2)?;
            if (0xD800..0xDC00).contains(&unit)
                && b.get(6..8) == Some(&b"\\u"[..])
                && let Some(low) = hex(8)
                && (0xDC00..0xE000).contains(&low)
            {
                let c = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?;
                return Some((c, 12));
            }
            return Some((char::from_u32(unit).unwrap_or('\u{FFFD}'), 6));
        }
        _ => return None,
    };
    Some((c, 2))
}

/// Whether a secret that spans lines has text after it on its last line
/// in `input` (a byte other than a line break, after any blanks): its
/// redaction keeps its line breaks after the label, so that text starts a
/// line in the output (after the blanks), a boundary the input did not
/// have (a `-` there reads as a diff line's prefix, a `|` as a table
/// row's, `  name|value` as a table row indented). The one exemption
/// from idempotence: the second scrub may redact more there.
pub fn multi_line_secret_glued_to_text(s: &hush::Scrubber, input: &[u8]) -> bool {
    s.find(input).iter().any(|f| {
        let rest = &input[f.end()..];
        let after_blanks = rest.iter().find(|&&b| b != b' ' && b != b'\t');
        input[f.start()..f.end()]
            .iter()
            .any(|&b| b == b'\n' || b == b'\r')
            && after_blanks.is_some_and(|&b| b != b'\n' && b != b'\r')
    })
}
