/* mod_jvm_daemon: starts and supervises the daemon processes of each JvmDaemonProcess group,
 * from the Apache parent. Each process is forked from the parent, drops to the group's user
 * (never root), and execs <java-home>/bin/java with the listening socket as its fd 0 and
 * Apache's error log as its stdout/stderr. The parent learns of a death through APR's
 * "other child" mechanism (the MPM reaps it) and starts a replacement at once (after a growing
 * delay when it died before it was ready: a crash loop); when the
 * configuration generation ends (restart, graceful, stop) the processes get SIGTERM and
 * drain their in-flight requests before exiting. */
#include "mod_jvm.h"
#include "mod_jvm_config.h"
#include "mod_jvm_lookup.h"
#include "mod_jvm_checks.h"
#include "mod_jvm_daemon.h"
#include "jvm_trust.h"
#include "jvm_jar_copy.h"

#include "http_core.h"
#include "ap_mpm.h"
#include "mpm_common.h"
#include "unixd.h"
#include "apr_strings.h"
#include "apr_thread_proc.h"
#include "apr_portable.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <pwd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <sys/un.h>
#include <unistd.h>

APLOG_USE_MODULE(jvm);

/* One process slot of a group. */
typedef struct jvm_daemon_proc {
    jvm_daemon_group *g;
    int slot;               /* 0 … processes-1 */
    apr_proc_t proc;        /* the running process (pid 0: none) */
    int unready_deaths;     /* its processes that died before they were ready, in a row */
    unsigned delay;         /* seconds the next process waits before it starts (backoff) */
    struct jvm_daemon_proc *successor; /* the slot's: its successor's record (NULL in a successor's) */
    struct jvm_daemon_proc *primary;   /* a successor's: the record of the slot it will take over */
} jvm_daemon_proc;

/* The backoff between starts of a slot whose processes die before they are ready (a crash loop):
 * 1, 2, 4 … s, at most this; it starts over once a process of the slot has been ready. */
#define BACKOFF_MAX_SEC 60

/* What is known of a group's processes, in a page of memory shared (MAP_SHARED, anonymous) by
 * the parent, the Apache children it forks and each daemon's log relay (docs/internals.md,
 * "Readiness and backoff"). One word per process slot: pid << SLOT_PID_SHIFT | SLOT_* bits, 0
 * when the slot has no process. A pid is at most 2^22 (PID_MAX_LIMIT), so it fits in 32 bits
 * with the flags. The page belongs to the group's socket (process pool, like the socket): the
 * children of every generation that connect to that socket read the state of the processes that
 * accept on it, also the old generation's children after a graceful restart. */
#define SLOTS 256               /* processes= is at most 256 (mod_jvm_daemon_options.c) */
#define SLOT_READY 1u           /* the process serves: it said so and its relay has not seen it end */
#define SLOT_WAS_READY 2u       /* it has been ready (the parent restarts it at once when it dies) */
#define SLOT_BACKOFF 4u         /* it follows a death before ready (the group is failing to start) */
#define SLOT_ROUTED 8u          /* ready, it also accepts on its own socket (its route: sticky sessions) */
#define SLOT_SUCCESSOR_WANTED 16u /* its application changed: it asks for a successor (rolling reload) */
#define SLOT_ROUTE_PENDING 32u  /* ready, it takes its route once its predecessor is gone (a successor) */
#define SLOT_SUCCESSOR_SEEN 64u /* the parent has seen SUCCESSOR_WANTED (the doorbell rings once for it) */
#define SLOT_PID_SHIFT 7

typedef struct jvm_group_shared {
    uint32_t slots;             /* slots in use (the current generation's processes); 0: unknown */
    uint32_t state[SLOTS];
    /* the successor being started for each slot (rolling reload, docs/internals.md "Successors"),
     * the same layout; it moves to state[] when it takes the slot over */
    uint32_t successor[SLOTS];
} jvm_group_shared;

/* The line a daemon's runtime writes to its stdout once it accepts connections (DaemonLog.java):
 * the relay takes it, it is not logged. The second says it accepts on its route socket too. */
#define READY_LINE "\002ready"
#define READY_ROUTED_LINE "\002ready routed"
/* A successor ready on the group's socket, which takes its route when its predecessor is gone; a
 * process whose application changed and wants a successor (DaemonLog.java). */
#define READY_PENDING_LINE "\002ready pending"
#define SUCCESSOR_LINE "\002successor"
/* A ready process that takes no connection for now (its Spring Boot application refuses traffic,
 * DaemonServer.followReadiness), until it says one of the READY lines again. */
#define UNREADY_LINE "\002unready"

/* How a successor learns which process it succeeds (in its environment, not in the settings frame
 * the group's processes share): the pid of the slot's process when it was forked. */
#define PREDECESSOR_ENV "MOD_JVM_PREDECESSOR="

/* The listening socket of one process slot of a group (its route, docs/internals.md "Sticky
 * sessions"): made, owned and kept like the group's socket, passed to the slot's process as fd 3
 * (ROUTE_FD), so the replacement of process k accepts what waits for process k. */
#define ROUTE_FD 3

typedef struct jvm_route_socket {
    int fd;                                 /* the listening descriptor the parent holds, -1: none */
    dev_t dev;                              /* the file as bound (one removed or replaced differs) */
    ino_t ino;
} jvm_route_socket;

/* A group's listening socket, kept across configuration generations (see "the groups'
 * sockets" below). */
typedef struct jvm_group_socket {
    const char *group;                      /* JvmDaemonProcess name */
    const char *prefix;                     /* the JvmSocketPrefix it was made under */
    const char *path;                       /* the socket file */
    int fd;                                 /* the listening descriptor the parent holds */
    dev_t dev;                              /* the socket file as bound: one removed, or */
    ino_t ino;                              /* replaced by another file, differs */
    int generation;                         /* the last configuration generation using it */
    unsigned char secret[JVM_MSG_SECRET_LEN];   /* that generation's secret */
    unsigned char next_secret[JVM_MSG_SECRET_LEN]; /* the next generation's, drawn in advance */
    jvm_group_shared *shared;               /* the state of the processes that accept on it */
    jvm_route_socket *routes;               /* SLOTS of them (processes=2+), NULL until needed */
} jvm_group_socket;

static server_rec *main_server;

/* Each group's run-time state, by g->index (allocated from pconf in post_config, forgotten when
 * pconf is cleared: the groups are read again then). The configuration holds none of it. */
static jvm_daemon_runtime **runtimes;
static int runtime_count;

jvm_daemon_runtime *jvm_daemon_runtime_of(const jvm_daemon_group *g)
{
    return g->index >= 0 && g->index < runtime_count ? runtimes[g->index] : NULL;
}

static apr_status_t forget_runtimes(void *data)
{
    (void)data;
    runtimes = NULL;
    runtime_count = 0;
    return APR_SUCCESS;
}

/* ---- readiness (the shared page) --------------------------------------------------------- */

static uint32_t *slot_word(const jvm_daemon_proc *dp)
{
    const jvm_daemon_runtime *rt = jvm_daemon_runtime_of(dp->g);
    jvm_group_shared *sh = rt && rt->socket ? rt->socket->shared : NULL;
    return sh && dp->slot < SLOTS ? dp->primary ? &sh->successor[dp->slot] : &sh->state[dp->slot] : NULL;
}

/* The other word of the slot (the successor's for the slot's process and the other way round): a
 * relay marks whichever holds its process's pid, which changes when a successor takes over. */
static uint32_t *partner_word(const jvm_daemon_proc *dp)
{
    const jvm_daemon_runtime *rt = jvm_daemon_runtime_of(dp->g);
    jvm_group_shared *sh = rt && rt->socket ? rt->socket->shared : NULL;
    return sh && dp->slot < SLOTS ? dp->primary ? &sh->state[dp->slot] : &sh->successor[dp->slot] : NULL;
}

/* A process was started in the slot: by the parent after the fork and by the process itself,
 * whichever comes first (its relay must find its pid there). */
static void slot_started(uint32_t *w, pid_t pid, int backoff)
{
    uint32_t expected = 0;
    if (w) {
        __atomic_compare_exchange_n(w, &expected, (uint32_t)pid << SLOT_PID_SHIFT | (backoff ? SLOT_BACKOFF : 0), 0,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    }
}

/* What the relay of a process says of it: it has ended (its output closed); it is ready (on the
 * group's socket only; on its route socket too; on the group's, its route to follow: a successor);
 * it wants a successor (its application changed); it takes no connection for now (not ready, but
 * WAS_READY stays: it is not starting, and its death is no crash loop). */
enum { MARK_ENDED, MARK_READY, MARK_ROUTED, MARK_PENDING, MARK_SUCCESSOR, MARK_UNREADY };

/* From the relay of process pid. Nothing if the word holds another process (by now). */
static void slot_mark(uint32_t *w, pid_t pid, int what)
{
    uint32_t cur, next;
    if (!w) {
        return;
    }
    cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);
    do {
        if (cur >> SLOT_PID_SHIFT != (uint32_t)pid) {
            return;
        }
        switch (what) {
        case MARK_ENDED:
        case MARK_UNREADY:
            next = cur & ~(SLOT_READY | SLOT_ROUTED | SLOT_ROUTE_PENDING);
            break;
        case MARK_SUCCESSOR:
            next = cur | SLOT_SUCCESSOR_WANTED;
            break;
        default:
            next = (cur & ~(SLOT_BACKOFF | SLOT_ROUTED | SLOT_ROUTE_PENDING)) | SLOT_READY | SLOT_WAS_READY
                   | (what == MARK_ROUTED ? SLOT_ROUTED : what == MARK_PENDING ? SLOT_ROUTE_PENDING : 0);
            break;
        }
    } while (!__atomic_compare_exchange_n(w, &cur, next, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
}

/* The parent, at the death of pid: empties the slot; returns whether the process had been ready
 * (without a shared page: yes, so it is restarted at once as it always was). */
static int slot_ended(uint32_t *w, pid_t pid)
{
    uint32_t st;
    if (!w) {
        return 1;
    }
    st = __atomic_exchange_n(w, 0, __ATOMIC_ACQ_REL);
    return st >> SLOT_PID_SHIFT == (uint32_t)pid && (st & SLOT_WAS_READY);
}

int jvm_daemon_readiness(const jvm_daemon_group *g)
{
    const jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    const jvm_group_shared *sh = rt && rt->socket ? rt->socket->shared : NULL;
    uint32_t n = sh ? __atomic_load_n(&sh->slots, __ATOMIC_ACQUIRE) : 0;
    int failing = 0;
    if (n == 0) {
        return JVM_GROUP_READY; /* nothing known (the group is gone): connect as always */
    }
    for (uint32_t k = 0; k < n && k < SLOTS; k++) {
        uint32_t st = __atomic_load_n(&sh->state[k], __ATOMIC_ACQUIRE);
        if ((st & SLOT_READY) || (__atomic_load_n(&sh->successor[k], __ATOMIC_ACQUIRE) & SLOT_READY)) {
            return JVM_GROUP_READY; /* (a ready successor accepts on the group's socket too) */
        }
        failing |= (st & SLOT_BACKOFF) != 0;
    }
    return failing ? JVM_GROUP_FAILING : JVM_GROUP_STARTING;
}

int jvm_daemon_successor_ready(const jvm_daemon_group *g)
{
    const jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    const jvm_group_shared *sh = rt && rt->socket ? rt->socket->shared : NULL;
    uint32_t n = sh ? __atomic_load_n(&sh->slots, __ATOMIC_ACQUIRE) : 0;
    for (uint32_t k = 0; k < n && k < SLOTS; k++) {
        if (__atomic_load_n(&sh->successor[k], __ATOMIC_ACQUIRE) & SLOT_READY) {
            return 1;
        }
    }
    return 0;
}

int jvm_daemon_route_state(const jvm_daemon_group *g, int route)
{
    const jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    const jvm_group_shared *sh = rt && rt->socket ? rt->socket->shared : NULL;
    uint32_t n = sh ? __atomic_load_n(&sh->slots, __ATOMIC_ACQUIRE) : 0, st;
    if (route < 0 || (uint32_t)route >= n || route >= rt->routes || route >= SLOTS) {
        return JVM_ROUTE_NONE; /* (n: the processes of the generation that accepts on the sockets now) */
    }
    st = __atomic_load_n(&sh->state[route], __ATOMIC_ACQUIRE);
    if (st & SLOT_READY) {
        /* a ready process that does not accept on its route socket (its JDK would not let it,
         * JVM01423) leaves its sessions to whichever process the group's socket finds; a successor
         * that took the slot over accepts there as soon as its predecessor is gone: wait for it */
        return st & SLOT_ROUTED ? JVM_ROUTE_READY : st & SLOT_ROUTE_PENDING ? JVM_ROUTE_STARTING : JVM_ROUTE_NONE;
    }
    /* one that dies before it is ready (backoff) is not waited for; one being started (a
     * replacement, a new generation's) is: it takes over the sessions of its route */
    return st & SLOT_BACKOFF ? JVM_ROUTE_NONE : JVM_ROUTE_STARTING;
}

/* Seconds before the next start of a slot whose last n processes died before they were ready. */
static unsigned backoff_delay(int n)
{
    return n <= 0 ? 0 : n > 6 ? BACKOFF_MAX_SEC : (1u << (n - 1)) < BACKOFF_MAX_SEC ? 1u << (n - 1) : BACKOFF_MAX_SEC;
}

/* ---- the forked process ---------------------------------------------------------------- */

static const char *settings_env(apr_pool_t *p, const jvm_settings *settings);

static void close_from(int lowest)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowest, ~0u, 0) == 0) {
        return;
    }
#endif
    for (long fd = lowest, max = sysconf(_SC_OPEN_MAX); fd < max; fd++) {
        close((int)fd);
    }
}

/* The log relay: a small process (forked, never exec'd) that turns every line the daemon's
 * JVM writes to stdout/stderr into an error-log line in Apache's format, marked with the
 * group. Lines from the runtime arrive as "\001<level digit>text"; anything else (the JVM's
 * own messages, e.g. on OutOfMemoryError) is logged at "warn". */
static void relay_line(int out, const char *group, pid_t pid, char *line, size_t len)
{
    static const char *const levels[] = { "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug" };
    char stamp[64], buf[9000];
    struct timeval tv;
    struct tm tm;
    int level = 4, n, numbered = 0;
    if (len >= 2 && line[0] == '\001' && line[1] >= '0' && line[1] <= '7') {
        numbered = 1; /* the runtime's lines carry their own number */
        level = line[1] - '0';
        line += 2;
        len -= 2;
    }
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%a %b %d %H:%M:%S", &tm);
    n = snprintf(buf, sizeof buf, "[%s.%06ld %d] [jvm:%s] [pid %ld] (jvm:%s) %s%.*s\n", stamp, (long)tv.tv_usec,
                 tm.tm_year + 1900, levels[level], (long)pid, group, numbered ? "" : JVM00058 "JVM: ",
                 (int)(len < 8000 ? len : 8000), line);
    if (n > 0 && write(out, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1) < 0) {
        _exit(0);
    }
}

static void relay_loop(int in, int out, const char *group, pid_t pid, uint32_t *slot, uint32_t *partner)
{
    char buf[8192];
    size_t used = 0;
    for (;;) {
        ssize_t got = read(in, buf + used, sizeof buf - used);
        char *start = buf, *nl;
        if (got <= 0) {
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (used > 0) {
                relay_line(out, group, pid, buf, used);
            }
            slot_mark(slot, pid, MARK_ENDED); /* the JVM is gone: it takes no connection any more */
            slot_mark(partner, pid, MARK_ENDED);
            return;
        }
        used += (size_t)got;
        while ((nl = memchr(start, '\n', used - (size_t)(start - buf)))) {
            size_t n = (size_t)(nl - start);
            int what = !slot ? -1
                       : n == sizeof READY_LINE - 1 && !memcmp(start, READY_LINE, n) ? MARK_READY
                       : n == sizeof READY_ROUTED_LINE - 1 && !memcmp(start, READY_ROUTED_LINE, n) ? MARK_ROUTED
                       : n == sizeof READY_PENDING_LINE - 1 && !memcmp(start, READY_PENDING_LINE, n) ? MARK_PENDING
                       : n == sizeof SUCCESSOR_LINE - 1 && !memcmp(start, SUCCESSOR_LINE, n) ? MARK_SUCCESSOR
                       : n == sizeof UNREADY_LINE - 1 && !memcmp(start, UNREADY_LINE, n) ? MARK_UNREADY : -1;
            if (what >= 0) {
                /* (the process's pid is in one of the two words of its slot: its own, or the slot's
                 * once it took it over as a successor) */
                slot_mark(slot, pid, what);
                slot_mark(partner, pid, what);
            } else {
                relay_line(out, group, pid, start, n);
            }
            start = nl + 1;
        }
        used -= (size_t)(start - buf);
        memmove(buf, start, used);
        if (used == sizeof buf) {
            relay_line(out, group, pid, buf, used); /* a line longer than the buffer */
            used = 0;
        }
    }
}

/* How long a process waits for a Spring Boot jar being written (cp, scp into the file) to be
 * whole before it gives up (JVM00139; the backoff then spaces the next tries), and how long a jar
 * must be left alone to count as written when it is not a whole zip (then it runs in place, and
 * Boot's start says what is wrong with it; a copy over a network can pause for a second or two). */
#define JAR_WRITE_WAIT_MS 10000
#define JAR_SETTLED_SEC 5

/* In the forked child, as the group's user, before exec: the Spring Boot jar goes on the class path
 * as the group's private copy of its current version, in the group's cache directory
 * (docs/internals.md, "A private copy of the jar"), held by the process as long as it lives, so
 * that a jar replaced in any way, also written into, never changes the classes a running process
 * reads. Lines go to the log relay (numbered: "\001<level>"). */
static void run_private_copy(jvm_daemon_proc *dp)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(dp->g);
    char copy[PATH_MAX], why[PATH_MAX + 256];
    int rc, held, waited = 0;
    while ((rc = jvm_jar_hold(rt->boot_jar, rt->group_cache_dir, copy, sizeof copy, &held, why, sizeof why))
           == JVM_JAR_INCOMPLETE) {
        struct stat st;
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        if (stat(rt->boot_jar, &st) == 0
            && (now.tv_sec - st.st_mtim.tv_sec) * 1000 + (now.tv_nsec - st.st_mtim.tv_nsec) / 1000000
               >= JAR_SETTLED_SEC * 1000) {
            break; /* not being written: not a whole zip either */
        }
        if (waited >= JAR_WRITE_WAIT_MS) {
            dprintf(1, "\0013" JVM00139 "daemon process of group %s: the Spring Boot jar %s is still being written after "
                    "%d s (it %s): the process exits before it starts, and the group restarts it with a growing delay "
                    "(JVM00080)\n", dp->g->name, rt->boot_jar, JAR_WRITE_WAIT_MS / 1000, why);
            _exit(126);
        }
        usleep(100 * 1000);
        waited += 100;
    }
    /* the copies of versions no process runs any more (ours is held now) */
    jvm_jar_sweep(rt->group_cache_dir);
    if (rc == JVM_JAR_COPIED) {
        rt->argv[rt->class_path_arg] = apr_pstrcat(rt->pool, rt->class_path_before, copy, rt->class_path_after, NULL);
    } else if (rc != JVM_JAR_NO_SOURCE) {
        /* (a jar that cannot be read: Boot's start says so, JVM01461) */
        dprintf(1, "\0014" JVM00140 "daemon process of group %s runs the Spring Boot jar %s in place, not from a private "
                "copy: it %s; replace the jar by renaming a new file over it (mv), never by writing into it (cp, scp)\n",
                dp->g->name, rt->boot_jar, why);
    }
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* Linux 5.3; glibc has no wrapper before 2.36, and the module builds against older ones */
#endif

/* In the log relay, once the JVM's output has ended: waits (10 s at most) until the JVM is gone
 * with all its descriptors, the lock on its copy of the jar among them, so that the sweep after it
 * finds the copy free. The end of the output is too early (an exiting process closes stdout before
 * the lock), and the relay's parent changing can be too: the children of an exiting multi-threaded
 * process go to a new parent as soon as its forking thread finds no thread of the process that is
 * not exiting, maybe before the last of them has closed the descriptors (CI once saw the old
 * version's copy outlive its process). A pidfd becomes readable only when the whole thread group
 * is gone; without one (a kernel before 5.3), the parent changing has to do. */
static void await_jvm_gone(int jvm_fd, pid_t jvm_pid)
{
    if (jvm_fd >= 0) {
        struct pollfd gone = { .fd = jvm_fd, .events = POLLIN };
        int rc;
        do {
            rc = poll(&gone, 1, 10 * 1000);
        } while (rc < 0 && errno == EINTR);
        close(jvm_fd);
        if (rc >= 0) {
            return;
        }
    }
    for (int i = 0; i < 1000 && getppid() == jvm_pid; i++) {
        usleep(10 * 1000);
    }
}

/* In the forked child: becomes the daemon process. Never returns. */
static void exec_daemon(jvm_daemon_proc *dp)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(dp->g);
    uint32_t *slot = slot_word(dp), *partner = partner_word(dp);
    const jvm_route_socket *route = rt->socket->routes && dp->slot < rt->routes ? &rt->socket->routes[dp->slot] : NULL;
    sigset_t all;
    int devnull;

    /* signals as a fresh program expects them (Apache ignores and blocks some) */
    for (int sig = 1; sig < NSIG; sig++) {
        signal(sig, SIG_DFL);
    }
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    slot_started(slot, getpid(), dp->unready_deaths > 0);

    devnull = open("/dev/null", O_RDWR);
    if (dup2(rt->socket->fd, 0) < 0
        || dup2(rt->error_log_fd >= 0 ? rt->error_log_fd : devnull, 1) < 0
        || dup2(rt->error_log_fd >= 0 ? rt->error_log_fd : devnull, 2) < 0) {
        _exit(126);
    }
    if (route && route->fd >= 0) {
        /* its route socket as fd 3 (dup2 clears close-on-exec; onto itself it does not) */
        if (route->fd == ROUTE_FD ? fcntl(ROUTE_FD, F_SETFD, 0) != 0 : dup2(route->fd, ROUTE_FD) < 0) {
            _exit(126);
        }
        close_from(ROUTE_FD + 1);
    } else {
        route = NULL;
        close_from(3);
    }
    /* the process's own settings: its route (Tomcat's jvmRoute: the end of its session ids, the
     * name of its saved sessions), the same for the replacement of this slot; its socket */
    jvm_settings_set(&rt->settings, JVM_SET_ROUTE, apr_psprintf(rt->pool, "%d", dp->slot));
    jvm_settings_set(&rt->settings, JVM_SET_ROUTE_SOCKET, route ? rt->route_paths[dp->slot] : NULL);
    rt->envp[rt->settings_env] = settings_env(rt->pool, &rt->settings);
    if (dp->primary) {
        /* a successor: which process it succeeds (it takes over when that one has drained) */
        int n = 0;
        const char **envp;
        while (rt->envp[n]) {
            n++;
        }
        envp = apr_pcalloc(rt->pool, (apr_size_t)(n + 2) * sizeof *envp);
        memcpy(envp, rt->envp, (size_t)n * sizeof *envp);
        envp[n] = apr_psprintf(rt->pool, PREDECESSOR_ENV "%" APR_PID_T_FMT, dp->primary->proc.pid);
        rt->envp = envp;
    }
    /* A process group of its own: what Apache sends its process group (SIGTERM at stop, SIGUSR1
     * at a graceful restart) is not for daemons; the parent tells them itself. Not a session of
     * its own (setsid): with the kernel's scheduler autogroups each session shares a busy CPU as
     * one group, so a daemon would weigh as much as everything in Apache's session (seen in the
     * bench, Apache sharing its session with wrk: p99 100-900 ms; docs/internals.md). mod_wsgi's
     * daemons and CGI scripts also stay in Apache's session. */
    setpgid(0, 0);
    if (dp->delay > 0) {
        /* the slot's processes die before they are ready: the backoff (JVM00080) is spent here,
         * not in the parent, holding none of Apache's descriptors but the group's socket, out of
         * Apache's process group, and ending with the parent (its SIGTERM at a restart or stop
         * ends it too) */
        unsigned left = dp->delay;
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != rt->parent) {
            _exit(0);
        }
        while ((left = sleep(left)) > 0) {
        }
    }

    if (geteuid() == 0) {
        if (setgid(rt->gid) != 0 || initgroups(rt->user, rt->gid) != 0 || setuid(rt->uid) != 0) {
            dprintf(2, JVM00052 "daemon process %s: cannot switch to user %s: %s\n",
                    dp->g->name, rt->user, strerror(errno));
            _exit(126);
        }
        /* the parent never chooses gid 0 (jvm_checks_daemon_identity): a last check, in case the
         * group database changed since (more than 4096 groups: refused too, unchecked) */
        {
            gid_t groups[4096];
            int n = getgroups((int)(sizeof groups / sizeof groups[0]), groups);
            int root_group = getgid() == 0 || getegid() == 0 || n < 0;
            for (int i = 0; i < n; i++) {
                root_group |= groups[i] == 0;
            }
            if (root_group) {
                dprintf(2, JVM00052 "daemon process %s refuses to run in the root group\n", dp->g->name);
                _exit(126);
            }
        }
    }
    if (getuid() == 0 || geteuid() == 0) {
        dprintf(2, JVM00052 "daemon process %s refuses to run as root\n", dp->g->name);
        _exit(126);
    }
    /* die with the Apache parent (set after the user change, which clears it) */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != rt->parent) {
        _exit(0);
    }
    {
        int pipefd[2];
        pid_t relay;
        /* this process, the JVM to be: named and opened before the relay exists, so that the relay
         * knows it even if it died meanwhile (for await_jvm_gone; close-on-exec) */
        pid_t jvm_pid = getpid();
        int jvm_fd = rt->boot_jar ? (int)syscall(SYS_pidfd_open, jvm_pid, 0) : -1;
        int piped = pipe(pipefd) == 0;
        if (piped && (relay = fork()) >= 0) {
            if (relay == 0) {
                close(pipefd[1]);
                close(0);
                if (route) {
                    close(ROUTE_FD);
                }
                prctl(PR_SET_NAME, "jvm-log-relay");
                relay_loop(pipefd[0], 2, dp->g->name, jvm_pid, slot, partner);
                if (rt->boot_jar) {
                    await_jvm_gone(jvm_fd, jvm_pid);
                    jvm_jar_sweep(rt->group_cache_dir);
                }
                _exit(0);
            }
            dup2(pipefd[1], 1);
            dup2(pipefd[1], 2);
            close(pipefd[0]);
            close(pipefd[1]);
        } else {
            if (piped) {
                close(pipefd[0]);
                close(pipefd[1]);
            }
            if (slot) {
                /* no relay to hear that the process is ready: taken as ready at once (requests
                 * wait in the listen backlog, as they did before readiness was known) */
                slot_mark(slot, getpid(), MARK_READY);
            }
        }
        if (jvm_fd >= 0) {
            close(jvm_fd); /* (the relay's) */
        }
    }
    if (rt->boot_jar) {
        run_private_copy(dp);
    }
    if (dp->g->umask >= 0) {
        umask((mode_t)dp->g->umask);
    }
    if (chdir(rt->home) != 0 && chdir("/") != 0) {
        _exit(126);
    }
    execve(rt->java, (char *const *)rt->argv, (char *const *)rt->envp);
    dprintf(2, JVM00052 "daemon process %s: cannot run %s: %s\n", dp->g->name, rt->java, strerror(errno));
    _exit(127);
}

/* ---- supervision ------------------------------------------------------------------------ */

static void maintenance(int reason, void *data, apr_wait_t status);

static void check_socket(jvm_daemon_group *g);

static void spawn(jvm_daemon_proc *dp);

static void spawn(jvm_daemon_proc *dp)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(dp->g);
    apr_status_t rv;

    check_socket(dp->g);
    rv = apr_proc_fork(&dp->proc, rt->pool);
    if (rv == APR_INCHILD) {
        exec_daemon(dp);
    }
    if (rv != APR_INPARENT) {
        dp->proc.pid = 0;
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, main_server,
                     JVM00053 "cannot fork daemon process %d of group %s", dp->slot, dp->g->name);
        return;
    }
    slot_started(slot_word(dp), dp->proc.pid, dp->unready_deaths > 0);
    apr_proc_other_child_register(&dp->proc, maintenance, dp, NULL, rt->pool);
    if (dp->primary) {
        char wait[64] = "";
        if (dp->delay > 0) {
            snprintf(wait, sizeof wait, ", which waits %u s first (backoff)", dp->delay);
        }
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, main_server,
                     JVM00135 "daemon process %d of group %s (pid %" APR_PID_T_FMT ") asked for a successor (its "
                     "application changed): started pid %" APR_PID_T_FMT "%s; the old process serves until the "
                     "successor is ready", dp->slot, dp->g->name, dp->primary->proc.pid, dp->proc.pid, wait);
    } else {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, main_server,
                     JVM00050 "started daemon process %d of group %s (pid %" APR_PID_T_FMT ")",
                     dp->slot, dp->g->name, dp->proc.pid);
    }
}

/* ---- successors (rolling reload, docs/internals.md "Successors") ------------------------------
 * A process whose application changed (a replaced Spring Boot jar) keeps serving and asks for a
 * successor: its relay sets SLOT_SUCCESSOR_WANTED in its word. The parent starts one for the slot
 * (its own record and shared word), which starts the new version and accepts on the group's socket
 * once it is ready; the old process sees that (RecycleCoordinator's files), drains and exits, and
 * at its death the successor takes the slot instead of a new process being started. */

/* The slot's process wants a successor and has none: start it (from the monitor hook, and at once
 * after a successor died before it was ready: with its backoff delay). */
static void start_successor(jvm_daemon_proc *dp)
{
    jvm_daemon_proc *next = dp->successor;
    uint32_t *w = slot_word(dp), st;
    int state = 0;
    if (!next || !w || dp->proc.pid <= 0 || next->proc.pid > 0) {
        return;
    }
    st = __atomic_load_n(w, __ATOMIC_ACQUIRE);
    ap_mpm_query(AP_MPMQ_MPM_STATE, &state);
    if ((st & SLOT_SUCCESSOR_WANTED) && st >> SLOT_PID_SHIFT == (uint32_t)dp->proc.pid && state != AP_MPMQ_STOPPING) {
        spawn(next);
    }
}

/* The slot's process (pid, status) is gone and its successor runs: the successor takes the slot
 * (its word, its record), nothing new is started. A successor that was not ready yet takes it
 * too: it is starting the application's new version, as a new process would. */
static void promote(jvm_daemon_proc *dp, pid_t pid, int reason, apr_wait_t status)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(dp->g);
    jvm_daemon_proc *next = dp->successor;
    uint32_t *w = slot_word(dp), *sw = slot_word(next), v = 0;
    apr_proc_t proc = next->proc;

    if (w && sw) {
        /* its relay may mark its word meanwhile; it marks whichever of the two holds its pid */
        do {
            v = __atomic_load_n(sw, __ATOMIC_ACQUIRE);
            __atomic_store_n(w, v, __ATOMIC_RELEASE);
        } while (!__atomic_compare_exchange_n(sw, &v, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
    }
    next->proc.pid = 0; /* (the UNREGISTER call finds nothing to stop) */
    apr_proc_other_child_unregister(next);
    dp->proc = proc;
    dp->unready_deaths = v & SLOT_WAS_READY ? 0 : next->unready_deaths;
    dp->delay = 0;
    next->unready_deaths = 0;
    next->delay = 0;
    apr_proc_other_child_register(&dp->proc, maintenance, dp, NULL, rt->pool);
    ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, main_server,
                 JVM00137 "daemon process %d of group %s (pid %" APR_PID_T_FMT ") %s (%s %d): its successor (pid %"
                 APR_PID_T_FMT ", %s) takes its place", dp->slot, dp->g->name, pid,
                 reason == APR_OC_REASON_DEATH && status == 0 ? "exited" : "died",
                 reason == APR_OC_REASON_LOST ? "lost, status" : "exit code or signal", (int)status,
                 proc.pid, v & SLOT_READY ? "ready" : "still starting");
}

/* The slots of group g whose process wants a successor: each gets one (unless it has one), and its
 * word SUCCESSOR_SEEN, so that the doorbell does not ring again for it. */
static void successors_wanted(jvm_daemon_group *g)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    jvm_group_shared *sh = rt && rt->socket ? rt->socket->shared : NULL;
    for (int k = 0; sh && rt->procs && k < g->processes && k < SLOTS; k++) {
        uint32_t st = __atomic_load_n(&sh->state[k], __ATOMIC_ACQUIRE);
        while ((st & SLOT_SUCCESSOR_WANTED) && !(st & SLOT_SUCCESSOR_SEEN)
               && !__atomic_compare_exchange_n(&sh->state[k], &st, st | SLOT_SUCCESSOR_SEEN, 0, __ATOMIC_ACQ_REL,
                                               __ATOMIC_ACQUIRE)) {
        }
        start_successor(&rt->procs[k]);
    }
}

/* The doorbell of a group that runs a Spring Boot jar: a small process forked from the parent (never
 * exec'd) that looks at the shared page 5 times a second and exits as soon as a process wants a
 * successor its parent has not seen. Its death wakes the parent's loop, which reaps it within a
 * second and calls ring(): the successor starts then, not at the monitor hook's next turn (up to
 * 10 s later; docs/internals.md "Successors"). */
typedef struct jvm_bell {
    jvm_daemon_group *g;
    apr_proc_t proc;
} jvm_bell;

static void ring(int reason, void *data, apr_wait_t status);

static void remember_old_process(pid_t pid);

static void bell_loop(pid_t parent, const jvm_group_shared *sh, int slots)
{
    sigset_t none;
    for (int sig = 1; sig < NSIG; sig++) {
        signal(sig, SIG_DFL);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    close_from(3);
    /* as the daemons: what Apache sends its process group is not for it; it ends with the parent */
    setpgid(0, 0);
    prctl(PR_SET_NAME, "jvm-bell");
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
        _exit(0);
    }
    for (;;) {
        struct timespec tick = { 0, 200 * 1000 * 1000 };
        nanosleep(&tick, NULL);
        for (int k = 0; k < slots && k < SLOTS; k++) {
            uint32_t st = __atomic_load_n(&sh->state[k], __ATOMIC_ACQUIRE);
            if ((st & SLOT_SUCCESSOR_WANTED) && !(st & SLOT_SUCCESSOR_SEEN)) {
                _exit(0);
            }
        }
    }
}

static void start_bell(jvm_bell *bell)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(bell->g);
    const jvm_group_shared *sh = rt && rt->socket ? rt->socket->shared : NULL;
    apr_status_t rv;
    if (!sh) {
        return;
    }
    rv = apr_proc_fork(&bell->proc, rt->pool);
    if (rv == APR_INCHILD) {
        bell_loop(rt->parent, sh, bell->g->processes);
    }
    if (rv != APR_INPARENT) {
        bell->proc.pid = 0; /* (the monitor hook still starts the successors, later) */
        return;
    }
    apr_proc_other_child_register(&bell->proc, ring, bell, NULL, rt->pool);
}

static void ring(int reason, void *data, apr_wait_t status)
{
    jvm_bell *bell = data;
    pid_t pid = bell->proc.pid;
    int state = 0;
    (void)status;
    switch (reason) {
    case APR_OC_REASON_DEATH:
    case APR_OC_REASON_LOST:
        bell->proc.pid = 0;
        apr_proc_other_child_unregister(bell);
        ap_mpm_query(AP_MPMQ_MPM_STATE, &state);
        if (state != AP_MPMQ_STOPPING) {
            successors_wanted(bell->g); /* (marks what it saw: the next bell waits for a new wish) */
            start_bell(bell);
        }
        break;
    case APR_OC_REASON_RESTART:
    case APR_OC_REASON_UNREGISTER:
        if (pid > 0) {
            bell->proc.pid = 0;
            kill(pid, SIGTERM);
            remember_old_process(pid);
        }
        if (reason == APR_OC_REASON_RESTART) {
            apr_proc_other_child_unregister(bell);
        }
        break;
    default:
        break;
    }
}

/* A successor died (pid, status): before it was ready (its application does not start: the old
 * process keeps serving, and the next successor waits 1, 2, 4 … s, as a crash loop's processes
 * do), or after (the old one drains anyway: the slot gets a new process when it exits). */
static void successor_died(jvm_daemon_proc *next, pid_t pid, int was_ready, int reason, apr_wait_t status)
{
    jvm_daemon_proc *dp = next->primary;
    if (was_ready) {
        next->unready_deaths = 0;
        next->delay = 0;
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, main_server,
                     JVM00138 "the successor (pid %" APR_PID_T_FMT ") of daemon process %d of group %s died after it "
                     "was ready, before it took the slot over (%s %d): a new process starts when the old one "
                     "(pid %" APR_PID_T_FMT ") exits", pid, dp->slot, dp->g->name,
                     reason == APR_OC_REASON_LOST ? "lost, status" : "exit code or signal", (int)status,
                     dp->proc.pid);
        return;
    }
    next->unready_deaths++;
    next->delay = backoff_delay(next->unready_deaths);
    ap_log_error(APLOG_MARK, APLOG_ERR, 0, main_server,
                 JVM00136 "the successor (pid %" APR_PID_T_FMT ") of daemon process %d of group %s died before it "
                 "was ready (%s %d), %d time%s in a row: pid %" APR_PID_T_FMT " keeps serving the application as it "
                 "was; the next successor starts in %u s (backoff: doubles up to %d s)", pid, dp->slot, dp->g->name,
                 reason == APR_OC_REASON_LOST ? "lost, status" : "exit code or signal", (int)status,
                 next->unready_deaths, next->unready_deaths == 1 ? "" : "s", dp->proc.pid, next->delay,
                 BACKOFF_MAX_SEC);
    start_successor(dp);
}

static void remember_old_process(pid_t pid);

/* A process of an ended generation, draining: reaped without a word when it exits. */
static void reap_quietly(int reason, void *data, apr_wait_t status)
{
    apr_proc_t *old = data;
    if (reason == APR_OC_REASON_DEATH || reason == APR_OC_REASON_LOST) {
        old->pid = 0;
        apr_proc_other_child_unregister(data);
    } else if (reason == APR_OC_REASON_UNREGISTER && old->pid > 0) {
        remember_old_process(old->pid); /* still draining: the next generation adopts it */
    }
}

/* Processes of ended generations, waiting to be adopted by the next generation's post_config
 * (APR forbids registering an other child from inside the cleanup that unregisters one). The
 * list lives in the process pool: Apache reloads this module, statics and all, on restart. */
#define OLD_PIDS_KEY "mod_jvm-old-daemon-pids"

typedef struct old_pids {
    pid_t pid[256];
    int count;
} old_pids;

static old_pids *old_pid_list(void)
{
    void *data = NULL;
    apr_pool_t *pool = main_server->process->pool;
    apr_pool_userdata_get(&data, OLD_PIDS_KEY, pool);
    if (!data) {
        data = apr_pcalloc(pool, sizeof(old_pids));
        apr_pool_userdata_set(data, OLD_PIDS_KEY, apr_pool_cleanup_null, pool);
    }
    return data;
}

static void remember_old_process(pid_t pid)
{
    old_pids *list = old_pid_list();
    if (list->count < (int)(sizeof list->pid / sizeof list->pid[0])) {
        list->pid[list->count++] = pid;
    }
}

/* Registered on the new generation's pconf: this module's code is valid that long. */
static void adopt_old_processes(apr_pool_t *pconf)
{
    old_pids *list = old_pid_list();
    for (int i = 0; i < list->count; i++) {
        apr_proc_t *old = apr_pcalloc(pconf, sizeof *old);
        old->pid = list->pid[i];
        if (kill(old->pid, 0) == 0) {
            apr_proc_other_child_register(old, reap_quietly, old, NULL, pconf);
        }
    }
    list->count = 0;
}

static void maintenance(int reason, void *data, apr_wait_t status)
{
    jvm_daemon_proc *dp = data;
    pid_t pid = dp->proc.pid;
    int state = 0;
    switch (reason) {
    case APR_OC_REASON_DEATH:
    case APR_OC_REASON_LOST: {
        int was_ready = slot_ended(slot_word(dp), pid);
        dp->proc.pid = 0; /* the UNREGISTER call that unregistering makes finds nothing to do */
        apr_proc_other_child_unregister(dp);
        ap_mpm_query(AP_MPMQ_MPM_STATE, &state);
        if (dp->primary) {
            if (state != AP_MPMQ_STOPPING) {
                successor_died(dp, pid, was_ready, reason, status);
            }
            break;
        }
        if (dp->successor && dp->successor->proc.pid > 0 && state != AP_MPMQ_STOPPING) {
            promote(dp, pid, reason, status);
            break;
        }
        if (reason == APR_OC_REASON_DEATH && status == 0 && was_ready) {
            ap_log_error(APLOG_MARK, APLOG_INFO, 0, main_server,
                         JVM00054 "daemon process %d of group %s (pid %" APR_PID_T_FMT ") exited to be recycled",
                         dp->slot, dp->g->name, pid);
        } else {
            /* the MPM hands other children only a number: the exit code, or the signal that
             * ended the process, without saying which (a JVM killed by the kernel's OOM killer
             * shows 9; -XX:+ExitOnOutOfMemoryError exits with 3) */
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, main_server,
                         JVM00051 "daemon process %d of group %s (pid %" APR_PID_T_FMT ") died (%s %d): "
                         "starting a new one", dp->slot, dp->g->name, pid,
                         reason == APR_OC_REASON_LOST ? "lost, status" : "exit code or signal", (int)status);
        }
        /* A process that was ready is replaced at once; one that died before (while preloading:
         * System.exit in a static initializer, startup-timeout, a bad JVM option) would die
         * again as soon: its replacement waits, 1, 2, 4 … s, at most BACKOFF_MAX_SEC. */
        dp->unready_deaths = was_ready ? 0 : dp->unready_deaths + 1;
        dp->delay = backoff_delay(dp->unready_deaths);
        if (state != AP_MPMQ_STOPPING) {
            if (dp->delay > 0) {
                ap_log_error(APLOG_MARK, APLOG_ERR, 0, main_server,
                             JVM00080 "daemon process %d of group %s (pid %" APR_PID_T_FMT ") died before it was "
                             "ready, %d time%s in a row: the next one starts in %u s (backoff: doubles up to %d s, "
                             "starts over once a process has been ready)", dp->slot, dp->g->name, pid,
                             dp->unready_deaths, dp->unready_deaths == 1 ? "" : "s", dp->delay, BACKOFF_MAX_SEC);
            }
            spawn(dp);
        }
        break;
    }
    case APR_OC_REASON_RESTART:
    case APR_OC_REASON_UNREGISTER:
        /* the generation ends: the process drains its requests and exits (it enforces
         * shutdown-timeout); the parent reaps it quietly */
        if (pid > 0) {
            dp->proc.pid = 0;
            kill(pid, SIGTERM);
            remember_old_process(pid);
        }
        if (reason == APR_OC_REASON_RESTART) {
            apr_proc_other_child_unregister(dp);
        }
        break;
    default:
        break;
    }
}

/* ---- the groups' sockets ------------------------------------------------------------------ */

/* A group's listening socket outlives a configuration generation. After a graceful restart an
 * old child still serving a request may need a new connection: it connects to the same path
 * and the same socket, and reaches the new generation's processes (which also accept the
 * previous generation's secret); the old processes stopped accepting when they got SIGTERM.
 * The table lives in the process pool, because Apache unloads this module on restart: it holds
 * data only, no pointer into the module. A generation that no longer defines a group closes and
 * removes its socket; Apache's exit removes them all. */
#define SOCKETS_KEY "mod_jvm-daemon-sockets"

typedef struct socket_table {
    apr_array_header_t *sockets;            /* jvm_group_socket * */
    int serial;                             /* numbers the socket files */
} socket_table;

static socket_table *sockets(void)
{
    void *data = NULL;
    apr_pool_t *pool = main_server->process->pool;
    apr_pool_userdata_get(&data, SOCKETS_KEY, pool);
    if (!data) {
        socket_table *t = apr_pcalloc(pool, sizeof *t);
        t->sockets = apr_array_make(pool, 4, sizeof(jvm_group_socket *));
        apr_pool_userdata_set(t, SOCKETS_KEY, apr_pool_cleanup_null, pool);
        data = t;
    }
    return data;
}

/* Binds and listens on path (unlinking what is there), owned by Apache's user, mode 0600. */
static const char *bind_socket(apr_pool_t *p, const char *path, int backlog, int *fd_out, struct stat *st)
{
    struct sockaddr_un addr;
    mode_t old;
    int fd;

    if (strlen(path) >= sizeof addr.sun_path) {
        return apr_psprintf(p, "socket path %s is too long (JvmSocketPrefix)", path);
    }
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return apr_psprintf(p, "socket(): %s", strerror(errno));
    }
    old = umask(0077);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        umask(old);
        close(fd);
        return apr_psprintf(p, "cannot bind %s: %s", path, strerror(errno));
    }
    umask(old);
    if (listen(fd, backlog) != 0) {
        close(fd);
        unlink(path);
        return apr_psprintf(p, "cannot listen on %s: %s", path, strerror(errno));
    }
    /* only Apache's children (its User) may connect */
    if ((geteuid() == 0 && chown(path, ap_unixd_config.user_id, (gid_t)-1) != 0) || chmod(path, 0600) != 0
        || stat(path, st) != 0) {
        /* (apr_pstrcat: a sanitizer build's gcc wrongly takes path for NULL in a %s here) */
        const char *err = apr_pstrcat(p, "cannot give ", path, " to the Apache user: ", strerror(errno), NULL);
        close(fd);
        unlink(path);
        return err;
    }
    *fd_out = fd;
    return NULL;
}

/* The file of route socket k of gs: "<the group's socket>.<k>" (in buf, which holds PATH_MAX). */
static const char *route_path(char *buf, const jvm_group_socket *gs, int k)
{
    snprintf(buf, PATH_MAX, "%s.%d", gs->path, k);
    return buf;
}

/* Whether path is still the file bound (not removed, not replaced by another file). */
static int file_intact(const char *path, dev_t dev, ino_t ino)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

/* Closes and removes route socket k of gs, if it has one. */
static void close_route(jvm_group_socket *gs, int k)
{
    char path[PATH_MAX];
    jvm_route_socket *rs = gs->routes ? &gs->routes[k] : NULL;
    if (!rs || rs->fd < 0) {
        return;
    }
    if (file_intact(route_path(path, gs, k), rs->dev, rs->ino)) {
        unlink(path);
    }
    close(rs->fd);
    rs->fd = -1;
}

/* The route sockets of a group with processes=2+, one per process slot, kept across generations
 * like the group's socket (same owner, mode and backlog; process pool): those of slots the
 * generation does not have are closed and removed, those it lacks made. The paths, for the
 * children, in rt->route_paths (pconf). */
static const char *route_sockets(apr_pool_t *p, jvm_daemon_group *g, jvm_group_socket *gs)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    int wanted = g->processes > 1 ? g->processes : 0;
    char path[PATH_MAX];
    struct stat st;
    const char *err;

    if (!gs->routes && wanted > 0) {
        gs->routes = apr_palloc(main_server->process->pool, SLOTS * sizeof *gs->routes);
        for (int k = 0; k < SLOTS; k++) {
            gs->routes[k].fd = -1;
        }
    }
    for (int k = 0; gs->routes && k < SLOTS; k++) {
        jvm_route_socket *rs = &gs->routes[k];
        if (k >= wanted) {
            close_route(gs, k);
        } else if (rs->fd >= 0) {
            listen(rs->fd, g->listen_backlog); /* listen-backlog may have changed */
        } else if ((err = bind_socket(p, route_path(path, gs, k), g->listen_backlog, &rs->fd, &st))) {
            rs->fd = -1;
            return err;
        } else {
            rs->dev = st.st_dev;
            rs->ino = st.st_ino;
        }
    }
    rt->routes = wanted;
    rt->route_paths = apr_pcalloc(p, (apr_size_t)(wanted + 1) * sizeof *rt->route_paths);
    for (int k = 0; k < wanted; k++) {
        rt->route_paths[k] = apr_pstrdup(p, route_path(path, gs, k));
    }
    return NULL;
}

/* The group's socket: the one of the previous generation if it had this group (same
 * JvmSocketPrefix), else a new one. The secrets: this generation's is the one the previous
 * generation drew in advance as "next" and gave its processes, so that an old process that
 * still accepts for a moment after the restart (SIGTERM takes it some milliseconds) recognises
 * a connection of the new generation and sends it on with GOODBYE instead of rejecting it. */
static const char *group_socket(apr_pool_t *p, jvm_daemon_group *g, const char *prefix, int generation)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    socket_table *t = sockets();
    apr_pool_t *pool = main_server->process->pool;
    jvm_group_socket *gs = NULL;
    struct stat st;
    const char *err;
    int fd;

    for (int i = 0; i < t->sockets->nelts && !gs; i++) {
        jvm_group_socket *c = APR_ARRAY_IDX(t->sockets, i, jvm_group_socket *);
        if (c->fd >= 0 && !strcmp(c->group, g->name) && !strcmp(c->prefix, prefix)) {
            gs = c;
        }
    }
    if (gs) {
        listen(gs->fd, g->listen_backlog); /* listen-backlog may have changed */
        memcpy(rt->previous_secret, gs->secret, sizeof rt->previous_secret);
        rt->has_previous_secret = 1;
        memcpy(rt->secret, gs->next_secret, sizeof rt->secret);
    } else {
        const char *path = apr_psprintf(p, "%s.%" APR_PID_T_FMT ".%d.sock", prefix, getpid(), t->serial + 1);
        /* made before the children fork, so that they all share it (an anonymous mapping) */
        void *shared = mmap(NULL, sizeof(jvm_group_shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (shared == MAP_FAILED) {
            return apr_psprintf(p, "cannot map the shared state of its processes: %s", strerror(errno));
        }
        if ((err = bind_socket(p, path, g->listen_backlog, &fd, &st))) {
            munmap(shared, sizeof(jvm_group_shared));
            return err;
        }
        t->serial++;
        gs = apr_pcalloc(pool, sizeof *gs);
        gs->group = apr_pstrdup(pool, g->name);
        gs->prefix = apr_pstrdup(pool, prefix);
        gs->path = apr_pstrdup(pool, path);
        gs->fd = fd;
        gs->dev = st.st_dev;
        gs->ino = st.st_ino;
        gs->shared = shared;
        *(jvm_group_socket **)apr_array_push(t->sockets) = gs;
    }
    if (apr_generate_random_bytes(gs->next_secret, sizeof gs->next_secret) != APR_SUCCESS) {
        return "no random bytes";
    }
    gs->generation = generation;
    memcpy(gs->secret, rt->secret, sizeof gs->secret);
    memcpy(rt->next_secret, gs->next_secret, sizeof rt->next_secret);
    rt->socket = gs;
    rt->socket_path = gs->path;
    return route_sockets(p, g, gs);
}

/* Whether the socket file is still the one bound (not removed, not replaced by another file). */
static int socket_file_intact(const jvm_group_socket *gs)
{
    return file_intact(gs->path, gs->dev, gs->ino);
}

/* Closes and removes the sockets of groups the generation no longer has (all of them when
 * generation is -1: Apache exits). */
static void close_sockets(int generation)
{
    socket_table *t = sockets();
    for (int i = 0; i < t->sockets->nelts; i++) {
        jvm_group_socket *gs = APR_ARRAY_IDX(t->sockets, i, jvm_group_socket *);
        if (gs->fd >= 0 && gs->generation != generation) {
            if (socket_file_intact(gs)) {
                unlink(gs->path);
            }
            close(gs->fd);
            gs->fd = -1;
            for (int k = 0; gs->routes && k < SLOTS; k++) {
                close_route(gs, k);
            }
            if (gs->shared) {
                /* an old child still mapping it finds nothing known and connects as it always
                 * did (to a socket that is gone: 503 within connect-timeout) */
                __atomic_store_n(&gs->shared->slots, 0, __ATOMIC_RELEASE);
                munmap(gs->shared, sizeof(jvm_group_shared));
                gs->shared = NULL;
            }
        }
    }
}

/* pconf cleanup (parent): the sockets stay open across restarts, are closed when Apache exits. */
static apr_status_t generation_ends(void *data)
{
    const pid_t *parent = data;
    if (getpid() == *parent && ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_EXITING) {
        close_sockets(-1);
    }
    return APR_SUCCESS;
}

/* MOD_JVM_SETTINGS=<the settings frame in hex>, for a daemon's environment: the same frame as
 * embedded mode's (jvm_settings.c), where a daemon also finds the secrets; its environment is
 * readable only by its own user and root, as its memory is. */
static const char *settings_env(apr_pool_t *p, const jvm_settings *settings)
{
    static const char name[] = "MOD_JVM_SETTINGS=";
    jvm_fw w;
    unsigned char *frame;
    char *env;
    jvm_fw_init(&w, NULL, 0);
    jvm_settings_write(settings, &w); /* counts the size */
    frame = apr_palloc(p, w.len);
    jvm_fw_init(&w, frame, w.len);
    jvm_settings_write(settings, &w);
    env = apr_palloc(p, sizeof name - 1 + 2 * w.len + 1);
    memcpy(env, name, sizeof name - 1);
    jvm_settings_hex(frame, w.len, env + sizeof name - 1);
    return env;
}

/* The socket file of the group is gone (a tmp cleaner, an operator) or was replaced: new
 * connections cannot reach the processes any more. A new socket takes its place and the
 * group's processes are restarted on it (they drain first); connections already made keep
 * working meanwhile. Called before each start of a process and from the monitor hook. */
static void check_route_sockets(jvm_daemon_group *g);

static void check_socket(jvm_daemon_group *g)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    jvm_group_socket *gs = rt->socket;
    struct stat st;
    const char *err;
    int fd;

    if (!gs || gs->fd < 0) {
        return;
    }
    check_route_sockets(g);
    if (socket_file_intact(gs)) {
        return;
    }
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, main_server,
                 JVM00067 "the socket %s of daemon process group %s was removed or replaced: creating it "
                 "again and restarting the group's processes on it", gs->path, g->name);
    if ((err = bind_socket(rt->pool, gs->path, g->listen_backlog, &fd, &st))) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, main_server,
                     JVM00068 "daemon process group %s: cannot create its socket again: %s", g->name, err);
        return;
    }
    close(gs->fd);
    gs->fd = fd;
    gs->dev = st.st_dev;
    gs->ino = st.st_ino;
    jvm_settings_set(&rt->settings, JVM_SET_SOCKET_INODE, apr_psprintf(rt->pool, "%lu", (unsigned long)st.st_ino));
    rt->envp[rt->settings_env] = settings_env(rt->pool, &rt->settings);
    for (int k = 0; k < g->processes; k++) {
        if (rt->procs && rt->procs[k].proc.pid > 0) {
            kill(rt->procs[k].proc.pid, SIGTERM); /* drains; its replacement gets the new socket */
        }
        if (rt->procs && rt->procs[k].successor->proc.pid > 0) {
            kill(rt->procs[k].successor->proc.pid, SIGTERM); /* (it has the old socket too) */
        }
    }
}

/* The same for the route socket of each process slot: a removed or replaced file is made again
 * and the slot's process restarted on it (it drains; the others keep theirs). Until then the
 * requests of its sessions find its route socket missing and go to any process (new sessions). */
static void check_route_sockets(jvm_daemon_group *g)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    jvm_group_socket *gs = rt->socket;
    char path[PATH_MAX];
    struct stat st;
    const char *err;
    int fd;

    for (int k = 0; gs->routes && k < rt->routes; k++) {
        jvm_route_socket *rs = &gs->routes[k];
        if (rs->fd < 0 || file_intact(route_path(path, gs, k), rs->dev, rs->ino)) {
            continue;
        }
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, main_server,
                     JVM00110 "the socket %s of daemon process %d of group %s (its sessions' route) was removed or "
                     "replaced: creating it again and restarting the process on it", path, k, g->name);
        if ((err = bind_socket(rt->pool, path, g->listen_backlog, &fd, &st))) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, main_server,
                         JVM00111 "daemon process group %s: cannot create the socket of process %d again: %s; "
                         "requests of its sessions go to any process", g->name, k, err);
            continue;
        }
        close(rs->fd);
        rs->fd = fd;
        rs->dev = st.st_dev;
        rs->ino = st.st_ino;
        if (rt->procs && rt->procs[k].proc.pid > 0) {
            kill(rt->procs[k].proc.pid, SIGTERM); /* drains; its replacement gets the new socket */
        }
        if (rt->procs && rt->procs[k].successor->proc.pid > 0) {
            kill(rt->procs[k].successor->proc.pid, SIGTERM);
        }
    }
}

/* monitor hook (parent, about every 10 s: Apache's MPMs call it every tenth turn of their
 * one-second maintenance loop): notices a removed socket file even when no process of the group
 * exits because of it, and starts the successors processes asked for (rolling reload). */
int jvm_daemon_monitor(apr_pool_t *p, server_rec *s)
{
    apr_array_header_t *groups = jvm_daemon_groups();
    (void)p;
    (void)s;
    for (int i = 0; groups && main_server && i < groups->nelts; i++) {
        jvm_daemon_group *g = APR_ARRAY_IDX(groups, i, jvm_daemon_group *);
        const jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
        if (rt && rt->parent == getpid()) {
            check_socket(g);
            successors_wanted(g); /* (the doorbell's work, should it be missing) */
        }
    }
    return DECLINED;
}

/* ---- start-up ----------------------------------------------------------------------------- */

static const char *resolve_user(apr_pool_t *p, jvm_daemon_group *g)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    jvm_daemon_identity id;
    /* the same decision as at configtest (JVM00070): never root, never the root group */
    const char *err = jvm_checks_daemon_identity(p, g, &id);
    if (err) {
        return err;
    }
    rt->uid = id.uid;
    rt->gid = id.gid;
    rt->user = id.user;
    rt->home = g->home ? g->home : id.home;
    return NULL;
}

/* The name of user (or group) id, looked up as everywhere through jvm_trust.c, else "#id". */
static const char *account_name(apr_pool_t *p, int group, int id)
{
    const char *spec = apr_psprintf(p, "#%d", id), *problem;
    char *buf = apr_palloc(p, JVM_ID_BUFSIZE);
    struct passwd pw;
    struct group gr;
    if (group ? jvm_trust_group(spec, &gr, buf, JVM_ID_BUFSIZE, &problem) == JVM_ID_OK
              : jvm_trust_user(spec, &pw, buf, JVM_ID_BUFSIZE, &problem) == JVM_ID_OK) {
        return apr_pstrdup(p, group ? gr.gr_name : pw.pw_name);
    }
    return spec;
}

static void build_command(apr_pool_t *p, jvm_daemon_group *g, const char *runtime_dir,
                          const char *cache_dir, const char *default_home)
{
    jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    jvm_settings *st = &rt->settings;
    apr_array_header_t *argv = apr_array_make(p, 32, sizeof(const char *));
    apr_array_header_t *envp = apr_array_make(p, 8, sizeof(const char *));
    const char *java_home = g->java_home ? g->java_home : default_home;
    apr_array_header_t *opts = jvm_conf_daemon_jvm_options(p, g, java_home);
    int owner_checked = g->script_uid >= 0 || g->script_gid >= 0;

    rt->java = apr_pstrcat(p, java_home, "/bin/java", NULL);
    /* the group's Spring Boot jar, if it runs one (configtest allows one per group: JVM00131) */
    rt->boot_jar = NULL;
    for (int i = 0; i < g->preloads->nelts; i++) {
        const char *entry = APR_ARRAY_IDX(g->preloads, i, const char *);
        const char *bar = strchr(entry, '|');
        if (!strncmp(entry, "boot:", 5) && bar) {
            rt->boot_jar = bar + 1;
        }
    }
    rt->group_cache_dir = apr_pstrcat(p, cache_dir, ".", g->name, NULL);
    *(const char **)apr_array_push(argv) = g->display_name ? g->display_name : apr_psprintf(p, "(jvm:%s)", g->name);
    apr_array_cat(argv, opts);
    if (owner_checked) {
        /* script-user=/script-group=: the daemon checks each script's owner on the file it reads,
         * through JNA (OwnedFileReader.java). Its native part is the one next to the jars, never
         * one unpacked into a temporary directory (a daemon's home and /tmp may be unwritable or
         * noexec) nor another version found on the system; after jvm-options, so these win. */
        *(const char **)apr_array_push(argv) = apr_pstrcat(p, "-Djna.boot.library.path=", runtime_dir, NULL);
        *(const char **)apr_array_push(argv) = "-Djna.nosys=true";
        *(const char **)apr_array_push(argv) = "-Djna.noclasspath=true";
        *(const char **)apr_array_push(argv) = "-Djna.nounpack=true";
        /* JDK 22+ warns on stderr when JNA loads its library without this (JDK 17 accepts it) */
        *(const char **)apr_array_push(argv) = "--enable-native-access=ALL-UNNAMED";
    }
    if (g->processes > 1 || rt->boot_jar) {
        /* each process accepts on its own socket too (fd 3, sticky sessions): the runtime makes its
         * channel as the JDK makes System.inheritedChannel()'s for fd 0, with the JDK's own class
         * (RouteSocket.java); a Spring Boot application's process stops accepting while the
         * application refuses traffic, waiting in the JDK's poll (ListenerWaits.java): the JDK lets
         * the runtime use either only when opened */
        *(const char **)apr_array_push(argv) = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    }
    {
        /* a Spring Boot jar is on the class path, as under java -jar: Boot's launcher (at the
         * jar's root) must be the system class loader's, which the JDK asks for the handlers of
         * its nested-jar URLs (java.protocol.handler.pkgs) and its nested file system */
        const char *boot_jar = rt->boot_jar;
        *(const char **)apr_array_push(argv) = "-cp";
        rt->class_path_arg = argv->nelts;
        rt->class_path_before = apr_pstrcat(p, runtime_dir, "/mod_jvm-runtime.jar:", runtime_dir, "/mod_jvm-api.jar",
                                            owner_checked ? ":" : "", owner_checked ? runtime_dir : "",
                                            owner_checked ? "/jna.jar" : "", boot_jar ? ":" : "", NULL);
        rt->class_path_after = apr_pstrcat(p, g->class_path ? ":" : "", g->class_path ? g->class_path : "", NULL);
        *(const char **)apr_array_push(argv) = apr_pstrcat(p, rt->class_path_before, boot_jar ? boot_jar : "",
                                                           rt->class_path_after, NULL);
        /* (exec_daemon puts the group's copy of the jar's current version in its place) */
    }
    *(const char **)apr_array_push(argv) = "org.modjvm.runtime.DaemonMain";
    *(const char **)apr_array_push(argv) = NULL;
    rt->argv = (const char **)argv->elts;

    /* the settings go in the environment, not on the command line: the same frame as in embedded
     * mode, and ps shows a short command line */
#define SET(k, fmt, ...) jvm_settings_set(st, k, apr_psprintf(p, fmt, __VA_ARGS__))
    jvm_settings_init(st);
    jvm_settings_set(st, JVM_SET_VERSION, MOD_JVM_VERSION);
    jvm_settings_set(st, JVM_SET_PROCESS_GROUP, g->name);
    SET(JVM_SET_PROCESSES, "%d", g->processes);
    SET(JVM_SET_THREADS, "%d", g->threads);
    SET(JVM_SET_MAXIMUM_REQUESTS, "%d", g->maximum_requests);
    SET(JVM_SET_RESTART_INTERVAL, "%" APR_TIME_T_FMT, apr_time_as_msec(g->restart_interval));
    SET(JVM_SET_INACTIVITY_TIMEOUT, "%" APR_TIME_T_FMT, apr_time_as_msec(g->inactivity_timeout));
    /* unset: Timeout, so a request nobody waits for any more ends with no configuration (like
     * socket-timeout, Apache's side of the same wait); the vhost's Timeout is merged by now */
    SET(JVM_SET_REQUEST_TIMEOUT, "%" APR_TIME_T_FMT,
        apr_time_as_msec(g->request_timeout < 0 ? g->server->timeout : g->request_timeout));
    SET(JVM_SET_GRACEFUL_TIMEOUT, "%" APR_TIME_T_FMT, apr_time_as_msec(g->graceful_timeout));
    SET(JVM_SET_SHUTDOWN_TIMEOUT, "%" APR_TIME_T_FMT, apr_time_as_msec(g->shutdown_timeout));
    SET(JVM_SET_QUEUE_TIMEOUT, "%" APR_TIME_T_FMT, apr_time_as_msec(g->queue_timeout));
    SET(JVM_SET_STARTUP_TIMEOUT, "%" APR_TIME_T_FMT, apr_time_as_msec(g->startup_timeout));
    /* mod_jvm's own level ("LogLevel warn jvm:info" means info here), as Apache filters ours */
    SET(JVM_SET_LOG_LEVEL, "%d", ap_get_server_module_loglevel(main_server, APLOG_MODULE_INDEX));
    jvm_settings_set(st, JVM_SET_CACHE_DIR, rt->group_cache_dir);
    jvm_settings_set(st, JVM_SET_MULTITHREAD, g->threads > 1 ? "1" : "0");
    jvm_settings_set(st, JVM_SET_MULTIPROCESS, g->processes > 1 ? "1" : "0");
    jvm_settings_set(st, JVM_SET_SOCKET, rt->socket_path);
    SET(JVM_SET_SOCKET_INODE, "%lu", (unsigned long)rt->socket->ino);
    SET(JVM_SET_GENERATION, "%d", rt->generation);
    if (g->preloads->nelts > 0) {
        /* one value, the entries separated by NUL (which no configuration string holds) */
        apr_size_t len = 0, at = 0;
        char *joined;
        for (int i = 0; i < g->preloads->nelts; i++) {
            len += strlen(APR_ARRAY_IDX(g->preloads, i, const char *)) + 1;
        }
        joined = apr_palloc(p, len);
        for (int i = 0; i < g->preloads->nelts; i++) {
            const char *entry = APR_ARRAY_IDX(g->preloads, i, const char *);
            memcpy(joined + at, entry, strlen(entry) + 1);
            at += strlen(entry) + 1;
        }
        jvm_settings_set_bytes(st, JVM_SET_PRELOADS, joined, len - 1);
    }
    if (g->script_uid >= 0) {
        SET(JVM_SET_SCRIPT_UID, "%d", g->script_uid);
        jvm_settings_set(st, JVM_SET_SCRIPT_USER, account_name(p, 0, g->script_uid));
    }
    if (g->script_gid >= 0) {
        SET(JVM_SET_SCRIPT_GID, "%d", g->script_gid);
        jvm_settings_set(st, JVM_SET_SCRIPT_GROUP, account_name(p, 1, g->script_gid));
    }
#undef SET
    jvm_settings_set_bytes(st, JVM_SET_SECRET, rt->secret, sizeof rt->secret);
    if (rt->has_previous_secret) {
        /* the old generation's children reach these processes through the same socket */
        jvm_settings_set_bytes(st, JVM_SET_PREVIOUS_SECRET, rt->previous_secret, sizeof rt->previous_secret);
    }
    jvm_settings_set_bytes(st, JVM_SET_NEXT_SECRET, rt->next_secret, sizeof rt->next_secret);

    rt->settings_env = envp->nelts;
    *(const char **)apr_array_push(envp) = settings_env(p, st);
    *(const char **)apr_array_push(envp) = "PATH=/usr/local/bin:/usr/bin:/bin";
    *(const char **)apr_array_push(envp) = "LANG=C.UTF-8";
    /* glibc keeps an arena per thread group by default; the JIT's scratch memory then stays
     * resident in many of them (one thread per Apache connection) */
    *(const char **)apr_array_push(envp) = "MALLOC_ARENA_MAX=2";
    *(const char **)apr_array_push(envp) = apr_pstrcat(p, "HOME=", rt->home, NULL);
    *(const char **)apr_array_push(envp) = apr_pstrcat(p, "USER=", rt->user, NULL);
    *(const char **)apr_array_push(envp) = apr_pstrcat(p, "JAVA_HOME=", java_home, NULL);
    *(const char **)apr_array_push(envp) = NULL;
    rt->envp = (const char **)envp->elts;
}

/* The per-group compile cache belongs to the group's user. */
static void make_cache_dir(apr_pool_t *p, jvm_daemon_group *g, const char *cache_dir)
{
    const jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    jvm_checks_make_cache(p, main_server, apr_pstrcat(p, cache_dir, ".", g->name, NULL), rt->uid, rt->gid);
}

int jvm_daemon_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    apr_array_header_t *groups = jvm_daemon_groups();
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    const char *prefix, *runtime_dir, *cache_dir;
    apr_os_file_t log_fd = -1;
    int generation = ap_state_query(AP_SQ_CONFIG_GEN);

    main_server = s;
    adopt_old_processes(pconf);
    /* The first pass of Apache's start-up only checks the configuration. */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    {
        pid_t *parent = apr_palloc(pconf, sizeof *parent);
        *parent = getpid();
        apr_pool_cleanup_register(pconf, parent, generation_ends, apr_pool_cleanup_null);
    }
    if (!groups || groups->nelts == 0) {
        close_sockets(generation);
        return OK;
    }
    runtimes = apr_pcalloc(pconf, (apr_size_t)groups->nelts * sizeof *runtimes);
    runtime_count = groups->nelts;
    apr_pool_cleanup_register(pconf, NULL, forget_runtimes, apr_pool_cleanup_null);
    prefix = jvm_conf_socket_prefix(ptemp, s);
    runtime_dir = jvm_conf_runtime_dir(pconf, sc);
    cache_dir = jvm_conf_cache_dir(pconf, sc);
    if (s->error_log) {
        apr_os_file_get(&log_fd, s->error_log);
    }
    for (int i = 0; i < groups->nelts; i++) {
        jvm_daemon_group *g = APR_ARRAY_IDX(groups, i, jvm_daemon_group *);
        jvm_daemon_runtime *rt = apr_pcalloc(pconf, sizeof *rt);
        const char *err;
        runtimes[g->index] = rt;
        rt->generation = generation;
        rt->pool = pconf;
        rt->error_log_fd = log_fd;
        rt->parent = getpid();
        if (apr_generate_random_bytes(rt->secret, sizeof rt->secret) != APR_SUCCESS
            || (err = resolve_user(pconf, g)) || (err = group_socket(pconf, g, prefix, generation))) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         JVM00055 "JvmDaemonProcess %s: %s", g->name, err ? err : "no random bytes");
            return !OK;
        }
        make_cache_dir(ptemp, g, cache_dir);
        build_command(pconf, g, runtime_dir, cache_dir, jvm_conf_jvm_home(sc));
        rt->procs = apr_pcalloc(pconf, (apr_size_t)g->processes * sizeof *rt->procs);
        {
            jvm_daemon_proc *successors = apr_pcalloc(pconf, (apr_size_t)g->processes * sizeof *successors);
            for (int k = 0; k < g->processes; k++) {
                successors[k].g = g;
                successors[k].slot = k;
                successors[k].primary = &rt->procs[k];
                rt->procs[k].successor = &successors[k];
            }
        }
        if (rt->socket->shared) {
            /* a new generation: the previous one's processes stop accepting (SIGTERM); what its
             * relays may still say is ignored (another pid in the slot) */
            for (int k = 0; k < SLOTS; k++) {
                __atomic_store_n(&rt->socket->shared->state[k], 0, __ATOMIC_RELEASE);
                __atomic_store_n(&rt->socket->shared->successor[k], 0, __ATOMIC_RELEASE);
            }
            __atomic_store_n(&rt->socket->shared->slots, (uint32_t)g->processes, __ATOMIC_RELEASE);
        }
        for (int k = 0; k < g->processes; k++) {
            rt->procs[k].g = g;
            rt->procs[k].slot = k;
            spawn(&rt->procs[k]);
        }
        if (rt->boot_jar) {
            /* a group that runs a Boot jar: its processes may ask for successors (rolling reload) */
            rt->bell = apr_pcalloc(pconf, sizeof *rt->bell);
            rt->bell->g = g;
            start_bell(rt->bell);
        }
    }
    close_sockets(generation);
    return OK;
}
