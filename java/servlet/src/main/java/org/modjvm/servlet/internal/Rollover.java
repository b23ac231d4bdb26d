package org.modjvm.servlet.internal;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.apache.catalina.Context;
import org.apache.catalina.util.SessionConfig;
import org.modjvm.runtime.web.WebRequest;

/**
 * One change of a web application rolled in, in daemon mode (docs/internals.md, "Web
 * applications"): the new version deploys beside the old one, which keeps serving; once it has
 * started, Tomcat's Mapper sends it the requests without a session (it is the newest version
 * at the path: Tomcat's parallel deployment, {@code /shop##0000000002}), while the requests of
 * a session the old version holds still go to the old one (Tomcat's CoyoteAdapter looks the
 * session up in each version). Then the old version's sessions are handed to the new one: this
 * gate holds the requests that carry a session id for that moment only.
 *
 * <p>While a rollover is under way, the requests of the application pass {@link #serve}: those
 * that carry a session id (the session cookie, or the path parameter) are counted while they
 * run, so that the hand-over waits for those that were let through before it began; when the
 * gate is closed they wait for it to open. Requests without a session id are never held. Once
 * the new version has the sessions, the deployment drops its rollover and its requests pass
 * nothing but a null check again.
 */
final class Rollover {
    /** The longest a request carrying a session waits for the gate (the hand-over failed to open it: never forever). */
    static final long GATE_WAIT_MS = 60_000;

    /** The WAR's (or directory's) modification time and size the new version is deployed from. */
    final long mtime;
    final long size;
    final long noticed = System.nanoTime();

    /** What marks a request as carrying a session id: "JSESSIONID=" and ";jsessionid=" (the application's names). */
    private volatile String[] markers;
    /** Requests carrying a session id let through the gate and not done yet. */
    private final AtomicInteger running = new AtomicInteger();
    /** Non-null while the gate is closed: what its requests wait on. */
    private volatile CountDownLatch closed;
    /** The new version when it failed to deploy (its watch, for a directory: a later change is another rollover). */
    private volatile Deployment failed;
    private volatile boolean failedWithoutDeployment;
    private volatile boolean done;
    private volatile long closedAt;
    private volatile long openedAt;

    /** A rollover of the application whose serving version names its sessions {@code cookie} and {@code parameter}. */
    Rollover(long mtime, long size, String cookie, String parameter) {
        this.mtime = mtime;
        this.size = size;
        this.markers = markers(cookie, parameter, new String[0]);
    }

    /** The session cookie's name of a started context (JSESSIONID unless it says otherwise). */
    static String cookieName(Context context) {
        return SessionConfig.getSessionCookieName(context);
    }

    /** The session path parameter's name of a started context (jsessionid unless it says otherwise). */
    static String parameterName(Context context) {
        return SessionConfig.getSessionUriParamName(context);
    }

    /**
     * Whether a request that names this modification time and size is served by the version
     * serving now without anything else to do: its new version is being deployed, or failed to
     * (and, for a directory, nothing changed since).
     */
    boolean covers(long mtime, long size) {
        if (!done) {
            return this.mtime == mtime && this.size == size;
        }
        Deployment candidate = failed;
        if (candidate == null) {
            return failedWithoutDeployment && this.mtime == mtime && this.size == size;
        }
        return candidate.matches(mtime, size);
    }

    /** The rollover is over: a request that names another version starts the next one. */
    boolean done() {
        return done;
    }

    /**
     * The new version failed to deploy ({@code candidate}: what it left, or null if the deploy
     * threw): the old one keeps serving until the application changes again.
     */
    void failed(Deployment candidate) {
        failed = candidate;
        failedWithoutDeployment = candidate == null;
        done = true;
    }

    void finished() {
        done = true;
    }

    /**
     * Serves the request through {@code serving} (the engine's processors), held while the gate is
     * closed if it carries a session id.
     */
    int serve(WebRequest request, ToIntFunction<WebRequest> serving) {
        if (!carriesSession(request)) {
            return serving.applyAsInt(request);
        }
        while (true) {
            running.incrementAndGet();
            CountDownLatch gate = closed;
            if (gate == null) {
                break;
            }
            // (counted before the gate was looked at: close() either saw this request, or this request sees the gate)
            running.decrementAndGet();
            try {
                if (!gate.await(GATE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    running.incrementAndGet();
                    break; // never held forever: served by whichever version holds its session now
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.incrementAndGet();
                break;
            }
        }
        try {
            return serving.applyAsInt(request);
        } finally {
            running.decrementAndGet();
        }
    }

    /**
     * Closes the gate (adding the new version's session names, {@code cookie} and
     * {@code parameter}, to what marks a request as carrying a session) and waits until the
     * requests carrying a session that were let through are done, at most {@code limitMillis}.
     *
     * @return true if they are done, false if some still run
     */
    boolean close(String cookie, String parameter, long limitMillis) {
        markers = markers(cookie, parameter, markers);
        if (closed == null) {
            closedAt = System.nanoTime();
            closed = new CountDownLatch(1);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMillis);
        while (running.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Opens the gate: the requests that waited go on (to the new version, which has their sessions now). */
    void open() {
        CountDownLatch gate = closed;
        closed = null;
        if (gate != null) {
            openedAt = System.nanoTime();
            gate.countDown();
        }
    }

    /** How long the gate was closed, in nanoseconds (0 if it never was). */
    long held() {
        return closedAt == 0 || openedAt == 0 ? 0 : openedAt - closedAt;
    }

    /**
     * Whether the request names a session: the application's session cookie among its headers
     * (a header that merely contains the name makes a request wait needlessly, never wrongly),
     * or the session path parameter in its URI. Only while a rollover is under way.
     */
    boolean carriesSession(WebRequest request) {
        HashMap<String, Object> environ = request.frame().environ();
        Object headers = environ.get("mod_jvm.headers");
        Object uri = environ.get("REQUEST_URI");
        for (String marker : markers) {
            Object where = marker.charAt(0) == ';' ? uri : headers;
            if (where instanceof String text && text.contains(marker)) {
                return true;
            }
        }
        return false;
    }

    private static String[] markers(String cookie, String parameter, String[] before) {
        LinkedHashSet<String> all = new LinkedHashSet<>(List.of(before));
        all.add(cookie + "=");
        all.add(";" + parameter + "=");
        return all.toArray(String[]::new);
    }
}
