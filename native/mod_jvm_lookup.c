/* mod_jvm_lookup: what the modes (and the start-up checks) look up in the configuration: the
 * effective JvmHome, runtime, cache and socket locations, whether embedded mode runs, the
 * daemon group and application group of a request, and the options each mode's JVM starts
 * with. Reads the configuration, never changes it. */
#include "mod_jvm.h"
#include "mod_jvm_config.h"
#include "mod_jvm_lookup.h"
#include "jvm_options.h"

#include "apr_strings.h"
#include "apr_file_info.h"

#include <dlfcn.h>
#include <string.h>
#include <unistd.h>

const char *jvm_conf_jvm_home(const jvm_server_conf *sc)
{
    if (sc->jvm_home) {
        return sc->jvm_home;
    }
#ifdef MOD_JVM_PREFERRED_JVM_HOME
    /* packages: the system's default JDK when it is installed, else the JDK built against */
    if (access(MOD_JVM_PREFERRED_JVM_HOME "/lib/server/libjvm.so", F_OK) == 0) {
        return MOD_JVM_PREFERRED_JVM_HOME;
    }
#endif
    return MOD_JVM_DEFAULT_JVM_HOME;
}

const char *jvm_conf_cache_dir(apr_pool_t *p, const jvm_server_conf *sc)
{
    return sc->cache_dir ? sc->cache_dir : ap_runtime_dir_relative(p, "mod_jvm-cache");
}

int jvm_conf_any_alias(server_rec *s)
{
    for (; s; s = s->next) {
        jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
        if (sc && sc->aliases->nelts > 0) {
            return 1;
        }
    }
    return 0;
}

int jvm_conf_embedded_allowed(server_rec *s)
{
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    return sc->restrict_embedded != 1 && jvm_conf_any_alias(s);
}

int jvm_conf_embedded_wanted(server_rec *s)
{
    if (!jvm_conf_embedded_allowed(s)) {
        return 0;
    }
    for (server_rec *vs = s; vs; vs = vs->next) {
        jvm_server_conf *sc = ap_get_module_config(vs->module_config, &jvm_module);
        jvm_dir_conf *dc = ap_get_module_config(vs->lookup_defaults, &jvm_module);
        const jvm_alias *a = (const jvm_alias *)sc->aliases->elts;
        for (int i = 0; i < sc->aliases->nelts; i++) {
            const char *group = a[i].process_group ? a[i].process_group : dc->process_group;
            if (!group || !*group) {
                return 1;
            }
        }
    }
    return 0;
}

const char *jvm_conf_socket_prefix(apr_pool_t *p, server_rec *main_server)
{
    jvm_server_conf *sc = ap_get_module_config(main_server->module_config, &jvm_module);
    return sc->socket_prefix ? sc->socket_prefix : ap_runtime_dir_relative(p, "jvm");
}

jvm_daemon_group *jvm_conf_find_group(server_rec *s, const char *name)
{
    apr_array_header_t *groups = jvm_daemon_groups();
    for (int i = 0; groups && i < groups->nelts; i++) {
        jvm_daemon_group *g = APR_ARRAY_IDX(groups, i, jvm_daemon_group *);
        if (!strcmp(g->name, name) && (g->server == s || g->server->is_virtual == 0)) {
            return g;
        }
    }
    return NULL;
}

jvm_daemon_group *jvm_conf_process_group(request_rec *r, const jvm_alias *alias, const char **err)
{
    jvm_dir_conf *dc = ap_get_module_config(r->per_dir_config, &jvm_module);
    const char *name = alias && alias->process_group ? alias->process_group : dc->process_group;
    jvm_daemon_group *g;
    *err = NULL;
    if (!name || !*name) {
        return NULL;
    }
    if (!(g = jvm_conf_find_group(r->server, name))) {
        *err = apr_psprintf(r->pool, "process group '%s' is not defined for server %s", name,
                            r->server->server_hostname);
    }
    return g;
}

/* %{SERVER}: the virtual host as configured (its ServerName, and its port, else the port the
 * connection came in on), never what the client sent: with UseCanonicalName Off,
 * ap_get_server_name()/ap_get_server_port() come from the Host header, and every new value
 * would load the application again in a group of its own. */
static const char *server_group_name(request_rec *r)
{
    apr_port_t port = r->server->port ? r->server->port : r->connection->local_addr->port;
    const char *name = r->server->server_hostname ? r->server->server_hostname : "";
    if (port == 80 || port == 443) {
        return name;
    }
    return apr_psprintf(r->pool, "%s:%u", name, (unsigned)port);
}

const char *jvm_conf_application_group(request_rec *r, const jvm_alias *alias,
                                       const jvm_dir_conf *dc, const char *script_name)
{
    const char *g = alias && alias->application_group ? alias->application_group
                  : dc->application_group ? dc->application_group : "%{RESOURCE}";
    if (g[0] != '%') {
        return g;
    }
    if (!strcmp(g, "%{GLOBAL}")) {
        return "";
    }
    if (!strcmp(g, "%{SERVER}")) {
        return server_group_name(r);
    }
    if (!strcmp(g, "%{RESOURCE}")) {
        return apr_pstrcat(r->pool, server_group_name(r), "|", script_name, NULL);
    }
    if (!strncmp(g, "%{ENV:", 6)) {
        const char *name = apr_pstrmemdup(r->pool, g + 6, strlen(g) - 7);
        const char *v = apr_table_get(r->subprocess_env, name);
        return v ? v : "";
    }
    return g;
}

const char *jvm_conf_runtime_dir(apr_pool_t *p, const jvm_server_conf *sc)
{
    Dl_info info;
    apr_finfo_t fi;
    if (sc->runtime_dir) {
        return sc->runtime_dir;
    }
    /* a module directory (the build's native/target/module, or a package's) holds the jars
     * next to mod_jvm.so */
    if (dladdr((void *)&jvm_module, &info) && info.dli_fname) {
        const char *slash = strrchr(info.dli_fname, '/');
        if (slash) {
            const char *dir = apr_pstrmemdup(p, info.dli_fname, (apr_size_t)(slash - info.dli_fname));
            if (apr_stat(&fi, apr_pstrcat(p, dir, "/mod_jvm-runtime.jar", NULL), APR_FINFO_TYPE, p) == APR_SUCCESS) {
                return dir;
            }
        }
    }
    return MOD_JVM_DEFAULT_RUNTIME_DIR;
}

/* The defaults of `mode` for the JDK at home and the user's options, with `extra` (if not NULL)
 * between them. */
static apr_array_header_t *jvm_options(apr_pool_t *p, jvm_options_mode mode, const char *home,
                                       const char *extra, const apr_array_header_t *user)
{
    apr_array_header_t *opts = apr_array_make(p, JVM_OPTIONS_MAX_DEFAULTS + 1 + user->nelts, sizeof(const char *));
    const char *defaults[JVM_OPTIONS_MAX_DEFAULTS];
    int n = jvm_options_defaults(mode, home, (const char *const *)user->elts, user->nelts, defaults);
    for (int i = 0; i < n; i++) {
        *(const char **)apr_array_push(opts) = defaults[i];
    }
    if (extra) {
        *(const char **)apr_array_push(opts) = extra;
    }
    apr_array_cat(opts, user);
    return opts;
}

apr_array_header_t *jvm_conf_embedded_jvm_options(apr_pool_t *p, const jvm_server_conf *sc, const char *class_path)
{
    return jvm_options(p, JVM_OPTIONS_EMBEDDED, jvm_conf_jvm_home(sc), class_path, sc->jvm_options);
}

apr_array_header_t *jvm_conf_daemon_jvm_options(apr_pool_t *p, const jvm_daemon_group *g, const char *java_home)
{
    return jvm_options(p, JVM_OPTIONS_DAEMON, java_home, NULL, g->jvm_options);
}
