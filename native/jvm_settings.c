/* jvm_settings: see jvm_settings.h and docs/internals.md ("Settings frame"). */
#include "jvm_settings.h"

#include <string.h>

/* Keep in the order of enum jvm_setting and native/config_keys.txt (test_jvm_settings checks). */
const char *const jvm_setting_keys[JVM_SET_COUNT] = {
    "mod_jvm.version",
    "mod_jvm.process_group",
    "mod_jvm.multithread",
    "mod_jvm.multiprocess",
    "mod_jvm.log_level",
    "mod_jvm.cache_dir",
    "mod_jvm.uid",
    "mod_jvm.jvm_home",
    "mod_jvm.request_timeout",
    "mod_jvm.daemon.processes",
    "mod_jvm.daemon.threads",
    "mod_jvm.daemon.maximum_requests",
    "mod_jvm.daemon.restart_interval",
    "mod_jvm.daemon.inactivity_timeout",
    "mod_jvm.daemon.graceful_timeout",
    "mod_jvm.daemon.shutdown_timeout",
    "mod_jvm.daemon.queue_timeout",
    "mod_jvm.daemon.startup_timeout",
    "mod_jvm.daemon.socket",
    "mod_jvm.daemon.socket_inode",
    "mod_jvm.daemon.generation",
    "mod_jvm.daemon.preloads",
    "mod_jvm.daemon.script_uid",
    "mod_jvm.daemon.script_user",
    "mod_jvm.daemon.script_gid",
    "mod_jvm.daemon.script_group",
    "mod_jvm.daemon.secret",
    "mod_jvm.daemon.previous_secret",
    "mod_jvm.daemon.next_secret",
    "mod_jvm.daemon.route",
    "mod_jvm.daemon.route_socket",
};

void jvm_settings_init(jvm_settings *s)
{
    memset(s, 0, sizeof *s);
}

void jvm_settings_set(jvm_settings *s, enum jvm_setting k, const char *value)
{
    jvm_settings_set_bytes(s, k, value, value ? strlen(value) : 0);
}

void jvm_settings_set_bytes(jvm_settings *s, enum jvm_setting k, const void *value, size_t len)
{
    if ((unsigned)k < JVM_SET_COUNT) {
        s->value[k] = value;
        s->len[k] = value ? len : 0;
    }
}

void jvm_settings_write(const jvm_settings *s, jvm_fw *w)
{
    size_t count_at = w->len;
    uint32_t count = 0;
    jvm_fw_u32(w, 0);
    for (int k = 0; k < JVM_SET_COUNT; k++) {
        if (s->value[k]) {
            jvm_fw_kv(w, jvm_setting_keys[k], strlen(jvm_setting_keys[k]), s->value[k], s->len[k]);
            count++;
        }
    }
    jvm_fw_patch_u32(w, count_at, count);
}

void jvm_settings_hex(const unsigned char *data, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * len] = '\0';
}
