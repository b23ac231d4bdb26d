package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests Apache has given up on (issue 10, item 6). Apache stops waiting for a daemon after
 * socket-timeout (504, JVM00063) and closes the daemon connection; the request itself ran on in
 * the daemon, holding one of the group's threads for good, so a few requests to a handler that
 * blocks wedged the group (every later request waited for a thread: 504 for ever). Now the daemon
 * notices the closed connection and interrupts the request's thread (JVM01335; the application's
 * body is closed when it returns), a thread that stays stuck counts toward the stuck-thread
 * recycle (JVM01336), and request-timeout defaults to {@code Timeout} (0 still means never).
 */
@ExtendWith(DumpLogOnFailure.class)
class DaemonAbandonedRequestsTest {
    static ApacheServer server;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("daemon-abandoned");
        Path app = server.installApp("abandon.java", "abandon");
        // wedge: the defaults (request-timeout and socket-timeout are Timeout); threads=5 so that five
        //        blocked requests take them all
        // hup, stuck: request-timeout=0, so only Apache's giving up (socket-timeout=2) can end a request
        // rtd: Apache waits long (socket-timeout=60): a 504 within seconds is the default request-timeout's
        // never: request-timeout=0 is never, not the default
        server.config("""
                Timeout 5
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess wedge processes=1 threads=5 shutdown-timeout=1
                JvmDaemonProcess hup processes=1 threads=2 request-timeout=0 socket-timeout=2 shutdown-timeout=1
                JvmDaemonProcess stuck processes=1 threads=2 request-timeout=0 socket-timeout=2 shutdown-timeout=1
                JvmDaemonProcess rtd processes=1 threads=2 socket-timeout=60 shutdown-timeout=1
                JvmDaemonProcess never processes=1 threads=2 request-timeout=0 socket-timeout=60 shutdown-timeout=1
                JvmScriptAlias /wedge %1$s process-group=wedge application-group=wedge
                JvmScriptAlias /hup %1$s process-group=hup application-group=hup
                JvmScriptAlias /stuck %1$s process-group=stuck application-group=stuck
                JvmScriptAlias /rtd %1$s process-group=rtd application-group=rtd
                JvmScriptAlias /never %1$s process-group=never application-group=never
                """.formatted(app)).start();
        // preloaded (process-group= and application-group=): no first request compiles for longer
        // than the short timeouts
        for (String g : List.of("wedge", "hup", "stuck", "rtd", "never")) {
            long pid = Daemons.awaitPids(server, g, 1, Duration.ofSeconds(20)).get(0);
            String log = server.awaitErrorLog(0, "JVM01300.*ready: pid " + pid + ",.* 1 preloaded", Duration.ofSeconds(60));
            assertTrue(log.matches("(?s).*JVM01300.*ready: pid " + pid + ",.* 1 preloaded.*"), g + " preloaded");
            assertEquals(200, RawHttp.get(server.port(), "/" + g + "?case=info").status(), g);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Sends a request and leaves it running: the caller closes the connection (the client leaves). */
    static RawHttp send(String target) {
        RawHttp c = RawHttp.connect(server.port());
        c.sendHead("GET", target, "Connection: close");
        return c;
    }

    static boolean marker(String name) {
        return Files.exists(server.markers().resolve(name));
    }

    /** The case: with the defaults, five requests that block forever, clients gone after 1 s. */
    @Test
    void requestsApacheGaveUpOnDoNotWedgeTheGroup() {
        long mark = server.errorLogMark();
        List<RawHttp> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(send("/wedge?case=block&marker=wedge-" + i));
        }
        for (int i = 0; i < 5; i++) {
            Daemons.awaitMarker(server, "wedge-" + i, Duration.ofSeconds(20));
        }
        ApacheServer.sleep(1000);
        clients.forEach(RawHttp::close);
        // all 5 threads were blocked: the group answers again once they are given back (before the
        // fix, never: each request waited for a thread until Apache's 504)
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        RawHttp.Response r;
        do {
            r = RawHttp.get(server.port(), "/wedge?case=info");
        } while (r.status() != 200 && System.nanoTime() < deadline);
        RawHttp.Response last = r;
        assertEquals(200, last.status(), () -> "the group answers again: " + last + "\n" + server.errorLogSince(mark));
        for (int i = 0; i < 5; i++) {
            Daemons.awaitMarker(server, "wedge-" + i + ".interrupted", Duration.ofSeconds(10));
        }
    }

    /** Only Apache's giving up can end these requests (request-timeout=0): the daemon must notice it. */
    @Test
    void aRequestWhoseConnectionApacheClosedIsInterrupted() {
        long mark = server.errorLogMark();
        try (RawHttp c = send("/hup?case=block&marker=hup-block")) {
            Daemons.awaitMarker(server, "hup-block", Duration.ofSeconds(20));
            ApacheServer.sleep(1000);
        } // the client leaves; Apache gives up after socket-timeout=2 and closes the daemon connection
        Daemons.awaitMarker(server, "hup-block.interrupted", Duration.ofSeconds(20));
        String log = server.awaitErrorLog(mark, "JVM01335", Duration.ofSeconds(10));
        assertTrue(log.contains("JVM00063"), () -> "Apache gave up (socket-timeout):\n" + log);
        assertTrue(log.matches("(?s).*\\(jvm:hup\\) JVM01335: Apache closed the connection of a request.*"),
                () -> "JVM01335 logged:\n" + log);
        assertFalse(log.contains("JVM01310"), () -> "request-timeout=0 is never:\n" + log);
        assertFalse(log.contains("JVM01100"), () -> "the interrupt is no application error:\n" + log);
    }

    @Test
    void theBodyOfARequestWhoseConnectionApacheClosedIsClosed() {
        try (RawHttp c = send("/hup?case=stream&marker=hup-stream")) {
            Daemons.awaitMarker(server, "hup-stream", Duration.ofSeconds(20));
            ApacheServer.sleep(1000);
        }
        assertEquals("closed", Daemons.awaitMarker(server, "hup-stream.closed", Duration.ofSeconds(20)),
                "the application's body was closed");
        assertTrue(marker("hup-stream.interrupted"), "its iterator was interrupted");
        // both of hup's threads were used by now: free again
        for (int i = 0; i < 3; i++) {
            assertEquals(200, RawHttp.get(server.port(), "/hup?case=info").status());
        }
    }

    /** Threads that ignore the interrupt stay stuck: when all are, the process recycles. */
    @Test
    void threadsThatStayStuckAfterApacheGaveUpRecycleTheProcess() {
        List<Long> before = Daemons.awaitPids(server, "stuck", 1, Duration.ofSeconds(10));
        long mark = server.errorLogMark();
        List<RawHttp> clients = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // threads=2
            clients.add(send("/stuck?case=stubborn&marker=stuck-" + i));
        }
        for (int i = 0; i < 2; i++) {
            Daemons.awaitMarker(server, "stuck-" + i, Duration.ofSeconds(20));
        }
        ApacheServer.sleep(1000);
        clients.forEach(RawHttp::close);
        List<Long> after = Daemons.awaitReplacement(server, "stuck", 1, before, Duration.ofSeconds(40));
        for (int i = 0; i < 2; i++) {
            assertTrue(marker("stuck-" + i + ".interrupted"), "stuck-" + i + " was interrupted first");
        }
        String log = server.awaitErrorLog(mark, "JVM00054.*group stuck ", Duration.ofSeconds(10));
        assertTrue(log.matches("(?s).*JVM01336: .* 2 of 2 threads now stuck.*"), () -> "JVM01336 counts them:\n" + log);
        assertTrue(log.matches("(?s).*\\(jvm:stuck\\) JVM01303: recycling daemon process.*all threads are stuck.*"),
                () -> "JVM01303 names the stuck threads:\n" + log);
        RawHttp.Response r = RawHttp.get(server.port(), "/stuck?case=info");
        assertEquals(200, r.status(), r::toString);
        assertEquals((long) after.get(0), Daemons.pidOf(r));
    }

    /** request-timeout unset is Timeout (5 s): Apache itself would wait 60 s (socket-timeout=60). */
    @Test
    void requestTimeoutDefaultsToTimeout() {
        long mark = server.errorLogMark();
        long t0 = System.nanoTime();
        RawHttp.Response r;
        try (RawHttp c = send("/rtd?case=block&marker=rtd-block")) {
            c.socket().setSoTimeout(40_000);
            r = c.readResponse();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        RawHttp.Response answer = r;
        assertEquals(504, answer.status(), () -> "the default request-timeout (Timeout 5) answers: " + answer);
        assertTrue(ms >= 4500, "504 after about Timeout (5 s), not " + ms + " ms");
        String log = server.awaitErrorLog(mark, "JVM01310", Duration.ofSeconds(10));
        assertTrue(log.contains("JVM01310: a request ran longer than request-timeout (5 s)"), () -> "JVM01310:\n" + log);
        assertFalse(log.contains("JVM00063"), () -> "not Apache's socket-timeout:\n" + log);
        Daemons.awaitMarker(server, "rtd-block.interrupted", Duration.ofSeconds(10));
        assertEquals(200, RawHttp.get(server.port(), "/rtd?case=info").status(), "the group serves on");
    }

    /**
     * request-timeout counts the application's time, not its waits for Apache: an upload that
     * keeps coming (each piece within Timeout, Apache's bound per read) for longer than Timeout in
     * all is served under the default request-timeout, not cut with a 504.
     */
    @Test
    void aSlowUploadLongerThanTimeoutIsNotARequestTimeout() throws Exception {
        long mark = server.errorLogMark();
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.sendHead("POST", "/wedge?case=upload", "Content-Length: 8000", "Connection: close");
            for (int i = 0; i < 8; i++) { // 8 pieces 1 s apart: 7 s and more, Timeout is 5
                c.send(new byte[1000]);
                ApacheServer.sleep(1000);
            }
            RawHttp.Response r = c.readResponse();
            assertEquals(200, r.status(), () -> r + "\n" + server.errorLogSince(mark));
            assertEquals("read 8000", r.text());
        }
        assertFalse(server.errorLogSince(mark).contains("JVM01310"));
    }

    /** request-timeout=0 still means never: a request longer than Timeout, its client waiting, is served. */
    @Test
    void requestTimeoutZeroIsNever() {
        long mark = server.errorLogMark();
        RawHttp.Response r = RawHttp.get(server.port(), "/never?case=sleep&ms=7000");
        assertEquals(200, r.status(), r::toString);
        assertEquals("slept 7000", r.text());
        assertFalse(server.errorLogSince(mark).contains("JVM01310"));
    }
}
