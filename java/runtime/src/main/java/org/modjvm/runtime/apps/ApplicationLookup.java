package org.modjvm.runtime.apps;

import org.modjvm.runtime.log.Log;

/**
 * Finds the application for a request. {@link ApplicationRegistry} is the real one (scripts,
 * groups, reloading); tests of the request core give applications directly.
 */
@FunctionalInterface
public interface ApplicationLookup {
    /** Never throws: failures come back as a failed {@link LoadedApplication}, already logged. */
    LoadedApplication lookup(ScriptRequest request, Log log);
}
