package org.modjvm.runtime.apps;

import java.util.concurrent.ConcurrentHashMap;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * All application groups of the process, and the way requests find their application. The
 * fast path (loaded, unchanged) is two lock-free map lookups; anything else goes to the
 * group's locked slow path, so one script is never loaded twice at once.
 */
public final class ApplicationRegistry implements ApplicationLookup {
    /**
     * Groups are never dropped (their classes may be running), so their number is bounded: a
     * group name can come from a request (%{ENV:…} set from a header), and each group loads its
     * scripts again. Documented in docs/directives.md (JvmApplicationGroup).
     */
    static final String MAXIMUM_GROUPS_PROPERTY = "mod_jvm.maximum-application-groups";
    static final int DEFAULT_MAXIMUM_GROUPS = 256;
    /** Refusals are logged once, then at most once a minute with their count: they may be an attack. */
    private static final long REFUSAL_LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final ConcurrentHashMap<String, ApplicationGroup> groups = new ConcurrentHashMap<>();
    private final ScriptLoader scriptLoader;
    private final int maximumGroups;
    private long refused;            // guarded by groups' creation lock (this)
    private long refusalLoggedAt;
    private boolean refusalLogged;

    public ApplicationRegistry(ScriptLoader scriptLoader) {
        this(scriptLoader, maximumGroupsFromProperty());
    }

    ApplicationRegistry(ScriptLoader scriptLoader, int maximumGroups) {
        this.scriptLoader = scriptLoader;
        this.maximumGroups = maximumGroups;
    }

    private static int maximumGroupsFromProperty() {
        String value = System.getProperty(MAXIMUM_GROUPS_PROPERTY);
        if (value != null) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through: the default, and the first refusal's line names the property
            }
        }
        return DEFAULT_MAXIMUM_GROUPS;
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
        } else if ((group = createGroup(request.group(), log)) == null) {
            return LoadedApplication.NO_ROOM_FOR_GROUP;
        }
        try {
            return group.load(request, log);
        } catch (Throwable unexpected) {
            log.log(Message.JVM01219, "unexpected failure loading " + request.script() + ":", unexpected);
            return LoadedApplication.failed(String.valueOf(unexpected));
        }
    }

    /** The group named {@code name}, created if there is room; null (and logged) if there is not. */
    private synchronized ApplicationGroup createGroup(String name, Log log) {
        ApplicationGroup group = groups.get(name);
        if (group != null) {
            return group;
        }
        if (groups.size() >= maximumGroups) {
            refused++;
            long now = System.nanoTime();
            if (!refusalLogged || now - refusalLoggedAt >= REFUSAL_LOG_INTERVAL_NANOS) {
                log.log(Message.JVM01327, "application group '" + name + "' not created: this JVM has "
                        + maximumGroups + " application groups already, the maximum (" + refused
                        + (refused == 1 ? " request" : " requests") + " refused with 500 since the last such line;"
                        + " a group name taken from the request, such as %{ENV:...}, can make this happen;"
                        + " raise the maximum with -D" + MAXIMUM_GROUPS_PROPERTY + "=N)");
                refusalLogged = true;
                refusalLoggedAt = now;
                refused = 0;
            }
            return null;
        }
        group = new ApplicationGroup(name, scriptLoader);
        groups.put(name, group);
        return group;
    }

    /** The group's current generation number, 0 if the group does not exist (for tests and diagnostics). */
    int generation(String group) {
        ApplicationGroup found = groups.get(group);
        return found == null ? 0 : found.current().number;
    }

    public ScriptLoader scriptLoader() {
        return scriptLoader;
    }
}
