package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An application cannot tell daemon mode from embedded mode except by mod_jvm.process_group and
 * jvm.multiprocess: the same apps are mounted once, and {@code <If "%{HTTP:X-Mode} == 'daemon'">
 * JvmProcessGroup env</If>} sends a request to the daemon group "env" or keeps it embedded; both
 * answers are compared, sent on one keep-alive connection (same REMOTE_PORT). Also streaming,
 * a 100 MB response, a client that goes away, and error handling through a daemon.
 */
@ExtendWith(DumpLogOnFailure.class)
class DaemonEnvironTest {
    /** Entries that legitimately differ between the two modes (or between two JVMs). */
    static final Set<String> DIFFERENT = Set.of("mod_jvm.process_group", "jvm.multiprocess", "mod_jvm.thread_id",
            "mod_jvm.request_id", "mod_jvm.request_start", "HTTP_X_MODE", "@pid", "@java.class.path", "@maxMemory");
    static final String DAEMON = "X-Mode: daemon";
    static final String EMBEDDED = "X-Mode: embedded";
    static ApacheServer server;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("daemon-environ");
        Path environ = server.installApp("environ.java", "environ");
        Path stream = server.installApp("stream.java", "stream");
        Path big = server.installApp("big.java", "big");
        Path errors = server.installApp("errors.java", "errors");
        server.config("""
                SetEnv MODJVM_TEST_VAR "hello from SetEnv"
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess env processes=1 threads=15
                JvmScriptAlias /app %1$s
                JvmScriptAlias /stream %2$s
                JvmScriptAlias /big %3$s
                JvmScriptAlias /errors %4$s
                JvmScriptAlias / %1$s
                <If "%%{HTTP:X-Mode} == 'daemon'">
                  JvmProcessGroup env
                </If>
                """.formatted(environ, stream, big, errors)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Entries of a dump, without the ones that may differ. */
    static Map<String, EnvironDump.Entry> comparable(EnvironDump e) {
        Map<String, EnvironDump.Entry> m = new TreeMap<>();
        for (String line : e.raw().split("\n")) {
            String key = line.split("\t", 2)[0];
            if (!line.isEmpty() && !DIFFERENT.contains(key)) {
                m.put(key, e.entry(key));
            }
        }
        return m;
    }

    /** Both answers of one request (embedded first, then daemon), on one connection. */
    record Pair(EnvironDump embedded, EnvironDump daemon) {
    }

    static Pair both(String method, String target, byte[] body, String... headers) {
        try (RawHttp c = RawHttp.connect(server.port())) {
            EnvironDump[] out = new EnvironDump[2];
            String[] modes = {EMBEDDED, DAEMON};
            for (int i = 0; i < 2; i++) {
                List<String> h = new ArrayList<>(List.of(headers));
                h.add(modes[i]);
                if (body != null) {
                    h.add("Content-Length: " + body.length);
                }
                c.sendHead(method, target, h.toArray(String[]::new));
                if (body != null) {
                    c.send(body);
                }
                out[i] = EnvironDump.of(c.readResponse());
            }
            return new Pair(out[0], out[1]);
        }
    }

    static Pair assertSame(String method, String target, byte[] body, String... headers) {
        Pair p = both(method, target, body, headers);
        assertEquals("", p.embedded().string("mod_jvm.process_group"), "embedded: " + p.embedded());
        assertEquals("env", p.daemon().string("mod_jvm.process_group"), "daemon: " + p.daemon());
        assertEquals("Boolean", p.daemon().kind("jvm.multiprocess"));
        assertEquals("false", p.daemon().value("jvm.multiprocess"), "processes=1");
        assertTrue(p.daemon().string("mod_jvm.thread_id").matches("\\d+"), p.daemon()::raw);
        assertFalse(p.daemon().string("mod_jvm.request_id").isEmpty());
        long start = Long.parseLong(p.daemon().string("mod_jvm.request_start"));
        long now = System.currentTimeMillis() * 1000;
        assertTrue(Math.abs(now - start) < 60_000_000L, "request_start in µs since the epoch: " + start);
        Map<String, EnvironDump.Entry> e = comparable(p.embedded());
        Map<String, EnvironDump.Entry> d = comparable(p.daemon());
        assertEquals(e.keySet(), d.keySet(), () -> "the same environ keys for " + target);
        for (String k : e.keySet()) {
            assertEquals(e.get(k), d.get(k), () -> k + " differs for " + method + " " + target + "\nembedded:\n"
                    + p.embedded() + "\ndaemon:\n" + p.daemon());
        }
        return p;
    }

    static Stream<String> targets() {
        return Stream.of("/", "/x", "/x/y/?a=1&b=%20c", "/a%20b", "/caf%C3%A9", "/app", "/app/", "/app/x/y?q=1",
                "/app/a%20b", "/app/%E2%82%AC?x=%E2%82%AC");
    }

    @ParameterizedTest(name = "GET {0}")
    @MethodSource("targets")
    void environIsTheSameInBothModes(String target) {
        Pair p = assertSame("GET", target, null, "User-Agent: modjvm-tests/1.0", "X-Custom-Header: custom value");
        assertEquals(target, p.daemon().string("REQUEST_URI"));
    }

    @Test
    void scriptNameAndPathInfoThroughTheDaemonFollowModWsgi() {
        EnvironDump root = both("GET", "/x/y?z=1", null).daemon();
        assertEquals("", root.string("SCRIPT_NAME"));
        assertEquals("/x/y", root.string("PATH_INFO"));
        assertEquals("z=1", root.string("QUERY_STRING"));
        EnvironDump app = both("GET", "/app/x/y?q=1", null).daemon();
        assertEquals("/app", app.string("SCRIPT_NAME"));
        assertEquals("/x/y", app.string("PATH_INFO"));
        assertEquals("q=1", app.string("QUERY_STRING"));
    }

    @Test
    void nonAsciiHeaderBytesAreTheSame() {
        String value = "caf\u00e9 \u00c3\u00a9 \u00ff";
        Pair p = assertSame("GET", "/", null, "X-Latin: " + value);
        byte[] bytes = p.daemon().string("HTTP_X_LATIN").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("63 61 66 e9 20 c3 a9 20 ff", HexFormat.ofDelimiter(" ").formatHex(bytes));
    }

    @Test
    void authorizationIsHiddenInBothModes() {
        Pair p = assertSame("GET", "/app", null, "Authorization: Basic dXNlcjpwYXNzd29yZA==");
        assertFalse(p.daemon().has("HTTP_AUTHORIZATION"), p.daemon()::raw);
    }

    @Test
    void manyAndLargeHeadersAreTheSame() {
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            headers.add("X-Many-" + i + ": " + Integer.toString(i).repeat(200).substring(0, 200));
        }
        headers.add("X-Big: " + "v".repeat(8000));
        String path = ("/" + "p".repeat(299)).repeat(9);
        assertSame("GET", path + "?q=" + "x".repeat(500), null, headers.toArray(String[]::new));
    }

    @Test
    void post10MegabytesIsTheSame() throws Exception {
        byte[] body = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(body);
        Pair p = assertSame("POST", "/upload?x=1", body, "Content-Type: application/octet-stream");
        assertEquals(Integer.toString(body.length), p.daemon().value("@body.length"));
        assertEquals(sha256(body), p.daemon().value("@body.sha256"));
    }

    @Test
    void chunkedUploadIsTheSame() throws Exception {
        EnvironDump[] out = new EnvironDump[2];
        String[] modes = {EMBEDDED, DAEMON};
        byte[] all = null;
        for (int m = 0; m < 2; m++) {
            Random random = new Random(7);
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            try (RawHttp c = RawHttp.connect(server.port())) {
                c.sendHead("POST", "/chunked", "Transfer-Encoding: chunked", "Content-Type: application/x-test",
                        "Connection: close", modes[m]);
                for (int size : new int[] {1, 10, 8191, 8192, 65537, 1 << 20, 3, 2 * 1024 * 1024 + 5}) {
                    byte[] chunk = new byte[size];
                    random.nextBytes(chunk);
                    sent.write(chunk);
                    c.sendChunk(chunk);
                }
                c.sendLastChunk();
                out[m] = EnvironDump.of(c.readResponse());
            }
            all = sent.toByteArray();
        }
        assertEquals("env", out[1].string("mod_jvm.process_group"));
        for (EnvironDump e : out) {
            assertEquals(Integer.toString(all.length), e.value("@body.length"));
            assertEquals(sha256(all), e.value("@body.sha256"));
        }
        assertEquals(out[0].has("CONTENT_LENGTH"), out[1].has("CONTENT_LENGTH"));
        assertEquals(out[0].value("jvm.input_terminated"), out[1].value("jvm.input_terminated"));
    }

    @Test
    void headIsTheSame() {
        RawHttp.Head[] heads = new RawHttp.Head[2];
        String[] modes = {EMBEDDED, DAEMON};
        for (int m = 0; m < 2; m++) {
            try (RawHttp c = RawHttp.connect(server.port())) {
                c.sendHead("HEAD", "/head", "Connection: close", modes[m]);
                heads[m] = c.readHead();
                assertTrue(c.serverClosed(10_000), "no body after the head of a HEAD response");
            }
        }
        assertEquals(200, heads[1].status(), heads[1]::toString);
        assertEquals("HEAD", heads[1].header("X-Environ-Method"), heads[1]::toString);
        for (String h : List.of("Content-Type", "X-Environ-Method")) {
            assertEquals(heads[0].header(h), heads[1].header(h), h);
        }
    }

    @Test
    void concurrentRequestsThroughTheDaemonDoNotSeeEachOthersData() throws Exception {
        // Apache's threads reuse their daemon connections: no request may see another's data
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<String>> fs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                fs.add(pool.submit(() -> {
                    byte[] body = new byte[1000 + n * 997 % 50_000];
                    new Random(n).nextBytes(body);
                    RawHttp.Response r = RawHttp.request(server.port(), "PUT", "/req/" + n + "?n=" + n, body,
                            "X-Request-Number: " + n, DAEMON);
                    EnvironDump e = EnvironDump.of(r);
                    assertEquals("env", e.string("mod_jvm.process_group"));
                    assertEquals("/req/" + n, e.string("PATH_INFO"));
                    assertEquals("n=" + n, e.string("QUERY_STRING"));
                    assertEquals(Integer.toString(n), e.string("HTTP_X_REQUEST_NUMBER"));
                    assertEquals(sha256(body), e.value("@body.sha256"), "body of request " + n);
                    return e.string("mod_jvm.request_id");
                }));
            }
            Set<String> ids = new java.util.HashSet<>();
            for (Future<String> f : fs) {
                ids.add(f.get());
            }
            assertEquals(200, ids.size(), "request ids are unique");
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ responses

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {EMBEDDED, DAEMON})
    void streamedChunksArriveAsTheyAreProduced(String mode) throws Exception {
        assertEquals(200, RawHttp.get(server.port(), "/stream?n=1", mode).status()); // loads (compiles) the app
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.sendHead("GET", "/stream?n=4&sleep=1000", "Connection: close", mode);
            long t0 = System.nanoTime();
            RawHttp.Head head = c.readHead();
            assertEquals(200, head.status(), head::toString);
            InputStream body = c.body(head, false);
            byte[] first = new byte[8];
            assertEquals(8, body.readNBytes(first, 0, 8));
            long firstMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("chunk 0\n", new String(first, StandardCharsets.US_ASCII));
            assertTrue(firstMs < 800, "the first chunk arrives at once, not with the rest (3 s later): " + firstMs + " ms");
            String rest = new String(body.readAllBytes(), StandardCharsets.US_ASCII);
            long allMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("chunk 1\nchunk 2\nchunk 3\n", rest);
            assertTrue(allMs >= 2900, "the whole body takes the 3 s the app sleeps: " + allMs);
            assertTrue(allMs - firstMs >= 2500, "first chunk after " + firstMs + " ms, end after " + allMs + " ms");
        }
    }

    static void assertBigBody(String query, long size) throws Exception {
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.sendHead("GET", "/big?" + query, "Connection: close", DAEMON);
            RawHttp.Head head = c.readHead();
            assertEquals(200, head.status(), head::toString);
            InputStream body = c.body(head, false);
            byte[] buf = new byte[1 << 16];
            long pos = 0;
            int n;
            while ((n = body.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != (byte) ((pos + i) % 251)) {
                        throw new AssertionError("byte " + (pos + i) + " is wrong");
                    }
                }
                pos += n;
            }
            assertEquals(size, pos, "body length");
        }
    }

    @Test
    void a100MegabyteResponseStreamsThroughTheDaemon() throws Exception {
        // the daemon runs with -Xmx64m: the body cannot be buffered whole
        long size = 100L << 20;
        long t0 = System.nanoTime();
        assertBigBody("size=" + size + "&chunk=65536&cl=1", size);
        assertBigBody("size=" + size + "&chunk=1000000&direct=1", size);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 60_000, "200 MB in " + ms + " ms");
        assertTrue(server.crashLines().isEmpty(), () -> "crash lines: " + server.crashLines());
        assertFalse(server.errorLog().contains("OutOfMemoryError"), "no OutOfMemoryError in the daemon");
    }

    @Test
    void aClientThatGoesAwayMidResponseClosesTheIterableInTheDaemon() {
        long mark = server.errorLogMark();
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.sendHead("GET", "/stream?n=100000&sleep=2&tag=daemon-abort", "Connection: close", DAEMON);
            RawHttp.Head head = c.readHead();
            assertEquals(200, head.status(), head::toString);
            c.abort();
        }
        String closed = Daemons.awaitMarker(server, "closed-daemon-abort", Duration.ofSeconds(10));
        assertTrue(closed.startsWith("produced="), closed);
        assertTrue(Integer.parseInt(closed.substring(9)) < 100000, "stopped early: " + closed);
        for (int i = 0; i < 20; i++) {
            assertEquals("env", both("GET", "/after-abort", null).daemon().string("mod_jvm.process_group"));
        }
        assertFalse(server.errorLogSince(mark).contains("JVM00051"), "the daemon survived");
    }

    // ------------------------------------------------------------------ errors

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"throw", "badstatus", "badstatus2", "crlfvalue", "badname", "colonname", "connection",
            "transferencoding", "nostart", "nullbody", "nullchunk", "stringchunk", "starttwice", "excinfo",
            "emptythenthrow", "empty"})
    void applicationErrorsAreAnsweredTheSame(String errorCase) {
        RawHttp.Response[] r = new RawHttp.Response[2];
        String[] modes = {EMBEDDED, DAEMON};
        for (int m = 0; m < 2; m++) {
            r[m] = RawHttp.get(server.port(), "/errors?case=" + errorCase + "&tag=t1", modes[m]);
        }
        String both = "embedded: " + r[0] + "\ndaemon: " + r[1];
        assertEquals(r[0].status(), r[1].status(), both);
        assertEquals(r[0].complete(), r[1].complete(), both);
        assertEquals(r[0].latin1(), r[1].latin1(), both);
        for (String h : List.of("Content-Type", "Content-Length", "X-Replaced", "X-Evil", "X-Injected", "Transfer-Encoding")) {
            assertEquals(r[0].header(h), r[1].header(h), h + ": " + both);
        }
    }

    @Test
    void aFailureAfterTheHeadCutsTheResponseTheSame() {
        RawHttp.Response[] r = new RawHttp.Response[2];
        String[] modes = {EMBEDDED, DAEMON};
        for (int m = 0; m < 2; m++) {
            r[m] = RawHttp.get(server.port(), "/stream?n=3&after=throw&tag=cut" + m, modes[m]);
        }
        String both = "embedded: " + r[0] + "\ndaemon: " + r[1];
        assertEquals(200, r[1].status(), both);
        assertFalse(r[1].complete(), () -> "the client sees a broken response: " + both);
        assertEquals(r[0].complete(), r[1].complete(), both);
        assertEquals(r[0].latin1(), r[1].latin1(), both);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
