package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Graceful recycling: maximum-requests, restart-interval, inactivity-timeout and a changed script
 * drain a process (JVM01303), which exits 0 (JVM00054 in the parent) and is replaced; under load
 * no request fails, and a group's processes take turns. graceful-timeout bounds the drain.
 *
 * <p>Server "load": groups mr2 (processes=2 maximum-requests=50), mr1 (processes=1
 * maximum-requests=50), rl (processes=2, rolling reload of its script). Server "timers": group
 * gt (maximum-requests=3 graceful-timeout=1). restart-interval and inactivity-timeout: a server each.
 */
@ExtendWith(DumpLogOnFailure.class)
class DaemonRecycleTest {
    static ApacheServer load;
    static ApacheServer timers;
    static Path reloadScript;
    static long clock = System.currentTimeMillis();
    /** Version of the rl script on disk. */
    static int version = 1;

    static String script(String v) {
        return """
                import java.nio.charset.StandardCharsets;
                import java.util.List;
                import java.util.Map;
                import org.modjvm.StartResponse;

                public class Rolling {
                    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) throws Exception {
                        Thread.sleep(20);
                        String body = "version %s pid=" + ProcessHandle.current().pid();
                        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                        return List.of(body.getBytes(StandardCharsets.US_ASCII));
                    }
                }
                """.formatted(v);
    }

    @BeforeAll
    static void start() throws IOException {
        load = ApacheServer.create().name("daemon-recycle-load");
        Path app = load.installApp("daemon.java", "daemon");
        reloadScript = load.writeFile("apps/rolling/rolling.java", script("1"));
        load.config("""
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess mr2 processes=2 threads=8 maximum-requests=50
                JvmDaemonProcess mr1 processes=1 threads=8 maximum-requests=50
                JvmDaemonProcess rl processes=2 threads=8
                JvmScriptAlias /mr2 %1$s process-group=mr2
                JvmScriptAlias /mr1 %1$s process-group=mr1
                JvmScriptAlias /rl %2$s process-group=rl
                """.formatted(app, reloadScript)).start();

        timers = ApacheServer.create().name("daemon-recycle-timers");
        Path app2 = timers.installApp("daemon.java", "daemon");
        timers.config("""
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess gt processes=1 maximum-requests=3 graceful-timeout=1
                JvmScriptAlias /gt %1$s process-group=gt
                """.formatted(app2)).start();
    }

    @AfterAll
    static void stop() {
        for (ApacheServer s : new ApacheServer[] {load, timers}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static void assertRecycledCleanly(String log, String group, int atLeast, String reason) {
        int recycling = Daemons.countLines(log, "\\(jvm:" + group + "\\) JVM01303: recycling daemon process.*" + reason);
        int exited = Daemons.countLines(log, "JVM00054: daemon process \\d+ of group " + group + " .*exited to be recycled");
        assertTrue(recycling >= atLeast, () -> "at least " + atLeast + " JVM01303 '" + reason + "' lines of group "
                + group + ", saw " + recycling + ":\n" + Daemons.lines(log, "JVM0130[0-9]|JVM0005"));
        assertTrue(exited >= atLeast, () -> "at least " + atLeast + " JVM00054 lines (exit 0) of group " + group
                + ", saw " + exited + ":\n" + Daemons.lines(log, "JVM0130[0-9]|JVM0005"));
        String deaths = Daemons.lines(log, "JVM00051: daemon process \\d+ of group " + group + " ");
        assertTrue(deaths.isEmpty(), () -> "a recycle is no death:\n" + deaths);
    }

    static Map<Long, Long> perPid(Load l) {
        Map<Long, Long> m = new TreeMap<>();
        l.samples().forEach(s -> m.merge(s.pid(), 1L, Long::sum));
        return m;
    }

    // ------------------------------------------------------------------ maximum-requests

    /**
     * Runs 8 clients against {@code target} until the group logged {@code recycles} recycles (or
     * 30 s), then 300 ms more; asserts no request failed and the recycles were clean.
     */
    static Load loadUntilRecycled(String group, String target, int recycles) {
        long mark = load.errorLogMark();
        Load l = new Load(load, target, 8).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        String pattern = "\\(jvm:" + group + "\\) JVM01303: recycling daemon process.*maximum-requests";
        while (Daemons.countLines(load.errorLogSince(mark), pattern) < recycles && System.nanoTime() < deadline) {
            ApacheServer.sleep(50);
        }
        ApacheServer.sleep(300);
        l.stop();
        // the parent notices an exit within a second (JVM00054)
        String exited = "JVM00054: daemon process \\d+ of group " + group + " .*exited to be recycled";
        long until = System.nanoTime() + 5_000_000_000L;
        while (Daemons.countLines(load.errorLogSince(mark), exited) < recycles && System.nanoTime() < until) {
            ApacheServer.sleep(50);
        }
        assertRecycleClean(l, () -> l.report() + "\n" + Daemons.lines(load.errorLogSince(mark),
                "JVM0006|JVM0130[35]|JVM0005"));
        assertRecycledCleanly(load.errorLogSince(mark), group, recycles, "maximum-requests \\(50\\) reached");
        return l;
    }

    @Test
    void maximumRequestsWithTwoProcessesUnderLoadFailsNothing() {
        Daemons.awaitPids(load, "mr2", 2, Duration.ofSeconds(10));
        Load l = loadUntilRecycled("mr2", "/mr2?case=info", 4);
        Map<Long, Long> pids = perPid(l);
        assertTrue(pids.size() >= 3, "4 recycles: at least 3 processes served: " + pids);
        Daemons.awaitPids(load, "mr2", 2, Duration.ofSeconds(10));
    }

    @Test
    void maximumRequestsWithOneProcessUnderLoadFailsNothing() {
        Daemons.awaitPids(load, "mr1", 1, Duration.ofSeconds(10));
        long mark = load.errorLogMark();
        Load l = loadUntilRecycled("mr1", "/mr1?case=info", 4);
        Map<Long, Long> pids = perPid(l);
        assertTrue(pids.size() >= 4, "4 recycles: at least 4 processes served: " + pids);
        // processes=1 (no turns to wait for): after the 50th request at most those already
        // running (threads=8) come on top
        List<Long> counts = pids.values().stream().sorted().toList();
        assertTrue(counts.subList(0, counts.size() - 1).stream().allMatch(n -> n <= 60), // the last one still runs
                () -> "a process stops taking requests after 50 (+ the 8 running): " + pids + "\n"
                        + Daemons.lines(load.errorLogSince(mark), "\\(jvm:mr1\\) JVM01303"));
        Daemons.awaitPids(load, "mr1", 1, Duration.ofSeconds(10));
    }

    // ------------------------------------------------------------------ script change

    static void atomicRewrite(Path p, String content) throws IOException {
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        clock += 5000;
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(clock));
        Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void changedScriptIsServedAtOnceThenTheGroupRecyclesOneByOneWithoutFailures() throws Exception {
        List<Long> before = Daemons.awaitPids(load, "rl", 2, Duration.ofSeconds(10));
        long mark = load.errorLogMark();
        int from = version;
        int to = ++version;
        try (Load l = new Load(load.port(), "/rl", 8,
                r -> r.text().matches("version (" + from + "|" + to + ") pid=\\d+")).start()) {
            l.awaitCount(100, 30_000);
            assertTrue(l.samples().stream().anyMatch(s -> s.good()), l::report);
            atomicRewrite(reloadScript, script(Integer.toString(to)));
            long renamed = System.nanoTime();
            // both original processes are replaced, one at a time, while the load goes on
            List<Long> after = Daemons.awaitReplacement(load, "rl", 2, before, Duration.ofSeconds(20));
            ApacheServer.sleep(1000);
            l.stop();
            assertRecycleClean(l, l::report);
            List<Load.Sample> late = l.samples().stream().filter(s -> s.start() > renamed + 100_000_000L).toList();
            List<Load.Sample> lateOld = late.stream().filter(s -> !s.body().startsWith("version " + to + " ")).toList();
            assertTrue(late.size() > 50, "requests after the change: " + late.size());
            assertTrue(lateOld.isEmpty(), () -> lateOld.size() + " requests started 100 ms after the change got the "
                    + "old version, e.g. " + lateOld.get(0).body());
            assertFalse(after.stream().anyMatch(before::contains), after.toString());
        }
        for (int i = 0; i < 20; i++) {
            RawHttp.Response r = RawHttp.get(load.port(), "/rl");
            assertTrue(r.text().startsWith("version " + to + " "), r::toString);
        }
        String log = load.errorLogSince(mark);
        assertRecycledCleanly(log, "rl", 2, "script .*rolling\\.java changed");
        // rolling: the second process starts recycling only after the first one's replacement is
        // up. Each process's lines pass through a relay of its own, which stamps the time, so the
        // log's order across processes can lag; the recycle line names who was left serving.
        List<String> events = java.util.Arrays.stream(log.split("\n"))
                .filter(x -> x.matches(".*\\(jvm:rl\\) JVM01303.*|.*\\(jvm:rl\\) JVM01300.*")).toList();
        java.util.regex.Pattern recycle = java.util.regex.Pattern.compile(
                "JVM01303: recycling daemon process \\(pid (\\d+)\\).*; the group's other processes serving: ([\\d ]+)$");
        java.util.regex.Pattern ready = java.util.regex.Pattern.compile("JVM01300: .* ready: pid (\\d+),");
        List<java.util.regex.Matcher> recycles = events.stream().map(recycle::matcher).filter(java.util.regex.Matcher::find).toList();
        Set<String> started = events.stream().map(ready::matcher).filter(java.util.regex.Matcher::find)
                .map(m -> m.group(1)).collect(java.util.stream.Collectors.toSet());
        assertTrue(recycles.size() >= 2, () -> "two recycles naming the process left serving:\n" + String.join("\n", events));
        String first = recycles.get(0).group(1);
        List<String> servingAtSecond = List.of(recycles.get(1).group(2).trim().split(" "));
        assertTrue(!servingAtSecond.contains(first) && started.containsAll(servingAtSecond),
                () -> "the second recycle began while the first one's replacement (started after the change) served:\n"
                        + String.join("\n", events));
    }

    @Test
    void requestsAfterTheChangeGetTheNewVersionAtOnce() throws Exception {
        // sequential requests: the first one after the rename already runs the new version
        for (int i = 0; i < 2; i++) {
            String old = RawHttp.get(load.port(), "/rl").text();
            assertTrue(old.startsWith("version " + version + " "), old);
            int v = ++version;
            atomicRewrite(reloadScript, script(Integer.toString(v)));
            RawHttp.Response r = RawHttp.get(load.port(), "/rl");
            assertEquals(200, r.status(), r::toString);
            assertTrue(r.text().startsWith("version " + v + " "), () -> "the request after the change: " + r);
            Daemons.awaitPids(load, "rl", 2, Duration.ofSeconds(20));
            ApacheServer.sleep(200);
        }
    }

    // ------------------------------------------------------------------ timers

    /** A server of its own for a group that recycles on a timer (so it does not churn under other tests). */
    static ApacheServer timerServer(String name, String options) {
        ApacheServer s = ApacheServer.create().name(name);
        Path app = s.installApp("daemon.java", "daemon");
        s.config("""
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess tg processes=1 %s
                JvmScriptAlias /tg %s process-group=tg application-group=tg
                """.formatted(options, app)).start();
        long pid = Daemons.awaitPids(s, "tg", 1, Duration.ofSeconds(10)).get(0);
        s.awaitErrorLog(0, "JVM01300.*ready: pid " + pid + ",", Duration.ofSeconds(30));
        return s;
    }

    @Test
    void restartIntervalRecyclesUnderLoadWithoutFailures() {
        try (ApacheServer s = timerServer("daemon-restart-interval", "restart-interval=3")) {
            long mark = s.errorLogMark();
            try (Load l = new Load(s, "/tg?case=sleep&ms=20", 3).start()) {
                ApacheServer.sleep(8000);
                l.stop();
                assertRecycleClean(l, l::report);
                Map<Long, Long> pids = perPid(l);
                assertTrue(pids.size() >= 2, "restart-interval=3 over 8 s: " + pids);
            }
            assertRecycledCleanly(s.errorLogSince(mark), "tg", 1, "restart-interval \\(3 s\\) reached");
        }
    }

    @Test
    void inactivityTimeoutRecyclesAnIdleProcessOnly() {
        try (ApacheServer s = timerServer("daemon-inactivity", "inactivity-timeout=2")) {
            long pidBefore;
            try (Load l = new Load(s, "/tg?case=sleep&ms=20", 2).start()) {
                ApacheServer.sleep(5000);
                l.stop();
                assertRecycleClean(l, l::report);
                // the first process may have been idle long enough before the load began; once
                // busy, a process is not inactive
                long from = l.samples().get(0).start() + 1_500_000_000L;
                Map<Long, Long> pids = new java.util.TreeMap<>();
                l.samples().stream().filter(x -> x.start() > from).forEach(x -> pids.merge(x.pid(), 1L, Long::sum));
                assertEquals(1, pids.size(), "a busy process is not inactive: " + pids);
                pidBefore = pids.keySet().iterator().next();
            }
            long mark = s.errorLogMark();
            ApacheServer.sleep(3000); // idle: > inactivity-timeout=2
            String log = s.awaitErrorLog(mark, "JVM00054.*group tg ", Duration.ofSeconds(5));
            assertRecycledCleanly(log, "tg", 1, "inactiv");
            assertTrue(log.contains("(pid " + pidBefore + ")"), () -> "the idle process recycled:\n" + log);
            RawHttp.Response r = RawHttp.get(s.port(), "/tg?case=info");
            assertEquals(200, r.status(), r::toString);
            assertNotEquals(pidBefore, Daemons.pidOf(r), "a new process after the idle recycle");
        }
    }

    @Test
    void gracefulTimeoutBoundsTheDrainOfARecyclingProcess() throws Exception {
        // maximum-requests=3: a long request is running when the 3rd request ends; the drain
        // waits graceful-timeout=1 s for it, then the process exits anyway (JVM01305)
        Daemons.awaitPids(timers, "gt", 1, Duration.ofSeconds(10));
        assertEquals(200, RawHttp.get(timers.port(), "/gt?case=info").status()); // 1 (and loads the app)
        long mark = timers.errorLogMark();
        CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(
                () -> RawHttp.get(timers.port(), "/gt?case=sleep&ms=6000&marker=gt-slow")); // 2
        Daemons.awaitMarker(timers, "gt-slow", Duration.ofSeconds(10));
        long t0 = System.nanoTime();
        assertEquals(200, RawHttp.get(timers.port(), "/gt?case=info").status()); // 3
        assertEquals(200, RawHttp.get(timers.port(), "/gt?case=info").status()); // 4: the 3rd to end: recycle
        RawHttp.Response r = slow.get(20, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 4000, "the running request was cut after graceful-timeout=1 s, not after its 6 s: " + ms
                + " ms, " + r);
        assertTrue(r.status() == 502 || r.status() == 503, r::toString);
        String log = timers.awaitErrorLog(mark, "JVM01305", Duration.ofSeconds(5));
        assertTrue(log.contains("JVM01305"), () -> "drain timeout logged:\n" + log);
        Daemons.awaitPids(timers, "gt", 1, Duration.ofSeconds(10));
        assertEquals(200, RawHttp.get(timers.port(), "/gt?case=info").status());
    }

    /**
     * Recycling under load fails no request. (Until session 3 one 502 was tolerated here: under
     * heavy machine load about 1 request in 1 000-3 000 sent while a process recycled got one. Two
     * races that explain it were fixed: a connection accepted just before the drain closed the
     * listener was dropped with its request unread, and a new connection closed before the
     * request was out gave a 503 instead of a retry.)
     */
    static void assertRecycleClean(Load l, java.util.function.Supplier<String> report) {
        assertTrue(l.failures().isEmpty(), report);
    }
}
