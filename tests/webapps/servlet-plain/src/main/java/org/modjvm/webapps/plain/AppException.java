package org.modjvm.webapps.plain;

/** The exception type web.xml maps to /error-page ({@code <exception-type>}). */
public final class AppException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AppException(String message) {
        super(message);
    }
}
