/* jvm_trust: strict user/group parsing and the private-directory rule (see jvm_trust.h). */
#include "jvm_trust.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int jvm_trust_parse_id(const char *digits, unsigned long *out)
{
    unsigned long long v = 0;
    if (!digits || !*digits) {
        return -1;
    }
    for (const char *c = digits; *c; c++) {
        if (*c < '0' || *c > '9') {
            return -1;
        }
        /* v <= JVM_ID_MAX here, so this cannot overflow 64 bits */
        v = v * 10 + (unsigned long long)(*c - '0');
        if (v > JVM_ID_MAX) {
            return -1;
        }
    }
    *out = (unsigned long)v;
    return 0;
}

/* The outcome of a get*_r call: found, not there, or failed. */
static int lookup_result(int rc, int found, char *buf, size_t buflen, const char **problem)
{
    if (found) {
        return JVM_ID_OK;
    }
    /* POSIX lets "not found" come back as 0 or as one of these */
    if (rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM) {
        *problem = "does not exist";
        return JVM_ID_UNKNOWN;
    }
    if (rc == ERANGE) {
        *problem = "cannot be looked up: its entry is larger than the lookup buffer";
        return JVM_ID_FAILED;
    }
    snprintf(buf, buflen, "cannot be looked up: %s", strerror(rc));
    *problem = buf;
    return JVM_ID_FAILED;
}

/* The form of a user or group spec: 1 and *id for "#number", 0 for a name, -1 (with *problem)
 * for anything else. `id_kind` is "uid" or "gid", `kind` "user" or "group". */
static int spec_form(const char *spec, const char *kind, const char *id_kind, unsigned long *id,
                     char *buf, size_t buflen, const char **problem)
{
    if (!spec || !*spec) {
        snprintf(buf, buflen, "is malformed: give a %s name or #%s", kind, id_kind);
        *problem = buf;
        return -1;
    }
    if (*spec != '#') {
        return 0;
    }
    if (jvm_trust_parse_id(spec + 1, id) != 0) {
        snprintf(buf, buflen, "is malformed: '#' must be followed by a %s, a decimal number from 0 to 4294967294",
                 id_kind);
        *problem = buf;
        return -1;
    }
    return 1;
}

int jvm_trust_user(const char *spec, struct passwd *pw, char *buf, size_t buflen, const char **problem)
{
    struct passwd *result = NULL;
    unsigned long id = 0;
    int rc;
    switch (spec_form(spec, "user", "uid", &id, buf, buflen, problem)) {
    case -1:
        return JVM_ID_MALFORMED;
    case 1:
        rc = getpwuid_r((uid_t)id, pw, buf, buflen, &result);
        break;
    default:
        rc = getpwnam_r(spec, pw, buf, buflen, &result);
    }
    return lookup_result(rc, result != NULL, buf, buflen, problem);
}

int jvm_trust_group(const char *spec, struct group *gr, char *buf, size_t buflen, const char **problem)
{
    struct group *result = NULL;
    unsigned long id = 0;
    int rc;
    switch (spec_form(spec, "group", "gid", &id, buf, buflen, problem)) {
    case -1:
        return JVM_ID_MALFORMED;
    case 1:
        rc = getgrgid_r((gid_t)id, gr, buf, buflen, &result);
        break;
    default:
        rc = getgrnam_r(spec, gr, buf, buflen, &result);
    }
    return lookup_result(rc, result != NULL, buf, buflen, problem);
}

int jvm_trust_in_root_group(const char *user, gid_t gid)
{
    gid_t small[64];
    gid_t *groups = small;
    int n = (int)(sizeof small / sizeof small[0]);
    int found = 0;
    if (getgrouplist(user, gid, groups, &n) < 0) {
        /* n is now the number needed; the kernel allows at most NGROUPS_MAX (65536) */
        if (n <= 0 || n > 65536 || !(groups = malloc((size_t)n * sizeof *groups))) {
            return -1;
        }
        if (getgrouplist(user, gid, groups, &n) < 0) {
            free(groups);
            return -1;
        }
    }
    for (int i = 0; i < n; i++) {
        found |= groups[i] == 0;
    }
    if (groups != small) {
        free(groups);
    }
    return found;
}

/* ---- private directories ---------------------------------------------------------------- */

static const char *user_name(uid_t uid, char *out, size_t outlen)
{
    char buf[4096];
    struct passwd pw, *result = NULL;
    if (getpwuid_r(uid, &pw, buf, sizeof buf, &result) == 0 && result) {
        snprintf(out, outlen, "%s", pw.pw_name);
    } else {
        snprintf(out, outlen, "uid %lu", (unsigned long)uid);
    }
    return out;
}

static const char *group_name(gid_t gid, char *out, size_t outlen)
{
    char buf[JVM_ID_BUFSIZE / 4];
    struct group gr, *result = NULL;
    if (getgrgid_r(gid, &gr, buf, sizeof buf, &result) == 0 && result) {
        snprintf(out, outlen, "%s", gr.gr_name);
    } else {
        snprintf(out, outlen, "gid %lu", (unsigned long)gid);
    }
    return out;
}

/* Writable by someone other than the owner and root: others, or a group that is not root's. */
static int writable_by_others(const struct stat *st)
{
    return (st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && st->st_gid != 0);
}

/* "the members of group " and a group name (at most 255 bytes): never cut */
#define WRITERS_LEN (sizeof "the members of group " + 255)

static const char *writers(const struct stat *st, char *out, size_t outlen)
{
    char g[256];
    if (st->st_mode & S_IWOTH) {
        snprintf(out, outlen, "everyone");
    } else {
        snprintf(out, outlen, "the members of group %s", group_name(st->st_gid, g, sizeof g));
    }
    return out;
}

/* The rule of jvm_trust.h for one existing absolute path, walked as written (stat follows
 * each prefix, so each directory checked is the one the kernel reaches). */
static int check_chain(const char *path, char *why, size_t whylen)
{
    char prefix[PATH_MAX], child[PATH_MAX];
    char a[WRITERS_LEN], b[256];
    struct stat target, st, cst;
    size_t n = strlen(path);

    if (stat(path, &target) != 0) {
        snprintf(why, whylen, "%s cannot be examined: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(target.st_mode)) {
        snprintf(why, whylen, "%s is not a directory", path);
        return -1;
    }
    if (writable_by_others(&target)) {
        snprintf(why, whylen, "%s can be written by %s (mode %04o, owner %s): they could replace what "
                 "is in it; only its owner (and root) may write it: chmod go-w %s",
                 path, writers(&target, a, sizeof a), (unsigned)(target.st_mode & 07777),
                 user_name(target.st_uid, b, sizeof b), path);
        return -1;
    }
    /* each ancestor, from "/" down to the parent of path */
    for (size_t i = 0; i < n; i++) {
        size_t end;
        if (path[i] != '/') {
            continue;
        }
        /* prefix: path[0..i) ("/" for i == 0); child: up to the next '/' */
        end = i + 1;
        while (end < n && path[end] != '/') {
            end++;
        }
        if (end == i + 1) {
            continue; /* "//" or a trailing '/': no component */
        }
        memcpy(prefix, path, i ? i : 1);
        prefix[i ? i : 1] = '\0';
        memcpy(child, path, end);
        child[end] = '\0';
        if (stat(prefix, &st) != 0) {
            snprintf(why, whylen, "%s cannot be examined: %s", prefix, strerror(errno));
            return -1;
        }
        if (writable_by_others(&st)) {
            if (!(st.st_mode & S_ISVTX)) {
                snprintf(why, whylen, "%s can be written by %s (mode %04o) and has no sticky bit: they could "
                         "rename %s and put their own in its place", prefix, writers(&st, a, sizeof a),
                         (unsigned)(st.st_mode & 07777), child);
                return -1;
            }
            /* sticky (like /tmp): only the entry's owner, the directory's owner and root can rename it */
            if (lstat(child, &cst) != 0) {
                snprintf(why, whylen, "%s cannot be examined: %s", child, strerror(errno));
                return -1;
            }
            if (cst.st_uid != 0 && cst.st_uid != target.st_uid) {
                snprintf(why, whylen, "%s is in %s, which others can write (mode %04o), and belongs to %s, who "
                         "could rename it", child, prefix, (unsigned)(st.st_mode & 07777),
                         user_name(cst.st_uid, a, sizeof a));
                return -1;
            }
        }
        if (st.st_uid != 0 && st.st_uid != target.st_uid) {
            snprintf(why, whylen, "%s belongs to %s, who could rename %s: every directory on the way to %s "
                     "must belong to root or to its owner (%s)", prefix, user_name(st.st_uid, a, sizeof a),
                     child, path, user_name(target.st_uid, b, sizeof b));
            return -1;
        }
    }
    return 0;
}

int jvm_trust_private_dir(const char *path, char *why, size_t whylen)
{
    char existing[PATH_MAX], real[PATH_MAX];
    struct stat st;
    size_t n;

    if (!path || path[0] != '/') {
        snprintf(why, whylen, "%s is not an absolute path", path ? path : "(null)");
        return -1;
    }
    n = strlen(path);
    if (n >= sizeof existing) {
        snprintf(why, whylen, "%.64s… is too long", path);
        return -1;
    }
    memcpy(existing, path, n + 1);
    /* the nearest existing directory: what is missing is created by the caller, privately */
    while (stat(existing, &st) != 0) {
        char *slash;
        if (errno != ENOENT && errno != ENOTDIR) {
            snprintf(why, whylen, "%s cannot be examined: %s", existing, strerror(errno));
            return -1;
        }
        while (n > 1 && existing[n - 1] == '/') {
            existing[--n] = '\0';
        }
        slash = strrchr(existing, '/');
        if (!slash) {
            break;
        }
        if (slash == existing) {
            existing[1] = '\0';
            n = 1;
        } else {
            *slash = '\0';
            n = (size_t)(slash - existing);
        }
    }
    /* as written (a symbolic link on the way is an entry of a directory that is checked)… */
    if (check_chain(existing, why, whylen) != 0) {
        return -1;
    }
    /* …and where the links lead */
    if (!realpath(existing, real)) {
        snprintf(why, whylen, "%s cannot be resolved: %s", existing, strerror(errno));
        return -1;
    }
    return strcmp(real, existing) ? check_chain(real, why, whylen) : 0;
}
