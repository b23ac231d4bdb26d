/* libFuzzer target: jvm_head_decode, the response head a daemon (HEAD message) or the embedded
 * runtime (Natives.write) hands to C. The input is the head's bytes, exactly as received.
 *
 * Checks beyond "no crash, no out-of-bounds read" (ASan/UBSan):
 *  - every field handed to the callback lies inside the input and passes the header checks;
 *  - a head that decodes re-encodes (jvm_fw) to exactly the input bytes (trailing bytes are
 *    refused, so the encoding is unique): nothing was skipped or read twice;
 *  - a head that fails sets an error text; a callback that refuses a field makes it fail. */
#include "jvm_frame.h"

#include <stdlib.h>
#include <string.h>

typedef struct seen {
    const unsigned char *data;
    size_t len;
    jvm_fw fields_w;   /* re-encoding of the fields, in order */
    uint32_t fields;
    int stop_at;       /* the callback refuses field number stop_at (-1: never) */
} seen;

static void inside(const seen *s, const char *p, size_t n)
{
    if (n && ((const unsigned char *)p < s->data || (const unsigned char *)p + n > s->data + s->len)) {
        abort();
    }
}

static int on_field(void *ctx, const jvm_head_field *f)
{
    seen *s = ctx;
    inside(s, f->name, f->name_len);
    inside(s, f->value, f->value_len);
    if (!jvm_header_name_valid(f->name, f->name_len) || !jvm_header_value_valid(f->value, f->value_len)
        || jvm_header_is_hop_by_hop(f->name, f->name_len)) {
        abort();
    }
    jvm_fw_kv(&s->fields_w, f->name, f->name_len, f->value, f->value_len);
    return (int)s->fields++ == s->stop_at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seen s;
    int status = 0, code = 0;
    const char *line = NULL, *err = NULL;
    size_t line_len = 0;
    jvm_head_field bad = { NULL, 0, NULL, 0 };
    unsigned char *fields = malloc(size + 1), *whole = malloc(size + 1);
    int rc;

    if (!fields || !whole) {
        free(fields);
        free(whole);
        return 0;
    }
    memset(&s, 0, sizeof s);
    s.data = data;
    s.len = size;
    s.stop_at = -1;
    jvm_fw_init(&s.fields_w, fields, size + 1);
    rc = jvm_head_decode(data, size, &status, &line, &line_len, on_field, &s, &err, &bad);
    if (rc == 0) {
        jvm_fw w;
        inside(&s, line, line_len);
        if (!jvm_status_line_valid(line, line_len, &code) || code != status || status < 100 || status > 999) {
            abort();
        }
        jvm_fw_init(&w, whole, size + 1);
        jvm_fw_u32(&w, (uint32_t)status);
        jvm_fw_u32(&w, (uint32_t)line_len);
        jvm_fw_bytes(&w, line, line_len);
        jvm_fw_u32(&w, s.fields);
        jvm_fw_bytes(&w, fields, s.fields_w.len);
        if (!jvm_fw_fits(&s.fields_w) || w.len != size || memcmp(whole, data, size) != 0) {
            abort();
        }
        if (s.fields > 0) {
            seen refuse = s;
            refuse.fields = 0;
            refuse.stop_at = (int)(size % s.fields);
            jvm_fw_init(&refuse.fields_w, fields, size + 1);
            if (jvm_head_decode(data, size, &status, &line, &line_len, on_field, &refuse, &err, &bad) != -1
                || !err) {
                abort();
            }
        }
    } else {
        if (rc != -1 || !err || !*err) {
            abort();
        }
        if (bad.name) { /* set for a bad status line or field: it points into the input */
            inside(&s, bad.name, bad.name_len);
            inside(&s, bad.value, bad.value_len);
        }
    }
    free(fields);
    free(whole);
    return 0;
}
