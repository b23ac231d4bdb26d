/* jvm_loader: loads libjvm.so at run time (dlopen, never linked) and creates the one JVM of
 * this process on a thread of its own. No httpd dependency. */
#ifndef JVM_LOADER_H
#define JVM_LOADER_H

#include <jni.h>
#include <stddef.h>

/* Log levels, the same numbers as Apache's APLOG_* */
#define JVM_LOG_CRIT 2
#define JVM_LOG_ERR 3
#define JVM_LOG_WARNING 4
#define JVM_LOG_NOTICE 5
#define JVM_LOG_INFO 6
#define JVM_LOG_DEBUG 7

typedef struct jvm_loader_config {
    const char *jvm_home;         /* JDK (or JRE) home holding lib/server/libjvm.so */
    const char *const *options;   /* JavaVMOption strings, in order ("-Xmx64m", "-D…") */
    int option_count;             /* number of options */
    size_t thread_stack_size;     /* stack of the creating thread (bytes) */
    /* One line of the JVM's own output (its vfprintf hook); no trailing newline. */
    void (*log_line)(int level, const char *line);
    /* The JVM is about to exit the process (System.exit, fatal error). */
    void (*on_exit)(int code);
    /* The JVM is about to abort the process. */
    void (*on_abort)(void);
    /* Runs on the creating thread once the JVM exists (register natives, start the runtime).
     * Returns 0, or non-zero with a message in err. */
    int (*on_created)(JNIEnv *env, void *ctx, char *err, size_t errlen);
    void *ctx;                    /* passed to on_created */
} jvm_loader_config;

/* Path of libjvm.so under a JVM home, written into buf. Returns buf. */
char *jvm_loader_libjvm_path(const char *jvm_home, char *buf, size_t len);

/* The version of the JDK at `home` as its `release` file says (JAVA_VERSION="17.0.15"), without
 * starting it: written into buf ("17.0.15"). Returns 0, or -1 when there is no release file,
 * no JAVA_VERSION, or a value that is not made of the characters of a version or does not fit. */
int jvm_loader_java_version(const char *home, char *buf, size_t len);

/* The same version as numbers (17, 0, 15; missing parts 0). Returns 0, or -1 when it cannot
 * be read. */
int jvm_loader_jdk_version(const char *home, int *major, int *minor, int *patch);

/* Whether that JDK has -XX:TrimNativeHeapInterval (17.0.9+, 21.0.1+, 22+). */
int jvm_loader_can_trim_native_heap(const char *home);

/* Creates the JVM (once per process: a JVM cannot be created again after it is destroyed).
 * Returns 0 and sets *vm, or -1 with a message in err. Blocks until on_created returned. */
int jvm_loader_create(const jvm_loader_config *cfg, JavaVM **vm, char *err, size_t errlen);

/* The JNIEnv of the calling thread, attaching it as a daemon thread called `name` when it is
 * not attached yet (then *attached_now = 1). NULL when attaching fails. */
JNIEnv *jvm_loader_attach(JavaVM *vm, const char *name, int *attached_now);

#endif
