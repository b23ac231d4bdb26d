/* mod_jvm_config: directives, per-server and per-directory configuration (what is read from
 * the configuration files, as read; lookups in it: mod_jvm_lookup.h; checks: mod_jvm_checks.h). */
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
    int webapp;                    /* a web application (.war or directory with WEB-INF/), not a script */
    int boot;                      /* a Spring Boot executable jar (also webapp: served as one; docs/spring-boot.md) */
} jvm_alias;

/* One JvmDaemonProcess: a supervised group of daemon JVM processes (mod_jvm_daemon.c). The
 * options and their defaults are the table of mod_jvm_daemon_options.c (mod_wsgi's
 * WSGIDaemonProcess options of the same names). Its processes' run-time state is the daemon
 * code's (mod_jvm_daemon.h, by index). */
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
    apr_array_header_t *preloads;   /* "script|application group|callable" loaded at start (collected
                                       at check_config, mod_jvm_checks.c) */
    int script_uid;                 /* script-user=: the script's required owner; -1: any */
    int script_gid;                 /* script-group=: the script's required group; -1: any */
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

/* Every JvmDaemonProcess of the configuration (jvm_daemon_group *), in order. */
apr_array_header_t *jvm_daemon_groups(void);

/* pre_config: forgets the daemon groups of the previous configuration. */
int jvm_config_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);

/* Whether s ends with suffix (".java", ".jar"). */
int jvm_conf_has_suffix(const char *s, const char *suffix);

#endif
