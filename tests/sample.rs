//! The README's sample: an agent session with a secret of each common kind.
//! Every one of them is redacted; the session stays readable.

use hush::Scrubber;

/// The fake secrets planted in `samples/agent-session.txt` (or a piece of
/// each that identifies it).
const PLANTED: &[&str] = &[
    "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d",
    "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",
    "glpat-ORS-6ilI8ihN5KXSc7Tv",
    "AKIAH7DNSIPZZ7FK4ZRI",
    "3J1TWDtkwtDDb+xHKas1VOqg6YYZYn9ZhyiA4uoR",
    "sk-proj-gnatmUdjAWtGSU8po_799NksnRH9ucAUsdMlHUvTCQCyEZDzT3BlbkFJ-TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stq",
    "sk-ant-api03-cbnr3yBdGBLEPH1qhT61qtc4xatws8phP9nhFyJfm5di4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY_uCu3ZR1zTOlUcR64AA",
    "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",
    "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",
    "xoxb-020146201684-9340722470455-Jupc94tnwlavyfErGPmpGXaf",
    "UNPjc01T5GOBUSZGi6HWGK10",
    "npm_Zb0RLZ5TR9SPofbciOx9gy1CJdObOIRpFqaD",
    "dop_v1_222f828767efc2f91624a8940f1f836f99eee3692f09e2e8c662248b483b7ffc",
    "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",
    "Tr0ub4dor&3-PptEJQ",
    "S3cr3t-zhkPkenG",
    "eyJzdWIiOiJhZ2VudC03Iiwic2NvcGUiOiJyZXBvOndyaXRlIiwiaWF0IjoxNzYzODgwMDAwfQ",
    "ZGVwbG95OkJUVzVaRTlMRmFlejc3NzA=",
    "75FnCttn6kfaqDeMqG3omjMyXHCabM6JOF8EFd0Nhcy/1kGD2VD/eR1UYzaLiA/z",
    "hvs.nGYVHWVsUQk4DwgLGNOaeCtL31Ugq_DfcgaTMnTC0MrAU8urbFt5misIZHbhS4-FvafhdZxEuhnbzs0z1wNiMg9aW3",
    "e2e5738713a818d8962058765a6ca7cf",
];

#[test]
fn every_planted_secret_is_redacted_and_the_rest_stays() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/agent-session.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let out = Scrubber::new().scrub_str(&text).into_owned();
    for secret in PLANTED {
        assert!(text.contains(secret), "not planted: {secret}");
        assert!(!out.contains(secret), "survives: {secret}");
    }
    for kept in [
        "PWD=/home/agent/work/payments-api",
        "DB_PASSWORD=${DB_PASSWORD}",
        "mysql -uroot -p[REDACTED:",
        "@db.internal:5432/app",
        "etag: \"33a64df551425fcc55e4d42a148795d9f25f89d4\"",
        "9fceb02 (HEAD -> main) Rotate the staging API key reference",
        "@sha256:2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80912",
    ] {
        assert!(out.contains(kept), "{kept} is missing from:\n{out}");
    }
}
