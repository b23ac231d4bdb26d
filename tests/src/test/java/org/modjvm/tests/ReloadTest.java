package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Scripts changed on disk are recompiled and reloaded without a restart (unless JvmScriptReloading Off). */
@ExtendWith(DumpLogOnFailure.class)
class ReloadTest {
    static ApacheServer server;
    static Path reload;
    static Path noReload;
    static Path cached;
    static long clock = System.currentTimeMillis();

    /** Version {@code v} of a script: answers "version v count=N pid=P"; N counts requests per loaded class. */
    static String script(String v) {
        return """
                import java.nio.charset.StandardCharsets;
                import java.util.List;
                import java.util.Map;
                import java.util.concurrent.atomic.AtomicInteger;
                import org.modjvm.StartResponse;

                public class Reloadable {
                    static final AtomicInteger COUNT = new AtomicInteger();

                    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
                        String body = "version %s count=" + COUNT.incrementAndGet() + " pid=" + ProcessHandle.current().pid();
                        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                        return List.of(body.getBytes(StandardCharsets.US_ASCII));
                    }
                }
                """.formatted(v);
    }

    /** Writes new content and moves the mtime clearly forward (file systems with 1 s granularity). */
    static void rewrite(Path p, String content) throws IOException {
        Files.writeString(p, content);
        clock += 5000;
        Files.setLastModifiedTime(p, FileTime.fromMillis(clock));
    }

    /** Replaces the file atomically (write a temporary file, rename it over), as a careful deploy does. */
    static void atomicRewrite(Path p, String content) throws IOException {
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        clock += 5000;
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(clock));
        Files.move(tmp, p, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @BeforeAll
    static void start() throws IOException {
        server = ApacheServer.create().name("reload");
        reload = server.writeFile("apps/reload/reload.java", script("1"));
        noReload = server.writeFile("apps/noreload/noreload.java", script("nr1"));
        cached = server.writeFile("apps/cached/cached.java", script("c1"));
        server.config("""
                <VirtualHost 127.0.0.1:@PORT@>
                  ServerName main.test
                  JvmScriptAlias /reload %s
                  JvmScriptAlias /cached %s
                  JvmScriptAliasMatch ^/m/([a-z]+) @ROOT@/apps/$1/$1.java
                </VirtualHost>
                <VirtualHost 127.0.0.1:@PORT@>
                  ServerName noreload.test
                  JvmScriptReloading Off
                  JvmScriptAlias /noreload %s
                </VirtualHost>
                """.formatted(reload, cached, noReload)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String get(String host, String path) {
        RawHttp.Response r = RawHttp.get(server.port(), path, "Host: " + host);
        assertEquals(200, r.status(), r::toString);
        return r.text();
    }

    static String pidOf(String body) {
        Matcher m = Pattern.compile("pid=(\\d+)").matcher(body);
        assertTrue(m.find(), body);
        return m.group(1);
    }

    @Test
    void changedScriptIsReloadedAndCompileErrorsAreReported() throws IOException {
        String v1 = get("main.test", "/reload");
        assertTrue(v1.startsWith("version 1 count=1 "), v1);
        String v1b = get("main.test", "/reload");
        assertTrue(v1b.startsWith("version 1 count=2 "), "same class while unchanged: " + v1b);
        String pid = pidOf(v1);

        rewrite(reload, script("2 (changed)"));
        String v2 = get("main.test", "/reload");
        assertTrue(v2.startsWith("version 2 (changed) count=1 "), "new version in a fresh class loader: " + v2);
        assertEquals(pid, pidOf(v2), "reloaded in the same process, no restart");

        // a compile error on line 11 (the application method's first statement)
        String broken = script("3").replace("String body = ", "String body = ) ");
        assertTrue(broken.split("\n")[10].contains("String body = )"), "the error is on line 11");
        rewrite(reload, broken);
        long mark = server.errorLogMark();
        RawHttp.Response r = RawHttp.get(server.port(), "/reload", "Host: main.test");
        assertEquals(500, r.status(), r::toString);
        String log = server.awaitErrorLog(mark, "reload\\.java\\D{0,12}\\b11\\b", Duration.ofSeconds(10));
        assertTrue(Pattern.compile("reload\\.java\\D{0,12}\\b11\\b").matcher(log).find(),
                () -> "compiler message with file and line (reload.java, 11) in the log:\n" + log);
        assertTrue(Pattern.compile("\\bJVM\\d{5}: ").matcher(log).find(), () -> "numbered log line:\n" + log);

        rewrite(reload, script("4 (fixed)"));
        String v4 = get("main.test", "/reload");
        assertTrue(v4.startsWith("version 4 (fixed) count=1 "), v4);
        assertEquals(pid, pidOf(v4), "still the same process");
    }

    @Test
    void deletedScriptIs404AndComesBackWhenRestored() throws IOException {
        Path gone = server.writeFile("apps/gone/gone.java", script("g1"));
        // mounted through JvmScriptAliasMatch (a JvmScriptAlias target must exist at configtest)
        String g1 = get("main.test", "/m/gone");
        assertTrue(g1.startsWith("version g1 "), g1);
        Files.delete(gone);
        long mark = server.errorLogMark();
        RawHttp.Response r = RawHttp.get(server.port(), "/m/gone", "Host: main.test");
        assertEquals(404, r.status(), () -> "README: a script that is gone is a 404 (JVM00030): " + r);
        String log = server.awaitErrorLog(mark, "JVM00030", Duration.ofSeconds(5));
        assertTrue(log.contains("JVM00030"), log);
        rewrite(gone, script("g2"));
        String g2 = get("main.test", "/m/gone");
        assertTrue(g2.startsWith("version g2 "), g2);
    }

    @Test
    void reloadUnderConcurrentLoadNeverFails() throws Exception {
        Path busy = server.writeFile("apps/busy/busy.java", script("b0"));
        assertTrue(get("main.test", "/m/busy").startsWith("version b0 "));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.List<String> bad = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            for (int t = 0; t < 6; t++) {
                pool.submit(() -> {
                    while (!stop.get()) {
                        RawHttp.Response r = RawHttp.get(server.port(), "/m/busy", "Host: main.test");
                        if (r.status() != 200 || !r.text().matches("version b[0-5] count=\\d+ pid=\\d+")) {
                            bad.add(r.toString());
                        }
                        served.incrementAndGet();
                    }
                    return null;
                });
            }
            for (int v = 1; v <= 5; v++) {
                ApacheServer.sleep(400);
                // atomic: a reader never sees a half-written file (a non-atomic rewrite can be
                // read half-written, compile-fail and answer 500 until the file changes again)
                atomicRewrite(busy, script("b" + v));
            }
            ApacheServer.sleep(1500);
        } finally {
            stop.set(true);
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertTrue(bad.isEmpty(), () -> bad.size() + " bad responses, e.g. " + bad.get(0));
        assertTrue(served.get() > 20, "requests served: " + served);
        assertTrue(get("main.test", "/m/busy").startsWith("version b5 "), "the last version is served");
    }

    @Test
    void scriptReloadingOffKeepsTheLoadedVersion() throws IOException {
        String v1 = get("noreload.test", "/noreload");
        assertTrue(v1.startsWith("version nr1 count=1 "), v1);
        rewrite(noReload, script("nr2"));
        String again = get("noreload.test", "/noreload");
        assertTrue(again.startsWith("version nr1 count=2 "), "JvmScriptReloading Off ignores the change: " + again);
    }

    @Test
    void compiledScriptsAreCachedInJvmCacheDirectory() throws IOException {
        String c1 = get("main.test", "/cached");
        assertTrue(c1.startsWith("version c1 "), c1);
        long files;
        try (Stream<Path> s = Files.walk(server.cacheDir())) {
            files = s.filter(Files::isRegularFile).count();
        }
        assertTrue(files > 0, "JvmCacheDirectory " + server.cacheDir() + " holds the compiled script");
        // and a change of the script is not hidden by the cache
        rewrite(cached, script("c2"));
        String c2 = get("main.test", "/cached");
        assertTrue(c2.startsWith("version c2 "), c2);
        assertFalse(c2.contains("c1"), c2);
    }
}
