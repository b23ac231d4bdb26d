package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HEAD requests (issue 10, item 2). For HEAD Apache discards the body and every flush, so an
 * endless stream's writes never fail and a client that leaves is never noticed: each HEAD held
 * a worker (and, in daemon mode, a daemon thread) forever and got no head at all. Now the head
 * goes out as soon as it is final (the first chunk, or the end of the body), no further chunk is
 * asked for, the body is closed and the thread is free; and a HEAD answers the headers a GET
 * gets.
 *
 * <p>Embedded mode ({@code /e}) and daemon mode ({@code /d}, group {@code hd}) of one
 * application (apps/head.java); Apache has 6 worker threads and the daemon 3, and each test sends
 * 20 HEADs of the endless stream: were one thread held, the later requests would find none.
 */
@ExtendWith(DumpLogOnFailure.class)
class HeadTest {
    static final int WORKERS = 6;
    static final int HEADS = 20;
    /** How long a client waits for a head: generous (a loaded machine), far below "never". */
    static final int HEAD_WAIT_MS = 20_000;
    static ApacheServer server;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("head").threadsPerChild(WORKERS);
        Path app = server.installApp("head.java", "head");
        server.config("""
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess hd processes=1 threads=3
                JvmScriptAlias /e %s
                JvmScriptAlias /d %s process-group=hd
                """.formatted(app, app)).start();
        Daemons.awaitPids(server, "hd", 1, Duration.ofSeconds(15));
        for (Mode mode : Mode.values()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (RawHttp.get(server.port(), mode.path + "?case=fixed").status() != 200) {
                assertTrue(System.nanoTime() < deadline, mode + " does not answer");
                ApacheServer.sleep(200);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    enum Mode {
        EMBEDDED("/e"), DAEMON("/d");

        final String path;

        Mode(String path) {
            this.path = path;
        }
    }

    /** The head of a HEAD request; the client leaves right after it. */
    static RawHttp.Head head(String target) {
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.socket().setSoTimeout(HEAD_WAIT_MS);
            c.sendHead("HEAD", target, "Connection: close");
            return c.readHead();
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        } catch (UncheckedIOException e) {
            throw new AssertionError("HEAD " + target + ": no head within " + HEAD_WAIT_MS + " ms (" + e.getCause()
                    + ")", e);
        }
    }

    /** The head of a GET request whose body never ends: the client leaves after the head. */
    static RawHttp.Head getHeadOnly(String target) {
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.socket().setSoTimeout(HEAD_WAIT_MS);
            c.sendHead("GET", target, "Connection: close");
            RawHttp.Head h = c.readHead();
            c.abort();
            return h;
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The headers without the ones that frame a body: Apache never sends Transfer-Encoding for HEAD. */
    static List<Map.Entry<String, String>> withoutFraming(RawHttp.Head h) {
        return h.headers().stream()
                .filter(e -> !e.getKey().equalsIgnoreCase("Date") && !e.getKey().equalsIgnoreCase("Transfer-Encoding"))
                .toList();
    }

    static int stat(Mode mode, String name) {
        String stats = RawHttp.get(server.port(), mode.path + "?case=stats").text();
        Matcher m = Pattern.compile(name + "=(-?\\d+)").matcher(stats);
        assertTrue(m.find(), stats);
        return Integer.parseInt(m.group(1));
    }

    static void awaitStat(Mode mode, String name, int atLeast, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int value;
        while ((value = stat(mode, name)) < atLeast && System.nanoTime() < deadline) {
            ApacheServer.sleep(100);
        }
        int last = value;
        assertTrue(last >= atLeast, () -> mode + ": " + what + ": " + name + "=" + last + " after " + timeout.toSeconds()
                + " s, expected at least " + atLeast);
    }

    static void awaitNoneRunning(Mode mode) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (stat(mode, "running") != 0 && System.nanoTime() < deadline) {
            ApacheServer.sleep(100);
        }
        assertEquals(0, stat(mode, "running"), mode + ": stream requests still running 20 s later");
    }

    static String awaitMarker(String name) throws IOException {
        Path p = server.markers().resolve(name);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.exists(p) && System.nanoTime() < deadline) {
            ApacheServer.sleep(20);
        }
        assertTrue(Files.exists(p), name + " not written within 20 s");
        return Files.readString(p).trim();
    }

    /** A GET answers normally: no worker (embedded) or daemon thread is held. */
    static void getStillWorks(Mode mode) {
        RawHttp.Response r = RawHttp.get(server.port(), mode.path + "?case=fixed");
        assertEquals(200, r.status(), r::toString);
        assertEquals("hello head", r.text());
    }

    static void assertNoApplicationErrors(long mark) {
        String log = server.errorLogSince(mark);
        assertFalse(log.contains("JVM01100"), () -> "no application error:\n" + log);
        assertTrue(server.crashLines().isEmpty(), () -> "crash in the error log: " + server.crashLines());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void headOfAnEndlessStreamGetsItsHeadAndTheBodyIsClosed(Mode mode) throws IOException {
        long mark = server.errorLogMark();
        for (int i = 0; i < HEADS; i++) {
            String tag = mode + "-seq-" + i;
            RawHttp.Head h = head(mode.path + "?case=sse&tag=" + tag);
            assertEquals(200, h.status(), h::toString);
            assertEquals("sse", h.header("X-Case"), h::toString);
            assertEquals("text/event-stream", h.header("Content-Type"), h::toString);
            assertNull(h.header("Content-Length"), () -> "an endless body has no length: " + h);
            // the body is closed, and no chunk was asked for after the first one (the head was final)
            assertEquals("produced=1", awaitMarker("closed-" + tag), "HEAD " + i);
        }
        awaitNoneRunning(mode);
        getStillWorks(mode);
        assertNoApplicationErrors(mark);
    }

    /** The attack: HEADs of an endless stream whose clients leave after 50 ms. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void abandonedHeadsOfAnEndlessStreamHoldNoThread(Mode mode) {
        long mark = server.errorLogMark();
        int closedBefore = stat(mode, "closed");
        for (int i = 0; i < HEADS; i++) {
            try (RawHttp c = RawHttp.connect(server.port())) {
                c.sendHead("HEAD", mode.path + "?case=sse&tag=" + mode + "-gone-" + i);
                ApacheServer.sleep(50);
            }
        }
        awaitStat(mode, "closed", closedBefore + HEADS, Duration.ofSeconds(60), "close() of each abandoned HEAD's body");
        awaitNoneRunning(mode);
        getStillWorks(mode);
        assertNoApplicationErrors(mark);
    }

    /** write() inside the application: in HEAD, the write after the one that made the head final fails. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void endlessWritesInHeadEndWithAnIOException(Mode mode) throws IOException {
        long mark = server.errorLogMark();
        int endedBefore = stat(mode, "writeEnded");
        for (int i = 0; i < HEADS; i++) {
            String tag = mode + "-write-" + i;
            RawHttp.Head h = head(mode.path + "?case=ssewrite&tag=" + tag);
            assertEquals(200, h.status(), h::toString);
            assertEquals("ssewrite", h.header("X-Case"), h::toString);
            assertNull(h.header("Content-Length"), h::toString);
            assertEquals("wrote=1", awaitMarker("ended-" + tag), "HEAD " + i + ": the second write() throws");
        }
        assertEquals(endedBefore + HEADS, stat(mode, "writeEnded"));
        awaitNoneRunning(mode);
        getStillWorks(mode);
        assertNoApplicationErrors(mark);
    }

    /**
     * The head reaches the client before the body's close() returns (Apache's HTTP filter holds
     * back the head of a HEAD response, and drops its flushes, until the request ends).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void theHeadIsOutBeforeCloseReturns(Mode mode) throws IOException {
        String tag = mode + "-hold";
        RawHttp.Head h;
        try {
            h = head(mode.path + "?case=sse&hold=1&tag=" + tag);
        } finally {
            RawHttp.get(server.port(), mode.path + "?case=release&tag=" + tag);
        }
        assertEquals(200, h.status(), h::toString);
        assertEquals("produced=1", awaitMarker("closed-" + tag));
        awaitNoneRunning(mode);
    }

    /** HEADs on a kept-alive connection leave nothing of their bodies in it: the next request is answered cleanly. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void aKeptAliveConnectionServesTheNextRequestsAfterHeads(Mode mode) throws IOException {
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.socket().setSoTimeout(HEAD_WAIT_MS);
            for (String kase : List.of("sse", "multi", "fixed", "big", "sse")) {
                c.sendHead("HEAD", mode.path + "?case=" + kase + "&tag=" + mode + "-ka-" + kase);
                RawHttp.Head h;
                try {
                    h = c.readHead();
                } catch (UncheckedIOException e) {
                    throw new AssertionError(mode + " HEAD " + kase + " on a kept-alive connection: no head (" + e + ")", e);
                }
                assertEquals(200, h.status(), h::toString);
                assertEquals(kase, h.header("X-Case"), h::toString);
            }
            c.sendHead("GET", mode.path + "?case=fixed", "Connection: close");
            RawHttp.Response r = c.readResponse();
            assertEquals(200, r.status(), r::toString);
            assertTrue(r.complete(), r::toString);
            assertEquals("hello head", r.text());
        }
        awaitNoneRunning(mode);
    }

    /**
     * HEAD answers the headers GET answers (RFC 9110 9.3.2; Apache's and mod_wsgi's rule),
     * framing aside: Content-Length where a GET has one — the application's, or the one Apache
     * computes for a small body that came whole — and none, never a wrong one, where GET streams.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void headCarriesTheHeadersOfGet(Mode mode) {
        for (String kase : List.of("sse", "fixed", "fixedcl", "multi", "gen", "big")) {
            String target = mode.path + "?case=" + kase + "&tag=" + mode + "-cmp-" + kase;
            RawHttp.Head get;
            long bodyLength = -1;
            if (kase.equals("sse")) {
                get = getHeadOnly(target);
            } else {
                RawHttp.Response r = RawHttp.get(server.port(), target);
                assertTrue(r.complete(), r::toString);
                get = r.head();
                bodyLength = r.body().length;
            }
            RawHttp.Head head = head(target);
            assertEquals(200, get.status(), get::toString);
            assertEquals(200, head.status(), head::toString);
            RawHttp.Head g = get;
            assertEquals(withoutFraming(get), withoutFraming(head), () -> mode + " " + kase + ": GET " + g + "\nHEAD "
                    + head);
            if (head.header("Content-Length") != null) {
                assertEquals(bodyLength, head.contentLength(), () -> mode + " " + kase + ": " + head);
            }
        }
        RawHttp.Head fixed = head(mode.path + "?case=fixed");
        assertEquals(10, fixed.contentLength(), () -> "the length Apache computes for GET: " + fixed);
    }
}
