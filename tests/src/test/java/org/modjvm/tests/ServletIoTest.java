package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A web application's I/O through mod_jvm's connector, embedded (/emb) and in a daemon group
 * (/dmn): async servlets (completed from another thread, AsyncContext.start, dispatch, timeout),
 * non-blocking ReadListener/WriteListener, server-sent events and a blocking stream whose flushes
 * reach the client before the next event exists, HEAD, Expect: 100-continue, chunked request
 * bodies, a 100 MB multipart upload to a daemon of -Xmx64m (the parts go to disk), a 1 GB
 * response that does not grow the daemon, and the connection's facts (TLS attributes under
 * mod_ssl, the user Apache authenticated, redirects built from Apache's host and port).
 */
@ExtendWith(DumpLogOnFailure.class)
class ServletIoTest {
    static ApacheServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ApacheServer.create().name("servlet-io").threadsPerChild(16).tls();
        Path exploded = SmokeWebApp.exploded(server.root().resolve("apps/smoke"));
        Path war = SmokeWebApp.war(exploded, server.root().resolve("apps/smoke.war"));
        String hash = "{SHA}" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-1").digest("secret".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(server.root().resolve("conf/htpasswd"), "alice:" + hash + "\n");
        StringBuilder modules = new StringBuilder();
        for (String m : new String[] {"authn_core", "authn_file", "auth_basic", "authz_user"}) {
            modules.append("LoadModule ").append(m).append("_module ").append(ApacheServer.APACHE_MODULES.resolve("mod_" + m + ".so"))
                    .append('\n');
        }
        server.config(modules + """
                JvmDaemonProcess web threads=8 jvm-options="-Xmx64m"
                JvmScriptAlias /emb %1$s
                JvmScriptAlias /dmn %1$s process-group=web
                <Location /emb/facts>
                  AuthType Basic
                  AuthName smoke
                  AuthBasicProvider file
                  AuthUserFile @ROOT@/conf/htpasswd
                  Require valid-user
                </Location>
                <Location /dmn/facts>
                  AuthType Basic
                  AuthName smoke
                  AuthBasicProvider file
                  AuthUserFile @ROOT@/conf/htpasswd
                  Require valid-user
                </Location>
                """.formatted(war)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static final String ALICE = "Authorization: Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes());

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void asyncCompletedFromAnotherThread(String mount) {
        RawHttp.Response r = RawHttp.get(server.port(), mount + "/async?mode=thread");
        assertEquals(200, r.status(), r.toString());
        assertEquals("completed by smoke-async-thread\n", r.text());
        RawHttp.Response started = RawHttp.get(server.port(), mount + "/async?mode=start");
        assertEquals(200, started.status(), started.toString());
        assertTrue(started.text().startsWith("started on mod_jvm-async-"), started.toString());
        RawHttp.Response dispatched = RawHttp.get(server.port(), mount + "/async?mode=dispatch");
        assertEquals(200, dispatched.status(), dispatched.toString());
        assertTrue(dispatched.text().contains("pathInfo=/dispatched\n"), dispatched.toString());
        RawHttp.Response timedOut = RawHttp.get(server.port(), mount + "/async?mode=timeout");
        assertEquals(200, timedOut.status(), timedOut.toString());
        assertEquals("timed out\n", timedOut.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void nonBlockingReadAndWriteListeners(String mount) throws Exception {
        byte[] body = new byte[700_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        RawHttp.Response r = RawHttp.request(server.port(), "POST", mount + "/nio?chunks=500", body);
        assertEquals(200, r.status(), r.toString());
        String text = r.text();
        assertTrue(text.startsWith("read 700000 bytes sha256 " + sha256(body) + "\n"), r.toString());
        assertTrue(text.endsWith("chunk 499\n"), r.toString());
        assertEquals(501, text.split("\n").length, r.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb/events?n=3", "/dmn/events?n=3", "/emb/events?n=3&sync=1", "/dmn/events?n=3&sync=1"})
    void eachEventReachesTheClientBeforeTheNextIsWritten(String target) throws Exception {
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.sendHead("GET", target, "Connection: close");
            RawHttp.Head head = c.readHead();
            assertEquals(200, head.status(), head.toString());
            assertTrue(head.header("Content-Type").startsWith("text/event-stream"), head.toString());
            BufferedReader events = new BufferedReader(new InputStreamReader(c.body(head, false), StandardCharsets.UTF_8));
            for (int i = 1; i <= 3; i++) {
                // the servlet writes event i, flushes, then waits for /events-next: had the flush
                // not reached us, this read would wait for the socket timeout and fail
                assertEquals("data: event " + i, events.readLine());
                assertEquals("", events.readLine());
                if (i < 3) {
                    String mount = target.substring(0, 4);
                    RawHttp.Response next = RawHttp.get(server.port(), mount + "/events-next");
                    assertEquals(200, next.status(), next.toString());
                }
            }
            assertEquals(null, events.readLine());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void headAnswersGetsHeadersWithoutABody(String mount) {
        RawHttp.Response get = RawHttp.get(server.port(), mount + "/echo/same");
        RawHttp.Response head = RawHttp.request(server.port(), "HEAD", mount + "/echo/same", null);
        assertEquals(200, head.status(), head.toString());
        assertEquals(0, head.body().length, head.toString());
        assertEquals(get.header("Content-Type"), head.header("Content-Type"));
        assertEquals("yes", head.header("X-Smoke"), head.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void expectContinueAndChunkedBodies(String mount) throws Exception {
        // deployed first (an embedded child deploys at its first request): the wait for the
        // interim response below is then the servlet's, not the deployment's
        assertEquals(200, RawHttp.get(server.port(), mount + "/echo/warm").status());
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.sendHead("POST", mount + "/echo/?body=1", "Content-Length: 100000", "Expect: 100-continue",
                    "Connection: close");
            // the interim response comes when the servlet first reads the body (Apache sends it);
            // RawHttp.readHead would skip it, so it is read line by line here
            c.socket().setSoTimeout(30_000);
            String interim = ProtocolTest.readRawLine(c.socket().getInputStream());
            assertTrue(interim.startsWith("HTTP/1.1 100"), "interim response, got: " + interim);
            assertEquals("", ProtocolTest.readRawLine(c.socket().getInputStream()));
            c.socket().setSoTimeout(RawHttp.READ_TIMEOUT_MS);
            c.send(new byte[100_000]);
            RawHttp.Response r = c.readResponse();
            assertEquals(200, r.status(), r.toString());
            assertTrue(r.text().contains("bodyBytes=100000\n"), r.toString());
        }
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.sendHead("POST", mount + "/echo/?body=1", "Transfer-Encoding: chunked", "Connection: close");
            for (int i = 0; i < 10; i++) {
                c.sendChunk(new byte[12_345]);
            }
            c.sendLastChunk();
            RawHttp.Response r = c.readResponse();
            assertEquals(200, r.status(), r.toString());
            assertTrue(r.text().contains("bodyBytes=123450\n"), r.toString());
        }
    }

    @Test
    void aHundredMegabyteUploadGoesToDiskNotToTheHeap() throws Exception {
        // the daemon has -Xmx64m: a part held in memory could not fit
        byte[] file = new byte[100 * 1024 * 1024];
        for (int i = 0; i < file.length; i += 4096) {
            file[i] = (byte) (i >>> 12);
        }
        String boundary = "smoke-boundary-1234";
        ByteArrayOutputStream body = new ByteArrayOutputStream(file.length + 1024);
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        body.write(file);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        RawHttp.Response r = RawHttp.request(server.port(), "POST", "/dmn/upload", body.toByteArray(),
                "Content-Type: multipart/form-data; boundary=" + boundary);
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.text().contains("title 5 " + sha256("hello".getBytes()) + "\n"), r.toString());
        assertTrue(r.text().contains("file " + file.length + " " + sha256(file) + "\n"), r.toString());
    }

    @Test
    void aGigabyteResponseDoesNotGrowTheDaemon() throws Exception {
        RawHttp.Response warm = RawHttp.get(server.port(), "/dmn/bytes?size=10000000");
        assertEquals(10_000_000, warm.body().length, warm.toString());
        long pid = Daemons.pids(server, "web").get(0);
        long before = rssKb(pid);
        long size = 1L << 30;
        long received = 0;
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.sendHead("GET", "/dmn/bytes?size=" + size + "&length=1", "Connection: close");
            RawHttp.Head head = c.readHead();
            assertEquals(200, head.status(), head.toString());
            assertEquals(size, head.contentLength(), head.toString());
            try (InputStream in = c.body(head, false)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    received += n;
                }
            }
        }
        assertEquals(size, received);
        long after = rssKb(pid);
        // a response held in memory would add a gigabyte (and fail -Xmx64m first)
        assertTrue(after - before < 64 * 1024, "RSS of the daemon grew from " + before + " kB to " + after + " kB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void tlsAttributesUserAndRedirectsComeFromApache(String mount) {
        RawHttp.Response plain = RawHttp.get(server.port(), mount + "/facts", ALICE);
        assertEquals(200, plain.status(), plain.toString());
        assertTrue(plain.text().contains("scheme=http\nsecure=false\nserverPort=" + server.port() + "\n"), plain.toString());
        assertTrue(plain.text().contains("cipher=null\n"), plain.toString());
        assertTrue(plain.text().contains("remoteUser=alice\nauthType=Basic\n"), plain.toString());
        RawHttp.Response denied = RawHttp.get(server.port(), mount + "/facts");
        assertEquals(401, denied.status(), denied.toString());

        RawHttp.Response tls;
        try (RawHttp c = RawHttp.connect(server.tlsPort(), true)) {
            c.sendHead("GET", mount + "/facts?redirect=1", ALICE, "Connection: close");
            tls = c.readResponse();
        }
        assertEquals(302, tls.status(), tls.toString());
        // relative, as Tomcat 11 sends it behind mod_proxy_ajp (useRelativeRedirects): the client
        // resolves it against the URL it asked Apache for
        assertEquals("target?x=1", tls.header("Location"), tls.toString());
        try (RawHttp c = RawHttp.connect(server.tlsPort(), true)) {
            c.sendHead("GET", mount + "/facts", ALICE, "Connection: close");
            tls = c.readResponse();
        }
        String text = tls.text();
        assertTrue(text.contains("scheme=https\nsecure=true\nserverPort=" + server.tlsPort() + "\n"), tls.toString());
        assertTrue(text.matches("(?s).*\ncipher=[A-Z0-9_-]+\n.*"), tls.toString());
        assertTrue(text.matches("(?s).*\nkeySize=\\d+\n.*"), tls.toString());
        assertTrue(text.contains("sessionId=true\n") || text.contains("sessionId=false\n"), tls.toString());
        assertTrue(text.contains("certificates=none\n"), tls.toString());
        assertTrue(text.contains("remoteUser=alice\n"), tls.toString());
        // the URL an application builds absolute links from: Apache's scheme, host and port
        assertTrue(text.contains("requestURL=https://127.0.0.1:" + server.tlsPort() + mount + "/facts\n"), tls.toString());
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
