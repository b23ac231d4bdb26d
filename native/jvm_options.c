/* jvm_options: the default options of both modes' JVMs (see jvm_options.h). */
#include "jvm_options.h"
#include "jvm_loader.h"

#include <string.h>

#define EMBEDDED (1u << JVM_OPTIONS_EMBEDDED)
#define DAEMON (1u << JVM_OPTIONS_DAEMON)
#define BOTH (EMBEDDED | DAEMON)

/* "the user chose a collector (-XX:+Use…GC)"; compared by address (unlike a literal, one object) */
static const char UNLESS_GC[] = "-XX:+Use";

/* Given unless the user gave an option that starts with `unless` (UNLESS_GC: chose a collector,
 * -XX:+Use…GC). Embedded: a JVM living inside a web server process, so Apache keeps its signals
 * (-Xrs). Daemon: a small server of its own that exits (and is replaced) on OutOfMemoryError.
 * Both: no perf file or attach socket left in /tmp, a small heap that grows on demand. */
static const struct {
    const char *option;
    unsigned modes;
    const char *unless;
} defaults[] = {
    { "-Xrs", EMBEDDED, NULL },
    { "-XX:-UsePerfData", BOTH, NULL },
    { "-XX:+DisableAttachMechanism", BOTH, NULL },
    { "-XX:+ExitOnOutOfMemoryError", DAEMON, NULL },
    { "-Djava.awt.headless=true", BOTH, NULL },
    { "-Dfile.encoding=UTF-8", BOTH, NULL },
    /* a daemon's runtime makes its connections wait in poll(), not asleep in read()
     * (PollingWaits.java: two context switches fewer per request); the JDK has no public call */
    { "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", DAEMON, NULL },
    { "-Xms8m", BOTH, "-Xms" },
    { "-Xmx64m", BOTH, "-Xmx" },
    { "-XX:+UseSerialGC", BOTH, UNLESS_GC },
};

static int user_gave(const char *const *user, int user_count, const char *unless)
{
    for (int i = 0; i < user_count; i++) {
        size_t n = strlen(user[i]);
        if (!strncmp(user[i], unless, strlen(unless))
            && (unless != UNLESS_GC || (n >= 10 && !strcmp(user[i] + n - 2, "GC")))) {
            return 1;
        }
    }
    return 0;
}

int jvm_options_defaults(jvm_options_mode mode, const char *jvm_home, const char *const *user, int user_count,
                         const char **out)
{
    int n = 0;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        if ((defaults[i].modes & (1u << mode)) && !(defaults[i].unless
                                                    && user_gave(user, user_count, defaults[i].unless))) {
            out[n++] = defaults[i].option;
        }
    }
    /* the JIT's freed scratch memory otherwise stays resident, in Apache's malloc heap or the
     * daemon's (measured: 72 MB after load, 53 with trimming, for a hello-world daemon) */
    if (jvm_loader_can_trim_native_heap(jvm_home)) {
        out[n++] = "-XX:TrimNativeHeapInterval=2000";
    }
    return n;
}
