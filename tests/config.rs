//! Config files: found in a parent folder, stopped at the repository root,
//! their options applied, bad options refused without quoting values.

use std::path::PathBuf;

use hush::{Config, Scrubber};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hush-config-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const TEAM_RULE: &str = r#"
[[rules]]
id = "acme-key"
regex = '''\b(acme_[0-9a-f]{32})\b'''
keywords = ["acme_"]
"#;

#[test]
fn a_config_in_a_parent_folder_is_found_and_used() {
    let dir = temp("parent");
    std::fs::create_dir_all(dir.join("a/b")).unwrap();
    std::fs::write(
        dir.join(".hush.toml"),
        format!(
            "{TEAM_RULE}\n[hush]\nredaction = \"mask\"\ndisabled_rules = [\"github-pat-classic\"]\n"
        ),
    )
    .unwrap();
    let found = Config::discover(&dir.join("a/b")).unwrap();
    assert_eq!(found, dir.join(".hush.toml"));
    let config = Config::load(&found).unwrap();
    let mut b = Scrubber::builder();
    config.apply(&mut b);
    let s = b.build().unwrap();
    assert!(s.rules().any(|r| r.id() == "acme-key"));
    assert!(!s.rules().any(|r| r.id() == "github-pat-classic"));
    assert_eq!(
        s.scrub_str("k acme_0123456789abcdef0123456789abcdef"),
        "k acme_[REDACTED]"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let dir = temp("repo");
    std::fs::create_dir_all(dir.join("repo/.git")).unwrap();
    std::fs::create_dir_all(dir.join("repo/src")).unwrap();
    // Above the repository: not this repository's config.
    std::fs::write(dir.join(".hush.toml"), "[hush]\nmask_env = true\n").unwrap();
    assert_eq!(Config::discover(&dir.join("repo/src")), None);
    std::fs::write(dir.join("repo/.hush.toml"), "[hush]\nidle_ms = 250\n").unwrap();
    let found = Config::discover(&dir.join("repo/src")).unwrap();
    let config = Config::load(found).unwrap();
    assert_eq!(config.idle_ms(), Some(250));
    assert_eq!(config.mask_env(), None);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rule_files_named_by_a_config_are_relative_to_it() {
    let dir = temp("relative");
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("rules/team.toml"), TEAM_RULE).unwrap();
    std::fs::write(
        dir.join(".hush.toml"),
        "[hush]\nrules = [\"rules/team.toml\"]\ndefaults = false\n",
    )
    .unwrap();
    let config = Config::load(dir.join(".hush.toml")).unwrap();
    let mut b = Scrubber::builder();
    config.apply(&mut b);
    let s = b.build().unwrap();
    assert_eq!(s.rules().map(|r| r.id()).collect::<Vec<_>>(), ["acme-key"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_option_is_a_one_line_error_that_quotes_no_value() {
    let dir = temp("bad");
    let path = dir.join(".hush.toml");
    for text in [
        "[hush]\nredaction = \"hunter2-not-a-style\"\n",
        "[hush]\nidle_ms = \"hunter2-not-a-number\"\n",
        "[hush]\nhunter2-unknown-option = 1\n",
        "[hush\nhunter2 = ",
    ] {
        std::fs::write(&path, text).unwrap();
        let err = Config::load(&path).unwrap_err();
        let msg = format!("{err} {err:?}");
        assert!(!msg.contains("hunter2"), "{msg}");
        assert!(!err.to_string().contains('\n'), "{err}");
        assert!(err.to_string().contains(".hush.toml"), "{err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
