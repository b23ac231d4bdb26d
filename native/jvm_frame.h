/* jvm_frame: the byte layout of requests and response heads exchanged with the Java runtime,
 * in embedded mode (through a direct ByteBuffer) and in daemon mode (over a UNIX socket).
 * No httpd dependency. The layout is specified in docs/internals.md. */
#ifndef JVM_FRAME_H
#define JVM_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define JVM_FRAME_MAGIC 0x4D4A5631u /* "MJV1" */

#define JVM_FRAME_FLAG_RELOAD   0x1u /* script reloading is on */
#define JVM_FRAME_FLAG_HAS_BODY 0x2u /* the request has a body */
#define JVM_FRAME_FLAG_HEADER_ONLY 0x4u /* HEAD (r->header_only): Apache sends no body */
#define JVM_FRAME_FLAG_WEB_APPLICATION 0x8u /* SCRIPT_FILENAME is a web application (servlet engine);
                                               its request headers come as they arrived, in
                                               mod_jvm.headers, not as HTTP_* variables */

/* Daemon mode: messages on the socket (docs/internals.md), each `u32 length` (of type and
 * payload), `u8 type`, payload. */
#define JVM_MSG_HELLO_MAGIC 0x4D4A4431u /* "MJD1" */
#define JVM_MSG_SECRET_LEN 32
#define JVM_MSG_MAX (16u * 1024 * 1024)
enum jvm_msg_type {
    JVM_MSG_HELLO = 1,      /* Apache → daemon: magic, secret */
    JVM_MSG_REQUEST = 2,    /* Apache → daemon: request frame */
    JVM_MSG_HEAD = 3,       /* daemon → Apache: response head */
    JVM_MSG_DATA = 4,       /* daemon → Apache: u8 flags (1: flush), bytes */
    JVM_MSG_READ = 5,       /* daemon → Apache: u32 max */
    JVM_MSG_BODY = 6,       /* Apache → daemon: bytes (empty: end of body) */
    JVM_MSG_BODY_ERROR = 7, /* Apache → daemon: the body cannot be read */
    JVM_MSG_LOG = 8,        /* daemon → Apache: u32 level, UTF-8 text */
    JVM_MSG_END = 9,        /* daemon → Apache: i32 result */
    JVM_MSG_GOODBYE = 10    /* daemon → Apache: the connection closes; a request sent on it was not read */
};

/* Writes a message header (5 bytes) for a payload of `payload_len` bytes. */
void jvm_msg_header(unsigned char out[5], unsigned type, size_t payload_len);

/* Checks the header (5 bytes: u32 length, u8 type) of a message from a daemon to Apache: the
 * length is 1..JVM_MSG_MAX, the type is HEAD, DATA, READ, LOG or END, and the payload fits its
 * type (DATA: at least the flags byte; READ, END: exactly 4 bytes; LOG: at least the level).
 * Returns 0 with *type and *payload_len (bytes after the type) set, or -1: a protocol error,
 * the connection must be dropped. */
int jvm_msg_reply_check(const unsigned char head[5], unsigned *type, uint32_t *payload_len);

/* A frame writer over a caller-owned buffer. Writing never overflows: once the buffer is
 * full, `len` keeps counting the bytes that would have been written, so the caller can grow
 * the buffer to `len` and write the frame again. */
typedef struct jvm_fw {
    unsigned char *buf; /* the buffer */
    size_t cap;         /* its size */
    size_t len;         /* bytes written (or needed, when > cap) */
} jvm_fw;

void jvm_fw_init(jvm_fw *w, void *buf, size_t cap);
void jvm_fw_u32(jvm_fw *w, uint32_t v);
void jvm_fw_i64(jvm_fw *w, int64_t v);
void jvm_fw_bytes(jvm_fw *w, const void *data, size_t n);
void jvm_fw_kv(jvm_fw *w, const char *key, size_t klen, const char *value, size_t vlen);
void jvm_fw_kv_str(jvm_fw *w, const char *key, const char *value);
/* Overwrites a u32 already written at `offset` (e.g. a count known only at the end). */
void jvm_fw_patch_u32(jvm_fw *w, size_t offset, uint32_t v);
int jvm_fw_fits(const jvm_fw *w);

/* A frame reader: every read is bounds-checked; after the first short read `error` is set
 * and all further reads return zero/NULL. */
typedef struct jvm_fr {
    const unsigned char *p;   /* next byte */
    const unsigned char *end; /* one past the last byte */
    int error;                /* set once a read ran past the end */
} jvm_fr;

void jvm_fr_init(jvm_fr *r, const void *data, size_t len);
uint32_t jvm_fr_u32(jvm_fr *r);
int64_t jvm_fr_i64(jvm_fr *r);
/* Returns a pointer to the next n bytes inside the frame, or NULL. */
const unsigned char *jvm_fr_bytes(jvm_fr *r, size_t n);

/* Header checks shared by both modes (RFC 9110 tokens; no CR, LF, NUL or other controls). */
int jvm_header_name_valid(const char *name, size_t len);
int jvm_header_value_valid(const char *value, size_t len);
int jvm_header_is_hop_by_hop(const char *name, size_t len);
/* "ddd reason": three digits (100-999), a space, then visible text; or "ddd" alone (the web
 * server supplies the reason phrase). Sets *code. */
int jvm_status_line_valid(const char *line, size_t len, int *code);

/* The decoded response head. Strings point into the frame and are NOT NUL-terminated. */
typedef struct jvm_head_field {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} jvm_head_field;

typedef int (*jvm_head_field_fn)(void *ctx, const jvm_head_field *field);

/* Decodes and validates a response head. Calls `on_field` for each header in order (stops
 * and returns its non-zero result). Returns 0 on success, -1 with *err set to a static
 * description when the head is malformed or a header is invalid; *bad (if not NULL) then
 * points at the offending field (name may be empty). */
int jvm_head_decode(const void *data, size_t len, int *status,
                    const char **status_line, size_t *status_line_len,
                    jvm_head_field_fn on_field, void *ctx,
                    const char **err, jvm_head_field *bad);

#endif
