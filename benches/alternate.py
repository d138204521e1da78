#!/usr/bin/env python3
"""Times builds of the `hush` filter against each other, alternating.

    python3 benches/alternate.py [--runs N] [--input FILE] BIN [BIN...]

Each round runs every BIN once, in turn, as `BIN --threads 1 < FILE >
/dev/null` (one core, the whole process), so that the shared machine's
slow and fast moments fall on all of them alike; it prints each one's
minimum and median wall time over the rounds, and MB/s at the median.
Without `--input`, stdin is /dev/null and the filter is timed from exec
to exit: its start-up. Runs: 15 by default (60 is better for start-up).

A build of an older commit for comparison:

    git worktree add /tmp/old COMMIT
    (cd /tmp/old && cargo build --release)
    python3 benches/alternate.py --input FILE /tmp/old/target/release/hush target/release/hush

(Before 3700991 there was no `.cargo/config.toml`: build such a commit
with `RUSTFLAGS='-C llvm-args=-align-loops=64'` to compare like with like,
since where the linker puts the keyword walk's loop moves it by 10%.)

FILE: `cargo run --release --example corpus -- real 64 FILE` (real text),
`-- ci 32 FILE` (CI logs). A BIN that exits non-zero stops the script.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--input", help="the file piped to stdin (default /dev/null)")
    parser.add_argument("bins", nargs="+", metavar="BIN")
    args = parser.parse_args()
    times = {b: [] for b in args.bins}
    for _ in range(args.runs):
        for b in args.bins:
            with open(args.input or os.devnull, "rb") as stdin:
                start = time.perf_counter()
                subprocess.run(
                    [b, "--threads", "1"], stdin=stdin, stdout=subprocess.DEVNULL, check=True
                )
                times[b].append(time.perf_counter() - start)
    size = os.path.getsize(args.input) if args.input else 0
    for b in args.bins:
        median = statistics.median(times[b])
        rate = f"  ({size / median / 1e6:.0f} MB/s)" if size else ""
        print(f"{b}: min {min(times[b]) * 1e3:.2f} ms, median {median * 1e3:.2f} ms{rate}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
