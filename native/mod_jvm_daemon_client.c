/* mod_jvm_daemon_client: runs a request in a daemon process group (Apache child side). Each
 * worker thread keeps one connection per group and reuses it; the request goes out as one
 * message, then the daemon's messages (head, body pieces, reads of the request body, log
 * lines, end) are applied to the Apache response with the same code as embedded mode. */
#include "mod_jvm.h"
#include "mod_jvm_config.h"
#include "mod_jvm_daemon.h"
#include "mod_jvm_environ.h"
#include "mod_jvm_response.h"
#include "jvm_frame.h"

#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "apr_strings.h"
#include "apr_atomic.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

APLOG_USE_MODULE(jvm);

#define READ_BUF (64 * 1024)

/* A connection of a group with processes=2+ that is older than this is closed before its next
 * request and a new one is made, so the group's processes share the load again after one was
 * replaced (persistent connections would otherwise stay with the survivors). One connect per
 * Apache thread every few seconds. Not with processes=1, unless a successor is ready (a rolling
 * reload: it accepts beside the old process, and renewed connections move the load to it while
 * the old one drains; kept, none reached it before the drain, whose requests then waited for the
 * successor's first, cold, answers: BootRollingTest): otherwise there is nothing to share (a
 * replaced process closes its connections, and the next request connects to its successor), and each
 * reconnect cost the daemon a thread start and left garbage that lived long enough to be
 * promoted (bench/README.md, 2026-12-03: the servlet daemon's heap grew 8 MB more than Tomcat's
 * under load). The connections to one process (sticky sessions, processes=2+) age too: kept, a
 * session's request waited 3.2-3.9 s during a Boot application's rolling reload
 * (BootRollingTest, twice; not explained yet), within 3 s when they age. */
#define CONNECTION_MAX_AGE apr_time_from_sec(2)

/* Per worker thread: its connections and buffers. A group has a connection through its socket (to
 * any of its processes) and, with processes=2+, one to each process through its own socket, for
 * the requests of the sessions it holds (sticky sessions): connection slots first[g], then
 * first[g] + 1 + route. */
typedef struct client_thread {
    int *fds;               /* by connection slot; -1: none */
    apr_time_t *since;      /* when each connection was made */
    int *first;             /* by group index: the slot of its socket's connection */
    int nfds;               /* size of fds */
    unsigned char *out;     /* outgoing request message */
    size_t out_cap;
    unsigned char in[READ_BUF]; /* buffered reads from the daemon */
    size_t in_pos, in_len;
    int id;                 /* thread number (mod_jvm.thread_id) */
    unsigned long requests;
    int wait_ms;            /* socket-timeout of the current request, for each wait in poll() */
    int reply_pending;      /* a request just went out: its reply cannot be there yet, so the
                             * next refill waits in poll() first instead of a recv() that fails
                             * with EAGAIN (one system call less per request) */
} client_thread;

static pthread_key_t thread_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static apr_uint32_t thread_ids;

static void client_thread_free(void *p)
{
    client_thread *t = p;
    for (int i = 0; i < t->nfds; i++) {
        if (t->fds[i] >= 0) {
            close(t->fds[i]);
        }
    }
    free(t->fds);
    free(t->since);
    free(t->first);
    free(t->out);
    free(t);
}

static void make_key(void)
{
    pthread_key_create(&thread_key, client_thread_free);
}

static client_thread *thread_state(void)
{
    client_thread *t;
    apr_array_header_t *groups = jvm_daemon_groups();
    int n = 0;
    pthread_once(&key_once, make_key);
    t = pthread_getspecific(thread_key);
    if (t) {
        return t;
    }
    for (int i = 0; i < groups->nelts; i++) {
        const jvm_daemon_group *g = APR_ARRAY_IDX(groups, i, const jvm_daemon_group *);
        n += 1 + (g->processes > 1 ? g->processes : 0); /* (as the parent makes route sockets) */
    }
    t = calloc(1, sizeof *t);
    if (!t || !(t->fds = malloc((size_t)n * sizeof *t->fds)) || !(t->since = calloc((size_t)n, sizeof *t->since))
        || !(t->first = malloc((size_t)groups->nelts * sizeof *t->first)) || !(t->out = malloc(16 * 1024))) {
        if (t) {
            free(t->fds);
            free(t->since);
            free(t->first);
        }
        free(t);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        t->fds[i] = -1;
    }
    for (int i = 0, at = 0; i < groups->nelts; i++) {
        const jvm_daemon_group *g = APR_ARRAY_IDX(groups, i, const jvm_daemon_group *);
        t->first[g->index] = at;
        at += 1 + (g->processes > 1 ? g->processes : 0);
    }
    t->nfds = n;
    t->out_cap = 16 * 1024;
    t->id = (int)apr_atomic_inc32(&thread_ids) + 1;
    pthread_setspecific(thread_key, t);
    return t;
}

/* Waits until fd is readable (POLLIN) or writable (POLLOUT), at most t->wait_ms. The sockets
 * are non-blocking and waited on with poll(), never slept on in recv()/send(): a thread asleep
 * in recv() on a UNIX socket is also woken each time the peer consumes what this side sent (the
 * kernel wakes readers and writers of a socket alike), a wasted trip through the scheduler per
 * request (docs/internals.md, "Waiting for the other side"); poll() wakes only for the events
 * asked for.
 * Returns 0, or -1 with errno (EAGAIN after the timeout). */
static int wait_for(client_thread *t, int fd, short events)
{
    struct pollfd pfd = { fd, events, 0 };
    for (;;) {
        int n = poll(&pfd, 1, t->wait_ms);
        if (n > 0) {
            return 0;
        }
        if (n == 0) {
            errno = EAGAIN;
            return -1;
        }
        if (errno != EINTR) {
            return -1;
        }
    }
}

static int send_all(client_thread *t, int fd, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_for(t, fd, POLLOUT) == 0) {
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int send_msg(client_thread *t, int fd, unsigned type, const void *payload, size_t n)
{
    unsigned char head[5];
    jvm_msg_header(head, type, n);
    if (n == 0) {
        return send_all(t, fd, head, 5);
    }
    if (n <= 4096) {
        unsigned char one[5 + 4096];
        memcpy(one, head, 5);
        memcpy(one + 5, payload, n);
        return send_all(t, fd, one, 5 + n);
    }
    return send_all(t, fd, head, 5) == 0 ? send_all(t, fd, payload, n) : -1;
}

/* ---- sticky sessions (docs/internals.md, "Sticky sessions") --------------------------------- */

/* The route at the end of a session id ("<id>.<route>", Tomcat's jvmRoute: the index of the
 * process that made the session), -1 unless it is a number below processes. */
static int route_of(const char *id, size_t len, int processes)
{
    const char *dot = NULL, *d;
    size_t n;
    int route = 0;
    for (size_t i = 0; i < len; i++) {
        if (id[i] == '.') {
            dot = id + i;
        }
    }
    if (!dot) {
        return -1;
    }
    d = dot + 1;
    n = (size_t)(id + len - d);
    if (n == 0 || n > 3 || (n > 1 && d[0] == '0')) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (d[i] < '0' || d[i] > '9') {
            return -1;
        }
        route = route * 10 + (d[i] - '0');
    }
    return route < processes ? route : -1;
}

typedef struct cookie_scan {
    int processes;
    int route;
} cookie_scan;

/* apr_table_do over the Cookie headers: the first JSESSIONID cookie that names a route. */
static int scan_cookies(void *data, const char *key, const char *value)
{
    cookie_scan *cs = data;
    const char *p = value;
    (void)key;
    while (*p) {
        const char *name, *v;
        size_t nlen, vlen;
        while (*p == ' ' || *p == '\t' || *p == ';') {
            p++;
        }
        name = p;
        while (*p && *p != '=' && *p != ';') {
            p++;
        }
        nlen = (size_t)(p - name);
        while (nlen > 0 && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t')) {
            nlen--;
        }
        if (*p != '=') {
            continue; /* a cookie without a value, or the end */
        }
        v = ++p;
        while (*p && *p != ';') {
            p++;
        }
        vlen = (size_t)(p - v);
        while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t')) {
            vlen--;
        }
        if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
            v++;
            vlen -= 2;
        }
        if (nlen == 10 && !memcmp(name, "JSESSIONID", 10)
            && (cs->route = route_of(v, vlen, cs->processes)) >= 0) {
            return 0;
        }
    }
    return 1;
}

/* The route a request's session names, -1 if none: as mod_jk finds it, from the JSESSIONID
 * cookie (the first that names one: Tomcat too prefers the cookie), else from the ;jsessionid=
 * path parameter. */
static int session_route(request_rec *r, const jvm_daemon_group *g)
{
    cookie_scan cs = { g->processes, -1 };
    const char *param;
    apr_table_do(scan_cookies, &cs, r->headers_in, "Cookie", NULL);
    if (cs.route < 0 && r->uri && (param = strstr(r->uri, ";jsessionid="))) {
        const char *v = param + sizeof ";jsessionid=" - 1;
        cs.route = route_of(v, strcspn(v, ";/?"), g->processes);
    }
    return cs.route;
}

/* Where a request whose session names route `want` goes: to that process's own socket when it is
 * ready; while it is being started (a replacement after a recycle, a new generation: it loads the
 * sessions its predecessor saved) the request waits for it, at most socket-timeout (as long as it
 * would have waited in the socket's backlog; connect_group waits as long for a starting group);
 * -1 (the group's socket, any process: a new session) when there is no such process to wait for,
 * or it did not come in time. Never an error. */
static int await_route(request_rec *r, const client_thread *t, const jvm_daemon_group *g, int want)
{
    apr_time_t start = apr_time_now();
    for (;;) {
        int state = jvm_daemon_route_state(g, want);
        if (state == JVM_ROUTE_READY) {
            return want;
        }
        if (state == JVM_ROUTE_NONE) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, JVM00112 "a session of daemon process %d of group %s for "
                          "%s: no such process accepts on its socket; sent to any process of the group", want,
                          g->name, r->uri);
            return -1;
        }
        if (apr_time_now() - start >= apr_time_from_msec(t->wait_ms)) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, JVM00113 "a session of daemon process %d of group %s for "
                          "%s: the process was not ready within socket-timeout (%d s); sent to any process of the "
                          "group", want, g->name, r->uri, t->wait_ms / 1000);
            return -1;
        }
        apr_sleep(apr_time_from_msec(20));
    }
}

/* connect_group: no process of the group became ready in time (JVM00081). */
#define NOT_READY (-2)

/* Connects to the group's socket within connect-timeout and says HELLO. A connection closed
 * before the HELLO is out (a process that recycles: it accepted, then closed what it will not
 * serve) is made again: nothing was sent on it.
 * First, while no process of the group is ready, it waits for one instead of leaving the request
 * in the listen backlog, where nothing takes it if the processes die before they are ready (a
 * crash loop): then the request waits at most connect-timeout; while they are only starting
 * (Apache's start, a restart, a replacement), at most socket-timeout, as long as it would have
 * waited in the backlog. Returns NOT_READY (with *why) when the wait ends without one. */
static int connect_group(request_rec *r, client_thread *t, jvm_daemon_group *g, int *route, const char **why)
{
    const jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    struct sockaddr_un addr;
    apr_time_t deadline, waiting = apr_time_now();
    unsigned char hello[4 + JVM_MSG_SECRET_LEN];
    int fd, readiness;

    /* (a route: its process was ready, await_route) */
    while (*route < 0 && (readiness = jvm_daemon_readiness(g)) != JVM_GROUP_READY) {
        apr_interval_time_t waited = apr_time_now() - waiting;
        if (readiness == JVM_GROUP_FAILING && waited >= g->connect_timeout) {
            *why = apr_psprintf(r->pool, "its processes die before they are ready (JVM00080): gave up after "
                                "connect-timeout (%" APR_TIME_T_FMT " s)", apr_time_sec(g->connect_timeout));
            return NOT_READY;
        }
        if (waited >= apr_time_from_msec(t->wait_ms)) {
            *why = apr_psprintf(r->pool, "its processes are still starting after socket-timeout (%d s)",
                                t->wait_ms / 1000);
            return NOT_READY;
        }
        apr_sleep(apr_time_from_msec(20));
    }
    deadline = apr_time_now() + g->connect_timeout;

    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strncpy(addr.sun_path, *route >= 0 ? rt->route_paths[*route] : rt->socket_path, sizeof addr.sun_path - 1);
    hello[0] = (unsigned char)JVM_MSG_HELLO_MAGIC;
    hello[1] = (unsigned char)(JVM_MSG_HELLO_MAGIC >> 8);
    hello[2] = (unsigned char)(JVM_MSG_HELLO_MAGIC >> 16);
    hello[3] = (unsigned char)(JVM_MSG_HELLO_MAGIC >> 24);
    memcpy(hello + 4, rt->secret, JVM_MSG_SECRET_LEN);
    for (;;) {
        int err;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            *why = strerror(errno);
            return -1;
        }
        /* it stays non-blocking: every wait is a poll() (wait_for) */
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
            if (send_msg(t, fd, JVM_MSG_HELLO, hello, sizeof hello) == 0) {
                return fd;
            }
        }
        /* EAGAIN: the listen backlog is full (all daemons busy or starting); ECONNREFUSED,
         * ENOENT: no process listens (yet); EPIPE, ECONNRESET: closed before the HELLO */
        err = errno;
        *why = apr_pstrdup(r->pool, strerror(err));
        close(fd);
        if (*route >= 0 && (err == ECONNREFUSED || err == ENOENT)) {
            /* the route's socket is gone (a new generation without that process, a removed file):
             * any process of the group serves the request */
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, JVM00112 "a session of daemon process %d of group %s for "
                          "%s: its socket is gone (%s); sent to any process of the group", *route, g->name, r->uri,
                          *why);
            *route = -1;
            return connect_group(r, t, g, route, why);
        }
        if ((err != EAGAIN && err != ECONNREFUSED && err != ENOENT && err != EPIPE && err != ECONNRESET)
            || apr_time_now() >= deadline) {
            return -1;
        }
        apr_sleep(apr_time_from_msec(20));
    }
}

/* Outcome of reading from the daemon. IO_RESET: the connection was reset (ECONNRESET): the
 * daemon's end was closed with bytes of ours unread, or before it was even accepted (a UNIX
 * socket resets exactly then), so with no reply byte received the request was not read whole
 * and never ran: it can be sent again (seen: a process killed while its accept thread took one
 * more connection). IO_GOODBYE: the daemon closed the connection without
 * reading the request (drain), so it can be sent again. */
enum { IO_OK = 0, IO_CLOSED = -1, IO_TIMEOUT = -2, IO_ERROR = -3, IO_GOODBYE = -4, IO_RESET = -5 };

/* Refills the thread's (empty) read buffer from the daemon. */
static int refill(client_thread *t, int fd, int *got_any)
{
    if (t->reply_pending) {
        t->reply_pending = 0;
        if (wait_for(t, fd, POLLIN) != 0) {
            return errno == EAGAIN ? IO_TIMEOUT : IO_ERROR;
        }
    }
    for (;;) {
        ssize_t got = recv(fd, t->in, sizeof t->in, 0);
        if (got > 0) {
            *got_any = 1;
            t->in_pos = 0;
            t->in_len = (size_t)got;
            return IO_OK;
        }
        if (got == 0) {
            return IO_CLOSED;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_for(t, fd, POLLIN) != 0) {
                return errno == EAGAIN ? IO_TIMEOUT : IO_ERROR;
            }
        }
        else if (errno == ECONNRESET) {
            return IO_RESET;
        }
        else if (errno != EINTR) {
            return IO_ERROR;
        }
    }
}

/* Reads exactly n bytes (through the thread's buffer); dst NULL skips them. */
static int read_exact(client_thread *t, int fd, void *dst, size_t n, int *got_any)
{
    unsigned char *d = dst;
    while (n > 0) {
        size_t avail = t->in_len - t->in_pos;
        if (avail == 0) {
            int rc = refill(t, fd, got_any);
            if (rc != IO_OK) {
                return rc;
            }
            avail = t->in_len;
        }
        if (avail > n) {
            avail = n;
        }
        if (d) {
            memcpy(d, t->in + t->in_pos, avail);
            d += avail;
        }
        t->in_pos += avail;
        n -= avail;
    }
    return IO_OK;
}

static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

/* Answers a READ: up to `max` bytes of the request body. */
static int answer_read(request_rec *r, client_thread *t, jvm_response *resp, int fd, uint32_t max, int *read_started,
                       int *read_eof)
{
    char buf[READ_BUF];
    long got;
    if (!*read_started) {
        *read_started = 1;
        if (!ap_should_client_block(r)) {
            *read_eof = 1;
        }
    }
    if (*read_eof || max == 0) {
        return send_msg(t, fd, JVM_MSG_BODY, NULL, 0);
    }
    got = jvm_request_body_read(resp, buf, max < sizeof buf ? max : sizeof buf);
    if (got < 0) {
        return send_msg(t, fd, JVM_MSG_BODY_ERROR, NULL, 0);
    }
    if (got == 0) {
        *read_eof = 1;
    }
    return send_msg(t, fd, JVM_MSG_BODY, buf, (size_t)got);
}

/* Runs the conversation of one request on fd. Returns the handler's result, or one of the
 * IO_* codes when the connection failed (then *got_any tells if any reply byte arrived). */
static int converse(request_rec *r, client_thread *t, int fd, jvm_daemon_group *g,
                    jvm_response *resp, int *got_any, int *reusable)
{
    int read_started = 0, read_eof = 0;
    *reusable = 0;
    for (;;) {
        unsigned char head[5];
        uint32_t len;
        unsigned type;
        int rc = read_exact(t, fd, head, 5, got_any);
        if (rc != IO_OK) {
            return rc;
        }
        /* length, type and payload layout: jvm_frame.c (httpd-free, fuzzed in native/fuzz) */
        if (jvm_msg_reply_check(head, &type, &len) != 0) {
            return IO_ERROR;
        }
        switch (type) {
        case JVM_MSG_HEAD: {
            unsigned char *data;
            if (resp->head_sent || resp->head_invalid) {
                /* a second head is ignored: skip it without holding it in memory */
                if ((rc = read_exact(t, fd, NULL, len, got_any)) != IO_OK) {
                    return rc;
                }
                break;
            }
            data = apr_palloc(r->pool, len + 1);
            if ((rc = read_exact(t, fd, data, len, got_any)) != IO_OK) {
                return rc;
            }
            if (jvm_response_head(resp, data, len) != 0) {
                resp->head_invalid = 1;
            }
            break;
        }
        case JVM_MSG_DATA: {
            unsigned char flags;
            if ((rc = read_exact(t, fd, &flags, 1, got_any)) != IO_OK) {
                return rc;
            }
            len -= 1;
            /* stream the bytes straight from the read buffer */
            while (len > 0) {
                size_t avail = t->in_len - t->in_pos;
                if (avail == 0) {
                    if ((rc = refill(t, fd, got_any)) != IO_OK) {
                        return rc;
                    }
                    avail = t->in_len;
                }
                if (avail > len) {
                    avail = len;
                }
                if (jvm_response_write(resp, t->in + t->in_pos, avail, (flags & 1) && avail == len) != 0
                    && resp->gone) {
                    /* client gone: drop this connection, the daemon sees its writes fail */
                    return OK;
                }
                t->in_pos += avail;
                len -= (uint32_t)avail;
            }
            if ((flags & 1) && resp->head_sent && !resp->gone) {
                jvm_response_write(resp, NULL, 0, 1);
            }
            break;
        }
        case JVM_MSG_READ: {
            unsigned char b[4];
            if ((rc = read_exact(t, fd, b, 4, got_any)) != IO_OK) {
                return rc;
            }
            if (answer_read(r, t, resp, fd, le32(b), &read_started, &read_eof) != 0) {
                return IO_ERROR;
            }
            break;
        }
        case JVM_MSG_LOG: {
            /* one error-log line: at most what Apache writes of a line, the rest is skipped
             * (a daemon must not make an Apache child hold what it sends) */
            char line[8192 + 1];
            uint32_t keep = len < sizeof line - 1 ? len : (uint32_t)(sizeof line - 1);
            if ((rc = read_exact(t, fd, line, keep, got_any)) != IO_OK
                || (rc = read_exact(t, fd, NULL, len - keep, got_any)) != IO_OK) {
                return rc;
            }
            line[keep] = '\0';
            {
                int level = (int)le32((const unsigned char *)line);
                if (level < APLOG_EMERG || level > APLOG_TRACE8) {
                    level = APLOG_ERR;
                }
                ap_log_rerror(APLOG_MARK, level, 0, r, "(jvm:%s) %s", g->name, line + 4);
            }
            break;
        }
        case JVM_MSG_GOODBYE:
            return IO_GOODBYE;
        case JVM_MSG_END: {
            unsigned char b[4];
            int result;
            if ((rc = read_exact(t, fd, b, 4, got_any)) != IO_OK) {
                return rc;
            }
            result = (int)(int32_t)le32(b);
            /* a connection is reused only after a clean exchange with nothing left unread */
            *reusable = result == 0 && t->in_pos == t->in_len && !resp->gone;
            return jvm_response_finish(resp, result);
        }
        default:
            return IO_ERROR;
        }
    }
}

int jvm_daemon_handle(request_rec *r, jvm_daemon_group *g, const jvm_alias *alias)
{
    const jvm_daemon_runtime *rt = jvm_daemon_runtime_of(g);
    client_thread *t;
    jvm_environ e;
    jvm_response resp;
    jvm_fw w;
    int status;

    if (!rt) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      JVM00060 "daemon process group %s was not started", g->name);
        return HTTP_SERVICE_UNAVAILABLE;
    }
    /* script-user= / script-group= (as mod_wsgi) are checked by the daemon, on the very file it
     * reads (OwnedFileReader.java: 403, JVM01345/JVM01346). A stat here, by path, would check a
     * file the daemon may never read: the path can be swapped in between (issue 10, item 3). */
    if ((status = jvm_request_body_setup(r)) != OK) {
        return status;
    }
    if (!(t = thread_state())) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    t->requests++;
    {
        apr_interval_time_t timeout = g->socket_timeout ? g->socket_timeout : r->server->timeout;
        apr_int64_t ms = apr_time_as_msec(timeout);
        t->wait_ms = ms > INT_MAX ? INT_MAX : ms < 1 ? 1 : (int)ms;
    }
    jvm_environ_prepare(r, alias, &e, g->name, t->id, t->requests);
    for (;;) {
        jvm_fw_init(&w, t->out, t->out_cap);
        jvm_fw_u32(&w, 0);
        jvm_fw_bytes(&w, "\x02", 1);
        jvm_environ_write(r, &e, &w);
        if (jvm_fw_fits(&w)) {
            break;
        }
        if (w.len > JVM_MSG_MAX) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, JVM00035 "the request's environ (%lu bytes: its "
                          "headers) is too large for the daemon protocol", (unsigned long)w.len);
            return HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        free(t->out);
        t->out_cap = w.len;
        if (!(t->out = malloc(t->out_cap))) {
            t->out_cap = 0;
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    jvm_fw_patch_u32(&w, 0, (uint32_t)(w.len - 4));

    /* a request whose session names a process goes to that process (sticky sessions); the others,
     * on whatever connection the thread has, to any process */
    int route = rt->routes > 0 ? session_route(r, g) : -1;
    if (route >= 0) {
        route = await_route(r, t, g, route);
    }
    apr_time_t first_try = apr_time_now();
    for (int attempt = 0;; attempt++) {
        int slot = t->first[g->index] + (route >= 0 ? 1 + route : 0);
        int fd = t->fds[slot];
        int reused, got_any = 0, reusable = 0, rc;
        if (fd >= 0 && attempt == 0 && first_try - t->since[slot] > CONNECTION_MAX_AGE
            && (g->processes > 1 || jvm_daemon_successor_ready(g))) {
            close(fd); /* idle: the daemon just sees it end */
            fd = t->fds[slot] = -1;
        }
        if (fd >= 0) {
            /* an idle connection has nothing to read: if it is readable, its process died (EOF)
             * or said GOODBYE — do not send a request into it */
            struct pollfd pfd = { fd, POLLIN | POLLRDHUP, 0 };
            if (poll(&pfd, 1, 0) != 0) {
                close(fd);
                fd = t->fds[slot] = -1;
            }
        }
        reused = fd >= 0;
        if (attempt > 0 && apr_time_now() - first_try > g->connect_timeout) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          JVM00066 "daemon process group %s kept closing connections (draining) for %s "
                          "longer than connect-timeout", g->name, r->uri);
            return HTTP_SERVICE_UNAVAILABLE;
        }
        const char *why = NULL;
        if (fd < 0) {
            fd = connect_group(r, t, g, &route, &why);
            if (fd == NOT_READY) {
                ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, JVM00081 "no process of daemon process group %s is "
                              "ready for %s: %s", g->name, r->uri, why);
                return HTTP_SERVICE_UNAVAILABLE;
            }
            if (fd < 0) {
                ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                              JVM00061 "cannot connect to daemon process group %s at %s within %" APR_TIME_T_FMT
                              " s: %s", g->name, route >= 0 ? rt->route_paths[route] : rt->socket_path,
                              apr_time_sec(g->connect_timeout), why);
                return HTTP_SERVICE_UNAVAILABLE;
            }
            if (slot != t->first[g->index] + (route >= 0 ? 1 + route : 0)) {
                /* the route's socket was gone: a connection through the group's socket, in its slot */
                slot = t->first[g->index];
                if (t->fds[slot] >= 0) {
                    close(t->fds[slot]); /* (idle) */
                }
            }
            t->fds[slot] = fd;
            t->since[slot] = apr_time_now();
        }
        t->in_pos = t->in_len = 0;
        jvm_response_init(&resp, r);
        if (send_all(t, fd, t->out, w.len) != 0) {
            int err = errno;
            close(fd);
            t->fds[slot] = -1;
            if (reused) {
                continue; /* a stale connection (its process is gone): the request never left */
            }
            if (err == EPIPE || err == ECONNRESET) {
                /* a new connection closed before the request was out: a process that recycles
                 * closed it after the HELLO; the request never left (bounded by connect-timeout) */
                apr_sleep(apr_time_from_msec(10));
                continue;
            }
            errno = err;
            ap_log_rerror(APLOG_MARK, APLOG_ERR, errno, r,
                          JVM00062 "cannot send the request to daemon process group %s", g->name);
            return HTTP_SERVICE_UNAVAILABLE;
        }
        t->reply_pending = 1;
        rc = converse(r, t, fd, g, &resp, &got_any, &reusable);
        t->reply_pending = 0;
        if (!reusable) {
            close(fd);
            t->fds[slot] = -1;
        }
        if (rc >= 0) {
            return rc;
        }
        if (rc == IO_GOODBYE || (rc == IO_RESET && !got_any)) {
            /* the daemon closed this idle connection and did not read the request: a process
             * that recycles (GOODBYE) or one that died with the request unread (reset); its
             * replacement (or another process) takes it, within connect-timeout */
            if (rc == IO_RESET) {
                ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, JVM00069 "daemon process group %s reset the "
                              "connection before reading %s: sent again", g->name, r->uri);
            }
            if (attempt > 0) {
                apr_sleep(apr_time_from_msec(10));
            }
            continue;
        }
        if (rc == IO_TIMEOUT) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          JVM00063 "timeout waiting for daemon process group %s (socket-timeout) for %s",
                          g->name, r->uri);
            return jvm_response_finish(&resp, resp.head_sent ? -1 : HTTP_GATEWAY_TIME_OUT);
        }
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      JVM00064 "daemon process group %s %s while handling %s (the process died or was "
                      "restarted)", g->name, rc == IO_CLOSED ? "closed the connection" : "failed",
                      r->uri);
        return jvm_response_finish(&resp, resp.head_sent ? -1 : HTTP_BAD_GATEWAY);
    }
}
