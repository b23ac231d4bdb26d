package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The environ an application sees, compared with what mod_wsgi gives a WSGI application.
 * Two servers: "root" mounts the environ app at "/" (defaults: JvmPassAuthorization Off, one
 * child process), "app" mounts it at "/app" with JvmHome, JvmOptions, JvmClassPath,
 * JvmPassAuthorization On and two child processes possible.
 */
@ExtendWith(DumpLogOnFailure.class)
class EnvironTest {
    static ApacheServer root;
    static ApacheServer app;
    static final String AUTH = "Basic dXNlcjpwYXNzd29yZA==";

    @BeforeAll
    static void start() throws Exception {
        root = ApacheServer.create().name("environ-root");
        Path script = root.installApp("environ.java", "environ");
        root.config("""
                SetEnv MODJVM_TEST_VAR "hello from SetEnv"
                SetEnv MARKER_DIR @ROOT@/markers
                JvmScriptAlias / %s
                """.formatted(script)).start();

        app = ApacheServer.create().name("environ-app").processes(2);
        Path appScript = app.installApp("environ.java", "environ");
        Path useLib = app.installApp("uselib.java", "uselib");
        app.installApp("environ.java", "match");
        app.installApp("pid.java", "match");
        buildGreeterJar(app.root().resolve("lib/greeter.jar"));
        app.writeFile("lib/classes/modjvm-resource.txt", "resource from a JvmClassPath directory");
        app.config("""
                JvmHome %s
                JvmOptions "-Dmodjvm.test=overridden -Dmodjvm.test2=two"
                JvmOptions "-Dmodjvm.test=from-JvmOptions -Xmx96m"
                JvmClassPath @ROOT@/lib/greeter.jar:@ROOT@/lib/classes/
                JvmPassAuthorization On
                JvmScriptAlias /app %s
                JvmScriptAlias /lib %s
                JvmScriptAliasMatch ^/match/([^/]+) @ROOT@/apps/match/$1.java
                """.formatted(ApacheServer.jvmHome(), appScript, useLib)).start();
    }

    @AfterAll
    static void stop() {
        for (ApacheServer s : new ApacheServer[] {root, app}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static EnvironDump get(ApacheServer s, String target, String... headers) {
        return EnvironDump.of(RawHttp.get(s.port(), target, headers));
    }

    // ------------------------------------------------------------------ SCRIPT_NAME / PATH_INFO

    static Stream<Arguments> paths() {
        return Stream.of(
                // server, request target, SCRIPT_NAME, PATH_INFO, QUERY_STRING
                Arguments.of("root", "/", "", "/", ""),
                Arguments.of("root", "/x", "", "/x", ""),
                Arguments.of("root", "/x/y/?a=1&b=%20c", "", "/x/y/", "a=1&b=%20c"),
                Arguments.of("root", "/a%20b", "", "/a b", ""),
                // UTF-8 bytes of "é" decoded as ISO-8859-1: two chars, bytes recoverable
                Arguments.of("root", "/caf%C3%A9", "", "/caf\u00c3\u00a9", ""),
                Arguments.of("app", "/app", "/app", "", ""),
                Arguments.of("app", "/app/", "/app", "/", ""),
                Arguments.of("app", "/app/x/y?q=1", "/app", "/x/y", "q=1"),
                Arguments.of("app", "/app/a%20b", "/app", "/a b", ""),
                Arguments.of("app", "/app/%E2%82%AC?x=%E2%82%AC", "/app", "/\u00e2\u0082\u00ac", "x=%E2%82%AC"));
    }

    @ParameterizedTest(name = "{0}: {1} -> SCRIPT_NAME \"{2}\" PATH_INFO \"{3}\"")
    @MethodSource("paths")
    void scriptNameAndPathInfoFollowModWsgi(String server, String target, String scriptName, String pathInfo,
            String query) {
        ApacheServer s = server.equals("root") ? root : app;
        EnvironDump e = get(s, target);
        assertEquals(scriptName, e.string("SCRIPT_NAME"), e::raw);
        assertEquals(pathInfo, e.string("PATH_INFO"), e::raw);
        assertEquals(query, e.has("QUERY_STRING") ? e.string("QUERY_STRING") : "", e::raw);
        assertEquals(target, e.string("REQUEST_URI"), "REQUEST_URI is the raw request target");
    }

    @Test
    void nonAsciiPathBytesAreRecoverable() {
        EnvironDump e = get(root, "/caf%C3%A9");
        byte[] bytes = e.string("PATH_INFO").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("/café", new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void prefixThatIsNotAPathSegmentDoesNotMatchTheMount() {
        RawHttp.Response r = RawHttp.get(app.port(), "/application");
        assertEquals(404, r.status(), () -> "/application must not be served by the /app mount: " + r);
        assertFalse(r.latin1().contains("SCRIPT_NAME"), r::toString);
        RawHttp.Response r2 = RawHttp.get(app.port(), "/appx/y");
        assertEquals(404, r2.status(), r2::toString);
    }

    @Test
    void scriptAliasMatchSubstitutesGroupsAndSplitsAtTheMatch() {
        // mod_wsgi's WSGIScriptAliasMatch: the part of the URL the regex matched is SCRIPT_NAME
        EnvironDump e = get(app, "/match/environ/x/y?z=1");
        assertEquals(app.root().resolve("apps/match/environ.java").toString(), e.string("SCRIPT_FILENAME"));
        assertEquals("/match/environ", e.string("SCRIPT_NAME"));
        assertEquals("/x/y", e.string("PATH_INFO"));
        assertEquals("z=1", e.string("QUERY_STRING"));
        RawHttp.Response pid = RawHttp.get(app.port(), "/match/pid");
        assertEquals(200, pid.status(), pid::toString);
        assertTrue(pid.text().matches("\\d+"), pid::toString);
        RawHttp.Response missing = RawHttp.get(app.port(), "/match/nosuchscript");
        assertEquals(404, missing.status(), () -> "a substituted script that does not exist is a 404: " + missing);
    }

    // ------------------------------------------------------------------ CGI variables

    @Test
    void cgiVariables() throws Exception {
        EnvironDump e;
        int clientPort;
        try (RawHttp c = RawHttp.connect(root.port())) {
            clientPort = c.localPort();
            c.sendHead("GET", "/x/y?a=1", "Connection: close", "User-Agent: modjvm-tests/1.0",
                    "X-Custom-Header: custom value", "Accept: text/plain");
            e = EnvironDump.of(c.readResponse());
        }
        assertEquals("GET", e.string("REQUEST_METHOD"));
        assertEquals("HTTP/1.1", e.string("SERVER_PROTOCOL"));
        assertEquals("127.0.0.1", e.string("SERVER_NAME"));
        assertEquals(Integer.toString(root.port()), e.string("SERVER_PORT"));
        assertEquals("127.0.0.1", e.string("REMOTE_ADDR"));
        assertEquals(Integer.toString(clientPort), e.string("REMOTE_PORT"));
        assertEquals("http", e.string("REQUEST_SCHEME"));
        assertEquals("/x/y?a=1", e.string("REQUEST_URI"));
        assertEquals("a=1", e.string("QUERY_STRING"));
        assertEquals(root.root().resolve("apps/environ/environ.java").toString(), e.string("SCRIPT_FILENAME"));
        assertEquals(root.root().resolve("htdocs").toString(), e.string("DOCUMENT_ROOT"));
        e.string("CONTEXT_PREFIX"); // present (Apache's ap_add_common_vars always sets it)
        assertEquals("127.0.0.1:" + root.port(), e.string("HTTP_HOST"));
        assertEquals("modjvm-tests/1.0", e.string("HTTP_USER_AGENT"));
        assertEquals("custom value", e.string("HTTP_X_CUSTOM_HEADER"));
        assertEquals("text/plain", e.string("HTTP_ACCEPT"));
        assertEquals("hello from SetEnv", e.string("MODJVM_TEST_VAR"));
        assertEquals("EnvironDump", e.string("@class"), "the class name need not match the file name");
    }

    @Test
    void headersWithUnderscoresAreDroppedAsApacheDoesForCgi() {
        // mod_wsgi builds the environ with ap_add_common_vars, which drops header names with
        // characters other than letters, digits and '-' (so X_Under cannot spoof X-Under)
        EnvironDump e = get(root, "/", "X_Under: sneaky", "X-Dash: fine");
        assertEquals("fine", e.string("HTTP_X_DASH"));
        assertFalse(e.has("HTTP_X_UNDER"), e::raw);
    }

    @Test
    void nonAsciiHeaderBytesRoundTripThroughIso88591() {
        // raw bytes: "café" as Latin-1 (E9), "é" as UTF-8 (C3 A9), and 0xFF
        String value = "caf\u00e9 \u00c3\u00a9 \u00ff";
        EnvironDump e = get(root, "/", "X-Latin: " + value);
        String seen = e.string("HTTP_X_LATIN");
        assertEquals(value, seen, e::raw);
        byte[] bytes = seen.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("63 61 66 e9 20 c3 a9 20 ff", HexFormat.ofDelimiter(" ").formatHex(bytes));
    }

    @Test
    void authorizationIsHiddenByDefault() {
        EnvironDump e = get(root, "/", "Authorization: " + AUTH);
        assertFalse(e.has("HTTP_AUTHORIZATION"), () -> "JvmPassAuthorization defaults to Off:\n" + e);
    }

    @Test
    void authorizationIsPassedWithJvmPassAuthorizationOn() {
        EnvironDump e = get(app, "/app/", "Authorization: " + AUTH);
        assertEquals(AUTH, e.string("HTTP_AUTHORIZATION"));
    }

    // ------------------------------------------------------------------ jvm.* and mod_jvm.*

    @Test
    void jvmAndModJvmEntries() {
        long before = System.currentTimeMillis() * 1000;
        EnvironDump e = get(root, "/");
        long after = System.currentTimeMillis() * 1000;
        assertEquals("List", e.kind("jvm.version"));
        assertEquals("Integer:1,Integer:0", e.value("jvm.version"));
        assertEquals("http", e.string("jvm.url_scheme"));
        assertEquals("InputStream", e.kind("jvm.input"));
        assertEquals("Boolean", e.kind("jvm.input_terminated"));
        assertEquals("true", e.value("jvm.input_terminated"));
        assertEquals("PrintStream", e.kind("jvm.errors"));
        assertEquals("Boolean", e.kind("jvm.multithread"));
        assertEquals("true", e.value("jvm.multithread"), "mpm_event with 16 threads per child");
        assertEquals("Boolean", e.kind("jvm.multiprocess"));
        // mod_wsgi: multiprocess is true when AP_MPMQ_MAX_DAEMONS > 1; ServerLimit 1 here
        assertEquals("false", e.value("jvm.multiprocess"), "ServerLimit 1: a single child process");
        assertEquals("Boolean", e.kind("jvm.run_once"));
        assertEquals("false", e.value("jvm.run_once"));
        assertEquals("FileWrapper", e.kind("jvm.file_wrapper"));
        assertEquals("", e.string("mod_jvm.process_group"));
        // the default group is one per script: a named group, not the %{GLOBAL} group ""
        assertFalse(e.string("mod_jvm.application_group").isEmpty(), e::raw);
        assertEquals("application", e.string("mod_jvm.callable_object"));
        assertFalse(e.string("mod_jvm.request_id").isEmpty());
        assertTrue(e.string("mod_jvm.thread_id").matches("\\d+"), e::raw);
        long start = Long.parseLong(e.string("mod_jvm.request_start"));
        long slack = 5_000_000; // 5 s in µs
        assertTrue(start >= before - slack && start <= after + slack,
                "request_start " + start + " (µs since the epoch) not within [" + before + ", " + after + "]");
    }

    @Test
    void multiprocessIsTrueWhenSeveralChildrenArePossible() {
        EnvironDump e = get(app, "/app");
        assertEquals("Boolean", e.kind("jvm.multiprocess"));
        assertEquals("true", e.value("jvm.multiprocess"), "ServerLimit 2");
    }

    @Test
    void requestIdsDifferAndKeepAliveKeepsTheClientPort() {
        try (RawHttp c = RawHttp.connect(root.port())) {
            c.sendHead("GET", "/one");
            EnvironDump first = EnvironDump.of(c.readResponse());
            c.sendHead("GET", "/two");
            EnvironDump second = EnvironDump.of(c.readResponse());
            assertEquals("/one", first.string("PATH_INFO"));
            assertEquals("/two", second.string("PATH_INFO"));
            assertEquals(first.string("REMOTE_PORT"), second.string("REMOTE_PORT"));
            assertNotEquals(first.string("mod_jvm.request_id"), second.string("mod_jvm.request_id"));
        }
    }

    // ------------------------------------------------------------------ request bodies

    @Test
    void headRequestReachesTheAppAsHeadAndSendsNoBody() {
        // mod_wsgi's WSGIMapHEADToGET Auto maps HEAD to GET only when output filters that need
        // the body are configured; none are here, so the app sees HEAD
        try (RawHttp c = RawHttp.connect(root.port())) {
            c.sendHead("HEAD", "/head", "Connection: close");
            RawHttp.Head h = c.readHead();
            assertEquals(200, h.status());
            assertEquals("HEAD", h.header("X-Environ-Method"), h::toString);
            assertTrue(c.serverClosed(10_000), "no body after the head of a HEAD response");
        }
    }

    @Test
    void post10MegabytesArrivesExactly() throws Exception {
        byte[] body = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(body);
        RawHttp.Response r = RawHttp.request(root.port(), "POST", "/upload?x=1", body,
                "Content-Type: application/octet-stream");
        EnvironDump e = EnvironDump.of(r);
        assertEquals("POST", e.string("REQUEST_METHOD"));
        assertEquals(Integer.toString(body.length), e.string("CONTENT_LENGTH"));
        assertEquals("application/octet-stream", e.string("CONTENT_TYPE"));
        assertEquals(Integer.toString(body.length), e.value("@body.length"));
        assertEquals(sha256(body), e.value("@body.sha256"));
    }

    @Test
    void chunkedUploadArrivesExactlyAndEnds() throws Exception {
        Random random = new Random(7);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (RawHttp c = RawHttp.connect(root.port())) {
            c.sendHead("POST", "/chunked", "Transfer-Encoding: chunked", "Content-Type: application/x-test",
                    "Connection: close");
            for (int size : new int[] {1, 10, 8191, 8192, 65537, 1 << 20, 3, 2 * 1024 * 1024 + 5}) {
                byte[] chunk = new byte[size];
                random.nextBytes(chunk);
                all.write(chunk);
                c.sendChunk(chunk);
            }
            c.sendLastChunk();
            EnvironDump e = EnvironDump.of(c.readResponse());
            assertEquals("application/x-test", e.string("CONTENT_TYPE"));
            assertEquals(Integer.toString(all.size()), e.value("@body.length"));
            assertEquals(sha256(all.toByteArray()), e.value("@body.sha256"));
        }
    }

    @Test
    void emptyPostBodyEndsImmediately() {
        RawHttp.Response r = RawHttp.request(root.port(), "POST", "/empty", new byte[0]);
        EnvironDump e = EnvironDump.of(r);
        assertEquals("0", e.value("@body.length"));
    }

    @Test
    void concurrentRequestsDoNotSeeEachOthersEnvironOrBody() throws Exception {
        // 16 worker threads, each with its own buffers: no request may see another's data
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<java.util.concurrent.Future<String>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 240; i++) {
                int n = i;
                fs.add(pool.submit(() -> {
                    byte[] body = new byte[1000 + n * 997 % 50_000];
                    new Random(n).nextBytes(body);
                    RawHttp.Response r = RawHttp.request(root.port(), "PUT", "/req/" + n + "?n=" + n, body,
                            "X-Request-Number: " + n);
                    EnvironDump e = EnvironDump.of(r);
                    assertEquals("/req/" + n, e.string("PATH_INFO"));
                    assertEquals("n=" + n, e.string("QUERY_STRING"));
                    assertEquals(Integer.toString(n), e.string("HTTP_X_REQUEST_NUMBER"));
                    assertEquals("PUT", e.string("REQUEST_METHOD"));
                    assertEquals(sha256(body), e.value("@body.sha256"), "body of request " + n);
                    return e.string("mod_jvm.request_id");
                }));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (java.util.concurrent.Future<String> f : fs) {
                ids.add(f.get());
            }
            assertEquals(240, ids.size(), "request ids are unique");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyAndLargeHeadersAndALongUrl() {
        // an environ far bigger than a first guess of a buffer size: 90 headers of 200 bytes,
        // one of 8000 bytes, a 2700-byte path of 300-byte segments (longer than NAME_MAX; the
        // whole stays under PATH_MAX, beyond which plain Apache answers 403 "File name too long")
        List<String> headers = new java.util.ArrayList<>();
        for (int i = 0; i < 90; i++) {
            headers.add("X-Many-" + i + ": " + Integer.toString(i).repeat(200).substring(0, 200));
        }
        String big = "v".repeat(8000);
        headers.add("X-Big: " + big);
        String path = ("/" + "p".repeat(299)).repeat(9);
        EnvironDump e = get(root, path + "?q=" + "x".repeat(500), headers.toArray(String[]::new));
        for (int i = 0; i < 90; i++) {
            assertEquals(Integer.toString(i).repeat(200).substring(0, 200), e.string("HTTP_X_MANY_" + i));
        }
        assertEquals(big, e.string("HTTP_X_BIG"));
        assertEquals(path, e.string("PATH_INFO"));
        assertEquals("q=" + "x".repeat(500), e.string("QUERY_STRING"));
    }

    @Test
    void clientsThatDisappearMidUploadDoNotHoldThreads() throws Exception {
        // more aborted uploads than worker threads (16); the server must keep answering
        for (int i = 0; i < 20; i++) {
            try (RawHttp c = RawHttp.connect(root.port())) {
                c.sendHead("POST", "/abandoned/" + i, "Content-Length: 1000000");
                c.send(new byte[10_000]);
                c.abort();
            }
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        EnvironDump e = get(root, "/after-abandoned");
        assertTrue(System.nanoTime() < deadline, "answered in time");
        assertEquals("/after-abandoned", e.string("PATH_INFO"));
        assertTrue(root.crashLines().isEmpty(), () -> "crash lines: " + root.crashLines());
    }

    // ------------------------------------------------------------------ JVM configuration

    @Test
    void jvmOptionsJvmHomeAndClassPathReachTheJvm() throws IOException {
        EnvironDump e = get(app, "/app");
        // README: JvmOptions accumulate, later ones win, and they come after the defaults (-Xmx64m)
        assertEquals("from-JvmOptions", e.value("@sysprop.modjvm.test"));
        assertEquals("two", e.value("@sysprop.modjvm.test2"));
        long max = Long.parseLong(e.value("@maxMemory"));
        assertTrue(max > 80L << 20 && max <= 96L << 20, "-Xmx96m wins over the default -Xmx64m: maxMemory " + max);
        assertEquals(ApacheServer.jvmHome().toRealPath(), Path.of(e.value("@java.home")).toRealPath());
        String cp = e.value("@java.class.path");
        assertTrue(cp.contains(app.root().resolve("lib/greeter.jar").toString()), cp);
        assertTrue(cp.contains("mod_jvm-runtime.jar"), cp);
    }

    @Test
    void scriptsCompileAgainstAndRunWithJvmClassPath() {
        RawHttp.Response r = RawHttp.get(app.port(), "/lib");
        assertEquals(200, r.status(), r::toString);
        assertEquals("Hello, app from the library\nresource from a JvmClassPath directory", r.text());
    }

    // ------------------------------------------------------------------ helpers

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Compiles greeter.Greeter into a jar (a library an application uses through JvmClassPath). */
    static void buildGreeterJar(Path jar) throws IOException {
        Path src = Files.createTempDirectory("greeter-src");
        Path java = src.resolve("greeter/Greeter.java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, """
                package greeter;
                public class Greeter {
                    public static String greet(String who) { return "Hello, " + who + " from the library"; }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-d", src.toString(), java.toString());
        assertEquals(0, rc, "javac of the test library");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("greeter/"));
            out.closeEntry();
            out.putNextEntry(new JarEntry("greeter/Greeter.class"));
            out.write(Files.readAllBytes(src.resolve("greeter/Greeter.class")));
            out.closeEntry();
        }
        for (Path p : List.of(src.resolve("greeter/Greeter.class"), java, java.getParent(), src)) {
            Files.deleteIfExists(p);
        }
    }
}
