/* jvm_jar_copy: see jvm_jar_copy.h. */
#define _GNU_SOURCE /* copy_file_range */
#include "jvm_jar_copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define EOCD_SIZE 22
#define EOCD_MAX_COMMENT 65535
#define ZIP64_LOCATOR_SIZE 20

/* The end of a zip file and the copy buffer (the forked child that copies is single-threaded;
 * the unit tests too). */
static unsigned char buffer[EOCD_SIZE + EOCD_MAX_COMMENT];

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
    return le16(p) | le16(p + 2) << 16;
}

static int read_at(int fd, unsigned char *to, size_t len, off_t at)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, to + got, len - got, at + (off_t)got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

int jvm_zip_is_whole(int fd, off_t size)
{
    size_t tail;
    if (size < EOCD_SIZE) {
        return 0;
    }
    tail = size < (off_t)sizeof buffer ? (size_t)size : sizeof buffer;
    if (read_at(fd, buffer, tail, size - (off_t)tail) != 0) {
        return 0;
    }
    /* the last end record whose comment reaches exactly to the end of the file */
    for (size_t at = tail - EOCD_SIZE + 1; at-- > 0;) {
        const unsigned char *e = buffer + at;
        off_t end_pos = size - (off_t)(tail - at);
        uint32_t entries, cd_size, cd_offset;
        off_t cd_start, prefix;
        unsigned char sig[4];
        if (e[0] != 'P' || e[1] != 'K' || e[2] != 5 || e[3] != 6 || (size_t)le16(e + 20) != tail - at - EOCD_SIZE) {
            continue;
        }
        entries = le16(e + 10);
        cd_size = le32(e + 12);
        cd_offset = le32(e + 16);
        if (entries == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_offset == 0xFFFFFFFFu) {
            /* zip64: its locator is right before the end record */
            return end_pos >= ZIP64_LOCATOR_SIZE && read_at(fd, sig, 4, end_pos - ZIP64_LOCATOR_SIZE) == 0
                   && sig[0] == 'P' && sig[1] == 'K' && sig[2] == 6 && sig[3] == 7;
        }
        if ((off_t)cd_size > end_pos) {
            return 0;
        }
        cd_start = end_pos - (off_t)cd_size;
        prefix = cd_start - (off_t)cd_offset;
        if (prefix < 0) {
            return 0;
        }
        if (prefix > 0) {
            /* only an executable jar's launch script comes before the zip (a jar nested in a
             * Boot jar, where a file cut short could end, starts well inside the outer file,
             * which starts with the outer zip's first entry) */
            if (read_at(fd, sig, 2, 0) != 0 || sig[0] != '#' || sig[1] != '!') {
                return 0;
            }
        }
        if (entries == 0) {
            return cd_size == 0;
        }
        return read_at(fd, sig, 4, cd_start) == 0 && sig[0] == 'P' && sig[1] == 'K' && sig[2] == 1 && sig[3] == 2;
    }
    return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size
           && a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Copies len bytes of in to out (both at offset 0): the kernel's copy where it can. 0, or -1 with
 * errno (0: in ended early). */
static int copy_bytes(int in, int out, off_t len)
{
    off_t done = 0;
    int kernel = 1;
    while (done < len) {
        ssize_t n;
        size_t want = (size_t)(len - done < (off_t)(1 << 30) ? len - done : (off_t)(1 << 30));
        if (kernel) {
            off_t from = done, to = done;
            n = copy_file_range(in, &from, out, &to, want, 0);
            if (n < 0 && (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP
                          || errno == EPERM)) {
                kernel = 0; /* (another file system, an old kernel) */
                continue;
            }
        } else {
            ssize_t w = 0;
            n = pread(in, buffer, want < sizeof buffer ? want : sizeof buffer, done);
            for (ssize_t put = 0; n > 0 && put < n; put += w) {
                w = pwrite(out, buffer + put, (size_t)(n - put), done + put);
                if (w < 0 && errno == EINTR) {
                    w = 0;
                } else if (w <= 0) {
                    return -1;
                }
            }
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -1;
        }
        if (n == 0) {
            errno = 0;
            return -1;
        }
        done += n;
    }
    return 0;
}

int jvm_jar_copy(const char *src, const char *dst, char *why, size_t why_len)
{
    struct stat before, after;
    struct timespec times[2];
    int in, out, rc;

    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0 || fstat(in, &before) != 0) {
        snprintf(why, why_len, "cannot be read: %s", strerror(errno));
        if (in >= 0) {
            close(in);
        }
        return JVM_JAR_NO_SOURCE;
    }
    if (!S_ISREG(before.st_mode)) {
        snprintf(why, why_len, "cannot be read: not a file");
        close(in);
        return JVM_JAR_NO_SOURCE;
    }
    if (!jvm_zip_is_whole(in, before.st_size)) {
        snprintf(why, why_len, "is not a whole zip file");
        close(in);
        return JVM_JAR_INCOMPLETE;
    }
    out = open(dst, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0) {
        snprintf(why, why_len, "cannot be copied to %s: %s", dst, strerror(errno));
        close(in);
        return JVM_JAR_NO_COPY;
    }
    rc = JVM_JAR_COPIED;
    if (copy_bytes(in, out, before.st_size) != 0) {
        if (errno == 0 || errno == EIO) {
            snprintf(why, why_len, "changed while it was copied (it ended early)");
            rc = JVM_JAR_INCOMPLETE;
        } else {
            snprintf(why, why_len, "cannot be copied to %s: %s", dst, strerror(errno));
            rc = JVM_JAR_NO_COPY;
        }
    } else if (stat(src, &after) != 0 || !same_file(&before, &after)) {
        /* written meanwhile (or renamed over: the next copy takes the new file) */
        snprintf(why, why_len, "changed while it was copied");
        rc = JVM_JAR_INCOMPLETE;
    } else if (!jvm_zip_is_whole(out, before.st_size)) {
        snprintf(why, why_len, "changed while it was copied (the copy is not a whole zip file)");
        rc = JVM_JAR_INCOMPLETE;
    } else {
        times[0].tv_sec = 0;
        times[0].tv_nsec = UTIME_OMIT;
        times[1] = before.st_mtim;
        if (futimens(out, times) != 0) {
            snprintf(why, why_len, "cannot be copied to %s: %s", dst, strerror(errno));
            rc = JVM_JAR_NO_COPY;
        }
    }
    close(in);
    if (close(out) != 0 && rc == JVM_JAR_COPIED) {
        snprintf(why, why_len, "cannot be copied to %s: %s", dst, strerror(errno));
        rc = JVM_JAR_NO_COPY;
    }
    if (rc != JVM_JAR_COPIED) {
        unlink(dst);
    }
    return rc;
}

int jvm_jar_hold(const char *src, const char *dir, char *copy, size_t copy_len, int *held, char *why, size_t why_len)
{
    char temp[PATH_MAX];
    struct stat st, found, now;
    *held = -1;
    if (stat(src, &st) != 0) {
        snprintf(why, why_len, "cannot be read: %s", strerror(errno));
        return JVM_JAR_NO_SOURCE;
    }
    if (snprintf(copy, copy_len, "%s/" JVM_JAR_COPY_PREFIX "%lu.%lu.%lld.%ld.%lld" JVM_JAR_COPY_SUFFIX, dir,
                 (unsigned long)st.st_dev, (unsigned long)st.st_ino, (long long)st.st_mtim.tv_sec,
                 (long)st.st_mtim.tv_nsec, (long long)st.st_size) >= (int)copy_len
        || snprintf(temp, sizeof temp, "%s/" JVM_JAR_COPY_TEMP "%ld" JVM_JAR_COPY_SUFFIX, dir, (long)getpid())
           >= (int)sizeof temp) {
        snprintf(why, why_len, "cannot be copied to %s: the path is too long", dir);
        return JVM_JAR_NO_COPY;
    }
    /* the copy is code this process runs: only from a directory nobody else can write (as the
     * compile cache, docs/security.md), and only a file of its own user */
    if (stat(dir, &found) != 0) {
        snprintf(why, why_len, "cannot be copied to %s: %s", dir, strerror(errno));
        return JVM_JAR_NO_COPY;
    }
    if (!S_ISDIR(found.st_mode) || found.st_uid != geteuid() || (found.st_mode & 022)) {
        snprintf(why, why_len, "cannot be copied to %s: not a directory of this user's own that only it can write", dir);
        return JVM_JAR_NO_COPY;
    }
    for (int tries = 0; tries < 5; tries++) {
        int fd = open(copy, O_RDONLY | O_NOFOLLOW);
        int rc;
        if (fd >= 0) {
            /* someone's copy of this version: ours once locked, if the sweep did not remove it meanwhile */
            if (fstat(fd, &found) != 0 || !S_ISREG(found.st_mode) || found.st_uid != geteuid() || (found.st_mode & 022)) {
                close(fd);
                snprintf(why, why_len, "cannot be copied to %s: a file there is not this user's own", copy);
                return JVM_JAR_NO_COPY;
            }
            if (flock(fd, LOCK_SH) == 0 && stat(copy, &now) == 0 && now.st_ino == found.st_ino
                && now.st_dev == found.st_dev) {
                *held = fd;
                return JVM_JAR_COPIED;
            }
            close(fd);
            continue;
        }
        if (errno != ENOENT) {
            snprintf(why, why_len, "cannot be copied to %s: %s", copy, strerror(errno));
            return JVM_JAR_NO_COPY;
        }
        rc = jvm_jar_copy(src, temp, why, why_len);
        if (rc != JVM_JAR_COPIED) {
            return rc;
        }
        if (stat(temp, &found) != 0 || found.st_size != st.st_size || found.st_mtim.tv_sec != st.st_mtim.tv_sec
            || found.st_mtim.tv_nsec != st.st_mtim.tv_nsec) {
            /* (src changed between its stat and the copy: the name would be another version's) */
            unlink(temp);
            snprintf(why, why_len, "changed while it was copied");
            return JVM_JAR_INCOMPLETE;
        }
        fd = open(temp, O_RDONLY | O_NOFOLLOW);
        if (fd < 0 || flock(fd, LOCK_SH) != 0 || link(temp, copy) != 0) {
            int failed = errno;
            if (fd >= 0) {
                close(fd);
            }
            unlink(temp);
            if (failed == EEXIST) {
                continue; /* another process of the group made it first: use that one */
            }
            snprintf(why, why_len, "cannot be copied to %s: %s", copy, strerror(failed));
            return JVM_JAR_NO_COPY;
        }
        unlink(temp);
        *held = fd;
        return JVM_JAR_COPIED;
    }
    snprintf(why, why_len, "cannot be copied to %s: it keeps being removed", copy);
    return JVM_JAR_NO_COPY;
}

int jvm_jar_sweep(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int removed = 0;
    if (!d) {
        return 0;
    }
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, JVM_JAR_COPY_PREFIX, sizeof JVM_JAR_COPY_PREFIX - 1) != 0
            || len < sizeof JVM_JAR_COPY_SUFFIX
            || strcmp(e->d_name + len - (sizeof JVM_JAR_COPY_SUFFIX - 1), JVM_JAR_COPY_SUFFIX) != 0) {
            continue;
        }
        if (!strncmp(e->d_name, JVM_JAR_COPY_TEMP, sizeof JVM_JAR_COPY_TEMP - 1)) {
            char *end;
            long pid;
            errno = 0;
            pid = strtol(e->d_name + sizeof JVM_JAR_COPY_TEMP - 1, &end, 10);
            /* EPERM: a live process of another user (not ours to judge) */
            if (!errno && pid > 0 && pid <= INT32_MAX && !strcmp(end, JVM_JAR_COPY_SUFFIX) && kill((pid_t)pid, 0) != 0
                && errno == ESRCH && unlinkat(dirfd(d), e->d_name, 0) == 0) {
                removed++;
            }
        } else {
            /* held by no process: a process that opened it meanwhile sees it gone once it has its lock */
            int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0) {
                if (flock(fd, LOCK_EX | LOCK_NB) == 0 && unlinkat(dirfd(d), e->d_name, 0) == 0) {
                    removed++;
                }
                close(fd);
            }
        }
    }
    closedir(d);
    return removed;
}
