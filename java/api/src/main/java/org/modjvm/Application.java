package org.modjvm;

import java.util.Map;

/**
 * A web application: the Java twin of a WSGI callable.
 *
 * <p>mod_jvm calls {@link #call} once per request. The application calls
 * {@code startResponse.start(...)} with the status and headers, then returns the body as an
 * iterable of chunks ({@code byte[]} or {@link java.nio.ByteBuffer}). mod_jvm sends each chunk
 * as it is produced and calls {@code close()} on the iterable, if it is
 * {@link AutoCloseable}, whatever happens.
 *
 * <p>A script exposes an application as a {@code public static} member named
 * {@code application}: either a method with this signature, or a field whose type implements
 * this interface.
 */
@FunctionalInterface
public interface Application {
    /**
     * Handles one request.
     *
     * @param environ the CGI variables and {@code jvm.*} / {@code mod_jvm.*} entries of the request
     *                (see {@link Environ})
     * @param startResponse starts the response; must be called before the first body chunk
     * @return the body chunks, never {@code null}
     * @throws Exception anything; mod_jvm answers 500 (if nothing was sent yet) and logs it
     */
    Iterable<?> call(Map<String, Object> environ, StartResponse startResponse) throws Exception;
}
