package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** conf-samples/hello mounted at "/", with static files next to it served by mod_alias. */
@ExtendWith(DumpLogOnFailure.class)
class HelloTest {
    static ApacheServer server;
    static final byte[] FAVICON = new byte[] {0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, (byte) 0xff, (byte) 0xfe};

    @BeforeAll
    static void start() throws Exception {
        server = ApacheServer.create().name("hello");
        Path site = server.root().resolve("apps/hello/site.java");
        Files.createDirectories(site.getParent());
        Files.copy(ApacheServer.samplesDir().resolve("hello/site.java"), site);
        server.writeFile("static/favicon.ico", FAVICON);
        server.writeFile("static/media/style.css", "body { color: red; }\n");
        server.config("""
                Alias /favicon.ico @ROOT@/static/favicon.ico
                Alias /media/ @ROOT@/static/media/
                <Directory @ROOT@/static>
                  Require all granted
                </Directory>
                JvmScriptAlias / @ROOT@/apps/hello/site.java
                <Directory @ROOT@/apps/hello>
                  Require all granted
                </Directory>
                """).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void helloWorld() {
        RawHttp.Response r = RawHttp.get(server.port(), "/");
        assertEquals(200, r.status(), r::toString);
        assertEquals("Hello World!", r.text());
        assertEquals("12", r.header("Content-Length"), r::toString);
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r::toString);
        assertTrue(r.complete(), r::toString);
    }

    @Test
    void anyPathBelowTheMountIsTheApplication() {
        RawHttp.Response r = RawHttp.get(server.port(), "/some/deeper/path?x=1");
        assertEquals(200, r.status(), r::toString);
        assertEquals("Hello World!", r.text());
    }

    @Test
    void headHasHeadersButNoBody() {
        RawHttp.Response r = RawHttp.request(server.port(), "HEAD", "/", null);
        assertEquals(200, r.status(), r::toString);
        assertEquals("12", r.header("Content-Length"), r::toString);
        assertEquals(0, r.body().length);
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() {
        try (RawHttp c = RawHttp.connect(server.port())) {
            for (int i = 0; i < 5; i++) {
                c.sendHead("GET", "/");
                RawHttp.Response r = c.readResponse();
                assertEquals(200, r.status(), r::toString);
                assertEquals("Hello World!", r.text());
            }
        }
    }

    @Test
    void unreadRequestBodyDoesNotBreakKeepAlive() {
        // hello never reads jvm.input: the body must be discarded, not parsed as the next request
        try (RawHttp c = RawHttp.connect(server.port())) {
            byte[] body = new byte[300_000];
            java.util.Arrays.fill(body, (byte) 'G');
            c.sendHead("POST", "/", "Content-Length: " + body.length, "Content-Type: text/plain");
            c.send(body);
            RawHttp.Response first = c.readResponse();
            assertEquals(200, first.status(), first::toString);
            assertEquals("Hello World!", first.text());
            c.sendHead("GET", "/again", "Connection: close");
            RawHttp.Response second = c.readResponse();
            assertEquals(200, second.status(), second::toString);
            assertEquals("Hello World!", second.text());
        }
    }

    @Test
    void aliasFaviconWinsOverTheScriptAliasAtRoot() {
        RawHttp.Response r = RawHttp.get(server.port(), "/favicon.ico");
        assertEquals(200, r.status(), r::toString);
        assertArrayEquals(FAVICON, r.body());
        assertEquals("image/vnd.microsoft.icon", r.header("Content-Type"), r::toString);
    }

    @Test
    void aliasMediaDirectoryWinsOverTheScriptAliasAtRoot() {
        RawHttp.Response r = RawHttp.get(server.port(), "/media/style.css");
        assertEquals(200, r.status(), r::toString);
        assertEquals("body { color: red; }\n", new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(r.header("Content-Type").startsWith("text/css"), r::toString);
        RawHttp.Response missing = RawHttp.get(server.port(), "/media/missing.css");
        assertEquals(404, missing.status(), "a missing static file is Apache's 404, not the app: " + missing);
    }

    @Test
    void concurrentRequestsAllSucceed() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<RawHttp.Response>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                fs.add(pool.submit(() -> RawHttp.get(server.port(), "/")));
            }
            for (java.util.concurrent.Future<RawHttp.Response> f : fs) {
                RawHttp.Response r = f.get();
                assertEquals(200, r.status(), r::toString);
                assertEquals("Hello World!", r.text());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
