package org.modjvm.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.core.SettingKeys;
import org.modjvm.runtime.wire.TestFrames;

/** The settings frame's keys agree with C's (native/config_keys.txt) and each reaches its setting. */
class DaemonSettingsTest {

    /** test_jvm_settings (C) checks native/jvm_settings.c's keys against the same file. */
    @Test
    void keysAreThoseOfTheSharedList() throws IOException {
        Path file = Path.of(System.getProperty("user.dir")).resolve("../../native/config_keys.txt").normalize();
        List<String> keys = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertEquals(keys, SettingKeys.ALL);
    }

    @Test
    void everyKeyReachesItsSetting() {
        byte[] secret = new byte[32];
        byte[] previous = new byte[32];
        byte[] next = new byte[32];
        for (int i = 0; i < 32; i++) {
            secret[i] = (byte) (i * 7 + 128);
            previous[i] = (byte) i;
            next[i] = (byte) (255 - i);
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put(SettingKeys.VERSION, "9.8.7");
        values.put(SettingKeys.PROCESS_GROUP, "site");
        values.put(SettingKeys.MULTITHREAD, "1");
        values.put(SettingKeys.MULTIPROCESS, "1");
        values.put(SettingKeys.LOG_LEVEL, "7");
        values.put(SettingKeys.CACHE_DIR, "/var/cache/mod_jvm.site");
        values.put(SettingKeys.UID, "33");
        values.put(SettingKeys.JVM_HOME, "/opt/jdk");
        values.put(SettingKeys.REQUEST_TIMEOUT, "60000");
        values.put(SettingKeys.PROCESSES, "3");
        values.put(SettingKeys.THREADS, "4");
        values.put(SettingKeys.MAXIMUM_REQUESTS, "500");
        values.put(SettingKeys.RESTART_INTERVAL, "3600000");
        values.put(SettingKeys.INACTIVITY_TIMEOUT, "300000");
        values.put(SettingKeys.GRACEFUL_TIMEOUT, "15000");
        values.put(SettingKeys.SHUTDOWN_TIMEOUT, "5000");
        values.put(SettingKeys.QUEUE_TIMEOUT, "45000");
        values.put(SettingKeys.STARTUP_TIMEOUT, "20000");
        values.put(SettingKeys.SOCKET, "/run/mod_jvm/s.site");
        values.put(SettingKeys.SOCKET_INODE, "123456789012");
        values.put(SettingKeys.GENERATION, "4");
        values.put(SettingKeys.PRELOADS, "/srv/a.java|site|app\0/srv/b.jar|%{GLOBAL}|run");
        values.put(SettingKeys.SCRIPT_UID, "1001");
        values.put(SettingKeys.SCRIPT_USER, "www-app");
        values.put(SettingKeys.SCRIPT_GID, "1002");
        values.put(SettingKeys.SCRIPT_GROUP, "www-site");
        values.put(SettingKeys.SECRET, new String(secret, StandardCharsets.ISO_8859_1));
        values.put(SettingKeys.PREVIOUS_SECRET, new String(previous, StandardCharsets.ISO_8859_1));
        values.put(SettingKeys.NEXT_SECRET, new String(next, StandardCharsets.ISO_8859_1));
        values.put(SettingKeys.ROUTE, "2");
        values.put(SettingKeys.ROUTE_SOCKET, "/run/mod_jvm/s.site.2");
        assertEquals(SettingKeys.ALL, List.copyOf(values.keySet()), "the test sets every key");

        DaemonSettings s = DaemonSettings.parse(hex(TestFrames.config(values)));
        assertEquals("site", s.group());
        assertEquals(3, s.processes());
        assertEquals(4, s.threads());
        assertEquals(500, s.maximumRequests());
        assertEquals(3600000, s.restartInterval());
        assertEquals(300000, s.inactivityTimeout());
        assertEquals(60000, s.requestTimeout());
        assertEquals(15000, s.gracefulTimeout());
        assertEquals(5000, s.shutdownTimeout());
        assertEquals(45000, s.queueTimeout());
        assertEquals(20000, s.startupTimeout());
        assertEquals(7, s.logLevel());
        assertEquals(Path.of("/var/cache/mod_jvm.site"), s.cacheDirectory());
        assertTrue(s.multithread());
        assertTrue(s.multiprocess());
        assertEquals("/run/mod_jvm/s.site", s.socket());
        assertEquals(123456789012L, s.socketInode());
        assertEquals("4", s.generation());
        assertEquals(List.of("/srv/a.java|site|app", "/srv/b.jar|%{GLOBAL}|run"), s.preloads());
        assertEquals(1001, s.scriptOwner().uid());
        assertEquals("www-app", s.scriptOwner().user());
        assertEquals(1002, s.scriptOwner().gid());
        assertEquals("www-site", s.scriptOwner().group());
        assertArrayEquals(secret, s.secret());
        assertArrayEquals(previous, s.previousSecret());
        assertArrayEquals(next, s.nextSecret());
        assertEquals(2, s.route());
        assertEquals("/run/mod_jvm/s.site.2", s.routeSocket());
        assertEquals(2, s.runtimeConfig(33).route());

        // the keys both modes share, as embedded mode reads them
        RuntimeConfig config = RuntimeConfig.from(values);
        assertEquals("9.8.7", config.moduleVersion());
        assertEquals("site", config.processGroup());
        assertEquals(33, config.uid());
        assertEquals("/opt/jdk", config.jvmHome());
        assertEquals(7, config.logLevel());
        assertEquals(Path.of("/var/cache/mod_jvm.site"), config.cacheDirectory());
        assertEquals(2, config.route());
    }

    @Test
    void missingKeysTakeTheirDefaults() {
        DaemonSettings s = DaemonSettings.parse(hex(TestFrames.config(Map.of(SettingKeys.PROCESS_GROUP, "g"))));
        assertEquals("g", s.group());
        assertEquals(1, s.processes());
        assertEquals(15, s.threads());
        assertEquals(List.of(), s.preloads());
        assertEquals(0, s.secret().length);
        assertEquals(0, s.previousSecret().length);
        assertEquals(-1, s.scriptOwner().uid());
        assertEquals(null, s.cacheDirectory());
        assertEquals(-1, s.route());
        assertEquals("", s.routeSocket());
    }

    @Test
    void withoutTheFrameTheDaemonCannotStart() {
        assertThrows(IllegalArgumentException.class, () -> DaemonSettings.parse(null));
        assertThrows(IllegalArgumentException.class, () -> DaemonSettings.parse("0"));
    }

    private static String hex(ByteBuffer frame) {
        byte[] bytes = new byte[frame.remaining()];
        frame.duplicate().get(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
