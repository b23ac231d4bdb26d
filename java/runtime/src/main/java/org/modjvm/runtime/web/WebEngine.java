package org.modjvm.runtime.web;

/**
 * A servlet engine with mod_jvm as its connector: one per JVM, serving every web application
 * mounted in it. Thread-safe: the JVM's request threads call {@link #serve} at once.
 */
public interface WebEngine {
    /**
     * Serves one request on the calling thread (the request's own: Apache's thread in embedded
     * mode, the connection's in daemon mode), writing the response through the request's
     * transport.
     *
     * @return as {@code core.RequestHandler.handle}: 0 (the response was produced), an HTTP
     *         status &gt; 0 (nothing was sent: Apache answers with its error page), or -1 (failed
     *         after the head was sent: Apache aborts the connection)
     */
    int serve(WebRequest request);

    /**
     * Deploys the web application {@code root} at {@code contextPath} now, as a request would
     * (a daemon group deploys its web applications when it starts); {@code mtime} and
     * {@code size} are the WAR's as C stats it (0 for a directory). A failure is logged.
     */
    void deploy(String root, String contextPath, long mtime, long size);

    /** Stops every web application (their listeners' contextDestroyed run) and the engine. */
    void stop();
}
