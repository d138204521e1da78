/*
 * hush.h: the C ABI of hush, secret redaction at the source.
 *
 * Link with -lhush_ffi (libhush_ffi.so or libhush_ffi.a, built by
 * `cargo build --release -p hush-ffi`). Compiles as C99 and as C++.
 *
 * Conventions, for every function below:
 *
 * - Status: functions returning int return HUSH_OK (0) or one of the
 *   HUSH_ERR_* codes. On failure, hush_last_error() describes it. No
 *   message ever holds a secret or any input value. Constructors that
 *   return a handle return NULL on failure, with the same message.
 * - NULL: a NULL handle or out-parameter is an error (HUSH_ERR_NULL), never
 *   a crash. An input pointer may be NULL when its length is 0.
 * - Panics: none crosses the boundary. An internal error (a bug in hush)
 *   returns HUSH_ERR_PANIC, with no output; a stream it happens in refuses
 *   every later call (HUSH_ERR_STREAM) and discards what it held.
 * - Output buffers: `*out` and `*out_len` are set to NULL and 0 first, so a
 *   failure never leaves a stale pointer. On success `*out` is a new buffer
 *   of `*out_len` bytes, owned by the caller, freed with
 *   hush_free(out, out_len); it is NULL when `*out_len` is 0. Output is
 *   bytes, not NUL-terminated; bytes outside redactions are passed through
 *   exactly, whether UTF-8 or not.
 * - Input: hush reads input only during the call and keeps no pointer to
 *   it; the caller keeps ownership.
 * - Threads: a hush_scrubber may be used from several threads at once
 *   (hush_scrub, hush_find, hush_known_*, hush_stream_new). A hush_stream
 *   or a hush_builder is used by one thread at a time; it may move between
 *   threads. hush_last_error() is per thread. Freeing a handle must not
 *   race with its use.
 */
#ifndef HUSH_H
#define HUSH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. */
enum hush_status {
    HUSH_OK = 0,
    HUSH_ERR_NULL = 1,    /* a pointer argument that must not be NULL was NULL */
    HUSH_ERR_INVALID = 2, /* text not UTF-8, unknown style, length too large */
    HUSH_ERR_IO = 3,      /* a rule file could not be read */
    HUSH_ERR_RULES = 4,   /* a rule file does not parse or a rule is invalid */
    HUSH_ERR_CONFIG = 5,  /* a builder setting is invalid (an unknown rule id) */
    HUSH_ERR_SECRET = 6,  /* a known secret was refused (shorter than 6 bytes) */
    HUSH_ERR_PANIC = 7,   /* internal error caught; the call had no effect */
    HUSH_ERR_STREAM = 8   /* stream unusable after an earlier HUSH_ERR_PANIC */
};

/* Redaction styles for hush_builder_redaction. */
enum hush_redaction {
    HUSH_REDACTION_LABEL = 0,      /* [REDACTED:<rule-id>], the default */
    HUSH_REDACTION_MASK = 1,       /* provider prefix kept: ghp_[REDACTED] */
    HUSH_REDACTION_FINGERPRINT = 2 /* [REDACTED:<rule-id>:<16 hex digits>] */
};

/* Compiled rules and a live set of known secrets. Opaque. */
typedef struct hush_scrubber hush_scrubber;
/* Chooses the rules of a scrubber. Opaque. */
typedef struct hush_builder hush_builder;
/* A push stream: bytes in, the bytes that may leave out. Opaque. */
typedef struct hush_stream hush_stream;

/* A secret found by hush_find: the rule and where, never the value. */
typedef struct hush_finding {
    const char *rule; /* rule id, NUL-terminated, owned by the array */
    size_t start;     /* byte offset of the secret in the input */
    size_t end;       /* end of the secret (exclusive) */
} hush_finding;

/* ---- Errors and version ------------------------------------------------ */

/* The message of the last failed call on this thread, NUL-terminated, one
 * line; "" if none failed. Owned by hush: valid until the next failing
 * call on the same thread; do not free. */
const char *hush_last_error(void);

/* This library's version, e.g. "0.1.0". Static; do not free. */
const char *hush_version(void);

/* ---- Scrubber ---------------------------------------------------------- */

/* A new scrubber with the embedded default rules and its own, empty set of
 * known secrets; NULL on error. The caller owns it: free with
 * hush_scrubber_free. Building one takes tens of milliseconds: make one
 * and share it between threads rather than one per call. */
hush_scrubber *hush_scrubber_new(void);

/* Frees a scrubber; NULL is a no-op. Streams made from it stay valid (each
 * keeps what it needs). */
void hush_scrubber_free(hush_scrubber *s);

/* Scrubs `len` bytes at `in`. 0 = ok: `*out` is a new buffer of `*out_len`
 * bytes (NULL if empty) that the caller frees with hush_free. */
int hush_scrub(const hush_scrubber *s, const uint8_t *in, size_t len,
               uint8_t **out, size_t *out_len);

/* Frees a buffer from hush_scrub or a hush_stream_* call, with the length
 * returned with it. NULL is a no-op. */
void hush_free(uint8_t *buf, size_t len);

/* Finds the secrets in `len` bytes at `in`, sorted by position: `*out` is a
 * new array of `*count` findings (NULL if none) that the caller frees with
 * hush_findings_free. Findings of different rules may overlap. */
int hush_find(const hush_scrubber *s, const uint8_t *in, size_t len,
              hush_finding **out, size_t *count);

/* Frees an array from hush_find, rule ids included. NULL is a no-op. */
void hush_findings_free(hush_finding *findings, size_t count);

/* ---- Known secrets ----------------------------------------------------- */

/* Adds a secret value (`len` bytes, at least 6) to the scrubber's live set:
 * from now on it, and its common encodings (base64, URL, JSON escapes), are
 * redacted by this scrubber and by every stream made from it, including
 * streams already open. Adding a value twice is harmless. hush copies the
 * value. HUSH_ERR_SECRET if it is too short. */
int hush_known_add(const hush_scrubber *s, const uint8_t *value, size_t len);

/* Adds `count` values at once (`values[i]` of `lens[i]` bytes), cheaper
 * than one by one: all of them, or none if one is refused. */
int hush_known_add_many(const hush_scrubber *s, const uint8_t *const *values,
                        const size_t *lens, size_t count);

/* How many known secrets the scrubber holds, in `*count`. */
int hush_known_count(const hush_scrubber *s, size_t *count);

/* Compiles now what scrubs would otherwise compile on first use (each
 * rule's regex, allowlists and split, the keyword groups' DFAs), so that no
 * later scrub pauses for it: a few hundred milliseconds of CPU for the
 * defaults. Call it on a thread of your own; the scrubber can be used from
 * other threads meanwhile. */
int hush_scrubber_warm_up(const hush_scrubber *s);

/* ---- Builder ----------------------------------------------------------- */

/* A builder starting from the embedded default rules; NULL on error. The
 * caller owns it: free with hush_builder_free. */
hush_builder *hush_builder_new(void);

/* Frees a builder; NULL is a no-op. Scrubbers it built stay valid. */
void hush_builder_free(hush_builder *b);

/* Whether to include the embedded default rules (non-zero: yes, the
 * default). */
int hush_builder_defaults(hush_builder *b, int yes);

/* Adds the rules of a rule file's text: `len` bytes of UTF-8 TOML at
 * `text` (need not be NUL-terminated). `name` (NUL-terminated) stands for
 * the file in error messages. hush copies both. The rules are checked by
 * hush_builder_build. */
int hush_builder_add_rules(hush_builder *b, const char *name,
                           const char *text, size_t len);

/* Adds the rule file at `path` (NUL-terminated, UTF-8), read by
 * hush_builder_build. */
int hush_builder_add_rules_file(hush_builder *b, const char *path);

/* Registers a known secret (`len` bytes; hush copies it). A value shorter
 * than 6 bytes makes hush_builder_build fail with HUSH_ERR_SECRET. */
int hush_builder_known_secret(hush_builder *b, const uint8_t *value,
                              size_t len);

/* How secrets are replaced: one of enum hush_redaction. */
int hush_builder_redaction(hush_builder *b, int style);

/* Replaces every secret with fixed text (`len` bytes of UTF-8). */
int hush_builder_redaction_text(hush_builder *b, const char *text,
                                size_t len);

/* The key for HUSH_REDACTION_FINGERPRINT (at least 16 random bytes; hush
 * copies it). Without one, a random key per process. */
int hush_builder_fingerprint_key(hush_builder *b, const uint8_t *key,
                                 size_t len);

/* Turns a rule off, by id (NUL-terminated). An unknown id makes
 * hush_builder_build fail with HUSH_ERR_CONFIG. */
int hush_builder_disable_rule(hush_builder *b, const char *id);

/* Turns a rule on again after hush_builder_disable_category. */
int hush_builder_enable_rule(hush_builder *b, const char *id);

/* Turns off every rule of a category (NUL-terminated). */
int hush_builder_disable_category(hush_builder *b, const char *category);

/* Loads, checks and compiles the rules. 0 = ok: `*out` is a new scrubber
 * the caller frees with hush_scrubber_free; NULL on error. The builder is
 * unchanged and still owned by the caller. */
int hush_builder_build(const hush_builder *b, hush_scrubber **out);

/* ---- Stream ------------------------------------------------------------ */

/* A new stream scrubbed by `s`; NULL on error. The caller owns it: free
 * with hush_stream_free. `s` may be freed before the stream. Over all
 * calls, a stream's output is hush_scrub of everything pushed, however the
 * input was split (an idle release may split a redaction in two, never
 * reveal a secret). */
hush_stream *hush_stream_new(const hush_scrubber *s);

/* Frees a stream; NULL is a no-op. Bytes it still holds are discarded, not
 * returned: call hush_stream_finish first to get them. */
void hush_stream_free(hush_stream *st);

/* Pushes `len` bytes at `in`. 0 = ok: `*out` is what may now leave,
 * scrubbed (every complete line unless a multi-line secret is in
 * progress), a new buffer of `*out_len` bytes (NULL if empty) that the
 * caller frees with hush_free. After hush_stream_finish, a push starts a
 * new input. */
int hush_stream_push(hush_stream *st, const uint8_t *in, size_t len,
                     uint8_t **out, size_t *out_len);

/* Call during a pause in the input (no bytes for a while) so that a prompt
 * shows: `*out` is the unfinished line up to where a secret could still be
 * in progress; never a byte that could belong to one. Ownership as for
 * hush_stream_push. */
int hush_stream_release_idle(hush_stream *st, uint8_t **out,
                             size_t *out_len);

/* Ends the input: `*out` is everything still held, scrubbed. Ownership as
 * for hush_stream_push. */
int hush_stream_finish(hush_stream *st, uint8_t **out, size_t *out_len);

/* How many bytes have been pushed but not yet returned, in `*held`. */
int hush_stream_held(const hush_stream *st, size_t *held);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HUSH_H */
