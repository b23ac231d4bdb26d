/* mod_jvm_daemon_options: the options of JvmDaemonProcess, one table (as mod_h2's h2_config.c
 * declares its settings) that drives their defaults, parsing, the duplicate check and the
 * configtest messages (mod_jvm_config.c), and the test that docs/directives.md lists each one
 * (native/tests/test_daemon_options.c). A new option is a row here and a field in
 * jvm_daemon_group; a new kind of value, a case in mod_jvm_config.c's parse_daemon_option. */
#ifndef MOD_JVM_DAEMON_OPTIONS_H
#define MOD_JVM_DAEMON_OPTIONS_H

#include <stddef.h>

/* What an option's value is, and the type of its field in jvm_daemon_group. */
typedef enum {
    JVM_DOPT_COUNT,       /* int: a decimal whole number from min to max */
    JVM_DOPT_OCTAL,       /* int: an octal number from min to max (umask=) */
    JVM_DOPT_SECONDS,     /* apr_interval_time_t: whole seconds from min to max */
    JVM_DOPT_NAME,        /* const char *: not empty; %{GROUP} is (jvm:<group>) (display-name=) */
    JVM_DOPT_USER,        /* const char *: a user name or #uid that exists and is not root (user=) */
    JVM_DOPT_GROUP,       /* const char *: a group name or #gid that exists and is not gid 0 (group=) */
    JVM_DOPT_OWNER_UID,   /* int: a user name or #uid that exists, kept as the uid (script-user=) */
    JVM_DOPT_OWNER_GID,   /* int: a group name or #gid that exists, kept as the gid (script-group=) */
    JVM_DOPT_DIRECTORY,   /* const char *: an existing directory, ServerRoot-relative (home=) */
    JVM_DOPT_JAVA_HOME,   /* const char *: a JDK or JRE home (java-home=) */
    JVM_DOPT_CLASS_PATH,  /* const char *: ':'-separated existing entries (class-path=) */
    JVM_DOPT_JVM_OPTIONS  /* apr_array_header_t * of const char *: JVM options (jvm-options=) */
} jvm_daemon_option_kind;

/* The numeric default that means "not given": the field's meaning then comes from elsewhere
 * (umask: Apache's; script-user/script-group: any owner; request-timeout: the server's Timeout). */
#define JVM_DOPT_UNSET (-1)

typedef struct jvm_daemon_option {
    const char *name;             /* as written before '=' */
    jvm_daemon_option_kind kind;
    size_t offset;                /* of its field in jvm_daemon_group */
    long long min, max;           /* COUNT, OCTAL, SECONDS: the range accepted */
    long long dflt;               /* COUNT, OCTAL, SECONDS, OWNER_*: the default (seconds for SECONDS),
                                     or JVM_DOPT_UNSET; the other kinds default to NULL */
} jvm_daemon_option;

/* Every option, in the order of docs/directives.md; jvm_daemon_option_count of them. The
 * options are allowed wherever JvmDaemonProcess is (server config and virtual hosts). */
extern const jvm_daemon_option jvm_daemon_options[];
extern const int jvm_daemon_option_count;

#endif
