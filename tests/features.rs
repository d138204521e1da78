//! What the crate's features turn on in the crates that depend on it.

/// The library's `[dependencies]` table from Cargo.toml.
fn manifest() -> toml::Table {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    text.parse().unwrap()
}

#[test]
fn library_forced_serde_json_preserve_order_on_dependents() {
    // Every crate depending on hush got serde_json's `preserve_order` (and
    // its indexmap), which changes serde_json's `Map` for the whole build.
    let m = manifest();
    let serde_json = &m["dependencies"]["serde_json"];
    let features = serde_json
        .get("features")
        .and_then(toml::Value::as_array)
        .cloned()
        .unwrap_or_default();
    assert!(
        !features
            .iter()
            .any(|f| f.as_str() == Some("preserve_order")),
        "the library's serde_json dependency enables preserve_order"
    );
    // No feature asks for it either: --json-lines scrubs events on their raw
    // bytes and never writes a parsed map back.
    let enabling: Vec<&String> = m["features"]
        .as_table()
        .unwrap()
        .iter()
        .filter(|(_, on)| {
            on.as_array()
                .unwrap()
                .iter()
                .any(|f| f.as_str() == Some("serde_json/preserve_order"))
        })
        .map(|(name, _)| name)
        .collect();
    assert!(enabling.is_empty(), "{enabling:?} enable preserve_order");
}

#[test]
fn optional_integrations_are_optional() {
    let m = manifest();
    for dep in [
        "tokio",
        "tracing-subscriber",
        "tracing-core",
        "opentelemetry",
        "opentelemetry_sdk",
    ] {
        assert_eq!(
            m["dependencies"][dep]
                .get("optional")
                .and_then(toml::Value::as_bool),
            Some(true),
            "{dep} is not optional"
        );
    }
    let default = m["features"]["default"].as_array().unwrap();
    assert_eq!(default.len(), 1);
    assert_eq!(default[0].as_str(), Some("cli"));
}
