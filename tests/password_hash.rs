//! The `password-hash` category: on by default, off through the builder or
//! a config file's `disabled_categories`.

use hush::{Config, Scrubber};

const SHADOW: &str = "root:$6$KcRsgDEBfJwaBV3W$rIwJb7SP0d4HIrxtgfWC1QemWDae/WZ/i5tl9ocZMLWKLdXbR2wF54GWQa25myH.IttdUnnoqbUvbOOZfdkRqL:19000:0:99999:7:::\n";

#[test]
fn password_hashes_are_redacted_by_default() {
    let out = Scrubber::new().scrub_str(SHADOW).into_owned();
    assert_eq!(
        out,
        "root:[REDACTED:sha512-crypt-hash]:19000:0:99999:7:::\n"
    );
}

#[test]
fn disabling_the_password_hash_category_keeps_hashes() {
    let s = Scrubber::builder()
        .disable_category("password-hash")
        .build()
        .unwrap();
    assert!(!s.rules().any(|r| r.category() == "password-hash"));
    assert_eq!(s.scrub_str(SHADOW), SHADOW);
    // Other categories stay on.
    let token = "ghp_SCTwl3kYySJufB8wNRj4N6OKt2ek7WvBOipU";
    assert!(!s.scrub_str(token).contains(token));
}

#[test]
fn disabled_categories_in_a_config_file_turns_password_hashes_off() {
    let dir = std::env::temp_dir().join(format!("hush-password-hash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(".hush.toml");
    std::fs::write(&path, "[hush]\ndisabled_categories = [\"password-hash\"]\n").unwrap();
    let config = Config::load(&path).unwrap();
    let mut b = Scrubber::builder();
    config.apply(&mut b);
    let s = b.build().unwrap();
    assert_eq!(s.scrub_str(SHADOW), SHADOW);
    let _ = std::fs::remove_dir_all(&dir);
}
