package org.modjvm.runtime;

import org.modjvm.Application;

/**
 * A resolved callable, ready to run, or why it is not (the details were logged when loading
 * failed; requests only log a one-line reminder).
 *
 * @param classLoader the loader of the application's classes: the thread context loader while it runs
 */
record LoadedApplication(Application application, ClassLoader classLoader, String failure) {
    static LoadedApplication of(Application application, ClassLoader classLoader) {
        return new LoadedApplication(application, classLoader, null);
    }

    static LoadedApplication failed(String failure) {
        return new LoadedApplication(null, null, failure);
    }

    boolean ok() {
        return application != null;
    }
}
