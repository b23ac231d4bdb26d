package org.modjvm.runtime;

/**
 * Finds the application for a request. {@link ApplicationRegistry} is the real one (scripts,
 * groups, reloading); tests of the request core give applications directly.
 */
@FunctionalInterface
interface ApplicationLookup {
    /** Never throws: failures come back as a failed {@link LoadedApplication}, already logged. */
    LoadedApplication lookup(ScriptRequest request, Log log);
}
