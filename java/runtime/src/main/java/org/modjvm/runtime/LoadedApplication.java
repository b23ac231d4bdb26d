package org.modjvm.runtime;

import org.modjvm.Application;

/**
 * A resolved callable, ready to run, or why it is not (the details were logged when loading
 * failed; requests only log a one-line reminder).
 *
 * @param classLoader the loader of the application's classes: the thread context loader while it runs
 */
record LoadedApplication(Application application, ClassLoader classLoader, String failure, boolean temporary) {
    /** Its group could not be created (too many groups): logged by the lookup, rate-limited, not per request. */
    static final LoadedApplication NO_ROOM_FOR_GROUP = new LoadedApplication(null, null, "too many application groups", false);

    static LoadedApplication of(Application application, ClassLoader classLoader) {
        return new LoadedApplication(application, classLoader, null, false);
    }

    /** Fails until the script changes. */
    static LoadedApplication failed(String failure) {
        return new LoadedApplication(null, null, failure, false);
    }

    /** Fails until it is tried again (a compiler process that timed out or could not start). */
    static LoadedApplication failedTemporarily(String failure) {
        return new LoadedApplication(null, null, failure, true);
    }

    boolean ok() {
        return application != null;
    }
}
