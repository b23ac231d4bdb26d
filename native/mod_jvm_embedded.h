/* mod_jvm_embedded: the JVM inside each Apache child and the request handler that calls it. */
#ifndef MOD_JVM_EMBEDDED_H
#define MOD_JVM_EMBEDDED_H

#include "httpd.h"
#include "mod_jvm_config.h"

/* The options the embedded JVM is created with: the defaults, the class path (if not NULL),
 * then JvmOptions. */
apr_array_header_t *jvm_embedded_options(apr_pool_t *p, const jvm_server_conf *sc, const char *class_path);

/* child_init: creates this child's JVM when any JvmScriptAlias is configured. */
void jvm_embedded_child_init(apr_pool_t *p, server_rec *s);

/* Runs the request in this child's JVM. */
int jvm_embedded_handle(request_rec *r);

#endif
