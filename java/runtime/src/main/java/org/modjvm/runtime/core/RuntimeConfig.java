package org.modjvm.runtime.core;

import java.nio.file.Path;
import java.util.Map;
import org.modjvm.runtime.log.Log;

/**
 * The process-wide settings C passes to {@code Bootstrap.init} (docs/internals.md, "Config
 * frame keys").
 *
 * @param cacheDirectory where compiled scripts are cached, or {@code null} for no disk cache
 * @param uid            the uid the process runs as (owner required of the cache), -1 if unknown
 */
public record RuntimeConfig(String moduleVersion, String processGroup, boolean multithread, boolean multiprocess,
                     int logLevel, Path cacheDirectory, int uid, String jvmHome) {

    public static RuntimeConfig from(Map<String, String> values) {
        String cache = values.get("mod_jvm.cache_dir");
        return new RuntimeConfig(
                values.getOrDefault("mod_jvm.version", "unknown"),
                values.getOrDefault("mod_jvm.process_group", ""),
                "1".equals(values.get("mod_jvm.multithread")),
                "1".equals(values.get("mod_jvm.multiprocess")),
                parseInt(values.get("mod_jvm.log_level"), Log.WARNING),
                cache == null || cache.isEmpty() ? null : Path.of(cache),
                parseInt(values.get("mod_jvm.uid"), -1),
                values.getOrDefault("mod_jvm.jvm_home", System.getProperty("java.home")));
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
