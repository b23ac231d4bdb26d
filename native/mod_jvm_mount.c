/* mod_jvm_mount: maps requests to mounted scripts (JvmScriptAlias, JvmScriptAliasMatch) in
 * translate_name, the way mod_alias maps ScriptAlias, and hands them to the mode that runs them. */
#include "mod_jvm.h"
#include "mod_jvm_config.h"
#include "mod_jvm_lookup.h"
#include "mod_jvm_daemon.h"
#include "mod_jvm_embedded.h"
#include "mod_jvm_mount.h"

#include "http_core.h"
#include "http_main.h"
#include "http_request.h"
#include "apr_strings.h"

#include <string.h>

APLOG_USE_MODULE(jvm);

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

int jvm_mount_translate_name(request_rec *r)
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
            if (a->webapp) {
                /* the web application's root; the rest of the URI is the engine's to map
                 * (jvm_mount_map_to_storage keeps the directory walk from splitting it) */
                r->filename = apr_pstrdup(r->pool, a->script);
                r->path_info = apr_pstrdup(r->pool, r->uri + n);
                r->handler = JVM_HANDLER;
                {
                    jvm_request_conf *rc = apr_pcalloc(r->pool, sizeof *rc);
                    rc->alias = a;
                    ap_set_module_config(r->request_config, &jvm_module, rc);
                }
                return OK;
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
                              JVM00040 "JvmScriptAliasMatch: substitution of '%s' failed", a->script);
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

/* A web application is mapped the way mod_proxy_ajp maps what it forwards: no directory or
 * file walk (its URLs are the engine's, not files of Apache's: <Location> sections apply,
 * <Directory> sections do not), only the stat of its root the handler checks. */
int jvm_mount_map_to_storage(request_rec *r)
{
    jvm_request_conf *rc = ap_get_module_config(r->request_config, &jvm_module);
    if (!rc || !rc->alias->webapp || !r->filename) {
        return DECLINED;
    }
    /* r->finfo stays empty: with a directory's finfo, mod_dir would redirect /app to /app/
     * itself (301) where the engine answers as Tomcat does (302); the handler stats the root */
    return OK;
}

int jvm_mount_handler(request_rec *r)
{
    jvm_request_conf *rc;
    if (!r->handler || strcmp(r->handler, JVM_HANDLER)) {
        return DECLINED;
    }
    rc = ap_get_module_config(r->request_config, &jvm_module);
    if (!rc) {
        return DECLINED;
    }
    if (rc->alias->webapp) {
        if (apr_stat(&r->finfo, r->filename, APR_FINFO_MIN, r->pool) != APR_SUCCESS
            || (r->finfo.filetype != APR_REG && r->finfo.filetype != APR_DIR)) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          JVM00100 "web application %s for %s does not exist", r->filename, r->uri);
            return HTTP_NOT_FOUND;
        }
    } else if (r->finfo.filetype != APR_REG) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      JVM00030 "script %s for %s does not exist or is not a regular file", r->filename, r->uri);
        return HTTP_NOT_FOUND;
    }
    {
        const char *err;
        jvm_daemon_group *g = jvm_conf_process_group(r, rc->alias, &err);
        jvm_server_conf *main_sc = ap_get_module_config(ap_server_conf->module_config, &jvm_module);
        if (err) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, JVM00041 "cannot run %s: %s", r->filename, err);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        if (g) {
            return jvm_daemon_handle(r, g, rc->alias);
        }
        if (main_sc->restrict_embedded == 1) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          JVM00042 "%s would run embedded, but JvmRestrictEmbedded is On: give it a "
                          "JvmProcessGroup", r->filename);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return jvm_embedded_handle(r);
}

