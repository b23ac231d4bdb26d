/* libFuzzer target: the frame writer (jvm_fw_*) that builds request frames and message
 * headers, and the reader (jvm_fr_*) over what it wrote. The input is a small program:
 *   byte 0      the buffer size for the first pass (0..255)
 *   then ops    0: u32 (4 bytes follow)   1: i64 (8)   2: bytes (1 length byte, then that
 *               many)   3: kv (2 length bytes, then key and value)   4: patch the u32 at
 *               offset (1 byte) with the next 4 bytes.
 * The frame is written into the small buffer, then (as the callers do when it did not fit)
 * into one of exactly the reported length. Checks: the writer never writes past its buffer
 * (ASan, with exactly-sized blocks), the reported length is the same for both passes, the
 * small buffer holds the same prefix as the big one when it fitted, and the reader reads back
 * every value and then stops at the end with its error flag set. */
#include "jvm_frame.h"

#include <stdlib.h>
#include <string.h>

static int patched; /* the write pass patched a u32 */

static size_t run(const uint8_t *ops, size_t n, jvm_fw *w, int check, jvm_fr *r)
{
    size_t i = 0;
    while (i < n) {
        uint8_t op = ops[i++] % 5;
        switch (op) {
        case 0: {
            uint32_t v;
            if (n - i < 4) {
                return i;
            }
            memcpy(&v, ops + i, 4);
            i += 4;
            if (w) {
                jvm_fw_u32(w, v);
            } else if (jvm_fr_u32(r) != v && check) {
                abort();
            }
            break;
        }
        case 1: {
            int64_t v;
            if (n - i < 8) {
                return i;
            }
            memcpy(&v, ops + i, 8);
            i += 8;
            if (w) {
                jvm_fw_i64(w, v);
            } else if (jvm_fr_i64(r) != v && check) {
                abort();
            }
            break;
        }
        case 2: {
            size_t len;
            if (n - i < 1) {
                return i;
            }
            len = ops[i++];
            if (n - i < len) {
                return i;
            }
            if (w) {
                jvm_fw_bytes(w, ops + i, len);
            } else {
                const unsigned char *b = jvm_fr_bytes(r, len);
                if (check && (!b || (len && memcmp(b, ops + i, len) != 0))) {
                    abort();
                }
            }
            i += len;
            break;
        }
        case 3: {
            size_t kl, vl;
            if (n - i < 2) {
                return i;
            }
            kl = ops[i] & 0x3f;
            vl = ops[i + 1];
            i += 2;
            if (n - i < kl + vl) {
                return i;
            }
            if (w) {
                jvm_fw_kv(w, (const char *)ops + i, kl, (const char *)ops + i + kl, vl);
            } else {
                uint32_t k = jvm_fr_u32(r);
                const unsigned char *kb = jvm_fr_bytes(r, k);
                uint32_t v = jvm_fr_u32(r);
                const unsigned char *vb = jvm_fr_bytes(r, v);
                if (check && (k != kl || v != vl || !kb || !vb || memcmp(kb, ops + i, kl) != 0
                              || memcmp(vb, ops + i + kl, vl) != 0)) {
                    abort();
                }
            }
            i += kl + vl;
            break;
        }
        case 4: {
            uint32_t v;
            size_t at;
            if (n - i < 5) {
                return i;
            }
            at = ops[i];
            memcpy(&v, ops + i + 1, 4);
            i += 5;
            if (w) {
                jvm_fw_patch_u32(w, at, v);
                patched = 1;
            }
            /* patches make the read-back check meaningless: the caller turns checking off */
            break;
        }
        }
    }
    return i;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap;
    unsigned char *small, *big;
    jvm_fw w1, w2;
    jvm_fr r;

    if (size < 1) {
        return 0;
    }
    cap = data[0];
    patched = 0;
    small = malloc(cap ? cap : 1);
    if (!small) {
        return 0;
    }
    jvm_fw_init(&w1, small, cap);
    run(data + 1, size - 1, &w1, 0, NULL);

    big = malloc(w1.len ? w1.len : 1);
    if (!big) {
        free(small);
        return 0;
    }
    jvm_fw_init(&w2, big, w1.len);
    run(data + 1, size - 1, &w2, 0, NULL);
    if (w2.len != w1.len || !jvm_fw_fits(&w2)) {
        abort();
    }
    if (jvm_fw_fits(&w1) && memcmp(small, big, w1.len) != 0) {
        abort();
    }
    jvm_fr_init(&r, big, w2.len);
    run(data + 1, size - 1, NULL, !patched, &r);
    if (!patched && (r.error || r.p != r.end)) {
        abort();
    }
    /* past the end: NULL/zero and the error flag, however far the read pass got */
    if (jvm_fr_bytes(&r, w2.len + 1) != NULL || !r.error || jvm_fr_u32(&r) != 0 || jvm_fr_i64(&r) != 0) {
        abort();
    }
    free(small);
    free(big);
    return 0;
}
