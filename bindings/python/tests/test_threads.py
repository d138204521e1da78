import sys
import threading

from conftest import GH_LABEL, GH_TOKEN
from hush_redact import Scrubber


def test_one_scrubber_shared_by_threads():
    s = Scrubber()
    line = f"GITHUB_TOKEN={GH_TOKEN} " * 50
    want = f"GITHUB_TOKEN={GH_LABEL} " * 50
    errors = []

    def work(i):
        try:
            for _ in range(5):
                assert s.scrub(line) == want
                st = s.stream()
                out = st.write(line.encode()[: 100 + i]) + st.write(line.encode()[100 + i :]) + st.finish()
                assert out == want.encode()
                s.known_secrets.add(f"thread-{i}-secret")
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(s.known_secrets) == 8
    assert s.scrub("x thread-3-secret") == "x [REDACTED:known-secret]"


def test_the_gil_is_released_while_scrubbing():
    # Not timed: a thread spinning in Python counts; with a long switch
    # interval it runs while another thread is inside scrub_bytes only if
    # that call released the GIL.
    s = Scrubber()
    big = ("clean output line\n" * 400_000).encode()
    progress = 0
    stop = threading.Event()
    deltas = []

    def spin():
        nonlocal progress
        while not stop.is_set():
            progress += 1

    def scrub():
        for _ in range(3):
            before = progress
            s.scrub_bytes(big)
            deltas.append(progress - before)

    old = sys.getswitchinterval()
    sys.setswitchinterval(0.2)
    try:
        spinner = threading.Thread(target=spin)
        spinner.start()
        t = threading.Thread(target=scrub)
        t.start()
        t.join()
        stop.set()
        spinner.join()
    finally:
        sys.setswitchinterval(old)
    assert len(deltas) == 3
    assert any(d > 0 for d in deltas), deltas


def test_warm_up_on_its_own_thread_while_scrubbing():
    s = Scrubber()
    warming = threading.Thread(target=s.warm_up)
    warming.start()
    for _ in range(50):
        assert s.scrub(f"token {GH_TOKEN}") == f"token {GH_LABEL}"
    warming.join()
    assert s.scrub(f"GITHUB_TOKEN={GH_TOKEN}") == f"GITHUB_TOKEN={GH_LABEL}"
    assert s.warm_up() is None
