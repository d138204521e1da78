#!/usr/bin/env bash
# The release `hush` filter side by side with whatever other secret
# scanner is installed, on the same file, in one run:
#
#   bash benches/peers.sh [FILE]
#
# Without FILE, 64 MiB of real text is written first (the local cargo
# registry's Rust sources and docs; see benches/support/corpus.rs). Each
# tool runs RUNS times (default 5), alternating, on one thread where it
# has the option; printed: each run's wall and CPU (user + system)
# seconds, the medians, and each peer's median wall and CPU time over
# hush's. Peers looked for on PATH:
# gitleaks, kingfisher, ripsecrets, trufflehog. Their findings are not
# compared: this measures time only. hush runs with `--threads 1` (one
# core, as the peers run with one job where they have the option).
#
# Kingfisher installs from PyPI (`pip install kingfisher-bin`, the
# project's own packaged binary); ripsecrets with `cargo install
# ripsecrets --locked`.
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
cmd[hush]="$hush --threads 1 < '$file' > /dev/null"
command -v gitleaks >/dev/null && cmd[gitleaks]="gitleaks stdin --no-banner --exit-code 0 < '$file' > /dev/null 2>&1"
# Kingfisher from PyPI is a Python script (behind pyenv's shim, if any)
# that runs the binary in the package: the binary is timed, not the
# interpreter's start-up. `--no-update-check`: otherwise each run first
# asks the network for a newer release, which is not scanning time.
kingfisher=$(command -v kingfisher || true)
bundled=$(python3 -c 'import kingfisher, os; print(os.path.join(os.path.dirname(kingfisher.__file__), "bin", "kingfisher"))' 2>/dev/null || true)
if [ -n "$bundled" ] && [ -x "$bundled" ]; then kingfisher=$bundled; fi
[ -n "$kingfisher" ] && cmd[kingfisher]="'$kingfisher' scan '$file' -n -j 1 --no-update-check > /dev/null 2>&1 || true"
command -v ripsecrets >/dev/null && cmd[ripsecrets]="ripsecrets '$file' > /dev/null 2>&1 || true"
command -v trufflehog >/dev/null && cmd[trufflehog]="trufflehog filesystem '$file' --concurrency=1 --no-update > /dev/null 2>&1 || true"
if [ "${#cmd[@]}" -eq 1 ]; then
    echo "peers: no other scanner installed (gitleaks, kingfisher, ripsecrets, trufflehog); timing hush alone"
fi
size=$(stat -c %s "$file")
echo "file: $file ($size bytes); machine: $(nproc) cores, $(uname -m)"
declare -A walls cpus
TIMEFORMAT='%3R %3U %3S'
runs=${RUNS:-5}
for round in $(seq "$runs"); do
    for tool in "${!cmd[@]}"; do
        # bash's own `time` (millisecond resolution, no extra process)
        t=$( { time eval "${cmd[$tool]}" 2>/dev/null; } 2>&1 | tail -1)
        read -r wall user sys <<<"$t"
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
        echo "$tool run $round: wall $wall s, cpu $cpu s"
        walls[$tool]="${walls[$tool]:-} $wall"
        cpus[$tool]="${cpus[$tool]:-} $cpu"
    done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }'; }
h=$(echo "${walls[hush]}" | median)
hc=$(echo "${cpus[hush]}" | median)
echo "hush median: $h s wall, $hc s cpu ($(awk -v s="$size" -v t="$h" 'BEGIN { if (t > 0) printf "%.0f MB/s", s / t / 1e6; else print "too fast to time" }'))"
for tool in "${!cmd[@]}"; do
    [ "$tool" = hush ] && continue
    m=$(echo "${walls[$tool]}" | median)
    mc=$(echo "${cpus[$tool]}" | median)
    echo "$tool median: $m s wall, $mc s cpu; $(ratio "$m" "$h") times hush's wall, $(ratio "$mc" "$hc") times its cpu"
done
