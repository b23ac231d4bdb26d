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
    const char *directive;         /* "JvmScriptAlias" or "JvmScriptAliasMatch", for messages */
} jvm_alias;

/* Per-server configuration. The JVM settings are read from the main server only (one JVM
 * per process); their directives are refused inside <VirtualHost>. */
typedef struct jvm_server_conf {
    const char *jvm_home;            /* JvmHome; NULL: the default (MOD_JVM_DEFAULT_JVM_HOME) */
    apr_array_header_t *jvm_options; /* JvmOptions, split into single options (const char *) */
    const char *class_path;          /* JvmClassPath, ':'-separated; NULL: none */
    const char *runtime_dir;         /* JvmRuntimeDirectory; NULL: next to mod_jvm.so */
    const char *cache_dir;           /* JvmCacheDirectory; NULL: <DefaultRuntimeDir>/mod_jvm-cache */
    apr_array_header_t *aliases;     /* jvm_alias, this server's first, then the main server's */
} jvm_server_conf;

/* Per-directory configuration (also per location, .htaccess where FileInfo is allowed). */
typedef struct jvm_dir_conf {
    const char *application_group; /* JvmApplicationGroup; NULL: %{RESOURCE} */
    const char *callable_object;   /* JvmCallableObject; NULL: "application" */
    int script_reloading;          /* JvmScriptReloading; -1: unset (On) */
    int pass_authorization;        /* JvmPassAuthorization; -1: unset (Off) */
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

/* Whether any server has a JvmScriptAlias (then children need a JVM). */
int jvm_conf_any_alias(server_rec *s);

/* The application group for a request: option > JvmApplicationGroup > %{RESOURCE}, expanded. */
const char *jvm_conf_application_group(request_rec *r, const jvm_alias *alias,
                                       const jvm_dir_conf *dc, const char *script_name);

/* check_config: JvmHome default, JvmOptions judged by the JVM, runtime jars (configtest too). */
int jvm_config_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

/* post_config: creates the compile cache for Apache's User, warns about scripts under DocumentRoot. */
int jvm_config_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

#endif
