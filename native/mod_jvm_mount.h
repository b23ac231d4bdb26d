/* mod_jvm_mount: which requests go to which mounted script. */
#ifndef MOD_JVM_MOUNT_H
#define MOD_JVM_MOUNT_H

#include "httpd.h"

/* translate_name (after mod_alias): a JvmScriptAlias(Match) sets r->filename to the script
 * plus the rest of the path (the directory walk splits off PATH_INFO) and the handler. */
int jvm_mount_translate_name(request_rec *r);

/* map_to_storage: a web application's requests skip the directory walk (as mod_proxy's do). */
int jvm_mount_map_to_storage(request_rec *r);

/* handler: runs requests mapped by jvm_mount_translate_name. */
int jvm_mount_handler(request_rec *r);

#endif
