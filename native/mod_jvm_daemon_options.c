/* mod_jvm_daemon_options: the JvmDaemonProcess option table (see mod_jvm_daemon_options.h).
 * The defaults and ranges are mod_wsgi's WSGIDaemonProcess options of the same names. */
#include "mod_jvm_daemon_options.h"
#include "mod_jvm_config.h"

#define FIELD(f) offsetof(jvm_daemon_group, f)
#define YEAR (86400LL * 365)

const jvm_daemon_option jvm_daemon_options[] = {
    { "processes",          JVM_DOPT_COUNT,       FIELD(processes),          1, 256,          1 },
    { "threads",            JVM_DOPT_COUNT,       FIELD(threads),            1, 10000,        15 },
    { "display-name",       JVM_DOPT_NAME,        FIELD(display_name),       0, 0,            0 },
    { "user",               JVM_DOPT_USER,        FIELD(user),               0, 0,            0 },
    { "group",              JVM_DOPT_GROUP,       FIELD(group),              0, 0,            0 },
    { "home",               JVM_DOPT_DIRECTORY,   FIELD(home),               0, 0,            0 },
    { "java-home",          JVM_DOPT_JAVA_HOME,   FIELD(java_home),          0, 0,            0 },
    { "class-path",         JVM_DOPT_CLASS_PATH,  FIELD(class_path),         0, 0,            0 },
    { "jvm-options",        JVM_DOPT_JVM_OPTIONS, FIELD(jvm_options),        0, 0,            0 },
    { "umask",              JVM_DOPT_OCTAL,       FIELD(umask),              0, 0777,         JVM_DOPT_UNSET },
    { "maximum-requests",   JVM_DOPT_COUNT,       FIELD(maximum_requests),   0, 2000000000,   0 },
    { "restart-interval",   JVM_DOPT_SECONDS,     FIELD(restart_interval),   0, YEAR,         0 },
    { "inactivity-timeout", JVM_DOPT_SECONDS,     FIELD(inactivity_timeout), 0, YEAR,         0 },
    { "request-timeout",    JVM_DOPT_SECONDS,     FIELD(request_timeout),    0, YEAR,         JVM_DOPT_UNSET },
    { "graceful-timeout",   JVM_DOPT_SECONDS,     FIELD(graceful_timeout),   0, YEAR,         15 },
    { "shutdown-timeout",   JVM_DOPT_SECONDS,     FIELD(shutdown_timeout),   0, YEAR,         5 },
    { "queue-timeout",      JVM_DOPT_SECONDS,     FIELD(queue_timeout),      0, YEAR,         0 },
    { "connect-timeout",    JVM_DOPT_SECONDS,     FIELD(connect_timeout),    0, YEAR,         15 },
    { "socket-timeout",     JVM_DOPT_SECONDS,     FIELD(socket_timeout),     0, YEAR,         0 },
    { "listen-backlog",     JVM_DOPT_COUNT,       FIELD(listen_backlog),     1, 65535,        100 },
    { "startup-timeout",    JVM_DOPT_SECONDS,     FIELD(startup_timeout),    0, YEAR,         0 },
    { "script-user",        JVM_DOPT_OWNER_UID,   FIELD(script_uid),         0, 0,            JVM_DOPT_UNSET },
    { "script-group",       JVM_DOPT_OWNER_GID,   FIELD(script_gid),         0, 0,            JVM_DOPT_UNSET },
};

const int jvm_daemon_option_count = (int)(sizeof jvm_daemon_options / sizeof jvm_daemon_options[0]);
