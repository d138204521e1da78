#!/usr/bin/env bash
# The release `hush` filter side by side with whatever other secret
# scanner is installed, on the same file, in one run:
#
#   bash benches/peers.sh [FILE]
#
# Without FILE, 64 MiB of real text is written first (the local cargo
# registry's Rust sources and docs; see benches/support/corpus.rs). Each
# tool runs three times, alternating, on one thread where it has the
# option; printed: each run's wall and user CPU seconds, the medians, and
# each peer's median wall time over hush's. Peers looked for on PATH:
# gitleaks, kingfisher, ripsecrets, trufflehog. Their findings are not
# compared: this measures time only.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
file=${1:-}
if [ -z "$file" ]; then
    file=$(mktemp --suffix=.txt)
    trap 'rm -f "$file"' EXIT
    cargo run --release --quiet --example corpus -- real 64 "$file"
fi
hush=target/release/hush
declare -A cmd
cmd[hush]="$hush < '$file' > /dev/null"
command -v gitleaks >/dev/null && cmd[gitleaks]="gitleaks stdin --no-banner --exit-code 0 < '$file' > /dev/null 2>&1"
command -v kingfisher >/dev/null && cmd[kingfisher]="kingfisher scan '$file' -n -j 1 > /dev/null 2>&1 || true"
command -v ripsecrets >/dev/null && cmd[ripsecrets]="ripsecrets '$file' > /dev/null 2>&1 || true"
command -v trufflehog >/dev/null && cmd[trufflehog]="trufflehog filesystem '$file' --concurrency=1 --no-update > /dev/null 2>&1 || true"
if [ "${#cmd[@]}" -eq 1 ]; then
    echo "peers: no other scanner installed (gitleaks, kingfisher, ripsecrets, trufflehog); timing hush alone"
fi
size=$(stat -c %s "$file")
echo "file: $file ($size bytes); machine: $(nproc) cores, $(uname -m)"
declare -A walls
for round in 1 2 3; do
    for tool in "${!cmd[@]}"; do
        t=$( { /usr/bin/time -f "%e %U" bash -c "${cmd[$tool]}"; } 2>&1 | tail -1)
        echo "$tool run $round: wall ${t% *} s, user ${t#* } s"
        walls[$tool]="${walls[$tool]:-} ${t% *}"
    done
done
median() { tr ' ' '\n' | grep . | sort -n | sed -n 2p; }
h=$(echo "${walls[hush]}" | median)
echo "hush median: $h s ($(awk -v s="$size" -v t="$h" 'BEGIN { if (t > 0) printf "%.0f MB/s", s / t / 1e6; else print "too fast to time" }'))"
for tool in "${!cmd[@]}"; do
    [ "$tool" = hush ] && continue
    m=$(echo "${walls[$tool]}" | median)
    echo "$tool median: $m s, $(awk -v a="$m" -v b="$h" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }') times hush's"
done
