package org.modjvm.runtime.apps;

/**
 * What a request asks of the application registry: which script, in which application group,
 * which callable, and the script's stat as the web server saw it.
 *
 * @param reloading script reloading is on: a changed mtime or size means "check for a new version"
 */
public record ScriptRequest(String script, String group, String callable, long mtime, long size, boolean reloading) {
}
