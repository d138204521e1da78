"""Speed of the Python binding, against the Rust `hush` filter.

    python bench.py [--hush PATH] [--mib 64]

Per-call cost of `scrub` on a 200-byte clean string and on a 200-byte
string holding a token; then 64 MiB of agent output through `stream()` in
64 KiB writes, and the same bytes through the `hush` command (stdin to
stdout) when it is there (`cargo build --release` makes target/release/hush).
Prints the figures; asserts only that the outputs agree.
"""

from __future__ import annotations

import argparse
import pathlib
import subprocess
import time
import timeit

from hush_redact import Scrubber

TOKEN = "ghp_4N48BnQ9Nxq1s7HJx7vkk80Em0f4RqqxyDDt"  # fake, generated


def line_of(n: int, middle: str = "") -> str:
    base = "2026-12-04T21:00:00Z INFO worker-3 step=build status=ok " + middle + " "
    return (base + "x" * n)[:n]


def per_call(scrubber: Scrubber, text: str, number: int) -> float:
    best = min(timeit.repeat(lambda: scrubber.scrub(text), number=number, repeat=5))
    return best / number * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    root = pathlib.Path(__file__).resolve().parents[2]
    ap.add_argument("--hush", default=str(root / "target" / "release" / "hush"))
    ap.add_argument("--mib", type=int, default=64)
    args = ap.parse_args()

    s = Scrubber()
    clean = line_of(200)
    dirty = line_of(200, "GITHUB_TOKEN=" + TOKEN)
    assert len(clean.encode()) == 200 and len(dirty.encode()) == 200
    assert s.scrub(clean) == clean and TOKEN not in s.scrub(dirty)
    print(f"scrub, 200-byte clean line:      {per_call(s, clean, 20000):.2f} us/call")
    print(f"scrub, 200-byte line with token: {per_call(s, dirty, 20000):.2f} us/call")

    block = "".join(
        line_of(120, f"GITHUB_TOKEN={TOKEN}" if i % 50 == 0 else f"compiled crate {i}") + "\n" for i in range(500)
    ).encode()
    data = block * (args.mib * (1 << 20) // len(block))
    chunk = 64 << 10
    st = s.stream()
    t0 = time.perf_counter()
    parts = [st.write(data[i : i + chunk]) for i in range(0, len(data), chunk)]
    parts.append(st.finish())
    py_secs = time.perf_counter() - t0
    out = b"".join(parts)
    mib = len(data) / (1 << 20)
    print(f"stream(), {mib:.0f} MiB in 64 KiB writes:   {py_secs:.2f} s, {mib / py_secs:.0f} MiB/s")

    hush = pathlib.Path(args.hush)
    if not hush.exists():
        print(f"hush filter: not built ({hush}); skipped")
        return
    t0 = time.perf_counter()
    done = subprocess.run([str(hush)], input=data, capture_output=True, check=True)
    rust_secs = time.perf_counter() - t0
    print(f"hush filter, same {mib:.0f} MiB:          {rust_secs:.2f} s, {mib / rust_secs:.0f} MiB/s")
    print(f"stream() / filter time: {py_secs / rust_secs:.2f}")
    assert done.stdout == out, "the binding and the filter disagree"


if __name__ == "__main__":
    main()
