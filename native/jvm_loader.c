/* jvm_loader: see jvm_loader.h. */
#include "jvm_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef jint (JNICALL *create_vm_fn)(JavaVM **, void **, void *);

/* The hooks are process-wide: there is one JVM per process. */
static const jvm_loader_config *hooks;

/* The JVM prints through vfprintf in pieces; lines are assembled per thread. */
static __thread char line_buf[1024];
static __thread size_t line_len;

static void flush_line(void)
{
    if (line_len > 0 && hooks && hooks->log_line) {
        line_buf[line_len] = '\0';
        hooks->log_line(JVM_LOG_WARNING, line_buf);
    }
    line_len = 0;
}

static jint JNICALL hook_vfprintf(FILE *fp, const char *format, va_list args)
{
    char chunk[2048];
    int n = vsnprintf(chunk, sizeof chunk, format, args);
    size_t len;
    if (n < 0) {
        return n;
    }
    len = (size_t)n < sizeof chunk ? (size_t)n : sizeof chunk - 1;
    for (size_t i = 0; i < len; i++) {
        if (chunk[i] == '\n') {
            flush_line();
        } else {
            if (line_len >= sizeof line_buf - 1) {
                flush_line();
            }
            line_buf[line_len++] = chunk[i];
        }
    }
    return n;
}

static void JNICALL hook_exit(jint code)
{
    flush_line();
    if (hooks && hooks->on_exit) {
        hooks->on_exit((int)code);
    }
}

static void JNICALL hook_abort(void)
{
    flush_line();
    if (hooks && hooks->on_abort) {
        hooks->on_abort();
    }
}

char *jvm_loader_libjvm_path(const char *jvm_home, char *buf, size_t len)
{
    snprintf(buf, len, "%s/lib/server/libjvm.so", jvm_home);
    return buf;
}

/* JAVA_VERSION's value without its quotes, if it is a plausible version: it ends up in the
 * Server header, so nothing but the characters of a version (17.0.15, 21-ea, 1.8.0_392). */
static int version_value(const char *v, char *buf, size_t len)
{
    size_t n = strcspn(v, "\r\n");
    size_t k = 0;
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v++;
        n -= 2;
    }
    if (n == 0 || n >= len) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || c == '.' || c == '_' || c == '+' || c == '-')) {
            return -1;
        }
        buf[k++] = c;
    }
    buf[k] = '\0';
    return 0;
}

int jvm_loader_java_version(const char *home, char *buf, size_t len)
{
    char path[4096], line[256];
    FILE *f;
    int at_line_start = 1, rc = -1;
    if (!home || !buf || len == 0
        || (size_t)snprintf(path, sizeof path, "%s/release", home) >= sizeof path) {
        return -1;
    }
    if (!(f = fopen(path, "re"))) {
        return -1;
    }
    /* lines longer than the buffer (MODULES="...") come in pieces: only a piece that starts a
     * line can be the key, and a JAVA_VERSION line that does not fit is no version */
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        int whole = n > 0 && line[n - 1] == '\n';
        if (at_line_start && !strncmp(line, "JAVA_VERSION=", 13)) {
            rc = (whole || feof(f)) ? version_value(line + 13, buf, len) : -1;
            break;
        }
        at_line_start = whole;
    }
    fclose(f);
    return rc;
}

int jvm_loader_jdk_version(const char *home, int *major, int *minor, int *patch)
{
    char v[64];
    *major = *minor = *patch = 0;
    if (jvm_loader_java_version(home, v, sizeof v) != 0) {
        return -1;
    }
    return sscanf(v, "%d.%d.%d", major, minor, patch) >= 1 ? 0 : -1;
}

int jvm_loader_can_trim_native_heap(const char *home)
{
    int major, minor, patch;
    if (!home || jvm_loader_jdk_version(home, &major, &minor, &patch) != 0) {
        return 0;
    }
    return major >= 22 || (major == 21 && (minor > 0 || patch >= 1)) || (major == 17 && (minor > 0 || patch >= 9));
}

typedef struct create_job {
    const jvm_loader_config *cfg;
    JavaVM *vm;
    int rc;
    char *err;
    size_t errlen;
} create_job;

static void *create_thread(void *arg)
{
    create_job *job = arg;
    const jvm_loader_config *cfg = job->cfg;
    char path[4096];
    void *lib;
    create_vm_fn create;
    JavaVMInitArgs args;
    JavaVMOption *opts;
    JNIEnv *env = NULL;
    jint rc;
    int n = 0;

    jvm_loader_libjvm_path(cfg->jvm_home, path, sizeof path);
    lib = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        snprintf(job->err, job->errlen, "cannot load %s: %s", path, dlerror());
        return NULL;
    }
    create = (create_vm_fn)dlsym(lib, "JNI_CreateJavaVM");
    if (!create) {
        snprintf(job->err, job->errlen, "%s has no JNI_CreateJavaVM", path);
        return NULL;
    }
    opts = calloc((size_t)cfg->option_count + 3, sizeof *opts);
    if (!opts) {
        snprintf(job->err, job->errlen, "out of memory");
        return NULL;
    }
    for (int i = 0; i < cfg->option_count; i++) {
        opts[n++].optionString = (char *)cfg->options[i];
    }
    opts[n].optionString = "vfprintf";
    opts[n++].extraInfo = (void *)hook_vfprintf;
    opts[n].optionString = "exit";
    opts[n++].extraInfo = (void *)hook_exit;
    opts[n].optionString = "abort";
    opts[n++].extraInfo = (void *)hook_abort;

    memset(&args, 0, sizeof args);
    args.version = JNI_VERSION_10;
    args.nOptions = n;
    args.options = opts;
    args.ignoreUnrecognized = JNI_FALSE;
    rc = create(&job->vm, (void **)&env, &args);
    free(opts);
    flush_line();
    if (rc != JNI_OK) {
        snprintf(job->err, job->errlen, "JNI_CreateJavaVM failed (error %d)%s", (int)rc,
                 rc == JNI_EINVAL ? ": an option in JvmOptions was rejected (see the JVM's message above)" : "");
        job->vm = NULL;
        return NULL;
    }
    if (cfg->on_created && cfg->on_created(env, cfg->ctx, job->err, job->errlen) != 0) {
        (*job->vm)->DetachCurrentThread(job->vm);
        return NULL;
    }
    /* This thread is done: workers attach themselves. */
    (*job->vm)->DetachCurrentThread(job->vm);
    job->rc = 0;
    return NULL;
}

int jvm_loader_create(const jvm_loader_config *cfg, JavaVM **vm, char *err, size_t errlen)
{
    static create_job job;
    static jvm_loader_config saved; /* the hooks outlive the caller's copy */
    pthread_attr_t attr;
    pthread_t tid;

    if (hooks) {
        snprintf(err, errlen, "a JVM was already created in this process");
        return -1;
    }
    saved = *cfg;
    hooks = &saved;
    memset(&job, 0, sizeof job);
    job.cfg = &saved;
    job.rc = -1;
    job.err = err;
    job.errlen = errlen;
    err[0] = '\0';
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, cfg->thread_stack_size ? cfg->thread_stack_size : 8u << 20);
    if (pthread_create(&tid, &attr, create_thread, &job) != 0) {
        pthread_attr_destroy(&attr);
        snprintf(err, errlen, "cannot start the JVM thread");
        return -1;
    }
    pthread_attr_destroy(&attr);
    pthread_join(tid, NULL);
    if (job.rc != 0) {
        return -1;
    }
    *vm = job.vm;
    return 0;
}

JNIEnv *jvm_loader_attach(JavaVM *vm, const char *name, int *attached_now)
{
    JNIEnv *env = NULL;
    JavaVMAttachArgs args;
    jint rc = (*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_10);
    *attached_now = 0;
    if (rc == JNI_OK) {
        return env;
    }
    if (rc != JNI_EDETACHED) {
        return NULL;
    }
    args.version = JNI_VERSION_10;
    args.name = (char *)name;
    args.group = NULL;
    if ((*vm)->AttachCurrentThreadAsDaemon(vm, (void **)&env, &args) != JNI_OK) {
        return NULL;
    }
    *attached_now = 1;
    return env;
}
