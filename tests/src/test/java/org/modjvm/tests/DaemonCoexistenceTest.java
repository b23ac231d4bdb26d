package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Daemon groups side by side in one Apache: two JDKs (17 and 25), JvmRestrictEmbedded (no JVM in
 * Apache's children, 500 + JVM00042 for a request not sent to a daemon), an application preloaded
 * at daemon start (process-group= and application-group=), and mod_wsgi's daemon mode next to
 * mod_jvm's.
 */
@ExtendWith(DumpLogOnFailure.class)
class DaemonCoexistenceTest {
    static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    static final Path MOD_WSGI = ApacheServer.APACHE_MODULES.resolve("mod_wsgi.so");
    static ApacheServer server;

    /** Writes a marker (its pid) into the cwd when its class is initialized: shows when it was loaded. */
    static final String PRELOADED = """
            import java.nio.charset.StandardCharsets;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.List;
            import java.util.Map;
            import org.modjvm.StartResponse;

            public class Preloaded {
                static final long LOADED = System.currentTimeMillis();
                static {
                    try {
                        Files.writeString(Path.of("preloaded-" + ProcessHandle.current().pid()), Long.toString(LOADED));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }

                public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
                    String body = "pid=" + ProcessHandle.current().pid() + " loaded=" + LOADED
                            + " group=" + environ.get("mod_jvm.application_group");
                    sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                    return List.of(body.getBytes(StandardCharsets.US_ASCII));
                }
            }
            """;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("daemon-coexistence");
        Path app = server.installApp("daemon.java", "daemon");
        Path pre = server.writeFile("apps/pre/preloaded.java", PRELOADED);
        server.writeFile("sock/.keep", "");
        server.config("""
                SetEnv MARKER_DIR @ROOT@/markers
                JvmSocketPrefix @ROOT@/sock/mj
                JvmRestrictEmbedded On
                JvmDaemonProcess j17 java-home=%1$s
                JvmDaemonProcess j25 java-home=%2$s home=@ROOT@/markers
                JvmScriptAlias /j17 %3$s process-group=j17
                JvmScriptAlias /j25 %3$s process-group=j25
                JvmScriptAlias /pre %4$s process-group=j25 application-group=pre
                JvmScriptAlias /emb %3$s
                <VirtualHost 127.0.0.1:@PORT@>
                  ServerName 127.0.0.1
                </VirtualHost>
                <VirtualHost 127.0.0.1:@PORT@>
                  ServerName v.test
                  JvmDaemonProcess vg
                  JvmProcessGroup vg
                  JvmScriptAlias /v %3$s
                  JvmScriptAlias /v17 %3$s process-group=j17
                </VirtualHost>
                """.formatted(JDK17, JDK25, app, pre)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoGroupsOnDifferentJdksServeSideBySide() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Map<String, String>>> fs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String target = i % 2 == 0 ? "/j17" : "/j25";
                fs.add(pool.submit(() -> Daemons.info(server, target)));
            }
            for (int i = 0; i < fs.size(); i++) {
                Map<String, String> info = fs.get(i).get();
                boolean is17 = i % 2 == 0;
                assertEquals(is17 ? "j17" : "j25", info.get("process_group"), info::toString);
                assertTrue(info.get("java.version").startsWith(is17 ? "17." : "25"), info::toString);
                assertEquals((is17 ? JDK17 : JDK25).toRealPath(), Path.of(info.get("java.home")).toRealPath(),
                        info::toString);
                long pid = Long.parseLong(info.get("pid"));
                assertTrue(Daemons.pids(server, is17 ? "j17" : "j25").contains(pid), info::toString);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void socketsFollowJvmSocketPrefix() throws IOException {
        List<String> socks;
        try (java.util.stream.Stream<Path> files = Files.list(server.root().resolve("sock"))) {
            socks = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sock")).sorted().toList();
        }
        assertEquals(3, socks.size(), "one socket per group under JvmSocketPrefix: " + socks);
        for (String n : socks) {
            assertTrue(n.matches("mj\\." + server.parentPid() + "\\.\\d+\\.sock"), n);
        }
    }

    @Test
    void aVirtualHostsGroupAndTheMainServersGroupsServeIt() {
        Map<String, String> v = Daemons.info(server, "/v", "Host: v.test");
        assertEquals("vg", v.get("process_group"), "JvmProcessGroup vg in the virtual host: " + v);
        assertTrue(Daemons.pids(server, "vg").contains(Long.parseLong(v.get("pid"))), v::toString);
        Map<String, String> v17 = Daemons.info(server, "/v17", "Host: v.test");
        assertEquals("j17", v17.get("process_group"), "a main-server group is visible in a virtual host: " + v17);
    }

    @Test
    void restrictEmbeddedRefusesRequestsNotSentToADaemon() {
        long mark = server.errorLogMark();
        RawHttp.Response r = RawHttp.get(server.port(), "/emb");
        assertEquals(500, r.status(), r::toString);
        String log = server.awaitErrorLog(mark, "JVM00042", Duration.ofSeconds(5));
        assertTrue(log.contains("JVM00042"), () -> "JVM00042 logged:\n" + log);
        assertTrue(log.contains(server.root().resolve("apps/daemon/daemon.java").toString()), log);
    }

    @Test
    void restrictEmbeddedKeepsJvmsOutOfApachesChildren() throws IOException {
        assertEquals(200, RawHttp.get(server.port(), "/j17").status());
        assertEquals(500, RawHttp.get(server.port(), "/emb").status());
        List<Long> children = server.childPids().stream().filter(p -> Daemons.groupOf(p) == null).toList();
        assertFalse(children.isEmpty());
        for (long child : children) {
            Path maps = Path.of("/proc/" + child + "/maps");
            if (!Files.exists(maps)) {
                continue;
            }
            String m = Files.readString(maps);
            assertFalse(m.contains("libjvm.so"), "JvmRestrictEmbedded On: no JVM in Apache child " + child);
        }
    }

    @Test
    void anApplicationWithProcessAndApplicationGroupIsPreloadedAtDaemonStart() throws IOException {
        // no request has reached /pre yet: the class was initialized when the daemon started
        List<Long> j25 = Daemons.awaitPids(server, "j25", 1, Duration.ofSeconds(10));
        String marker = Daemons.awaitMarker(server, "preloaded-" + j25.get(0), Duration.ofSeconds(30));
        String log = server.awaitErrorLog(0, "JVM01300.*group j25 ready.*1 preloaded", Duration.ofSeconds(30));
        assertTrue(log.matches("(?s).*JVM01300.*group j25 ready.*1 preloaded.*"), log);
        long t0 = System.nanoTime();
        RawHttp.Response r = RawHttp.get(server.port(), "/pre");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.status(), r::toString);
        assertEquals("pid=" + j25.get(0) + " loaded=" + marker + " group=pre", r.text(),
                "the first request runs the preloaded class");
        assertTrue(ms < 1500, "no compile on the first request: " + ms + " ms");
    }

    @Test
    void modWsgiDaemonModeAndModJvmDaemonModeServeInOneApache() throws IOException {
        Assumptions.assumeTrue(Files.exists(MOD_WSGI), "mod_wsgi is not installed (" + MOD_WSGI
                + "): apt-get install libapache2-mod-wsgi-py3 to run this test");
        try (ApacheServer s = ApacheServer.create().name("daemon-with-wsgi")) {
            Path app = s.installApp("daemon.java", "daemon");
            Path wsgi = s.writeFile("apps/py/hello.wsgi", """
                    import os
                    def application(environ, start_response):
                        body = ('hello from python pid=%d group=%s' % (os.getpid(), environ.get('mod_wsgi.process_group'))).encode()
                        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
                        return [body]
                    """);
            s.config("""
                    LoadModule wsgi_module %s
                    WSGIDaemonProcess py processes=1 threads=2 display-name=%%{GROUP}
                    WSGIScriptAlias /py %s process-group=py application-group=%%{GLOBAL}
                    <Directory @ROOT@/apps/py>
                      Require all granted
                    </Directory>
                    JvmDaemonProcess jv
                    JvmScriptAlias /jv %s process-group=jv
                    """.formatted(MOD_WSGI, wsgi, app)).start();
            for (int i = 0; i < 5; i++) {
                RawHttp.Response py = RawHttp.get(s.port(), "/py");
                assertEquals(200, py.status(), py::toString);
                assertTrue(py.text().startsWith("hello from python pid=") && py.text().endsWith("group=py"), py.text());
                Map<String, String> jv = Daemons.info(s, "/jv");
                assertEquals("jv", jv.get("process_group"));
                assertTrue(Daemons.pids(s, "jv").contains(Long.parseLong(jv.get("pid"))), jv::toString);
            }
        }
    }
}
