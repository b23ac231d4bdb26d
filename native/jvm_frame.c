/* jvm_frame: see jvm_frame.h and docs/internals.md. Little-endian on the wire. */
#include "jvm_frame.h"

#include <string.h>
#include <strings.h>

void jvm_fw_init(jvm_fw *w, void *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
}

void jvm_fw_bytes(jvm_fw *w, const void *data, size_t n)
{
    if (w->len <= w->cap && n <= w->cap - w->len && n) {
        memcpy(w->buf + w->len, data, n);
    }
    w->len += n;
}

void jvm_fw_u32(jvm_fw *w, uint32_t v)
{
    unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
                           (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
    jvm_fw_bytes(w, b, 4);
}

void jvm_fw_i64(jvm_fw *w, int64_t v)
{
    uint64_t u = (uint64_t)v;
    unsigned char b[8];
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(u >> (8 * i));
    }
    jvm_fw_bytes(w, b, 8);
}

void jvm_fw_kv(jvm_fw *w, const char *key, size_t klen, const char *value, size_t vlen)
{
    jvm_fw_u32(w, (uint32_t)klen);
    jvm_fw_bytes(w, key, klen);
    jvm_fw_u32(w, (uint32_t)vlen);
    jvm_fw_bytes(w, value, vlen);
}

void jvm_fw_kv_str(jvm_fw *w, const char *key, const char *value)
{
    jvm_fw_kv(w, key, strlen(key), value ? value : "", value ? strlen(value) : 0);
}

void jvm_fw_patch_u32(jvm_fw *w, size_t offset, uint32_t v)
{
    if (offset + 4 <= w->cap && offset + 4 <= w->len) {
        w->buf[offset] = (unsigned char)v;
        w->buf[offset + 1] = (unsigned char)(v >> 8);
        w->buf[offset + 2] = (unsigned char)(v >> 16);
        w->buf[offset + 3] = (unsigned char)(v >> 24);
    }
}

int jvm_fw_fits(const jvm_fw *w)
{
    return w->len <= w->cap;
}

void jvm_msg_header(unsigned char out[5], unsigned type, size_t payload_len)
{
    uint32_t n = (uint32_t)payload_len + 1;
    out[0] = (unsigned char)n;
    out[1] = (unsigned char)(n >> 8);
    out[2] = (unsigned char)(n >> 16);
    out[3] = (unsigned char)(n >> 24);
    out[4] = (unsigned char)type;
}

int jvm_msg_reply_check(const unsigned char head[5], unsigned *type, uint32_t *payload_len)
{
    uint32_t len = (uint32_t)head[0] | ((uint32_t)head[1] << 8) | ((uint32_t)head[2] << 16)
                   | ((uint32_t)head[3] << 24);
    if (len < 1 || len > JVM_MSG_MAX) {
        return -1;
    }
    len -= 1;
    switch (head[4]) {
    case JVM_MSG_HEAD:
        break;
    case JVM_MSG_DATA:
        if (len < 1) {
            return -1;
        }
        break;
    case JVM_MSG_READ:
    case JVM_MSG_END:
        if (len != 4) {
            return -1;
        }
        break;
    case JVM_MSG_LOG:
        if (len < 4) {
            return -1;
        }
        break;
    case JVM_MSG_GOODBYE:
        if (len != 0) {
            return -1;
        }
        break;
    default:
        return -1;
    }
    *type = head[4];
    *payload_len = len;
    return 0;
}

void jvm_fr_init(jvm_fr *r, const void *data, size_t len)
{
    r->p = data;
    r->end = r->p + len;
    r->error = 0;
}

const unsigned char *jvm_fr_bytes(jvm_fr *r, size_t n)
{
    const unsigned char *at = r->p;
    if (r->error || (size_t)(r->end - r->p) < n) {
        r->error = 1;
        return NULL;
    }
    r->p += n;
    return at;
}

uint32_t jvm_fr_u32(jvm_fr *r)
{
    const unsigned char *b = jvm_fr_bytes(r, 4);
    if (!b) {
        return 0;
    }
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

int64_t jvm_fr_i64(jvm_fr *r)
{
    const unsigned char *b = jvm_fr_bytes(r, 8);
    uint64_t u = 0;
    if (!b) {
        return 0;
    }
    for (int i = 7; i >= 0; i--) {
        u = (u << 8) | b[i];
    }
    return (int64_t)u;
}

/* tchar of RFC 9110 section 5.6.2 */
static int is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return 1;
    }
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int jvm_header_name_valid(const char *name, size_t len)
{
    if (len == 0) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (!is_tchar((unsigned char)name[i])) {
            return 0;
        }
    }
    return 1;
}

int jvm_header_value_valid(const char *value, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        /* controls: C0 (but TAB), DEL, and C1 (0x80-0x9f: NEL is a line break to some clients) */
        if ((c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f)) {
            return 0;
        }
    }
    return 1;
}

int jvm_header_is_hop_by_hop(const char *name, size_t len)
{
    static const char *const hop[] = {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", NULL
    };
    for (int i = 0; hop[i]; i++) {
        if (strlen(hop[i]) == len && strncasecmp(hop[i], name, len) == 0) {
            return 1;
        }
    }
    return 0;
}

int jvm_status_line_valid(const char *line, size_t len, int *code)
{
    if (len == 3 && line[0] >= '1' && line[0] <= '9' && line[1] >= '0' && line[1] <= '9'
        && line[2] >= '0' && line[2] <= '9') {
        /* the code alone: Apache's own reason phrase (a servlet engine sends none) */
        *code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        return 1;
    }
    if (len < 5 || line[3] != ' ') {
        return 0;
    }
    for (int i = 0; i < 3; i++) {
        if (line[i] < '0' || line[i] > '9') {
            return 0;
        }
    }
    *code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (*code < 100) {
        return 0;
    }
    return jvm_header_value_valid(line + 4, len - 4);
}

int jvm_head_decode(const void *data, size_t len, int *status,
                    const char **status_line, size_t *status_line_len,
                    jvm_head_field_fn on_field, void *ctx,
                    const char **err, jvm_head_field *bad)
{
    jvm_fr r;
    uint32_t code, slen, count;
    const unsigned char *sl;
    int parsed;

    jvm_fr_init(&r, data, len);
    code = jvm_fr_u32(&r);
    slen = jvm_fr_u32(&r);
    sl = jvm_fr_bytes(&r, slen);
    count = jvm_fr_u32(&r);
    if (r.error) {
        *err = "truncated response head";
        return -1;
    }
    if (!jvm_status_line_valid((const char *)sl, slen, &parsed) || (uint32_t)parsed != code) {
        *err = "invalid status line (must be three digits, a space and a reason)";
        if (bad) {
            bad->name = "";
            bad->name_len = 0;
            bad->value = (const char *)sl;
            bad->value_len = slen;
        }
        return -1;
    }
    *status = (int)code;
    *status_line = (const char *)sl;
    *status_line_len = slen;
    for (uint32_t i = 0; i < count; i++) {
        jvm_head_field f;
        uint32_t n = jvm_fr_u32(&r);
        f.name = (const char *)jvm_fr_bytes(&r, n);
        f.name_len = n;
        n = jvm_fr_u32(&r);
        f.value = (const char *)jvm_fr_bytes(&r, n);
        f.value_len = n;
        if (r.error) {
            *err = "truncated response head";
            return -1;
        }
        if (bad) {
            *bad = f;
        }
        if (!jvm_header_name_valid(f.name, f.name_len)) {
            *err = "invalid header name (must be a non-empty token)";
            return -1;
        }
        if (!jvm_header_value_valid(f.value, f.value_len)) {
            *err = "invalid header value (contains CR, LF, NUL or another control character)";
            return -1;
        }
        if (jvm_header_is_hop_by_hop(f.name, f.name_len)) {
            *err = "hop-by-hop header not allowed from an application";
            return -1;
        }
        if (on_field && on_field(ctx, &f) != 0) {
            *err = "header rejected";
            return -1;
        }
    }
    if (r.p != r.end) {
        *err = "trailing bytes after response head";
        return -1;
    }
    return 0;
}
