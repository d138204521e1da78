/*
 * Cost of the C ABI as a C caller sees it: per call of hush_scrub on a
 * 200-byte line without and with a token (the output copied out and freed
 * each time), and throughput of a stream over generated log text. Each
 * measurement checks its result (the redaction count), not its speed.
 *
 *   cargo build --release -p hush-ffi
 *   cc -O2 -std=c99 -Ibindings/c/include bindings/c/bench/bench.c \
 *      -Ltarget/release -lhush_ffi -Wl,-rpath,$PWD/target/release -o hush-bench
 *   ./hush-bench            # 64 MiB through the stream
 *   ./hush-bench 1          # 1 MiB (a smoke run)
 *   ./hush-bench 64 in.txt  # also write the input to in.txt, to compare:
 *   time target/release/hush < in.txt > /dev/null
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hush.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t count(const uint8_t *buf, size_t len, const char *needle) {
    size_t n = strlen(needle), i, found = 0;
    for (i = 0; buf != NULL && i + n <= len; i++) {
        if (memcmp(buf + i, needle, n) == 0) found++;
    }
    return found;
}

static void die(const char *what) {
    fprintf(stderr, "hush-bench: %s: %s\n", what, hush_last_error());
    exit(1);
}

/* Scrubs `line` `iters` times; returns ns per call. */
static double per_call(const hush_scrubber *s, const char *line, size_t redactions,
                       long iters) {
    size_t len = strlen(line);
    uint8_t *out;
    size_t out_len;
    long i;
    double t0;
    if (hush_scrub(s, (const uint8_t *)line, len, &out, &out_len) != HUSH_OK) die("scrub");
    if (count(out, out_len, "[REDACTED:") != redactions) die("unexpected redaction count");
    hush_free(out, out_len);
    t0 = now();
    for (i = 0; i < iters; i++) {
        if (hush_scrub(s, (const uint8_t *)line, len, &out, &out_len) != HUSH_OK) die("scrub");
        hush_free(out, out_len);
    }
    return (now() - t0) / (double)iters * 1e9;
}

int main(int argc, char **argv) {
    /* Two 200-byte lines of tool output: one clean, one with a (fake)
     * GitHub token. */
    static const char clean[] =
        "2026-12-04T21:40:07.118Z INFO worker-3 GET /api/v2/projects/4411/builds?page=2 "
        "200 OK in 38 ms; cache hit ratio 0.93, queue depth 12, retries 0, upstream "
        "build-cache.internal:8443 healthy, no errors.\n";
    static const char token[] =
        "2026-12-04T21:40:07.118Z INFO worker-3 cloning with "
        "GITHUB_TOKEN=ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA from "
        "https://github.com/acme/infra.git into /work/checkout/infra, depth 1, 38 ms in total, ok\n";
    long mib = argc > 1 ? atol(argv[1]) : 64;
    size_t total = (size_t)mib << 20, chunk = 64 << 10, made = 0, tokens = 0, got = 0;
    size_t clean_len = strlen(clean), token_len = strlen(token), i, out_len;
    uint8_t *input, *out;
    hush_scrubber *s = hush_scrubber_new();
    hush_stream *st;
    double t0, secs;

    if (s == NULL) die("new");
    if (clean_len != 200 || token_len != 200) {
        fprintf(stderr, "hush-bench: the lines are %zu and %zu bytes, not 200\n", clean_len,
                token_len);
        return 1;
    }
    printf("scrub, 200-byte clean line:      %7.0f ns/call\n", per_call(s, clean, 0, 200000));
    printf("scrub, 200-byte line with token: %7.0f ns/call\n", per_call(s, token, 1, 100000));

    /* Log text: one line in 64 holds a token. */
    input = (uint8_t *)malloc(total + token_len);
    if (input == NULL) return 1;
    for (i = 0; made < total; i++) {
        const char *line = i % 64 == 63 ? token : clean;
        memcpy(input + made, line, 200);
        made += 200;
        tokens += i % 64 == 63;
    }
    /* Timed: the calls and freeing their output; not the counting. */
    if (argc > 2) {
        /* The same input to a file, to time the hush filter on it. */
        FILE *f = fopen(argv[2], "wb");
        if (f == NULL || fwrite(input, 1, made, f) != made || fclose(f) != 0) {
            fprintf(stderr, "hush-bench: cannot write the input file\n");
            return 1;
        }
    }
    st = hush_stream_new(s);
    secs = 0;
    for (i = 0; i <= made; i += chunk) {
        size_t n = made - i < chunk ? made - i : chunk;
        int rc;
        t0 = now();
        rc = i < made ? hush_stream_push(st, input + i, n, &out, &out_len)
                      : hush_stream_finish(st, &out, &out_len);
        secs += now() - t0;
        if (rc != HUSH_OK) die("stream");
        got += count(out, out_len, "[REDACTED:github-pat-classic]");
        t0 = now();
        hush_free(out, out_len);
        secs += now() - t0;
    }
    if (got != tokens) {
        fprintf(stderr, "hush-bench: %zu redactions, expected %zu\n", got, tokens);
        return 1;
    }
    printf("stream, %ld MiB in 64 KiB pushes: %7.0f MiB/s (%zu tokens redacted)\n", mib,
           (double)made / (1 << 20) / secs, got);
    hush_stream_free(st);
    hush_scrubber_free(s);
    free(input);
    return 0;
}
