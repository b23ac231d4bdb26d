/* mod_jvm_environ: see mod_jvm_environ.h. Semantics follow mod_wsgi: ap_add_common_vars()
 * for the server, client and HTTP_* variables, then the CGI request variables with
 * SCRIPT_NAME the mount point ("" for /) and PATH_INFO the rest of the (decoded) path.
 * A web application's frame carries only what its connector reads (the way mod_proxy_ajp
 * sends Tomcat a handful of fields, not a CGI environment). */
#include "mod_jvm.h"
#include "mod_jvm_environ.h"
#include "mod_jvm_lookup.h"

#include "http_core.h"
#include "http_protocol.h"
#include "http_ssl.h"
#include "util_script.h"
#include "apr_strings.h"
#include "apr_tables.h"

#include <string.h>

static void add_script_vars(request_rec *r, apr_table_t *env, const jvm_dir_conf *dc,
                            const char *script_name, const char *path_info);
static apr_table_t *web_application_vars(request_rec *r, const jvm_dir_conf *dc, const char *script_name);
static void add_web_application_headers(request_rec *r, const jvm_dir_conf *dc, apr_table_t *env);
static void add_if(apr_table_t *env, const char *key, const char *value);

void jvm_environ_prepare(request_rec *r, const jvm_alias *alias, jvm_environ *e,
                         const char *process_group, int thread_id, unsigned long request_seq)
{
    jvm_dir_conf *dc = ap_get_module_config(r->per_dir_config, &jvm_module);
    apr_table_t *env = r->subprocess_env;
    const char *path_info = r->path_info ? r->path_info : "";
    const char *uid;
    int script_len;

    script_len = *path_info ? ap_find_path_info(r->uri, path_info) : (int)strlen(r->uri);
    e->script_name = apr_pstrmemdup(r->pool, r->uri, (apr_size_t)script_len);
    if (!strcmp(e->script_name, "/")) {
        e->script_name = "";
    }
    if (alias && alias->webapp) {
        e->vars = web_application_vars(r, dc, e->script_name);
    } else {
        e->vars = env;
        add_script_vars(r, env, dc, e->script_name, path_info);
    }

    e->application_group = jvm_conf_application_group(r, alias, dc, e->script_name);
    e->callable = alias && alias->callable ? alias->callable
                : dc->callable_object ? dc->callable_object : "application";
    e->process_group = process_group ? process_group : "";
    uid = apr_table_get(env, "UNIQUE_ID");
    if (!uid) {
        uid = r->log_id;
    }
    e->request_id = uid ? uid : apr_psprintf(r->pool, "%" APR_PID_T_FMT "-%d-%lu",
                                             getpid(), thread_id, request_seq);
    e->thread_id = apr_itoa(r->pool, thread_id);
    e->flags = 0;
    if (dc->script_reloading != 0) {
        e->flags |= JVM_FRAME_FLAG_RELOAD;
    }
    if (r->read_chunked || r->remaining > 0) {
        e->flags |= JVM_FRAME_FLAG_HAS_BODY;
    }
    if (r->header_only) {
        e->flags |= JVM_FRAME_FLAG_HEADER_ONLY; /* the runtime stops the body once the head is out */
    }
    if (alias && alias->webapp) {
        e->flags |= JVM_FRAME_FLAG_WEB_APPLICATION;
    }
}

/* A script's environ: the common variables, then the CGI request variables (ap_add_cgi_vars
 * would also run a sub-request per request to find PATH_TRANSLATED; the document root +
 * PATH_INFO is what that gives for a path no alias maps, at no cost). */
static void add_script_vars(request_rec *r, apr_table_t *env, const jvm_dir_conf *dc,
                            const char *script_name, const char *path_info)
{
    ap_add_common_vars(r);
    apr_table_setn(env, "GATEWAY_INTERFACE", "CGI/1.1");
    apr_table_setn(env, "SERVER_PROTOCOL", r->protocol);
    apr_table_setn(env, "REQUEST_METHOD", r->method);
    apr_table_setn(env, "QUERY_STRING", r->args ? r->args : "");
    apr_table_setn(env, "REQUEST_URI", r->unparsed_uri);
    apr_table_setn(env, "SCRIPT_NAME", script_name);
    apr_table_setn(env, "PATH_INFO", path_info);
    if (*path_info) {
        apr_table_setn(env, "PATH_TRANSLATED", apr_pstrcat(r->pool, ap_document_root(r), path_info, NULL));
    }
    if (dc->pass_authorization == 1) {
        const char *auth = apr_table_get(r->headers_in, "Authorization");
        if (auth) {
            apr_table_setn(env, "HTTP_AUTHORIZATION", auth);
        }
    } else {
        /* CGIPassAuth On would have added it: the module's setting decides */
        apr_table_unset(env, "HTTP_AUTHORIZATION");
    }
}

/* The TLS facts a servlet engine turns into request attributes (Tomcat's AJP connector gets the
 * same from mod_proxy_ajp): mod_ssl's names, so they are there without SSLOptions +StdEnvVars. */
static const char *const ssl_vars[] = {
    "SSL_PROTOCOL", "SSL_CIPHER", "SSL_CIPHER_USEKEYSIZE", "SSL_SESSION_ID", "SSL_CLIENT_CERT", NULL
};

/* A web application's request: what its connector (RequestMapping.java) reads, with the values
 * ap_add_common_vars would give a script (SERVER_NAME, SERVER_PORT follow UseCanonicalName;
 * REMOTE_ADDR is mod_remoteip's useragent address; HTTPS as mod_ssl or SetEnvIf set it); its
 * headers as they arrived (names in their case, in their order: "Name: value" lines in
 * mod_jvm.headers), the connection's local port (the servlet's getLocalPort) and the TLS
 * variables. Nothing is added to r->subprocess_env: no HTTP_* copy of every header, no
 * SERVER_SIGNATURE. */
static apr_table_t *web_application_vars(request_rec *r, const jvm_dir_conf *dc, const char *script_name)
{
    /* a table of its own, each key once: added without apr_table_setn's search for the key */
    apr_table_t *env = apr_table_make(r->pool, 24);
    add_if(env, "SCRIPT_FILENAME", r->filename);
    apr_table_addn(env, "SCRIPT_NAME", script_name);
    apr_table_addn(env, "SERVER_PROTOCOL", r->protocol);
    apr_table_addn(env, "REQUEST_METHOD", r->method);
    apr_table_addn(env, "REQUEST_URI", r->unparsed_uri);
    apr_table_addn(env, "QUERY_STRING", r->args ? r->args : "");
    apr_table_addn(env, "SERVER_NAME", ap_escape_html(r->pool, ap_get_server_name_for_url(r)));
    add_if(env, "SERVER_ADDR", r->connection->local_ip);
    apr_table_addn(env, "SERVER_PORT", apr_itoa(r->pool, (int)ap_get_server_port(r)));
    add_if(env, "REMOTE_ADDR", r->useragent_ip);
    add_if(env, "REMOTE_HOST", ap_get_useragent_host(r, REMOTE_HOST, NULL));
    if (r->useragent_addr) {
        apr_table_addn(env, "REMOTE_PORT", apr_itoa(r->pool, r->useragent_addr->port));
    }
    apr_table_addn(env, "REQUEST_SCHEME", ap_http_scheme(r));
    add_if(env, "HTTPS", apr_table_get(r->subprocess_env, "HTTPS"));
    add_if(env, "CONTENT_TYPE", apr_table_get(r->headers_in, "Content-Type"));
    add_if(env, "CONTENT_LENGTH", apr_table_get(r->headers_in, "Content-Length"));
    add_if(env, "REMOTE_USER", r->user);
    add_if(env, "AUTH_TYPE", r->ap_auth_type);
    add_web_application_headers(r, dc, env);
    return env;
}

static void add_if(apr_table_t *env, const char *key, const char *value)
{
    if (value) {
        apr_table_addn(env, key, value);
    }
}

static void add_web_application_headers(request_rec *r, const jvm_dir_conf *dc, apr_table_t *env)
{
    const apr_array_header_t *arr = apr_table_elts(r->headers_in);
    const apr_table_entry_t *h = (const apr_table_entry_t *)arr->elts;
    apr_size_t len = 0;
    char *all, *at;
    for (int i = 0; i < arr->nelts; i++) {
        if (h[i].key && h[i].val) {
            len += strlen(h[i].key) + strlen(h[i].val) + 3;
        }
    }
    at = all = apr_palloc(r->pool, len + 1);
    for (int i = 0; i < arr->nelts; i++) {
        apr_size_t kl, vl;
        if (!h[i].key || !h[i].val) {
            continue;
        }
        if (dc->pass_authorization != 1 && !strcasecmp(h[i].key, "Authorization")) {
            continue; /* JvmPassAuthorization decides, as for scripts */
        }
        kl = strlen(h[i].key);
        vl = strlen(h[i].val);
        memcpy(at, h[i].key, kl);
        at += kl;
        *at++ = ':';
        *at++ = ' ';
        memcpy(at, h[i].val, vl);
        at += vl;
        *at++ = '\n';
    }
    *at = '\0';
    apr_table_addn(env, "mod_jvm.headers", all);
    apr_table_addn(env, "mod_jvm.local_port",
                   apr_itoa(r->pool, r->connection->local_addr ? r->connection->local_addr->port : 0));
    if (ap_ssl_conn_is_ssl(r->connection)) {
        for (int i = 0; ssl_vars[i]; i++) {
            const char *v = ap_ssl_var_lookup(r->pool, r->server, r->connection, r, ssl_vars[i]);
            if (v && *v) {
                apr_table_addn(env, ssl_vars[i], v);
            }
        }
    }
}

void jvm_environ_write(request_rec *r, const jvm_environ *e, jvm_fw *w)
{
    const apr_array_header_t *arr = apr_table_elts(e->vars);
    const apr_table_entry_t *elts = (const apr_table_entry_t *)arr->elts;
    char start[32];
    uint32_t count = 0;
    size_t count_at;

    jvm_fw_u32(w, JVM_FRAME_MAGIC);
    jvm_fw_u32(w, e->flags);
    jvm_fw_i64(w, r->finfo.filetype == APR_REG ? (int64_t)r->finfo.mtime : 0);
    jvm_fw_i64(w, r->finfo.filetype == APR_REG ? (int64_t)r->finfo.size : 0);
    count_at = w->len;
    jvm_fw_u32(w, 0);
    for (int i = 0; i < arr->nelts; i++) {
        if (!elts[i].key || !elts[i].val) {
            continue;
        }
        jvm_fw_kv(w, elts[i].key, strlen(elts[i].key), elts[i].val, strlen(elts[i].val));
        count++;
    }
    apr_snprintf(start, sizeof start, "%" APR_TIME_T_FMT, r->request_time);
    jvm_fw_kv_str(w, "mod_jvm.process_group", e->process_group);
    jvm_fw_kv_str(w, "mod_jvm.application_group", e->application_group);
    jvm_fw_kv_str(w, "mod_jvm.callable_object", e->callable);
    jvm_fw_kv_str(w, "mod_jvm.request_id", e->request_id);
    jvm_fw_kv_str(w, "mod_jvm.thread_id", e->thread_id);
    jvm_fw_kv_str(w, "mod_jvm.request_start", start);
    count += 6;
    jvm_fw_patch_u32(w, count_at, count);
}
