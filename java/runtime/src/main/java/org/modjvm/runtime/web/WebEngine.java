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

    /** Stops every web application (their listeners' contextDestroyed run) and the engine. */
    void stop();
}
