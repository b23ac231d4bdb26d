package org.modjvm.runtime.compile;

import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

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

    /** The number it is logged under, {@code JVMnnnnn} (also what the compiler process reports). */
    public final String code;
    private final Message kind;
    public final boolean temporary;
    public final boolean forbidden;

    public ScriptLoadException(Message kind, String message) {
        this(kind, message, null, false, false);
    }

    public ScriptLoadException(Message kind, String message, Throwable cause) {
        this(kind, message, cause, false, false);
    }

    private ScriptLoadException(Message kind, String message, Throwable cause, boolean temporary, boolean forbidden) {
        super(message, cause, false, false);
        this.kind = kind;
        this.code = kind.id();
        this.temporary = temporary;
        this.forbidden = forbidden;
    }

    static ScriptLoadException temporary(Message kind, String message) {
        return new ScriptLoadException(kind, message, null, true, false);
    }

    public static ScriptLoadException forbidden(Message kind, String message) {
        return new ScriptLoadException(kind, message, null, false, true);
    }

    public void log(Log log) {
        if (getCause() != null) {
            log.log(kind, getMessage(), getCause());
        } else {
            log.log(kind, getMessage());
        }
    }
}
