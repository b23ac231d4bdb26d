package org.modjvm.servlet.internal;

import org.apache.catalina.Context;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.web.BootHandoff;

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
        Sessions started = Sessions.start(config, log);
        sessions = started;
        started.configure(context, BootHandoff.jar());
    }
}
