/* Unit tests of jvm_loader.c's release-file reading (JvmHome's version, read without a JVM). */
#include "jvm_loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures, passes;

#define CHECK(cond) do { if (cond) { passes++; } else { failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static char home[64];

/* Writes home/release with that content. */
static void release(const char *content)
{
    char path[128];
    FILE *f;
    snprintf(path, sizeof path, "%s/release", home);
    f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(content, f);
    fclose(f);
}

static int version(char *buf, size_t len)
{
    memset(buf, 'x', len);
    return jvm_loader_java_version(home, buf, len);
}

int main(void)
{
    char v[64], big[600], path[128];
    int major, minor, patch;
    strcpy(home, "/tmp/test_jvm_loader.XXXXXX");
    if (!mkdtemp(home)) {
        perror("mkdtemp");
        return 2;
    }

    /* no release file */
    CHECK(version(v, sizeof v) == -1);
    CHECK(jvm_loader_jdk_version(home, &major, &minor, &patch) == -1);
    CHECK(jvm_loader_java_version(NULL, v, sizeof v) == -1);

    /* Debian's OpenJDK 17 */
    release("IMPLEMENTOR=\"Debian\"\nJAVA_RUNTIME_VERSION=\"17.0.15+6-Debian-1deb12u1\"\n"
            "JAVA_VERSION=\"17.0.15\"\nJAVA_VERSION_DATE=\"2025-04-15\"\n");
    CHECK(version(v, sizeof v) == 0 && !strcmp(v, "17.0.15"));
    CHECK(jvm_loader_jdk_version(home, &major, &minor, &patch) == 0 && major == 17 && minor == 0 && patch == 15);

    /* a GA release, an early access, Java 8's form; last line without newline; CRLF */
    release("JAVA_VERSION=\"25\"");
    CHECK(version(v, sizeof v) == 0 && !strcmp(v, "25"));
    CHECK(jvm_loader_jdk_version(home, &major, &minor, &patch) == 0 && major == 25 && minor == 0 && patch == 0);
    release("JAVA_VERSION=\"21-ea\"\r\n");
    CHECK(version(v, sizeof v) == 0 && !strcmp(v, "21-ea"));
    release("JAVA_VERSION=\"1.8.0_392\"\n");
    CHECK(version(v, sizeof v) == 0 && !strcmp(v, "1.8.0_392"));
    release("JAVA_VERSION=17.0.2\n");
    CHECK(version(v, sizeof v) == 0 && !strcmp(v, "17.0.2"));

    /* a long MODULES line before it (read in pieces): a piece inside it that looks like the key
     * is not the key */
    memset(big, 'm', sizeof big);
    memcpy(big, "MODULES=\"", 9);
    memcpy(big + 255, "JAVA_VERSION=\"6.6.6\" ", 21);
    strcpy(big + sizeof big - 30, "\"\nJAVA_VERSION=\"11.0.22\"\n");
    release(big);
    CHECK(version(v, sizeof v) == 0 && !strcmp(v, "11.0.22"));

    /* values that must not reach a Server header */
    release("JAVA_VERSION=\"17.0.15 (evil) \\r\\nX-Injected: 1\"\n");
    CHECK(version(v, sizeof v) == -1);
    release("JAVA_VERSION=\"17/0\"\n");
    CHECK(version(v, sizeof v) == -1);
    release("JAVA_VERSION=\"\"\n");
    CHECK(version(v, sizeof v) == -1);
    release("JAVA_VERSION=\"17.0.15\n");
    CHECK(version(v, sizeof v) == -1); /* an unbalanced quote */
    release("IMPLEMENTOR=\"x\"\n");
    CHECK(version(v, sizeof v) == -1);
    CHECK(jvm_loader_jdk_version(home, &major, &minor, &patch) == -1);
    release(" JAVA_VERSION=\"17\"\n#JAVA_VERSION=\"17\"\n");
    CHECK(version(v, sizeof v) == -1);

    /* the buffer: a version that does not fit is refused, not cut */
    release("JAVA_VERSION=\"17.0.15\"\n");
    CHECK(version(v, 8) == 0 && !strcmp(v, "17.0.15"));
    CHECK(version(v, 7) == -1);
    CHECK(jvm_loader_java_version(home, v, 0) == -1);
    /* a JAVA_VERSION line longer than the line buffer */
    memset(big, '1', sizeof big);
    memcpy(big, "JAVA_VERSION=\"", 14);
    strcpy(big + sizeof big - 3, "\"\n");
    release(big);
    CHECK(version(v, sizeof v) == -1);

    /* a version that is not numeric still is a token, but no numbers */
    release("JAVA_VERSION=\"ea\"\n");
    CHECK(version(v, sizeof v) == 0 && !strcmp(v, "ea"));
    CHECK(jvm_loader_jdk_version(home, &major, &minor, &patch) == -1);

    snprintf(path, sizeof path, "%s/release", home);
    unlink(path);
    rmdir(home);
    printf("%d checks passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
