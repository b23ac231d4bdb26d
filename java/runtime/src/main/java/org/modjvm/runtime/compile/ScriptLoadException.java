package org.modjvm.runtime.compile;

import org.modjvm.runtime.log.Log;

/**
 * A script could not be loaded: its message (possibly several lines, e.g. compiler
 * diagnostics) is what the error log gets, under {@link #code}. A {@link #temporary} failure
 * (a compiler process that timed out) says nothing about the source: it is retried after a
 * while instead of being remembered until the file changes. A {@link #forbidden} one is a file
 * the process must not run (not owned by the daemon group's script-user): the request gets 403.
 */
public final class ScriptLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A temporary load failure answers 500 for this long, then the next request tries again. */
    public static final long TEMPORARY_FAILURE_RETRY_NANOS = 30_000_000_000L;

    public final String code;
    public final boolean temporary;
    public final boolean forbidden;

    public ScriptLoadException(String code, String message) {
        this(code, message, null, false, false);
    }

    public ScriptLoadException(String code, String message, Throwable cause) {
        this(code, message, cause, false, false);
    }

    private ScriptLoadException(String code, String message, Throwable cause, boolean temporary, boolean forbidden) {
        super(message, cause, false, false);
        this.code = code;
        this.temporary = temporary;
        this.forbidden = forbidden;
    }

    static ScriptLoadException temporary(String code, String message) {
        return new ScriptLoadException(code, message, null, true, false);
    }

    public static ScriptLoadException forbidden(String code, String message) {
        return new ScriptLoadException(code, message, null, false, true);
    }

    public void log(Log log) {
        if (getCause() != null) {
            log.log(Log.ERR, code, getMessage(), getCause());
        } else {
            log.log(Log.ERR, code, getMessage());
        }
    }
}
