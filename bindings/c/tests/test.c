/*
 * The C ABI's own test: every function of hush.h called from C, the
 * translation checked (buffers, ownership, status codes, messages,
 * threads), not the matching, which the Rust tests cover.
 *
 * Build and run (bindings/c/ci.sh does this):
 *   cc -std=c99 -Wall -Wextra -Werror -pthread -Ibindings/c/include \
 *      bindings/c/tests/test.c -Ltarget/release -lhush_ffi -o hush-test
 *   ./hush-test
 *
 * A failing check prints its line and what was compared, never an input
 * value. The secrets below are fake, made for this test.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hush.h"

static int failures = 0;

#define CHECK(cond)                                                  \
    do {                                                             \
        if (!(cond)) {                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,   \
                    __LINE__, #cond);                                \
            failures++;                                              \
        }                                                            \
    } while (0)

/* A GitHub classic token, fake. */
static const char TOKEN[] = "ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA";
static const char LINE[] = "export GITHUB_TOKEN=ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA\n";
static const char LINE_SCRUBBED[] = "export GITHUB_TOKEN=[REDACTED:github-pat-classic]\n";

/* A rule file for an internal key, and a key of that form, fake. */
static const char ACME_RULES[] =
    "[[rules]]\n"
    "id = \"acme-key\"\n"
    "description = \"ACME internal API key\"\n"
    "regex = '''\\b(acme_[0-9a-f]{32})\\b'''\n"
    "keywords = [\"acme_\"]\n"
    "examples = [{ input = \"KEY=acme_0e3b5e90925323a3f7d4364fef3d20b6\","
    " secret = \"acme_0e3b5e90925323a3f7d4364fef3d20b6\" }]\n";
static const char ACME_LINE[] = "key: acme_5d7c1a90b2e34f68a0c9d1e2f3b4a5c6 ok";
static const char ACME_SCRUBBED[] = "key: [REDACTED:acme-key] ok";

/* A known secret of the runtime's, fake. */
static const char SESSION[] = "sess-fe01b22d1fe622f5";

static const uint8_t *bytes(const char *s) { return (const uint8_t *)s; }

/* Whether `len` bytes at `buf` are exactly the string `want`. */
static int equals(const uint8_t *buf, size_t len, const char *want) {
    size_t n = strlen(want);
    return len == n && (n == 0 || (buf != NULL && memcmp(buf, want, n) == 0));
}

/* Whether `needle` occurs in `len` bytes at `buf`. */
static int contains(const uint8_t *buf, size_t len, const char *needle) {
    size_t n = strlen(needle);
    size_t i;
    for (i = 0; buf != NULL && i + n <= len; i++) {
        if (memcmp(buf + i, needle, n) == 0) return 1;
    }
    return 0;
}

/* One-shot scrub of a string; the result is the caller's to hush_free. */
static int scrub(const hush_scrubber *s, const char *in, uint8_t **out,
                 size_t *out_len) {
    return hush_scrub(s, bytes(in), strlen(in), out, out_len);
}

/* Whether scrubbing `in` gives exactly `want`. */
static int scrubs_to(const hush_scrubber *s, const char *in, const char *want) {
    uint8_t *out = NULL;
    size_t out_len = 0;
    int ok = scrub(s, in, &out, &out_len) == HUSH_OK && equals(out, out_len, want);
    hush_free(out, out_len);
    return ok;
}

/* Appends a stream call's output to a growing buffer, then frees it. */
struct sink {
    uint8_t *data;
    size_t len;
};

static void take(struct sink *k, uint8_t *out, size_t out_len) {
    if (out_len > 0) {
        uint8_t *grown = (uint8_t *)realloc(k->data, k->len + out_len);
        if (grown == NULL) abort();
        memcpy(grown + k->len, out, out_len);
        k->data = grown;
        k->len += out_len;
    }
    hush_free(out, out_len);
}

static void test_version_and_no_error_yet(void) {
    CHECK(strcmp(hush_version(), "0.1.0") == 0);
    CHECK(strcmp(hush_last_error(), "") == 0);
}

static void test_scrub_one_shot(const hush_scrubber *s) {
    uint8_t *out = (uint8_t *)1;
    size_t out_len = 99;
    CHECK(scrub(s, LINE, &out, &out_len) == HUSH_OK);
    CHECK(equals(out, out_len, LINE_SCRUBBED));
    CHECK(!contains(out, out_len, "ghp_"));
    hush_free(out, out_len);

    /* Clean input comes back as a copy. */
    CHECK(scrubs_to(s, "nothing to see\n", "nothing to see\n"));

    /* Empty input: ok, NULL and 0; NULL input of length 0 too. */
    out = (uint8_t *)1;
    out_len = 99;
    CHECK(hush_scrub(s, bytes(""), 0, &out, &out_len) == HUSH_OK);
    CHECK(out == NULL && out_len == 0);
    CHECK(hush_scrub(s, NULL, 0, &out, &out_len) == HUSH_OK);
    CHECK(out == NULL && out_len == 0);

    /* Bytes that are not UTF-8 pass through exactly, NUL included. */
    {
        static const uint8_t raw[] = {0xff, 0x00, 'a', 0xfe, '\n'};
        CHECK(hush_scrub(s, raw, sizeof raw, &out, &out_len) == HUSH_OK);
        CHECK(out_len == sizeof raw && memcmp(out, raw, sizeof raw) == 0);
        hush_free(out, out_len);
    }
}

static void test_find(const hush_scrubber *s) {
    const char *in = "token ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA here";
    hush_finding *found = (hush_finding *)1;
    size_t count = 99, i;
    int github = 0;
    CHECK(hush_find(s, bytes(in), strlen(in), &found, &count) == HUSH_OK);
    CHECK(count >= 1 && found != NULL);
    for (i = 0; i < count; i++) {
        if (strcmp(found[i].rule, "github-pat-classic") == 0) {
            github = 1;
            CHECK(found[i].start == 6);
            CHECK(found[i].end == 6 + strlen(TOKEN));
        }
    }
    CHECK(github);
    hush_findings_free(found, count);

    /* Nothing found: ok, NULL and 0. */
    CHECK(hush_find(s, bytes("clean"), 5, &found, &count) == HUSH_OK);
    CHECK(found == NULL && count == 0);
    hush_findings_free(found, count);
}

/* The token line pushed in two pieces, split at every offset, gives the
 * one-shot result. */
static void test_stream_split_in_two(const hush_scrubber *s) {
    size_t n = strlen(LINE), cut;
    for (cut = 0; cut <= n; cut++) {
        hush_stream *st = hush_stream_new(s);
        struct sink k = {NULL, 0};
        uint8_t *out;
        size_t out_len;
        CHECK(st != NULL);
        CHECK(hush_stream_push(st, bytes(LINE), cut, &out, &out_len) == HUSH_OK);
        CHECK(!contains(out, out_len, "ghp_"));
        take(&k, out, out_len);
        CHECK(hush_stream_push(st, bytes(LINE) + cut, n - cut, &out, &out_len) == HUSH_OK);
        take(&k, out, out_len);
        CHECK(hush_stream_finish(st, &out, &out_len) == HUSH_OK);
        take(&k, out, out_len);
        CHECK(equals(k.data, k.len, LINE_SCRUBBED));
        free(k.data);
        hush_stream_free(st);
    }
}

static void test_stream_idle_held_and_reuse(const hush_scrubber *s) {
    hush_stream *st = hush_stream_new(s);
    struct sink k = {NULL, 0};
    uint8_t *out;
    size_t out_len, held = 99;
    static const char first[] = "$ echo ghp_vkkIvuLCcbpo";
    static const char rest[] = "nmiWMGXTWrbuxTUvjotdxrzA\n";

    CHECK(hush_stream_push(st, bytes(first), strlen(first), &out, &out_len) == HUSH_OK);
    take(&k, out, out_len);
    /* A pause: the text before the token leaves, the token stays held. */
    CHECK(hush_stream_release_idle(st, &out, &out_len) == HUSH_OK);
    take(&k, out, out_len);
    CHECK(equals(k.data, k.len, "$ echo "));
    CHECK(hush_stream_held(st, &held) == HUSH_OK);
    CHECK(held == strlen("ghp_vkkIvuLCcbpo"));
    CHECK(hush_stream_push(st, bytes(rest), strlen(rest), &out, &out_len) == HUSH_OK);
    take(&k, out, out_len);
    CHECK(hush_stream_finish(st, &out, &out_len) == HUSH_OK);
    take(&k, out, out_len);
    CHECK(equals(k.data, k.len, "$ echo [REDACTED:github-pat-classic]\n"));
    CHECK(hush_stream_held(st, &held) == HUSH_OK && held == 0);
    free(k.data);

    /* After finish, a push starts a new input. */
    CHECK(hush_stream_push(st, bytes("again\n"), 6, &out, &out_len) == HUSH_OK);
    CHECK(equals(out, out_len, "again\n"));
    hush_free(out, out_len);
    hush_stream_free(st);
}

/* A stream outlives the scrubber it came from; freeing a stream with bytes
 * held discards them. */
static void test_stream_outlives_scrubber(void) {
    hush_scrubber *s = hush_scrubber_new();
    hush_stream *st = hush_stream_new(s);
    hush_stream *dropped = hush_stream_new(s);
    uint8_t *out;
    size_t out_len;
    hush_scrubber_free(s);
    CHECK(hush_stream_push(st, bytes(LINE), strlen(LINE), &out, &out_len) == HUSH_OK);
    CHECK(equals(out, out_len, LINE_SCRUBBED));
    hush_free(out, out_len);
    hush_stream_free(st);
    CHECK(hush_stream_push(dropped, bytes("ghp_vkkIvu"), 10, &out, &out_len) == HUSH_OK);
    CHECK(out_len == 0);
    hush_stream_free(dropped);
}

static void test_known_secrets(void) {
    hush_scrubber *s = hush_scrubber_new();
    hush_stream *st = hush_stream_new(s);
    struct sink k = {NULL, 0};
    uint8_t *out;
    size_t out_len, count = 99;
    const uint8_t *many[2];
    size_t lens[2];

    CHECK(hush_known_count(s, &count) == HUSH_OK && count == 0);
    CHECK(scrubs_to(s, "sid=sess-fe01b22d1fe622f5\n", "sid=sess-fe01b22d1fe622f5\n"));
    /* Half the value, then the value is registered, then the rest. */
    CHECK(hush_stream_push(st, bytes("sid=sess-fe01b2"), 15, &out, &out_len) == HUSH_OK);
    take(&k, out, out_len);
    CHECK(hush_known_add(s, bytes(SESSION), strlen(SESSION)) == HUSH_OK);
    CHECK(hush_known_count(s, &count) == HUSH_OK && count == 1);
    CHECK(hush_stream_push(st, bytes("2d1fe622f5\n"), 11, &out, &out_len) == HUSH_OK);
    take(&k, out, out_len);
    CHECK(hush_stream_finish(st, &out, &out_len) == HUSH_OK);
    take(&k, out, out_len);
    CHECK(equals(k.data, k.len, "sid=[REDACTED:known-secret]\n"));
    free(k.data);
    CHECK(scrubs_to(s, "sid=sess-fe01b22d1fe622f5\n", "sid=[REDACTED:known-secret]\n"));

    /* Known secrets belong to one scrubber, not to every hush_scrubber_new
     * handle (they shared one set once). */
    {
        hush_scrubber *other = hush_scrubber_new();
        CHECK(hush_known_count(other, &count) == HUSH_OK && count == 0);
        CHECK(scrubs_to(other, "sid=sess-fe01b22d1fe622f5\n", "sid=sess-fe01b22d1fe622f5\n"));
        hush_scrubber_free(other);
    }

    /* A value too short is refused, with a message that does not hold it. */
    CHECK(hush_known_add(s, bytes("pw9x"), 4) == HUSH_ERR_SECRET);
    CHECK(strlen(hush_last_error()) > 0);
    CHECK(strstr(hush_last_error(), "pw9x") == NULL);

    /* Several at once: all, or none if one is refused. */
    many[0] = bytes("tok-4c1d9e7a02b8");
    lens[0] = 16;
    many[1] = bytes("ab1");
    lens[1] = 3;
    CHECK(hush_known_add_many(s, many, lens, 2) == HUSH_ERR_SECRET);
    CHECK(hush_known_count(s, &count) == HUSH_OK && count == 1);
    many[1] = bytes("tok-93f0a6c5d1e2");
    lens[1] = 16;
    CHECK(hush_known_add_many(s, many, lens, 2) == HUSH_OK);
    CHECK(hush_known_count(s, &count) == HUSH_OK && count == 3);
    CHECK(scrubs_to(s, "a tok-93f0a6c5d1e2 b", "a [REDACTED:known-secret] b"));
    CHECK(hush_known_add_many(s, NULL, NULL, 0) == HUSH_OK);

    hush_stream_free(st);
    hush_scrubber_free(s);
}

static void test_builder_rules_text(void) {
    hush_builder *b = hush_builder_new();
    hush_scrubber *s = (hush_scrubber *)1;
    CHECK(b != NULL);
    CHECK(hush_builder_defaults(b, 0) == HUSH_OK);
    CHECK(hush_builder_add_rules(b, "acme.toml", ACME_RULES, strlen(ACME_RULES)) == HUSH_OK);
    CHECK(hush_builder_known_secret(b, bytes(SESSION), strlen(SESSION)) == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_OK);
    CHECK(s != NULL);
    CHECK(scrubs_to(s, ACME_LINE, ACME_SCRUBBED));
    CHECK(scrubs_to(s, "s=sess-fe01b22d1fe622f5", "s=[REDACTED:known-secret]"));
    /* Defaults off: the GitHub rule is not there. */
    CHECK(scrubs_to(s, "token ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA", "token ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA"));
    hush_scrubber_free(s);

    /* The builder is unchanged by a build: defaults back on, build again. */
    CHECK(hush_builder_defaults(b, 1) == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_OK);
    CHECK(scrubs_to(s, ACME_LINE, ACME_SCRUBBED));
    CHECK(scrubs_to(s, LINE, LINE_SCRUBBED));
    hush_scrubber_free(s);
    hush_builder_free(b);
}

static void test_builder_rules_file(void) {
    char path[] = "/tmp/hush-c-test-XXXXXX";
    int fd = mkstemp(path);
    hush_builder *b = hush_builder_new();
    hush_scrubber *s = NULL;
    CHECK(fd >= 0);
    CHECK(write(fd, ACME_RULES, strlen(ACME_RULES)) == (ssize_t)strlen(ACME_RULES));
    close(fd);
    CHECK(hush_builder_add_rules_file(b, path) == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_OK);
    CHECK(scrubs_to(s, ACME_LINE, ACME_SCRUBBED));
    CHECK(scrubs_to(s, LINE, LINE_SCRUBBED));
    hush_scrubber_free(s);
    hush_builder_free(b);
    unlink(path);

    /* A file that is not there: an I/O error at build, naming the file. */
    b = hush_builder_new();
    CHECK(hush_builder_add_rules_file(b, "/nonexistent/hush-rules.toml") == HUSH_OK);
    s = (hush_scrubber *)1;
    CHECK(hush_builder_build(b, &s) == HUSH_ERR_IO);
    CHECK(s == NULL);
    CHECK(strstr(hush_last_error(), "hush-rules.toml") != NULL);
    hush_builder_free(b);
}

static void test_builder_redaction_styles(void) {
    hush_builder *b = hush_builder_new();
    hush_scrubber *s = NULL;
    uint8_t *out;
    size_t out_len;
    static const char key[] = "k3y-for-fingerprints-0123456789";

    CHECK(hush_builder_redaction(b, HUSH_REDACTION_MASK) == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_OK);
    CHECK(scrubs_to(s, "t=ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA", "t=ghp_[REDACTED]"));
    hush_scrubber_free(s);

    CHECK(hush_builder_redaction_text(b, "***", 3) == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_OK);
    CHECK(scrubs_to(s, "t=ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA", "t=***"));
    hush_scrubber_free(s);

    /* Under one key the same secret has the same fingerprint. */
    CHECK(hush_builder_redaction(b, HUSH_REDACTION_FINGERPRINT) == HUSH_OK);
    CHECK(hush_builder_fingerprint_key(b, bytes(key), strlen(key)) == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_OK);
    CHECK(scrub(s, TOKEN, &out, &out_len) == HUSH_OK);
    CHECK(out_len == strlen("[REDACTED:github-pat-classic:0123456789abcdef]"));
    CHECK(out_len > 29 && memcmp(out, "[REDACTED:github-pat-classic:", 29) == 0);
    CHECK(!contains(out, out_len, "ghp_"));
    {
        hush_scrubber *again = NULL;
        uint8_t *out2;
        size_t out2_len;
        CHECK(hush_builder_build(b, &again) == HUSH_OK);
        CHECK(scrub(again, TOKEN, &out2, &out2_len) == HUSH_OK);
        CHECK(out2_len == out_len && memcmp(out, out2, out_len) == 0);
        hush_free(out2, out2_len);
        hush_scrubber_free(again);
    }
    hush_free(out, out_len);
    hush_scrubber_free(s);

    CHECK(hush_builder_redaction(b, 99) == HUSH_ERR_INVALID);
    hush_builder_free(b);
}

static void test_builder_rule_switches(void) {
    hush_builder *b = hush_builder_new();
    hush_scrubber *s = NULL;
    CHECK(hush_builder_disable_category(b, "vcs") == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_OK);
    CHECK(scrubs_to(s, "t ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA", "t ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA"));
    hush_scrubber_free(s);
    CHECK(hush_builder_enable_rule(b, "github-pat-classic") == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_OK);
    CHECK(scrubs_to(s, "t ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA", "t [REDACTED:github-pat-classic]"));
    hush_scrubber_free(s);
    CHECK(hush_builder_disable_rule(b, "github-pat-classic") == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_OK);
    CHECK(scrubs_to(s, "t ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA", "t ghp_vkkIvuLCcbponmiWMGXTWrbuxTUvjotdxrzA"));
    hush_scrubber_free(s);
    CHECK(hush_builder_disable_rule(b, "no-such-rule") == HUSH_OK);
    s = (hush_scrubber *)1;
    CHECK(hush_builder_build(b, &s) == HUSH_ERR_CONFIG);
    CHECK(s == NULL);
    CHECK(strstr(hush_last_error(), "no-such-rule") != NULL);
    hush_builder_free(b);
}

static void test_builder_errors(void) {
    /* A regex that does not compile, in a rule whose example holds a
     * secret: the message names the file and rule, not the example. */
    static const char broken[] =
        "[[rules]]\n"
        "id = \"broken-rule\"\n"
        "description = \"a broken rule\"\n"
        "regex = '''(acme_[0-9a-f{32})'''\n"
        "keywords = [\"acme_\"]\n"
        "examples = [{ input = \"acme_9f8e7d6c5b4a39281706f5e4d3c2b1a0\","
        " secret = \"acme_9f8e7d6c5b4a39281706f5e4d3c2b1a0\" }]\n";
    static const char not_utf8[] = "id = \"\xff\"\n";
    hush_builder *b = hush_builder_new();
    hush_scrubber *s = (hush_scrubber *)1;

    CHECK(hush_builder_add_rules(b, "team.toml", broken, strlen(broken)) == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_ERR_RULES);
    CHECK(s == NULL);
    CHECK(strstr(hush_last_error(), "team.toml") != NULL);
    CHECK(strstr(hush_last_error(), "broken-rule") != NULL);
    CHECK(strstr(hush_last_error(), "9f8e7d6c5b4a") == NULL);
    CHECK(strchr(hush_last_error(), '\n') == NULL);
    hush_builder_free(b);

    b = hush_builder_new();
    CHECK(hush_builder_add_rules(b, "bad.toml", "[[rules]\n", 9) == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_ERR_RULES);
    CHECK(strstr(hush_last_error(), "bad.toml") != NULL);
    hush_builder_free(b);

    b = hush_builder_new();
    CHECK(hush_builder_add_rules(b, "x.toml", not_utf8, strlen(not_utf8)) == HUSH_ERR_INVALID);
    CHECK(hush_builder_redaction_text(b, "\xff", 1) == HUSH_ERR_INVALID);
    CHECK(hush_builder_known_secret(b, bytes("pw9x"), 4) == HUSH_OK);
    CHECK(hush_builder_build(b, &s) == HUSH_ERR_SECRET);
    CHECK(strstr(hush_last_error(), "pw9x") == NULL);
    hush_builder_free(b);
}

/* NULL where a pointer is required: an error code and a message, never a
 * crash; out-parameters cleared. */
static void test_null_arguments(const hush_scrubber *s) {
    uint8_t *out = (uint8_t *)1;
    size_t out_len = 99, n = 99;
    hush_finding *found = (hush_finding *)1;
    hush_scrubber *built = (hush_scrubber *)1;
    hush_stream *st = hush_stream_new(s);
    const uint8_t *values[1] = {NULL};
    size_t lens[1] = {8};

    CHECK(hush_scrub(NULL, bytes("x"), 1, &out, &out_len) == HUSH_ERR_NULL);
    CHECK(out == NULL && out_len == 0);
    CHECK(strcmp(hush_last_error(), "scrubber is null") == 0);
    CHECK(hush_scrub(s, NULL, 5, &out, &out_len) == HUSH_ERR_NULL);
    CHECK(strcmp(hush_last_error(), "input is null") == 0);
    CHECK(hush_scrub(s, bytes("x"), 1, NULL, &out_len) == HUSH_ERR_NULL);
    CHECK(hush_scrub(s, bytes("x"), 1, &out, NULL) == HUSH_ERR_NULL);
    CHECK(hush_find(NULL, bytes("x"), 1, &found, &n) == HUSH_ERR_NULL);
    CHECK(found == NULL && n == 0);
    CHECK(hush_find(s, bytes("x"), 1, NULL, &n) == HUSH_ERR_NULL);
    CHECK(hush_find(s, bytes("x"), 1, &found, NULL) == HUSH_ERR_NULL);

    CHECK(hush_known_add(NULL, bytes(SESSION), strlen(SESSION)) == HUSH_ERR_NULL);
    CHECK(hush_known_add(s, NULL, 8) == HUSH_ERR_NULL);
    CHECK(hush_known_add_many(s, NULL, lens, 1) == HUSH_ERR_NULL);
    CHECK(hush_known_add_many(s, values, NULL, 1) == HUSH_ERR_NULL);
    CHECK(hush_known_add_many(s, values, lens, 1) == HUSH_ERR_NULL);
    CHECK(hush_known_count(NULL, &n) == HUSH_ERR_NULL);
    CHECK(hush_known_count(s, NULL) == HUSH_ERR_NULL);

    CHECK(hush_builder_defaults(NULL, 1) == HUSH_ERR_NULL);
    CHECK(hush_builder_add_rules(NULL, "a", "", 0) == HUSH_ERR_NULL);
    CHECK(hush_builder_add_rules_file(NULL, "a") == HUSH_ERR_NULL);
    CHECK(hush_builder_known_secret(NULL, bytes(SESSION), 8) == HUSH_ERR_NULL);
    CHECK(hush_builder_redaction(NULL, HUSH_REDACTION_LABEL) == HUSH_ERR_NULL);
    CHECK(hush_builder_redaction_text(NULL, "x", 1) == HUSH_ERR_NULL);
    CHECK(hush_builder_fingerprint_key(NULL, bytes(SESSION), 8) == HUSH_ERR_NULL);
    CHECK(hush_builder_disable_rule(NULL, "a") == HUSH_ERR_NULL);
    CHECK(hush_builder_enable_rule(NULL, "a") == HUSH_ERR_NULL);
    CHECK(hush_builder_disable_category(NULL, "a") == HUSH_ERR_NULL);
    CHECK(hush_builder_build(NULL, &built) == HUSH_ERR_NULL);
    CHECK(built == NULL);
    {
        hush_builder *b = hush_builder_new();
        CHECK(hush_builder_build(b, NULL) == HUSH_ERR_NULL);
        CHECK(hush_builder_add_rules(b, NULL, "", 0) == HUSH_ERR_NULL);
        CHECK(strcmp(hush_last_error(), "name is null") == 0);
        CHECK(hush_builder_add_rules(b, "a", NULL, 3) == HUSH_ERR_NULL);
        CHECK(hush_builder_add_rules_file(b, NULL) == HUSH_ERR_NULL);
        CHECK(hush_builder_disable_rule(b, NULL) == HUSH_ERR_NULL);
        CHECK(hush_builder_enable_rule(b, NULL) == HUSH_ERR_NULL);
        CHECK(hush_builder_disable_category(b, NULL) == HUSH_ERR_NULL);
        hush_builder_free(b);
    }

    CHECK(hush_stream_new(NULL) == NULL);
    CHECK(strcmp(hush_last_error(), "scrubber is null") == 0);
    out = (uint8_t *)1;
    CHECK(hush_stream_push(NULL, bytes("x"), 1, &out, &out_len) == HUSH_ERR_NULL);
    CHECK(out == NULL && out_len == 0);
    CHECK(hush_stream_push(st, NULL, 1, &out, &out_len) == HUSH_ERR_NULL);
    CHECK(hush_stream_push(st, bytes("x"), 1, NULL, &out_len) == HUSH_ERR_NULL);
    CHECK(hush_stream_release_idle(NULL, &out, &out_len) == HUSH_ERR_NULL);
    CHECK(hush_stream_release_idle(st, &out, NULL) == HUSH_ERR_NULL);
    CHECK(hush_stream_finish(NULL, &out, &out_len) == HUSH_ERR_NULL);
    CHECK(hush_stream_finish(st, NULL, &out_len) == HUSH_ERR_NULL);
    CHECK(hush_stream_held(NULL, &n) == HUSH_ERR_NULL);
    CHECK(hush_stream_held(st, NULL) == HUSH_ERR_NULL);
    /* The stream still works after refused calls. */
    CHECK(hush_stream_push(st, bytes(LINE), strlen(LINE), &out, &out_len) == HUSH_OK);
    CHECK(equals(out, out_len, LINE_SCRUBBED));
    hush_free(out, out_len);

    /* Freeing NULL is a no-op. */
    hush_free(NULL, 0);
    hush_findings_free(NULL, 0);
    hush_scrubber_free(NULL);
    hush_builder_free(NULL);
    hush_stream_free(NULL);
    hush_stream_free(st);
}

/* One scrubber, used from several threads at once: scrubbing, and adding
 * known secrets that every thread then sees. */
struct job {
    const hush_scrubber *s;
    int index;
    int ok;
};

static void *worker(void *arg) {
    struct job *j = (struct job *)arg;
    char value[32], line[64], want[64];
    int i;
    sprintf(value, "thread-secret-%02d-7b3e9a", j->index);
    j->ok = hush_known_add(j->s, bytes(value), strlen(value)) == HUSH_OK;
    sprintf(line, "v=%s\n", value);
    strcpy(want, "v=[REDACTED:known-secret]\n");
    for (i = 0; i < 50; i++) {
        j->ok = j->ok && scrubs_to(j->s, LINE, LINE_SCRUBBED) && scrubs_to(j->s, line, want);
    }
    /* A failing call's message stays on this thread. */
    j->ok = j->ok && hush_scrub(NULL, NULL, 0, NULL, NULL) == HUSH_ERR_NULL;
    return NULL;
}

static void test_threads(void) {
    enum { N = 4 };
    hush_scrubber *s = hush_scrubber_new();
    pthread_t threads[N];
    struct job jobs[N];
    size_t count = 0;
    int i;
    CHECK(hush_builder_redaction(NULL, 0) == HUSH_ERR_NULL);
    for (i = 0; i < N; i++) {
        jobs[i].s = s;
        jobs[i].index = i;
        jobs[i].ok = 0;
        CHECK(pthread_create(&threads[i], NULL, worker, &jobs[i]) == 0);
    }
    for (i = 0; i < N; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(jobs[i].ok);
    }
    CHECK(hush_known_count(s, &count) == HUSH_OK && count == N);
    /* The other threads' failures did not change this thread's message. */
    CHECK(strcmp(hush_last_error(), "builder is null") == 0);
    hush_scrubber_free(s);
}

struct warming {
    const hush_scrubber *s;
    int rc;
};

static void *warm(void *arg) {
    struct warming *w = (struct warming *)arg;
    w->rc = hush_scrubber_warm_up(w->s);
    return NULL;
}

static void test_warm_up(void) {
    hush_scrubber *s = hush_scrubber_new();
    struct warming w;
    pthread_t t;
    int i;
    w.s = s;
    w.rc = -1;
    CHECK(pthread_create(&t, NULL, warm, &w) == 0);
    for (i = 0; i < 20; i++) CHECK(scrubs_to(s, LINE, LINE_SCRUBBED));
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(w.rc == HUSH_OK);
    CHECK(scrubs_to(s, LINE, LINE_SCRUBBED));
    CHECK(hush_scrubber_warm_up(NULL) == HUSH_ERR_NULL);
    hush_scrubber_free(s);
}

/* With the argument "short": one of each kind of call (a scrub, a find, a
 * stream, known secrets, a builder, error paths), for the run under
 * valgrind, where the whole test takes minutes. */
int main(int argc, char **argv) {
    hush_scrubber *s;
    int all = !(argc > 1 && strcmp(argv[1], "short") == 0);
    test_version_and_no_error_yet();
    s = hush_scrubber_new();
    CHECK(s != NULL);
    if (s == NULL) return 1;
    test_scrub_one_shot(s);
    test_find(s);
    if (all) test_stream_split_in_two(s);
    test_stream_idle_held_and_reuse(s);
    test_stream_outlives_scrubber();
    test_known_secrets();
    test_builder_rules_text();
    if (all) {
        test_builder_rules_file();
        test_builder_redaction_styles();
        test_builder_rule_switches();
    }
    test_builder_errors();
    test_null_arguments(s);
    if (all) test_threads();
    if (all) test_warm_up();
    hush_scrubber_free(s);
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("hush C ABI: all checks passed%s\n", all ? "" : " (short run)");
    return 0;
}
