/* mod_jvm_checks: the start-up checks, which need the whole configuration (check_config, so
 * configtest runs them too) or the system: process groups named but not defined, JvmHome and
 * the runtime jars, JVM options judged by the JVM itself (`java -version`), the accounts daemons
 * run as, directories only trusted users can change, compilers for mounted sources; and at
 * post_config the compiled-class cache and the DocumentRoot warning. */
#include "mod_jvm.h"
#include "mod_jvm_config.h"
#include "mod_jvm_lookup.h"
#include "mod_jvm_checks.h"
#include "jvm_trust.h"

#include "http_core.h"
#include "apr_strings.h"
#include "apr_file_info.h"
#include "apr_hash.h"
#include "apr_thread_proc.h"
#include "unixd.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

APLOG_USE_MODULE(jvm);

/* The option sets a JVM accepted in this Apache process (the process pool's: its config passes
 * and graceful restarts), keyed by the JDK's java and libjvm.so as they are on disk and the
 * options. Apache reads its configuration twice at each start, and each `java -version` costs a
 * JVM's start (~0.1 s of the daemons' start, measured: docs/spring-boot.md, "Benchmark"); a JDK
 * replaced on disk (another inode, time or size) is judged again. Rejections are not kept: the
 * start fails with them anyway. Nor are options that name a file the JVM reads (an options or
 * flags file, an agent, a class data archive): that file may change before a graceful restart.
 * (@argfiles are no JVM options: parse_jvm_options refuses them.) */
#define ACCEPTED_OPTIONS_KEY "mod_jvm.accepted_jvm_options"

static int option_names_file(const char *opt)
{
    static const char *const prefixes[] = { "-XX:VMOptionsFile=", "-XX:Flags=", "-javaagent:", "-agentpath:",
                                            "-XX:SharedArchiveFile=" };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        if (!strncmp(opt, prefixes[i], strlen(prefixes[i]))) {
            return 1;
        }
    }
    return 0;
}

static const char *accepted_options_key(apr_pool_t *p, const char *home, const apr_array_header_t *opts)
{
    const char *key = "";
    static const char *const files[] = { "/bin/java", "/lib/server/libjvm.so" };
    for (int i = 0; i < 2; i++) {
        apr_finfo_t fi;
        if (apr_stat(&fi, apr_pstrcat(p, home, files[i], NULL), APR_FINFO_IDENT | APR_FINFO_MTIME | APR_FINFO_SIZE,
                     p) != APR_SUCCESS) {
            return NULL;
        }
        key = apr_psprintf(p, "%s%s %lu %lu %" APR_TIME_T_FMT " %" APR_OFF_T_FMT "\n", key, files[i],
                           (unsigned long)fi.device, (unsigned long)fi.inode, fi.mtime, fi.size);
    }
    key = apr_pstrcat(p, key, home, NULL);
    for (int i = 0; i < opts->nelts; i++) {
        /* each option after its length: no two lists of options make the same key */
        const char *opt = APR_ARRAY_IDX(opts, i, const char *);
        if (option_names_file(opt)) {
            return NULL;
        }
        key = apr_psprintf(p, "%s\n%" APR_SIZE_T_FMT ":%s", key, strlen(opt), opt);
    }
    return key;
}

static apr_hash_t *accepted_options(server_rec *s)
{
    void *data = NULL;
    apr_pool_userdata_get(&data, ACCEPTED_OPTIONS_KEY, s->process->pool);
    if (!data) {
        data = apr_hash_make(s->process->pool);
        apr_pool_userdata_set(data, ACCEPTED_OPTIONS_KEY, apr_pool_cleanup_null, s->process->pool);
    }
    return data;
}

/* Runs `<home>/bin/java <options> -version`: the JVM itself judges JvmOptions, so a bad
 * option fails configtest instead of every child. Returns NULL or the JVM's complaint. */
static const char *check_jvm_options(apr_pool_t *p, server_rec *s, const char *home, const apr_array_header_t *opts)
{
    const char *java = apr_pstrcat(p, home, "/bin/java", NULL);
    const char **argv = apr_pcalloc(p, (apr_size_t)(opts->nelts + 3) * sizeof *argv);
    const char *key = accepted_options_key(p, home, opts);
    apr_hash_t *accepted = accepted_options(s);
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
    if (key && apr_hash_get(accepted, key, APR_HASH_KEY_STRING)) {
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
        if (key) {
            key = apr_pstrdup(s->process->pool, key);
            apr_hash_set(accepted, key, APR_HASH_KEY_STRING, key);
        }
        return NULL;
    }
    for (char *c = out; *c; c++) {
        if (*c == '\n' || *c == '\r') {
            *c = ' ';
        }
    }
    return apr_pstrdup(p, out);
}

int jvm_checks_private_dir(apr_pool_t *p, const char *path, const char **why)
{
    char buf[2048];
    if (jvm_trust_private_dir(path, buf, sizeof buf) == 0) {
        return 1;
    }
    *why = apr_pstrdup(p, buf);
    return 0;
}

const char *jvm_checks_daemon_identity(apr_pool_t *p, const jvm_daemon_group *g, jvm_daemon_identity *out)
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

/* The daemon group an alias runs in as configured (its process-group=, else its server's
 * JvmProcessGroup; *name is that name, NULL or "" for embedded mode), or NULL: embedded mode, or a
 * group that does not exist (check_process_groups says so). JvmProcessGroup in <Directory>,
 * <Location> or .htaccess is a per-request matter and not followed here. */
static jvm_daemon_group *configured_group(server_rec *vs, const jvm_alias *a, const char **name)
{
    jvm_dir_conf *dc = ap_get_module_config(vs->lookup_defaults, &jvm_module);
    *name = a->process_group ? a->process_group : dc->process_group;
    return *name && **name ? jvm_conf_find_group(vs, *name) : NULL;
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
        const jvm_alias *a = (const jvm_alias *)sc->aliases->elts;
        for (int i = 0; i < sc->aliases->nelts; i++) {
            const char *name;
            jvm_daemon_group *g = configured_group(vs, &a[i], &name);
            const char *jdk = g ? (g->java_home ? g->java_home : home) : home;
            if (!jvm_conf_has_suffix(a[i].script, ".java") || (!g && !embedded) || has_compiler(p, jdk)) {
                continue;
            }
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, vs,
                         JVM00073 "%s%s%s %s has no Java compiler (no bin/javac, no jdk.compiler module in its "
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

/* The directory `path` is in ("/" for "/x"; path itself when it has no '/'). */
static const char *parent_dir(apr_pool_t *p, const char *path)
{
    char *dir = apr_pstrdup(p, path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *(slash == dir ? slash + 1 : slash) = '\0';
    }
    return dir;
}

/* The directory the daemon sockets are made in, and the compiled-class caches: whoever can
 * rename or replace what is there gets the daemons' connections (their HELLO secret and every
 * request's environ) or runs code in the server (docs/security.md). */
static int check_private_dirs(apr_pool_t *p, server_rec *s)
{
    const apr_array_header_t *groups = jvm_daemon_groups();
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    const char *cache = jvm_conf_cache_dir(p, sc);
    const char *why;
    if (groups->nelts > 0) {
        const char *prefix = jvm_conf_socket_prefix(p, s);
        if (!jvm_checks_private_dir(p, parent_dir(p, prefix), &why)) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         JVM00071 "JvmSocketPrefix %s: the daemon sockets would be in a directory others can "
                         "change: %s. Whoever can rename a socket there receives the connections meant for the "
                         "daemons (with their secret and every request); use a directory only root can write, "
                         "such as the default <DefaultRuntimeDir>/jvm", prefix, why);
            return !OK;
        }
    }
    if (!jvm_checks_private_dir(p, cache, &why)) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     JVM00072 "JvmCacheDirectory %s: %s. Whoever can change the cache can make the server run "
                     "their classes; use a directory that only root and Apache's User can write", cache, why);
        return !OK;
    }
    if (groups->nelts > 0) {
        /* each group's cache, <cache>.<group>, is made next to it */
        if (!jvm_checks_private_dir(p, parent_dir(p, cache), &why)) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         JVM00072 "JvmCacheDirectory %s: the daemon process groups' caches (%s.<group>) would be "
                         "made in a directory others can change: %s; use a directory only root can write",
                         cache, cache, why);
            return !OK;
        }
        for (int i = 0; i < groups->nelts; i++) {
            jvm_daemon_group *g = APR_ARRAY_IDX(groups, i, jvm_daemon_group *);
            const char *gcache = apr_pstrcat(p, cache, ".", g->name, NULL);
            if (!jvm_checks_private_dir(p, gcache, &why)) {
                ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                             JVM00072 "JvmDaemonProcess %s: its compiled-class cache %s: %s", g->name, gcache, why);
                return !OK;
            }
        }
    }
    return OK;
}

#define BOOT_CONTEXT_PATH_OPTION "-Dserver.servlet.context-path="

/* The context path a group's jvm-options= give a Spring Boot application (the last
 * -Dserver.servlet.context-path=, as the JVM keeps the last of a property; a system property
 * outranks the application's own properties), as a mount's URL path: "/" is "" (Boot's root). NULL
 * when they give none. */
static const char *boot_context_path(const jvm_daemon_group *g)
{
    const char *found = NULL;
    for (int k = 0; k < g->jvm_options->nelts; k++) {
        const char *opt = APR_ARRAY_IDX(g->jvm_options, k, const char *);
        if (!strncmp(opt, BOOT_CONTEXT_PATH_OPTION, sizeof BOOT_CONTEXT_PATH_OPTION - 1)) {
            found = opt + sizeof BOOT_CONTEXT_PATH_OPTION - 1;
        }
    }
    return found && !strcmp(found, "/") ? "" : found;
}

/* Configuration checks that need the whole configuration: they run for configtest too. */
/* Checks the process groups named by JvmScriptAlias options and server-level JvmProcessGroup,
 * and collects the scripts daemons preload (both process-group= and application-group= given,
 * as mod_wsgi does) and the web applications they deploy at start (process-group= given). JvmProcessGroup in <Directory> or .htaccess is checked per request. */
static int check_process_groups(apr_pool_t *p, server_rec *s)
{
    for (server_rec *vs = s; vs; vs = vs->next) {
        jvm_server_conf *sc = ap_get_module_config(vs->module_config, &jvm_module);
        jvm_dir_conf *dc = ap_get_module_config(vs->lookup_defaults, &jvm_module);
        const jvm_alias *a = (const jvm_alias *)sc->aliases->elts;
        if (dc->process_group && *dc->process_group && !jvm_conf_find_group(vs, dc->process_group)) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, vs,
                         JVM00006 "JvmProcessGroup: process group '%s' is not defined for server %s "
                         "(JvmDaemonProcess in this virtual host or the main server)",
                         dc->process_group, vs->server_hostname ? vs->server_hostname : "(main)");
            return !OK;
        }
        for (int i = 0; i < sc->aliases->nelts; i++) {
            jvm_daemon_group *g;
            const char *preload, *context_path;
            int seen = 0;
            if (a[i].boot && !a[i].process_group && !(dc->process_group && *dc->process_group)) {
                /* one Boot application per Apache child (its own Spring context, web server,
                 * thread pools, caches) is never what is wanted: a daemon group runs it once */
                ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, vs,
                             JVM00130 "%s %s (at %s): %s is a Spring Boot application, which runs in daemon mode "
                             "only: define a JvmDaemonProcess and add process-group=NAME to the directive "
                             "(docs/spring-boot.md)", a[i].directive, *a[i].url ? a[i].url : "/", a[i].where,
                             a[i].script);
                return !OK;
            }
            if (!a[i].process_group) {
                continue;
            }
            if (!(g = jvm_conf_find_group(vs, a[i].process_group))) {
                ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, vs,
                             JVM00006 "%s %s: process group '%s' is not defined for server %s",
                             a[i].directive, a[i].url ? (*a[i].url ? a[i].url : "/") : "(regex)",
                             a[i].process_group, vs->server_hostname ? vs->server_hostname : "(main)");
                return !OK;
            }
            if (a[i].boot) {
                /* a Boot application owns its JVM (its main, its system properties, its logging):
                 * one per group. "boot:CONTEXT-PATH|JAR": started before the process is ready,
                 * and the jar is on the processes' class path, as under java -jar */
                for (int k = 0; k < g->preloads->nelts; k++) {
                    const char *other = APR_ARRAY_IDX(g->preloads, k, const char *);
                    const char *bar = strchr(other, '|');
                    if (!strncmp(other, "boot:", 5) && bar && strcmp(bar + 1, a[i].script)) {
                        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, vs,
                                     JVM00131 "%s %s (at %s): daemon process group %s already runs the Spring Boot "
                                     "application %s: a group runs one (it owns the JVM); define another "
                                     "JvmDaemonProcess for %s", a[i].directive, *a[i].url ? a[i].url : "/",
                                     a[i].where, g->name, bar + 1, a[i].script);
                        return !OK;
                    }
                }
                if (a[i].url && (context_path = boot_context_path(g)) && strcmp(context_path, a[i].url)) {
                    /* what the group's own options say is known now; what the application's
                     * properties, profiles and environment say only when it starts (JVM01463) */
                    ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, vs,
                                 JVM00132 "%s %s (at %s): daemon process group %s gives the Spring Boot "
                                 "application %s the context path %s (-Dserver.servlet.context-path= in "
                                 "jvm-options=), but mounts it at %s: no URL would reach it; make them the "
                                 "same (docs/spring-boot.md)", a[i].directive, *a[i].url ? a[i].url : "/",
                                 a[i].where, g->name, a[i].script, *context_path ? context_path : "/",
                                 *a[i].url ? a[i].url : "/");
                    return !OK;
                }
                preload = apr_pstrcat(p, "boot:", a[i].url, "|", a[i].script, NULL);
            } else if (a[i].webapp) {
                /* a web application is deployed when its daemons start, as Tomcat deploys its
                 * applications: a failure is logged at startup, not at the first request.
                 * "web:CONTEXT-PATH|ROOT" (a script's entry starts with its absolute path) */
                preload = apr_pstrcat(p, "web:", a[i].url, "|", a[i].script, NULL);
            } else if (!a[i].application_group || !a[i].url
                || (strstr(a[i].application_group, "%{") && strcmp(a[i].application_group, "%{GLOBAL}"))) {
                continue;
            } else {
                preload = apr_pstrcat(p, a[i].script, "|",
                                  strcmp(a[i].application_group, "%{GLOBAL}") ? a[i].application_group : "",
                                  "|", a[i].callable ? a[i].callable : "application", NULL);
            }
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

/* ---- web applications readable by who runs them ----------------------------------------- */

/* One access() a web application needs: a directory on the way searched, the WAR read, the
 * application's directory and its WEB-INF/ read and searched. */
typedef struct {
    const char *path;
    int mode;
    const char *lead;   /* for the message: lead, path, tail */
    const char *tail;
} webapp_access;

/* The accesses that serving `root` takes, in the order the kernel makes them. */
static apr_array_header_t *webapp_accesses(apr_pool_t *p, const char *root)
{
    apr_array_header_t *list = apr_array_make(p, 8, sizeof(webapp_access));
    apr_finfo_t fi;
    int dir = apr_stat(&fi, root, APR_FINFO_TYPE, p) == APR_SUCCESS && fi.filetype == APR_DIR;
    webapp_access *a;
    for (const char *slash = strchr(root + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        a = apr_array_push(list);
        a->path = apr_pstrmemdup(p, root, (apr_size_t)(slash - root));
        a->mode = X_OK;
        a->lead = "the directory ";
        a->tail = " on the way to it cannot be searched (x)";
    }
    a = apr_array_push(list);
    a->path = root;
    a->mode = dir ? R_OK | X_OK : R_OK;
    a->lead = dir ? "the directory " : "";
    a->tail = dir ? " cannot be read and searched (rx)" : " cannot be read (r)";
    if (dir) {
        a = apr_array_push(list);
        a->path = apr_pstrcat(p, root, "/WEB-INF", NULL);
        a->mode = R_OK | X_OK;
        a->lead = "its directory ";
        a->tail = " cannot be read and searched (rx)";
    }
    return list;
}

/* Makes the accesses as uid/gid (with user's supplementary groups, as the processes that will
 * serve the application have them) in a child process, so the kernel judges them with every
 * rule it has (modes, ACLs, groups). Returns -1 when all succeed or the check itself could not
 * be made (nothing to say), else the index of the first that failed, its errno in *err. */
static int webapp_first_denied(const apr_array_header_t *list, uid_t uid, gid_t gid, const char *user, int *err)
{
    int fds[2], status, result[2] = { -1, 0 };
    pid_t pid;
    if (pipe(fds) != 0) {
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        int out[2] = { -1, 0 };
        close(fds[0]);
        if (geteuid() == 0 && uid != 0
            && ((user && initgroups(user, gid) != 0) || setgid(gid) != 0 || setuid(uid) != 0)) {
            _exit(2); /* cannot take the identity: no verdict */
        }
        for (int i = 0; i < list->nelts; i++) {
            const webapp_access *a = &APR_ARRAY_IDX(list, i, webapp_access);
            if (access(a->path, a->mode) != 0) {
                out[0] = i;
                out[1] = errno;
                break;
            }
        }
        if (write(fds[1], out, sizeof out) != (ssize_t)sizeof out) {
            _exit(2);
        }
        _exit(0);
    }
    close(fds[1]);
    if (read(fds[0], result, sizeof result) != (ssize_t)sizeof result) {
        result[0] = -1;
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    *err = result[1];
    return result[0];
}

/* A mounted web application that the processes serving it cannot read would answer 404 or 503
 * to every request; configtest says so instead, naming the directive, the file and the user
 * (the daemon group's, or Apache's User for embedded mode). (That a .war exists, and that a
 * directory holds WEB-INF/, the directive itself checks.) */
static int check_webapps_readable(apr_pool_t *p, server_rec *s)
{
    apr_hash_t *seen = apr_hash_make(p);
    int embedded = jvm_conf_embedded_allowed(s);
    for (server_rec *vs = s; vs; vs = vs->next) {
        jvm_server_conf *sc = ap_get_module_config(vs->module_config, &jvm_module);
        const jvm_alias *a = (const jvm_alias *)sc->aliases->elts;
        for (int i = 0; i < sc->aliases->nelts; i++) {
            const char *name;
            jvm_daemon_group *g = configured_group(vs, &a[i], &name);
            jvm_daemon_identity id;
            const char *who, *key;
            apr_array_header_t *list;
            int denied, err = 0;
            char ebuf[120];
            if (!a[i].webapp || (name && *name && !g) || (!g && !embedded)) {
                continue;
            }
            if (g) {
                if (jvm_checks_daemon_identity(p, g, &id)) {
                    continue; /* said by JVM00070 */
                }
                who = apr_psprintf(p, "the processes of daemon process group %s", g->name);
            } else if (geteuid() == 0) {
                id.uid = ap_unixd_config.user_id;
                id.gid = ap_unixd_config.group_id;
                id.user = ap_unixd_config.user_name;
                who = "Apache's User, in embedded mode";
            } else {
                id.uid = geteuid();
                id.gid = getegid();
                id.user = NULL;
                who = "Apache itself, in embedded mode";
            }
            key = apr_psprintf(p, "%lu:%lu:%s", (unsigned long)id.uid, (unsigned long)id.gid, a[i].script);
            if (apr_hash_get(seen, key, APR_HASH_KEY_STRING)) {
                continue;
            }
            apr_hash_set(seen, key, APR_HASH_KEY_STRING, key);
            list = webapp_accesses(p, a[i].script);
            denied = webapp_first_denied(list, id.uid, id.gid, id.user, &err);
            if (denied >= 0) {
                const webapp_access *d = &APR_ARRAY_IDX(list, denied, webapp_access);
                ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, vs,
                             JVM00120 "%s %s (at %s): web application %s cannot be read by %s, who runs it "
                             "(%s): %s%s%s (%s). Make it readable by that user (its owner, one of its groups, or "
                             "chmod o+r, and o+x for directories)", a[i].directive, *a[i].url ? a[i].url : "/",
                             a[i].where, a[i].script,
                             id.user ? apr_psprintf(p, "user %s (uid %lu)", id.user, (unsigned long)id.uid)
                                     : apr_psprintf(p, "uid %lu", (unsigned long)id.uid),
                             who, d->lead, d->path, d->tail, apr_strerror(APR_FROM_OS_ERROR(err), ebuf, sizeof ebuf));
                return !OK;
            }
        }
    }
    return OK;
}

int jvm_checks_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    const apr_array_header_t *groups = jvm_daemon_groups();
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    const char *home, *runtime_dir;
    apr_finfo_t fi;
    if (check_process_groups(pconf, s) != OK) {
        return !OK;
    }
    if (!jvm_conf_any_alias(s) && groups->nelts == 0) {
        return OK;
    }
    home = jvm_conf_jvm_home(sc);
    if (apr_stat(&fi, apr_pstrcat(ptemp, home, "/lib/server/libjvm.so", NULL), APR_FINFO_TYPE, ptemp) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     JVM00001 "JvmHome: the default JDK %s has no lib/server/libjvm.so: set JvmHome to a "
                     "JDK (e.g. JvmHome /usr/lib/jvm/default-java)", home);
        return !OK;
    }
    if (sc->jvm_options->nelts > 0 && jvm_conf_embedded_allowed(s)) {
        const char *complaint = check_jvm_options(ptemp, s, home, jvm_conf_embedded_jvm_options(ptemp, sc, NULL));
        if (complaint) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         JVM00005 "JvmOptions: the JVM in %s rejects these options: %s", home, complaint);
            return !OK;
        }
    }
    for (int i = 0; i < groups->nelts; i++) {
        jvm_daemon_group *g = APR_ARRAY_IDX(groups, i, jvm_daemon_group *);
        jvm_daemon_identity id;
        const char *err = jvm_checks_daemon_identity(ptemp, g, &id);
        if (err) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s, JVM00070 "JvmDaemonProcess %s: %s",
                         g->name, err);
            return !OK;
        }
    }
    if (check_private_dirs(ptemp, s) != OK || check_compilers(ptemp, s, home) != OK
        || check_webapps_readable(ptemp, s) != OK) {
        return !OK;
    }
    for (int i = 0; i < groups->nelts; i++) {
        jvm_daemon_group *g = APR_ARRAY_IDX(groups, i, jvm_daemon_group *);
        const char *ghome = g->java_home ? g->java_home : home;
        const char *complaint;
        if (g->jvm_options->nelts == 0) {
            continue;
        }
        if ((complaint = check_jvm_options(ptemp, s, ghome, jvm_conf_daemon_jvm_options(ptemp, g, ghome)))) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         JVM00005 "JvmDaemonProcess %s: jvm-options: the JVM in %s rejects these options: %s",
                         g->name, ghome, complaint);
            return !OK;
        }
    }
    runtime_dir = jvm_conf_runtime_dir(ptemp, sc);
    if (apr_stat(&fi, apr_pstrcat(ptemp, runtime_dir, "/mod_jvm-runtime.jar", NULL), APR_FINFO_TYPE, ptemp) != APR_SUCCESS
        || apr_stat(&fi, apr_pstrcat(ptemp, runtime_dir, "/mod_jvm-api.jar", NULL), APR_FINFO_TYPE, ptemp) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     JVM00002 "JvmRuntimeDirectory: %s does not hold mod_jvm-runtime.jar and mod_jvm-api.jar",
                     runtime_dir);
        return !OK;
    }
    for (int i = 0; i < groups->nelts; i++) {
        /* script-user=/script-group=: the daemons check owners through JNA, from the runtime directory */
        jvm_daemon_group *g = APR_ARRAY_IDX(groups, i, jvm_daemon_group *);
        if ((g->script_uid >= 0 || g->script_gid >= 0)
            && (apr_stat(&fi, apr_pstrcat(ptemp, runtime_dir, "/jna.jar", NULL), APR_FINFO_TYPE, ptemp) != APR_SUCCESS
                || apr_stat(&fi, apr_pstrcat(ptemp, runtime_dir, "/libjnidispatch.so", NULL), APR_FINFO_TYPE, ptemp)
                       != APR_SUCCESS)) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         JVM00095 "JvmDaemonProcess %s: script-user=/script-group= need jna.jar and "
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

void jvm_checks_make_cache(apr_pool_t *p, server_rec *s, const char *dir, uid_t uid, gid_t gid)
{
    apr_finfo_t fi;
    apr_status_t rv;
    if (apr_stat(&fi, dir, APR_FINFO_TYPE | APR_FINFO_OWNER, p) == APR_SUCCESS) {
        /* it exists: ours from an earlier start, or someone else's directory that must not be
         * taken over (the runtime refuses a cache it does not own, and compiles in memory) */
        if (fi.filetype != APR_DIR || (geteuid() == 0 && fi.user != uid)) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         JVM00004 "cache directory %s exists and belongs to someone else: not used "
                         "(compiled scripts are not cached; choose another JvmCacheDirectory)", dir);
        }
        return;
    }
    rv = apr_dir_make_recursive(dir, APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_UEXECUTE, p);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     JVM00004 "cannot create the cache directory %s: compiled scripts will not be cached", dir);
    } else if (geteuid() == 0 && (chown(dir, uid, gid) != 0 || chmod(dir, 0700) != 0)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, errno, s, JVM00004 "cannot give %s to its user", dir);
    }
}

int jvm_checks_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    const char *cache;
    if (!jvm_conf_any_alias(s)) {
        return OK;
    }
    /* The compiled-script cache is written by the children: it belongs to Apache's User and
     * nobody else may write it (a writable cache would be code injection). */
    cache = jvm_conf_cache_dir(ptemp, sc);
    jvm_checks_make_cache(ptemp, s, cache, ap_unixd_config.user_id, ap_unixd_config.group_id);
    /* A script under DocumentRoot may be served as a file: its source, to anyone; a WAR or a web
     * application's directory likewise (its classes, WEB-INF/web.xml, its configuration), and a
     * jar whole (a Boot jar's application.properties often holds passwords). */
    for (server_rec *vs = s; vs; vs = vs->next) {
        jvm_server_conf *vsc = ap_get_module_config(vs->module_config, &jvm_module);
        core_server_config *core = ap_get_core_module_config(vs->module_config);
        const jvm_alias *a = (const jvm_alias *)vsc->aliases->elts;
        for (int i = 0; i < vsc->aliases->nelts; i++) {
            if (core->ap_document_root && is_under(a[i].script, core->ap_document_root)) {
                ap_log_error(APLOG_MARK, APLOG_WARNING, 0, vs,
                             JVM00003 "%s %s %s is under DocumentRoot %s: %s may be served "
                             "as a static file; move it out of DocumentRoot", a[i].directive,
                             a[i].boot ? "Spring Boot application" : a[i].webapp ? "web application" : "script",
                             a[i].script, core->ap_document_root,
                             a[i].boot ? "the whole jar (its classes, libraries and application.properties)"
                             : a[i].webapp ? "its classes and WEB-INF/ (or the whole WAR)"
                             : jvm_conf_has_suffix(a[i].script, ".jar") ? "the whole jar (its classes and resources)"
                             : "its source");
            }
        }
    }
    return OK;
}

