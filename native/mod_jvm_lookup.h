/* mod_jvm_lookup: what the modes and the start-up checks look up in the configuration
 * (mod_jvm_config.h), never changing it. */
#ifndef MOD_JVM_LOOKUP_H
#define MOD_JVM_LOOKUP_H

#include "httpd.h"
#include "mod_jvm_config.h"

/* The effective JvmHome, JvmRuntimeDirectory, JvmCacheDirectory of the main server. */
const char *jvm_conf_jvm_home(const jvm_server_conf *sc);
const char *jvm_conf_runtime_dir(apr_pool_t *p, const jvm_server_conf *sc);
const char *jvm_conf_cache_dir(apr_pool_t *p, const jvm_server_conf *sc);

/* The effective JvmSocketPrefix. */
const char *jvm_conf_socket_prefix(apr_pool_t *p, server_rec *main_server);

/* Whether any server has a JvmScriptAlias. */
int jvm_conf_any_alias(server_rec *s);

/* Whether embedded mode may run at all: some alias and not JvmRestrictEmbedded. */
int jvm_conf_embedded_allowed(server_rec *s);

/* Whether children should create their JVM at start: embedded mode is allowed and some alias
 * is not sent to a daemon group by its own option or its server's JvmProcessGroup (a
 * <Directory> JvmProcessGroup can still send requests to embedded mode: then the JVM is
 * created on the first such request). */
int jvm_conf_embedded_wanted(server_rec *s);

/* The group `name` defined in server s, or in the main server (visible to every virtual
 * host); NULL if there is none. */
jvm_daemon_group *jvm_conf_find_group(server_rec *s, const char *name);

/* The daemon group a request runs in: NULL for embedded mode. *err is set (and NULL
 * returned) when the configured group is not defined for the request's server. */
jvm_daemon_group *jvm_conf_process_group(request_rec *r, const jvm_alias *alias, const char **err);

/* The application group for a request: option > JvmApplicationGroup > %{RESOURCE}, expanded. */
const char *jvm_conf_application_group(request_rec *r, const jvm_alias *alias,
                                       const jvm_dir_conf *dc, const char *script_name);

/* The options the embedded JVM is created with: the defaults (jvm_options.c), the class path
 * option (if not NULL), then JvmOptions. */
apr_array_header_t *jvm_conf_embedded_jvm_options(apr_pool_t *p, const jvm_server_conf *sc, const char *class_path);

/* The JVM options a process of daemon group g starts with, from the JDK at java_home (its
 * java-home=, else JvmHome): the defaults (jvm_options.c), then jvm-options=. */
apr_array_header_t *jvm_conf_daemon_jvm_options(apr_pool_t *p, const jvm_daemon_group *g, const char *java_home);

#endif
