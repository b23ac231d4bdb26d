/* mod_jvm_config: directives. Every value is checked when the configuration is read, so a
 * mistake fails `apachectl configtest` with the directive, the value and what is wrong. */
#include "mod_jvm.h"
#include "mod_jvm_config.h"

#include "http_core.h"
#include "http_request.h"
#include "apr_strings.h"
#include "apr_hash.h"
#include "apr_file_info.h"
#include "apr_lib.h"
#include "apr_thread_proc.h"
#include "unixd.h"
#include "mod_jvm_embedded.h"
#include "mod_jvm_daemon.h"
#include "jvm_trust.h"

#include <dlfcn.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

APLOG_USE_MODULE(jvm);

void *jvm_create_server_conf(apr_pool_t *p, server_rec *s)
{
    jvm_server_conf *sc = apr_pcalloc(p, sizeof *sc);
    sc->jvm_options = apr_array_make(p, 4, sizeof(const char *));
    sc->aliases = apr_array_make(p, 2, sizeof(jvm_alias));
    sc->daemons = apr_array_make(p, 1, sizeof(jvm_daemon_group *));
    sc->restrict_embedded = -1;
    return sc;
}

void *jvm_merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    jvm_server_conf *base = basev, *add = addv;
    jvm_server_conf *sc = apr_pcalloc(p, sizeof *sc);
    sc->jvm_home = add->jvm_home ? add->jvm_home : base->jvm_home;
    sc->jvm_options = base->jvm_options;
    sc->class_path = add->class_path ? add->class_path : base->class_path;
    sc->runtime_dir = add->runtime_dir ? add->runtime_dir : base->runtime_dir;
    sc->cache_dir = add->cache_dir ? add->cache_dir : base->cache_dir;
    /* a virtual host's aliases are tried before the main server's, each in config order */
    sc->aliases = apr_array_append(p, add->aliases, base->aliases);
    sc->daemons = add->daemons;
    sc->restrict_embedded = add->restrict_embedded != -1 ? add->restrict_embedded : base->restrict_embedded;
    sc->socket_prefix = add->socket_prefix ? add->socket_prefix : base->socket_prefix;
    sc->request_timeout = add->request_timeout ? add->request_timeout : base->request_timeout;
    return sc;
}

void *jvm_create_dir_conf(apr_pool_t *p, char *dir)
{
    jvm_dir_conf *dc = apr_pcalloc(p, sizeof *dc);
    dc->script_reloading = -1;
    dc->pass_authorization = -1;
    return dc;
}

void *jvm_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    jvm_dir_conf *base = basev, *add = addv;
    jvm_dir_conf *dc = apr_pcalloc(p, sizeof *dc);
    dc->application_group = add->application_group ? add->application_group : base->application_group;
    dc->callable_object = add->callable_object ? add->callable_object : base->callable_object;
    dc->script_reloading = add->script_reloading != -1 ? add->script_reloading : base->script_reloading;
    dc->pass_authorization = add->pass_authorization != -1 ? add->pass_authorization : base->pass_authorization;
    dc->process_group = add->process_group ? add->process_group : base->process_group;
    return dc;
}

static jvm_server_conf *server_conf(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &jvm_module);
}

/* ---- value checks ---------------------------------------------------------------------- */

static int is_java_identifier(const char *s, const char *end)
{
    if (s >= end || apr_isdigit(*s)) {
        return 0;
    }
    for (; s < end; s++) {
        if (!apr_isalnum(*s) && *s != '_' && *s != '$') {
            return 0;
        }
    }
    return 1;
}

/* "member" or "com.example.Class::member" */
static const char *check_callable(apr_pool_t *p, const char *directive, const char *v)
{
    const char *sep = strstr(v, "::");
    const char *member = sep ? sep + 2 : v;
    if (sep == v) {
        return apr_psprintf(p, "%s: '%s' is not a valid callable: the class name before '::' is missing",
                            directive, v);
    }
    if (sep) {
        const char *part = v;
        while (part < sep) {
            const char *dot = memchr(part, '.', (size_t)(sep - part));
            const char *stop = dot ? dot : sep;
            if (!is_java_identifier(part, stop)) {
                return apr_psprintf(p, "%s: '%s' is not a valid callable: '%s' is not a Java class name",
                                    directive, v, apr_pstrmemdup(p, v, (apr_size_t)(sep - v)));
            }
            part = dot ? dot + 1 : sep;
        }
    }
    if (!is_java_identifier(member, member + strlen(member))) {
        return apr_psprintf(p, "%s: '%s' is not a valid callable: expected a Java identifier "
                            "such as 'application', or 'com.example.App::application'", directive, v);
    }
    return NULL;
}

static const char *check_application_group(apr_pool_t *p, const char *directive, const char *v)
{
    const char *pct = strstr(v, "%{");
    if (!pct) {
        return NULL;
    }
    if (!strcmp(v, "%{GLOBAL}") || !strcmp(v, "%{RESOURCE}") || !strcmp(v, "%{SERVER}")) {
        return NULL;
    }
    if (!strncmp(v, "%{ENV:", 6) && strlen(v) > 7 && v[strlen(v) - 1] == '}'
        && !strchr(v + 6, '{') && strchr(v + 6, '}') == v + strlen(v) - 1) {
        return NULL;
    }
    return apr_psprintf(p, "%s: '%s' is not a valid application group: use a name, %%{GLOBAL}, "
                        "%%{RESOURCE}, %%{SERVER} or %%{ENV:variable}", directive, v);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static const char *check_script(apr_pool_t *p, const char *directive, const char *path)
{
    apr_finfo_t fi;
    apr_status_t rv;
    if (!has_suffix(path, ".java") && !has_suffix(path, ".jar")) {
        return apr_psprintf(p, "%s: '%s' is neither a .java source file nor a .jar", directive, path);
    }
    rv = apr_stat(&fi, path, APR_FINFO_TYPE, p);
    if (rv != APR_SUCCESS) {
        char buf[120];
        return apr_psprintf(p, "%s: script '%s' cannot be found: %s", directive, path,
                            apr_strerror(rv, buf, sizeof buf));
    }
    if (fi.filetype != APR_REG) {
        return apr_psprintf(p, "%s: script '%s' is not a regular file", directive, path);
    }
    return NULL;
}

/* ---- JvmScriptAlias / JvmScriptAliasMatch ---------------------------------------------- */

/* Requests are matched against a server's aliases in configuration order and the first match
 * wins, so a second alias for the same URL path (or the same regular expression) in the same
 * server is never reached: refused, naming both. A URL path under an earlier one (JvmScriptAlias
 * /app after JvmScriptAlias /) is never reached either: warned, as mod_alias warns about Alias
 * (AH00671). `a` is the last alias of sc, which holds this server's aliases only while the
 * configuration is read. (A virtual host and the main server may mount the same URL: the
 * virtual host's aliases are tried first.) */
static const char *check_duplicate_alias(cmd_parms *cmd, const jvm_server_conf *sc, const jvm_alias *a)
{
    const jvm_alias *all = (const jvm_alias *)sc->aliases->elts;
    for (int i = 0; i < sc->aliases->nelts - 1; i++) {
        const jvm_alias *o = &all[i];
        size_t n = o->url ? strlen(o->url) : 0;
        if ((a->url && o->url && !strcmp(a->url, o->url))
            || (a->pattern && o->pattern && !strcmp(a->pattern, o->pattern))) {
            return apr_psprintf(cmd->pool, "%s: %s '%s' is already mounted in this server by %s at %s (script %s): "
                                "the first one wins, so this one (script %s) would never be reached; "
                                "remove one of them", a->directive, a->url ? "URL path" : "regular expression",
                                a->url ? (*a->url ? a->url : "/") : a->pattern, o->directive, o->where,
                                o->script, a->script);
        }
        if (a->url && o->url && !strncmp(a->url, o->url, n) && a->url[n] == '/') {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cmd->server,
                         "JVM00074: %s %s at %s is never reached: the earlier %s %s at %s mounts every URL under "
                         "it (the first match wins); put the longer URL path first", a->directive, a->url,
                         a->where, o->directive, *o->url ? o->url : "/", o->where);
            break;
        }
    }
    return NULL;
}

static const char *add_alias(cmd_parms *cmd, void *dummy, int argc, char *const argv[])
{
    const char *directive = cmd->cmd->name;
    int is_match = cmd->info != NULL;
    jvm_server_conf *sc = server_conf(cmd);
    jvm_alias *a;
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    if (err) {
        return err;
    }
    if (argc < 2) {
        return apr_psprintf(cmd->pool, "%s: needs a %s and a file path", directive,
                            is_match ? "regular expression" : "URL path");
    }
    a = apr_array_push(sc->aliases);
    memset(a, 0, sizeof *a);
    a->directive = directive;
    a->where = cmd->directive && cmd->directive->filename
             ? apr_psprintf(cmd->pool, "%s:%d", cmd->directive->filename, cmd->directive->line_num)
             : "(unknown line)";
    if (is_match) {
        a->pattern = apr_pstrdup(cmd->pool, argv[0]);
        a->regex = ap_pregcomp(cmd->pool, argv[0], AP_REG_EXTENDED);
        if (!a->regex) {
            return apr_psprintf(cmd->pool, "%s: '%s' is not a valid regular expression", directive, argv[0]);
        }
    } else {
        char *url = apr_pstrdup(cmd->pool, argv[0]);
        size_t n = strlen(url);
        if (url[0] != '/') {
            return apr_psprintf(cmd->pool, "%s: URL path '%s' must start with '/'", directive, argv[0]);
        }
        /* "/app/" and "/app" mount the same way; "/" becomes "" (matches everything) */
        while (n > 0 && url[n - 1] == '/') {
            url[--n] = '\0';
        }
        a->url = url;
    }
    a->script = ap_server_root_relative(cmd->pool, argv[1]);
    if (!a->script) {
        return apr_psprintf(cmd->pool, "%s: invalid file path '%s'", directive, argv[1]);
    }
    if (!is_match || !strchr(a->script, '$')) {
        if ((err = check_script(cmd->pool, directive, a->script))) {
            return err;
        }
    } else {
        /* a template: it must name .java or .jar files and use only groups the regex has */
        if (!has_suffix(a->script, ".java") && !has_suffix(a->script, ".jar")) {
            return apr_psprintf(cmd->pool, "%s: '%s' is neither a .java source file nor a .jar", directive, a->script);
        }
        for (const char *d = strchr(a->script, '$'); d; d = strchr(d + 1, '$')) {
            if (apr_isdigit(d[1]) && (int)(d[1] - '0') > (int)a->regex->re_nsub) {
                return apr_psprintf(cmd->pool, "%s: '%s' uses $%c but the regular expression '%s' has %d group%s",
                                    directive, a->script, d[1], argv[0], (int)a->regex->re_nsub,
                                    a->regex->re_nsub == 1 ? "" : "s");
            }
        }
    }
    if ((err = check_duplicate_alias(cmd, sc, a))) {
        return err;
    }
    for (int i = 2; i < argc; i++) {
        const char *opt = argv[i];
        if (!strncmp(opt, "application-group=", 18)) {
            a->application_group = opt + 18;
            if ((err = check_application_group(cmd->pool, directive, a->application_group))) {
                return err;
            }
        } else if (!strncmp(opt, "process-group=", 14)) {
            a->process_group = opt + 14;
            if (!*a->process_group) {
                return apr_psprintf(cmd->pool, "%s: process-group= needs a name", directive);
            }
        } else if (!strncmp(opt, "callable=", 9)) {
            a->callable = opt + 9;
            if ((err = check_callable(cmd->pool, directive, a->callable))) {
                return err;
            }
        } else {
            return apr_psprintf(cmd->pool, "%s: unknown option '%s' (known: application-group=NAME, "
                                "process-group=NAME, callable=NAME)", directive, opt);
        }
    }
    return NULL;
}

/* ---- JVM settings (main server only) ----------------------------------------------------- */

/* The value checks below are shared by the main-server directives and the options of
 * JvmDaemonProcess (java-home=, jvm-options=, class-path=); `what` names the one at fault. */

static const char *check_jvm_home(apr_pool_t *p, const char *what, const char *arg, const char **out)
{
    const char *home = ap_server_root_relative(p, arg);
    apr_finfo_t fi;
    if (!home || apr_stat(&fi, home, APR_FINFO_TYPE, p) != APR_SUCCESS || fi.filetype != APR_DIR) {
        return apr_psprintf(p, "%s: '%s' is not a directory", what, arg);
    }
    if (apr_stat(&fi, apr_pstrcat(p, home, "/lib/server/libjvm.so", NULL), APR_FINFO_TYPE, p) != APR_SUCCESS) {
        return apr_psprintf(p, "%s: '%s' has no lib/server/libjvm.so: not a JDK or JRE "
                            "home (try /usr/lib/jvm/default-java)", what, arg);
    }
    *out = home;
    return NULL;
}

static const char *parse_jvm_options(apr_pool_t *p, const char *what, const char *arg, apr_array_header_t *into)
{
    char **tokens;
    if (apr_tokenize_to_argv(arg, &tokens, p) != APR_SUCCESS) {
        return apr_psprintf(p, "%s: cannot parse '%s'", what, arg);
    }
    for (int i = 0; tokens[i]; i++) {
        const char *t = tokens[i];
        if (t[0] != '-') {
            return apr_psprintf(p, "%s: '%s' is not a JVM option (options start with '-')", what, t);
        }
        if (!strncmp(t, "-Djava.class.path=", 18) || !strcmp(t, "-cp") || !strcmp(t, "-classpath")
            || !strncmp(t, "--class-path", 12)) {
            return apr_psprintf(p, "%s: '%s': set the class path with %s", what, t,
                                strcmp(what, "JvmOptions") ? "class-path=" : "JvmClassPath");
        }
        if ((!strncmp(t, "-Xmx", 4) || !strncmp(t, "-Xms", 4) || !strncmp(t, "-Xss", 4))) {
            const char *v = t + 4;
            char *end;
            if (!*v || !apr_isdigit(*v) || (apr_strtoi64(v, &end, 10), (*end && (end[1] || !strchr("kKmMgGtT", *end))))) {
                return apr_psprintf(p, "%s: '%s' is not a valid size (e.g. %.4s64m)", what, t, t);
            }
        }
        *(const char **)apr_array_push(into) = t;
    }
    return NULL;
}

static const char *parse_class_path(apr_pool_t *p, const char *what, const char *arg, const char **out)
{
    char *copy = apr_pstrdup(p, arg), *state, *entry;
    const char *result = NULL;
    for (entry = apr_strtok(copy, ":", &state); entry; entry = apr_strtok(NULL, ":", &state)) {
        const char *path = ap_server_root_relative(p, entry);
        const char *check = path;
        apr_finfo_t fi;
        size_t n = path ? strlen(path) : 0;
        if (!path) {
            return apr_psprintf(p, "%s: invalid path '%s'", what, entry);
        }
        if (n >= 2 && !strcmp(path + n - 2, "/*")) {
            check = apr_pstrmemdup(p, path, n - 2);
        } else if (n >= 6 && !strcmp(path + n - 6, "/*.jar")) {
            /* a shell-style "dir/ *.jar": Java's class-path wildcard "dir/ *" means exactly that */
            check = apr_pstrmemdup(p, path, n - 6);
            path = apr_pstrcat(p, check, "/*", NULL);
        }
        if (apr_stat(&fi, check, APR_FINFO_TYPE, p) != APR_SUCCESS) {
            return apr_psprintf(p, "%s: '%s' does not exist", what, entry);
        }
        result = result ? apr_pstrcat(p, result, ":", path, NULL) : path;
    }
    if (!result) {
        return apr_psprintf(p, "%s: empty class path", what);
    }
    *out = result;
    return NULL;
}

static const char *set_jvm_home(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    return err ? err : check_jvm_home(cmd->pool, "JvmHome", arg, &server_conf(cmd)->jvm_home);
}

static const char *add_jvm_options(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    return err ? err : parse_jvm_options(cmd->pool, "JvmOptions", arg, server_conf(cmd)->jvm_options);
}

static const char *set_class_path(cmd_parms *cmd, void *dummy, const char *arg)
{
    jvm_server_conf *sc = server_conf(cmd);
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *cp;
    if (err || (err = parse_class_path(cmd->pool, "JvmClassPath", arg, &cp))) {
        return err;
    }
    sc->class_path = sc->class_path ? apr_pstrcat(cmd->pool, sc->class_path, ":", cp, NULL) : cp;
    return NULL;
}

static const char *set_directory(cmd_parms *cmd, void *dummy, const char *arg)
{
    jvm_server_conf *sc = server_conf(cmd);
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *path;
    int runtime = cmd->info != NULL;
    if (err) {
        return err;
    }
    path = ap_server_root_relative(cmd->pool, arg);
    if (!path) {
        return apr_psprintf(cmd->pool, "%s: invalid path '%s'", cmd->cmd->name, arg);
    }
    if (runtime) {
        apr_finfo_t fi;
        const char *jar = apr_pstrcat(cmd->pool, path, "/mod_jvm-runtime.jar", NULL);
        if (apr_stat(&fi, jar, APR_FINFO_TYPE, cmd->pool) != APR_SUCCESS) {
            return apr_psprintf(cmd->pool, "JvmRuntimeDirectory: '%s' does not contain mod_jvm-runtime.jar", arg);
        }
        sc->runtime_dir = path;
    } else {
        apr_finfo_t fi;
        if (apr_stat(&fi, path, APR_FINFO_TYPE, cmd->pool) == APR_SUCCESS && fi.filetype != APR_DIR) {
            return apr_psprintf(cmd->pool, "JvmCacheDirectory: '%s' exists and is not a directory", arg);
        }
        sc->cache_dir = path;
    }
    return NULL;
}

/* ---- daemon process groups ------------------------------------------------------------ */

/* Every JvmDaemonProcess of the configuration being read (allocated from pconf, forgotten in
 * pre_config when the configuration is read again). */
static apr_array_header_t *daemon_groups;

apr_array_header_t *jvm_daemon_groups(void)
{
    return daemon_groups;
}

int jvm_config_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    daemon_groups = apr_array_make(pconf, 2, sizeof(jvm_daemon_group *));
    return OK;
}

static const char *parse_count(apr_pool_t *p, const char *option, const char *v, int min, int max, int *out)
{
    char *end;
    apr_int64_t n = apr_strtoi64(v, &end, 10);
    if (!*v || *end || n < min || n > max) {
        return apr_psprintf(p, "JvmDaemonProcess: %s must be a whole number from %d to %d, not '%s'",
                            option, min, max, v);
    }
    *out = (int)n;
    return NULL;
}

static const char *parse_seconds(apr_pool_t *p, const char *option, const char *v, apr_interval_time_t *out)
{
    int n = 0;
    const char *err = parse_count(p, option, v, 0, 86400 * 365, &n);
    if (err) {
        return apr_psprintf(p, "%s (seconds)", err);
    }
    *out = apr_time_from_sec(n);
    return NULL;
}

/* The user of an option (user=, script-user=), a name or "#uid", parsed strictly by
 * jvm_trust_user: its entry (strings in tmp), or an error that names the option and says
 * what is wrong with the value (malformed, unknown, lookup failed). */
static const char *parse_user(apr_pool_t *tmp, apr_pool_t *p, const char *option, const char *v,
                              struct passwd *pw)
{
    const char *problem;
    char *buf = apr_palloc(tmp, JVM_ID_BUFSIZE);
    if (jvm_trust_user(v, pw, buf, JVM_ID_BUFSIZE, &problem) != JVM_ID_OK) {
        return apr_psprintf(p, "JvmDaemonProcess: %s '%s' %s", option, v, problem);
    }
    return NULL;
}

/* The same for a group (group=, script-group=): a name or "#gid". */
static const char *parse_group(apr_pool_t *tmp, apr_pool_t *p, const char *option, const char *v,
                               struct group *gr)
{
    const char *problem;
    char *buf = apr_palloc(tmp, JVM_ID_BUFSIZE);
    if (jvm_trust_group(v, gr, buf, JVM_ID_BUFSIZE, &problem) != JVM_ID_OK) {
        return apr_psprintf(p, "JvmDaemonProcess: %s '%s' %s", option, v, problem);
    }
    return NULL;
}

static int group_name_valid(const char *name)
{
    if (!*name || strlen(name) > 64) {
        return 0;
    }
    for (const char *c = name; *c; c++) {
        if (!apr_isalnum(*c) && !strchr("._-", *c)) {
            return 0;
        }
    }
    return 1;
}

static const char *add_daemon_process(cmd_parms *cmd, void *dummy, int argc, char *const argv[])
{
    jvm_server_conf *sc = server_conf(cmd);
    apr_pool_t *p = cmd->pool;
    jvm_daemon_group *g;
    apr_hash_t *given;
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    if (err) {
        return err;
    }
    if (argc < 1) {
        return "JvmDaemonProcess: needs a group name";
    }
    if (!group_name_valid(argv[0])) {
        return apr_psprintf(p, "JvmDaemonProcess: '%s' is not a valid group name (letters, digits, "
                            "'.', '_' and '-', at most 64)", argv[0]);
    }
    for (int i = 0; i < daemon_groups->nelts; i++) {
        jvm_daemon_group *other = APR_ARRAY_IDX(daemon_groups, i, jvm_daemon_group *);
        if (!strcmp(other->name, argv[0])) {
            return apr_psprintf(p, "JvmDaemonProcess: group '%s' is defined twice (names must be unique "
                                "in the whole configuration)", argv[0]);
        }
    }
    g = apr_pcalloc(p, sizeof *g);
    g->name = apr_pstrdup(p, argv[0]);
    g->server = cmd->server;
    g->processes = 1;
    g->threads = 15;
    g->umask = -1;
    g->listen_backlog = 100;
    g->graceful_timeout = apr_time_from_sec(15);
    g->shutdown_timeout = apr_time_from_sec(5);
    g->connect_timeout = apr_time_from_sec(15);
    g->request_timeout = -1; /* unset: the server's Timeout (mod_jvm_daemon.c); 0 is "never" */
    g->jvm_options = apr_array_make(p, 4, sizeof(const char *));
    g->preloads = apr_array_make(p, 1, sizeof(const char *));
    g->script_uid = -1;
    g->script_gid = -1;
    given = apr_hash_make(cmd->temp_pool);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *eq = strchr(arg, '=');
        const char *key, *v;
        if (!eq || eq == arg) {
            return apr_psprintf(p, "JvmDaemonProcess: '%s' is not an option (expected name=value)", arg);
        }
        /* name="a b": Apache's tokenizer only honours quotes at the start of a word, so it
         * splits the value; join the pieces up to the closing quote */
        if ((eq[1] == '"' || eq[1] == '\'') && (strlen(eq + 1) < 2 || arg[strlen(arg) - 1] != eq[1])) {
            char quote = eq[1];
            while (i + 1 < argc && arg[strlen(arg) - 1] != quote) {
                arg = apr_pstrcat(p, arg, " ", argv[++i], NULL);
            }
            if (arg[strlen(arg) - 1] != quote) {
                return apr_psprintf(p, "JvmDaemonProcess: option '%s' has no closing quote", arg);
            }
            eq = strchr(arg, '=');
        }
        key = apr_pstrmemdup(p, arg, (apr_size_t)(eq - arg));
        /* an option given twice: one of the two would be ignored (or, for jvm-options=, the two
         * silently added up), so neither is taken */
        if (apr_hash_get(given, key, APR_HASH_KEY_STRING)) {
            return apr_psprintf(p, "JvmDaemonProcess %s: option %s= is given twice ('%s' and '%s'): give it "
                                "once", g->name, key, (const char *)apr_hash_get(given, key, APR_HASH_KEY_STRING), arg);
        }
        apr_hash_set(given, key, APR_HASH_KEY_STRING, arg);
        v = eq + 1;
        if ((*v == '"' || *v == '\'') && strlen(v) >= 2 && v[strlen(v) - 1] == *v) {
            v = apr_pstrmemdup(p, v + 1, strlen(v) - 2);
        }
        err = NULL;
        if (!strcmp(key, "processes")) {
            err = parse_count(p, key, v, 1, 256, &g->processes);
        } else if (!strcmp(key, "threads")) {
            err = parse_count(p, key, v, 1, 10000, &g->threads);
        } else if (!strcmp(key, "display-name")) {
            g->display_name = !strcmp(v, "%{GROUP}") ? apr_psprintf(p, "(jvm:%s)", g->name) : v;
            if (!*v) {
                err = "JvmDaemonProcess: display-name= needs a value";
            }
        } else if (!strcmp(key, "user")) {
            struct passwd pw;
            if (!(err = parse_user(cmd->temp_pool, p, key, v, &pw)) && pw.pw_uid == 0) {
                err = apr_psprintf(p, "JvmDaemonProcess: user '%s' is root (uid 0): daemon processes never "
                                   "run as root", v);
            }
            g->user = v;
        } else if (!strcmp(key, "group")) {
            struct group gr;
            if (!(err = parse_group(cmd->temp_pool, p, key, v, &gr)) && gr.gr_gid == 0) {
                err = apr_psprintf(p, "JvmDaemonProcess: group '%s' is the root group (gid 0): daemon processes "
                                   "never run in the root group, where they could read (and write) every file "
                                   "of that group; name another group", v);
            }
            g->group = v;
        } else if (!strcmp(key, "script-user")) {
            struct passwd pw;
            if (!(err = parse_user(cmd->temp_pool, p, key, v, &pw))) {
                g->script_uid = (int)pw.pw_uid;
            }
        } else if (!strcmp(key, "script-group")) {
            struct group gr;
            if (!(err = parse_group(cmd->temp_pool, p, key, v, &gr))) {
                g->script_gid = (int)gr.gr_gid;
            }
        } else if (!strcmp(key, "home")) {
            apr_finfo_t fi;
            g->home = ap_server_root_relative(p, v);
            if (!g->home || apr_stat(&fi, g->home, APR_FINFO_TYPE, p) != APR_SUCCESS || fi.filetype != APR_DIR) {
                err = apr_psprintf(p, "JvmDaemonProcess: home '%s' is not a directory", v);
            }
        } else if (!strcmp(key, "java-home")) {
            err = check_jvm_home(p, "JvmDaemonProcess: java-home", v, &g->java_home);
        } else if (!strcmp(key, "class-path")) {
            err = parse_class_path(p, "JvmDaemonProcess: class-path", v, &g->class_path);
        } else if (!strcmp(key, "jvm-options")) {
            err = parse_jvm_options(p, "JvmDaemonProcess: jvm-options", v, g->jvm_options);
        } else if (!strcmp(key, "umask")) {
            char *end;
            long m = strtol(v, &end, 8);
            if (!*v || *end || m < 0 || m > 0777) {
                err = apr_psprintf(p, "JvmDaemonProcess: umask must be octal from 0 to 0777, not '%s'", v);
            }
            g->umask = (int)m;
        } else if (!strcmp(key, "maximum-requests")) {
            err = parse_count(p, key, v, 0, 2000000000, &g->maximum_requests);
        } else if (!strcmp(key, "listen-backlog")) {
            err = parse_count(p, key, v, 1, 65535, &g->listen_backlog);
        } else if (!strcmp(key, "restart-interval")) {
            err = parse_seconds(p, key, v, &g->restart_interval);
        } else if (!strcmp(key, "inactivity-timeout")) {
            err = parse_seconds(p, key, v, &g->inactivity_timeout);
        } else if (!strcmp(key, "request-timeout")) {
            err = parse_seconds(p, key, v, &g->request_timeout);
        } else if (!strcmp(key, "graceful-timeout")) {
            err = parse_seconds(p, key, v, &g->graceful_timeout);
        } else if (!strcmp(key, "shutdown-timeout")) {
            err = parse_seconds(p, key, v, &g->shutdown_timeout);
        } else if (!strcmp(key, "queue-timeout")) {
            err = parse_seconds(p, key, v, &g->queue_timeout);
        } else if (!strcmp(key, "connect-timeout")) {
            err = parse_seconds(p, key, v, &g->connect_timeout);
        } else if (!strcmp(key, "socket-timeout")) {
            err = parse_seconds(p, key, v, &g->socket_timeout);
        } else if (!strcmp(key, "startup-timeout")) {
            err = parse_seconds(p, key, v, &g->startup_timeout);
        } else {
            err = apr_psprintf(p, "JvmDaemonProcess: unknown option '%s' (see the documentation of "
                               "JvmDaemonProcess for the options)", key);
        }
        if (err) {
            return err;
        }
    }
    g->index = daemon_groups->nelts;
    *(jvm_daemon_group **)apr_array_push(daemon_groups) = g;
    *(jvm_daemon_group **)apr_array_push(sc->daemons) = g;
    return NULL;
}

static const char *set_restrict_embedded(cmd_parms *cmd, void *dummy, int on)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    if (err) {
        return err;
    }
    server_conf(cmd)->restrict_embedded = on;
    return NULL;
}

static const char *set_socket_prefix(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *path;
    apr_finfo_t fi;
    char *dir;
    if (err) {
        return err;
    }
    path = ap_runtime_dir_relative(cmd->pool, arg);
    if (!path) {
        return apr_psprintf(cmd->pool, "JvmSocketPrefix: invalid path '%s'", arg);
    }
    /* room for ".<pid>.<generation>.<index>.sock" in a sockaddr_un */
    if (strlen(path) > 70) {
        return apr_psprintf(cmd->pool, "JvmSocketPrefix: '%s' is too long for a UNIX socket path "
                            "(at most 70 characters)", path);
    }
    dir = apr_pstrdup(cmd->pool, path);
    if (strrchr(dir, '/')) {
        *strrchr(dir, '/') = '\0';
    }
    if (*dir && (apr_stat(&fi, dir, APR_FINFO_TYPE, cmd->pool) != APR_SUCCESS || fi.filetype != APR_DIR)) {
        return apr_psprintf(cmd->pool, "JvmSocketPrefix: directory '%s' does not exist", dir);
    }
    server_conf(cmd)->socket_prefix = path;
    return NULL;
}

static const char *set_request_timeout(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    char *end;
    apr_int64_t n;
    if (err) {
        return err;
    }
    n = apr_strtoi64(arg, &end, 10);
    if (!*arg || *end || n < 0 || n > 86400 * 365) {
        return apr_psprintf(cmd->pool, "JvmRequestTimeout: '%s' is not a number of seconds (0: no limit)", arg);
    }
    server_conf(cmd)->request_timeout = apr_time_from_sec(n);
    return NULL;
}

static const char *set_process_group(cmd_parms *cmd, void *dcv, const char *arg)
{
    jvm_dir_conf *dc = dcv;
    if (!strcmp(arg, "%{GLOBAL}")) {
        dc->process_group = "";
        return NULL;
    }
    if (!group_name_valid(arg)) {
        return apr_psprintf(cmd->pool, "JvmProcessGroup: '%s' is not a valid group name", arg);
    }
    dc->process_group = arg;
    return NULL;
}

/* ---- per-directory settings ---------------------------------------------------------- */

static const char *set_application_group(cmd_parms *cmd, void *dcv, const char *arg)
{
    jvm_dir_conf *dc = dcv;
    const char *err = check_application_group(cmd->pool, "JvmApplicationGroup", arg);
    if (err) {
        return err;
    }
    dc->application_group = arg;
    return NULL;
}

static const char *set_callable_object(cmd_parms *cmd, void *dcv, const char *arg)
{
    jvm_dir_conf *dc = dcv;
    const char *err = check_callable(cmd->pool, "JvmCallableObject", arg);
    if (err) {
        return err;
    }
    dc->callable_object = arg;
    return NULL;
}

static const char *set_flag(cmd_parms *cmd, void *dcv, int on)
{
    jvm_dir_conf *dc = dcv;
    if (cmd->info) {
        dc->pass_authorization = on;
    } else {
        dc->script_reloading = on;
    }
    return NULL;
}

const command_rec jvm_cmds[] = {
    AP_INIT_TAKE_ARGV("JvmScriptAlias", add_alias, NULL, RSRC_CONF,
                      "URL-path file-path [application-group=NAME] [callable=NAME]: mount a .java or .jar application"),
    AP_INIT_TAKE_ARGV("JvmScriptAliasMatch", add_alias, (void *)1, RSRC_CONF,
                      "regex file-path [options]: mount applications by regular expression ($1 … in the path)"),
    AP_INIT_TAKE1("JvmHome", set_jvm_home, NULL, RSRC_CONF,
                  "JDK home holding lib/server/libjvm.so"),
    AP_INIT_ITERATE("JvmOptions", add_jvm_options, NULL, RSRC_CONF,
                    "options for the embedded JVM, e.g. \"-Xmx256m -Dfoo=bar\""),
    AP_INIT_TAKE1("JvmClassPath", set_class_path, NULL, RSRC_CONF,
                  "class path entries (':'-separated) added to the embedded JVM"),
    AP_INIT_TAKE1("JvmRuntimeDirectory", set_directory, (void *)1, RSRC_CONF,
                  "directory holding mod_jvm-runtime.jar and mod_jvm-api.jar"),
    AP_INIT_TAKE1("JvmCacheDirectory", set_directory, NULL, RSRC_CONF,
                  "directory where compiled .java scripts are cached"),
    AP_INIT_TAKE_ARGV("JvmDaemonProcess", add_daemon_process, NULL, RSRC_CONF,
                      "name [option=value …]: a supervised group of daemon JVM processes"),
    AP_INIT_TAKE1("JvmProcessGroup", set_process_group, NULL, RSRC_CONF | ACCESS_CONF | OR_FILEINFO,
                  "NAME|%{GLOBAL}: the daemon process group applications run in (%{GLOBAL}: embedded)"),
    AP_INIT_FLAG("JvmRestrictEmbedded", set_restrict_embedded, NULL, RSRC_CONF,
                 "On|Off: no JVM in Apache's children; only daemon mode (default Off)"),
    AP_INIT_TAKE1("JvmRequestTimeout", set_request_timeout, NULL, RSRC_CONF,
                  "seconds: embedded mode interrupts a request running longer (0: no limit)"),
    AP_INIT_TAKE1("JvmSocketPrefix", set_socket_prefix, NULL, RSRC_CONF,
                  "path prefix of the daemon sockets (default: <DefaultRuntimeDir>/jvm)"),
    AP_INIT_TAKE1("JvmApplicationGroup", set_application_group, NULL, RSRC_CONF | ACCESS_CONF | OR_FILEINFO,
                  "NAME, %{GLOBAL}, %{RESOURCE}, %{SERVER} or %{ENV:var}: the class-loader space of the application"),
    AP_INIT_TAKE1("JvmCallableObject", set_callable_object, NULL, RSRC_CONF | ACCESS_CONF | OR_FILEINFO,
                  "name of the public static member called for each request (default: application)"),
    AP_INIT_FLAG("JvmScriptReloading", set_flag, NULL, RSRC_CONF | ACCESS_CONF | OR_FILEINFO,
                 "On|Off: reload a script when its file changes (default On)"),
    AP_INIT_FLAG("JvmPassAuthorization", set_flag, (void *)1, RSRC_CONF | ACCESS_CONF | OR_FILEINFO,
                 "On|Off: pass the Authorization header to the application (default Off)"),
    { NULL }
};

/* ---- lookups ----------------------------------------------------------------------------- */

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

/* A group defined in server `s`, or in the main server (visible to every virtual host). */
static jvm_daemon_group *find_group(server_rec *s, const char *name)
{
    for (int i = 0; daemon_groups && i < daemon_groups->nelts; i++) {
        jvm_daemon_group *g = APR_ARRAY_IDX(daemon_groups, i, jvm_daemon_group *);
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
    if (!(g = find_group(r->server, name))) {
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

/* ---- start-up checks ------------------------------------------------------------------------ */

/* Runs `<home>/bin/java <options> -version`: the JVM itself judges JvmOptions, so a bad
 * option fails configtest instead of every child. Returns NULL or the JVM's complaint. */
static const char *check_jvm_options(apr_pool_t *p, const char *home, const apr_array_header_t *opts)
{
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

int jvm_check_private_dir(apr_pool_t *p, const char *path, const char **why)
{
    char buf[2048];
    if (jvm_trust_private_dir(path, buf, sizeof buf) == 0) {
        return 1;
    }
    *why = apr_pstrdup(p, buf);
    return 0;
}

const char *jvm_conf_daemon_identity(apr_pool_t *p, const jvm_daemon_group *g, jvm_daemon_identity *out)
{
    struct passwd pw;
    char *buf = apr_palloc(p, JVM_ID_BUFSIZE);
    const char *problem;
    const char *from;
    int in_root_group;
    if (geteuid() != 0) {
        /* Apache runs unprivileged: the daemons run as Apache itself (its user and groups; nothing
         * is switched, so they can do no more than Apache's own children) */
        if (jvm_trust_user(apr_psprintf(p, "#%lu", (unsigned long)geteuid()), &pw, buf, JVM_ID_BUFSIZE,
                           &problem) != JVM_ID_OK) {
            return apr_psprintf(p, "the user Apache runs as (uid %lu) %s", (unsigned long)geteuid(), problem);
        }
        if (g->user) {
            struct passwd want;
            char *wbuf = apr_palloc(p, JVM_ID_BUFSIZE);
            if (jvm_trust_user(g->user, &want, wbuf, JVM_ID_BUFSIZE, &problem) != JVM_ID_OK) {
                return apr_psprintf(p, "user '%s' %s", g->user, problem);
            }
            if (want.pw_uid != pw.pw_uid) {
                return apr_psprintf(p, "user=%s needs Apache to start as root", g->user);
            }
        }
        out->uid = pw.pw_uid;
        out->gid = pw.pw_gid;
        out->user = apr_pstrdup(p, pw.pw_name);
        out->home = apr_pstrdup(p, pw.pw_dir);
        return NULL;
    }
    {
        const char *user = g->user ? g->user : ap_unixd_config.user_name;
        if (jvm_trust_user(user ? user : "", &pw, buf, JVM_ID_BUFSIZE, &problem) != JVM_ID_OK) {
            return apr_psprintf(p, "%s '%s' %s", g->user ? "user" : "Apache's User", user ? user : "", problem);
        }
        if (pw.pw_uid == 0) {
            return apr_psprintf(p, "refusing to run daemon processes as root (%s '%s' is root): set user= or "
                                "Apache's User to another user", g->user ? "user" : "Apache's User", user);
        }
    }
    out->uid = pw.pw_uid;
    out->user = apr_pstrdup(p, pw.pw_name);
    out->home = apr_pstrdup(p, pw.pw_dir);
    if (g->group) {
        struct group gr;
        if (jvm_trust_group(g->group, &gr, buf, JVM_ID_BUFSIZE, &problem) != JVM_ID_OK) {
            return apr_psprintf(p, "group '%s' %s", g->group, problem);
        }
        out->gid = gr.gr_gid;
        from = apr_psprintf(p, "group=%s", g->group);
    } else if (g->user) {
        out->gid = pw.pw_gid;
        from = apr_psprintf(p, "group= is not given and the primary group of user %s", out->user);
    } else {
        out->gid = ap_unixd_config.group_id;
        from = "group= is not given and Apache's Group";
    }
    if (out->gid == 0) {
        return apr_psprintf(p, "the daemon processes would run in the root group (gid 0): %s is root. Daemon "
                            "processes never run in the root group, where they could read (and write) every "
                            "file of that group: set group= to another group", from);
    }
    /* initgroups() adds the groups the user is a member of in the group database */
    in_root_group = jvm_trust_in_root_group(out->user, out->gid);
    if (in_root_group != 0) {
        return apr_psprintf(p, "user %s %s the root group (gid 0) in the group database, so the daemon processes "
                            "would have it as a supplementary group. Daemon processes never run in the root "
                            "group: remove %s from it, or choose another user", out->user,
                            in_root_group > 0 ? "is a member of" : "cannot be checked for membership of",
                            out->user);
    }
    return NULL;
}

/* Whether the JDK at home can compile Java sources: bin/javac, or the jdk.compiler module in
 * the MODULES line of its release file (a jlinked runtime may have the module without the
 * launcher). The same test as mod_jvm-express (Sys.hasCompiler). */
static int has_compiler(apr_pool_t *p, const char *home)
{
    apr_file_t *f;
    char text[65536];
    apr_size_t len = sizeof text - 1;
    const char *line;
    if (access(apr_pstrcat(p, home, "/bin/javac", NULL), X_OK) == 0) {
        return 1;
    }
    if (apr_file_open(&f, apr_pstrcat(p, home, "/release", NULL), APR_FOPEN_READ, 0, p) != APR_SUCCESS) {
        return 0;
    }
    if (apr_file_read_full(f, text, len, &len) != APR_SUCCESS && len == 0) {
        apr_file_close(f);
        return 0;
    }
    apr_file_close(f);
    text[len] = '\0';
    for (line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        if (n < 8 || strncmp(line, "MODULES=", 8)) {
            continue;
        }
        /* "MODULES=\"java.base … jdk.compiler …\"": a whole word */
        for (const char *m = line + 8; m < line + n; m++) {
            const char *w = strstr(m, "jdk.compiler");
            if (!w || w + 12 > line + n) {
                break;
            }
            if ((w == line + 8 || w[-1] == ' ' || w[-1] == '"')
                && (w + 12 == line + n || w[12] == ' ' || w[12] == '"' || w[12] == '\r')) {
                return 1;
            }
            m = w;
        }
    }
    return 0;
}

/* Every JDK that will have to compile a mounted .java script can: a JvmHome (or java-home=)
 * without a compiler otherwise passes and then every request to the script fails (JVM01212).
 * The mode of a script is its alias's process-group= or its server's JvmProcessGroup; a
 * JvmProcessGroup in <Directory>, <Location> or .htaccess is not followed here. */
static int check_compilers(apr_pool_t *p, server_rec *s, const char *home)
{
    int embedded = jvm_conf_embedded_allowed(s);
    for (server_rec *vs = s; vs; vs = vs->next) {
        jvm_server_conf *sc = ap_get_module_config(vs->module_config, &jvm_module);
        jvm_dir_conf *dc = ap_get_module_config(vs->lookup_defaults, &jvm_module);
        const jvm_alias *a = (const jvm_alias *)sc->aliases->elts;
        for (int i = 0; i < sc->aliases->nelts; i++) {
            const char *name = a[i].process_group ? a[i].process_group : dc->process_group;
            jvm_daemon_group *g = name && *name ? find_group(vs, name) : NULL;
            const char *jdk = g ? (g->java_home ? g->java_home : home) : home;
            if (!has_suffix(a[i].script, ".java") || (!g && !embedded) || has_compiler(p, jdk)) {
                continue;
            }
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, vs,
                         "JVM00073: %s%s%s %s has no Java compiler (no bin/javac, no jdk.compiler module in its "
                         "release file), but %s %s at %s mounts the Java source %s, which mod_jvm compiles%s: "
                         "every request to it would fail (JVM01212). Use a JDK (apt-get install "
                         "default-jdk-headless) or mount a jar", g ? "JvmDaemonProcess " : "",
                         g ? g->name : "", g ? (g->java_home ? ": java-home" : ": JvmHome") : "JvmHome", jdk,
                         a[i].directive, a[i].url ? (*a[i].url ? a[i].url : "/") : a[i].pattern, a[i].where,
                         a[i].script, g ? " in that daemon process group" : " in embedded mode");
            return !OK;
        }
    }
    return OK;
}

/* The directory the daemon sockets are made in, and the compiled-class caches: whoever can
 * rename or replace what is there gets the daemons' connections (their HELLO secret and every
 * request's environ) or runs code in the server (docs/security.md). */
static int check_private_dirs(apr_pool_t *p, server_rec *s)
{
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    const char *cache = jvm_conf_cache_dir(p, sc);
    const char *why;
    if (daemon_groups->nelts > 0) {
        const char *prefix = jvm_conf_socket_prefix(p, s);
        char *dir = apr_pstrdup(p, prefix);
        char *slash = strrchr(dir, '/');
        if (slash) {
            *(slash == dir ? slash + 1 : slash) = '\0';
        }
        if (!jvm_check_private_dir(p, dir, &why)) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         "JVM00071: JvmSocketPrefix %s: the daemon sockets would be in a directory others can "
                         "change: %s. Whoever can rename a socket there receives the connections meant for the "
                         "daemons (with their secret and every request); use a directory only root can write, "
                         "such as the default <DefaultRuntimeDir>/jvm", prefix, why);
            return !OK;
        }
    }
    if (!jvm_check_private_dir(p, cache, &why)) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     "JVM00072: JvmCacheDirectory %s: %s. Whoever can change the cache can make the server run "
                     "their classes; use a directory that only root and Apache's User can write", cache, why);
        return !OK;
    }
    if (daemon_groups->nelts > 0) {
        /* each group's cache, <cache>.<group>, is made next to it */
        char *parent = apr_pstrdup(p, cache);
        char *slash = strrchr(parent, '/');
        if (slash) {
            *(slash == parent ? slash + 1 : slash) = '\0';
        }
        if (!jvm_check_private_dir(p, parent, &why)) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         "JVM00072: JvmCacheDirectory %s: the daemon process groups' caches (%s.<group>) would be "
                         "made in a directory others can change: %s; use a directory only root can write",
                         cache, cache, why);
            return !OK;
        }
        for (int i = 0; i < daemon_groups->nelts; i++) {
            jvm_daemon_group *g = APR_ARRAY_IDX(daemon_groups, i, jvm_daemon_group *);
            const char *gcache = apr_pstrcat(p, cache, ".", g->name, NULL);
            if (!jvm_check_private_dir(p, gcache, &why)) {
                ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                             "JVM00072: JvmDaemonProcess %s: its compiled-class cache %s: %s", g->name, gcache, why);
                return !OK;
            }
        }
    }
    return OK;
}

/* Configuration checks that need the whole configuration: they run for configtest too. */
/* Checks the process groups named by JvmScriptAlias options and server-level JvmProcessGroup,
 * and collects the scripts daemons preload (both process-group= and application-group= given,
 * as mod_wsgi does). JvmProcessGroup in <Directory> or .htaccess is checked per request. */
static int check_process_groups(apr_pool_t *p, server_rec *s)
{
    for (server_rec *vs = s; vs; vs = vs->next) {
        jvm_server_conf *sc = ap_get_module_config(vs->module_config, &jvm_module);
        jvm_dir_conf *dc = ap_get_module_config(vs->lookup_defaults, &jvm_module);
        const jvm_alias *a = (const jvm_alias *)sc->aliases->elts;
        if (dc->process_group && *dc->process_group && !find_group(vs, dc->process_group)) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, vs,
                         "JVM00006: JvmProcessGroup: process group '%s' is not defined for server %s "
                         "(JvmDaemonProcess in this virtual host or the main server)",
                         dc->process_group, vs->server_hostname ? vs->server_hostname : "(main)");
            return !OK;
        }
        for (int i = 0; i < sc->aliases->nelts; i++) {
            jvm_daemon_group *g;
            const char *preload;
            int seen = 0;
            if (!a[i].process_group) {
                continue;
            }
            if (!(g = find_group(vs, a[i].process_group))) {
                ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, vs,
                             "JVM00006: %s %s: process group '%s' is not defined for server %s",
                             a[i].directive, a[i].url ? (*a[i].url ? a[i].url : "/") : "(regex)",
                             a[i].process_group, vs->server_hostname ? vs->server_hostname : "(main)");
                return !OK;
            }
            if (!a[i].application_group || !a[i].url
                || (strstr(a[i].application_group, "%{") && strcmp(a[i].application_group, "%{GLOBAL}"))) {
                continue;
            }
            preload = apr_pstrcat(p, a[i].script, "|",
                                  strcmp(a[i].application_group, "%{GLOBAL}") ? a[i].application_group : "",
                                  "|", a[i].callable ? a[i].callable : "application", NULL);
            for (int k = 0; k < g->preloads->nelts; k++) {
                seen |= !strcmp(APR_ARRAY_IDX(g->preloads, k, const char *), preload);
            }
            if (!seen) {
                *(const char **)apr_array_push(g->preloads) = preload;
            }
        }
    }
    return OK;
}

int jvm_config_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    const char *home, *runtime_dir;
    apr_finfo_t fi;
    if (check_process_groups(pconf, s) != OK) {
        return !OK;
    }
    if (!jvm_conf_any_alias(s) && daemon_groups->nelts == 0) {
        return OK;
    }
    home = jvm_conf_jvm_home(sc);
    if (apr_stat(&fi, apr_pstrcat(ptemp, home, "/lib/server/libjvm.so", NULL), APR_FINFO_TYPE, ptemp) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     "JVM00001: JvmHome: the default JDK %s has no lib/server/libjvm.so: set JvmHome to a "
                     "JDK (e.g. JvmHome /usr/lib/jvm/default-java)", home);
        return !OK;
    }
    if (sc->jvm_options->nelts > 0 && jvm_conf_embedded_allowed(s)) {
        const char *complaint = check_jvm_options(ptemp, home, jvm_embedded_options(ptemp, sc, NULL));
        if (complaint) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         "JVM00005: JvmOptions: the JVM in %s rejects these options: %s", home, complaint);
            return !OK;
        }
    }
    for (int i = 0; i < daemon_groups->nelts; i++) {
        jvm_daemon_group *g = APR_ARRAY_IDX(daemon_groups, i, jvm_daemon_group *);
        jvm_daemon_identity id;
        const char *err = jvm_conf_daemon_identity(ptemp, g, &id);
        if (err) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s, "JVM00070: JvmDaemonProcess %s: %s",
                         g->name, err);
            return !OK;
        }
    }
    if (check_private_dirs(ptemp, s) != OK || check_compilers(ptemp, s, home) != OK) {
        return !OK;
    }
    for (int i = 0; i < daemon_groups->nelts; i++) {
        jvm_daemon_group *g = APR_ARRAY_IDX(daemon_groups, i, jvm_daemon_group *);
        const char *ghome = g->java_home ? g->java_home : home;
        const char *complaint;
        g->default_java_home = home;
        if (g->jvm_options->nelts == 0) {
            continue;
        }
        if ((complaint = check_jvm_options(ptemp, ghome, jvm_daemon_jvm_options(ptemp, g)))) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         "JVM00005: JvmDaemonProcess %s: jvm-options: the JVM in %s rejects these options: %s",
                         g->name, ghome, complaint);
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
    for (int i = 0; i < daemon_groups->nelts; i++) {
        /* script-user=/script-group=: the daemons check owners through JNA, from the runtime directory */
        jvm_daemon_group *g = APR_ARRAY_IDX(daemon_groups, i, jvm_daemon_group *);
        if ((g->script_uid >= 0 || g->script_gid >= 0)
            && (apr_stat(&fi, apr_pstrcat(ptemp, runtime_dir, "/jna.jar", NULL), APR_FINFO_TYPE, ptemp) != APR_SUCCESS
                || apr_stat(&fi, apr_pstrcat(ptemp, runtime_dir, "/libjnidispatch.so", NULL), APR_FINFO_TYPE, ptemp)
                       != APR_SUCCESS)) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         "JVM00095: JvmDaemonProcess %s: script-user=/script-group= need jna.jar and "
                         "libjnidispatch.so in the runtime directory %s (the daemons check a script's owner "
                         "through JNA): they are missing", g->name, runtime_dir);
            return !OK;
        }
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

void jvm_config_make_cache(apr_pool_t *p, server_rec *s, const char *dir, uid_t uid, gid_t gid)
{
    apr_finfo_t fi;
    apr_status_t rv;
    if (apr_stat(&fi, dir, APR_FINFO_TYPE | APR_FINFO_OWNER, p) == APR_SUCCESS) {
        /* it exists: ours from an earlier start, or someone else's directory that must not be
         * taken over (the runtime refuses a cache it does not own, and compiles in memory) */
        if (fi.filetype != APR_DIR || (geteuid() == 0 && fi.user != uid)) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         "JVM00004: cache directory %s exists and belongs to someone else: not used "
                         "(compiled scripts are not cached; choose another JvmCacheDirectory)", dir);
        }
        return;
    }
    rv = apr_dir_make_recursive(dir, APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_UEXECUTE, p);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     "JVM00004: cannot create the cache directory %s: compiled scripts will not be cached", dir);
    } else if (geteuid() == 0 && (chown(dir, uid, gid) != 0 || chmod(dir, 0700) != 0)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, errno, s, "JVM00004: cannot give %s to its user", dir);
    }
}

int jvm_config_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    const char *cache;
    if (!jvm_conf_any_alias(s)) {
        return OK;
    }
    /* The compiled-script cache is written by the children: it belongs to Apache's User and
     * nobody else may write it (a writable cache would be code injection). */
    cache = jvm_conf_cache_dir(ptemp, sc);
    jvm_config_make_cache(ptemp, s, cache, ap_unixd_config.user_id, ap_unixd_config.group_id);
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

