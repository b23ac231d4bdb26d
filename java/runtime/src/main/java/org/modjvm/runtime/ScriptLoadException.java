package org.modjvm.runtime;

/**
 * A script could not be loaded: its message (possibly several lines, e.g. compiler
 * diagnostics) is what the error log gets, under {@link #code}. A {@link #temporary} failure
 * (a compiler process that timed out) says nothing about the source: it is retried after a
 * while instead of being remembered until the file changes.
 */
final class ScriptLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    final String code;
    final boolean temporary;

    ScriptLoadException(String code, String message) {
        this(code, message, null, false);
    }

    ScriptLoadException(String code, String message, Throwable cause) {
        this(code, message, cause, false);
    }

    private ScriptLoadException(String code, String message, Throwable cause, boolean temporary) {
        super(message, cause, false, false);
        this.code = code;
        this.temporary = temporary;
    }

    static ScriptLoadException temporary(String code, String message) {
        return new ScriptLoadException(code, message, null, true);
    }

    void log(Log log) {
        if (getCause() != null) {
            log.log(Log.ERR, code, getMessage(), getCause());
        } else {
            log.log(Log.ERR, code, getMessage());
        }
    }
}
