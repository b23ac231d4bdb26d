package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hello world, the environ and a fault, in both modes, under each MPM (Debian switches to
 * prefork when mod_php is installed) and over each protocol: HTTP/1.1 and h2 over TLS by ALPN
 * (java.net.http), h2c by prior knowledge and by {@code Upgrade: h2c} (curl). One server per
 * MPM with both modes mounted ({@code /e/...} embedded, {@code /d/...} daemon group "mx"); the
 * invocations are ordered by MPM so each server starts once, and the servers share their
 * compiled-class caches (a script is compiled once per mode, not once per MPM: the run stays
 * short, and a child of one MPM loads what another MPM's child compiled). The protocol used is checked on
 * both sides: the client's view and Apache's (%H in an access log of its own).
 *
 * <p>mod_http2 is loaded under every MPM but does not run under prefork (Apache logs AH10034
 * and serves HTTP/1.1): there the h2c cases are left out and TLS is HTTP/1.1, negotiated by a
 * client that offers h2.
 *
 * <p>Apache's own limits, seen with a static file as well (Debian's 2.4, mod_http2 2.0.42): it
 * upgrades no request with a body (so the Upgrade case sends the environ request as a GET), and
 * it ends an idle cleartext HTTP/2 connection with a GOAWAY right after a response (curl's
 * second request on it fails), which java.net.http's h2c Upgrade also loses a race against under
 * mpm_event (about one in three): every h2c request therefore has a connection of its own (curl).
 */
@ExtendWith(DumpLogOnFailure.class)
class MpmMatrixTest {
    enum Mpm {
        EVENT, WORKER, PREFORK;

        String apacheName() {
            return name().toLowerCase();
        }

        boolean http2() {
            return this != PREFORK;
        }
    }

    enum Protocol {
        HTTP1, H2C_PRIOR_KNOWLEDGE, H2C_UPGRADE, TLS;

        boolean h2c() {
            return this == H2C_PRIOR_KNOWLEDGE || this == H2C_UPGRADE;
        }
    }

    enum Mode {
        EMBEDDED("/e", ""), DAEMON("/d", "mx");

        final String prefix;
        final String group;

        Mode(String prefix, String group) {
            this.prefix = prefix;
            this.group = group;
        }
    }

    /** What a request got, whoever sent it. */
    record Answer(int status, String version, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + version + " " + text().substring(0, Math.min(300, body.length));
        }
    }

    static final int PREFORK_CHILDREN = 3;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    static final AtomicInteger TAGS = new AtomicInteger();

    static ApacheServer server;
    static Mpm running;
    /** Holds the JvmCacheDirectory of every server (cache, and cache.mx of the daemon group). */
    static Path shared;
    /** One client per protocol and server: connections are reused (a prefork child each). */
    static final Map<Protocol, HttpClient> CLIENTS = new EnumMap<>(Protocol.class);

    static Stream<Arguments> matrix() {
        List<Arguments> all = new ArrayList<>();
        for (Mpm mpm : Mpm.values()) {
            for (Protocol p : Protocol.values()) {
                if (p.h2c() && !mpm.http2()) {
                    continue;
                }
                for (Mode mode : Mode.values()) {
                    all.add(Arguments.of(mpm, p, mode));
                }
            }
        }
        return all.stream();
    }

    @AfterAll
    static void stopLast() throws IOException {
        try {
            stopServer();
        } finally {
            if (shared != null && !Boolean.getBoolean("modjvm.keep")) {
                try (Stream<Path> all = Files.walk(shared)) {
                    for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    static void stopServer() {
        CLIENTS.clear();
        running = null;
        if (server != null) {
            ApacheServer s = server;
            server = null;
            s.close();
        }
    }

    static ApacheServer serverFor(Mpm mpm) {
        if (running == mpm) {
            return server;
        }
        stopServer();
        ApacheServer s = ApacheServer.create().name("mpm-" + mpm.apacheName()).mpm(mpm.apacheName()).tls().http2();
        if (mpm == Mpm.PREFORK) {
            s.processes(PREFORK_CHILDREN);
        }
        Path hello = s.root().resolve("apps/hello/site.java");
        try {
            Files.createDirectories(hello.getParent());
            Files.copy(ApacheServer.samplesDir().resolve("hello/site.java"), hello);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path environ = s.installApp("environ.java", "environ");
        Path fault = s.installApp("faultapp.java", "fault");
        try {
            if (shared == null) {
                // Apache creates the caches in it, for the children's user: it only has to be reachable
                shared = Files.createTempDirectory("modjvm-mpm-");
                Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        s.config("""
                JvmCacheDirectory %4$s
                LogFormat "%%H %%>s %%U%%q" protocol
                CustomLog "@ROOT@/logs/protocol_log" protocol
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess mx processes=1 threads=4
                JvmScriptAlias /e/hello %1$s
                JvmScriptAlias /e/environ %2$s
                JvmScriptAlias /e/fault %3$s
                JvmScriptAlias /d/hello %1$s process-group=mx
                JvmScriptAlias /d/environ %2$s process-group=mx
                JvmScriptAlias /d/fault %3$s process-group=mx
                """.formatted(hello, environ, fault, shared.resolve("cache")));
        server = s;
        s.start();
        running = mpm;
        if (mpm == Mpm.PREFORK) {
            String log = s.awaitErrorLog(0, "AH10034", Duration.ofSeconds(10));
            assertTrue(log.contains("AH10034"), () -> "mod_http2 says it is inactive under prefork:\n" + log);
        }
        return s;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("matrix")
    void helloEnvironAndAFault(Mpm mpm, Protocol protocol, Mode mode) {
        if (protocol.h2c()) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl (scripts/install-deps installs it)");
        }
        ApacheServer s = serverFor(mpm);
        String version = protocol == Protocol.HTTP1 || !mpm.http2() ? "HTTP/1.1" : "HTTP/2";
        String what = mpm + " " + protocol + " " + mode;
        List<String> tags = new ArrayList<>();

        // hello
        String t1 = tag(tags);
        Answer hello = send(s, protocol, mode.prefix + "/hello?tag=" + t1, null);
        assertEquals(200, hello.status(), () -> what + " hello: " + hello);
        assertEquals("Hello World!", hello.text(), what);
        assertEquals(version, hello.version(), () -> what + ": the protocol the client saw");

        // environ, with a request body (but Apache upgrades no request with a body)
        byte[] body = new byte[protocol == Protocol.H2C_UPGRADE ? 0 : 100_000];
        new Random(TAGS.get()).nextBytes(body);
        String t2 = tag(tags);
        Answer environ = send(s, protocol, mode.prefix + "/environ/info?tag=" + t2, body.length > 0 ? body : null);
        assertEquals(200, environ.status(), () -> what + " environ: " + environ);
        assertEquals(version, environ.version(), what);
        Map<String, String> e = environ(environ);
        assertEquals(version.equals("HTTP/2") ? "HTTP/2.0" : "HTTP/1.1", e.get("SERVER_PROTOCOL"), what);
        assertEquals(body.length > 0 ? "POST" : "GET", e.get("REQUEST_METHOD"), what);
        assertEquals(mode.prefix + "/environ", e.get("SCRIPT_NAME"), what);
        assertEquals("/info", e.get("PATH_INFO"), what);
        assertEquals("tag=" + t2, e.get("QUERY_STRING"), what);
        assertEquals(Integer.toString(body.length), e.get("@body.length"), what);
        assertEquals(sha256(body), e.get("@body.sha256"), () -> what + ": the body as sent");
        assertEquals(protocol == Protocol.TLS ? "https" : "http", e.get("jvm.url_scheme"), what);
        assertEquals(mode.group, e.get("mod_jvm.process_group"), what);
        assertTrue(e.get("SERVER_SOFTWARE").contains(" mod_jvm/"), () -> what + ": SERVER_SOFTWARE " + e.get("SERVER_SOFTWARE"));
        // embedded mode runs in Apache's children: one thread each under prefork; the daemon has threads=4
        assertEquals(Boolean.toString(mode == Mode.DAEMON || mpm != Mpm.PREFORK), e.get("jvm.multithread"), what);
        if (mode == Mode.EMBEDDED && mpm == Mpm.PREFORK) {
            assertEquals("true", e.get("jvm.multiprocess"), () -> what + ": " + PREFORK_CHILDREN + " children");
        }

        // a fault: 500 with the numbered log line, and the next request is served
        long mark = s.errorLogMark();
        String t3 = tag(tags);
        Answer fault = send(s, protocol, mode.prefix + "/fault?case=unchecked&tag=" + t3, null);
        assertEquals(500, fault.status(), () -> what + " fault: " + fault);
        assertFalse(fault.text().contains("fault-"), () -> "no exception text to the client: " + fault);
        String log = s.awaitErrorLog(mark, "JVM01100: java\\.lang\\.IllegalStateException: fault-unchecked-" + t3,
                Duration.ofSeconds(20));
        FaultHarnessTest.assertLogSays(what, log, "JVM01100: java\\.lang\\.IllegalStateException: fault-unchecked-" + t3);
        String t4 = tag(tags);
        Answer after = send(s, protocol, mode.prefix + "/fault?case=ok&tag=" + t4, null);
        assertEquals(200, after.status(), () -> what + ": the request after the fault: " + after);
        assertTrue(after.text().startsWith("ok "), () -> what + ": " + after);
        assertTrue(s.crashLines().isEmpty(), () -> what + ": " + s.crashLines());

        // Apache's own view of the protocol: %H of each request (an Upgrade also logs its 101)
        String apacheVersion = version.equals("HTTP/2") ? "HTTP/2.0" : "HTTP/1.1";
        for (String t : tags) {
            String line = protocolLogLine(s, t);
            assertTrue(line.startsWith(apacheVersion + " "), () -> what + ": Apache's access log says " + line);
            if (protocol == Protocol.H2C_UPGRADE && t.equals(t1)) {
                assertTrue(Files.exists(s.root().resolve("logs/protocol_log")) && readLines(s).contains(
                        "HTTP/1.1 101 " + mode.prefix + "/hello?tag=" + t1), () -> what + ": the upgrade's 101");
            }
        }
    }

    static String tag(List<String> tags) {
        String t = "m" + TAGS.incrementAndGet() + "x" + ProcessHandle.current().pid();
        tags.add(t);
        return t;
    }

    /**
     * The protocol_log line of the request tagged t, other than an Upgrade's 101 (written when
     * the request ends: waited for).
     */
    static String protocolLogLine(ApacheServer s, String t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            for (String line : readLines(s)) {
                if (line.endsWith("tag=" + t) && !line.contains(" 101 ")) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no access log line for tag " + t + ":\n" + String.join("\n", readLines(s)));
            }
            ApacheServer.sleep(50);
        }
    }

    static List<String> readLines(ApacheServer s) {
        Path log = s.root().resolve("logs/protocol_log");
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ clients

    /** GET, or POST of body, over protocol. */
    static Answer send(ApacheServer s, Protocol protocol, String path, byte[] body) {
        if (protocol.h2c()) {
            return curl(s, protocol == Protocol.H2C_PRIOR_KNOWLEDGE ? "--http2-prior-knowledge" : "--http2", path, body);
        }
        HttpClient client = CLIENTS.computeIfAbsent(protocol, p -> newClient(s, p));
        String base = protocol == Protocol.TLS ? "https://127.0.0.1:" + s.tlsPort() : "http://127.0.0.1:" + s.port();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT);
        if (body != null) {
            b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/octet-stream");
        }
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1", r.body());
        } catch (IOException e) {
            throw new AssertionError(protocol + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** HTTP/1.1 or TLS (offering h2 by ALPN), one client per server: its connection is reused. */
    static HttpClient newClient(ApacheServer s, Protocol protocol) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .version(protocol == Protocol.HTTP1 ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2);
        if (protocol == Protocol.TLS) {
            b.sslContext(trusting(s.certificate()));
        }
        return b.build();
    }

    /** TLS that trusts the server's self-signed certificate (and checks it names 127.0.0.1). */
    static SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * h2c, one request on a connection of its own: curl (java.net.http cannot speak h2c by prior
     * knowledge), which reports the version it spoke.
     */
    static Answer curl(ApacheServer s, String how, String path, byte[] body) {
        try {
            Path out = Files.createTempFile(s.root(), "curl-", ".out");
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/curl", "-sS", "--noproxy", "*", how,
                    "--max-time", Long.toString(REQUEST_TIMEOUT.toSeconds()), "-o", out.toString(),
                    "-w", "%{http_code} %{http_version}"));
            if (body != null) {
                Path in = Files.write(Files.createTempFile(s.root(), "curl-", ".in"), body);
                cmd.addAll(List.of("--data-binary", "@" + in, "-H", "Content-Type: application/octet-stream"));
            }
            cmd.add("http://127.0.0.1:" + s.port() + path);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(p.waitFor(REQUEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS), "curl did not finish");
            assertEquals(0, p.exitValue(), () -> "curl " + cmd + ": " + status);
            String[] f = status.split(" ");
            assertEquals(2, f.length, () -> "curl -w: " + status);
            return new Answer(Integer.parseInt(f[0]), f[1].equals("2") ? "HTTP/2" : "HTTP/" + f[1], Files.readAllBytes(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The environ app's dump: key → value. */
    static Map<String, String> environ(Answer a) {
        Map<String, String> m = new HashMap<>();
        for (String line : new String(a.body(), StandardCharsets.ISO_8859_1).split("\n")) {
            String[] p = line.split("\t", 3);
            if (p.length == 3) {
                m.put(p[0], p[2]);
            }
        }
        for (String key : List.of("SERVER_PROTOCOL", "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
                "@body.length", "@body.sha256", "jvm.url_scheme", "mod_jvm.process_group", "SERVER_SOFTWARE",
                "jvm.multithread", "jvm.multiprocess")) {
            assertTrue(m.containsKey(key), () -> "environ has no " + key + ":\n" + a.text());
        }
        return m;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
