package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Misbehaving clients, in embedded mode ({@code /e}) and daemon mode ({@code /d}, group
 * {@code fc}), each while a load of good requests runs: disconnects in the middle of an upload
 * and of a download, an upload slower than Apache's {@code Timeout 2}, bodies over
 * {@code LimitRequestBody} (65536 under {@code /e/limited} and {@code /d/limited}), too many
 * headers (LimitRequestFields 400), a header value over LimitRequestFieldSize 65536, and big
 * header sets within the limits.
 *
 * <p>A bad client gets a 4xx (or nothing: it is gone); the error log says why in a numbered line
 * that names the actual cause; no good request fails; the application's thread is free again
 * afterwards and no fd or thread is left behind (tolerance as in {@link FaultAppTest}).
 */
@ExtendWith(DumpLogOnFailure.class)
class FaultClientTest {
    static final AtomicInteger TAGS = new AtomicInteger();
    static ApacheServer server;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("fault-client");
        Path app = server.installApp("faultapp.java", "fault");
        server.config("""
                Timeout 2
                LimitRequestFieldSize 65536
                LimitRequestFields 400
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess fc processes=1 threads=12 socket-timeout=30
                JvmScriptAlias /e %s
                JvmScriptAlias /d %s process-group=fc
                <Location /e/limited>
                  LimitRequestBody 65536
                </Location>
                <Location /d/limited>
                  LimitRequestBody 65536
                </Location>
                """.formatted(app, app)).start();
        Daemons.awaitPids(server, "fc", 1, Duration.ofSeconds(15));
        FaultAppTestSupport.warmUp(server);
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

    /** The result of a fault run under load: the error log written meanwhile. */
    record Storm(String log, FaultHarnessTest.Snapshot before, FaultHarnessTest.Snapshot after) {
    }

    interface Fault {
        void run() throws Exception;
    }

    /**
     * Runs {@code fault} while 6 clients send 240 good requests; asserts every good request got its
     * 200, that afterwards no application request is still running in the mode's process, and
     * that the processes did not grow.
     */
    static Storm underLoad(Mode mode, String what, Fault fault) {
        FaultHarnessTest.Snapshot before = FaultHarnessTest.settle(server, 1, 1);
        long mark = server.errorLogMark();
        try (Load load = new Load(server.port(), mode.path + "?case=slow&ms=5", 6, r -> r.text().startsWith("ok "))
                .limit(240)) {
            load.start();
            load.awaitCount(20, 20_000);
            try {
                fault.run();
            } catch (Exception e) {
                throw new AssertionError(what + ": the fault itself failed: " + e, e);
            }
            load.awaitDone(60_000);
            assertEquals(240, load.count(), load::report);
            assertTrue(load.failures().isEmpty(), () -> mode + " " + what + ": good requests failed: " + load.report()
                    + "\n" + FaultHarnessTest.tail(server.errorLogSince(mark), 30));
        }
        awaitIdle(mode, what);
        assertTrue(FaultHarnessTest.crashLinesSince(server, mark).isEmpty(), () -> "crash lines: " + FaultHarnessTest.crashLinesSince(server, mark));
        FaultHarnessTest.Snapshot after = FaultHarnessTest.settle(server, 1, 1);
        assertEquals(before.childPids(), after.childPids(), () -> "no Apache child may die: " + after);
        assertEquals(before.daemonPids(), after.daemonPids(), () -> "no daemon process may die: " + after);
        FaultHarnessTest.assertNoLeak(mode + " " + what, before, after, FaultAppTest.FD_TOLERANCE,
                FaultAppTest.THREAD_TOLERANCE);
        return new Storm(server.errorLogSince(mark), before, after);
    }

    /** Waits until the app in the mode's process runs no request but the stats one itself. */
    static void awaitIdle(Mode mode, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String stats;
        do {
            stats = FaultHarnessTest.get(server, mode.path + "?case=stats").text();
            if (stats.contains("running=0")) {
                return;
            }
            ApacheServer.sleep(100);
        } while (System.nanoTime() < deadline);
        String last = stats;
        throw new AssertionError(mode + " " + what + ": application requests still running 10 s later: " + last);
    }

    static int stat(Mode mode, String name) {
        String stats = FaultHarnessTest.get(server, mode.path + "?case=stats").text();
        Matcher m = Pattern.compile(name + "=(\\d+)").matcher(stats);
        assertTrue(m.find(), stats);
        return Integer.parseInt(m.group(1));
    }

    /**
     * A numbered log line that matches {@code cause} and does not also match {@code notCause}: a
     * line that lists every possible cause ("went away, timed out, or over LimitRequestBody")
     * does not tell a person which one happened.
     */
    static String assertSpecificLine(String what, String log, String cause, String notCause) {
        Pattern yes = Pattern.compile(cause);
        Pattern no = Pattern.compile(notCause);
        for (String line : log.split("\n")) {
            if (FaultHarnessTest.NUMBERED.matcher(line).find() && yes.matcher(line).find() && !no.matcher(line).find()) {
                return line;
            }
        }
        throw new AssertionError(what + ": no numbered error-log line that names the cause (/" + cause + "/ and not /"
                + notCause + "/); the log:\n" + FaultHarnessTest.tail(log, 40));
    }

    // ------------------------------------------------------------------ uploads

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void clientDisconnectsMidUpload(Mode mode) {
        Storm s = underLoad(mode, "disconnect mid-upload", () -> {
            for (int i = 0; i < 3; i++) {
                try (RawHttp c = RawHttp.connect(server.port())) {
                    c.sendHead("POST", mode.path + "?case=upload&tag=up" + i, "Content-Length: 2000000", "Connection: close");
                    c.send(new byte[256 * 1024]);
                    ApacheServer.sleep(300); // the application is reading
                    c.abort();
                }
            }
        });
        assertSpecificLine(mode + " disconnect mid-upload", s.log(),
                "(?i)client.*(went away|reset|closed|abort|disconnect)", "(?i)timed out|LimitRequestBody");
    }

    /**
     * An upload that stalls longer than {@code Timeout 2}: Apache's read times out; the client gets
     * 408 Request Timeout (what Apache maps a timed-out body read to), not a 500 — the server did
     * nothing wrong — and the log says it was a timeout.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void slowUploadBeyondTimeoutIs408(Mode mode) {
        List<FaultHarnessTest.Outcome> outcomes = new ArrayList<>();
        long[] ms = new long[1];
        Storm s = underLoad(mode, "slow upload", () -> {
            long t0 = System.nanoTime();
            outcomes.addAll(FaultHarnessTest.concurrently(2, i -> FaultHarnessTest.Outcome.of(() -> {
                try (RawHttp c = RawHttp.connect(server.port())) {
                    c.sendHead("POST", mode.path + "?case=upload&tag=slow" + i, "Content-Length: 100000", "Connection: close");
                    c.send(new byte[1000]); // then nothing: Apache's Timeout is 2 s
                    return c.readResponse();
                }
            }), Duration.ofSeconds(30)));
            ms[0] = (System.nanoTime() - t0) / 1_000_000;
        });
        for (FaultHarnessTest.Outcome o : outcomes) {
            assertEquals(408, o.status(), () -> mode + " slow upload: " + o + "\n" + FaultHarnessTest.tail(s.log(), 20));
        }
        assertTrue(ms[0] < 10_000, "answered after " + ms[0] + " ms (Timeout 2)");
        assertSpecificLine(mode + " slow upload", s.log(), "(?i)time(d)? ?out", "(?i)went away|LimitRequestBody");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void bodyOverLimitRequestBodyIs413(Mode mode) {
        List<FaultHarnessTest.Outcome> withLength = new ArrayList<>();
        List<FaultHarnessTest.Outcome> chunked = new ArrayList<>();
        Storm s = underLoad(mode, "body over LimitRequestBody", () -> {
            for (int i = 0; i < 3; i++) {
                withLength.add(FaultHarnessTest.Outcome.of(() -> RawHttp.request(server.port(), "POST",
                        mode.path + "/limited?case=upload&tag=cl", new byte[100_000])));
                chunked.add(FaultHarnessTest.Outcome.of(() -> {
                    try (RawHttp c = RawHttp.connect(server.port())) {
                        c.sendHead("POST", mode.path + "/limited?case=upload&tag=chunked", "Transfer-Encoding: chunked",
                                "Connection: close");
                        for (int k = 0; k < 10; k++) {
                            c.sendChunk(new byte[10_000]);
                        }
                        c.sendLastChunk();
                        return c.readResponse();
                    }
                }));
            }
        });
        for (FaultHarnessTest.Outcome o : withLength) {
            assertEquals(413, o.status(), () -> mode + " Content-Length over the limit: " + o);
        }
        for (FaultHarnessTest.Outcome o : chunked) {
            assertEquals(413, o.status(), () -> mode + " chunked body over the limit: " + o);
        }
        // chunked: Apache's HTTP_IN filter says it (AH01591 Read content length … larger than the configured limit)
        FaultHarnessTest.assertLogSays(mode + " chunked over the limit", s.log(), "AH01591: .*larger than the configured limit");
        // Content-Length: refused before the application runs; the log must say so too
        FaultHarnessTest.assertLogSays(mode + " Content-Length over the limit", s.log(),
                "(?i)(content-length of 100000|100000 bytes).*(limit|LimitRequestBody)");
    }

    // ------------------------------------------------------------------ downloads

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void clientDisconnectsMidDownload(Mode mode) {
        int closedBefore = stat(mode, "closed");
        Storm s = underLoad(mode, "disconnect mid-download", () -> {
            for (int i = 0; i < 3; i++) {
                try (RawHttp c = RawHttp.connect(server.port())) {
                    // 2000 chunks of 64 KB: 128 MB, far more than the socket buffers hold
                    c.sendHead("GET", mode.path + "?case=download&n=2000&size=65536&tag=down" + i, "Connection: close");
                    RawHttp.Head h = c.readHead();
                    assertEquals(200, h.status(), h::toString);
                    InputStream body = c.body(h, false);
                    assertEquals(1 << 20, body.readNBytes(1 << 20).length);
                    c.abort();
                }
            }
        });
        assertEquals(closedBefore + 3, stat(mode, "closed"), "close() of each abandoned body was called");
        long gone = FaultHarnessTest.countMatches(s.log(), "JVM01105: client went away during GET " + Pattern.quote(mode.path)
                + "\\?case=download");
        assertEquals(3, gone, () -> mode + ": one JVM01105 (client went away) per abandoned download:\n" + s.log());
        assertFalse(s.log().contains("JVM01100"), () -> "a client that goes away is no application error:\n" + s.log());
    }

    // ------------------------------------------------------------------ headers

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void tooManyOrTooLargeHeadersAre400(Mode mode) {
        List<FaultHarnessTest.Outcome> many = new ArrayList<>();
        List<FaultHarnessTest.Outcome> huge = new ArrayList<>();
        Storm s = underLoad(mode, "header limits", () -> {
            for (int i = 0; i < 2; i++) {
                String[] hs = new String[10_000];
                for (int k = 0; k < hs.length; k++) {
                    hs[k] = "X-H" + k + ": v";
                }
                many.add(FaultHarnessTest.Outcome.of(() -> {
                    try (RawHttp c = RawHttp.connect(server.port())) {
                        c.sendHead("GET", mode.path + "?case=ok&tag=many", hs);
                        return c.readResponse();
                    }
                }));
                huge.add(FaultHarnessTest.Outcome.of(() -> RawHttp.get(server.port(), mode.path + "?case=ok&tag=huge",
                        "X-Huge: " + "h".repeat(100_000))));
            }
        });
        for (FaultHarnessTest.Outcome o : many) {
            assertTrue(o.status() == 400 || o.status() == 431, () -> mode + " 10 000 headers: " + o);
        }
        for (FaultHarnessTest.Outcome o : huge) {
            assertTrue(o.status() == 400 || o.status() == 431 || o.status() == 413, () -> mode + " 100 KB header: " + o);
        }
        FaultHarnessTest.assertLogSays(mode + " 10 000 headers", s.log(), "AH00563: .*LimitRequestFields");
        FaultHarnessTest.assertLogSays(mode + " 100 KB header", s.log(), "AH00561: .*LimitRequestFieldSize: X-Huge");
    }

    /**
     * Big header sets that Apache's limits accept reach the application whole: 120 headers of
     * 60 000 bytes (7 MB of environ: the embedded frame buffer and the daemon request message
     * grow for it) answer 200 and the application sees every byte.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void bigHeadersWithinTheLimitsReachTheApplication(Mode mode) {
        String[] hs = new String[121];
        for (int k = 0; k < 120; k++) {
            hs[k] = "X-Big-" + k + ": " + "b".repeat(60_000);
        }
        hs[120] = "Connection: close";
        List<FaultHarnessTest.Outcome> outcomes = new ArrayList<>();
        underLoad(mode, "big headers", () -> outcomes.addAll(FaultHarnessTest.concurrently(3, i -> FaultHarnessTest.Outcome.of(() -> {
            try (RawHttp c = RawHttp.connect(server.port())) {
                c.sendHead("GET", mode.path + "?case=headers", hs);
                return c.readResponse();
            }
        }), Duration.ofSeconds(60))));
        for (FaultHarnessTest.Outcome o : outcomes) {
            assertEquals(200, o.status(), () -> mode + " 7 MB of headers: " + o);
            assertTrue(o.text().startsWith("ok big=120 bytes=7200000 "), () -> mode + ": the application sees them all: " + o);
        }
    }

    /**
     * Daemon mode carries a request in one message of at most 16 MiB. 280 headers of 60 000 bytes
     * (16.8 MB, within LimitRequestFields 400 × LimitRequestFieldSize 65536) do not fit: that is
     * the client's excess, so it must be a 4xx (431 Request Header Fields Too Large), with a
     * numbered log line — not a 500 that blames the server. Embedded mode may take them (its frame
     * may grow to 64 MB) or refuse them the same way, but not fail inside (the default 64 MB heap).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void headersBeyondWhatTheDaemonProtocolCarriesAreAClientError(Mode mode) {
        String[] hs = new String[281];
        for (int k = 0; k < 280; k++) {
            hs[k] = "X-Big-" + k + ": " + "c".repeat(60_000);
        }
        hs[280] = "Connection: close";
        long mark = server.errorLogMark();
        FaultHarnessTest.Outcome o = FaultHarnessTest.Outcome.of(() -> {
            try (RawHttp c = RawHttp.connect(server.port())) {
                c.sendHead("GET", mode.path + "?case=headers", hs);
                return c.readResponse();
            }
        });
        if (mode == Mode.EMBEDDED && o.status() == 200) {
            assertTrue(o.text().startsWith("ok big=280 bytes=16800000 "), o::toString);
        } else {
            String log = server.awaitErrorLog(mark, "JVM\\d{5}", Duration.ofSeconds(5));
            assertEquals(431, o.status(), () -> mode + ", 16.8 MB of headers: served whole or refused as the client's"
                    + " excess (431), not a server error: " + o + "\n" + FaultHarnessTest.tail(log, 10));
            FaultHarnessTest.assertLogSays(mode + ", 16.8 MB of headers", log, "(?i)too large|16 MiB|header");
        }
        assertEquals(200, FaultHarnessTest.get(server, mode.path + "?case=ok").status(), "the server still answers");
    }

    /** Warm-up shared with the other fault tests. */
    static final class FaultAppTestSupport {
        private FaultAppTestSupport() {
        }

        static void warmUp(ApacheServer s) {
            for (Mode m : Mode.values()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (FaultHarnessTest.get(s, m.path + "?case=ok").status() != 200) {
                    assertTrue(System.nanoTime() < deadline, m + " does not answer");
                    ApacheServer.sleep(200);
                }
                try (Load warm = new Load(s.port(), m.path + "?case=slow&ms=5", 6, r -> true)) {
                    warm.limit(30).start().awaitDone(30_000);
                }
            }
        }
    }
}
