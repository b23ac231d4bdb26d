/* Unit tests of jvm_jar_copy.c: which files are whole zips (every cut of a real one is not; a
 * cut at the end of a nested jar is not; a launch script before the zip is fine), the copy
 * (bytes, mode, modification time; nothing left behind when it fails), the copies shared and
 * held by the processes of a version, and the sweep of those nobody holds. Zips are made here byte by byte, as the format says. */
#include "jvm_jar_copy.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures, passes;

#define CHECK(cond) do { if (cond) { passes++; } else { failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static char dir[64];

typedef struct {
    unsigned char *b;
    size_t len, cap;
} bytes;

static void put(bytes *z, const void *p, size_t n)
{
    if (n == 0) {
        return; /* (p may be NULL: an empty central directory) */
    }
    if (z->len + n > z->cap) {
        z->cap = (z->len + n) * 2 + 64;
        z->b = realloc(z->b, z->cap);
    }
    memcpy(z->b + z->len, p, n);
    z->len += n;
}

static void u16(bytes *z, unsigned v)
{
    unsigned char c[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
    put(z, c, 2);
}

static void u32(bytes *z, unsigned long v)
{
    u16(z, (unsigned)(v & 0xFFFF));
    u16(z, (unsigned)(v >> 16));
}

/* A zip of stored entries (names[i] holding data[i]), after `prefix` (offsets relative to the
 * zip's start, as an executable jar's), with a comment. */
static bytes zip(const char *prefix, int n, const char *const *names, const bytes *data, const char *comment)
{
    bytes z = { 0 }, cd = { 0 };
    size_t base = strlen(prefix);
    put(&z, prefix, base);
    for (int i = 0; i < n; i++) {
        size_t at = z.len - base, name = strlen(names[i]);
        u32(&z, 0x04034b50);
        u16(&z, 20); u16(&z, 0); u16(&z, 0); u16(&z, 0); u16(&z, 0x21);
        u32(&z, 0); u32(&z, data[i].len); u32(&z, data[i].len);
        u16(&z, (unsigned)name); u16(&z, 0);
        put(&z, names[i], name);
        put(&z, data[i].b, data[i].len);
        u32(&cd, 0x02014b50);
        u16(&cd, 20); u16(&cd, 20); u16(&cd, 0); u16(&cd, 0); u16(&cd, 0); u16(&cd, 0x21);
        u32(&cd, 0); u32(&cd, data[i].len); u32(&cd, data[i].len);
        u16(&cd, (unsigned)name); u16(&cd, 0); u16(&cd, 0); u16(&cd, 0); u16(&cd, 0); u32(&cd, 0);
        u32(&cd, at);
        put(&cd, names[i], name);
    }
    {
        size_t cd_at = z.len - base;
        put(&z, cd.b, cd.len);
        u32(&z, 0x06054b50);
        u16(&z, 0); u16(&z, 0); u16(&z, (unsigned)n); u16(&z, (unsigned)n);
        u32(&z, cd.len); u32(&z, cd_at);
        u16(&z, (unsigned)strlen(comment));
        put(&z, comment, strlen(comment));
    }
    free(cd.b);
    return z;
}

static bytes text(const char *s)
{
    bytes b = { 0 };
    put(&b, s, strlen(s));
    return b;
}

static char *path(const char *name)
{
    static char buf[8][256];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

static void write_file(const char *p, const unsigned char *b, size_t n)
{
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
        perror(p);
        exit(2);
    }
}

static int whole(const unsigned char *b, size_t n)
{
    int fd, r;
    write_file(path("z"), b, n);
    fd = open(path("z"), O_RDONLY);
    r = jvm_zip_is_whole(fd, (off_t)n);
    close(fd);
    return r;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void test_whole(void)
{
    const char *names[] = { "META-INF/MANIFEST.MF", "BOOT-INF/classes/application.properties" };
    bytes data[] = { text("Manifest-Version: 1.0\r\n"), text("server.port=0\n") };
    bytes z = zip("", 2, names, data, ""), empty = zip("", 0, NULL, NULL, "");
    int cuts_whole = 0;

    CHECK(whole(z.b, z.len) == 1);
    CHECK(whole(empty.b, empty.len) == 1);
    /* a file cut anywhere is not whole */
    for (size_t n = 0; n < z.len; n++) {
        cuts_whole += whole(z.b, n);
    }
    CHECK(cuts_whole == 0);
    {
        bytes c = zip("", 2, names, data, "a comment, 27 bytes long!!"), c2 = zip("", 2, names, data, "PK\005\006 in a comment");
        CHECK(whole(c.b, c.len) == 1);
        CHECK(whole(c2.b, c2.len) == 1);
        CHECK(whole(c.b, c.len - 1) == 0);
        free(c.b);
        free(c2.b);
    }
    {
        /* an executable jar: Boot's launch script before the zip */
        bytes x = zip("#!/bin/bash\necho launch script\nexit 0\n", 2, names, data, "");
        bytes junk = zip("not a script, some bytes", 2, names, data, "");
        CHECK(whole(x.b, x.len) == 1);
        CHECK(whole(junk.b, junk.len) == 0);
        free(x.b);
        free(junk.b);
    }
    {
        /* a Boot jar cut right at the end of a jar nested in it (stored whole): the inner end
         * record is at the end of the file, but points at the inner jar's offsets */
        const char *outer_names[] = { "META-INF/MANIFEST.MF", "BOOT-INF/lib/inner.jar", "BOOT-INF/lib/after.jar" };
        bytes inner = zip("", 2, names, data, "");
        bytes outer_data[] = { text("Manifest-Version: 1.0\r\n"), inner, text("more") };
        bytes outer = zip("", 3, outer_names, outer_data, "");
        size_t inner_end = 0;
        for (size_t i = 0; i + inner.len <= outer.len; i++) {
            if (!memcmp(outer.b + i, inner.b, inner.len)) {
                inner_end = i + inner.len;
            }
        }
        CHECK(inner_end > 0 && inner_end < outer.len);
        CHECK(whole(outer.b, outer.len) == 1);
        CHECK(whole(outer.b, inner_end) == 0);
        free(outer.b);
        free(inner.b);
        free(outer_data[0].b);
        free(outer_data[2].b);
    }
    free(z.b);
    free(empty.b);
    free(data[0].b);
    free(data[1].b);
}

static void test_copy(void)
{
    const char *names[] = { "a.txt" };
    bytes data[] = { text("the first version") };
    bytes z = zip("", 1, names, data, "");
    char why[512];
    struct stat src, dst;
    struct timespec past[2] = { { 1000000000, 0 }, { 1500000000, 123456789 } };
    unsigned char back[4096];
    int fd;
    ssize_t n;

    write_file(path("app.jar"), z.b, z.len);
    CHECK(utimensat(AT_FDCWD, path("app.jar"), past, 0) == 0);
    CHECK(jvm_jar_copy(path("app.jar"), path("boot.1.jar"), why, sizeof why) == JVM_JAR_COPIED);
    CHECK(stat(path("app.jar"), &src) == 0 && stat(path("boot.1.jar"), &dst) == 0);
    CHECK((dst.st_mode & 07777) == 0600);
    CHECK(dst.st_size == src.st_size);
    CHECK(dst.st_mtim.tv_sec == 1500000000 && dst.st_mtim.tv_nsec == 123456789);
    fd = open(path("boot.1.jar"), O_RDONLY);
    n = read(fd, back, sizeof back);
    close(fd);
    CHECK(n == (ssize_t)z.len && !memcmp(back, z.b, z.len));

    /* replaced if there (a pid used again) */
    CHECK(jvm_jar_copy(path("app.jar"), path("boot.1.jar"), why, sizeof why) == JVM_JAR_COPIED);

    /* half written: no copy, and no file left */
    write_file(path("half.jar"), z.b, z.len / 2);
    CHECK(jvm_jar_copy(path("half.jar"), path("boot.2.jar"), why, sizeof why) == JVM_JAR_INCOMPLETE);
    CHECK(strstr(why, "not a whole zip file") != NULL);
    CHECK(!exists(path("boot.2.jar")));

    CHECK(jvm_jar_copy(path("missing.jar"), path("boot.3.jar"), why, sizeof why) == JVM_JAR_NO_SOURCE);
    CHECK(strstr(why, "cannot be read: No such file") != NULL);
    CHECK(jvm_jar_copy(dir, path("boot.3.jar"), why, sizeof why) == JVM_JAR_NO_SOURCE);
    CHECK(!exists(path("boot.3.jar")));
    CHECK(jvm_jar_copy(path("app.jar"), path("no/such/dir/boot.4.jar"), why, sizeof why) == JVM_JAR_NO_COPY);
    CHECK(strstr(why, "cannot be copied to ") != NULL);
    /* a link planted where the copy goes is not followed */
    CHECK(symlink(path("app.jar"), path("boot.5.jar")) == 0);
    CHECK(jvm_jar_copy(path("app.jar"), path("boot.5.jar"), why, sizeof why) == JVM_JAR_NO_COPY);
    unlink(path("boot.5.jar"));
    free(z.b);
    free(data[0].b);
}

static int count_files(const char *prefix)
{
    char cmd[256];
    FILE *f;
    int n = -1;
    snprintf(cmd, sizeof cmd, "ls %s/cache | grep -c '^%s' || true", dir, prefix);
    f = popen(cmd, "r");
    if (f) {
        if (fscanf(f, "%d", &n) != 1) {
            n = -1;
        }
        pclose(f);
    }
    return n;
}

static void test_hold_and_sweep(void)
{
    const char *names[] = { "a.txt" };
    bytes v1[] = { text("version one") }, v2[] = { text("version two, longer") };
    bytes z1 = zip("", 1, names, v1, ""), z2 = zip("", 1, names, v2, "");
    char copy_a[512], copy_b[512], copy_c[512], why[512], gone[64];
    int a, b, c;
    pid_t dead;
    CHECK(mkdir(path("cache"), 0700) == 0);
    write_file(path("shop.jar"), z1.b, z1.len);

    /* two processes of the version share one copy, held by both */
    CHECK(jvm_jar_hold(path("shop.jar"), path("cache"), copy_a, sizeof copy_a, &a, why, sizeof why) == JVM_JAR_COPIED);
    CHECK(jvm_jar_hold(path("shop.jar"), path("cache"), copy_b, sizeof copy_b, &b, why, sizeof why) == JVM_JAR_COPIED);
    CHECK(a >= 0 && b >= 0 && !strcmp(copy_a, copy_b));
    CHECK(strstr(copy_a, "/cache/boot.") != NULL);
    CHECK((fcntl(a, F_GETFD) & FD_CLOEXEC) == 0); /* the exec'd JVM keeps holding it */
    CHECK(count_files("boot.") == 1);
    CHECK(jvm_jar_sweep(path("cache")) == 0);
    CHECK(exists(copy_a));

    /* written into: another version, another copy */
    write_file(path("shop.jar"), z2.b, z2.len);
    CHECK(jvm_jar_hold(path("shop.jar"), path("cache"), copy_c, sizeof copy_c, &c, why, sizeof why) == JVM_JAR_COPIED);
    CHECK(strcmp(copy_a, copy_c) != 0);
    CHECK(count_files("boot.") == 2);

    /* one holder of the old version gone: kept; both gone: removed; the new one stays */
    close(a);
    CHECK(jvm_jar_sweep(path("cache")) == 0);
    close(b);
    CHECK(jvm_jar_sweep(path("cache")) == 1);
    CHECK(!exists(copy_a) && exists(copy_c));

    /* half written: nothing held, nothing left */
    write_file(path("shop.jar"), z2.b, z2.len / 2);
    CHECK(jvm_jar_hold(path("shop.jar"), path("cache"), copy_b, sizeof copy_b, &b, why, sizeof why) == JVM_JAR_INCOMPLETE);
    CHECK(b == -1 && count_files("boot.") == 1);
    CHECK(jvm_jar_hold(path("none.jar"), path("cache"), copy_b, sizeof copy_b, &b, why, sizeof why) == JVM_JAR_NO_SOURCE);
    CHECK(jvm_jar_hold(path("app.jar"), path("no-cache"), copy_b, sizeof copy_b, &b, why, sizeof why) == JVM_JAR_NO_COPY);
    CHECK(b == -1 && strstr(why, "cannot be copied to ") != NULL);
    /* a directory others can write, or a planted copy others can write: not used */
    CHECK(chmod(path("cache"), 0770) == 0);
    CHECK(jvm_jar_hold(path("shop.jar"), path("cache"), copy_b, sizeof copy_b, &b, why, sizeof why) == JVM_JAR_NO_COPY);
    CHECK(b == -1 && strstr(why, "only it can write") != NULL);
    CHECK(chmod(path("cache"), 0700) == 0);
    CHECK(chmod(copy_c, 0666) == 0);
    write_file(path("shop.jar"), z2.b, z2.len);
    CHECK(utimensat(AT_FDCWD, path("shop.jar"), NULL, 0) == 0);
    {
        /* (shop.jar is z2 again, with another time: its own version; make the copy for it planted) */
        char planted[512];
        int p;
        CHECK(jvm_jar_hold(path("shop.jar"), path("cache"), planted, sizeof planted, &p, why, sizeof why) == JVM_JAR_COPIED);
        close(p);
        CHECK(chmod(planted, 0666) == 0);
        CHECK(jvm_jar_hold(path("shop.jar"), path("cache"), copy_b, sizeof copy_b, &b, why, sizeof why) == JVM_JAR_NO_COPY);
        CHECK(b == -1 && strstr(why, "not this user's own") != NULL);
        CHECK(unlink(planted) == 0);
    }
    CHECK(chmod(copy_c, 0600) == 0);

    /* the temporary file of a maker that died is removed; a live maker's is not */
    dead = fork();
    if (dead == 0) {
        _exit(0);
    }
    waitpid(dead, NULL, 0);
    snprintf(gone, sizeof gone, "cache/boot.tmp.%ld.jar", (long)dead);
    write_file(path(gone), (const unsigned char *)"x", 1);
    snprintf(why, sizeof why, "cache/boot.tmp.%ld.jar", (long)getpid());
    write_file(path(why), (const unsigned char *)"x", 1);
    write_file(path("cache/other.jar"), (const unsigned char *)"x", 1);
    CHECK(jvm_jar_sweep(path("cache")) == 1);
    CHECK(!exists(path(gone)) && exists(path(why)) && exists(path("cache/other.jar")) && exists(copy_c));
    close(c);
    CHECK(jvm_jar_sweep(path("cache")) == 1);
    CHECK(!exists(copy_c));
    CHECK(jvm_jar_sweep("/nonexistent/dir") == 0);
    free(z1.b);
    free(z2.b);
    free(v1[0].b);
    free(v2[0].b);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_jvm_jar_copy.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    test_whole();
    test_copy();
    test_hold_and_sweep();
    {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0) {
            fprintf(stderr, "could not remove %s\n", dir);
        }
    }
    printf("test_jvm_jar_copy: %d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
