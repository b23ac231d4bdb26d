/* Unit test of the JvmDaemonProcess option table (mod_jvm_daemon_options.c): every option is
 * documented in the options table of "### JvmDaemonProcess" in docs/directives.md (argv[1]), every
 * option documented there is in the table, no name is there twice, and every number default is
 * in its range or "unset". */
#include "mod_jvm_daemon_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, passes;

#define CHECK(cond, ...) do { if (cond) { passes++; } else { failures++; \
    fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

#define MAX_DOCUMENTED 64

static char documented[MAX_DOCUMENTED][64];
static int documented_count;

/* The option names ("name" of `name=…` or `"name=…"`) in the first cell of a table row. */
static void collect(const char *row)
{
    const char *end = strchr(row + 1, '|');
    for (const char *eq = row; end && (eq = memchr(eq, '=', (size_t)(end - eq))); eq++) {
        const char *start = eq;
        while (start > row && ((start[-1] >= 'a' && start[-1] <= 'z') || start[-1] == '-')) {
            start--;
        }
        if (start < eq && (start[-1] == '`' || start[-1] == '"') && (size_t)(eq - start) < sizeof documented[0]
            && documented_count < MAX_DOCUMENTED) {
            memcpy(documented[documented_count], start, (size_t)(eq - start));
            documented[documented_count++][eq - start] = '\0';
        }
    }
}

int main(int argc, char **argv)
{
    char line[4096];
    int in_section = 0;
    FILE *f;
    if (argc != 2 || !(f = fopen(argv[1], "r"))) {
        fprintf(stderr, "usage: test_daemon_options docs/directives.md\n");
        return 2;
    }
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "### ", 4) || !strncmp(line, "## ", 3)) {
            in_section = !strcmp(line, "### JvmDaemonProcess\n");
        } else if (in_section && line[0] == '|') {
            collect(line);
        }
    }
    fclose(f);
    CHECK(documented_count > 0, "no option found in the JvmDaemonProcess section of %s", argv[1]);

    for (int i = 0; i < jvm_daemon_option_count; i++) {
        const jvm_daemon_option *o = &jvm_daemon_options[i];
        int found = 0;
        for (int k = 0; k < documented_count; k++) {
            found |= !strcmp(documented[k], o->name);
        }
        CHECK(found, "option %s= is not in the options table of JvmDaemonProcess in %s", o->name, argv[1]);
        for (int k = 0; k < i; k++) {
            CHECK(strcmp(jvm_daemon_options[k].name, o->name), "option %s= is in the table twice", o->name);
        }
        if (o->kind == JVM_DOPT_COUNT || o->kind == JVM_DOPT_OCTAL || o->kind == JVM_DOPT_SECONDS) {
            CHECK(o->min <= o->max, "option %s=: min %lld > max %lld", o->name, o->min, o->max);
            CHECK(o->dflt == JVM_DOPT_UNSET || (o->dflt >= o->min && o->dflt <= o->max),
                  "option %s=: default %lld out of %lld..%lld", o->name, o->dflt, o->min, o->max);
        }
    }
    for (int k = 0; k < documented_count; k++) {
        int found = 0;
        for (int i = 0; i < jvm_daemon_option_count; i++) {
            found |= !strcmp(documented[k], jvm_daemon_options[i].name);
        }
        CHECK(found, "%s documents option %s=, which JvmDaemonProcess does not have", argv[1], documented[k]);
    }

    printf("test_daemon_options: %d passed, %d failed (%d options, %d documented)\n", passes, failures,
           jvm_daemon_option_count, documented_count);
    return failures ? 1 : 0;
}
