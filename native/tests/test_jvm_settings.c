/* Unit tests of jvm_settings.c: its keys are those of native/config_keys.txt (the Java runtime's
 * SettingsKeysTest checks its list against the same file), and a frame with every setting
 * decodes to every key with its value. argv[1]: the path of config_keys.txt. */
#include "jvm_settings.h"

#include <stdio.h>
#include <string.h>

static int failures, passes;

#define CHECK(cond) do { if (cond) { passes++; } else { failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

/* The keys of the shared list, in order, against jvm_setting_keys. */
static void keys_match_the_shared_list(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];
    int k = 0;
    CHECK(f != NULL);
    if (!f) {
        return;
    }
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#') {
            continue;
        }
        CHECK(k < JVM_SET_COUNT);
        if (k < JVM_SET_COUNT && strcmp(line, jvm_setting_keys[k]) != 0) {
            fprintf(stderr, "key %d: config_keys.txt has %s, jvm_settings.c %s\n", k, line, jvm_setting_keys[k]);
            failures++;
        }
        k++;
    }
    fclose(f);
    CHECK(k == JVM_SET_COUNT);
}

static void every_setting_is_written(void)
{
    jvm_settings s;
    unsigned char buf[4096];
    char values[JVM_SET_COUNT][32];
    static const unsigned char raw[4] = { 0, 0xff, '=', 0x80 };
    jvm_fw w;
    jvm_fr r;
    jvm_settings_init(&s);
    for (int k = 0; k < JVM_SET_COUNT; k++) {
        snprintf(values[k], sizeof values[k], "v%d", k);
        jvm_settings_set(&s, (enum jvm_setting)k, values[k]);
    }
    jvm_settings_set_bytes(&s, JVM_SET_SECRET, raw, sizeof raw); /* bytes, not text */
    jvm_fw_init(&w, buf, sizeof buf);
    jvm_settings_write(&s, &w);
    CHECK(jvm_fw_fits(&w));
    jvm_fr_init(&r, buf, w.len);
    CHECK(jvm_fr_u32(&r) == JVM_SET_COUNT);
    for (int k = 0; k < JVM_SET_COUNT; k++) {
        uint32_t klen = jvm_fr_u32(&r);
        const unsigned char *key = jvm_fr_bytes(&r, klen);
        uint32_t vlen = jvm_fr_u32(&r);
        const unsigned char *value = jvm_fr_bytes(&r, vlen);
        CHECK(key && klen == strlen(jvm_setting_keys[k]) && !memcmp(key, jvm_setting_keys[k], klen));
        if (k == JVM_SET_SECRET) {
            CHECK(value && vlen == sizeof raw && !memcmp(value, raw, sizeof raw));
        } else {
            CHECK(value && vlen == strlen(values[k]) && !memcmp(value, values[k], vlen));
        }
    }
    CHECK(!r.error && r.p == r.end);
}

static void unset_settings_are_not_sent(void)
{
    jvm_settings s;
    unsigned char buf[256], small[8];
    jvm_fw w;
    jvm_fr r;
    size_t needed;
    jvm_settings_init(&s);
    jvm_settings_set(&s, JVM_SET_LOG_LEVEL, "7");
    jvm_settings_set(&s, JVM_SET_CACHE_DIR, NULL);
    jvm_fw_init(&w, buf, sizeof buf);
    jvm_settings_write(&s, &w);
    needed = w.len;
    CHECK(needed == 4 + 4 + strlen("mod_jvm.log_level") + 4 + 1);
    jvm_fr_init(&r, buf, w.len);
    CHECK(jvm_fr_u32(&r) == 1);
    /* a buffer too small: nothing written past it, the size needed counted */
    jvm_fw_init(&w, small, sizeof small);
    jvm_settings_write(&s, &w);
    CHECK(!jvm_fw_fits(&w) && w.len == needed);
}

static void hex(void)
{
    static const unsigned char data[] = { 0x00, 0x1f, 0xa0, 0xff };
    char out[2 * sizeof data + 1];
    jvm_settings_hex(data, sizeof data, out);
    CHECK(strcmp(out, "001fa0ff") == 0);
    jvm_settings_hex(data, 0, out);
    CHECK(out[0] == '\0');
}

int main(int argc, char **argv)
{
    CHECK(argc > 1);
    if (argc > 1) {
        keys_match_the_shared_list(argv[1]);
    }
    every_setting_is_written();
    unset_settings_are_not_sent();
    hex();
    printf("%d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
