import pathlib

import pytest

import hush_redact
from conftest import GH_LABEL, GH_TOKEN, GH_TOKEN_2
from hush_redact import Finding, HushError, Scrubber

RULES = """
[[rules]]
id = "acme-api-key"
description = "ACME internal API key"
category = "saas"
regex = '''\\b(acme_[0-9a-f]{32})\\b'''
keywords = ["acme_"]
examples = [{ input = "KEY=acme_5d0c3e9a1b7f4e2d8c6a0b9f3e1d7c5a", secret = "acme_5d0c3e9a1b7f4e2d8c6a0b9f3e1d7c5a" }]
"""
ACME = "acme_8e2b6f0d4c1a9e7b3f5d0c2a8e6b4f1d"


def test_scrub_redacts_a_github_token(scrubber):
    assert scrubber.scrub(f"export GITHUB_TOKEN={GH_TOKEN}") == f"export GITHUB_TOKEN={GH_LABEL}"


def test_scrub_returns_clean_text_unchanged(scrubber):
    text = "cargo build finished in 3.2s, 0 warnings"
    assert scrubber.scrub(text) == text


def test_scrub_keeps_non_ascii_text_around_a_secret(scrubber):
    assert scrubber.scrub(f"café ✓ {GH_TOKEN} 日本") == f"café ✓ {GH_LABEL} 日本"


def test_scrub_bytes_takes_bytes_bytearray_and_memoryview(scrubber):
    data = b"token " + GH_TOKEN.encode() + b" \xff\xfe end"
    want = b"token " + GH_LABEL.encode() + b" \xff\xfe end"
    assert scrubber.scrub_bytes(data) == want
    assert scrubber.scrub_bytes(bytearray(data)) == want
    assert scrubber.scrub_bytes(memoryview(data)) == want
    assert type(scrubber.scrub_bytes(bytearray(b"clean"))) is bytes


def test_scrub_bytes_refuses_str(scrubber):
    with pytest.raises(TypeError):
        scrubber.scrub_bytes("text")


def test_find_reports_rule_and_character_span_never_the_value(scrubber):
    text = f"é→ {GH_TOKEN} ok"
    findings = scrubber.find(text)
    github = [f for f in findings if f.rule == "github-pat-classic"]
    assert len(github) == 1
    f = github[0]
    assert isinstance(f, Finding)
    assert text[f.start : f.end] == GH_TOKEN
    assert f.span == (f.start, f.end)
    assert GH_TOKEN not in repr(f)
    assert scrubber.find("nothing to see") == []


def test_scrub_json_returns_a_new_scrubbed_object(scrubber):
    event = {
        "tool": "bash",
        "command": "mysql -uroot -pS3cr3t-pw -h db",
        "env": {"DB_PASSWORD": "hunter2-prod", "HOME": "/root"},
        "argv": ["curl", "-H", f"Authorization: token {GH_TOKEN}"],
        "n": [1, -2, 2**63, 1.5, True, None],
        "note": f"pushed with {GH_TOKEN_2}",
    }
    before = repr(event)
    out = scrubber.scrub_json(event)
    assert repr(event) == before, "the input is not changed"
    assert out is not event
    assert out["command"] == "mysql -uroot -p[REDACTED:sensitive-flag] -h db"
    assert out["env"] == {"DB_PASSWORD": "[REDACTED:sensitive-key]", "HOME": "/root"}
    assert GH_TOKEN not in repr(out["argv"])
    assert out["n"] == [1, -2, 2**63, 1.5, True, None]
    assert type(out["n"][4]) is bool
    assert out["note"] == f"pushed with {GH_LABEL}"
    assert list(out) == list(event), "key order is kept"


def test_scrub_json_takes_scalars_and_tuples(scrubber):
    assert scrubber.scrub_json(GH_TOKEN) == GH_LABEL
    assert scrubber.scrub_json(7) == 7
    assert scrubber.scrub_json(None) is None
    assert scrubber.scrub_json((GH_TOKEN,)) == [GH_LABEL]


@pytest.mark.parametrize(
    "value",
    [{1: "x"}, {"a": object()}, [2**64], float("nan"), {"s": {1, 2}}],
)
def test_scrub_json_refuses_what_json_cannot_hold(scrubber, value):
    with pytest.raises((TypeError, HushError)):
        scrubber.scrub_json(value)


def test_scrub_json_refuses_a_list_that_contains_itself(scrubber):
    loop: list = []
    loop.append(loop)
    with pytest.raises(HushError, match="nested deeper"):
        scrubber.scrub_json(loop)


def test_rules_from_text_and_from_a_path(tmp_path: pathlib.Path):
    only_text = Scrubber(rules=[RULES], defaults=False)
    assert only_text.rule_ids == ["acme-api-key"]
    assert only_text.scrub(f"k={ACME}") == "k=[REDACTED:acme-api-key]"
    # Without the defaults, a GitHub token is not this scrubber's business.
    assert only_text.scrub(GH_TOKEN) == GH_TOKEN
    path = tmp_path / "acme.toml"
    path.write_text(RULES)
    for rules in ([path], [str(path)]):
        s = Scrubber(rules=rules)
        assert s.scrub(f"k={ACME} {GH_TOKEN}") == f"k=[REDACTED:acme-api-key] {GH_LABEL}"


def test_bad_rules_raise_hush_error_with_the_library_message():
    broken = RULES.replace("{32}", "{32,}")
    with pytest.raises(HushError) as info:
        Scrubber(rules=[broken], defaults=False)
    err = info.value
    assert isinstance(err, ValueError)
    message = str(err)
    assert "\n" not in message
    assert message.startswith("rules[0]:")
    assert err.rule == "acme-api-key"
    assert err.kind == "rule"
    assert "5d0c3e9a" not in message, "no example secret is quoted"


def test_a_missing_rule_file_names_the_file():
    with pytest.raises(HushError) as info:
        Scrubber(rules=["/nonexistent/rules.toml"])
    assert info.value.kind == "io"
    assert info.value.file == "/nonexistent/rules.toml"
    assert "file not found" in str(info.value)


def test_rules_refuses_a_single_string():
    with pytest.raises(TypeError):
        Scrubber(rules=RULES)


def test_known_secrets_at_build_and_added_later():
    s = Scrubber(known=["sess-7a1c9e3f5b"])
    assert s.scrub("a sess-7a1c9e3f5b b") == "a [REDACTED:known-secret] b"
    s.known_secrets.add(b"sess-2d8f4b6a0c")
    s.known_secrets.add_many(["sess-9e1b3d5f7a", "sess-4c6e8a0b2d"])
    assert len(s.known_secrets) == 4
    out = s.scrub("sess-2d8f4b6a0c sess-9e1b3d5f7a sess-4c6e8a0b2d")
    assert out == " ".join(["[REDACTED:known-secret]"] * 3)


def test_a_short_known_secret_is_refused_without_quoting_it():
    s = Scrubber()
    with pytest.raises(HushError) as info:
        s.known_secrets.add("abc12")
    assert "abc12" not in str(info.value)
    assert info.value.kind == "secret"
    with pytest.raises(HushError) as info:
        Scrubber(known=["zq9x7"])
    assert "zq9x7" not in str(info.value)
    # add_many: all or nothing.
    with pytest.raises(HushError):
        s.known_secrets.add_many(["long-enough-value", "k3y"])
    assert len(s.known_secrets) == 0


def test_redaction_styles():
    assert Scrubber(redaction="mask").scrub(GH_TOKEN) == "ghp_[REDACTED]"
    fp = Scrubber(redaction="fingerprint", fingerprint_key=b"k" * 32)
    out = fp.scrub(GH_TOKEN)
    assert out.startswith("[REDACTED:github-pat-classic:") and GH_TOKEN not in out
    assert fp.scrub(GH_TOKEN) == out, "the same secret, the same fingerprint"
    with pytest.raises(ValueError):
        Scrubber(redaction="stars")


def test_module_exports_and_version():
    assert hush_redact.__version__ == "0.1.0"
    assert issubclass(hush_redact.HushError, ValueError)
    assert hush_redact.MIN_KNOWN_SECRET_LEN == 6


def test_clean_text_comes_back_as_the_same_object(scrubber):
    text = "no secrets on this line " * 3
    assert scrubber.scrub(text) is text
    data = b"no secrets here either"
    assert scrubber.scrub_bytes(data) is data


def test_reprs_never_show_a_value():
    s = Scrubber(known=["sess-3b5d7f9a1c"])
    st = s.stream()
    st.write(b"sess-3b5d7f9a")
    for r in (repr(s), repr(s.known_secrets), repr(st)):
        assert "sess-" not in r
