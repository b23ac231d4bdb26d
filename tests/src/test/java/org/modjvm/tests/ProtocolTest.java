package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** HTTP details: 100-continue, status lines, repeated and Latin-1 headers, odd script paths, jars, HTTPS. */
@ExtendWith(DumpLogOnFailure.class)
class ProtocolTest {
    static ApacheServer server;
    static Path spaced;

    @BeforeAll
    static void start() throws Exception {
        server = ApacheServer.create().name("protocol");
        Path proto = server.installApp("proto.java", "proto");
        Path environ = server.installApp("environ.java", "environ");
        spaced = server.installApp("environ.java", "with space", "env ironment.java");
        Path jar = server.root().resolve("apps/jar/app.jar");
        Path stream = server.installApp("stream.java", "stream");
        buildJarApp(jar);
        server.config("""
                JvmScriptAlias /proto %s
                JvmScriptAlias /environ %s
                JvmScriptAlias /spaced "%s"
                JvmScriptAlias /jar %s
                JvmScriptAlias /stream %s
                """.formatted(proto, environ, spaced, jar, stream)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void expect100ContinueIsAnsweredWhenTheAppReadsTheBody() throws Exception {
        byte[] body = new byte[50_000];
        new Random(3).nextBytes(body);
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.sendHead("POST", "/environ", "Content-Length: " + body.length, "Expect: 100-continue",
                    "Connection: close");
            // a client like curl waits for the interim response before sending the body
            c.socket().setSoTimeout(10_000);
            String interim = readRawLine(c.socket().getInputStream());
            assertTrue(interim.startsWith("HTTP/1.1 100"), "interim response, got: " + interim);
            assertEquals("", readRawLine(c.socket().getInputStream()));
            c.socket().setSoTimeout(RawHttp.READ_TIMEOUT_MS);
            c.send(body);
            EnvironDump e = EnvironDump.of(c.readResponse());
            assertEquals(Integer.toString(body.length), e.value("@body.length"));
            assertEquals(EnvironTest.sha256(body), e.value("@body.sha256"));
        }
    }

    /** Reads one CRLF line byte by byte from the raw stream (before RawHttp buffers anything). */
    static String readRawLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void http10ClientGetsAStreamedBodyDelimitedByClose() {
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.send("GET /stream?n=4&sleep=50 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttp.Response r = c.readResponse();
            assertEquals(200, r.status(), r::toString);
            assertEquals("HTTP/1.1", r.head().protocol());
            assertTrue(!r.head().chunked(), () -> "no chunked encoding for an HTTP/1.0 client: " + r);
            assertEquals("chunk 0\nchunk 1\nchunk 2\nchunk 3\n", r.latin1());
        }
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.send("GET /environ HTTP/1.0\r\n\r\n");
            EnvironDump e = EnvironDump.of(c.readResponse());
            assertEquals("HTTP/1.0", e.string("SERVER_PROTOCOL"));
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        // the body of the first request must be consumed exactly: the second request follows it
        byte[] body = "0123456789".repeat(100).getBytes(StandardCharsets.US_ASCII);
        try (RawHttp c = RawHttp.connect(server.port())) {
            String first = "POST /environ/one HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length + "\r\n\r\n";
            String second = "GET /environ/two HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
            String third = "GET /proto?case=status&s=202+Accepted HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            c.send(first + new String(body, StandardCharsets.ISO_8859_1) + second + third);
            EnvironDump one = EnvironDump.of(c.readResponse());
            assertEquals("/one", one.string("PATH_INFO"));
            assertEquals(Integer.toString(body.length), one.value("@body.length"));
            EnvironDump two = EnvironDump.of(c.readResponse());
            assertEquals("/two", two.string("PATH_INFO"));
            assertEquals("0", two.value("@body.length"));
            RawHttp.Response three = c.readResponse();
            assertEquals(202, three.status(), three::toString);
        }
    }

    @Test
    void repeatedHeadersKeepTheirOrderAndLatin1ValuesTheirBytes() {
        RawHttp.Response r = RawHttp.get(server.port(), "/proto?case=headers");
        assertEquals(200, r.status(), r::toString);
        assertEquals(List.of("a=1; Path=/", "b=2; Path=/", "c=3; Path=/"), r.head().headers("Set-Cookie"));
        assertEquals(List.of("first", "second"), r.head().headers("X-Order"));
        // RawHttp decodes header bytes as ISO-8859-1: one char per byte
        assertEquals("caf\u00e9 \u00ff", r.header("X-Latin"));
        assertEquals("a\tb", r.header("X-Tab"));
        assertEquals("", r.header("X-Empty"), "an empty value is a valid header");
    }

    static Stream<Arguments> statuses() {
        return Stream.of(
                Arguments.of("201 Created", 201, "Created", true),
                Arguments.of("404 Not Found", 404, "Not Found", true),
                // an application's own error status keeps its own body (not Apache's error page)
                Arguments.of("500 Oops", 500, "Oops", true),
                Arguments.of("503 Service Unavailable", 503, "Service Unavailable", true),
                Arguments.of("418 Short And Stout", 418, "Short And Stout", true),
                // mod_wsgi passes the application's status line as is (r->status_line)
                Arguments.of("299 Custom Thing", 299, "Custom Thing", true),
                Arguments.of("204 No Content", 204, "No Content", false),
                Arguments.of("304 Not Modified", 304, "Not Modified", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statuses")
    void statusLineFromTheApplication(String status, int code, String reason, boolean hasBody) {
        RawHttp.Response r = RawHttp.get(server.port(), "/proto?case=status&s=" + status.replace(' ', '+'));
        assertEquals(code, r.status(), r::toString);
        assertEquals(reason, r.head().reason(), r::toString);
        if (hasBody) {
            assertEquals("status " + status, r.text(), r::toString);
        } else {
            assertEquals(0, r.body().length, r::toString);
        }
        if (code == 201) {
            assertTrue(r.header("Location").endsWith("/created/1"), r::toString);
        }
    }

    @Test
    void scriptPathWithSpaces() {
        EnvironDump e = EnvironDump.of(RawHttp.get(server.port(), "/spaced/x"));
        assertEquals(spaced.toString(), e.string("SCRIPT_FILENAME"));
        assertEquals("/spaced", e.string("SCRIPT_NAME"));
        assertEquals("/x", e.string("PATH_INFO"));
    }

    @Test
    void jarApplicationNamedByItsManifest() {
        // README: JvmScriptAlias also mounts a .jar, whose manifest names the class (Application-Class)
        RawHttp.Response r = RawHttp.get(server.port(), "/jar/");
        assertEquals(200, r.status(), r::toString);
        assertEquals("from a jar, callable=application", r.text());
    }

    @Test
    void httpsSetsTheUrlScheme() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed for a test certificate");
        Assumptions.assumeTrue(Files.exists(ApacheServer.APACHE_MODULES.resolve("mod_ssl.so")), "mod_ssl");
        try (ApacheServer tls = ApacheServer.create().name("https")) {
            Path environ = tls.installApp("environ.java", "environ");
            Path key = tls.root().resolve("conf/key.pem");
            Path cert = tls.root().resolve("conf/cert.pem");
            Process p = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=127.0.0.1")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            tls.config("""
                    LoadModule socache_shmcb_module %1$s/mod_socache_shmcb.so
                    LoadModule ssl_module %1$s/mod_ssl.so
                    SSLSessionCache shmcb:@ROOT@/run/ssl_scache(512000)
                    SSLEngine on
                    SSLCertificateFile %2$s
                    SSLCertificateKeyFile %3$s
                    JvmScriptAlias / %4$s
                    """.formatted(ApacheServer.APACHE_MODULES, cert, key, environ)).start();
            EnvironDump e;
            try (RawHttp c = RawHttp.connect(tls.port(), true)) {
                c.sendHead("GET", "/secure?x=1", "Connection: close");
                e = EnvironDump.of(c.readResponse());
            }
            assertEquals("https", e.string("jvm.url_scheme"));
            assertEquals("https", e.string("REQUEST_SCHEME"));
            assertEquals("on", e.string("HTTPS"));
            assertEquals("/secure", e.string("PATH_INFO"));
        }
    }

    @Test
    void plainHttpIsNotHttps() {
        EnvironDump e = EnvironDump.of(RawHttp.get(server.port(), "/environ"));
        assertEquals("http", e.string("jvm.url_scheme"));
        // mod_wsgi sets HTTPS only for https; whether it is absent or "off" for http is not asserted
        if (e.has("HTTPS")) {
            assertTrue(!e.value("HTTPS").equals("on") && !e.value("HTTPS").equals("1"), e::raw);
        }
    }

    /** A jar holding class JarApp (a static application method), named by its manifest. */
    static void buildJarApp(Path jar) throws IOException {
        Path src = Files.createTempDirectory("jarapp-src");
        Path java = src.resolve("JarApp.java");
        Files.writeString(java, """
                import java.util.List;
                import java.util.Map;
                import org.modjvm.StartResponse;
                public class JarApp {
                    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
                        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                        return List.of(("from a jar, callable=" + environ.get("mod_jvm.callable_object")).getBytes());
                    }
                }
                """);
        String api = ApacheServer.moduleDir().resolve("mod_jvm-api.jar").toString();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-cp", api,
                "-d", src.toString(), java.toString());
        assertEquals(0, rc, "javac of the jar app");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(new Attributes.Name("Application-Class"), "JarApp");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.putNextEntry(new JarEntry("JarApp.class"));
            out.write(Files.readAllBytes(src.resolve("JarApp.class")));
            out.closeEntry();
        }
        Files.delete(src.resolve("JarApp.class"));
        Files.delete(java);
        Files.delete(src);
    }
}
