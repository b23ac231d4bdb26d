/* mod_jvm_config: directives, per-server and per-directory configuration. */
#ifndef MOD_JVM_CONFIG_H
#define MOD_JVM_CONFIG_H

#include "httpd.h"
#include "http_config.h"
#include "ap_regex.h"

/* One JvmScriptAlias or JvmScriptAliasMatch. */
typedef struct jvm_alias {
    const char *url;               /* JvmScriptAlias: URL-path prefix; NULL for the Match form */
    ap_regex_t *regex;             /* JvmScriptAliasMatch: the compiled pattern */
    const char *script;            /* file path (with $n references in the Match form) */
    const char *application_group; /* application-group= option, or NULL (use the dir config) */
    const char *callable;          /* callable= option, or NULL (use the dir config) */
    const char *process_group;     /* process-group= option, or NULL (use the dir config) */
    const char *directive;         /* "JvmScriptAlias" or "JvmScriptAliasMatch", for messages */
    const char *pattern;           /* JvmScriptAliasMatch: the regular expression as written */
    const char *where;             /* "file:line" of the directive, for messages */
} jvm_alias;

struct jvm_daemon_runtime;

/* One JvmDaemonProcess: a supervised group of daemon JVM processes (mod_jvm_daemon.c). The
 * meanings and defaults are mod_wsgi's WSGIDaemonProcess options of the same names. */
typedef struct jvm_daemon_group {
    const char *name;               /* the group's name, unique in the whole configuration */
    server_rec *server;             /* the server it was defined in (visible there and, if the
                                       main server, everywhere) */
    int index;                      /* position in jvm_daemon_groups() */
    int processes;                  /* processes=, default 1 */
    int threads;                    /* threads=: requests run at once per process, default 15 */
    const char *display_name;       /* display-name= as shown by ps (argv[0]); NULL: (jvm:NAME) */
    const char *user;               /* user=; NULL: Apache's User */
    const char *group;              /* group=; NULL: Apache's Group (or the user's group) */
    const char *home;               /* home=: working directory; NULL: the user's home */
    const char *java_home;          /* java-home=; NULL: JvmHome */
    const char *default_java_home;  /* JvmHome in effect (set at check_config) */
    const char *class_path;         /* class-path=, ':'-separated, NULL: none */
    apr_array_header_t *jvm_options; /* jvm-options=, split (const char *) */
    int umask;                      /* umask=; -1: inherit Apache's */
    int maximum_requests;           /* maximum-requests=: recycle after N requests, 0: never */
    int listen_backlog;             /* listen-backlog=, default 100 */
    apr_interval_time_t restart_interval;   /* restart-interval=: recycle after, 0: never */
    apr_interval_time_t inactivity_timeout; /* inactivity-timeout=: recycle when idle, 0: never */
    apr_interval_time_t request_timeout;    /* request-timeout=: 504 and recycle if stuck, 0: never,
                                             * -1: unset (the group's server's Timeout) */
    apr_interval_time_t graceful_timeout;   /* graceful-timeout=: drain limit when recycling, 15 s */
    apr_interval_time_t shutdown_timeout;   /* shutdown-timeout=: drain limit on stop, 5 s */
    apr_interval_time_t queue_timeout;      /* queue-timeout=: 503 when waited longer, 0: never */
    apr_interval_time_t connect_timeout;    /* connect-timeout=: Apache → daemon connect, 15 s */
    apr_interval_time_t socket_timeout;     /* socket-timeout=: reads from the daemon; 0: Timeout */
    apr_interval_time_t startup_timeout;    /* startup-timeout=: loading preloaded apps, 0: none */
    apr_array_header_t *preloads;   /* "script|application group|callable" loaded at start */
    int script_uid;                 /* script-user=: the script's required owner; -1: any */
    int script_gid;                 /* script-group=: the script's required group; -1: any */
    struct jvm_daemon_runtime *rt;  /* processes, socket and secret (parent and children) */
    int generation;                 /* Apache's configuration generation it was started in */
} jvm_daemon_group;

/* Per-server configuration. The JVM settings are read from the main server only (one JVM
 * per process); their directives are refused inside <VirtualHost>. */
typedef struct jvm_server_conf {
    const char *jvm_home;            /* JvmHome; NULL: the default (MOD_JVM_DEFAULT_JVM_HOME) */
    apr_array_header_t *jvm_options; /* JvmOptions, split into single options (const char *) */
    const char *class_path;          /* JvmClassPath, ':'-separated; NULL: none */
    const char *runtime_dir;         /* JvmRuntimeDirectory; NULL: next to mod_jvm.so */
    const char *cache_dir;           /* JvmCacheDirectory; NULL: <DefaultRuntimeDir>/mod_jvm-cache */
    apr_array_header_t *aliases;     /* jvm_alias, this server's first, then the main server's */
    apr_array_header_t *daemons;     /* jvm_daemon_group *, defined in this server only */
    int restrict_embedded;           /* JvmRestrictEmbedded (main server); -1: unset (Off) */
    const char *socket_prefix;       /* JvmSocketPrefix (main server); NULL: <DefaultRuntimeDir>/jvm */
    apr_interval_time_t request_timeout; /* JvmRequestTimeout (embedded mode, main server); 0: none */
} jvm_server_conf;

/* Per-directory configuration (also per location, .htaccess where FileInfo is allowed). */
typedef struct jvm_dir_conf {
    const char *application_group; /* JvmApplicationGroup; NULL: %{RESOURCE} */
    const char *callable_object;   /* JvmCallableObject; NULL: "application" */
    int script_reloading;          /* JvmScriptReloading; -1: unset (On) */
    int pass_authorization;        /* JvmPassAuthorization; -1: unset (Off) */
    const char *process_group;     /* JvmProcessGroup; NULL: unset; "": %{GLOBAL} (embedded) */
} jvm_dir_conf;

/* What translate_name found for a request, kept in r->request_config. */
typedef struct jvm_request_conf {
    const jvm_alias *alias;        /* the matching alias */
} jvm_request_conf;

extern const command_rec jvm_cmds[];

void *jvm_create_server_conf(apr_pool_t *p, server_rec *s);
void *jvm_merge_server_conf(apr_pool_t *p, void *base, void *add);
void *jvm_create_dir_conf(apr_pool_t *p, char *dir);
void *jvm_merge_dir_conf(apr_pool_t *p, void *base, void *add);

/* The effective JvmHome, JvmRuntimeDirectory, JvmCacheDirectory of the main server. */
const char *jvm_conf_jvm_home(const jvm_server_conf *sc);
const char *jvm_conf_runtime_dir(apr_pool_t *p, const jvm_server_conf *sc);
const char *jvm_conf_cache_dir(apr_pool_t *p, const jvm_server_conf *sc);

/* Whether any server has a JvmScriptAlias. */
int jvm_conf_any_alias(server_rec *s);

/* Whether embedded mode may run at all: some alias and not JvmRestrictEmbedded. */
int jvm_conf_embedded_allowed(server_rec *s);

/* Whether children should create their JVM at start: embedded mode is allowed and some alias
 * is not sent to a daemon group by its own option or its server's JvmProcessGroup (a
 * <Directory> JvmProcessGroup can still send requests to embedded mode: then the JVM is
 * created on the first such request). */
int jvm_conf_embedded_wanted(server_rec *s);

/* Every JvmDaemonProcess of the configuration (jvm_daemon_group *), in order. */
apr_array_header_t *jvm_daemon_groups(void);

/* pre_config: forgets the daemon groups of the previous configuration. */
int jvm_config_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);

/* The daemon group a request runs in: NULL for embedded mode. *err is set (and NULL
 * returned) when the configured group is not defined for the request's server. */
jvm_daemon_group *jvm_conf_process_group(request_rec *r, const jvm_alias *alias, const char **err);

/* The effective JvmSocketPrefix. */
const char *jvm_conf_socket_prefix(apr_pool_t *p, server_rec *main_server);

/* The application group for a request: option > JvmApplicationGroup > %{RESOURCE}, expanded. */
const char *jvm_conf_application_group(request_rec *r, const jvm_alias *alias,
                                       const jvm_dir_conf *dc, const char *script_name);

/* check_config: JvmHome default, JvmOptions judged by the JVM, runtime jars (configtest too). */
int jvm_config_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

/* Creates a compiled-class cache directory for uid/gid (0700); an existing directory is never
 * taken over (JVM00004 when it belongs to someone else). */
void jvm_config_make_cache(apr_pool_t *p, server_rec *s, const char *dir, uid_t uid, gid_t gid);

/* Whether only root and the directory's owner can change what `path` names: the directory
 * (or, while it does not exist, where it will be made) is not group- or world-writable (a
 * group of gid 0 aside), and no directory on the way lets anyone else rename it (a sticky
 * /tmp is fine). For every directory mod_jvm trusts: daemon sockets, compiled-class caches,
 * unpacked applications. Returns 1, or 0 with a sentence naming the path and its mode in *why. */
int jvm_check_private_dir(apr_pool_t *p, const char *path, const char **why);

/* Who the processes of a daemon group run as. */
typedef struct jvm_daemon_identity {
    uid_t uid;
    gid_t gid;                      /* primary group (only applied when Apache starts as root) */
    const char *user;               /* the user's name (initgroups) */
    const char *home;               /* the user's home directory */
} jvm_daemon_identity;

/* The identity of g's processes (user=, group=, else Apache's User and Group), or why they
 * cannot run: never as root, never in the root group (gid 0, or a supplementary gid 0 from
 * the group database). Used at configtest and at start; NULL or the reason. */
const char *jvm_conf_daemon_identity(apr_pool_t *p, const jvm_daemon_group *g, jvm_daemon_identity *out);

/* post_config: creates the compile cache for Apache's User, warns about scripts under DocumentRoot. */
int jvm_config_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

#endif
