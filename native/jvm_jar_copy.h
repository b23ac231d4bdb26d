/* jvm_jar_copy: the private copy of a Spring Boot jar a daemon process runs from, so that the jar
 * can be replaced in any way (renamed over, or written into as cp and scp do) without touching
 * the classes a running process still reads from it (docs/internals.md, "A private copy of the
 * jar"). No httpd dependency: called in the forked child before exec (plain system calls, no
 * APR pool), unit-tested by native/tests/test_jvm_jar_copy.c. */
#ifndef JVM_JAR_COPY_H
#define JVM_JAR_COPY_H

#include <stddef.h>
#include <sys/types.h>

/* Results of jvm_jar_copy. */
#define JVM_JAR_COPIED 0        /* dst holds src as it was, whole, with src's modification time */
#define JVM_JAR_INCOMPLETE 1    /* src is not a whole zip file or changed during the copy: being written */
#define JVM_JAR_NO_SOURCE 2     /* src cannot be opened or read (its owner, its mode, gone) */
#define JVM_JAR_NO_COPY 3       /* dst cannot be written (its directory missing, another owner's, full) */

/* The copies in a group's cache directory: JVM_JAR_COPY_PREFIX <device>.<inode>.<mtime s>.<mtime ns>.<size>
 * JVM_JAR_COPY_SUFFIX, one per version of the jar, shared by the group's processes that run that
 * version; JVM_JAR_COPY_TEMP <pid> JVM_JAR_COPY_SUFFIX while one is made. */
#define JVM_JAR_COPY_PREFIX "boot."
#define JVM_JAR_COPY_TEMP "boot.tmp."
#define JVM_JAR_COPY_SUFFIX ".jar"

/* Whether the file open as fd (size bytes) is a whole zip file: it ends with an end of central
 * directory record (after at most a 64 KiB comment) whose central directory ends right before
 * it and starts with a central directory header. A file cut short has no such end: the end
 * records of the jars nested in a Boot jar (stored whole in it) point at offsets of their own,
 * never at the outer file's. Zip64 ends (over 65535 entries or 4 GiB) are taken on their
 * locator. Returns 1 or 0 (also when it cannot be read). */
int jvm_zip_is_whole(int fd, off_t size);

/* Copies src to dst (made 0600; replaced if there) when src is a whole zip that stays the same
 * during the copy (size, modification time and inode before and after); the copy gets src's
 * modification time, so a process that looks at its copy sees the version it runs as Apache
 * sees the mounted jar. Anything but JVM_JAR_COPIED leaves no dst and says why in why[] (a
 * phrase to follow the file's name). */
int jvm_jar_copy(const char *src, const char *dst, char *why, size_t why_len);

/* The copy of src as it is now in dir, made if there is none, held for the calling process: on
 * JVM_JAR_COPIED copy[] has its path and *held a descriptor of it with a shared lock (flock), and
 * without close-on-exec, so that the process exec'd next holds it as long as it lives; a copy
 * nobody holds is removed by jvm_jar_sweep. A copy appears under its name only whole (made under
 * a temporary name, then linked), so a process that finds one uses it as it is. Otherwise as
 * jvm_jar_copy. */
int jvm_jar_hold(const char *src, const char *dir, char *copy, size_t copy_len, int *held, char *why, size_t why_len);

/* Removes from dir the copies no process holds, and the temporary files of makers that are gone
 * (kill(pid, 0) says ESRCH). Returns how many files it removed. */
int jvm_jar_sweep(const char *dir);

#endif
