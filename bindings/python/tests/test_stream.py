import pytest

from conftest import GH_LABEL, GH_TOKEN
from hush_redact import HushError, Scrubber


def test_stream_output_does_not_depend_on_the_split(scrubber):
    data = f"$ env\nGITHUB_TOKEN={GH_TOKEN}\nHOME=/root\n".encode()
    want = scrubber.scrub_bytes(data)
    assert GH_LABEL.encode() in want
    for size in (1, 2, 3, 7, 16, len(data)):
        st = scrubber.stream()
        out = b"".join(st.write(data[i : i + size]) for i in range(0, len(data), size))
        out += st.finish()
        assert out == want, size


def test_release_idle_holds_a_token_in_progress(scrubber):
    st = scrubber.stream()
    out = st.write(b"$ echo " + GH_TOKEN[:12].encode())
    out += st.release_idle()
    assert out == b"$ echo "
    assert st.held == 12
    out += st.write(GH_TOKEN[12:].encode() + b"\n")
    out += st.finish()
    assert out == f"$ echo {GH_LABEL}\n".encode()


def test_with_block_closes_the_stream(scrubber):
    with scrubber.stream() as st:
        out = st.write(b"a " + GH_TOKEN.encode())
        out += st.finish()
    assert out == f"a {GH_LABEL}".encode()
    assert st.closed
    with pytest.raises(HushError, match="closed"):
        st.write(b"more")


def test_leaving_a_with_block_with_output_held_is_an_error(scrubber):
    with pytest.raises(HushError, match="finish"):
        with scrubber.stream() as st:
            st.write(b"partial " + GH_TOKEN[:10].encode())
    # An exception already on its way is not replaced.
    with pytest.raises(KeyError):
        with scrubber.stream() as st:
            st.write(b"partial line")
            raise KeyError("boom")


def test_a_known_secret_added_mid_stream_is_redacted():
    s = Scrubber()
    st = s.stream()
    out = st.write(b"note: sess-5f3a")
    s.known_secrets.add("sess-5f3a1c7e9b")
    out += st.write(b"1c7e9b done\n") + st.finish()
    assert out == b"note: [REDACTED:known-secret] done\n"


def test_redactions_count_per_rule(scrubber):
    st = scrubber.stream()
    st.write(f"{GH_TOKEN}\n".encode())
    st.finish()
    assert dict(st.redactions())["github-pat-classic"] == 1
