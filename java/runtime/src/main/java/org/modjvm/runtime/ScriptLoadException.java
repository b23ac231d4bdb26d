package org.modjvm.runtime;

/**
 * A script could not be loaded: its message (possibly several lines, e.g. compiler
 * diagnostics) is what the error log gets, under {@link #code}.
 */
final class ScriptLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    final String code;

    ScriptLoadException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    ScriptLoadException(String code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
    }

    void log(Log log) {
        if (getCause() != null) {
            log.log(Log.ERR, code, getMessage(), getCause());
        } else {
            log.log(Log.ERR, code, getMessage());
        }
    }
}
