/* mod_jvm: shared declarations of the httpd glue (the mod_jvm_*.c files). */
#ifndef MOD_JVM_H
#define MOD_JVM_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

extern module AP_MODULE_DECLARE_DATA jvm_module;

#define JVM_HANDLER "jvm-script"

#ifndef MOD_JVM_VERSION
#define MOD_JVM_VERSION "0.0.0"
#endif

#endif
