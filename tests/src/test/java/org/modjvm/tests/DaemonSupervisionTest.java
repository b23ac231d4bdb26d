package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Apache parent supervises the daemons: a process that dies (kill -9, a crash, System.exit,
 * OutOfMemoryError) is replaced within about a second (JVM00051); the requests that were running
 * in it get 502/503 (JVM00064); every later request succeeds, also under load.
 *
 * <p>Group "sup": processes=2 threads=8, home (and hs_err files) in the markers directory.
 */
@ExtendWith(DumpLogOnFailure.class)
class DaemonSupervisionTest {
    static final String GROUP = "sup";
    static ApacheServer server;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("daemon-supervision");
        Path app = server.installApp("daemon.java", "daemon");
        server.config("""
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess sup processes=2 threads=8 home=@ROOT@/markers \\
                    "jvm-options=-XX:ErrorFile=@ROOT@/markers/hs_err_%%p.log -XX:-CreateCoredumpOnCrash"
                JvmScriptAlias /sup %s process-group=sup
                """.formatted(app)).start();
        Daemons.awaitPids(server, GROUP, 2, Duration.ofSeconds(10));
        warmUp();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Every process of the group is ready (JVM01300) and has run longer than a second (a process
     * that dies within a second of its start is restarted with a delay), and the app is compiled.
     */
    static void warmUp() {
        List<Long> pids = Daemons.awaitPids(server, GROUP, 2, Duration.ofSeconds(15));
        for (long pid : pids) {
            String log = server.awaitErrorLog(0, "JVM01300.*ready: pid " + pid + ",", Duration.ofSeconds(20));
            assertTrue(log.contains("ready: pid " + pid + ","), () -> "daemon " + pid + " ready (JVM01300)");
            ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).ifPresent(started -> {
                long age = java.time.Instant.now().toEpochMilli() - started.toEpochMilli();
                if (age < 1100) {
                    ApacheServer.sleep(1100 - age);
                }
            });
        }
        assertEquals(200, RawHttp.get(server.port(), "/sup?case=info").status());
    }

    static void assertServesAll(int n) {
        for (int i = 0; i < n; i++) {
            RawHttp.Response r = RawHttp.get(server.port(), "/sup?case=info");
            assertEquals(200, r.status(), () -> "a request after the replacement: " + r);
        }
    }

    /** Waits for a replacement of {@code dead}; returns the ms from {@code t0} until the new process was there. */
    static long awaitReplacementOf(long dead, long t0) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<Long> now = Daemons.pids(server, GROUP);
            if (now.size() == 2 && !now.contains(dead)) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            ApacheServer.sleep(20);
        }
        throw new AssertionError("no replacement of " + dead + " within 10 s: " + Daemons.pids(server, GROUP));
    }

    @Test
    void killedProcessIsReplacedWithinASecondAndLogged() {
        long victim = Daemons.pids(server, GROUP).get(0);
        long mark = server.errorLogMark();
        long t0 = System.nanoTime();
        Daemons.kill(victim, "KILL");
        long ms = awaitReplacementOf(victim, t0);
        assertTrue(ms < 2000, "replacement started " + ms + " ms after kill -9 (README: within a second)");
        String log = server.awaitErrorLog(mark, "JVM00051.*pid " + victim, Duration.ofSeconds(5));
        assertTrue(log.matches("(?s).*JVM00051: daemon process \\d of group sup \\(pid " + victim + "\\) died \\(exit code or signal 9\\).*"),
                () -> "JVM00051 names the pid and signal 9:\n" + log);
        assertTrue(log.contains("JVM00050"), () -> "JVM00050 for the replacement:\n" + log);
        assertServesAll(10);
        warmUp();
    }

    @Test
    void requestInFlightInAKilledProcessGets502AndALogLine() throws Exception {
        // every Apache worker thread gets a connection to the group (connections are reused):
        // the request below travels on a reused connection, as most requests do
        try (Load warm = new Load(server, "/sup?case=sleep&ms=100", 16).start()) {
            warm.awaitCount(64, 20_000);
        }
        long mark = server.errorLogMark();
        CompletableFuture<RawHttp.Response> inflight = CompletableFuture.supplyAsync(
                () -> RawHttp.get(server.port(), "/sup?case=sleep&ms=8000&marker=inflight-kill"));
        long victim = Long.parseLong(Daemons.awaitMarker(server, "inflight-kill", Duration.ofSeconds(10)));
        assertTrue(Daemons.pids(server, GROUP).contains(victim), "the marker holds a daemon pid: " + victim);
        long t0 = System.nanoTime();
        Daemons.kill(victim, "KILL");
        RawHttp.Response r = inflight.get(20, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(r.status() == 502 || r.status() == 503, () -> "the request running in the killed process "
                + victim + " must fail, not be run a second time elsewhere: " + r + "\nmarker now: "
                + Daemons.awaitMarker(server, "inflight-kill", Duration.ofSeconds(1)));
        assertTrue(ms < 3000, "answered " + ms + " ms after the kill, not after the 8 s sleep");
        String log = server.awaitErrorLog(mark, "JVM00064", Duration.ofSeconds(5));
        assertTrue(log.contains("JVM00064"), () -> "JVM00064 for the failed request:\n" + log);
        awaitReplacementOf(victim, t0);
        assertServesAll(10);
        warmUp();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"exit", "oom", "segv"})
    void processThatDiesIsReplacedAndLaterRequestsSucceed(String how) throws Exception {
        long mark = server.errorLogMark();
        List<Long> before = Daemons.pids(server, GROUP);
        long victim;
        long t0 = System.nanoTime();
        if (how.equals("segv")) {
            victim = before.get(1);
            Daemons.kill(victim, "SEGV"); // a JVM crash (hs_err, abort)
        } else {
            RawHttp.Response r = RawHttp.get(server.port(), "/sup?case=" + how);
            assertTrue(r.status() == 502 || r.status() == 503,
                    () -> how + ": the request whose process died gets 502/503: " + r);
            String log = server.awaitErrorLog(mark, "JVM00051", Duration.ofSeconds(10));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("JVM00051: .*\\(pid (\\d+)\\) died \\(([^)]*)\\)").matcher(log);
            assertTrue(m.find(), () -> how + ": JVM00051 in the log:\n" + log);
            victim = Long.parseLong(m.group(1));
            assertTrue(before.contains(victim), "the dead process was one of the group's: " + victim + " " + before);
            // System.exit(3); -XX:+ExitOnOutOfMemoryError exits with 3 as well
            assertEquals("exit code or signal 3", m.group(2), log);
            assertTrue(server.awaitErrorLog(mark, "JVM00064", Duration.ofSeconds(2)).contains("JVM00064"),
                    () -> "JVM00064 for the request:\n" + server.errorLogSince(mark));
        }
        long ms = awaitReplacementOf(victim, t0);
        assertTrue(ms < 3000, how + ": replaced after " + ms + " ms");
        String log = server.awaitErrorLog(mark, "JVM00051.*pid " + victim, Duration.ofSeconds(5));
        assertTrue(log.contains("(pid " + victim + ") died"), () -> "JVM00051 for " + victim + ":\n" + log);
        assertFalse(log.contains("JVM00054"), () -> "a death is not a recycle:\n" + log);
        assertServesAll(20);
        warmUp();
    }

    @Test
    void killUnderLoadFailsOnlyTheRequestsInFlight() {
        int threads = 8;
        try (Load load = new Load(server, "/sup?case=sleep&ms=100", threads).start()) {
            load.awaitCount(40, 10_000);
            List<Long> before = Daemons.pids(server, GROUP);
            long victim = before.get(0);
            long mark = server.errorLogMark();
            long killed = System.nanoTime();
            Daemons.kill(victim, "KILL");
            long killDone = System.nanoTime();
            ApacheServer.sleep(3500);
            load.stop();
            List<Load.Sample> all = load.samples();
            List<Load.Sample> bad = load.failures();
            String report = load.report();
            for (Load.Sample s : bad) {
                assertTrue(s.status() == 502 || s.status() == 503, () -> "failures are 502/503 only: " + report);
                assertTrue(s.start() < killDone + 50_000_000L,
                        () -> "only requests in flight at the kill may fail, this one started "
                                + (s.start() - killed) / 1_000_000 + " ms after it: " + report);
            }
            assertTrue(bad.size() <= threads, () -> "at most one in-flight request per client thread: " + report);
            long lateGood = all.stream().filter(s -> s.start() > killDone + 1_500_000_000L && s.good()).count();
            assertTrue(lateGood > 20, () -> "requests 1.5 s after the kill succeed: " + lateGood + "; " + report);
            String log = server.errorLogSince(mark);
            if (!bad.isEmpty()) {
                int logged = Daemons.countLines(log, "JVM0006[24]");
                assertTrue(logged >= bad.size(), () -> bad.size() + " failed requests, " + logged
                        + " JVM00062/JVM00064 lines:\n" + log);
            }
            assertTrue(log.contains("(pid " + victim + ") died (exit code or signal 9)"), log);
        }
        awaitReplacementOf(-1, System.nanoTime());
        warmUp();
    }

    @Test
    void aProcessThatPreloadsLongerThanStartupTimeoutIsReplaced() {
        // startup-timeout=1 and an app whose class takes 4 s to initialize: the process gives up
        // (JVM01323) and the parent starts another one (it does not hang)
        try (ApacheServer s = ApacheServer.create().name("daemon-startup-timeout")) {
            Path slow = s.writeFile("apps/slow/slow.java", """
                    import java.util.List;
                    import java.util.Map;
                    import org.modjvm.StartResponse;

                    public class Slow {
                        static {
                            try { Thread.sleep(4000); } catch (InterruptedException e) { throw new RuntimeException(e); }
                        }
                        public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
                            sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                            return List.of("slow".getBytes());
                        }
                    }
                    """);
            // (the preload compiles the app, then initializes the class: well over 1 s either way)
            s.config("""
                    JvmDaemonProcess st startup-timeout=1
                    JvmScriptAlias /slow %s process-group=st application-group=slow
                    """.formatted(slow)).start();
            long first = Daemons.awaitPids(s, "st", 1, Duration.ofSeconds(10)).get(0);
            String log = s.awaitErrorLog(0, "JVM01323", Duration.ofSeconds(30));
            assertTrue(log.contains("JVM01323"), () -> "startup-timeout exceeded (JVM01323):\n" + log);
            String died = s.awaitErrorLog(0, "JVM00051.*group st \\(pid " + first + "\\)", Duration.ofSeconds(5));
            assertTrue(died.contains("(pid " + first + ") died"), () -> "the parent notices (JVM00051):\n" + died);
            Daemons.awaitReplacement(s, "st", 1, List.of(first), Duration.ofSeconds(10));
            assertFalse(Daemons.lines(s.errorLog(), "JVM01300.*group st ready").contains("ready"),
                    () -> "never ready within startup-timeout:\n" + s.errorLog());
        }
    }

    @Test
    void aReplacementProcessTakesItsShareOfTheLoad() {
        // processes=2 threads=8, 12 clients: one process alone cannot run them all at once. A
        // process is killed under this load; once its replacement is up, it must take requests
        // (else 4 requests at a time queue in the survivor while the replacement idles)
        warmUp();
        List<Long> before = Daemons.pids(server, GROUP);
        try (Load load = new Load(server, "/sup?case=sleep&ms=300", 12).start()) {
            load.awaitCount(60, 20_000);
            long victim = before.get(0);
            long t0 = System.nanoTime();
            Daemons.kill(victim, "KILL");
            awaitReplacementOf(victim, t0);
            List<Long> now = Daemons.pids(server, GROUP);
            long replacement = now.stream().filter(p -> !before.contains(p)).findFirst().orElseThrow();
            server.awaitErrorLog(0, "JVM01300.*ready: pid " + replacement + ",", Duration.ofSeconds(20));
            long ready = System.nanoTime();
            long deadline = ready + 6_000_000_000L;
            while (System.nanoTime() < deadline
                    && load.samples().stream().noneMatch(s -> s.pid() == replacement && s.start() > ready)) {
                // (a request started before: one the dead process reset unread, sent again, JVM00069)
                ApacheServer.sleep(100);
            }
            load.stop();
            java.util.Map<Long, Long> perPid = new java.util.TreeMap<>();
            load.samples().stream().filter(s -> s.start() > ready).forEach(s -> perPid.merge(s.pid(), 1L, Long::sum));
            long slow = load.samples().stream().filter(s -> s.start() > ready && s.end() - s.start() > 550_000_000L).count();
            assertTrue(perPid.containsKey(replacement), () -> "the replacement " + replacement + " served none of the "
                    + "requests of 12 clients in the 6 s after it was ready (per pid: " + perPid + "; " + slow
                    + " of them waited for a thread, > 550 ms for a 300 ms request)");
        }
        warmUp();
    }
}
