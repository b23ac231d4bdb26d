/* Unit tests of jvm_trust.c: strict "#number" users and groups, and the private-directory rule
 * on real directories (a temporary tree under /tmp; the cases that need another owner run when
 * the test runs as root, as in CI). */
#include "jvm_trust.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures, passes;

#define CHECK(cond) do { if (cond) { passes++; } else { failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static char buf[JVM_ID_BUFSIZE];

static int user(const char *spec, uid_t *uid, const char **problem)
{
    struct passwd pw;
    int rc = jvm_trust_user(spec, &pw, buf, sizeof buf, problem);
    if (rc == JVM_ID_OK) {
        *uid = pw.pw_uid;
    }
    return rc;
}

static int group(const char *spec, gid_t *gid, const char **problem)
{
    struct group gr;
    int rc = jvm_trust_group(spec, &gr, buf, sizeof buf, problem);
    if (rc == JVM_ID_OK) {
        *gid = gr.gr_gid;
    }
    return rc;
}

/* jvm_trust_private_dir(path) == expected; when refused, why must contain `names`. */
static int private_dir(const char *path, int expected, const char *names)
{
    char why[1024] = "";
    int rc = jvm_trust_private_dir(path, why, sizeof why);
    if (rc != expected || (rc != 0 && names && !strstr(why, names))) {
        fprintf(stderr, "  %s: got %d, expected %d (why: %s; must name %s)\n", path, rc, expected, why,
                names ? names : "-");
        return 0;
    }
    return 1;
}

static void mkdir_mode(const char *path, mode_t mode)
{
    if (mkdir(path, 0700) != 0 || chmod(path, mode) != 0) {
        perror(path);
        exit(2);
    }
}

int main(void)
{
    unsigned long id;
    uid_t uid = 1;
    gid_t gid = 1;
    const char *problem = NULL;

    /* "#number": digits only, within 0 … 4294967294 */
    CHECK(jvm_trust_parse_id("0", &id) == 0 && id == 0);
    CHECK(jvm_trust_parse_id("33", &id) == 0 && id == 33);
    CHECK(jvm_trust_parse_id("4294967294", &id) == 0 && id == 4294967294UL);
    CHECK(jvm_trust_parse_id("4294967295", &id) != 0);
    CHECK(jvm_trust_parse_id("99999999999", &id) != 0);
    CHECK(jvm_trust_parse_id("999999999999999999999999999", &id) != 0);
    CHECK(jvm_trust_parse_id("", &id) != 0);
    CHECK(jvm_trust_parse_id("abc", &id) != 0);
    CHECK(jvm_trust_parse_id("-1", &id) != 0);
    CHECK(jvm_trust_parse_id("+1", &id) != 0);
    CHECK(jvm_trust_parse_id("33abc", &id) != 0);
    CHECK(jvm_trust_parse_id(" 33", &id) != 0);
    CHECK(jvm_trust_parse_id("0x21", &id) != 0);

    /* users: a malformed number is said to be malformed, never taken for root */
    CHECK(user("#abc", &uid, &problem) == JVM_ID_MALFORMED && strstr(problem, "malformed"));
    CHECK(user("#-1", &uid, &problem) == JVM_ID_MALFORMED);
    CHECK(user("#99999999999", &uid, &problem) == JVM_ID_MALFORMED);
    CHECK(user("#33abc", &uid, &problem) == JVM_ID_MALFORMED);
    CHECK(user("#", &uid, &problem) == JVM_ID_MALFORMED);
    CHECK(user("", &uid, &problem) == JVM_ID_MALFORMED);
    CHECK(user("root", &uid, &problem) == JVM_ID_OK && uid == 0);
    uid = 1;
    CHECK(user("#0", &uid, &problem) == JVM_ID_OK && uid == 0);
    CHECK(user("no-such-user-xyz", &uid, &problem) == JVM_ID_UNKNOWN && !strcmp(problem, "does not exist"));
    CHECK(user("#4294967000", &uid, &problem) == JVM_ID_UNKNOWN);
    /* groups likewise */
    CHECK(group("#abc", &gid, &problem) == JVM_ID_MALFORMED && strstr(problem, "malformed"));
    CHECK(group("#33abc", &gid, &problem) == JVM_ID_MALFORMED);
    CHECK(group("", &gid, &problem) == JVM_ID_MALFORMED);
    CHECK(group("root", &gid, &problem) == JVM_ID_OK && gid == 0);
    gid = 1;
    CHECK(group("#0", &gid, &problem) == JVM_ID_OK && gid == 0);
    CHECK(group("no-such-group-xyz", &gid, &problem) == JVM_ID_UNKNOWN);
    CHECK(jvm_trust_in_root_group("root", 0) == 1);
    if (getpwnam("nobody")) {
        CHECK(jvm_trust_in_root_group("nobody", 65534) == 0);
    }

    /* private directories */
    {
        char top[] = "/tmp/test_jvm_trust-XXXXXX";
        char p[512], q[512];
        if (!mkdtemp(top) || chmod(top, 0755) != 0) {
            perror("mkdtemp");
            return 2;
        }
        /* mkdtemp's directory is in /tmp: sticky and world-writable, which is fine */
        CHECK(private_dir(top, 0, NULL));
        /* a directory that does not exist yet is judged by where it will be made */
        snprintf(p, sizeof p, "%s/not/yet", top);
        CHECK(private_dir(p, 0, NULL));
        CHECK(private_dir("relative/path", -1, "absolute"));

        snprintf(p, sizeof p, "%s/open", top);
        mkdir_mode(p, 0777);
        CHECK(private_dir(p, -1, "mode 0777"));
        /* below a world-writable directory without the sticky bit: anyone can rename it away */
        snprintf(q, sizeof q, "%s/open/private", top);
        mkdir_mode(q, 0700);
        CHECK(private_dir(q, -1, p));
        /* to be made in a world-writable directory */
        snprintf(q, sizeof q, "%s/open/missing/sock", top);
        CHECK(private_dir(q, -1, "mode 0777"));

        snprintf(p, sizeof p, "%s/sticky", top);
        mkdir_mode(p, 01777);
        /* the directory itself may not be world-writable, sticky or not */
        CHECK(private_dir(p, -1, "mode 1777"));
        snprintf(q, sizeof q, "%s/sticky/mine", top);
        mkdir_mode(q, 0755);
        CHECK(private_dir(q, 0, NULL));

        /* a symbolic link through a writable directory: the link could be swapped */
        snprintf(p, sizeof p, "%s/open/link", top);
        snprintf(q, sizeof q, "%s/sticky/mine", top);
        CHECK(symlink(q, p) == 0);
        CHECK(private_dir(p, -1, "no sticky bit"));
        /* a symbolic link to a directory below a writable one, from a private place */
        snprintf(p, sizeof p, "%s/link2", top);
        snprintf(q, sizeof q, "%s/open/private", top);
        CHECK(symlink(q, p) == 0);
        CHECK(private_dir(p, -1, "no sticky bit"));

        snprintf(p, sizeof p, "%s/grp", top);
        mkdir_mode(p, 0775);
        if (getuid() == 0) {
            /* group-writable: fine for root's group, not for another */
            CHECK(chown(p, 0, 0) == 0);
            CHECK(private_dir(p, 0, NULL));
            CHECK(chown(p, 0, 65534) == 0);
            CHECK(private_dir(p, -1, "mode 0775"));

            /* an ancestor that belongs to someone else */
            snprintf(p, sizeof p, "%s/theirs", top);
            mkdir_mode(p, 0755);
            CHECK(chown(p, 65534, 65534) == 0);
            snprintf(q, sizeof q, "%s/theirs/sub", top);
            mkdir_mode(q, 0755);
            CHECK(private_dir(q, -1, p));
            /* … unless it is the directory's own owner */
            CHECK(chown(q, 65534, 65534) == 0);
            CHECK(private_dir(q, 0, NULL));

            /* in a sticky directory, a symbolic link of someone else on the way: they can point
             * it elsewhere at any time */
            snprintf(p, sizeof p, "%s/sticky/their-link", top);
            snprintf(q, sizeof q, "%s/sticky/mine", top);
            CHECK(symlink(q, p) == 0);
            CHECK(private_dir(p, 0, NULL));
            CHECK(lchown(p, 65534, 65534) == 0);
            CHECK(private_dir(p, -1, "their-link"));
        } else if (getgid() != 0) {
            CHECK(private_dir(p, -1, "mode 0775"));
        }
        {
            char cmd[600];
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
            if (system(cmd) != 0) {
                fprintf(stderr, "could not remove %s\n", top);
            }
        }
    }

    printf("test_jvm_trust: %d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
