/* mod_jvm_config: the directives and nothing else. Every value is checked when the
 * configuration is read, so a mistake fails `apachectl configtest` with the directive, the value
 * and what is wrong. What needs the whole configuration is checked in mod_jvm_checks.c; what the
 * modes look up in it is in mod_jvm_lookup.c. */
#include "mod_jvm.h"
#include "mod_jvm_config.h"
#include "mod_jvm_daemon_options.h"
#include "jvm_trust.h"

#include "http_core.h"
#include "apr_strings.h"
#include "apr_file_info.h"
#include "apr_lib.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
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

int jvm_conf_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* Whether the directory `path` is an exploded web application: it holds WEB-INF/. */
static int webapp_directory(apr_pool_t *p, const char *path)
{
    apr_finfo_t fi;
    return apr_stat(&fi, apr_pstrcat(p, path, "/WEB-INF", NULL), APR_FINFO_TYPE, p) == APR_SUCCESS
           && fi.filetype == APR_DIR;
}

static unsigned long zip_u16(const unsigned char *b)
{
    return (unsigned long)b[0] | (unsigned long)b[1] << 8;
}

static unsigned long zip_u32(const unsigned char *b)
{
    return zip_u16(b) | zip_u16(b + 2) << 16;
}

/* The zip central directory of a Boot jar is read whole to find its names: bounded (a Boot jar's
 * top level is its launcher's classes and a few hundred BOOT-INF/ entries; its libraries are
 * single stored entries) so that a huge or hostile jar costs no more than this at startup. */
#define BOOT_JAR_MAX_DIRECTORY (16 * 1024 * 1024)
#define BOOT_LAUNCHER "org/springframework/boot/loader/launch/JarLauncher.class"
/* the launcher of Boot before 3.2 (3.2 keeps a deprecated one of that name beside its new one) */
#define OLD_BOOT_LAUNCHER "org/springframework/boot/loader/JarLauncher.class"

enum { NOT_BOOT_JAR, BOOT_JAR, OLD_BOOT_JAR };

/* Whether the .jar `path` is a Spring Boot (3.2 and later) executable jar (BOOT_JAR): its central
 * directory names Boot's launcher (the Main-Class its manifest names, JarLauncher, at the jar's
 * root) and BOOT-INF/ entries (the application's classes and libraries); OLD_BOOT_JAR for one
 * with BOOT-INF/ and only the launcher of Boot before 3.2. Names are stored uncompressed in the
 * central directory, so no inflating is needed (docs/spring-boot.md). */
static int boot_jar(apr_pool_t *p, const char *path)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_off_t at;
    apr_size_t n, tail_len;
    unsigned char *tail, *cd;
    unsigned long cd_size, cd_offset;
    int launcher = 0, old_launcher = 0, boot_inf = 0;
    const unsigned char *eocd = NULL;
    if (apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p) != APR_SUCCESS) {
        return 0;
    }
    if (apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS || fi.size < 22) {
        apr_file_close(f);
        return 0;
    }
    /* the end-of-central-directory record: 22 bytes and a comment of at most 65535 */
    tail_len = fi.size < 22 + 65535 ? (apr_size_t)fi.size : 22 + 65535;
    tail = apr_palloc(p, tail_len);
    at = fi.size - (apr_off_t)tail_len;
    if (apr_file_seek(f, APR_SET, &at) != APR_SUCCESS
        || apr_file_read_full(f, tail, tail_len, &n) != APR_SUCCESS) {
        apr_file_close(f);
        return 0;
    }
    for (apr_size_t i = tail_len - 22 + 1; i-- > 0;) {
        if (tail[i] == 0x50 && tail[i + 1] == 0x4b && tail[i + 2] == 0x05 && tail[i + 3] == 0x06) {
            eocd = tail + i;
            break;
        }
    }
    if (!eocd) {
        apr_file_close(f);
        return 0;
    }
    cd_size = zip_u32(eocd + 12);
    cd_offset = zip_u32(eocd + 16);
    if (cd_size > BOOT_JAR_MAX_DIRECTORY || (apr_off_t)cd_offset + (apr_off_t)cd_size > fi.size) {
        apr_file_close(f); /* (a zip64 jar of more than 4 GB included: not a Boot application's) */
        return 0;
    }
    cd = apr_palloc(p, cd_size ? cd_size : 1);
    at = (apr_off_t)cd_offset;
    if (apr_file_seek(f, APR_SET, &at) != APR_SUCCESS
        || apr_file_read_full(f, cd, cd_size, &n) != APR_SUCCESS) {
        apr_file_close(f);
        return 0;
    }
    apr_file_close(f);
    for (unsigned long off = 0; off + 46 <= cd_size && !(launcher && boot_inf);) {
        const unsigned char *e = cd + off;
        unsigned long name_len = zip_u16(e + 28), rest = zip_u16(e + 30) + zip_u16(e + 32);
        if (zip_u32(e) != 0x02014b50UL || off + 46 + name_len + rest > cd_size) {
            break;
        }
        launcher |= name_len == sizeof BOOT_LAUNCHER - 1 && !memcmp(e + 46, BOOT_LAUNCHER, name_len);
        old_launcher |= name_len == sizeof OLD_BOOT_LAUNCHER - 1 && !memcmp(e + 46, OLD_BOOT_LAUNCHER, name_len);
        boot_inf |= name_len > 9 && !memcmp(e + 46, "BOOT-INF/", 9);
        off += 46 + name_len + rest;
    }
    return !boot_inf ? NOT_BOOT_JAR : launcher ? BOOT_JAR : old_launcher ? OLD_BOOT_JAR : NOT_BOOT_JAR;
}

/* A script is a .java source file or a .jar; a web application (JvmScriptAlias only) is a .war
 * file, a directory holding WEB-INF/ (docs/servlet.md) or a Spring Boot executable jar
 * (docs/spring-boot.md: served as a web application). Sets *webapp and *boot accordingly. */
static const char *check_script(apr_pool_t *p, const char *directive, const char *path, int *webapp, int *boot)
{
    apr_finfo_t fi;
    apr_status_t rv;
    int war = jvm_conf_has_suffix(path, ".war");
    *webapp = 0;
    *boot = 0;
    rv = apr_stat(&fi, path, APR_FINFO_TYPE, p);
    if (rv == APR_SUCCESS && fi.filetype == APR_DIR && webapp_directory(p, path)) {
        *webapp = 1;
        return NULL;
    }
    if (!war && !jvm_conf_has_suffix(path, ".java") && !jvm_conf_has_suffix(path, ".jar")) {
        return apr_psprintf(p, "%s: '%s' is neither a .java source file, a .jar, a .war nor a directory holding "
                            "WEB-INF/ (a web application)", directive, path);
    }
    if (rv != APR_SUCCESS) {
        char buf[120];
        return apr_psprintf(p, "%s: %s '%s' cannot be found: %s", directive, war ? "web application" : "script",
                            path, apr_strerror(rv, buf, sizeof buf));
    }
    if (fi.filetype != APR_REG) {
        return apr_psprintf(p, "%s: %s '%s' is not a regular file", directive, war ? "web application" : "script", path);
    }
    *webapp = war;
    *boot = 0;
    if (!war && jvm_conf_has_suffix(path, ".jar")) {
        switch (boot_jar(p, path)) {
        case BOOT_JAR:
            *webapp = *boot = 1;
            break;
        case OLD_BOOT_JAR:
            /* its classes are under BOOT-INF/: never a script either */
            return apr_psprintf(p, JVM00141 "%s: '%s' is a Spring Boot executable jar with Boot's classic launcher "
                                "(org.springframework.boot.loader.JarLauncher: Boot before 3.2, or a later Boot built "
                                "with loaderImplementation CLASSIC): mod_jvm starts Boot applications through the "
                                "launcher of Boot 3.2 and later (3.5 and 4.0 are tested); build the application with "
                                "Boot 3.2 or later and its default launcher (docs/spring-boot.md)", directive, path);
        default:
            break;
        }
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
                         JVM00074 "%s %s at %s is never reached: the earlier %s %s at %s mounts every URL under "
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
        if ((err = check_script(cmd->pool, directive, a->script, &a->webapp, &a->boot))) {
            return err;
        }
        if (a->webapp && is_match) {
            return apr_psprintf(cmd->pool, "%s: '%s' is a web application: mount it with JvmScriptAlias (its URL "
                                "path is its context path)", directive, a->script);
        }
        if (a->webapp) {
            /* "/srv/app/" and "/srv/app" are the same web application */
            char *root = apr_pstrdup(cmd->pool, a->script);
            size_t n = strlen(root);
            while (n > 1 && root[n - 1] == '/') {
                root[--n] = '\0';
            }
            a->script = root;
        }
    } else {
        /* a template: it must name .java or .jar files and use only groups the regex has */
        if (!jvm_conf_has_suffix(a->script, ".java") && !jvm_conf_has_suffix(a->script, ".jar")) {
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

/* A number option (COUNT, OCTAL, SECONDS) in its range, or the configtest message that names it
 * and the range. */
static const char *parse_number(apr_pool_t *p, const jvm_daemon_option *o, const char *v, long long *out)
{
    char *end;
    long long n = o->kind == JVM_DOPT_OCTAL ? strtol(v, &end, 8) : apr_strtoi64(v, &end, 10);
    if (!*v || *end || n < o->min || n > o->max) {
        if (o->kind == JVM_DOPT_OCTAL) {
            return apr_psprintf(p, "JvmDaemonProcess: %s must be octal from %#lo to %#lo, not '%s'",
                                o->name, (unsigned long)o->min, (unsigned long)o->max, v);
        }
        /* APR's formatter has no %lld */
        return apr_psprintf(p, "JvmDaemonProcess: %s must be a whole number from %" APR_INT64_T_FMT " to %"
                            APR_INT64_T_FMT ", not '%s'%s", o->name, (apr_int64_t)o->min, (apr_int64_t)o->max, v,
                            o->kind == JVM_DOPT_SECONDS ? " (seconds)" : "");
    }
    *out = n;
    return NULL;
}

/* A user (user=, script-user=) or group (group=, script-group=) given as a name or "#number",
 * parsed strictly by jvm_trust_user/jvm_trust_group into *pw or *gr (strings in tmp), or the
 * configtest message that names the option and says what is wrong with the value. */
static const char *lookup_account(apr_pool_t *tmp, apr_pool_t *p, const char *option, const char *v,
                                  struct passwd *pw, struct group *gr)
{
    const char *problem;
    char *buf = apr_palloc(tmp, JVM_ID_BUFSIZE);
    if ((pw ? jvm_trust_user(v, pw, buf, JVM_ID_BUFSIZE, &problem)
            : jvm_trust_group(v, gr, buf, JVM_ID_BUFSIZE, &problem)) != JVM_ID_OK) {
        return apr_psprintf(p, "JvmDaemonProcess: %s '%s' %s", option, v, problem);
    }
    return NULL;
}

/* Sets the field of option o in g to its default. */
static void set_default(apr_pool_t *p, jvm_daemon_group *g, const jvm_daemon_option *o)
{
    void *field = (char *)g + o->offset;
    switch (o->kind) {
    case JVM_DOPT_COUNT:
    case JVM_DOPT_OCTAL:
    case JVM_DOPT_OWNER_UID:
    case JVM_DOPT_OWNER_GID:
        *(int *)field = (int)o->dflt;
        break;
    case JVM_DOPT_SECONDS:
        /* unset stays -1 (request-timeout: the server's Timeout, mod_jvm_daemon.c); 0 is "never" */
        *(apr_interval_time_t *)field = o->dflt == JVM_DOPT_UNSET ? -1 : apr_time_from_sec(o->dflt);
        break;
    case JVM_DOPT_JVM_OPTIONS:
        *(apr_array_header_t **)field = apr_array_make(p, 4, sizeof(const char *));
        break;
    default:
        *(const char **)field = NULL;
        break;
    }
}

/* Parses the value v of option o into its field in g; NULL, or the configtest message. */
static const char *parse_daemon_option(apr_pool_t *tmp, apr_pool_t *p, jvm_daemon_group *g,
                                       const jvm_daemon_option *o, const char *v)
{
    void *field = (char *)g + o->offset;
    const char *what = apr_pstrcat(p, "JvmDaemonProcess: ", o->name, NULL);
    const char *err = NULL;
    long long n;
    struct passwd pw;
    struct group gr;
    apr_finfo_t fi;
    switch (o->kind) {
    case JVM_DOPT_COUNT:
    case JVM_DOPT_OCTAL:
        if (!(err = parse_number(p, o, v, &n))) {
            *(int *)field = (int)n;
        }
        return err;
    case JVM_DOPT_SECONDS:
        if (!(err = parse_number(p, o, v, &n))) {
            *(apr_interval_time_t *)field = apr_time_from_sec(n);
        }
        return err;
    case JVM_DOPT_NAME:
        if (!*v) {
            return apr_psprintf(p, "%s= needs a value", what);
        }
        *(const char **)field = !strcmp(v, "%{GROUP}") ? apr_psprintf(p, "(jvm:%s)", g->name) : v;
        return NULL;
    case JVM_DOPT_USER:
        if (!(err = lookup_account(tmp, p, o->name, v, &pw, NULL)) && pw.pw_uid == 0) {
            err = apr_psprintf(p, "JvmDaemonProcess: %s '%s' is root (uid 0): daemon processes never "
                               "run as root", o->name, v);
        }
        *(const char **)field = v;
        return err;
    case JVM_DOPT_GROUP:
        if (!(err = lookup_account(tmp, p, o->name, v, NULL, &gr)) && gr.gr_gid == 0) {
            err = apr_psprintf(p, "JvmDaemonProcess: %s '%s' is the root group (gid 0): daemon processes "
                               "never run in the root group, where they could read (and write) every file "
                               "of that group; name another group", o->name, v);
        }
        *(const char **)field = v;
        return err;
    case JVM_DOPT_OWNER_UID:
        if (!(err = lookup_account(tmp, p, o->name, v, &pw, NULL))) {
            *(int *)field = (int)pw.pw_uid;
        }
        return err;
    case JVM_DOPT_OWNER_GID:
        if (!(err = lookup_account(tmp, p, o->name, v, NULL, &gr))) {
            *(int *)field = (int)gr.gr_gid;
        }
        return err;
    case JVM_DOPT_DIRECTORY: {
        const char *dir = ap_server_root_relative(p, v);
        if (!dir || apr_stat(&fi, dir, APR_FINFO_TYPE, p) != APR_SUCCESS || fi.filetype != APR_DIR) {
            return apr_psprintf(p, "%s '%s' is not a directory", what, v);
        }
        *(const char **)field = dir;
        return NULL;
    }
    case JVM_DOPT_JAVA_HOME:
        return check_jvm_home(p, what, v, (const char **)field);
    case JVM_DOPT_CLASS_PATH:
        return parse_class_path(p, what, v, (const char **)field);
    case JVM_DOPT_JVM_OPTIONS:
        return parse_jvm_options(p, what, v, *(apr_array_header_t **)field);
    }
    return apr_psprintf(p, "%s: option of an unknown kind", what);
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
    const char **given;
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
    g->preloads = apr_array_make(p, 1, sizeof(const char *));
    for (int k = 0; k < jvm_daemon_option_count; k++) {
        set_default(p, g, &jvm_daemon_options[k]);
    }
    /* the argument each option was given by, to name both when one is given twice */
    given = apr_pcalloc(cmd->temp_pool, (apr_size_t)jvm_daemon_option_count * sizeof *given);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *eq = strchr(arg, '=');
        const char *key, *v;
        int k;
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
        for (k = 0; k < jvm_daemon_option_count && strcmp(jvm_daemon_options[k].name, key); k++) {
        }
        if (k == jvm_daemon_option_count) {
            return apr_psprintf(p, "JvmDaemonProcess: unknown option '%s' (see the documentation of "
                                "JvmDaemonProcess for the options)", key);
        }
        /* an option given twice: one of the two would be ignored (or, for jvm-options=, the two
         * silently added up), so neither is taken */
        if (given[k]) {
            return apr_psprintf(p, "JvmDaemonProcess %s: option %s= is given twice ('%s' and '%s'): give it "
                                "once", g->name, key, given[k], arg);
        }
        given[k] = arg;
        v = eq + 1;
        if ((*v == '"' || *v == '\'') && strlen(v) >= 2 && v[strlen(v) - 1] == *v) {
            v = apr_pstrmemdup(p, v + 1, strlen(v) - 2);
        }
        if ((err = parse_daemon_option(cmd->temp_pool, p, g, &jvm_daemon_options[k], v))) {
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
