/* mod_jvm_embedded: one JVM per Apache child, created after fork on a thread of its own
 * (jvm_loader.c); worker threads attach on their first request and detach when they exit.
 * Per request: one JNI call in (Worker.handle) with the environ frame in a direct buffer;
 * the runtime calls back the natives below to write the response and read the body. */
#include "mod_jvm.h"
#include "mod_jvm_config.h"
#include "mod_jvm_lookup.h"
#include "mod_jvm_embedded.h"
#include "mod_jvm_environ.h"
#include "mod_jvm_response.h"
#include "jvm_frame.h"
#include "jvm_loader.h"
#include "jvm_settings.h"

#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "ap_mpm.h"
#include "util_filter.h"
#include "apr_strings.h"
#include "apr_atomic.h"
#include "apr_thread_mutex.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

APLOG_USE_MODULE(jvm);

#define IO_SIZE (64 * 1024)          /* per-thread copy buffer between Java arrays and Apache */
#define FRAME_INITIAL (16 * 1024)    /* per-thread environ frame buffer, grown on demand */
#define FRAME_MAX JVM_MSG_MAX       /* refuse environs beyond this (431), as daemon mode does */

/* This child's JVM (one per process, for life). */
static struct {
    JavaVM *vm;             /* NULL until created, and when creation failed */
    const char *failure;    /* why there is no JVM, for the 500's log line */
    server_rec *server;     /* main server, for server-level logs */
    jclass bootstrap;       /* org.modjvm.runtime.Bootstrap (global ref) */
    jmethodID new_worker;   /* static Worker newWorker(int) */
    jmethodID handle;       /* int Worker.handle(long, ByteBuffer, int) */
    pthread_key_t key;      /* per-thread jvm_thread */
    int attempted;          /* start_jvm ran (the JVM exists, or failure says why) */
    apr_pool_t *pool;       /* the child's pool */
    apr_thread_mutex_t *start_lock; /* serializes a JVM start on the first request */
    apr_uint32_t threads;   /* attached threads so far (thread ids) */
} jvm;

/* Per worker thread: its JNIEnv, its Worker object and its buffers. */
typedef struct jvm_thread {
    JNIEnv *env;            /* valid on this thread only */
    jobject worker;         /* org.modjvm.runtime.Worker (global ref) */
    jobject frame_buf;      /* direct ByteBuffer over frame (global ref) */
    unsigned char *frame;   /* environ frame buffer (malloc) */
    size_t frame_cap;       /* its size */
    unsigned char io[IO_SIZE]; /* copies of body bytes */
    int id;                 /* thread number (mod_jvm.thread_id) */
    unsigned long requests; /* requests served by this thread */
} jvm_thread;

#define JVM_REQ_MAGIC 0x6d6a7271u

/* Per request: the handle Java passes back to the natives. */
typedef struct jvm_req {
    unsigned magic;         /* JVM_REQ_MAGIC while the request runs */
    request_rec *r;
    jvm_thread *t;
    jvm_response resp;      /* what was sent so far */
    int read_started;       /* ap_should_client_block was called */
    int read_eof;           /* the body was read to its end */
} jvm_req;

/* ---- JVM hooks --------------------------------------------------------------------------- */

static void log_jvm_line(int level, const char *line)
{
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, jvm.server, JVM00012 "JVM: %s", line);
}

static void on_jvm_exit(int code)
{
    ap_log_error(APLOG_MARK, APLOG_ERR, 0, jvm.server,
                 JVM00013 "the JVM is exiting with status %d (System.exit in an application, or a fatal "
                 "JVM error): Apache child %" APR_PID_T_FMT " ends now and is replaced", code, getpid());
}

static void on_jvm_abort(void)
{
    ap_log_error(APLOG_MARK, APLOG_CRIT, 0, jvm.server,
                 JVM00014 "the JVM aborted: Apache child %" APR_PID_T_FMT " ends now", getpid());
}

/* ---- natives ------------------------------------------------------------------------------ */

static jvm_req *req_of(jlong handle)
{
    jvm_req *rq = (jvm_req *)(intptr_t)handle;
    return rq && rq->magic == JVM_REQ_MAGIC ? rq : NULL;
}

/* Copies a response head out of its Java array and applies it. */
static int apply_head(JNIEnv *env, jvm_req *rq, jbyteArray head)
{
    jsize n;
    unsigned char *data;
    if (rq->resp.head_sent || rq->resp.head_invalid) {
        return rq->resp.head_invalid ? -1 : 0;
    }
    n = (*env)->GetArrayLength(env, head);
    data = apr_palloc(rq->r->pool, (apr_size_t)n + 1);
    (*env)->GetByteArrayRegion(env, head, 0, n, (jbyte *)data);
    if ((*env)->ExceptionCheck(env)) {
        rq->resp.head_invalid = 1;
        return -1;
    }
    return jvm_response_head(&rq->resp, data, (size_t)n);
}

static jint JNICALL native_write(JNIEnv *env, jclass cls, jlong handle, jbyteArray head,
                                 jbyteArray data, jint offset, jint length, jboolean flush)
{
    jvm_req *rq = req_of(handle);
    if (!rq || (head && apply_head(env, rq, head) != 0) || rq->resp.gone) {
        return -1;
    }
    if (data && length > 0) {
        jsize size = (*env)->GetArrayLength(env, data);
        if (offset < 0 || length < 0 || offset > size - length) {
            return -1;
        }
        while (length > 0) {
            jint n = length < IO_SIZE ? length : IO_SIZE;
            (*env)->GetByteArrayRegion(env, data, offset, n, (jbyte *)rq->t->io);
            if ((*env)->ExceptionCheck(env)) {
                return -1;
            }
            offset += n;
            length -= n;
            if (jvm_response_write(&rq->resp, rq->t->io, (apr_size_t)n, flush && length == 0) != 0) {
                return -1;
            }
        }
        return 0;
    }
    return jvm_response_write(&rq->resp, NULL, 0, flush);
}

static jint JNICALL native_write_direct(JNIEnv *env, jclass cls, jlong handle, jbyteArray head,
                                        jobject data, jint offset, jint length, jboolean flush)
{
    jvm_req *rq = req_of(handle);
    const unsigned char *base;
    jlong capacity;
    if (!rq || (head && apply_head(env, rq, head) != 0) || rq->resp.gone) {
        return -1;
    }
    if (!data || length <= 0) {
        return jvm_response_write(&rq->resp, NULL, 0, flush);
    }
    base = (*env)->GetDirectBufferAddress(env, data);
    capacity = (*env)->GetDirectBufferCapacity(env, data);
    if (!base || offset < 0 || length < 0 || (jlong)offset + length > capacity) {
        return -1;
    }
    return jvm_response_write(&rq->resp, base + offset, (apr_size_t)length, flush);
}

static jint JNICALL native_read(JNIEnv *env, jclass cls, jlong handle, jbyteArray buffer,
                                jint offset, jint length)
{
    jvm_req *rq = req_of(handle);
    long got;
    jsize size;
    if (!rq || !buffer) {
        return -1;
    }
    size = (*env)->GetArrayLength(env, buffer);
    if (offset < 0 || length < 0 || offset > size - length) {
        return -1;
    }
    if (!rq->read_started) {
        rq->read_started = 1;
        if (!ap_should_client_block(rq->r)) {
            rq->read_eof = 1;
        }
    }
    if (rq->read_eof || length == 0) {
        return 0;
    }
    got = jvm_request_body_read(&rq->resp, (char *)rq->t->io, (apr_size_t)(length < IO_SIZE ? length : IO_SIZE));
    if (got == 0) {
        rq->read_eof = 1;
        return 0;
    }
    if (got < 0) {
        return -1;
    }
    (*env)->SetByteArrayRegion(env, buffer, offset, (jsize)got, (const jbyte *)rq->t->io);
    return (*env)->ExceptionCheck(env) ? -1 : (jint)got;
}

static void JNICALL native_log(JNIEnv *env, jclass cls, jlong handle, jint level, jbyteArray message)
{
    char buf[8192];
    jsize n;
    jvm_req *rq = handle ? req_of(handle) : NULL;
    if (!message) {
        return;
    }
    n = (*env)->GetArrayLength(env, message);
    if (n > (jsize)sizeof buf - 1) {
        n = (jsize)sizeof buf - 1;
    }
    (*env)->GetByteArrayRegion(env, message, 0, n, (jbyte *)buf);
    if ((*env)->ExceptionCheck(env)) {
        return;
    }
    buf[n] = '\0';
    if (level < APLOG_EMERG || level > APLOG_TRACE8) {
        level = APLOG_ERR;
    }
    if (rq) {
        ap_log_rerror(APLOG_MARK, level, 0, rq->r, "%s", buf);
    } else {
        ap_log_error(APLOG_MARK, level, 0, jvm.server, "%s", buf);
    }
}

static const JNINativeMethod natives[] = {
    { "write", "(J[B[BIIZ)I", (void *)native_write },
    { "writeDirect", "(J[BLjava/nio/ByteBuffer;IIZ)I", (void *)native_write_direct },
    { "read", "(J[BII)I", (void *)native_read },
    { "log", "(JI[B)V", (void *)native_log },
};

/* ---- JVM creation ---------------------------------------------------------------------------- */

typedef struct init_ctx {
    apr_time_t created;     /* when JNI_CreateJavaVM returned */
    unsigned char *config;  /* config frame */
    size_t config_len;
    char version[64];       /* java.version, for the log */
} init_ctx;

/* Describes and clears a pending Java exception into err. Returns 1 if there was one. */
static int take_exception(JNIEnv *env, char *err, size_t errlen, const char *what)
{
    jthrowable ex;
    jclass cls;
    jmethodID to_string;
    jstring s;
    const char *chars;
    if (!(*env)->ExceptionCheck(env)) {
        return 0;
    }
    ex = (*env)->ExceptionOccurred(env);
    (*env)->ExceptionClear(env);
    snprintf(err, errlen, "%s: a Java exception was thrown", what);
    cls = (*env)->GetObjectClass(env, ex);
    to_string = cls ? (*env)->GetMethodID(env, cls, "toString", "()Ljava/lang/String;") : NULL;
    s = to_string ? (*env)->CallObjectMethod(env, ex, to_string) : NULL;
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
        return 1;
    }
    chars = s ? (*env)->GetStringUTFChars(env, s, NULL) : NULL;
    if (chars) {
        snprintf(err, errlen, "%s: %s", what, chars);
        (*env)->ReleaseStringUTFChars(env, s, chars);
    }
    return 1;
}

static void read_java_version(JNIEnv *env, char *out, size_t len)
{
    jclass system = (*env)->FindClass(env, "java/lang/System");
    jmethodID get = system ? (*env)->GetStaticMethodID(env, system, "getProperty",
                                                        "(Ljava/lang/String;)Ljava/lang/String;") : NULL;
    jstring key = get ? (*env)->NewStringUTF(env, "java.vm.version") : NULL;
    jstring value = key ? (*env)->CallStaticObjectMethod(env, system, get, key) : NULL;
    const char *chars;
    snprintf(out, len, "unknown");
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
        return;
    }
    chars = value ? (*env)->GetStringUTFChars(env, value, NULL) : NULL;
    if (chars) {
        snprintf(out, len, "%s", chars);
        (*env)->ReleaseStringUTFChars(env, value, chars);
    }
}

static int on_jvm_created(JNIEnv *env, void *ctxv, char *err, size_t errlen)
{
    init_ctx *ctx = ctxv;
    jclass natives_cls, worker_cls, bootstrap;
    jmethodID init;
    jobject config;

    ctx->created = apr_time_now();
    read_java_version(env, ctx->version, sizeof ctx->version);
    natives_cls = (*env)->FindClass(env, "org/modjvm/runtime/Natives");
    if (!natives_cls || take_exception(env, err, errlen, "cannot find org.modjvm.runtime.Natives (is mod_jvm-runtime.jar on the class path?)")) {
        return -1;
    }
    if ((*env)->RegisterNatives(env, natives_cls, natives, sizeof natives / sizeof natives[0]) != 0
        || take_exception(env, err, errlen, "cannot register the natives of org.modjvm.runtime.Natives")) {
        take_exception(env, err, errlen, "RegisterNatives");
        return -1;
    }
    bootstrap = (*env)->FindClass(env, "org/modjvm/runtime/Bootstrap");
    worker_cls = bootstrap ? (*env)->FindClass(env, "org/modjvm/runtime/Worker") : NULL;
    if (!bootstrap || !worker_cls || take_exception(env, err, errlen, "cannot find the runtime classes")) {
        take_exception(env, err, errlen, "cannot find org.modjvm.runtime.Bootstrap/Worker");
        return -1;
    }
    init = (*env)->GetStaticMethodID(env, bootstrap, "init", "(Ljava/nio/ByteBuffer;)V");
    jvm.new_worker = init ? (*env)->GetStaticMethodID(env, bootstrap, "newWorker", "(I)Lorg/modjvm/runtime/Worker;") : NULL;
    jvm.handle = jvm.new_worker ? (*env)->GetMethodID(env, worker_cls, "handle", "(JLjava/nio/ByteBuffer;I)I") : NULL;
    if (!jvm.handle) {
        if (!take_exception(env, err, errlen, "the runtime does not match this module")) {
            snprintf(err, errlen, "the runtime does not match this module");
        }
        return -1;
    }
    jvm.bootstrap = (*env)->NewGlobalRef(env, bootstrap);
    config = (*env)->NewDirectByteBuffer(env, ctx->config, (jlong)ctx->config_len);
    if (!config || take_exception(env, err, errlen, "NewDirectByteBuffer")) {
        return -1;
    }
    (*env)->CallStaticVoidMethod(env, bootstrap, init, config);
    if (take_exception(env, err, errlen, "Bootstrap.init failed")) {
        return -1;
    }
    (*env)->DeleteLocalRef(env, config);
    return 0;
}

static void thread_state_free(void *p)
{
    jvm_thread *t = p;
    JNIEnv *env = NULL;
    if (jvm.vm && (*jvm.vm)->GetEnv(jvm.vm, (void **)&env, JNI_VERSION_10) == JNI_OK) {
        if (t->worker) {
            (*env)->DeleteGlobalRef(env, t->worker);
        }
        if (t->frame_buf) {
            (*env)->DeleteGlobalRef(env, t->frame_buf);
        }
        (*jvm.vm)->DetachCurrentThread(jvm.vm);
    }
    free(t->frame);
    free(t);
}

/* Creates this child's JVM (once; later calls do nothing). */
static void start_jvm(apr_pool_t *p, server_rec *s)
{
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    apr_array_header_t *opts;
    const char *runtime_dir, *class_path, *cache_dir, *home;
    static init_ctx ctx;
    jvm_loader_config cfg;
    jvm_settings settings;
    jvm_fw w;
    unsigned char *config;
    size_t config_cap = 4096;
    int threaded = 0, max_daemons = 0;
    apr_time_t started;
    char err[1024];

    if (jvm.attempted) {
        return;
    }
    jvm.attempted = 1;
    home = jvm_conf_jvm_home(sc);
    runtime_dir = jvm_conf_runtime_dir(p, sc);
    cache_dir = jvm_conf_cache_dir(p, sc);
    class_path = apr_pstrcat(p, "-Djava.class.path=", runtime_dir, "/mod_jvm-runtime.jar:",
                             runtime_dir, "/mod_jvm-api.jar",
                             sc->class_path ? ":" : "", sc->class_path ? sc->class_path : "", NULL);
    opts = jvm_conf_embedded_jvm_options(p, sc, class_path);

    ap_mpm_query(AP_MPMQ_IS_THREADED, &threaded);
    ap_mpm_query(AP_MPMQ_MAX_DAEMONS, &max_daemons);
    jvm_settings_init(&settings);
    jvm_settings_set(&settings, JVM_SET_VERSION, MOD_JVM_VERSION);
    jvm_settings_set(&settings, JVM_SET_PROCESS_GROUP, "");
    jvm_settings_set(&settings, JVM_SET_MULTITHREAD, threaded != AP_MPMQ_NOT_SUPPORTED ? "1" : "0");
    jvm_settings_set(&settings, JVM_SET_MULTIPROCESS, max_daemons > 1 ? "1" : "0");
    jvm_settings_set(&settings, JVM_SET_LOG_LEVEL, apr_itoa(p, ap_get_server_module_loglevel(s, APLOG_MODULE_INDEX)));
    jvm_settings_set(&settings, JVM_SET_CACHE_DIR, cache_dir);
    jvm_settings_set(&settings, JVM_SET_UID, apr_ltoa(p, (long)geteuid()));
    jvm_settings_set(&settings, JVM_SET_JVM_HOME, home);
    jvm_settings_set(&settings, JVM_SET_REQUEST_TIMEOUT, apr_ltoa(p, (long)apr_time_as_msec(sc->request_timeout)));
    for (;;) {
        config = apr_palloc(p, config_cap);
        jvm_fw_init(&w, config, config_cap);
        jvm_settings_write(&settings, &w);
        if (jvm_fw_fits(&w)) {
            break;
        }
        config_cap = w.len;
    }
    ctx.config = config;
    ctx.config_len = w.len;

    memset(&cfg, 0, sizeof cfg);
    cfg.jvm_home = home;
    cfg.options = (const char *const *)opts->elts;
    cfg.option_count = opts->nelts;
    cfg.thread_stack_size = 8u << 20;
    cfg.log_line = log_jvm_line;
    cfg.on_exit = on_jvm_exit;
    cfg.on_abort = on_jvm_abort;
    cfg.on_created = on_jvm_created;
    cfg.ctx = &ctx;

    started = apr_time_now();
    if (jvm_loader_create(&cfg, &jvm.vm, err, sizeof err) != 0) {
        jvm.vm = NULL;
        jvm.failure = apr_pstrdup(p, err);
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     JVM00011 "cannot start the JVM from JvmHome %s in child %" APR_PID_T_FMT ": %s",
                     home, getpid(), err);
        return;
    }
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 JVM00010 "JVM %s from %s created in child %" APR_PID_T_FMT " in %" APR_TIME_T_FMT " ms "
                 "(JVM %" APR_TIME_T_FMT " ms, runtime %" APR_TIME_T_FMT " ms)", ctx.version, home, getpid(),
                 apr_time_as_msec(apr_time_now() - started), apr_time_as_msec(ctx.created - started),
                 apr_time_as_msec(apr_time_now() - ctx.created));
    if (APLOGdebug(s)) {
        for (int i = 0; i < opts->nelts; i++) {
            ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, JVM00015 "JVM option %s",
                         APR_ARRAY_IDX(opts, i, const char *));
        }
    }
}

void jvm_embedded_child_init(apr_pool_t *p, server_rec *s)
{
    jvm.server = s;
    jvm.pool = p;
    if (!jvm_conf_embedded_allowed(s)) {
        return;
    }
    if (pthread_key_create(&jvm.key, thread_state_free) != 0 || apr_thread_mutex_create(&jvm.start_lock,
                                                                                           APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS) {
        jvm.attempted = 1;
        jvm.failure = "cannot create a thread key";
        return;
    }
    if (jvm_conf_embedded_wanted(s)) {
        start_jvm(p, s);
    }
}

/* ---- per request ---------------------------------------------------------------------------- */

/* The calling worker thread's state, attaching the thread on its first request. */
static jvm_thread *thread_state(request_rec *r)
{
    jvm_thread *t = pthread_getspecific(jvm.key);
    JNIEnv *env;
    jobject worker, buf;
    char name[64];
    int attached;
    if (t) {
        return t;
    }
    t = calloc(1, sizeof *t);
    if (!t || !(t->frame = malloc(FRAME_INITIAL))) {
        free(t);
        return NULL;
    }
    t->frame_cap = FRAME_INITIAL;
    t->id = (int)apr_atomic_inc32(&jvm.threads) + 1;
    snprintf(name, sizeof name, "httpd-worker-%d", t->id);
    env = jvm_loader_attach(jvm.vm, name, &attached);
    if (!env) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, JVM00021 "cannot attach this Apache thread to the JVM");
        free(t->frame);
        free(t);
        return NULL;
    }
    t->env = env;
    worker = (*env)->CallStaticObjectMethod(env, jvm.bootstrap, jvm.new_worker, (jint)t->id);
    buf = worker ? (*env)->NewDirectByteBuffer(env, t->frame, (jlong)t->frame_cap) : NULL;
    if (!worker || !buf || (*env)->ExceptionCheck(env)) {
        char err[512];
        take_exception(env, err, sizeof err, "Bootstrap.newWorker");
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, JVM00022 "cannot set up this thread in the JVM: %s", err);
        (*jvm.vm)->DetachCurrentThread(jvm.vm);
        free(t->frame);
        free(t);
        return NULL;
    }
    t->worker = (*env)->NewGlobalRef(env, worker);
    t->frame_buf = (*env)->NewGlobalRef(env, buf);
    (*env)->DeleteLocalRef(env, worker);
    (*env)->DeleteLocalRef(env, buf);
    if (!t->worker || !t->frame_buf) {
        thread_state_free(t);
        return NULL;
    }
    pthread_setspecific(jvm.key, t);
    return t;
}

/* Makes room for a frame of `need` bytes. */
static int grow_frame(jvm_thread *t, size_t need)
{
    JNIEnv *env = t->env;
    size_t cap = t->frame_cap;
    unsigned char *mem;
    jobject buf;
    while (cap < need) {
        cap *= 2;
    }
    if (cap > FRAME_MAX || !(mem = malloc(cap))) {
        return -1;
    }
    buf = (*env)->NewDirectByteBuffer(env, mem, (jlong)cap);
    if (!buf || (*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
        free(mem);
        return -1;
    }
    (*env)->DeleteGlobalRef(env, t->frame_buf);
    t->frame_buf = (*env)->NewGlobalRef(env, buf);
    (*env)->DeleteLocalRef(env, buf);
    free(t->frame);
    t->frame = mem;
    t->frame_cap = cap;
    return t->frame_buf ? 0 : -1;
}

int jvm_embedded_handle(request_rec *r)
{
    jvm_request_conf *rc = ap_get_module_config(r->request_config, &jvm_module);
    jvm_thread *t;
    JNIEnv *env;
    jvm_environ e;
    jvm_req rq;
    jvm_fw w;
    jint result;
    int status;

    if (!jvm.vm && jvm.start_lock) {
        /* every mount goes to daemons by server configuration, but this one is embedded
         * (a <Directory> JvmProcessGroup %{GLOBAL}): start the JVM now */
        apr_thread_mutex_lock(jvm.start_lock);
        start_jvm(jvm.pool, jvm.server); /* does nothing if it already ran */
        apr_thread_mutex_unlock(jvm.start_lock);
    }
    if (!jvm.vm) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      JVM00020 "no JVM in this Apache child (%s): cannot run %s",
                      jvm.failure ? jvm.failure : "not started", r->filename);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((status = jvm_request_body_setup(r)) != OK) {
        return status;
    }
    if (!(t = thread_state(r))) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    env = t->env;
    t->requests++;
    jvm_environ_prepare(r, rc->alias, &e, "", t->id, t->requests);
    jvm_fw_init(&w, t->frame, t->frame_cap);
    jvm_environ_write(r, &e, &w);
    if (!jvm_fw_fits(&w)) {
        size_t need = w.len;
        if (grow_frame(t, need) != 0) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          JVM00035 "the request's environ (%lu bytes: its headers) is too large", (unsigned long)need);
            return HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        jvm_fw_init(&w, t->frame, t->frame_cap);
        jvm_environ_write(r, &e, &w);
    }

    memset(&rq, 0, sizeof rq);
    rq.magic = JVM_REQ_MAGIC;
    rq.r = r;
    rq.t = t;
    jvm_response_init(&rq.resp, r);
    if ((*env)->PushLocalFrame(env, 32) != 0) {
        (*env)->ExceptionClear(env);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    result = (*env)->CallIntMethod(env, t->worker, jvm.handle, (jlong)(intptr_t)&rq, t->frame_buf, (jint)w.len);
    if ((*env)->ExceptionCheck(env)) {
        char err[1024];
        take_exception(env, err, sizeof err, "Worker.handle");
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, JVM00023 "the runtime failed for %s: %s", r->filename, err);
        result = rq.resp.head_sent ? -1 : HTTP_INTERNAL_SERVER_ERROR;
    }
    (*env)->PopLocalFrame(env, NULL);
    rq.magic = 0;
    return jvm_response_finish(&rq.resp, (int)result);
}
