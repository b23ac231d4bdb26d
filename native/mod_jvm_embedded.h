/* mod_jvm_embedded: the JVM inside each Apache child and the request handler that calls it. */
#ifndef MOD_JVM_EMBEDDED_H
#define MOD_JVM_EMBEDDED_H

#include "httpd.h"
#include "mod_jvm_config.h"

/* child_init: creates this child's JVM when any JvmScriptAlias is configured. */
void jvm_embedded_child_init(apr_pool_t *p, server_rec *s);

/* Runs the request in this child's JVM. */
int jvm_embedded_handle(request_rec *r);

#endif
