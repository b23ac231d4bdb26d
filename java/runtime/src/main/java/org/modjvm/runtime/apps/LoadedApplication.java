package org.modjvm.runtime.apps;

import org.modjvm.Application;

/**
 * A resolved callable, ready to run, or why it is not (the details were logged when loading
 * failed; requests only log a one-line reminder).
 *
 * @param classLoader the loader of the application's classes: the thread context loader while it runs
 */
public record LoadedApplication(Application application, ClassLoader classLoader, String failure, boolean temporary,
                         boolean forbidden) {
    /** Its group could not be created (too many groups): logged by the lookup, rate-limited, not per request. */
    public static final LoadedApplication NO_ROOM_FOR_GROUP = new LoadedApplication(null, null, "too many application groups", false,
            false);

    public static LoadedApplication of(Application application, ClassLoader classLoader) {
        return new LoadedApplication(application, classLoader, null, false, false);
    }

    /** Fails until the script changes. */
    static LoadedApplication failed(String failure) {
        return new LoadedApplication(null, null, failure, false, false);
    }

    /** Fails until it is tried again (a compiler process that timed out or could not start). */
    static LoadedApplication failedTemporarily(String failure) {
        return new LoadedApplication(null, null, failure, true, false);
    }

    /** The file at the script's path must not be run by this process (its owner): 403, nothing kept. */
    static LoadedApplication forbidden(String failure) {
        return new LoadedApplication(null, null, failure, false, true);
    }

    public boolean ok() {
        return application != null;
    }
}
