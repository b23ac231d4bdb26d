package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The daemon timeouts: request-timeout (504, JVM01310; a process whose threads all stay stuck
 * after their interrupt recycles, JVM01336), queue-timeout (503, JVM01313), socket-timeout (Apache gives up: 504, JVM00063) and
 * connect-timeout (no daemon accepts: 503, JVM00061).
 */
@ExtendWith(DumpLogOnFailure.class)
class DaemonTimeoutsTest {
    static ApacheServer server;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("daemon-timeouts");
        Path app = server.installApp("daemon.java", "daemon");
        server.config("""
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess rt processes=1 threads=2 request-timeout=2 shutdown-timeout=1
                JvmDaemonProcess qt processes=1 threads=1 queue-timeout=1 shutdown-timeout=1
                JvmDaemonProcess st processes=1 socket-timeout=1 shutdown-timeout=1
                JvmDaemonProcess ct processes=1 connect-timeout=1 socket-timeout=3 listen-backlog=1
                JvmScriptAlias /rt %1$s process-group=rt application-group=rt
                JvmScriptAlias /qt %1$s process-group=qt application-group=qt
                JvmScriptAlias /st %1$s process-group=st application-group=st
                JvmScriptAlias /ct %1$s process-group=ct application-group=ct
                """.formatted(app)).start();
        // rt, qt, st, ct: the app is preloaded (process-group= and application-group=), so no first
        // request compiles for longer than the short timeouts
        for (String g : List.of("rt", "qt", "st", "ct")) {
            long pid = Daemons.awaitPids(server, g, 1, Duration.ofSeconds(10)).get(0);
            String log = server.awaitErrorLog(0, "JVM01300.*ready: pid " + pid + ",.* 1 preloaded", Duration.ofSeconds(30));
            assertTrue(log.matches("(?s).*JVM01300.*ready: pid " + pid + ",.* 1 preloaded.*"), g + " preloaded");
        }
        for (String g : List.of("rt", "qt", "st")) {
            assertEquals(200, RawHttp.get(server.port(), "/" + g + "?case=info").status(), g); // load the app
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Timed(RawHttp.Response response, long millis) {
    }

    static CompletableFuture<Timed> async(String target) {
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            RawHttp.Response r = RawHttp.get(server.port(), target);
            return new Timed(r, (System.nanoTime() - t0) / 1_000_000);
        });
    }

    @Test
    void requestTimeoutAnswers504AndOtherThreadsServeOn() throws Exception {
        long mark = server.errorLogMark();
        CompletableFuture<Timed> stuck = async("/rt?case=sleep&ms=3500&marker=rt-one");
        Daemons.awaitMarker(server, "rt-one", Duration.ofSeconds(10));
        RawHttp.Response meanwhile = RawHttp.get(server.port(), "/rt?case=info");
        assertEquals(200, meanwhile.status(), () -> "the second thread serves: " + meanwhile);
        Timed t = stuck.get(20, TimeUnit.SECONDS);
        assertEquals(504, t.response().status(), () -> "request-timeout=2: " + t.response());
        assertTrue(t.millis() >= 1900 && t.millis() < 4000, "504 after about 2 s, not " + t.millis() + " ms");
        String log = server.awaitErrorLog(mark, "JVM01310", Duration.ofSeconds(5));
        assertTrue(log.contains("JVM01310"), () -> "JVM01310 logged:\n" + log);
        assertEquals(200, RawHttp.get(server.port(), "/rt?case=info").status());
        ApacheServer.sleep(1800); // let the stuck thread end (3.5 s after it started)
    }

    @Test
    void aProcessWhoseThreadsAreAllStuckRecycles() throws Exception {
        List<Long> before = Daemons.awaitPids(server, "rt", 1, Duration.ofSeconds(10));
        long mark = server.errorLogMark();
        List<CompletableFuture<Timed>> stuck = new ArrayList<>();
        // stubborn: they ignore the interrupt that comes with the 504, so they still run 2 s later,
        // when a given-up request counts as stuck (8 s: well past that)
        for (int i = 0; i < 2; i++) { // threads=2
            stuck.add(async("/rt?case=sleep&ms=8000&stubborn=1&marker=rt-all-" + i));
        }
        for (int i = 0; i < 2; i++) {
            Daemons.awaitMarker(server, "rt-all-" + i, Duration.ofSeconds(10));
        }
        for (CompletableFuture<Timed> f : stuck) {
            Timed t = f.get(20, TimeUnit.SECONDS);
            assertEquals(504, t.response().status(), () -> t.response().toString());
            assertTrue(t.millis() < 4000, "504 after about 2 s, not " + t.millis() + " ms");
        }
        List<Long> after = Daemons.awaitReplacement(server, "rt", 1, before, Duration.ofSeconds(10));
        String log = server.awaitErrorLog(mark, "JVM00054.*group rt ", Duration.ofSeconds(5));
        assertTrue(log.matches("(?s).*\\(jvm:rt\\) JVM01303: recycling daemon process.*all threads are stuck.*"),
                () -> "JVM01303 names the stuck threads:\n" + log);
        assertTrue(log.contains("JVM00054: daemon process 0 of group rt (pid " + before.get(0) + ")"),
                () -> "a clean recycle (exit 0):\n" + log);
        long t0 = System.nanoTime();
        RawHttp.Response r = RawHttp.get(server.port(), "/rt?case=info");
        assertEquals(200, r.status(), r::toString);
        assertEquals((long) after.get(0), Daemons.pidOf(r));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 3000, "the replacement answers at once");
    }

    @Test
    void queueTimeoutAnswers503WhenAllThreadsStayBusy() throws Exception {
        long mark = server.errorLogMark();
        CompletableFuture<Timed> busy = async("/qt?case=sleep&ms=3000&marker=qt-busy");
        Daemons.awaitMarker(server, "qt-busy", Duration.ofSeconds(10));
        long t0 = System.nanoTime();
        RawHttp.Response queued = RawHttp.get(server.port(), "/qt?case=info");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(503, queued.status(), () -> "threads=1 busy for > queue-timeout=1: " + queued);
        assertTrue(ms >= 900 && ms < 2500, "503 after about 1 s, not " + ms + " ms");
        String log = server.awaitErrorLog(mark, "JVM01313", Duration.ofSeconds(5));
        assertTrue(log.contains("JVM01313"), () -> "JVM01313 logged:\n" + log);
        Timed b = busy.get(20, TimeUnit.SECONDS);
        assertEquals(200, b.response().status(), () -> "the busy request itself completes: " + b.response());
        assertEquals(200, RawHttp.get(server.port(), "/qt?case=info").status());
    }

    @Test
    void aRequestThatWaitsLessThanQueueTimeoutIsServed() throws Exception {
        CompletableFuture<Timed> busy = async("/qt?case=sleep&ms=500&marker=qt-short");
        Daemons.awaitMarker(server, "qt-short", Duration.ofSeconds(10));
        RawHttp.Response queued = RawHttp.get(server.port(), "/qt?case=info");
        assertEquals(200, queued.status(), () -> "waited < 1 s for the thread: " + queued);
        assertEquals(200, busy.get(20, TimeUnit.SECONDS).response().status());
    }

    @Test
    void socketTimeoutAnswers504FromApache() throws Exception {
        long mark = server.errorLogMark();
        Timed t = async("/st?case=sleep&ms=3000").get(20, TimeUnit.SECONDS);
        assertEquals(504, t.response().status(), () -> "socket-timeout=1: " + t.response());
        assertTrue(t.millis() >= 900 && t.millis() < 2500, "504 after about 1 s, not " + t.millis() + " ms");
        String log = server.awaitErrorLog(mark, "JVM00063", Duration.ofSeconds(5));
        assertTrue(log.contains("JVM00063"), () -> "JVM00063 logged:\n" + log);
        ApacheServer.sleep(2200);
        assertEquals(200, RawHttp.get(server.port(), "/st?case=info").status(), "the group serves on");
    }

    @Test
    void connectTimeoutAnswers503WhenNoDaemonAccepts() throws Exception {
        // the daemon is stopped (SIGSTOP) before any Apache thread has a connection to it:
        // listen-backlog=1 lets 2 connections wait (then socket-timeout=3: 504), the others
        // cannot connect within connect-timeout=1: 503
        long pid = Daemons.awaitPids(server, "ct", 1, Duration.ofSeconds(10)).get(0); // preloaded: see start()
        long mark = server.errorLogMark();
        Daemons.kill(pid, "STOP");
        List<Integer> statuses = new ArrayList<>();
        try {
            List<CompletableFuture<Timed>> fs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                fs.add(async("/ct?case=info&n=" + i));
            }
            for (CompletableFuture<Timed> f : fs) {
                Timed t = f.get(30, TimeUnit.SECONDS);
                statuses.add(t.response().status());
                if (t.response().status() == 503) {
                    assertTrue(t.millis() >= 900 && t.millis() < 2500, "503 after connect-timeout=1: " + t.millis() + " ms");
                }
            }
        } finally {
            Daemons.kill(pid, "CONT");
        }
        assertTrue(statuses.contains(503), "some requests cannot connect: " + statuses);
        assertTrue(statuses.stream().allMatch(s -> s == 503 || s == 504), "503 or 504 while stopped: " + statuses);
        String log = server.errorLogSince(mark);
        assertTrue(log.contains("JVM00061"), () -> "JVM00061 logged:\n" + log);
        ApacheServer.sleep(500);
        RawHttp.Response r = RawHttp.get(server.port(), "/ct?case=info");
        assertEquals(200, r.status(), () -> "served again once the daemon runs: " + r);
        assertNotEquals(-1, Daemons.pidOf(r));
    }
}
