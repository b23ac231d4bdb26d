/* mod_jvm: shared declarations of the httpd glue (the mod_jvm_*.c files). */
#ifndef MOD_JVM_H
#define MOD_JVM_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

#include "jvm_messages.h"

extern module AP_MODULE_DECLARE_DATA jvm_module;

#define JVM_HANDLER "jvm-script"

#ifndef MOD_JVM_VERSION
#define MOD_JVM_VERSION "0.0.0"
/* post_config: adds "mod_jvm/<version>" and "Java/<JvmHome's version>" to the server's
 * product tokens (mod_jvm_version.c). */
int jvm_version_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

#endif

/* post_config: adds "mod_jvm/<version>" and "Java/<JvmHome's version>" to the server's
 * product tokens (mod_jvm_version.c). */
int jvm_version_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

#endif
