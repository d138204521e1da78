#!/usr/bin/env bash
# CI for the C ABI: one release build of hush-ffi, the crate's own Rust
# tests on that build, the header compiled as C99 and C++, the exported
# symbols checked against the header, the C test linked dynamically and
# statically and run, the README's examples and a bench smoke run, and a
# short run under valgrind that must show no leaks and no memory errors. Runs from any directory; needs Rust, cc, c++,
# nm and valgrind, and installs nothing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

for tool in cargo cc c++ nm valgrind python3; do
    command -v "$tool" >/dev/null || { echo "bindings/c/ci.sh: $tool not found" >&2; exit 1; }
done

cargo build --release -p hush-ffi
# The unit tests (header and exports agree, the panic guard) reuse the
# release build of the dependencies.
cargo test --release -p hush-ffi

target=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
lib="$target/release"
include="$here/include"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The header alone, as C99 and as C++.
cc -x c -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only "$include/hush.h"
c++ -x c++ -std=c++11 -Wall -Wextra -Werror -pedantic -fsyntax-only "$include/hush.h"

# The shared library exports exactly the functions the header declares.
# The preprocessor drops the comments, which name functions too.
cc -x c -E -P "$include/hush.h" \
    | grep -oE '\bhush_[a-z_]+ *\(' | tr -d ' (' | sort -u >"$work/declared"
nm -D --defined-only "$lib/libhush_ffi.so" \
    | awk '$2 == "T" && $3 ~ /^hush_/ { print $3 }' | sort -u >"$work/exported"
if [ "$(wc -l <"$work/declared")" -lt 30 ]; then
    echo "bindings/c/ci.sh: found too few declarations in hush.h" >&2
    exit 1
fi
if ! diff -u "$work/declared" "$work/exported"; then
    echo "bindings/c/ci.sh: hush.h and libhush_ffi.so disagree (- header, + library)" >&2
    exit 1
fi

cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -pthread -I"$include")
cc "${cflags[@]}" "$here/tests/test.c" -L"$lib" -lhush_ffi -Wl,-rpath,"$lib" -o "$work/test-shared"
cc "${cflags[@]}" "$here/tests/test.c" "$lib/libhush_ffi.a" -lpthread -ldl -lm -o "$work/test-static"
"$work/test-shared"
"$work/test-static"

# The README's examples: each ```c block with a main, compiled, run, and
# its output compared with the ```text block that follows it.
python3 - "$here/README.md" "$work" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
pairs = re.findall(r"```c\n(.*?)```\s*prints\s*```text\n(.*?)```", text, re.S)
if len(pairs) < 2:
    sys.exit("bindings/c/ci.sh: found %d README examples, expected 2" % len(pairs))
for i, (code, output) in enumerate(pairs):
    open("%s/example%d.c" % (sys.argv[2], i), "w").write(code)
    open("%s/example%d.out" % (sys.argv[2], i), "w").write(output)
PY
for src in "$work"/example*.c; do
    exe="${src%.c}"
    cc "${cflags[@]}" "$src" -L"$lib" -lhush_ffi -Wl,-rpath,"$lib" -o "$exe"
    "$exe" >"$exe.got"
    if ! diff -u "$exe.out" "$exe.got"; then
        echo "bindings/c/ci.sh: README example $(basename "$src") printed something else" >&2
        exit 1
    fi
done

# The bench compiles, and a 1 MiB run checks its redaction count (its
# speed is not checked).
cc -O2 "${cflags[@]}" "$here/bench/bench.c" -L"$lib" -lhush_ffi -Wl,-rpath,"$lib" -o "$work/bench"
"$work/bench" 1 >/dev/null

# Every kind of leak is an error, still reachable included. One block is
# suppressed: the panic hook installed once per process (see the
# suppression file). Scrubbers are built per handle, so nothing else is
# kept at exit.
valgrind --quiet --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
    --suppressions="$here/tests/valgrind.supp" \
    --error-exitcode=1 "$work/test-shared" short
echo "bindings/c: ok"
