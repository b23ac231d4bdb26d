package org.modjvm.runtime.core;

import java.nio.file.Path;
import java.util.Map;
import org.modjvm.runtime.log.Log;

/**
 * The process-wide settings of the settings frame (docs/internals.md, "Settings frame"): C passes
 * it to {@code Bootstrap.init} in embedded mode, to a daemon process in its environment
 * ({@code DaemonSettings}). Keys: {@link SettingKeys}.
 *
 * @param cacheDirectory where compiled scripts are cached, or {@code null} for no disk cache
 * @param uid            the uid the process runs as (owner required of the cache), -1 if unknown
 * @param route          a daemon process's route: its index in its group, the same for its
 *                       replacement (web applications' sticky sessions: Tomcat's jvmRoute); -1 in
 *                       embedded mode
 */
public record RuntimeConfig(String moduleVersion, String processGroup, boolean multithread, boolean multiprocess,
                     int logLevel, Path cacheDirectory, int uid, String jvmHome, int route) {

    /** Without a route (embedded mode). */
    public RuntimeConfig(String moduleVersion, String processGroup, boolean multithread, boolean multiprocess,
                         int logLevel, Path cacheDirectory, int uid, String jvmHome) {
        this(moduleVersion, processGroup, multithread, multiprocess, logLevel, cacheDirectory, uid, jvmHome, -1);
    }

    public static RuntimeConfig from(Map<String, String> values) {
        String cache = values.get(SettingKeys.CACHE_DIR);
        return new RuntimeConfig(
                values.getOrDefault(SettingKeys.VERSION, "unknown"),
                values.getOrDefault(SettingKeys.PROCESS_GROUP, ""),
                "1".equals(values.get(SettingKeys.MULTITHREAD)),
                "1".equals(values.get(SettingKeys.MULTIPROCESS)),
                parseInt(values.get(SettingKeys.LOG_LEVEL), Log.WARNING),
                cache == null || cache.isEmpty() ? null : Path.of(cache),
                parseInt(values.get(SettingKeys.UID), -1),
                values.getOrDefault(SettingKeys.JVM_HOME, System.getProperty("java.home")),
                parseInt(values.get(SettingKeys.ROUTE), -1));
    }

    private static int parseInt(String value, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
