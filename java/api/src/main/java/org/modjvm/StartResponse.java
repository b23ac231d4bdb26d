package org.modjvm;

import java.util.List;
import java.util.Map;

/**
 * The {@code start_response} callable of PEP 3333, in Java.
 *
 * <p>Nothing reaches the client when {@code start} is called: the status and headers are sent
 * with the first non-empty body chunk (or when the body turns out to be empty).
 */
public interface StartResponse {
    /**
     * Sets the status and headers of the response.
     *
     * @param status  a status line such as {@code "200 OK"}: three digits, a space, a reason
     * @param headers header names and values, in order; names are tokens, values contain no
     *                CR, LF or other control characters, and hop-by-hop headers
     *                ({@code Connection}, {@code Transfer-Encoding} …) are not allowed
     * @return a {@link Write} for imperative output (prefer returning the body)
     * @throws IllegalStateException    if called a second time without {@code excInfo}
     * @throws IllegalArgumentException if the status or a header is invalid
     */
    Write start(String status, List<Map.Entry<String, String>> headers);

    /**
     * Like {@link #start(String, List)}, from an error handler. If the headers have not been
     * sent yet they are replaced; if they have, {@code excInfo} is rethrown (the response can
     * no longer change) and mod_jvm aborts the connection.
     *
     * @param excInfo the error being handled, or {@code null} for a plain {@code start}
     */
    Write start(String status, List<Map.Entry<String, String>> headers, Throwable excInfo);
}
