package org.modjvm.runtime.core;

/**
 * The application broke the application contract (returned null, a body chunk of a wrong
 * type, no start_response …). Logged as a one-line message: the stack trace would only show
 * the runtime.
 */
final class ContractViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ContractViolation(String message) {
        super(message, null, false, false);
    }
}
