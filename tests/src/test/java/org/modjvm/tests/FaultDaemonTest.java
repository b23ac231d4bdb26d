package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults of processes, under load: a daemon process killed with SIGKILL or SIGSEGV, an Apache
 * child crashing (SIGSEGV), a daemon stopped with SIGSTOP (socket-timeout=3 answers 504), the
 * daemon socket file removed, Apache graceful (USR1) and hard (HUP) restarts in both modes.
 *
 * <p>Server "fault-daemon": embedded mount {@code /e}, daemon group {@code fd} (processes=2
 * threads=8 socket-timeout=3 connect-timeout=2) at {@code /d}; ServerLimit 2 so that a restart
 * can start the new child while the old one finishes. Requests in flight in a process that dies
 * may fail (502/503 from daemons; a reset connection from a crashing Apache child); nothing else
 * may. After each storm the processes hold no more fds or threads than before (tolerance as in
 * {@link FaultAppTest}; a restarted process is compared with the one it replaced).
 */
@ExtendWith(DumpLogOnFailure.class)
class FaultDaemonTest {
    static final String GROUP = "fd";
    static final int PROCS = 2;
    static final int LOAD_THREADS = 6;
    static ApacheServer server;

    enum Mode {
        EMBEDDED("/e"), DAEMON("/d");

        final String path;

        Mode(String path) {
            this.path = path;
        }
    }

    static ApacheServer newServer(String name) {
        return newServer(name, 2);
    }

    static ApacheServer newServer(String name, int connectTimeout) {
        ApacheServer s = ApacheServer.create().name(name).processes(2);
        Path app = s.installApp("faultapp.java", "fault");
        s.config("""
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess fd processes=2 threads=8 socket-timeout=3 connect-timeout=%d home=@ROOT@/markers \\
                    "jvm-options=-XX:ErrorFile=@ROOT@/markers/hs_err_%%p.log -XX:-CreateCoredumpOnCrash"
                JvmScriptAlias /e %s
                JvmScriptAlias /d %s process-group=fd
                """.formatted(connectTimeout, app, app)).start();
        Daemons.awaitPids(s, GROUP, PROCS, Duration.ofSeconds(15));
        warmUp(s);
        return s;
    }

    @BeforeAll
    static void start() {
        server = newServer("fault-daemon");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Both modes answer, every daemon process is ready and older than a second (a process that
     * dies younger is restarted with a delay), and every Apache thread holds a daemon connection
     * (requests then travel on reused connections, as in production).
     */
    static void warmUp(ApacheServer s) {
        List<Long> pids = Daemons.awaitPids(s, GROUP, PROCS, Duration.ofSeconds(20));
        for (long pid : pids) {
            s.awaitErrorLog(0, "JVM01300.*ready: pid " + pid + ",", Duration.ofSeconds(20));
            ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).ifPresent(started -> {
                long age = System.currentTimeMillis() - started.toEpochMilli();
                if (age < 1100) {
                    ApacheServer.sleep(1100 - age);
                }
            });
        }
        for (Mode m : Mode.values()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (FaultHarnessTest.get(s, m.path + "?case=ok").status() != 200) {
                assertTrue(System.nanoTime() < deadline, m + " does not answer");
                ApacheServer.sleep(200);
            }
            try (Load warm = new Load(s.port(), m.path + "?case=slow&ms=20", 14, r -> true)) {
                warm.limit(80).start().awaitDone(30_000);
            }
        }
    }

    static Load load(ApacheServer s, Mode m, int total) {
        return new Load(s.port(), m.path + "?case=slow&ms=20", LOAD_THREADS, r -> r.text().startsWith("ok ")).limit(total);
    }

    /** Polls until the process is gone; returns System.nanoTime() of the first poll that saw it gone. */
    static long awaitDeath(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Daemons.alive(pid)) {
            assertTrue(System.nanoTime() < deadline, "process " + pid + " still alive after " + timeout);
            ApacheServer.sleep(5);
        }
        return System.nanoTime();
    }

    /**
     * No leak across a storm in which processes may have been replaced: the parent's fds, the
     * number of daemons, the daemons' fds and threads in total, and each Apache child's fds and
     * threads (compared with the largest child before: a new child replaces an old one).
     */
    static void assertNoLeakAcrossReplacement(String what, FaultHarnessTest.Snapshot before, FaultHarnessTest.Snapshot after) {
        String report = what + ": before " + before + "\n   after " + after;
        System.out.println("[leak check] " + report);
        assertTrue(after.parent().fds() <= before.parent().fds() + 2, () -> "Apache parent fds grew: " + report);
        assertEquals(before.daemons().size(), after.daemons().size(), () -> "daemon processes: " + report);
        assertTrue(after.daemonFds() <= before.daemonFds() + FaultAppTest.FD_TOLERANCE + 2, () -> "daemon fds grew: " + report);
        assertTrue(after.daemonThreads() <= before.daemonThreads() + FaultAppTest.THREAD_TOLERANCE + 2,
                () -> "daemon threads grew: " + report);
        FaultHarnessTest.assertSocketsBounded(what, after);
        int maxFds = before.children().stream().mapToInt(p -> p.fds() - p.sockets()).max().orElse(0);
        int maxThreads = before.children().stream().mapToInt(FaultHarnessTest.Proc::threads).max().orElse(0);
        for (FaultHarnessTest.Proc c : after.children()) {
            assertTrue(c.fds() - c.sockets() <= maxFds + FaultAppTest.FD_TOLERANCE, () -> "Apache child fds grew: " + report);
            assertTrue(c.threads() <= maxThreads + FaultAppTest.THREAD_TOLERANCE, () -> "Apache child threads grew: " + report);
        }
    }

    // ------------------------------------------------------------------ daemon killed

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"KILL", "SEGV"})
    void daemonKilledUnderLoadFailsOnlyItsInFlightRequests(String signal) {
        warmUp(server);
        FaultHarnessTest.Snapshot before = FaultHarnessTest.settle(server, -1, PROCS);
        long mark = server.errorLogMark();
        long victim = before.daemonPids().get(0);
        long killed;
        long dead;
        List<Load.Sample> samples;
        String report;
        try (Load load = load(server, Mode.DAEMON, 100_000).start()) {
            load.awaitCount(40, 20_000);
            killed = System.nanoTime();
            Daemons.kill(victim, signal);
            dead = awaitDeath(victim, Duration.ofSeconds(20));
            ApacheServer.sleep(3000); // the load goes on well past the death
            load.stop();
            samples = load.samples();
            report = load.report() + " " + FaultHarnessTest.statuses(samples) + "; signal sent at "
                    + killed / 1_000_000 + " ms, process gone at " + dead / 1_000_000 + " ms";
        }
        List<Load.Sample> bad = samples.stream().filter(s -> !s.good()).toList();
        for (Load.Sample s : bad) {
            assertTrue(s.status() == 502 || s.status() == 503, () -> "SIG" + signal + ": failures are 502/503 only: " + report);
            assertTrue(s.start() < dead && s.end() > killed, () -> "SIG" + signal + ": only requests in flight in the"
                    + " dying process may fail; this one started " + (s.start() - dead) / 1_000_000 + " ms after the process"
                    + " was gone (it never ran there: a stale connection to the dead process must not cost a request): "
                    + s + "\n" + report);
        }
        // SIGKILL: the process is gone at once, so at most the one request of each client in flight;
        // SIGSEGV: the JVM writes hs_err before it ends and takes new requests meanwhile (they
        // fail with it: still in flight in the dying process), so a few more
        int bound = signal.equals("KILL") ? LOAD_THREADS : 3 * LOAD_THREADS;
        assertTrue(bad.size() <= bound, () -> "at most " + bound + " failures (in flight in the dying process): " + report);
        long lateGood = samples.stream().filter(s -> s.start() > dead + 1_500_000_000L && s.good()).count();
        assertTrue(lateGood > 20, () -> "requests 1.5 s after the death succeed: " + lateGood + "; " + report);
        String log = server.awaitErrorLog(mark, "JVM00051.*pid " + victim, Duration.ofSeconds(10));
        // a JVM crash with -XX:-CreateCoredumpOnCrash writes hs_err and exits with status 1 (with a
        // core dump: SIGABRT); the line must give what really happened, a person acts on it
        String expected = signal.equals("KILL") ? "exit code or signal 9" : "exit code or signal (6|11|1|134|139)";
        FaultHarnessTest.assertLogSays("SIG" + signal, log, "JVM00051: .*\\(pid " + victim + "\\) died \\((" + expected + ")\\)");
        long logged = FaultHarnessTest.countMatches(log, "JVM0006[124]: ");
        assertTrue(logged >= bad.size(), () -> bad.size() + " failed requests but " + logged + " JVM00061/2/4 lines:\n" + log);
        List<Long> now = Daemons.awaitReplacement(server, GROUP, PROCS, List.of(victim), Duration.ofSeconds(10));
        assertTrue(now.contains(before.daemonPids().get(1)), "the other process lives on");
        assertEquals(before.childPids(), FaultHarnessTest.snapshot(server).childPids(), "no Apache child dies for a daemon");
        warmUp(server);
        assertNoLeakAcrossReplacement("SIG" + signal + " daemon", before, FaultHarnessTest.settle(server, -1, PROCS));
    }

    /**
     * A native crash of an Apache child (SIGSEGV from outside: the JVM in it treats it as a crash,
     * writes hs_err and aborts): the child is replaced; requests in flight in it are lost, later
     * ones succeed; the parent logs the child's death (AH00052); the daemons are not affected.
     */
    @Test
    void apacheChildCrashUnderLoadCostsOnlyItsInFlightRequests() {
        warmUp(server);
        FaultHarnessTest.Snapshot before = FaultHarnessTest.settle(server, -1, PROCS);
        long mark = server.errorLogMark();
        long victim = before.childPids().get(0);
        long killed;
        long dead;
        List<Load.Sample> samples;
        String report;
        try (Load load = load(server, Mode.EMBEDDED, 300).start()) {
            load.awaitCount(30, 20_000);
            killed = System.nanoTime();
            Daemons.kill(victim, "SEGV");
            dead = awaitDeath(victim, Duration.ofSeconds(20));
            load.awaitDone(90_000);
            samples = load.samples();
            report = load.report() + " " + FaultHarnessTest.statuses(samples);
        }
        for (Load.Sample s : samples.stream().filter(x -> !x.good()).toList()) {
            assertTrue(s.start() < dead && s.end() > killed,
                    () -> "only requests in flight in the crashed child may fail: " + s + "\n" + report);
        }
        assertTrue(samples.stream().filter(x -> !x.good()).count() <= LOAD_THREADS, report);
        String log = server.awaitErrorLog(mark, "AH00052", Duration.ofSeconds(10));
        FaultHarnessTest.assertLogSays("Apache child SIGSEGV", log, "AH00052: child pid " + victim + " exit signal");
        FaultHarnessTest.Snapshot after = FaultHarnessTest.settle(server, -1, PROCS);
        assertFalse(after.childPids().contains(victim), "the crashed child is gone");
        assertEquals(before.daemonPids(), after.daemonPids(), "the daemons are not affected");
        warmUp(server);
        assertNoLeakAcrossReplacement("Apache child SIGSEGV", before, FaultHarnessTest.settle(server, -1, PROCS));
    }

    // ------------------------------------------------------------------ daemon stopped

    /**
     * SIGSTOP on one of the two processes: it can neither answer nor time its own requests out
     * (request-timeout runs inside it), so Apache's socket-timeout=3 must answer 504 (JVM00063)
     * for every request sent to it; each Apache thread then drops that connection and reconnects
     * to the other process, so the failures are bounded by the Apache threads holding a connection
     * to it; requests never hang longer than the socket-timeout. After SIGCONT all is well.
     */
    @Test
    void stoppedDaemonAnswers504WithinSocketTimeout() {
        warmUp(server);
        FaultHarnessTest.Snapshot before = FaultHarnessTest.settle(server, -1, PROCS);
        long mark = server.errorLogMark();
        long victim = before.daemonPids().get(0);
        List<Load.Sample> samples;
        String report;
        try {
            try (Load load = load(server, Mode.DAEMON, 300).start()) {
                load.awaitCount(30, 20_000);
                Daemons.kill(victim, "STOP");
                load.awaitDone(120_000);
                samples = load.samples();
                report = load.report() + " " + FaultHarnessTest.statuses(samples);
            }
        } finally {
            Daemons.kill(victim, "CONT");
        }
        List<Load.Sample> bad = samples.stream().filter(s -> !s.good()).toList();
        assertFalse(bad.isEmpty(), () -> "requests on connections to the stopped process must fail: " + report);
        for (Load.Sample s : bad) {
            assertEquals(504, s.status(), () -> "a stopped daemon gives 504: " + s + "\n" + report);
            long ms = (s.end() - s.start()) / 1_000_000;
            assertTrue(ms >= 2500 && ms < 6000, () -> "504 after socket-timeout=3, took " + ms + " ms: " + report);
        }
        int apacheThreads = 16 * Math.max(1, before.children().size());
        assertTrue(bad.size() <= apacheThreads, () -> "one failure per Apache thread at most: " + report);
        for (Load.Sample s : samples) {
            long ms = (s.end() - s.start()) / 1_000_000;
            assertTrue(ms < 6000, () -> "no request hangs beyond the socket-timeout: " + s + "\n" + report);
        }
        String log = server.errorLogSince(mark);
        long timeouts = FaultHarnessTest.countMatches(log, "JVM00063: timeout waiting for daemon process group fd");
        assertEquals(bad.size(), timeouts, () -> "one JVM00063 per 504:\n" + FaultHarnessTest.tail(log, 30));
        assertTrue(Daemons.alive(victim), "SIGCONT resumes it");
        for (int i = 0; i < 20; i++) {
            FaultHarnessTest.Outcome o = FaultHarnessTest.get(server, Mode.DAEMON.path + "?case=ok");
            assertEquals(200, o.status(), () -> "after SIGCONT: " + o);
        }
        FaultHarnessTest.Snapshot after = FaultHarnessTest.settle(server, -1, PROCS);
        assertEquals(before.daemonPids(), after.daemonPids(), "the stopped process was resumed, not replaced");
        assertNoLeakAcrossReplacement("SIGSTOP", before, after);
    }

    // ------------------------------------------------------------------ socket removed

    static Path socketOf(ApacheServer s) {
        long pid = Daemons.pids(s, GROUP).get(0);
        String socket = Daemons.settings(pid).get("mod_jvm.daemon.socket");
        if (socket == null) {
            throw new AssertionError("no socket in the settings of daemon " + pid);
        }
        return Path.of(socket);
    }

    /**
     * The socket file removed under load (a tmp cleaner, an operator): requests on established
     * connections keep working; a request that needs a new connection cannot reach the group and
     * gets 503 within connect-timeout (1 s here) with a JVM00061 line that names the socket and the reason
     * (No such file or directory). Error requests (500s) drop their connections here, so some
     * requests of the load need new ones.
     */
    @Test
    void removedSocketFileGives503WithTheReason() throws IOException {
        try (ApacheServer s = newServer("fault-socket", 1)) {
            Path socket = socketOf(s);
            long mark = s.errorLogMark();
            List<Load.Sample> samples;
            try (Load load = load(s, Mode.DAEMON, 90).start()) {
                load.awaitCount(30, 20_000);
                Files.delete(socket);
                for (int i = 0; i < 4; i++) {
                    // a 500 drops its connection (a 503 if it needed a new one already)
                    int st = FaultHarnessTest.get(s, Mode.DAEMON.path + "?case=checked&tag=drop").status();
                    assertTrue(st == 500 || st == 503, "status " + st);
                }
                load.awaitDone(120_000);
                samples = load.samples();
            }
            String report = FaultHarnessTest.statuses(samples) + " " + samples.stream().filter(x -> !x.good()).limit(3).toList();
            String log = s.errorLogSince(mark);
            for (Load.Sample x : samples.stream().filter(x -> !x.good()).toList()) {
                assertEquals(503, x.status(), () -> "socket gone: " + report);
                long ms = (x.end() - x.start()) / 1_000_000;
                assertTrue(ms < 3500, () -> "503 within connect-timeout=1, took " + ms + " ms: " + report);
            }
            if (samples.stream().anyMatch(x -> !x.good())) {
                FaultHarnessTest.assertLogSays("socket gone", log,
                        "JVM00061: cannot connect to daemon process group fd at " + Pattern.quote(socket.toString())
                                + " .*No such file or directory");
            }
            assertTrue(FaultHarnessTest.crashLinesSince(s, mark).isEmpty(), () -> "crash lines: " + FaultHarnessTest.crashLinesSince(s, mark));
        }
    }

    /**
     * The parent notices that a group's socket file is gone (its processes look every second and
     * exit to be replaced; the parent checks before starting one, and in its monitor hook) and
     * recovers: a fresh socket for the group and its processes restarted on it, so that new
     * connections work again without an Apache restart, and the log says so.
     */
    @Test
    void removedSocketFileIsRecreated() throws IOException {
        try (ApacheServer s = newServer("fault-socket-recover")) {
            Path socket = socketOf(s);
            long mark = s.errorLogMark();
            Files.delete(socket);
            ApacheServer.sleep(5000);
            // 500s drop their connections, so these requests need new ones
            List<FaultHarnessTest.Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                outcomes.add(FaultHarnessTest.get(s, Mode.DAEMON.path + "?case=checked&tag=drop"));
                outcomes.add(FaultHarnessTest.get(s, Mode.DAEMON.path + "?case=ok"));
            }
            outcomes.removeIf(o -> o.status() == 500 && o.text().contains("Internal Server Error"));
            String log = s.errorLogSince(mark);
            assertTrue(outcomes.stream().allMatch(o -> o.status() == 200), () -> "5 s after the socket file of group fd"
                    + " was removed, requests on new connections still fail: " + outcomes.stream()
                    .filter(o -> o.status() != 200).limit(2).toList() + "\n" + FaultHarnessTest.tail(log, 10));
            FaultHarnessTest.assertLogSays("socket recreated", log, "(?i)socket.*(removed|gone|missing|recreat)");
        }
    }

    // ------------------------------------------------------------------ Apache restarts

    /**
     * Three graceful restarts (USR1) under load: no request fails (a graceful restart lets
     * running requests finish and the listening sockets stay open), the old generation's
     * children and daemons exit, and the parent, the children and the daemons hold no more fds
     * or threads than before (a socket or pipe leaked per generation would show in the parent).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void gracefulRestartsUnderLoadFailNothingAndLeakNothing(Mode mode) {
        warmUp(server);
        FaultHarnessTest.Snapshot before = FaultHarnessTest.settle(server, -1, PROCS);
        long mark = server.errorLogMark();
        List<Long> restarts = new ArrayList<>();
        List<Long> old = new ArrayList<>(before.daemonPids());
        old.addAll(before.childPids());
        List<Load.Sample> samples;
        try (Load load = load(server, mode, 100_000).start()) {
            for (int i = 0; i < 3; i++) {
                load.awaitCount(load.count() + 40, 20_000);
                restarts.add(System.nanoTime());
                server.signal("USR1");
                ApacheServer.sleep(2500);
            }
            load.awaitCount(load.count() + 40, 20_000);
            load.stop();
            samples = load.samples();
        }
        String report = FaultHarnessTest.statuses(samples) + " " + samples.stream().filter(x -> !x.good()).limit(4).toList();
        assertTrue(samples.size() > 150, report);
        // an OLD-generation child that needs a new daemon connection reaches the new generation
        // through the group's socket, which outlives the generation: nothing fails
        long bad = samples.stream().filter(x -> !x.good()).count();
        assertEquals(0, bad, () -> mode + ": requests failed across graceful restarts: "
                + report + "\n" + FaultHarnessTest.tail(server.errorLogSince(mark), 30));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (old.stream().anyMatch(Daemons::alive) && System.nanoTime() < deadline) {
            ApacheServer.sleep(100);
        }
        assertTrue(old.stream().noneMatch(Daemons::alive), () -> "processes of the old generation still alive: "
                + old.stream().filter(Daemons::alive).toList());
        assertTrue(FaultHarnessTest.crashLinesSince(server, mark).isEmpty(), () -> "crash lines: " + FaultHarnessTest.crashLinesSince(server, mark));
        warmUp(server);
        FaultHarnessTest.Snapshot after = FaultHarnessTest.settle(server, -1, PROCS);
        assertTrue(after.daemonPids().stream().noneMatch(before.daemonPids()::contains), "a new daemon generation");
        assertNoLeakAcrossReplacement(mode + " 3 graceful restarts", before, after);
        assertSocketsOfOneGeneration(server);
    }

    /**
     * Two hard restarts (HUP) under load: Apache stops its children at once, so requests in
     * flight at that moment may be lost (connection closed, or 502/503 from a daemon group
     * going away); every request started 3 s after a restart must succeed; nothing leaks.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void hardRestartsUnderLoadLoseOnlyRequestsInFlight(Mode mode) {
        warmUp(server);
        FaultHarnessTest.Snapshot before = FaultHarnessTest.settle(server, -1, PROCS);
        long mark = server.errorLogMark();
        List<Long> restarts = new ArrayList<>();
        List<Load.Sample> samples;
        try (Load load = load(server, mode, 100_000).start()) {
            for (int i = 0; i < 2; i++) {
                load.awaitCount(load.count() + 40, 20_000);
                restarts.add(System.nanoTime());
                server.signal("HUP");
                ApacheServer.sleep(4000);
            }
            load.awaitCount(load.count() + 40, 30_000);
            load.stop();
            samples = load.samples();
        }
        String report = FaultHarnessTest.statuses(samples) + " " + samples.stream().filter(x -> !x.good()).limit(4).toList();
        for (Load.Sample s : samples.stream().filter(x -> !x.good()).toList()) {
            boolean inFlight = restarts.stream().anyMatch(r -> s.start() < r + 3_000_000_000L && s.end() > r);
            assertTrue(inFlight, () -> mode + ": a request failed that was not in flight at a hard restart: " + s + "\n"
                    + report);
            assertTrue(s.status() == -1 || s.status() == 502 || s.status() == 503,
                    () -> mode + ": lost requests are closed connections or 502/503: " + s + "\n" + report);
        }
        long lost = samples.stream().filter(x -> !x.good()).count();
        assertTrue(lost <= 2L * (LOAD_THREADS + 2), () -> "lost " + lost + ": " + report);
        assertTrue(FaultHarnessTest.crashLinesSince(server, mark).stream().noneMatch(l -> l.contains("SIGSEGV") || l.contains("fatal error")),
                () -> "crash lines: " + FaultHarnessTest.crashLinesSince(server, mark));
        warmUp(server);
        FaultHarnessTest.Snapshot after = FaultHarnessTest.settle(server, -1, PROCS);
        assertTrue(after.daemonPids().stream().noneMatch(before.daemonPids()::contains), "a new daemon generation");
        assertNoLeakAcrossReplacement(mode + " 2 hard restarts", before, after);
        assertSocketsOfOneGeneration(server);
        String log = server.errorLogSince(mark);
        assertTrue(log.contains("AH00171") || log.contains("SIGHUP"), () -> "Apache logs the restart:\n" + FaultHarnessTest.tail(log, 20));
    }

    /** Only the current generation's socket file is left in the runtime directory. */
    static void assertSocketsOfOneGeneration(ApacheServer s) {
        List<String> socks = new ArrayList<>();
        try (var files = Files.list(s.root().resolve("run"))) {
            files.filter(p -> p.getFileName().toString().endsWith(".sock")).forEach(p -> socks.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Matcher m = Pattern.compile(".*/(\\S+\\.sock)").matcher(socketOf(s).toString());
        assertTrue(m.find());
        assertEquals(List.of(m.group(1)), socks, "socket files left behind by old generations");
    }
}
