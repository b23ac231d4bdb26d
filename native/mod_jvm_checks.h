/* mod_jvm_checks: the start-up checks of the whole configuration and of the system it names. */
#ifndef MOD_JVM_CHECKS_H
#define MOD_JVM_CHECKS_H

#include "httpd.h"
#include "mod_jvm_config.h"

#include <sys/types.h>

/* check_config: the process groups named, JvmHome default, JvmOptions and jvm-options= judged
 * by the JVM, the daemons' accounts, private directories, compilers, runtime jars (configtest
 * too). Also collects each group's preloaded scripts. */
int jvm_checks_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

/* post_config: creates the compile cache for Apache's User, warns about scripts under DocumentRoot. */
int jvm_checks_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

/* Creates a compiled-class cache directory for uid/gid (0700); an existing directory is never
 * taken over (JVM00004 when it belongs to someone else). */
void jvm_checks_make_cache(apr_pool_t *p, server_rec *s, const char *dir, uid_t uid, gid_t gid);

/* Whether only root and the directory's owner can change what `path` names: the directory
 * (or, while it does not exist, where it will be made) is not group- or world-writable (a
 * group of gid 0 aside), and no directory on the way lets anyone else rename it (a sticky
 * /tmp is fine). For every directory mod_jvm trusts: daemon sockets, compiled-class caches,
 * unpacked applications. Returns 1, or 0 with a sentence naming the path and its mode in *why. */
int jvm_checks_private_dir(apr_pool_t *p, const char *path, const char **why);

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
const char *jvm_checks_daemon_identity(apr_pool_t *p, const jvm_daemon_group *g, jvm_daemon_identity *out);

#endif
