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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shared helpers of the fault-injection tests ({@code Fault*Test}): what the processes of a server
 * hold ({@link Snapshot}: Apache parent, children and daemon processes with their open file
 * descriptors and threads, from {@code /proc}), the comparison of two snapshots with a tolerance,
 * concurrent fault requests, and the error-log checks. The tests of this class check the helpers
 * themselves on a real server (a helper that sees nothing would make every leak check pass).
 */
@ExtendWith(DumpLogOnFailure.class)
class FaultHarnessTest {

    /** A line of the error log that carries a number: mod_jvm's JVMnnnnn or Apache's AHnnnnn. */
    static final Pattern NUMBERED = Pattern.compile("\\b(JVM|AH)\\d{5}\\b");

    // ------------------------------------------------------------------ processes

    /**
     * One process: role ("parent", "child", "daemon:GROUP"), open fds, how many of them are
     * sockets, and threads.
     */
    record Proc(long pid, String role, int fds, int sockets, int threads) {
        @Override
        public String toString() {
            return role + " " + pid + " (fds " + fds + " of them " + sockets + " sockets, threads " + threads + ")";
        }
    }

    /**
     * The processes of a server at one moment. Connections come and go with the load (an Apache
     * thread keeps one connection per daemon group; a daemon process has a socket and a reader
     * thread per connection), so the leak measures leave them out: {@code childFds} and
     * {@code daemonFds} count fds that are not sockets, {@code daemonThreads} threads beyond one
     * per socket; the sockets themselves are checked against their bound separately.
     */
    record Snapshot(Proc parent, List<Proc> children, List<Proc> daemons) {
        int childFds() {
            return children.stream().mapToInt(p -> p.fds() - p.sockets()).sum();
        }

        int childThreads() {
            return children.stream().mapToInt(Proc::threads).sum();
        }

        int childSockets() {
            return children.stream().mapToInt(Proc::sockets).sum();
        }

        int daemonFds() {
            return daemons.stream().mapToInt(p -> p.fds() - p.sockets()).sum();
        }

        int daemonThreads() {
            return daemons.stream().mapToInt(p -> p.threads() - p.sockets()).sum();
        }

        int daemonSockets() {
            return daemons.stream().mapToInt(Proc::sockets).sum();
        }

        List<Long> childPids() {
            return children.stream().map(Proc::pid).toList();
        }

        List<Long> daemonPids() {
            return daemons.stream().map(Proc::pid).toList();
        }

        @Override
        public String toString() {
            return "parent " + parent + "; children " + children + "; daemons " + daemons;
        }
    }

    /**
     * Sockets never exceed their bound: an Apache child holds at most one connection per worker
     * thread (16) to the daemons plus its clients' connections; a daemon process at most one per
     * Apache worker thread of all children, plus its own four (the listening socket as fd 0 and a
     * dup of it, the log channel, the selector's wake-up pair).
     */
    static void assertSocketsBounded(String what, Snapshot s) {
        int apacheThreads = 16 * Math.max(1, s.children().size());
        for (Proc c : s.children()) {
            assertTrue(c.sockets() <= 16 + 16 + 4, () -> what + ": Apache child holds too many sockets: " + s);
        }
        assertTrue(s.daemonSockets() <= apacheThreads + 4 * s.daemons().size(),
                () -> what + ": daemons hold more sockets than Apache has threads: " + s);
    }

    static int count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        } catch (IOException e) {
            return -1; // gone
        }
    }

    static int fds(long pid) {
        return count(Path.of("/proc/" + pid + "/fd"));
    }

    static int threads(long pid) {
        return count(Path.of("/proc/" + pid + "/task"));
    }

    static int sockets(long pid) {
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                        n++;
                    }
                } catch (IOException closedMeanwhile) {
                    // gone between list and read
                }
            }
        } catch (IOException gone) {
            return 0;
        }
        return n;
    }

    static Proc proc(long pid, String role) {
        return new Proc(pid, role, fds(pid), sockets(pid), threads(pid));
    }

    /**
     * The server's processes now: the Apache parent, its children that are Apache children (not
     * daemons; a short-lived compiler JVM is no Apache child either) and the daemon processes.
     */
    static Snapshot snapshot(ApacheServer s) {
        Proc parent = proc(s.parentPid(), "parent");
        List<Proc> children = new ArrayList<>();
        List<Proc> daemons = new ArrayList<>();
        ProcessHandle.of(s.parentPid()).ifPresent(p -> p.children().forEach(h -> {
            long pid = h.pid();
            if (!Daemons.alive(pid)) {
                return;
            }
            String group = Daemons.groupOf(pid);
            if (group != null) {
                daemons.add(proc(pid, "daemon:" + group));
            } else if (isApache(pid)) {
                children.add(proc(pid, "child"));
            }
        }));
        children.sort((a, b) -> Long.compare(a.pid(), b.pid()));
        daemons.sort((a, b) -> Long.compare(a.pid(), b.pid()));
        return new Snapshot(parent, children, daemons);
    }

    static boolean isApache(long pid) {
        List<String> argv = Daemons.cmdline(pid);
        return !argv.isEmpty() && argv.get(0).endsWith(ApacheServer.APACHE.getFileName().toString());
    }

    /**
     * Waits until the server is quiet (the same snapshot totals twice, 300 ms apart: a JVM
     * starting compiler threads or a child still accepting is not a leak) and returns the snapshot.
     * {@code expectedChildren} -1: any number of Apache children (after a restart Apache may keep a
     * second one).
     */
    static Snapshot settle(ApacheServer s, int expectedChildren, int expectedDaemons) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Snapshot prev = null;
        while (true) {
            Snapshot now = snapshot(s);
            boolean shape = (expectedChildren < 0 ? !now.children().isEmpty() : now.children().size() == expectedChildren)
                    && now.daemons().size() == expectedDaemons;
            if (shape && prev != null && prev.childPids().equals(now.childPids())
                    && prev.daemonPids().equals(now.daemonPids())
                    && prev.childFds() == now.childFds() && prev.daemonFds() == now.daemonFds()
                    && prev.childThreads() == now.childThreads() && prev.daemonThreads() == now.daemonThreads()
                    && prev.parent().fds() == now.parent().fds()) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                if (shape) {
                    return now; // still moving a little: the caller's tolerance decides
                }
                throw new AssertionError("server did not settle to " + expectedChildren + " children and "
                        + expectedDaemons + " daemons within 20 s: " + now + "\n" + s.diagnostics());
            }
            prev = now;
            ApacheServer.sleep(300);
        }
    }

    /**
     * Fails when the processes after a storm hold more fds or threads than before beyond the
     * tolerances (totals over the Apache children, over the daemons, and the parent's fds; sockets
     * and the daemons' per-connection threads are bounded instead, see {@link Snapshot}).
     */
    static void assertNoLeak(String what, Snapshot before, Snapshot after, int fdTolerance, int threadTolerance) {
        String report = what + ": before " + before + "\n   after " + after;
        System.out.println("[leak check] " + report);
        assertEquals(before.children().size(), after.children().size(), () -> "Apache children: " + report);
        assertEquals(before.daemons().size(), after.daemons().size(), () -> "daemon processes: " + report);
        assertTrue(after.parent().fds() <= before.parent().fds() + 2, () -> "Apache parent fds grew: " + report);
        assertTrue(after.childFds() <= before.childFds() + fdTolerance, () -> "Apache children fds grew: " + report);
        assertTrue(after.childThreads() <= before.childThreads() + threadTolerance,
                () -> "Apache children threads grew: " + report);
        assertTrue(after.daemonFds() <= before.daemonFds() + fdTolerance, () -> "daemon fds grew: " + report);
        assertTrue(after.daemonThreads() <= before.daemonThreads() + threadTolerance,
                () -> "daemon threads grew: " + report);
        assertSocketsBounded(what, after);
    }

    /**
     * Polls (every 5 ms) until the process is gone; returns System.nanoTime() of the first poll
     * that saw it gone. A request that started at or after that moment cannot have been in flight
     * in the process, so it must not fail because of its death.
     */
    static long awaitDeath(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Daemons.alive(pid)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("process " + pid + " still alive after " + timeout);
            }
            ApacheServer.sleep(5);
        }
        return System.nanoTime();
    }

    // ------------------------------------------------------------------ requests

    /** Runs {@code n} requests at once (a thread each) and returns their results in order. */
    static <T> List<T> concurrently(int n, java.util.function.IntFunction<T> request, Duration timeout) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> request.apply(k)));
            }
            List<T> out = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Future<T> f : fs) {
                out.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError("concurrent requests did not complete within " + timeout + ": " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A response, or the exception that took its place (status -1). */
    record Outcome(int status, String text, String error) {
        static Outcome of(Supplier<RawHttp.Response> r) {
            try {
                RawHttp.Response resp = r.get();
                if (!resp.complete()) {
                    return new Outcome(resp.status(), resp.latin1(), "incomplete: " + resp.error());
                }
                return new Outcome(resp.status(), resp.latin1(), null);
            } catch (RuntimeException e) {
                return new Outcome(-1, "", e.toString());
            }
        }

        @Override
        public String toString() {
            return status + (error != null ? " [" + error + "]" : "") + " "
                    + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
        }
    }

    static Outcome get(ApacheServer s, String target) {
        return Outcome.of(() -> RawHttp.get(s.port(), target));
    }

    /** Status counts of load samples, e.g. {200=412, 502=1}. */
    static Map<Integer, Long> statuses(List<Load.Sample> samples) {
        return samples.stream().collect(Collectors.groupingBy(Load.Sample::status, TreeMap::new, Collectors.counting()));
    }

    // ------------------------------------------------------------------ error log

    /**
     * The lines of {@code log} that carry a JVMnnnnn/AHnnnnn number and match {@code why}; fails
     * when there is none (the log must say why, in a line a person understands, with a number).
     */
    static List<String> assertLogSays(String what, String log, String why) {
        Pattern p = Pattern.compile(why);
        List<String> hits = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (NUMBERED.matcher(line).find() && p.matcher(line).find()) {
                hits.add(line);
            }
        }
        assertFalse(hits.isEmpty(), () -> what + ": no numbered (JVMnnnnn/AHnnnnn) error-log line matching /" + why
                + "/; the log since the fault:\n" + tail(log, 60));
        return hits;
    }

    static String tail(String log, int lines) {
        String[] all = log.split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }

    /** Crash lines ({@link ApacheServer#crashLines()}) written since {@code mark}. */
    static List<String> crashLinesSince(ApacheServer s, long mark) {
        Pattern crash = Pattern.compile(
                "AH00052|AH00051|AH02104|A fatal error has been detected|SIGSEGV|hs_err_pid|Segmentation fault");
        List<String> out = new ArrayList<>();
        for (String line : s.errorLogSince(mark).split("\n")) {
            if (crash.matcher(line).find()) {
                out.add(line);
            }
        }
        return out;
    }

    static long countMatches(String log, String regex) {
        Matcher m = Pattern.compile(regex).matcher(log);
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    // ------------------------------------------------------------------ self-tests

    @Test
    void snapshotSeesChildrenDaemonsFdsAndThreadsAndTheirGrowth() throws Exception {
        try (ApacheServer s = ApacheServer.create().name("fault-harness")) {
            Path app = s.installApp("faultapp.java", "fault");
            s.config("""
                    SetEnv MARKER_DIR @ROOT@/markers
                    JvmDaemonProcess fh processes=1 threads=4
                    JvmScriptAlias /e %s
                    JvmScriptAlias /d %s process-group=fh
                    """.formatted(app, app)).start();
            Daemons.awaitPids(s, "fh", 1, Duration.ofSeconds(15));
            assertEquals(200, RawHttp.get(s.port(), "/e?case=ok").status());
            assertEquals(200, RawHttp.get(s.port(), "/d?case=ok").status());
            Snapshot before = settle(s, 1, 1);
            assertTrue(before.parent().fds() > 3, before::toString);
            assertTrue(before.childFds() > 10 && before.childThreads() > 16, () -> "a child has its 16 worker"
                    + " threads and JVM threads: " + before);
            assertTrue(before.daemonFds() > 3 && before.daemonThreads() > 5, before::toString);
            // the leak check must notice non-daemon threads that an application starts and never stops
            assertEquals(200, RawHttp.get(s.port(), "/e?case=threads&n=6").status());
            assertEquals(200, RawHttp.get(s.port(), "/d?case=threads&n=6").status());
            Snapshot after = snapshot(s);
            assertTrue(after.childThreads() >= before.childThreads() + 6, () -> before + "\n" + after);
            assertTrue(after.daemonThreads() >= before.daemonThreads() + 6, () -> before + "\n" + after);
            AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> assertNoLeak("self-test", before, after, 2, 4));
            assertTrue(e.getMessage().contains("threads grew"), e::getMessage);
        }
    }
}
