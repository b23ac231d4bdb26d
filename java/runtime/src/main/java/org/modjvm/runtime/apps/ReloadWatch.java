package org.modjvm.runtime.apps;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.modjvm.Application;
import org.modjvm.runtime.log.Log;

/**
 * Daemon mode's view of the applications: the same registry as embedded mode (a changed
 * script runs at once in a fresh class loader), plus a notice when a script was reloaded, so
 * the process can be replaced by a fresh one (mod_wsgi daemon mode restarts on change).
 */
public final class ReloadWatch implements ApplicationLookup {
    private final ApplicationLookup delegate;
    private final ConcurrentHashMap<String, Application> seen = new ConcurrentHashMap<>();
    private volatile Consumer<String> onReload = script -> { };

    public ReloadWatch(ApplicationLookup delegate) {
        this.delegate = delegate;
    }

    public void onReload(Consumer<String> listener) {
        this.onReload = listener;
    }

    @Override
    public LoadedApplication lookup(ScriptRequest request, Log log) {
        LoadedApplication loaded = delegate.lookup(request, log);
        if (loaded.ok()) {
            String key = request.script() + '\0' + request.group() + '\0' + request.callable();
            Application before = seen.put(key, loaded.application());
            if (before != null && before != loaded.application()) {
                onReload.accept(request.script());
            }
        }
        return loaded;
    }
}
