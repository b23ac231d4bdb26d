/* mod_jvm_daemon: daemon mode. The Apache parent starts each JvmDaemonProcess group's Java
 * processes, supervises and restarts them (mod_jvm_daemon.c); Apache's children send them
 * requests over the group's UNIX socket (mod_jvm_daemon_client.c). */
#ifndef MOD_JVM_DAEMON_H
#define MOD_JVM_DAEMON_H

#include "httpd.h"
#include "mod_jvm_config.h"
#include "jvm_frame.h"
#include "jvm_settings.h"

/* What the parent prepared for a group in this configuration generation; read by the children
 * after fork. Kept here, by the group's index, not in the configuration (jvm_daemon_runtime_of). */
typedef struct jvm_daemon_runtime {
    const char *socket_path;        /* the group's listening socket (kept across generations) */
    struct jvm_group_socket *socket;/* the parent's record of it and its descriptor (process pool) */
    unsigned char secret[JVM_MSG_SECRET_LEN];  /* this generation's secret, sent in HELLO */
    unsigned char previous_secret[JVM_MSG_SECRET_LEN]; /* the previous generation's: its children */
    int has_previous_secret;        /* may still connect (parent only) */
    unsigned char next_secret[JVM_MSG_SECRET_LEN]; /* the next generation's (parent only) */
    const char **route_paths;       /* by route (a process's index): its own socket (sticky sessions) */
    int routes;                     /* how many (0: processes=1, the group's socket reaches the process) */
    struct jvm_daemon_proc *procs;  /* g->processes slots */
    const char *java;               /* <java-home>/bin/java */
    const char **argv;              /* the command line of a daemon process */
    const char **envp;              /* its environment */
    jvm_settings settings;          /* what it is told (the settings frame, docs/internals.md) */
    int settings_env;               /* the index of MOD_JVM_SETTINGS=<the frame in hex> in envp */
    uid_t uid;                      /* user the processes run as */
    gid_t gid;                      /* and group */
    const char *user;               /* user name (initgroups) */
    const char *home;               /* working directory */
    int error_log_fd;               /* where their stdout and stderr go */
    apr_pool_t *pool;               /* pconf of the generation */
    pid_t parent;                   /* the Apache parent */
    int generation;                 /* Apache's configuration generation it was started in */
    struct jvm_bell *bell;          /* the group's doorbell (rolling reload of a Boot jar), or NULL */
    const char *boot_jar;           /* the Spring Boot jar its processes run, or NULL */
    const char *group_cache_dir;    /* <JvmCacheDirectory>.<group>: compiled scripts, sessions, Boot jar copies */
    int class_path_arg;             /* the index of the class path in argv (the jar in it is the copy's) */
    const char *class_path_before;  /* the class path up to the jar */
    const char *class_path_after;   /* and after it */
} jvm_daemon_runtime;

/* The run-time state of group g, NULL before the parent prepared it (configtest, the first pass
 * of Apache's start-up) or when it could not. */
jvm_daemon_runtime *jvm_daemon_runtime_of(const jvm_daemon_group *g);

/* post_config (parent): creates each group's socket and starts its processes. Skipped in the
 * first pass of Apache's start-up (that configuration is thrown away). */
int jvm_daemon_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

/* monitor hook (parent): recreates a group's socket file that was removed. */
int jvm_daemon_monitor(apr_pool_t *p, server_rec *s);

/* What an Apache child can know of a group's processes before it connects (the parent, the
 * children and each daemon's log relay share it; docs/internals.md, "Readiness and backoff"):
 * a process is ready (or nothing is known), none is but they are starting, or none is and one
 * died before it was ready (a crash loop: the parent restarts them with a growing delay). */
enum { JVM_GROUP_READY, JVM_GROUP_STARTING, JVM_GROUP_FAILING };
int jvm_daemon_readiness(const jvm_daemon_group *g);

/* Whether a successor (rolling reload of a changed application) of one of group g's processes is
 * ready: it accepts on the group's socket beside the process it replaces. */
int jvm_daemon_successor_ready(const jvm_daemon_group *g);

/* Whether a request whose session names route r (the index of a process in group g: Tomcat's
 * jvmRoute, docs/internals.md "Sticky sessions") can go to that process's own socket now: its
 * process is ready and accepts there; it is being started (replaced: wait for it, it takes over
 * the sessions); or there is no such process to wait for (no route socket, a route the group does
 * not have, a process that dies before it is ready, one that cannot accept on its socket: any
 * process serves the request, with a new session). */
enum { JVM_ROUTE_READY, JVM_ROUTE_STARTING, JVM_ROUTE_NONE };
int jvm_daemon_route_state(const jvm_daemon_group *g, int route);

/* Runs a request in group g (Apache child). */
int jvm_daemon_handle(request_rec *r, jvm_daemon_group *g, const jvm_alias *alias);

#endif
