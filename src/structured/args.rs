//! Which parts of a command's arguments are secret, by the flags before
//! them and the program they go to.

use std::ffi::{OsStr, OsString};

use super::{is_reference, sensitive_name};
use crate::Scrubber;
use crate::scrubber::{ENV, FLAG};

/// What to do with one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Scrub it with the rules only.
    Keep,
    /// Redact the value from this byte offset to the end (`--password=x`
    /// from 11, `-pX` from 2, a whole argument from 0).
    From(usize, Kind),
}

/// Why a value is redacted, which names its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Flag,
    Env,
}

impl Kind {
    pub(crate) fn pseudo(self) -> u32 {
        match self {
            Kind::Flag => FLAG,
            Kind::Env => ENV,
        }
    }
}

/// Programs whose `-pX` / `-p X` is a password (mysql's family).
const MYSQL: &[&str] = &[
    "mysql",
    "mysqldump",
    "mysqladmin",
    "mysqlimport",
    "mysqlcheck",
    "mysqlshow",
    "mysqlpump",
    "mysqlsh",
    "mariadb",
    "mariadb-dump",
    "mariadb-admin",
    "mariadb-import",
];

/// `(program, short flag)` pairs whose value is a password.
const SHORT_SECRET_FLAGS: &[(&str, &str)] = &[
    ("sshpass", "-p"),
    ("docker", "-p"),
    ("podman", "-p"),
    ("nerdctl", "-p"),
    ("redis-cli", "-a"),
    ("mongo", "-p"),
    ("mongosh", "-p"),
    ("mongodump", "-p"),
    ("mongorestore", "-p"),
    ("mongoexport", "-p"),
    ("mongoimport", "-p"),
    ("az", "-p"),
    ("openssl", "-k"),
    ("zip", "-P"),
    ("7z", "-p"),
    ("unzip", "-P"),
];

/// Programs whose `-u user:pass` / `--user user:pass` carries a password.
const USER_PASS: &[&str] = &["curl", "wget"];

/// Flags whose value is an HTTP header.
fn is_header_flag(flag: &str) -> bool {
    matches!(flag, "-H" | "--header" | "--proxy-header")
}

/// Headers whose value is a credential.
fn sensitive_header(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    matches!(
        n.as_str(),
        "authorization"
            | "proxy-authorization"
            | "cookie"
            | "set-cookie"
            | "x-api-key"
            | "api-key"
            | "x-auth-token"
            | "private-token"
            | "x-vault-token"
            | "x-access-token"
    ) || sensitive_name(&n)
}

/// Where a header value's secret starts: after `Name:` and an auth scheme
/// (`Bearer `, `Basic `, `token `) if there is one.
fn header_secret_start(arg: &str) -> Option<usize> {
    let colon = arg.find(':')?;
    if !sensitive_header(&arg[..colon]) {
        return None;
    }
    let mut at = colon + 1;
    at += arg[at..].len() - arg[at..].trim_start().len();
    let rest = &arg[at..];
    if let Some(space) = rest.find(' ') {
        let scheme = &rest[..space];
        if matches!(
            scheme.to_ascii_lowercase().as_str(),
            "bearer" | "basic" | "token" | "digest" | "bot" | "sso-key" | "apikey"
        ) {
            at += space + 1;
        }
    }
    (at < arg.len() && !is_reference(&arg[at..])).then_some(at)
}

/// The program's name without its directory.
pub(crate) fn program_name(arg0: &str) -> &str {
    arg0.rsplit('/').next().unwrap_or(arg0)
}

/// Decides, for each argument after the program, what to redact.
///
/// `args[0]` is the program. The result has one action per argument,
/// the program's included.
pub(crate) fn plan(args: &[&str]) -> Vec<Action> {
    let mut actions = vec![Action::Keep; args.len()];
    let Some(first) = args.first() else {
        return actions;
    };
    let prog = program_name(first);
    let mysql = MYSQL.contains(&prog);
    let user_pass = USER_PASS.contains(&prog);
    let flag_secret = |flag: &str| SHORT_SECRET_FLAGS.contains(&(prog, flag));
    let mut i = 1;
    let redact_next = |i: usize, actions: &mut Vec<Action>| {
        if let Some(next) = args.get(i + 1)
            && !is_reference(next)
        {
            actions[i + 1] = Action::From(0, Kind::Flag);
        }
    };
    while i < args.len() {
        let arg = args[i];
        if arg == "--" {
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let is_user = user_pass && name == "user";
            if is_header_flag(&format!("--{name}")) {
                match value {
                    Some(v) => {
                        if let Some(at) = header_secret_start(v) {
                            actions[i] = Action::From(2 + name.len() + 1 + at, Kind::Flag);
                        }
                    }
                    None => {
                        if let Some(at) = args.get(i + 1).and_then(|v| header_secret_start(v)) {
                            actions[i + 1] = Action::From(at, Kind::Flag);
                        }
                        i += 1;
                    }
                }
            } else if is_user || (sensitive_name(name) && !name.ends_with("-stdin")) {
                let pass_from = |v: &str| {
                    if is_user {
                        v.find(':').map(|c| c + 1)
                    } else {
                        Some(0)
                    }
                };
                match value {
                    Some(v) => {
                        if let Some(at) = pass_from(v)
                            && !is_reference(&v[at..])
                        {
                            actions[i] = Action::From(2 + name.len() + 1 + at, Kind::Flag);
                        }
                    }
                    None => {
                        if let Some(next) = args.get(i + 1)
                            && let Some(at) = pass_from(next)
                            && !next.starts_with("--")
                            && !is_reference(&next[at..])
                        {
                            actions[i + 1] = Action::From(at, Kind::Flag);
                        }
                        i += 1;
                    }
                }
            }
            i += 1;
            continue;
        }
        // A short flag is `-` and one ASCII character; `-é...` is no flag
        // this table knows, and cutting it at byte 2 would split the `é`.
        if let Some(flag) = arg.get(..2)
            && flag.starts_with('-')
            && flag != "--"
        {
            let attached = &arg[2..];
            if is_header_flag(flag) {
                if attached.is_empty() {
                    if let Some(at) = args.get(i + 1).and_then(|v| header_secret_start(v)) {
                        actions[i + 1] = Action::From(at, Kind::Flag);
                    }
                    i += 2;
                } else {
                    if let Some(at) = header_secret_start(attached) {
                        actions[i] = Action::From(2 + at, Kind::Flag);
                    }
                    i += 1;
                }
                continue;
            }
            if user_pass && flag == "-u" {
                let (idx, value, offset) = if attached.is_empty() {
                    (i + 1, args.get(i + 1).copied().unwrap_or(""), 0)
                } else {
                    (i, attached, 2)
                };
                if let Some(c) = value.find(':')
                    && !is_reference(&value[c + 1..])
                {
                    actions[idx] = Action::From(offset + c + 1, Kind::Flag);
                }
                i += if attached.is_empty() { 2 } else { 1 };
                continue;
            }
            if (mysql && flag == "-p") || flag_secret(flag) {
                if attached.is_empty() {
                    redact_next(i, &mut actions);
                    i += 2;
                } else {
                    if !is_reference(attached) {
                        actions[i] = Action::From(2, Kind::Flag);
                    }
                    i += 1;
                }
                continue;
            }
        }
        // openssl's `-passin pass:x`, `-passout pass:x`.
        if prog == "openssl"
            && matches!(arg, "-passin" | "-passout" | "-pass")
            && let Some(next) = args.get(i + 1)
            && let Some(v) = next.strip_prefix("pass:")
            && !is_reference(v)
        {
            actions[i + 1] = Action::From(5, Kind::Flag);
            i += 2;
            continue;
        }
        // htpasswd -b[c...] file user password
        if prog == "htpasswd" && arg.starts_with("-b") && !arg.starts_with("--") {
            let positional: Vec<usize> = (i + 1..args.len())
                .filter(|&j| !args[j].starts_with('-'))
                .collect();
            if let Some(&j) = positional.get(2) {
                actions[j] = Action::From(0, Kind::Flag);
            }
        }
        // `NAME=value` arguments (`docker run -e DB_PASSWORD=x`, `env
        // TOKEN=x cmd`).
        if let Some((name, value)) = arg.split_once('=')
            && !name.is_empty()
            && !name.starts_with('-')
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && sensitive_name(name)
            && !is_reference(value)
        {
            actions[i] = Action::From(name.len() + 1, Kind::Env);
        }
        i += 1;
    }
    actions
}

impl Scrubber {
    /// Scrubs a command's arguments (`argv`, the program first).
    ///
    /// Values that flags mark as secret are redacted whole: `--password x`,
    /// `--password=x`, `--token x`, `--api-key x`, mysql's `-pX` and `-p X`,
    /// `sshpass -p x`, `docker login -p x`, `redis-cli -a x`, the password
    /// of `curl -u user:pass`, the credential of `-H 'Authorization: Bearer
    /// x'`, `NAME=value` arguments with a sensitive name. Every argument is
    /// then scrubbed with the rules, which catch tokens, credentialed URLs
    /// and the like. References (`$TOKEN`, `${DB_PASSWORD}`) stay.
    ///
    /// Arguments that are not valid UTF-8 are scrubbed as bytes after a
    /// lossy conversion.
    ///
    /// # Example
    ///
    /// ```
    /// use std::ffi::OsString;
    ///
    /// let scrubber = hush::Scrubber::new();
    /// let argv: Vec<OsString> = ["mysql", "-uroot", "-ps3cr3t-pw", "-h", "db"]
    ///     .into_iter().map(OsString::from).collect();
    /// let out = scrubber.scrub_args(&argv);
    /// assert_eq!(out[2], "-p[REDACTED:sensitive-flag]");
    /// assert_eq!(out[4], "db");
    /// ```
    pub fn scrub_args<S: AsRef<OsStr>>(&self, args: &[S]) -> Vec<OsString> {
        let texts: Vec<String> = args
            .iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let actions = plan(&refs);
        texts
            .iter()
            .zip(actions)
            .map(|(arg, action)| OsString::from(self.apply(arg, action)))
            .collect()
    }

    /// Applies an action to one argument, then the rules to what is left.
    pub(crate) fn apply(&self, arg: &str, action: Action) -> String {
        match action {
            Action::Keep => self.scrub_str(arg).into_owned(),
            Action::From(at, kind) => {
                // A plan that does not fit the argument is a bug; the rules
                // still see the whole argument rather than none of it.
                let (Some(name), Some(value)) = (arg.get(..at), arg.get(at..)) else {
                    return self.scrub_str(arg).into_owned();
                };
                let mut out = self.scrub_str(name).into_owned().into_bytes();
                self.replace_named(kind.pseudo(), value.as_bytes(), &mut out);
                String::from_utf8(out)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Vec<Action> {
        plan(args)
    }

    #[test]
    fn flags() {
        use Action::*;
        use Kind::*;
        assert_eq!(
            p(&["tool", "--password", "x1y2z3"]),
            [Keep, Keep, From(0, Flag)]
        );
        assert_eq!(p(&["tool", "--password=x1y2z3"]), [Keep, From(11, Flag)]);
        assert_eq!(p(&["tool", "--token", "$TOKEN"]), [Keep, Keep, Keep]);
        assert_eq!(p(&["tool", "--password-stdin"]), [Keep, Keep]);
        assert_eq!(p(&["tool", "--secret-name", "prod-db"]), [Keep, Keep, Keep]);
        assert_eq!(
            p(&["mysql", "-uroot", "-pS3cret", "-h", "db"]),
            [Keep, Keep, From(2, Flag), Keep, Keep]
        );
        assert_eq!(p(&["mysql", "-p", "S3cret"]), [Keep, Keep, From(0, Flag)]);
        assert_eq!(p(&["psql", "-p", "5432"]), [Keep, Keep, Keep]);
        assert_eq!(
            p(&["sshpass", "-p", "pw1234", "ssh", "host"]),
            [Keep, Keep, From(0, Flag), Keep, Keep]
        );
        assert_eq!(
            p(&["curl", "-u", "me:pw1234", "https://x"]),
            [Keep, Keep, From(3, Flag), Keep]
        );
        assert_eq!(p(&["curl", "--user=me:pw1234"]), [Keep, From(10, Flag)]);
        assert_eq!(
            p(&["curl", "-H", "Authorization: Bearer abc.def", "https://x"]),
            [Keep, Keep, From(22, Flag), Keep]
        );
        assert_eq!(p(&["curl", "-H", "Accept: text/plain"]), [Keep, Keep, Keep]);
        assert_eq!(
            p(&["docker", "run", "-e", "DB_PASSWORD=hunter22"]),
            [Keep, Keep, Keep, From(12, Env)]
        );
        assert_eq!(
            p(&["openssl", "enc", "-passin", "pass:pw1234"]),
            [Keep, Keep, Keep, From(5, Flag)]
        );
        assert_eq!(
            p(&["htpasswd", "-bc", "f", "user", "pw1234"]),
            [Keep, Keep, Keep, Keep, From(0, Flag)]
        );
    }
}
