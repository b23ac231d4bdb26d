package org.modjvm.runtime.daemon;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.modjvm.runtime.apps.ScriptOwner;
import org.modjvm.runtime.compile.RuntimeVersion;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.core.SettingKeys;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.wire.Frames;

/**
 * What the Apache parent tells a daemon process: the settings frame (docs/internals.md,
 * "Settings frame"; mod_jvm_daemon.c), the same key/value block embedded mode passes
 * {@code Bootstrap.init}, hex-encoded in the {@code MOD_JVM_SETTINGS} environment variable. The
 * keys both modes share are {@link RuntimeConfig}'s; the daemon's own are
 * {@code mod_jvm.daemon.*} ({@link SettingKeys}). Times are in milliseconds, 0 meaning "never".
 * {@code previousSecret} is the secret of the configuration generation before this one (empty if
 * none): a group's socket outlives a graceful restart, and the old generation's Apache children
 * may still connect to it. {@code nextSecret} is the one the next generation will use: a
 * connection presenting it proves this generation has ended. {@code scriptOwner}:
 * script-user=/script-group=, {@link ScriptOwner#ANY} without them. {@code route}: the process's
 * index in its group (-1 if not told), {@code routeSocket} the path of its own listening socket,
 * inherited as fd 3 ({@link RouteSocket}; empty: none, processes=1).
 */
public record DaemonSettings(String group, int processes, int threads, int maximumRequests, long restartInterval,
                      long inactivityTimeout, long requestTimeout, long gracefulTimeout, long shutdownTimeout,
                      long queueTimeout, long startupTimeout, int logLevel, Path cacheDirectory, boolean multithread,
                      boolean multiprocess, String socket, long socketInode, String generation,
                      List<String> preloads, byte[] secret, byte[] previousSecret, byte[] nextSecret,
                      ScriptOwner scriptOwner, int route, String routeSocket) {

    /** The environment variable that holds the frame in hex. */
    public static final String ENVIRONMENT = "MOD_JVM_SETTINGS";

    /** @param frameHex the settings frame in hex ({@link #ENVIRONMENT}) */
    public static DaemonSettings parse(String frameHex) {
        if (frameHex == null) {
            throw new IllegalArgumentException(ENVIRONMENT + " is not set");
        }
        return from(Frames.decodeConfig(ByteBuffer.wrap(HexFormat.of().parseHex(frameHex))));
    }

    /** The settings of a decoded settings frame (missing keys take their defaults). */
    public static DaemonSettings from(Map<String, String> values) {
        String cache = values.getOrDefault(SettingKeys.CACHE_DIR, "");
        String preloads = values.get(SettingKeys.PRELOADS);
        return new DaemonSettings(values.getOrDefault(SettingKeys.PROCESS_GROUP, ""),
                integer(values, SettingKeys.PROCESSES, 1), integer(values, SettingKeys.THREADS, 15),
                integer(values, SettingKeys.MAXIMUM_REQUESTS, 0), number(values, SettingKeys.RESTART_INTERVAL),
                number(values, SettingKeys.INACTIVITY_TIMEOUT), number(values, SettingKeys.REQUEST_TIMEOUT),
                number(values, SettingKeys.GRACEFUL_TIMEOUT), number(values, SettingKeys.SHUTDOWN_TIMEOUT),
                number(values, SettingKeys.QUEUE_TIMEOUT), number(values, SettingKeys.STARTUP_TIMEOUT),
                integer(values, SettingKeys.LOG_LEVEL, Log.WARNING), cache.isEmpty() ? null : Path.of(cache),
                "1".equals(values.get(SettingKeys.MULTITHREAD)), "1".equals(values.get(SettingKeys.MULTIPROCESS)),
                values.getOrDefault(SettingKeys.SOCKET, ""), number(values, SettingKeys.SOCKET_INODE),
                values.getOrDefault(SettingKeys.GENERATION, "0"),
                preloads == null ? List.of() : List.of(preloads.split("\0", -1)),
                bytes(values, SettingKeys.SECRET), bytes(values, SettingKeys.PREVIOUS_SECRET),
                bytes(values, SettingKeys.NEXT_SECRET),
                new ScriptOwner(integer(values, SettingKeys.SCRIPT_UID, -1), values.getOrDefault(SettingKeys.SCRIPT_USER, ""),
                        integer(values, SettingKeys.SCRIPT_GID, -1), values.getOrDefault(SettingKeys.SCRIPT_GROUP, "")),
                integer(values, SettingKeys.ROUTE, -1), values.getOrDefault(SettingKeys.ROUTE_SOCKET, ""));
    }

    /** The settings the request core reads (the embedded config frame's keys). */
    public RuntimeConfig runtimeConfig(int uid) {
        Map<String, String> values = new HashMap<>();
        values.put(SettingKeys.VERSION, RuntimeVersion.VALUE);
        values.put(SettingKeys.PROCESS_GROUP, group);
        values.put(SettingKeys.MULTITHREAD, multithread ? "1" : "0");
        values.put(SettingKeys.MULTIPROCESS, multiprocess ? "1" : "0");
        values.put(SettingKeys.LOG_LEVEL, Integer.toString(logLevel));
        values.put(SettingKeys.CACHE_DIR, cacheDirectory == null ? "" : cacheDirectory.toString());
        values.put(SettingKeys.UID, Integer.toString(uid));
        values.put(SettingKeys.JVM_HOME, System.getProperty("java.home"));
        values.put(SettingKeys.ROUTE, Integer.toString(route));
        return RuntimeConfig.from(values);
    }

    private static int integer(Map<String, String> values, String key, int fallback) {
        String v = values.get(key);
        return v == null ? fallback : Integer.parseInt(v);
    }

    private static long number(Map<String, String> values, String key) {
        String v = values.get(key);
        return v == null ? 0 : Long.parseLong(v);
    }

    private static byte[] bytes(Map<String, String> values, String key) {
        String v = values.get(key);
        return v == null ? new byte[0] : v.getBytes(StandardCharsets.ISO_8859_1);
    }
}
