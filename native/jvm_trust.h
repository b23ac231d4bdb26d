/* jvm_trust: who the daemons run as, and which directories only trusted users can change.
 * No httpd dependency (unit-tested by native/tests/test_jvm_trust.c). */
#ifndef JVM_TRUST_H
#define JVM_TRUST_H

#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <sys/types.h>

/* Results of jvm_trust_user / jvm_trust_group. */
#define JVM_ID_OK 0
#define JVM_ID_MALFORMED 1      /* "" or "#" not followed by a decimal id that fits */
#define JVM_ID_UNKNOWN 2        /* well formed, but no such user/group */
#define JVM_ID_FAILED 3         /* the lookup itself failed (NSS error, entry too large) */

/* A buffer this large holds any reasonable passwd or group entry (a group with thousands of
 * members included); larger entries are JVM_ID_FAILED, never truncated. */
#define JVM_ID_BUFSIZE 65536

/* The largest id "#number" accepts: (uid_t)-1 and (gid_t)-1 mean "no change" to the kernel. */
#define JVM_ID_MAX 4294967294UL

/* Parses the digits after '#' strictly: at least one decimal digit, nothing else (no sign, no
 * space, no suffix), at most JVM_ID_MAX. Returns 0 and sets *out, or -1. */
int jvm_trust_parse_id(const char *digits, unsigned long *out);

/* Looks up a user given as a name or "#uid" (getpwnam_r / getpwuid_r, thread-safe). On
 * JVM_ID_OK *pw is filled, its strings pointing into buf (buflen: JVM_ID_BUFSIZE). Otherwise
 * *problem says why, to follow the quoted value in a message ("is malformed: …",
 * "does not exist", "cannot be looked up: …"); problem points into buf or is static. */
int jvm_trust_user(const char *spec, struct passwd *pw, char *buf, size_t buflen, const char **problem);

/* The same for a group given as a name or "#gid". */
int jvm_trust_group(const char *spec, struct group *gr, char *buf, size_t buflen, const char **problem);

/* Whether `user` (with primary group gid) is a member of the group 0 through the group
 * database, as initgroups() would make it. Returns 1, 0, or -1 if it cannot be told. */
int jvm_trust_in_root_group(const char *user, gid_t gid);

/* Whether only root and the directory's owner can change what `path` names: the directory, and
 * every directory on the way to it (as written and once symbolic links are resolved), must be
 * such that no one else can create, remove or rename entries in it:
 *   - the directory itself is not writable by others, nor by its group unless that is gid 0;
 *   - every ancestor belongs to root or to the directory's owner, and is not writable by
 *     others or by a group other than gid 0 — unless it has the sticky bit (like /tmp), where
 *     others can only rename or remove what they own: then the entry on the way must belong
 *     to root or to the directory's owner.
 * A path that does not exist yet (the caller creates it, privately) is judged by its nearest
 * existing ancestor. Returns 0 when private, else -1 and a sentence in why naming the path at
 * fault and its mode. */
int jvm_trust_private_dir(const char *path, char *why, size_t whylen);

#endif
