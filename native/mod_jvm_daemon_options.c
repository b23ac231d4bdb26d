/* mod_jvm_daemon_options: the JvmDaemonProcess option table (see mod_jvm_daemon_options.h).
 * The defaults and ranges are mod_wsgi's WSGIDaemonProcess options of the same names. */
#include "mod_jvm_daemon_options.h"
#include "mod_jvm_config.h"

/* The offset of field f, which must have the type of its option's kind (a compile error otherwise:
 * parsing writes through these offsets). */
#define OF_TYPE(f, type) _Generic(((jvm_daemon_group *)0)->f, type: offsetof(jvm_daemon_group, f))
#define INT(f) OF_TYPE(f, int)
#define TIME(f) OF_TYPE(f, apr_interval_time_t)
#define STRING(f) OF_TYPE(f, const char *)
#define ARRAY(f) OF_TYPE(f, apr_array_header_t *)
#define YEAR (86400LL * 365)

const jvm_daemon_option jvm_daemon_options[] = {
    { "processes",          JVM_DOPT_COUNT,        INT(processes),             1, 256,        1 },
    { "threads",            JVM_DOPT_COUNT,        INT(threads),               1, 10000,      15 },
    { "display-name",       JVM_DOPT_NAME,         STRING(display_name),       0, 0,          0 },
    { "user",               JVM_DOPT_USER,         STRING(user),               0, 0,          0 },
    { "group",              JVM_DOPT_GROUP,        STRING(group),              0, 0,          0 },
    { "home",               JVM_DOPT_DIRECTORY,    STRING(home),               0, 0,          0 },
    { "java-home",          JVM_DOPT_JAVA_HOME,    STRING(java_home),          0, 0,          0 },
    { "class-path",         JVM_DOPT_CLASS_PATH,   STRING(class_path),         0, 0,          0 },
    { "jvm-options",        JVM_DOPT_JVM_OPTIONS,  ARRAY(jvm_options),         0, 0,          0 },
    { "umask",              JVM_DOPT_OCTAL,        INT(umask),                 0, 0777,       JVM_DOPT_UNSET },
    { "maximum-requests",   JVM_DOPT_COUNT,        INT(maximum_requests),      0, 2000000000, 0 },
    { "restart-interval",   JVM_DOPT_SECONDS,      TIME(restart_interval),     0, YEAR,       0 },
    { "inactivity-timeout", JVM_DOPT_SECONDS,      TIME(inactivity_timeout),   0, YEAR,       0 },
    { "request-timeout",    JVM_DOPT_SECONDS,      TIME(request_timeout),      0, YEAR,       JVM_DOPT_UNSET },
    { "graceful-timeout",   JVM_DOPT_SECONDS,      TIME(graceful_timeout),     0, YEAR,       15 },
    { "shutdown-timeout",   JVM_DOPT_SECONDS,      TIME(shutdown_timeout),     0, YEAR,       5 },
    { "queue-timeout",      JVM_DOPT_SECONDS,      TIME(queue_timeout),        0, YEAR,       0 },
    { "connect-timeout",    JVM_DOPT_SECONDS,      TIME(connect_timeout),      0, YEAR,       15 },
    { "socket-timeout",     JVM_DOPT_SECONDS,      TIME(socket_timeout),       0, YEAR,       0 },
    { "listen-backlog",     JVM_DOPT_COUNT,        INT(listen_backlog),        1, 65535,      100 },
    { "startup-timeout",    JVM_DOPT_SECONDS,      TIME(startup_timeout),      0, YEAR,       0 },
    { "script-user",        JVM_DOPT_OWNER_UID,    INT(script_uid),            0, 0,          JVM_DOPT_UNSET },
    { "script-group",       JVM_DOPT_OWNER_GID,    INT(script_gid),            0, 0,          JVM_DOPT_UNSET },
};

const int jvm_daemon_option_count = (int)(sizeof jvm_daemon_options / sizeof jvm_daemon_options[0]);
