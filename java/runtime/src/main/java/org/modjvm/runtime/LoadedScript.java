package org.modjvm.runtime;

import java.util.concurrent.ConcurrentHashMap;

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
    /** Callable name → resolved application (or its failure). */
    final ConcurrentHashMap<String, LoadedApplication> callables;

    private LoadedScript(long mtime, long size, byte[] sha256, ScriptClasses classes, GroupClassLoader loader,
                         String failure, ConcurrentHashMap<String, LoadedApplication> callables) {
        this.mtime = mtime;
        this.size = size;
        this.sha256 = sha256;
        this.classes = classes;
        this.loader = loader;
        this.failure = failure;
        this.callables = callables;
    }

    static LoadedScript loaded(long mtime, long size, byte[] sha256, ScriptClasses classes, GroupClassLoader loader) {
        return new LoadedScript(mtime, size, sha256, classes, loader, null, new ConcurrentHashMap<>(4));
    }

    static LoadedScript failed(long mtime, long size, byte[] sha256, String failure) {
        ConcurrentHashMap<String, LoadedApplication> none = new ConcurrentHashMap<>(1);
        return new LoadedScript(mtime, size, sha256, null, null, failure, none);
    }

    /** The same content seen with a new mtime/size (a touch, a copy): keeps everything loaded. */
    LoadedScript restamped(long newMtime, long newSize) {
        return new LoadedScript(newMtime, newSize, sha256, classes, loader, failure, callables);
    }

    boolean loaded() {
        return failure == null;
    }

    /**
     * Whether this version still answers the request without looking at the file. A loaded
     * script is re-checked only with reloading on; a failed one always is (when its stat
     * changes), so fixing a broken script needs no restart.
     */
    boolean current(ScriptRequest request) {
        boolean sameStat = mtime == request.mtime() && size == request.size();
        return sameStat || (failure == null && !request.reloading());
    }
}
