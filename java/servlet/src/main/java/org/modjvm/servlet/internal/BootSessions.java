package org.modjvm.servlet.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.web.BootHandoff;
import org.modjvm.runtime.web.WebRequest;

/**
 * Sessions of a Spring Boot application's own Tomcat as of a WAR in mod_jvm's engine
 * ({@link Sessions}; docs/spring-boot.md, "Sessions"): the daemon process's route as Tomcat's
 * jvmRoute (session ids end in {@code .<route>}, Apache's sticky routing), and the sessions
 * handed to the next process of the route in the group's cache directory. Called by mod_jvm's
 * auto-configuration (java/boot) for the application's Context, before Boot's Tomcat starts it;
 * like {@link BootConnectorProtocol}, this class is in Boot's class loader (loader.path).
 */
public final class BootSessions {
    /** Held until the process exits: it holds the route's lock (never released before the sessions are saved). */
    private static volatile Sessions sessions;
    /** Open while a successor waits for its predecessor's sessions (null otherwise). */
    private static volatile CountDownLatch handover;

    private BootSessions() {
    }

    /**
     * Gives {@code context} the route and our session file. In daemon mode with a cache
     * directory, waits first (at most {@link Sessions#HANDOVER_WAIT_MS}) for the process before
     * on this route to have saved its sessions and exited: Boot's start waits with it.
     */
    public static void configure(Context context) {
        RuntimeConfig config = BootHandoff.config();
        Log log = BootHandoff.serverLog();
        if (config == null || log == null) {
            return; // not launched by mod_jvm's runtime: nothing of ours to do
        }
        // a successor (a rolling reload) starts while the process it succeeds still serves: that
        // one saves its sessions when it exits, after this one is ready, so they are taken over then
        boolean later = BootHandoff.successorOfRunningProcess();
        Sessions started = Sessions.start(config, log, later);
        sessions = started;
        started.configure(context, BootHandoff.jar());
        if (later) {
            CountDownLatch pending = new CountDownLatch(1);
            handover = pending;
            BootHandoff.whenPredecessorGone(() -> {
                try {
                    started.takeOverLater();
                } finally {
                    pending.countDown();
                    handover = null;
                }
            });
        }
    }

    /**
     * A request that carries a session waits (at most {@link Sessions#HANDOVER_WAIT_MS}) while a
     * successor has not taken over its predecessor's sessions yet: served before, it would find no
     * session and the client would get a new one. Requests without one do not wait. (With
     * processes=2 and more the route's requests reach a successor only after the hand-over anyway;
     * this covers processes=1, where every request comes through the group's socket.)
     */
    static void awaitHandover(WebRequest request) {
        CountDownLatch pending = handover;
        if (pending == null || !carriesSession(request)) {
            return;
        }
        try {
            pending.await(Sessions.HANDOVER_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean carriesSession(WebRequest request) {
        java.util.HashMap<String, Object> environ = request.frame().environ();
        return environ.get("mod_jvm.headers") instanceof String headers && headers.contains("JSESSIONID=")
                || environ.get("REQUEST_URI") instanceof String uri && uri.contains(";jsessionid=");
    }
}
