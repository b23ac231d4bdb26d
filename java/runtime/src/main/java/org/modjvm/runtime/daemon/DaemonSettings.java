package org.modjvm.runtime.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.modjvm.runtime.apps.ScriptOwner;
import org.modjvm.runtime.compile.RuntimeVersion;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.log.Log;

/**
 * What the Apache parent passes a daemon process on its command line ({@code key=value}
 * arguments, see mod_jvm_daemon.c) and in its environment (the secrets). Times are in
 * milliseconds, 0 meaning "never". {@code previousSecret} is the secret of the configuration
 * generation before this one (empty if none): a group's socket outlives a graceful restart, and
 * the old generation's Apache children may still connect to it. {@code nextSecret} is the one
 * the next generation will use: a connection presenting it proves this generation has ended.
 * {@code scriptOwner}: script-user=/script-group= ({@code script-uid}, {@code script-user},
 * {@code script-gid}, {@code script-group} arguments), {@link ScriptOwner#ANY} without them.
 */
public record DaemonSettings(String group, int processes, int threads, int maximumRequests, long restartInterval,
                      long inactivityTimeout, long requestTimeout, long gracefulTimeout, long shutdownTimeout,
                      long queueTimeout, long startupTimeout, int logLevel, Path cacheDirectory, boolean multithread,
                      boolean multiprocess, String socket, long socketInode, String generation,
                      List<String> preloads, byte[] secret, byte[] previousSecret, byte[] nextSecret,
                      ScriptOwner scriptOwner) {

    public static DaemonSettings parse(String[] args, String secretHex, String previousSecretHex, String nextSecretHex) {
        Map<String, String> values = new HashMap<>();
        List<String> preloads = new ArrayList<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("argument '" + arg + "' is not key=value");
            }
            String key = arg.substring(0, eq);
            String value = arg.substring(eq + 1);
            if (key.equals("preload")) {
                preloads.add(value);
            } else {
                values.put(key, value);
            }
        }
        String cache = values.getOrDefault("cache-dir", "");
        return new DaemonSettings(values.getOrDefault("group", ""), integer(values, "processes", 1),
                integer(values, "threads", 15), integer(values, "maximum-requests", 0),
                number(values, "restart-interval"), number(values, "inactivity-timeout"),
                number(values, "request-timeout"), number(values, "graceful-timeout"),
                number(values, "shutdown-timeout"), number(values, "queue-timeout"),
                number(values, "startup-timeout"), integer(values, "log-level", Log.WARNING),
                cache.isEmpty() ? null : Path.of(cache), "1".equals(values.get("multithread")),
                "1".equals(values.get("multiprocess")), values.getOrDefault("socket", ""), number(values, "socket-inode"),
                values.getOrDefault("generation", "0"), List.copyOf(preloads), hex(secretHex), hex(previousSecretHex),
                hex(nextSecretHex), new ScriptOwner(integer(values, "script-uid", -1), values.getOrDefault("script-user", ""),
                        integer(values, "script-gid", -1), values.getOrDefault("script-group", "")));
    }

    /** The settings the request core reads (the embedded config frame's keys). */
    public RuntimeConfig runtimeConfig(int uid) {
        Map<String, String> values = new HashMap<>();
        values.put("mod_jvm.version", RuntimeVersion.VALUE);
        values.put("mod_jvm.process_group", group);
        values.put("mod_jvm.multithread", multithread ? "1" : "0");
        values.put("mod_jvm.multiprocess", multiprocess ? "1" : "0");
        values.put("mod_jvm.log_level", Integer.toString(logLevel));
        values.put("mod_jvm.cache_dir", cacheDirectory == null ? "" : cacheDirectory.toString());
        values.put("mod_jvm.uid", Integer.toString(uid));
        values.put("mod_jvm.jvm_home", System.getProperty("java.home"));
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

    private static byte[] hex(String hex) {
        if (hex == null || hex.length() % 2 != 0) {
            return new byte[0];
        }
        return HexFormat.of().parseHex(hex);
    }
}
