package org.modjvm.runtime.apps;

import java.util.concurrent.ConcurrentHashMap;
import org.modjvm.runtime.compile.ScriptClasses;

/**
 * One version of a script in one generation of its group: loaded (its classes are in the
 * generation's loader) or failed (the failure was logged). Immutable except for the callables
 * resolved from it, which later versions with the same content share.
 */
final class LoadedScript {
    final long mtime;
    final long size;
    final byte[] sha256;
    /** Class bytes of a compiled source (carried into the next generation), or a jar's descriptor without bytes. */
    final ScriptClasses classes;
    final GroupClassLoader loader;
    /** Non-null when the script failed to load. */
    final String failure;
    /** For a temporary failure: the {@link System#nanoTime()} after which it is retried; else 0. */
    final long retryAt;
    /** Callable name → resolved application (or its failure). */
    final ConcurrentHashMap<String, LoadedApplication> callables;

    private LoadedScript(long mtime, long size, byte[] sha256, ScriptClasses classes, GroupClassLoader loader,
                         String failure, long retryAt, ConcurrentHashMap<String, LoadedApplication> callables) {
        this.mtime = mtime;
        this.size = size;
        this.sha256 = sha256;
        this.classes = classes;
        this.loader = loader;
        this.failure = failure;
        this.retryAt = retryAt;
        this.callables = callables;
    }

    static LoadedScript loaded(long mtime, long size, byte[] sha256, ScriptClasses classes, GroupClassLoader loader) {
        return new LoadedScript(mtime, size, sha256, classes, loader, null, 0, new ConcurrentHashMap<>(4));
    }

    /** @param retryAt for a temporary failure, when to retry ({@link System#nanoTime()}); 0 for a lasting one */
    static LoadedScript failed(long mtime, long size, byte[] sha256, String failure, long retryAt) {
        ConcurrentHashMap<String, LoadedApplication> none = new ConcurrentHashMap<>(1);
        return new LoadedScript(mtime, size, sha256, null, null, failure, retryAt, none);
    }

    /** The same content seen with a new mtime/size (a touch, a copy): keeps everything loaded. */
    LoadedScript restamped(long newMtime, long newSize) {
        return new LoadedScript(newMtime, newSize, sha256, classes, loader, failure, retryAt, callables);
    }

    boolean loaded() {
        return failure == null;
    }

    /** A failure that says nothing about this content (a timeout), so the same content is loaded again. */
    boolean temporaryFailure() {
        return failure != null && retryAt != 0;
    }

    /**
     * Whether this version still answers the request without looking at the file. A loaded
     * script is re-checked only with reloading on; a failed one always is (when its stat
     * changes), so fixing a broken script needs no restart; a temporary failure also when
     * its time has come.
     */
    boolean current(ScriptRequest request) {
        if (retryAt != 0 && System.nanoTime() - retryAt >= 0) {
            return false;
        }
        boolean sameStat = mtime == request.mtime() && size == request.size();
        return sameStat || (failure == null && !request.reloading());
    }
}
