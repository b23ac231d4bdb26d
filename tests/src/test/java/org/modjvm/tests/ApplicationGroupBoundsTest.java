package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a client sends cannot multiply application groups (issue 10, item 1): the default group
 * (%{RESOURCE}) and %{SERVER} are named from the configuration, not from the Host header, and a
 * JVM holds a bounded number of groups, past which a request that would create one more gets a
 * 500 and a numbered line (JVM01327). Both modes: embedded (one child, so one JVM) and a daemon
 * group of one process.
 */
@ExtendWith(DumpLogOnFailure.class)
class ApplicationGroupBoundsTest {
    static final int MAXIMUM = 6;
    static ApacheServer server;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("group-bounds");
        Path counter = server.installApp("counter.java", "counter");
        server.writeFile("sock/.keep", "");
        server.config("""
                JvmSocketPrefix @ROOT@/sock/mj
                JvmOptions -Dmod_jvm.maximum-application-groups=%2$d
                JvmDaemonProcess bounds processes=1 jvm-options=-Dmod_jvm.maximum-application-groups=%2$d
                SetEnvIf X-Group "^(.+)$" GROUP_FROM_HEADER=$1
                JvmScriptAlias /emb %1$s
                JvmScriptAlias /emb-server %1$s application-group=%%{SERVER}
                JvmScriptAlias /emb-env %1$s application-group=%%{ENV:GROUP_FROM_HEADER}
                JvmScriptAlias /dmn %1$s process-group=bounds
                JvmScriptAlias /dmn-server %1$s process-group=bounds application-group=%%{SERVER}
                JvmScriptAlias /dmn-env %1$s process-group=bounds application-group=%%{ENV:GROUP_FROM_HEADER}
                """.formatted(counter, MAXIMUM)).start();
        // the configured groups exist before the request-named ones can use up the maximum
        for (String path : new String[] {"/emb", "/emb-server", "/dmn", "/dmn-server"}) {
            assertEquals(200, RawHttp.get(server.port(), path).status(), path);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Map<String, String> counter(String path, String... headers) {
        RawHttp.Response r = RawHttp.get(server.port(), path, headers);
        assertEquals(200, r.status(), () -> path + " " + String.join(", ", headers) + ": " + r);
        Map<String, String> values = new java.util.HashMap<>();
        for (String line : r.text().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    /** 300 distinct Host headers reach one group: its static counter sees every request. */
    private static void oneGroupWhateverTheHost(String path) {
        Map<String, String> first = counter(path);
        int start = Integer.parseInt(first.get("count"));
        for (int i = 1; i <= 300; i++) {
            final int request = i;
            Map<String, String> seen = counter(path, "Host: h" + i + ".example" + (i % 3 == 0 ? ":" + i : ""));
            assertEquals(start + i, Integer.parseInt(seen.get("count")),
                    () -> "request " + request + " with another Host header reached another group: " + seen);
            assertEquals(first.get("group"), seen.get("group"));
            assertEquals(first.get("class"), seen.get("class"), "the same loaded class");
        }
    }

    @Test
    void hostHeadersDoNotMultiplyTheDefaultGroupEmbedded() {
        oneGroupWhateverTheHost("/emb");
        assertEquals("127.0.0.1:" + server.port() + "|/emb", counter("/emb", "Host: localhost").get("group"),
                "%{RESOURCE} is the configured server name and port, then the script's URL");
    }

    @Test
    void hostHeadersDoNotMultiplyTheDefaultGroupInADaemon() {
        oneGroupWhateverTheHost("/dmn");
        assertEquals("127.0.0.1:" + server.port() + "|/dmn", counter("/dmn", "Host: localhost").get("group"));
    }

    @Test
    void hostHeadersDoNotMultiplyServerGroups() {
        for (String path : new String[] {"/emb-server", "/dmn-server"}) {
            String expected = "127.0.0.1:" + server.port();
            assertEquals(expected, counter(path).get("group"));
            assertEquals(expected, counter(path, "Host: localhost").get("group"));
            assertEquals(expected, counter(path, "Host: other.example:8443").get("group"));
        }
    }

    /** Groups named by the request (%{ENV:...} from a header): at most MAXIMUM per JVM in all, then 500s. */
    private static void groupsAreBounded(String envPath, String plainPath) {
        long mark = server.errorLogMark();
        int ok = 0;
        int refused = 0;
        for (int i = 0; i < 2 * MAXIMUM; i++) {
            RawHttp.Response r = RawHttp.get(server.port(), envPath, "X-Group: " + envPath.substring(1) + "-" + i);
            if (r.status() == 200) {
                ok++;
            } else {
                assertEquals(500, r.status(), r::toString);
                refused++;
            }
        }
        final int created = ok;
        // two groups of each JVM exist already (the configured ones, created at start)
        assertTrue(created >= 1 && created <= MAXIMUM - 2, () -> created + " groups created, maximum " + MAXIMUM);
        assertTrue(refused >= MAXIMUM, "every request past the maximum is refused: " + refused);
        String log = server.awaitErrorLog(mark, "JVM01327: application group '[^']+' not created", Duration.ofSeconds(10));
        assertTrue(log.contains("-Dmod_jvm.maximum-application-groups=N"), log);
        // the groups that exist keep working
        assertEquals(200, RawHttp.get(server.port(), envPath, "X-Group: " + envPath.substring(1) + "-0").status());
        assertEquals(200, RawHttp.get(server.port(), plainPath).status());
    }

    @Test
    void groupsPerJvmAreBoundedEmbedded() {
        groupsAreBounded("/emb-env", "/emb");
    }

    @Test
    void groupsPerJvmAreBoundedInADaemon() {
        groupsAreBounded("/dmn-env", "/dmn");
    }
}
