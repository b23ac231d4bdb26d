package org.modjvm.runtime.daemon;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.modjvm.runtime.core.RuntimeContext;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;
import org.modjvm.runtime.web.BootHandoff;
import org.modjvm.runtime.log.LogSink;

/**
 * A daemon process: accepts Apache's connections on the inherited socket and gives each its
 * own thread. Idle connections cost no permit: {@code threads} bounds the requests running at
 * once (a {@link Semaphore}), never the connections, so Apache's worker threads (and an old
 * generation's during a graceful restart) cannot starve the group.
 *
 * <p>Recycling (maximum-requests, restart-interval, inactivity-timeout, a changed script, too
 * many stuck requests) drains the process: stop accepting, close idle connections (Apache
 * resends a request that got no reply byte on a new connection), let running requests end
 * within graceful-timeout, exit 0; the Apache parent starts the replacement. Processes of a
 * group take turns ({@link RecycleCoordinator}) so a group never recycles all at once.
 *
 * <p>With processes=2+ the process also accepts on its own socket ({@link RouteSocket}): the
 * requests of the sessions it made. Before it exits (a recycle, SIGTERM) its web applications are
 * stopped, which saves their sessions for its replacement (the servlet engine's Sessions).
 *
 * <p>Rolling reload (docs/internals.md, "Successors"): a process whose application changed (a
 * replaced Spring Boot jar, {@link #applicationChanged}) asks the Apache parent for a successor and
 * goes on serving; the successor (started with {@value #PREDECESSOR_ENVIRONMENT} naming this
 * process) starts the new version, accepts once it is ready and says so in a file; this process
 * then drains and exits, and the successor takes its slot. With processes=2+ the successor accepts
 * on the slot's route socket only once its predecessor is gone: that one's sessions are its own
 * until it has stopped its applications (saved them).
 */
public final class DaemonServer {
    private static final long WATCH_INTERVAL_MS = 100;
    /** The socket file is looked at every second. */
    private static final int SOCKET_CHECK_TICKS = 10;
    /** How long System.exit lets the other running requests finish before the JVM goes. */
    private static final long EXIT_GRACE_MS = 500;
    /** How long stopping the web applications (their sessions saved) may take before the process goes anyway. */
    static final long WEB_STOP_MS = 30_000;

    private final DaemonSettings settings;
    private final RuntimeContext context;
    private final LogSink sink;
    private final Log log;
    private final ServerSocketChannel listener;
    /** The process's own socket (its sessions' requests), or null. */
    private final ServerSocketChannel routeListener;
    private final Semaphore permits;
    private final RecycleCoordinator coordinator;
    private final Set<DaemonConnection> connections = ConcurrentHashMap.newKeySet();
    /** Buffers of ended connections for new ones (at most this many kept: ~55 KB each). */
    private final ConnectionBuffers.Pool buffers = new ConnectionBuffers.Pool(64);
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger stuck = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private final long started = System.nanoTime();
    private volatile long lastActivity = System.nanoTime();
    private volatile String recycleReason;
    private volatile boolean draining;
    private boolean recycling; // guarded by this
    private boolean stopping; // guarded by this
    private volatile boolean recycleStarted; // this process's turn to recycle has come
    /** The Spring Boot application this process runs refuses traffic (its ReadinessState): {@link #followReadiness}. */
    private volatile boolean refusingTraffic;
    /** The accept loops wait in poll() before they accept, so they can stop while traffic is refused. */
    private volatile boolean acceptsAfterPoll;
    /** What the accept loops wait on while traffic is refused. */
    private final Object trafficWait = new Object();

    /** Whether a request that arrives now must be left to another process (it gets GOODBYE). */
    boolean refusesRequests() {
        return draining || recycleStarted || refusingTraffic;
    }

    /** The environment variable that names the process a successor succeeds (mod_jvm_daemon.c). */
    public static final String PREDECESSOR_ENVIRONMENT = "MOD_JVM_PREDECESSOR";
    /** The process this one succeeds (rolling reload), 0: none. */
    private final long predecessor;
    /** This process asked for a successor (its application changed). */
    private volatile boolean successorWanted;
    /** A successor that does not accept on its route socket yet (its predecessor still runs). */
    private volatile boolean routeDeferred;
    /** A successor whose predecessor is still there (the watchdog looks until it is gone). */
    private boolean predecessorAlive; // (watchdog thread only)
    private final AtomicInteger threadNumbers = new AtomicInteger();
    /** Counted down when the accept loops have ended: no connection is added after that. */
    private final CountDownLatch acceptorDone;

    public DaemonServer(DaemonSettings settings, RuntimeContext context, LogSink sink, ServerSocketChannel listener) {
        this(settings, context, sink, listener, null);
    }

    /** @param routeListener the process's own socket ({@link RouteSocket}), or null */
    public DaemonServer(DaemonSettings settings, RuntimeContext context, LogSink sink, ServerSocketChannel listener,
                        ServerSocketChannel routeListener) {
        this.settings = settings;
        this.context = context;
        this.sink = sink;
        this.log = context.serverLog();
        this.listener = listener;
        this.routeListener = routeListener;
        this.acceptorDone = new CountDownLatch(routeListener == null ? 1 : 2);
        this.permits = new Semaphore(settings.threads());
        this.coordinator = new RecycleCoordinator(settings.cacheDirectory(), settings.socket(), settings.generation(),
                settings.processes(), log);
        this.predecessor = predecessor(System.getenv(PREDECESSOR_ENVIRONMENT));
        this.predecessorAlive = predecessor > 0 && alive(predecessor);
        this.routeDeferred = routeListener != null && predecessorAlive;
        if (predecessorAlive) {
            BootHandoff.predecessorRunning(predecessor); // its sessions are handed over when it exits
        }
    }

    private static long predecessor(String value) {
        try {
            return value == null ? 0 : Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The process this one succeeds (rolling reload), 0 if none. */
    public long predecessor() {
        return predecessor;
    }

    DaemonSettings settings() {
        return settings;
    }

    RuntimeContext context() {
        return context;
    }

    Log log() {
        return log;
    }

    LogSink sink() {
        return sink;
    }

    ConnectionBuffers.Pool buffers() {
        return buffers;
    }

    Semaphore permits() {
        return permits;
    }

    boolean draining() {
        return draining;
    }

    /** This process serves requests now: it counts for its group's rolling restarts ({@link RecycleCoordinator}). */
    public void ready() {
        coordinator.ready();
        if (predecessor > 0) {
            coordinator.successorReady(predecessor);
        }
    }

    /**
     * Tells the log relay that this process accepts connections (its line, {@link DaemonLog}): on its
     * route socket too, unless it has none, or it is a successor whose predecessor still runs.
     */
    public void announceReady(DaemonLog relay) {
        if (routeDeferred) {
            relay.readyRoutePending();
        } else {
            relay.ready(routeListener != null);
        }
    }

    /** The process's own socket ({@link RouteSocket}), or null: none, or it cannot be had (logged). */
    public static ServerSocketChannel routeSocket(DaemonSettings settings, Log log) {
        return RouteSocket.open(settings, log);
    }

    /** Whether the process accepts on its own socket too (the requests of its sessions). */
    public boolean routed() {
        return routeListener != null;
    }

    /** Accepts connections until the process drains. */
    public void run() {
        Thread watchdog = new Thread(this::watch, "mod_jvm-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        if (routeListener != null && !routeDeferred) {
            acceptRoute();
        }
        accept(listener);
    }

    private void acceptRoute() {
        Thread routes = new Thread(() -> accept(routeListener), "mod_jvm-accept-route");
        routes.setDaemon(true);
        routes.start();
    }

    /**
     * A successor's predecessor has exited (its sessions saved): this process accepts on the
     * route socket now, where what waited for the slot's process is (watchdog).
     */
    private void takeRoute() {
        if (!claimDeferredRoute()) {
            return;
        }
        log.log(Message.JVM01478, "daemon process (pid " + ProcessHandle.current().pid() + ") takes over route "
                + settings.route() + " (the requests of its sessions) from the process it succeeds (pid " + predecessor
                + "), which has exited");
        acceptRoute();
        if (sink instanceof DaemonLog relay) {
            relay.ready(true);
        }
    }

    /** Whether this call ends the wait for the route socket (once: the watchdog or the drain). */
    private synchronized boolean claimDeferredRoute() {
        if (!routeDeferred) {
            return false;
        }
        routeDeferred = false;
        return true;
    }

    /**
     * The application this process serves changed (a replaced Spring Boot jar, seen in a request):
     * the Apache parent starts a successor, which starts the new version; this process serves until
     * the successor is ready. Without a directory the group's processes share (no cache directory)
     * the process recycles as for a changed script: its replacement starts the new version.
     */
    public void applicationChanged(String what) {
        if (!coordinator.shared() || !(sink instanceof DaemonLog relay)) {
            requestRecycle(what + " changed");
            return;
        }
        synchronized (this) {
            if (successorWanted || draining || recycling || stopping) {
                return;
            }
            successorWanted = true;
        }
        log.log(Message.JVM01475, what + " changed: daemon process (pid " + ProcessHandle.current().pid()
                + ") asks the Apache parent for a successor, which starts the new version; this process serves"
                + " until the successor is ready");
        relay.successorWanted();
    }

    private void accept(ServerSocketChannel from) {
        IOException failure = null;
        try {
            while (!draining) {
                SocketChannel channel;
                if (acceptsAfterPoll && !awaitConnection(from)) {
                    continue;
                }
                try {
                    channel = from.accept();
                } catch (IOException e) {
                    failure = draining ? null : e;
                    break;
                }
                DaemonConnection connection = new DaemonConnection(this, channel);
                connections.add(connection);
                Thread thread = new Thread(connection, "mod_jvm-connection-" + threadNumbers.incrementAndGet());
                thread.setDaemon(true);
                thread.start();
                if (draining) {
                    connection.closeIfIdle();
                }
            }
        } finally {
            acceptorDone.countDown();
        }
        if (failure != null) {
            log.log(Message.JVM01302, "accepting connections failed: " + failure);
            recycle("the listening socket failed", 0);
        }
    }

    /**
     * Waits while the application refuses traffic, then up to 250 ms for a connection to wait on
     * {@code from} (the loop then looks again at what it must do): true when one does. Another
     * process of the group may take it first; this one then waits in accept() for the next, and
     * one it takes while traffic is refused meanwhile gets GOODBYE.
     */
    private boolean awaitConnection(ServerSocketChannel from) {
        synchronized (trafficWait) {
            while (refusingTraffic && !draining) {
                try {
                    trafficWait.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !draining && ListenerWaits.connectionWaiting(from, 250);
    }

    /**
     * Follows the readiness state of the Spring Boot application this process runs, once the
     * process is ready (docs/spring-boot.md, "Readiness"): while the application refuses traffic
     * ({@code ReadinessState.REFUSING_TRAFFIC}) the process is not ready for Apache (its relay
     * says so), accepts no connection, says GOODBYE to requests and closes its idle connections:
     * Apache sends them to the group's other processes, or waits for a ready one (socket-timeout).
     * Nothing for other processes.
     */
    public void followReadiness() {
        if (!BootHandoff.running()) {
            return;
        }
        acceptsAfterPoll = ListenerWaits.unavailable() == null;
        BootHandoff.onReadiness(this::readinessChanged);
    }

    private void readinessChanged() {
        boolean accepting = BootHandoff.acceptingTraffic();
        synchronized (this) {
            if (accepting != refusingTraffic || draining || recycling || stopping) {
                return; // no change, or the process stops anyway (Boot refuses traffic when its context closes)
            }
            refusingTraffic = !accepting;
            if (sink instanceof DaemonLog relay) {
                if (accepting) {
                    announceReady(relay);
                } else {
                    relay.unready();
                }
            }
        }
        synchronized (trafficWait) {
            trafficWait.notifyAll();
        }
        long pid = ProcessHandle.current().pid();
        if (accepting) {
            log.log(Message.JVM01455, "Spring Boot application accepts traffic again (ReadinessState ACCEPTING_TRAFFIC):"
                    + " daemon process (pid " + pid + ") takes requests");
            return;
        }
        String waits = ListenerWaits.unavailable();
        log.log(Message.JVM01454, "Spring Boot application refuses traffic (its ReadinessState is REFUSING_TRAFFIC):"
                + " daemon process (pid " + pid + ") takes no requests until it accepts traffic again; Apache sends them"
                + " to the group's other processes, or they wait for a ready one (socket-timeout)"
                + (waits == null ? "" : " (this process still accepts connections, and answers each GOODBYE: " + waits + ")"));
        closeIdleConnections();
    }

    void requestStarted() {
        running.incrementAndGet();
        lastActivity = System.nanoTime();
    }

    void requestEnded() {
        running.decrementAndGet();
        lastActivity = System.nanoTime();
        long count = served.incrementAndGet();
        if (settings.maximumRequests() > 0 && count >= settings.maximumRequests()) {
            requestRecycle("maximum-requests (" + settings.maximumRequests() + ") reached");
        }
    }

    /** A request was given up (request-timeout, or Apache closed its connection) and its thread
     * stays busy: it counts as stuck until it returns. */
    int requestStuck() {
        return stuck.incrementAndGet();
    }

    /** A request counted as stuck has finally returned: its thread is free again. */
    void stuckRequestReturned() {
        stuck.decrementAndGet();
    }

    void closed(DaemonConnection connection) {
        connections.remove(connection);
    }

    /** A mounted script changed: a fresh process must serve it (the new version already runs). */
    public void scriptChanged(String script) {
        requestRecycle("script " + script + " changed");
    }

    void requestRecycle(String reason) {
        if (recycleReason == null) {
            recycleReason = reason;
            // start at once when it is this process's turn: a process past maximum-requests
            // stops taking requests now, not at the watchdog's next look
            if (!draining && coordinator.tryBegin()) {
                recycleStarted = true;
                Thread recycler = new Thread(() -> recycle(reason, settings.gracefulTimeout()), "mod_jvm-recycle");
                recycler.setDaemon(true);
                recycler.start();
            }
        }
    }

    private void watch() {
        long requestTimeout = settings.requestTimeout() * 1_000_000L;
        // Apache closing the connection of a running request (it gave up on it) is noticed here:
        // the request's thread is busy in the application and cannot see it
        boolean hangups = PeerHangup.unavailable() == null;
        long ticks = 0;
        while (!draining) {
            try {
                Thread.sleep(WATCH_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            if (requestTimeout > 0 || hangups) {
                for (DaemonConnection c : connections) {
                    if (requestTimeout > 0 && c.timeOut(requestTimeout, now)) {
                        log.log(Message.JVM01310, "a request ran longer than request-timeout ("
                                + settings.requestTimeout() / 1000 + " s): answered 504 (or cut its response short)"
                                + " and interrupted its thread");
                    } else if (hangups) {
                        c.checkAbandoned(now);
                    }
                    int n = c.countIfStuck(now);
                    if (n > 0) {
                        log.log(Message.JVM01336, "a request given up on (request-timeout passed, or Apache closed"
                                + " its connection) still runs " + DaemonConnection.STUCK_AFTER_NANOS / 1_000_000_000L
                                + " s after its thread was interrupted (it ignores interrupts, or computes): " + n + " of "
                                + settings.threads() + " threads now stuck");
                        if (n >= settings.threads()) {
                            recycle("all threads are stuck in requests given up on (request-timeout passed, or Apache"
                                    + " closed their connections)", 0);
                            return;
                        }
                    }
                }
            }
            if (settings.restartInterval() > 0 && now - started > settings.restartInterval() * 1_000_000L) {
                requestRecycle("restart-interval (" + settings.restartInterval() / 1000 + " s) reached");
            }
            if (settings.inactivityTimeout() > 0 && running.get() == 0
                    && now - lastActivity > settings.inactivityTimeout() * 1_000_000L) {
                requestRecycle("inactive for inactivity-timeout (" + settings.inactivityTimeout() / 1000 + " s)");
            }
            if (++ticks % SOCKET_CHECK_TICKS == 0 && socketFileGone()) {
                log.log(Message.JVM01325, "the socket file " + settings.socket() + " was removed or replaced:"
                        + " new connections cannot reach this process; it exits so that Apache starts one on a new socket");
                recycle("its socket file was removed", settings.gracefulTimeout());
                return;
            }
            if (successorWanted && !draining) {
                long successor = coordinator.readySuccessor();
                if (successor > 0) {
                    coordinator.successorSeen();
                    log.log(Message.JVM01476, "the successor of daemon process (pid " + ProcessHandle.current().pid()
                            + ") is ready (pid " + successor + "): this process stops taking requests, lets the"
                            + " running ones finish and exits; the successor serves the new version");
                    recycle("its successor (pid " + successor + ") is ready", settings.gracefulTimeout());
                    return;
                }
            }
            if (predecessorAlive && !alive(predecessor)) {
                predecessorAlive = false;
                // its file has served: a later process with the predecessor's pid must not find it
                coordinator.successorFileDone(predecessor);
                // its sessions are saved now: loaded before the route's requests come here
                BootHandoff.predecessorGone();
                takeRoute();
            }
            String reason = recycleReason;
            if (reason != null && !draining && !recycleStarted && coordinator.tryBegin()) {
                recycleStarted = true;
                recycle(reason, settings.gracefulTimeout());
                return;
            }
        }
    }

    /**
     * Whether the socket file Apache's children connect to is no longer this process's listening
     * socket (removed by a tmp cleaner or an operator, or replaced). The Apache parent makes a
     * new one when it starts this process's replacement. A file this process may not look at
     * (a directory closed to its user) counts as present.
     */
    private boolean socketFileGone() {
        if (settings.socketInode() <= 0 || settings.socket().isEmpty()) {
            return false;
        }
        try {
            Object inode = Files.getAttribute(Path.of(settings.socket()), "unix:ino", LinkOption.NOFOLLOW_LINKS);
            return inode instanceof Long n && n != settings.socketInode();
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Drains and exits (0: the parent starts a replacement and logs it as a recycle). */
    void recycle(String reason, long timeoutMillis) {
        synchronized (this) {
            if (recycling || stopping) {
                return;
            }
            recycling = true;
        }
        List<Long> serving = coordinator.servingWhenTurnCame();
        log.log(Message.JVM01303, "recycling daemon process (pid " + ProcessHandle.current().pid() + "): "
                + reason + "; " + served.get() + " requests served" + (serving.isEmpty() ? ""
                : "; the group's other processes serving: " + serving.stream().map(String::valueOf)
                        .collect(Collectors.joining(" "))));
        drain(timeoutMillis);
        stopWebApplications();
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /**
     * Stops the web applications, if any ran here, once no request runs any more: their listeners'
     * contextDestroyed run and their sessions are saved for the process that takes this one's route
     * (Sessions, in the servlet engine). Bounded: a web application that does not stop does not keep
     * the process from going (its sessions are lost then, JVM01426).
     */
    private void stopWebApplications() {
        Thread stopper = new Thread(() -> context.webEngines().stop(), "mod_jvm-web-stop");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(WEB_STOP_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            log.log(Message.JVM01426, "stopping the web applications (saving their sessions) took longer than "
                    + WEB_STOP_MS / 1000 + " s: the process exits without waiting for them; their sessions may be lost");
        }
    }

    /**
     * A connection of the next configuration generation arrived: Apache has restarted and this
     * process's SIGTERM is on its way. Stop accepting now, as SIGTERM would.
     */
    void generationEnded() {
        if (!draining) {
            Thread stopper = new Thread(this::shutdown, "mod_jvm-shutdown");
            stopper.setDaemon(true);
            stopper.start();
        }
    }

    /** SIGTERM (Apache restarts or stops): drain within shutdown-timeout, then exit 0. */
    public void shutdown() {
        synchronized (this) {
            if (draining || recycling || stopping) {
                return;
            }
            stopping = true; // (SIGTERM and a next-generation connection may both ask)
        }
        log.log(Message.JVM01304, "daemon process (pid " + ProcessHandle.current().pid() + ") stopping: "
                + running.get() + " requests running");
        drain(settings.shutdownTimeout());
        stopWebApplications();
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /**
     * The JVM exits without SIGTERM: an application called System.exit (or SIGINT/SIGHUP). Nothing
     * new may start: the JVM's exit takes a moment (up to 300 ms waiting for threads in native
     * code, all Java threads stopped) while the accept loop and idle connections would otherwise
     * take Apache's next requests into a process about to vanish (each a 502). So: stop accepting,
     * give the other running requests a moment to finish, and send every idle connection away
     * with GOODBYE, so Apache's next requests wait for the replacement.
     */
    public void exiting() {
        synchronized (this) {
            if (draining || recycling || stopping) {
                return;
            }
            stopping = true;
        }
        log.log(Message.JVM01324, "daemon process (pid " + ProcessHandle.current().pid() + ") is exiting"
                + " (System.exit in an application?) with " + running.get() + " requests running: the others get "
                + EXIT_GRACE_MS + " ms to finish; Apache starts a new process");
        stopTakingRequests();
        try {
            acceptorDone.await(200, TimeUnit.MILLISECONDS); // (a connection accepted just before the close)
            // the other running requests get a moment to finish (the caller of System.exit is
            // one of them and never does); a connection that goes idle is closed with GOODBYE
            long deadline = System.nanoTime() + EXIT_GRACE_MS * 1_000_000L;
            while (running.get() > 1 && System.nanoTime() < deadline) {
                closeIdleConnections();
                Thread.sleep(10);
            }
            Thread.sleep(10); // (a request that just ended: its connection turns idle)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeIdleConnections();
        System.out.flush();
    }

    /** No new connection, no new request: the accept loop ends, a request that arrives gets GOODBYE. */
    private void stopTakingRequests() {
        draining = true;
        synchronized (trafficWait) {
            trafficWait.notifyAll(); // (an accept loop waiting for traffic ends)
        }
        if (claimDeferredRoute()) {
            acceptorDone.countDown(); // (its accept loop never ran)
        }
        coordinator.notReady();
        for (ServerSocketChannel l : routeListener == null ? List.of(listener) : List.of(listener, routeListener)) {
            try {
                l.close();
            } catch (IOException ignored) {
                // the other processes and the parent keep the socket open (the route socket waits
                // for this process's replacement)
            }
        }
    }

    private void closeIdleConnections() {
        for (DaemonConnection c : connections) {
            c.closeIfIdle();
        }
    }

    /** @return true if every running request ended in time */
    private boolean drain(long timeoutMillis) {
        stopTakingRequests();
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        // a connection accept() returned just before the close is registered only after: the
        // drain must see it (else the exit drops it with Apache's request unread: a 502)
        try {
            acceptorDone.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        while (true) {
            closeIdleConnections();
            // done when every connection is closed, each idle one after its GOODBYE: one that
            // just went idle may already carry Apache's next request, which must get GOODBYE
            // (so Apache resends it), never a bare end of the connection
            boolean allClosed = true;
            for (DaemonConnection c : connections) {
                allClosed &= c.closed();
            }
            if (allClosed && running.get() == 0) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                log.log(Message.JVM01305, running.get() + " requests still running after the drain"
                        + " timeout of " + timeoutMillis / 1000 + " s: exiting anyway");
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return false;
            }
        }
    }
}
