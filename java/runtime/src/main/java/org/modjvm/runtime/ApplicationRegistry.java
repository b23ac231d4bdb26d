package org.modjvm.runtime;

import java.util.concurrent.ConcurrentHashMap;

/**
 * All application groups of the process, and the way requests find their application. The
 * fast path (loaded, unchanged) is two lock-free map lookups; anything else goes to the
 * group's locked slow path, so one script is never loaded twice at once.
 */
final class ApplicationRegistry implements ApplicationLookup {
    private final ConcurrentHashMap<String, ApplicationGroup> groups = new ConcurrentHashMap<>();
    private final ScriptLoader scriptLoader;

    ApplicationRegistry(ScriptLoader scriptLoader) {
        this.scriptLoader = scriptLoader;
    }

    @Override
    public LoadedApplication lookup(ScriptRequest request, Log log) {
        ApplicationGroup group = groups.get(request.group());
        if (group != null) {
            LoadedScript script = group.current().scripts.get(request.script());
            if (script != null && script.current(request)) {
                LoadedApplication application = script.callables.get(request.callable());
                if (application != null) {
                    return application;
                }
            }
        } else {
            group = groups.computeIfAbsent(request.group(), name -> new ApplicationGroup(name, scriptLoader));
        }
        try {
            return group.load(request, log);
        } catch (Throwable unexpected) {
            log.log(Log.ERR, "JVM01219", "unexpected failure loading " + request.script() + ":", unexpected);
            return LoadedApplication.failed(String.valueOf(unexpected));
        }
    }

    /** The group's current generation number, 0 if the group does not exist (for tests and diagnostics). */
    int generation(String group) {
        ApplicationGroup found = groups.get(group);
        return found == null ? 0 : found.current().number;
    }

    ScriptLoader scriptLoader() {
        return scriptLoader;
    }
}
