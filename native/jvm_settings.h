/* jvm_settings: the settings frame, how the Apache side passes a runtime its settings in both
 * modes (docs/internals.md, "Settings frame"): embedded mode hands it to Bootstrap.init, daemon
 * mode puts it hex-encoded in the daemon's environment (MOD_JVM_SETTINGS). One key/value block;
 * the key names are listed in native/config_keys.txt, which the C and Java unit tests both check
 * their lists against. No httpd dependency. */
#ifndef JVM_SETTINGS_H
#define JVM_SETTINGS_H

#include "jvm_frame.h"

/* In the order of native/config_keys.txt. */
enum jvm_setting {
    /* both modes */
    JVM_SET_VERSION, JVM_SET_PROCESS_GROUP, JVM_SET_MULTITHREAD, JVM_SET_MULTIPROCESS, JVM_SET_LOG_LEVEL,
    JVM_SET_CACHE_DIR, JVM_SET_UID, JVM_SET_JVM_HOME, JVM_SET_REQUEST_TIMEOUT,
    /* daemon mode only */
    JVM_SET_PROCESSES, JVM_SET_THREADS, JVM_SET_MAXIMUM_REQUESTS, JVM_SET_RESTART_INTERVAL,
    JVM_SET_INACTIVITY_TIMEOUT, JVM_SET_GRACEFUL_TIMEOUT, JVM_SET_SHUTDOWN_TIMEOUT, JVM_SET_QUEUE_TIMEOUT,
    JVM_SET_STARTUP_TIMEOUT, JVM_SET_SOCKET, JVM_SET_SOCKET_INODE, JVM_SET_GENERATION, JVM_SET_PRELOADS,
    JVM_SET_SCRIPT_UID, JVM_SET_SCRIPT_USER, JVM_SET_SCRIPT_GID, JVM_SET_SCRIPT_GROUP, JVM_SET_SECRET,
    JVM_SET_PREVIOUS_SECRET, JVM_SET_NEXT_SECRET, JVM_SET_ROUTE, JVM_SET_ROUTE_SOCKET,
    JVM_SET_COUNT
};

/* The key of each setting ("mod_jvm.…"). */
extern const char *const jvm_setting_keys[JVM_SET_COUNT];

/* The values to send; a NULL value is not sent (the runtime uses its default). Values are bytes
 * (len[k] of them), not necessarily text: the secrets are raw, the preloads NUL-separated. */
typedef struct jvm_settings {
    const char *value[JVM_SET_COUNT];
    size_t len[JVM_SET_COUNT];
} jvm_settings;

void jvm_settings_init(jvm_settings *s);
/* A NUL-terminated value (NULL: not sent). */
void jvm_settings_set(jvm_settings *s, enum jvm_setting k, const char *value);
void jvm_settings_set_bytes(jvm_settings *s, enum jvm_setting k, const void *value, size_t len);

/* Writes the frame (u32 count, then the set values as key/value entries) to w; as every jvm_fw
 * write, w->len tells the size needed when the buffer was too small. */
void jvm_settings_write(const jvm_settings *s, jvm_fw *w);

/* Hex (lower case) of data into out, NUL-terminated; out must hold 2 * len + 1 bytes. */
void jvm_settings_hex(const unsigned char *data, size_t len, char *out);

#endif
