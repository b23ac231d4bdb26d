package org.modjvm.runtime.core;

import java.io.IOException;

/**
 * The web server reported that the client has gone, or (HEAD) that the response is complete:
 * thrown by {@code Write.write} and by body sending, so the application stops producing output.
 * Not an error worth a stack trace.
 */
final class ClientGoneException extends IOException {
    private static final long serialVersionUID = 1L;

    ClientGoneException() {
        this("the client has gone away: the response cannot be delivered");
    }

    /** The same for another reason no more output is wanted (a HEAD response that is complete). */
    ClientGoneException(String message) {
        super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // expected event, thrown often under load: no stack walk
    }
}
