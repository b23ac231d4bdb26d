/* Unit tests of jvm_options.c: the default options of each mode, and which the user's replace. */
#include "jvm_options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures, passes;

#define CHECK(cond) do { if (cond) { passes++; } else { failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

/* Whether the defaults computed are exactly the NULL-terminated list that follows. */
static int defaults_are(jvm_options_mode mode, const char *home, const char *const *user, int user_count, ...)
{
    const char *out[JVM_OPTIONS_MAX_DEFAULTS + 1];
    int n = jvm_options_defaults(mode, home, user, user_count, out), i = 0, same = 1;
    const char *want;
    va_list ap;
    va_start(ap, user_count);
    while ((want = va_arg(ap, const char *))) {
        if (i >= n || strcmp(out[i], want)) {
            fprintf(stderr, "option %d: got %s, want %s\n", i, i < n ? out[i] : "(none)", want);
            same = 0;
        }
        i++;
    }
    va_end(ap);
    if (i != n) {
        fprintf(stderr, "got %d options, want %d\n", n, i);
        same = 0;
    }
    return same;
}

/* Writes a JDK's release file. */
static void release(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(content, f);
    fclose(f);
}

int main(void)
{
    char home[64], path[128];
    const char *none[1] = { NULL };
    const char *sized[] = { "-Xmx256m", "-Dx=1", "-Xms16m" };
    const char *g1[] = { "-XX:+UseG1GC" };
    const char *not_gc[] = { "-XX:+UseCompressedOops", "-XX:+UseStringDeduplication" };

    strcpy(home, "/tmp/test_jvm_options.XXXXXX");
    if (!mkdtemp(home)) {
        perror("mkdtemp");
        return 2;
    }

    /* a JDK without -XX:TrimNativeHeapInterval (no release file: its version is unknown) */
    CHECK(defaults_are(JVM_OPTIONS_EMBEDDED, home, none, 0,
                       "-Xrs", "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-Djava.awt.headless=true",
                       "-Dfile.encoding=UTF-8", "-Xms8m", "-Xmx64m", "-XX:+UseSerialGC", NULL));
    CHECK(defaults_are(JVM_OPTIONS_DAEMON, home, none, 0,
                       "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-XX:+ExitOnOutOfMemoryError",
                       "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
                       "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-Xms8m", "-Xmx64m",
                       "-XX:+UseSerialGC", NULL));
    CHECK(defaults_are(JVM_OPTIONS_DAEMON, NULL, none, 0,
                       "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-XX:+ExitOnOutOfMemoryError",
                       "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
                       "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-Xms8m", "-Xmx64m",
                       "-XX:+UseSerialGC", NULL));

    /* the user's heap sizes and collector replace the defaults, nothing else does */
    CHECK(defaults_are(JVM_OPTIONS_EMBEDDED, home, sized, 3,
                       "-Xrs", "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-Djava.awt.headless=true",
                       "-Dfile.encoding=UTF-8", "-XX:+UseSerialGC", NULL));
    CHECK(defaults_are(JVM_OPTIONS_DAEMON, home, sized, 1,
                       "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-XX:+ExitOnOutOfMemoryError",
                       "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
                       "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-Xms8m", "-XX:+UseSerialGC", NULL));
    CHECK(defaults_are(JVM_OPTIONS_EMBEDDED, home, g1, 1,
                       "-Xrs", "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-Djava.awt.headless=true",
                       "-Dfile.encoding=UTF-8", "-Xms8m", "-Xmx64m", NULL));
    CHECK(defaults_are(JVM_OPTIONS_DAEMON, home, g1, 1,
                       "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-XX:+ExitOnOutOfMemoryError",
                       "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
                       "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-Xms8m", "-Xmx64m", NULL));
    /* -XX:+Use… that is not a collector keeps the serial collector */
    CHECK(defaults_are(JVM_OPTIONS_EMBEDDED, home, not_gc, 2,
                       "-Xrs", "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-Djava.awt.headless=true",
                       "-Dfile.encoding=UTF-8", "-Xms8m", "-Xmx64m", "-XX:+UseSerialGC", NULL));

    /* a JDK that can trim its native heap (17.0.9 and later) gets the trimming, in both modes;
     * an older one does not */
    snprintf(path, sizeof path, "%s/release", home);
    release(path, "JAVA_VERSION=\"17.0.15\"\n");
    CHECK(defaults_are(JVM_OPTIONS_EMBEDDED, home, g1, 1,
                       "-Xrs", "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-Djava.awt.headless=true",
                       "-Dfile.encoding=UTF-8", "-Xms8m", "-Xmx64m", "-XX:TrimNativeHeapInterval=2000", NULL));
    CHECK(defaults_are(JVM_OPTIONS_DAEMON, home, none, 0,
                       "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-XX:+ExitOnOutOfMemoryError",
                       "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
                       "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-Xms8m", "-Xmx64m",
                       "-XX:+UseSerialGC", "-XX:TrimNativeHeapInterval=2000", NULL));
    release(path, "JAVA_VERSION=\"17.0.8\"\n");
    CHECK(defaults_are(JVM_OPTIONS_EMBEDDED, home, g1, 1,
                       "-Xrs", "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-Djava.awt.headless=true",
                       "-Dfile.encoding=UTF-8", "-Xms8m", "-Xmx64m", NULL));
    unlink(path);
    rmdir(home);

    printf("test_jvm_options: %d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
