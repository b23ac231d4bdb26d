/* Unit tests of jvm_frame.c (the byte layout shared with the Java runtime). */
#include "jvm_frame.h"

#include <stdio.h>
#include <string.h>

static int failures, passes;

#define CHECK(cond) do { if (cond) { passes++; } else { failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static size_t head(unsigned char *buf, size_t cap, unsigned code, const char *status,
                   const char *const *kv, unsigned n)
{
    jvm_fw w;
    jvm_fw_init(&w, buf, cap);
    jvm_fw_u32(&w, code);
    jvm_fw_u32(&w, (uint32_t)strlen(status));
    jvm_fw_bytes(&w, status, strlen(status));
    jvm_fw_u32(&w, n);
    for (unsigned i = 0; i < n; i++) {
        jvm_fw_kv_str(&w, kv[2 * i], kv[2 * i + 1]);
    }
    return w.len;
}

static int count_field(void *ctx, const jvm_head_field *f)
{
    (*(int *)ctx)++;
    return 0;
}

static int decode(const unsigned char *buf, size_t len, const char **err, int *fields)
{
    int status;
    const char *sl;
    size_t sll;
    *fields = 0;
    return jvm_head_decode(buf, len, &status, &sl, &sll, count_field, fields, err, NULL);
}

int main(void)
{
    unsigned char buf[512];
    const char *err;
    int fields, code;
    size_t n;

    /* writer: little-endian, counts past the end without writing */
    {
        unsigned char small[6];
        jvm_fw w;
        jvm_fw_init(&w, small, sizeof small);
        jvm_fw_u32(&w, 0x01020304u);
        CHECK(small[0] == 4 && small[3] == 1);
        jvm_fw_u32(&w, 7);
        CHECK(w.len == 8 && !jvm_fw_fits(&w));
    }
    /* reader: bounds */
    {
        jvm_fr r;
        unsigned char b[5] = { 1, 0, 0, 0, 9 };
        jvm_fr_init(&r, b, sizeof b);
        CHECK(jvm_fr_u32(&r) == 1);
        CHECK(jvm_fr_u32(&r) == 0 && r.error);
        CHECK(jvm_fr_bytes(&r, 1) == NULL);
    }
    /* a good head */
    {
        const char *kv[] = { "Content-Type", "text/plain", "X-A", "b\tc" };
        n = head(buf, sizeof buf, 200, "200 OK", kv, 2);
        CHECK(decode(buf, n, &err, &fields) == 0 && fields == 2);
    }
    /* response splitting and friends */
    {
        const char *crlf[] = { "X-A", "b\r\nSet-Cookie: x=1" };
        const char *lf[] = { "X-A", "b\nc" };
        const char *nul_name[] = { "X A", "b" };
        const char *empty[] = { "", "b" };
        const char *hop[] = { "transfer-encoding", "chunked" };
        const char *conn[] = { "Connection", "close" };
        n = head(buf, sizeof buf, 200, "200 OK", crlf, 1);
        CHECK(decode(buf, n, &err, &fields) != 0 && strstr(err, "value"));
        n = head(buf, sizeof buf, 200, "200 OK", lf, 1);
        CHECK(decode(buf, n, &err, &fields) != 0);
        n = head(buf, sizeof buf, 200, "200 OK", nul_name, 1);
        CHECK(decode(buf, n, &err, &fields) != 0 && strstr(err, "name"));
        n = head(buf, sizeof buf, 200, "200 OK", empty, 1);
        CHECK(decode(buf, n, &err, &fields) != 0);
        n = head(buf, sizeof buf, 200, "200 OK", hop, 1);
        CHECK(decode(buf, n, &err, &fields) != 0 && strstr(err, "hop-by-hop"));
        n = head(buf, sizeof buf, 200, "200 OK", conn, 1);
        CHECK(decode(buf, n, &err, &fields) != 0);
    }
    /* status lines */
    CHECK(jvm_status_line_valid("404 Not Found", 13, &code) && code == 404);
    CHECK(jvm_status_line_valid("200", 3, &code) && code == 200); /* code alone: Apache's reason */
    CHECK(!jvm_status_line_valid("20x", 3, &code));
    CHECK(!jvm_status_line_valid("099", 3, &code));
    CHECK(!jvm_status_line_valid("200 ", 4, &code));
    CHECK(!jvm_status_line_valid("20x OK", 6, &code));
    CHECK(!jvm_status_line_valid("200 OK\r\nX: y", 12, &code));
    CHECK(!jvm_status_line_valid("099 Low", 7, &code));
    n = head(buf, sizeof buf, 201, "200 OK", NULL, 0);
    CHECK(decode(buf, n, &err, &fields) != 0);
    /* truncated and trailing */
    n = head(buf, sizeof buf, 200, "200 OK", NULL, 0);
    CHECK(decode(buf, n - 1, &err, &fields) != 0);
    CHECK(decode(buf, n + 1, &err, &fields) != 0);
    {
        /* a count far beyond the data must not read past it */
        jvm_fw w;
        jvm_fw_init(&w, buf, sizeof buf);
        jvm_fw_u32(&w, 200);
        jvm_fw_u32(&w, 6);
        jvm_fw_bytes(&w, "200 OK", 6);
        jvm_fw_u32(&w, 0xFFFFFFFFu);
        jvm_fw_u32(&w, 0xFFFFFFF0u);
        CHECK(decode(buf, w.len, &err, &fields) != 0 && strstr(err, "truncated"));
    }
    /* daemon → Apache message headers (jvm_msg_reply_check) */
    {
        unsigned char h[5];
        unsigned type = 0;
        uint32_t plen = 0;
        jvm_msg_header(h, JVM_MSG_END, 4);
        CHECK(jvm_msg_reply_check(h, &type, &plen) == 0 && type == JVM_MSG_END && plen == 4);
        jvm_msg_header(h, JVM_MSG_GOODBYE, 0);
        CHECK(jvm_msg_reply_check(h, &type, &plen) == 0 && type == JVM_MSG_GOODBYE && plen == 0);
        jvm_msg_header(h, JVM_MSG_GOODBYE, 1);
        CHECK(jvm_msg_reply_check(h, &type, &plen) != 0);
        jvm_msg_header(h, JVM_MSG_END, 3);
        CHECK(jvm_msg_reply_check(h, &type, &plen) != 0);
        jvm_msg_header(h, JVM_MSG_READ, 5);
        CHECK(jvm_msg_reply_check(h, &type, &plen) != 0);
        jvm_msg_header(h, JVM_MSG_DATA, 0);
        CHECK(jvm_msg_reply_check(h, &type, &plen) != 0);
        jvm_msg_header(h, JVM_MSG_DATA, 1);
        CHECK(jvm_msg_reply_check(h, &type, &plen) == 0 && plen == 1);
        jvm_msg_header(h, JVM_MSG_LOG, 3);
        CHECK(jvm_msg_reply_check(h, &type, &plen) != 0);
        jvm_msg_header(h, JVM_MSG_HEAD, 0);
        CHECK(jvm_msg_reply_check(h, &type, &plen) == 0 && type == JVM_MSG_HEAD && plen == 0);
        jvm_msg_header(h, JVM_MSG_HEAD, JVM_MSG_MAX - 1);
        CHECK(jvm_msg_reply_check(h, &type, &plen) == 0 && plen == JVM_MSG_MAX - 1);
        jvm_msg_header(h, JVM_MSG_HEAD, JVM_MSG_MAX);
        CHECK(jvm_msg_reply_check(h, &type, &plen) != 0);
        /* Apache → daemon types and unknown ones are refused; so is a zero length */
        jvm_msg_header(h, JVM_MSG_BODY, 0);
        CHECK(jvm_msg_reply_check(h, &type, &plen) != 0);
        jvm_msg_header(h, 0, 0);
        CHECK(jvm_msg_reply_check(h, &type, &plen) != 0);
        memset(h, 0, 4);
        h[4] = JVM_MSG_HEAD;
        CHECK(jvm_msg_reply_check(h, &type, &plen) != 0);
    }
    printf("%d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
