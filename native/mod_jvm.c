/* mod_jvm: the module record and hook registration. Everything else lives in one file per
 * concern: mod_jvm_config.c (directives), mod_jvm_environ.c (environ frame),
 * mod_jvm_embedded.c (the JVM in each child), jvm_frame.c and jvm_loader.c (httpd-free core). */
#include "mod_jvm.h"
#include "mod_jvm_config.h"
#include "mod_jvm_embedded.h"

#include "http_core.h"
#include "http_request.h"
#include "apr_strings.h"
#include "apr_thread_proc.h"
#include "unixd.h"

#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>



/* Length of the part of `uri` that the mount point `mount` ("" for /) covers, or -1. Runs
 * of slashes compare equal, as mod_alias does, and the match ends at a segment boundary. */
static int mount_match(const char *uri, const char *mount)
{
    const char *u = uri, *m = mount;
    while (*m) {
        if (*m == '/') {
            if (*u != '/') {
                return -1;
            }
            while (*m == '/') {
                m++;
            }
            while (*u == '/') {
                u++;
            }
        } else if (*m++ != *u++) {
            return -1;
        }
    }
    if (*u && *u != '/') {
        return -1;
    }
    return (int)(u - uri);
}

static int jvm_translate_name(request_rec *r)
{
    jvm_server_conf *sc = ap_get_module_config(r->server->module_config, &jvm_module);
    const jvm_alias *aliases = (const jvm_alias *)sc->aliases->elts;
    if (r->uri[0] != '/' || r->proxyreq) {
        return DECLINED;
    }
    for (int i = 0; i < sc->aliases->nelts; i++) {
        const jvm_alias *a = &aliases[i];
        const char *filename;
        if (a->url) {
            int n = mount_match(r->uri, a->url);
            if (n < 0) {
                continue;
            }
            /* the directory walk then splits script file and PATH_INFO */
            filename = apr_pstrcat(r->pool, a->script, r->uri + n, NULL);
        } else {
            ap_regmatch_t m[AP_MAX_REG_MATCH];
            const char *found;
            if (ap_regexec(a->regex, r->uri, AP_MAX_REG_MATCH, m, 0) != 0) {
                continue;
            }
            found = ap_pregsub(r->pool, a->script, r->uri, AP_MAX_REG_MATCH, m);
            if (!found) {
                ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                              "JVM00040: JvmScriptAliasMatch: substitution of '%s' failed", a->script);
                return HTTP_INTERNAL_SERVER_ERROR;
            }
            filename = apr_pstrcat(r->pool, found, r->uri + m[0].rm_eo, NULL);
        }
        {
            jvm_request_conf *rc = apr_pcalloc(r->pool, sizeof *rc);
            rc->alias = a;
            ap_set_module_config(r->request_config, &jvm_module, rc);
        }
        r->filename = (char *)filename;
        r->handler = JVM_HANDLER;
        return OK;
    }
    return DECLINED;
}

static int jvm_handler(request_rec *r)
{
    jvm_request_conf *rc;
    if (!r->handler || strcmp(r->handler, JVM_HANDLER)) {
        return DECLINED;
    }
    rc = ap_get_module_config(r->request_config, &jvm_module);
    if (!rc) {
        return DECLINED;
    }
    if (r->finfo.filetype != APR_REG) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "JVM00030: script %s for %s does not exist or is not a regular file", r->filename, r->uri);
        return HTTP_NOT_FOUND;
    }
    return jvm_embedded_handle(r);
}

/* Runs `<home>/bin/java <options> -version`: the JVM itself judges JvmOptions, so a bad
 * option fails configtest instead of every child. Returns NULL or the JVM's complaint. */
static const char *check_jvm_options(apr_pool_t *p, const char *home, const jvm_server_conf *sc)
{
    apr_array_header_t *opts = jvm_embedded_options(p, sc, NULL);
    const char *java = apr_pstrcat(p, home, "/bin/java", NULL);
    const char **argv = apr_pcalloc(p, (apr_size_t)(opts->nelts + 3) * sizeof *argv);
    apr_procattr_t *attr;
    apr_proc_t proc;
    apr_exit_why_e why;
    apr_finfo_t fi;
    char out[2048];
    apr_size_t len = 0;
    int code, n = 0;

    if (apr_stat(&fi, java, APR_FINFO_TYPE, p) != APR_SUCCESS) {
        return NULL;
    }
    argv[n++] = java;
    for (int i = 0; i < opts->nelts; i++) {
        argv[n++] = APR_ARRAY_IDX(opts, i, const char *);
    }
    argv[n++] = "-version";
    if (apr_procattr_create(&attr, p) != APR_SUCCESS
        || apr_procattr_io_set(attr, APR_NO_PIPE, APR_FULL_BLOCK, APR_FULL_BLOCK) != APR_SUCCESS
        || apr_procattr_cmdtype_set(attr, APR_PROGRAM) != APR_SUCCESS
        || apr_proc_create(&proc, java, argv, NULL, attr, p) != APR_SUCCESS) {
        return NULL;
    }
    /* the JVM's complaints go to stdout or stderr, a few lines at most */
    for (int i = 0; i < 2; i++) {
        apr_file_t *f = i == 0 ? proc.out : proc.err;
        for (;;) {
            apr_size_t chunk = sizeof out - 1 - len;
            if (chunk == 0 || apr_file_read(f, out + len, &chunk) != APR_SUCCESS) {
                break;
            }
            len += chunk;
        }
        apr_file_close(f);
    }
    out[len] = '\0';
    apr_proc_wait(&proc, &code, &why, APR_WAIT);
    if (APR_PROC_CHECK_EXIT(why) && code == 0) {
        return NULL;
    }
    for (char *c = out; *c; c++) {
        if (*c == '\n' || *c == '\r') {
            *c = ' ';
        }
    }
    return apr_pstrdup(p, out);
}

/* Configuration checks that need the whole configuration: they run for configtest too. */
static int jvm_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    const char *home, *runtime_dir;
    apr_finfo_t fi;
    if (!jvm_conf_any_alias(s)) {
        return OK;
    }
    home = jvm_conf_jvm_home(sc);
    if (apr_stat(&fi, apr_pstrcat(ptemp, home, "/lib/server/libjvm.so", NULL), APR_FINFO_TYPE, ptemp) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     "JVM00001: JvmHome: the default JDK %s has no lib/server/libjvm.so: set JvmHome to a "
                     "JDK (e.g. JvmHome /usr/lib/jvm/default-java)", home);
        return !OK;
    }
    if (sc->jvm_options->nelts > 0) {
        const char *complaint = check_jvm_options(ptemp, home, sc);
        if (complaint) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         "JVM00005: JvmOptions: the JVM in %s rejects these options: %s", home, complaint);
            return !OK;
        }
    }
    runtime_dir = jvm_conf_runtime_dir(ptemp, sc);
    if (apr_stat(&fi, apr_pstrcat(ptemp, runtime_dir, "/mod_jvm-runtime.jar", NULL), APR_FINFO_TYPE, ptemp) != APR_SUCCESS
        || apr_stat(&fi, apr_pstrcat(ptemp, runtime_dir, "/mod_jvm-api.jar", NULL), APR_FINFO_TYPE, ptemp) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     "JVM00002: JvmRuntimeDirectory: %s does not hold mod_jvm-runtime.jar and mod_jvm-api.jar",
                     runtime_dir);
        return !OK;
    }
    return OK;
}

static int is_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') {
        n--;
    }
    return n > 0 && !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

static int jvm_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    const char *cache;
    apr_status_t rv;
    if (!jvm_conf_any_alias(s)) {
        return OK;
    }
    /* The compiled-script cache is written by the children: it belongs to Apache's User and
     * nobody else may write it (a writable cache would be code injection). */
    cache = jvm_conf_cache_dir(ptemp, sc);
    rv = apr_dir_make_recursive(cache, APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_UEXECUTE, ptemp);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     "JVM00004: JvmCacheDirectory: cannot create %s: compiled scripts will not be cached", cache);
    } else if (geteuid() == 0) {
        if (chown(cache, ap_unixd_config.user_id, ap_unixd_config.group_id) != 0 || chmod(cache, 0700) != 0) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, errno, s,
                         "JVM00004: JvmCacheDirectory: cannot give %s to the Apache user", cache);
        }
    }
    /* A script under DocumentRoot may be served as a file: its source, to anyone. */
    for (server_rec *vs = s; vs; vs = vs->next) {
        jvm_server_conf *vsc = ap_get_module_config(vs->module_config, &jvm_module);
        core_server_config *core = ap_get_core_module_config(vs->module_config);
        const jvm_alias *a = (const jvm_alias *)vsc->aliases->elts;
        for (int i = 0; i < vsc->aliases->nelts; i++) {
            if (core->ap_document_root && is_under(a[i].script, core->ap_document_root)) {
                ap_log_error(APLOG_MARK, APLOG_WARNING, 0, vs,
                             "JVM00003: %s script %s is under DocumentRoot %s: its source may be served "
                             "as a static file; move it out of DocumentRoot", a[i].directive, a[i].script,
                             core->ap_document_root);
            }
        }
    }
    return OK;
}

static void register_hooks(apr_pool_t *p)
{
    static const char *const after_alias[] = { "mod_alias.c", NULL };
    ap_hook_check_config(jvm_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(jvm_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(jvm_embedded_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    /* after mod_alias: an Alias for static files next to a JvmScriptAlias wins */
    ap_hook_translate_name(jvm_translate_name, after_alias, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(jvm_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(jvm) = {
    STANDARD20_MODULE_STUFF,
    jvm_create_dir_conf,
    jvm_merge_dir_conf,
    jvm_create_server_conf,
    jvm_merge_server_conf,
    jvm_cmds,
    register_hooks,
#if defined(AP_MODULE_FLAG_ALWAYS_MERGE)
    AP_MODULE_FLAG_ALWAYS_MERGE
#endif
};
