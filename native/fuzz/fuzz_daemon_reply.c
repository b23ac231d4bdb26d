/* libFuzzer target: what the Apache side does with the bytes a daemon sends back for one
 * request (docs/internals.md, "Daemon mode: the socket protocol"). The input is the daemon's
 * byte stream. The driver follows converse() in native/mod_jvm_daemon_client.c step by step,
 * minus httpd: jvm_msg_reply_check on each 5-byte header, then the payload of its type —
 * HEAD through jvm_head_decode (only the first head counts, as jvm_response_head), DATA as a
 * flags byte and body bytes held to the head's Content-Length (jvm_response_write), READ's
 * u32 max, LOG's u32 level and text (NUL-terminated copy, level clamped), END's i32 result.
 * Payloads are copied into exactly-sized heap blocks so ASan sees any read past them.
 *
 * Invariants checked: a header that passes jvm_msg_reply_check has a payload of the size its
 * type requires and at most JVM_MSG_MAX - 1 bytes; a stream ends at END, at a refused header,
 * or when it runs out (the connection closed). */
#include "jvm_frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define APLOG_EMERG_ 0
#define APLOG_TRACE8_ 15
#define APLOG_ERR_ 3
#define READ_BUF_ (64 * 1024)

typedef struct response {
    int head_sent, head_invalid;
    long long expected, sent;
    int status;
} response;

static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

/* apply_header in mod_jvm_response.c, minus the tables */
static int apply_header(void *ctx, const jvm_head_field *f)
{
    response *resp = ctx;
    if (f->name_len == 14 && !strncasecmp(f->name, "Content-Length", 14)) {
        char digits[32];
        char *end;
        long long n;
        if (f->value_len == 0 || f->value_len >= sizeof digits) {
            return 1;
        }
        memcpy(digits, f->value, f->value_len);
        digits[f->value_len] = '\0';
        errno = 0;
        n = strtoll(digits, &end, 10);
        if (errno || *end || n < 0) {
            return 1;
        }
        if (resp->expected >= 0 && resp->expected != n) {
            return 1;
        }
        resp->expected = n;
    }
    return 0;
}

static void on_head(response *resp, const unsigned char *head, size_t len)
{
    const char *line, *err;
    size_t line_len;
    int status;
    if (resp->head_sent || resp->head_invalid) {
        return;
    }
    if (jvm_head_decode(head, len, &status, &line, &line_len, apply_header, resp, &err, NULL) != 0
        || status < 200) {
        resp->head_invalid = 1;
        resp->expected = -1;
        return;
    }
    resp->status = status;
    resp->head_sent = 1;
}

static int on_data(response *resp, size_t n)
{
    if (!resp->head_sent) {
        return -1;
    }
    if (resp->expected >= 0 && resp->sent + (long long)n > resp->expected) {
        n = (size_t)(resp->expected - resp->sent);
    }
    resp->sent += (long long)n;
    if (resp->expected >= 0 && resp->sent > resp->expected) {
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    response resp = { 0, 0, -1, 0, 0 };
    for (;;) {
        unsigned type = 0;
        uint32_t len = 0;
        if ((size_t)(end - p) < 5) {
            return 0; /* IO_CLOSED */
        }
        if (jvm_msg_reply_check(p, &type, &len) != 0) {
            return 0; /* IO_ERROR: protocol error, connection dropped */
        }
        if (len > JVM_MSG_MAX - 1) {
            abort();
        }
        p += 5;
        if ((size_t)(end - p) < len) {
            return 0; /* the daemon closed mid-message */
        }
        switch (type) {
        case JVM_MSG_HEAD: {
            unsigned char *copy = malloc((size_t)len + 1);
            if (!copy) {
                return 0;
            }
            memcpy(copy, p, len);
            on_head(&resp, copy, len);
            free(copy);
            break;
        }
        case JVM_MSG_DATA: {
            if (len < 1) {
                abort();
            }
            /* converse() streams the bytes in read-buffer-sized pieces */
            size_t body = len - 1, off = 0;
            while (off < body) {
                size_t piece = body - off < READ_BUF_ ? body - off : READ_BUF_;
                if (on_data(&resp, piece) != 0) {
                    break; /* no head yet: the bytes are dropped, as jvm_response_write does */
                }
                off += piece;
            }
            break;
        }
        case JVM_MSG_READ: {
            uint32_t max;
            if (len != 4) {
                abort();
            }
            max = le32(p);
            /* answer_read() reads min(max, its 64 KiB stack buffer) and answers BODY */
            (void)(max < READ_BUF_ ? max : READ_BUF_);
            break;
        }
        case JVM_MSG_LOG: {
            unsigned char *copy;
            int level;
            if (len < 4) {
                abort();
            }
            copy = malloc((size_t)len + 1);
            if (!copy) {
                return 0;
            }
            memcpy(copy, p, len);
            copy[len] = '\0';
            level = (int)le32(copy);
            if (level < APLOG_EMERG_ || level > APLOG_TRACE8_) {
                level = APLOG_ERR_;
            }
            /* ap_log_rerror(..., "%s", copy + 4): a C string inside the block */
            if (strlen((const char *)copy + 4) > len - 4 || level < 0 || level > 15) {
                abort();
            }
            free(copy);
            break;
        }
        case JVM_MSG_END: {
            int result;
            if (len != 4) {
                abort();
            }
            result = (int)(int32_t)le32(p);
            (void)result;
            return 0;
        }
        case JVM_MSG_GOODBYE:
            if (len != 0) {
                abort();
            }
            return 0; /* converse() ends here: the request is sent again */
        default:
            abort(); /* jvm_msg_reply_check let an unknown type through */
        }
        p += len;
    }
}
