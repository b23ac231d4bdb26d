package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A crash loop: the group's preloaded script calls System.exit in its static initializer, so every
 * daemon process dies before it is ready. The parent restarts it with a growing delay (JVM00080:
 * 1, 2, 4 … s), not every second or two; while no process of the group is ready a request gets a
 * 503 within connect-timeout (JVM00081), not a 504 after socket-timeout (set far longer here);
 * once the script is fixed the next start serves, and the delay starts over: a process that has
 * been ready is restarted at once when it dies.
 */
@ExtendWith(DumpLogOnFailure.class)
class DaemonCrashLoopTest {
    static final int CONNECT_TIMEOUT = 3;
    static final int SOCKET_TIMEOUT = 40;

    static final String CRASHING = """
            import java.util.List;
            import java.util.Map;
            import org.modjvm.StartResponse;

            public class Crash {
                static {
                    System.exit(3);
                }
                public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
                    sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                    return List.of("never".getBytes());
                }
            }
            """;

    static final String FIXED = """
            import java.util.List;
            import java.util.Map;
            import org.modjvm.StartResponse;

            public class Crash {
                public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
                    byte[] body = ("fixed pid=" + ProcessHandle.current().pid()).getBytes();
                    sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                    return List.of(body);
                }
            }
            """;

    /** A server whose group "crash" preloads the crashing script (process-group= and application-group=). */
    static ApacheServer crashingServer(String name) {
        ApacheServer s = ApacheServer.create().name(name);
        Path script = s.writeFile("apps/crash/crash.java", CRASHING);
        s.config("""
                JvmDaemonProcess crash connect-timeout=%d socket-timeout=%d
                JvmScriptAlias /crash %s process-group=crash application-group=crash
                """.formatted(CONNECT_TIMEOUT, SOCKET_TIMEOUT, script));
        return s;
    }

    record Timed(RawHttp.Response response, long millis) {
    }

    static Timed timedGet(ApacheServer s, String target) {
        long t0 = System.nanoTime();
        RawHttp.Response r = RawHttp.get(s.port(), target);
        return new Timed(r, (System.nanoTime() - t0) / 1_000_000);
    }

    /** The delays (s) of the JVM00080 lines of group crash, in order. */
    static List<Integer> backoffDelays(String log) {
        List<Integer> delays = new ArrayList<>();
        Matcher m = Pattern.compile("JVM00080: daemon process 0 of group crash .* the next one starts in (\\d+) s").matcher(log);
        while (m.find()) {
            delays.add(Integer.parseInt(m.group(1)));
        }
        return delays;
    }

    @Test
    void aCrashLoopBacksOffAndRequestsGet503WithinConnectTimeout() throws Exception {
        try (ApacheServer s = crashingServer("daemon-crash-loop")) {
            s.start();
            long started = System.nanoTime();
            // a request made while the first process is still starting: it must not be left in the
            // listen backlog until socket-timeout once the group is known to fail
            CompletableFuture<Timed> early = CompletableFuture.supplyAsync(() -> timedGet(s, "/crash?early"));
            Timed first = early.get(SOCKET_TIMEOUT + 30, TimeUnit.SECONDS);
            assertEquals(503, first.response().status(), () -> "a request while no process is ready: " + first.response());
            assertTrue(first.millis() < (SOCKET_TIMEOUT - 10) * 1000L, () -> "503 for the request made at the start after "
                    + first.millis() + " ms: it waited as if for socket-timeout=" + SOCKET_TIMEOUT);

            // once the crash loop is known (JVM00080), a request gets its 503 within connect-timeout
            String log = s.awaitErrorLog(0, "JVM00080: .*group crash", Duration.ofSeconds(30));
            assertTrue(log.contains("JVM00080"), () -> "the first death before ready is logged with its delay:\n" + log);
            Timed later = timedGet(s, "/crash?later");
            assertEquals(503, later.response().status(), () -> "a request while the group crash-loops: " + later.response());
            assertTrue(later.millis() < (CONNECT_TIMEOUT + 7) * 1000L, () -> "503 within connect-timeout=" + CONNECT_TIMEOUT
                    + " s (plus a margin), took " + later.millis() + " ms (socket-timeout=" + SOCKET_TIMEOUT + " s)");
            assertTrue(s.errorLog().contains("JVM00081: no process of daemon process group crash"),
                    () -> "JVM00081 for the 503:\n" + s.errorLog());

            // 16 s of the crash loop: a few starts with growing delays (1, 2, 4 s: three or four
            // starts), not one every second or two (a process dies within ~1 s of its start)
            long left = Duration.ofSeconds(16).toNanos() - (System.nanoTime() - started);
            if (left > 0) {
                ApacheServer.sleep(left / 1_000_000);
            }
            String all = s.errorLog();
            int starts = Daemons.countLines(all, "JVM00050: started daemon process 0 of group crash ");
            assertTrue(starts >= 3, () -> "the group is restarted (" + starts + " starts in 16 s):\n" + all);
            assertTrue(starts <= 6, () -> starts + " starts in 16 s: no backoff\n" + Daemons.lines(all, "JVM0005[01]|JVM00080"));
            List<Integer> delays = backoffDelays(all);
            assertTrue(delays.size() >= 2, () -> "a JVM00080 line per restart:\n" + Daemons.lines(all, "JVM0005[01]|JVM00080"));
            for (int i = 0; i < delays.size(); i++) {
                int expected = Math.min(1 << i, 60);
                assertEquals(expected, delays.get(i), () -> "the delays double from 1 s: " + delays);
            }
            // (a JVM00080 line comes just before the JVM00050 of the start it delays)
            assertTrue(delays.size() == starts - 1 || delays.size() == starts, () -> "one JVM00080 line per restart ("
                    + starts + " starts, delays "
                    + delays + "):\n" + Daemons.lines(all, "JVM0005[01]|JVM00080"));
            assertFalse(all.contains("JVM00063"), () -> "no request waited for socket-timeout:\n" + all);
        }
    }

    @Test
    void aGracefulRestartStartsTheBackoffOver() {
        try (ApacheServer s = crashingServer("daemon-crash-graceful")) {
            s.start();
            String log = s.awaitErrorLog(0, "JVM00080: .*group crash .* in 4 s", Duration.ofSeconds(60));
            assertTrue(backoffDelays(log).contains(4), () -> "three deaths before ready:\n" + log);
            long mark = s.errorLogMark();
            s.signal("USR1");
            // the new generation starts at once (the start waiting out its 4 s ends with the old
            // generation) and counts from 1 again; its children and the old ones still get 503s
            String after = s.awaitErrorLog(mark, "JVM00080: .*group crash .* in 2 s", Duration.ofSeconds(60));
            assertEquals(List.of(1, 2), backoffDelays(after), () -> "the backoff starts over after a restart:\n" + after);
            Timed t = timedGet(s, "/crash");
            assertEquals(503, t.response().status(), t.response()::toString);
            assertTrue(t.millis() < (CONNECT_TIMEOUT + 7) * 1000L, () -> "503 within connect-timeout, took " + t.millis() + " ms");
            assertTrue(Daemons.pids(s, "crash").size() <= 1, () -> "one process of the group at most: " + Daemons.pids(s, "crash"));
        }
    }

    @Test
    void aFixedScriptServesAgainAndTheBackoffStartsOver() {
        try (ApacheServer s = crashingServer("daemon-crash-fixed")) {
            s.start();
            String log = s.awaitErrorLog(0, "JVM00080: .*group crash .* in 2 s", Duration.ofSeconds(60));
            assertTrue(backoffDelays(log).contains(2), () -> "two deaths before ready:\n" + log);
            s.writeFile("apps/crash/crash.java", FIXED);

            // the next start (at most one more failed one: a process may have read the old file) serves
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            RawHttp.Response r = RawHttp.get(s.port(), "/crash");
            while (r.status() != 200 && System.nanoTime() < deadline) {
                ApacheServer.sleep(200);
                r = RawHttp.get(s.port(), "/crash");
            }
            RawHttp.Response served = r;
            assertEquals(200, served.status(), () -> "the fixed script is served: " + served + "\n"
                    + Daemons.lines(s.errorLog(), "JVM0005[01]|JVM0008"));
            assertTrue(served.text().startsWith("fixed pid="), served::toString);

            // a process that has been ready dies: it is replaced at once, no delay (JVM00080)
            long victim = Daemons.pidOf(served);
            long mark = s.errorLogMark();
            Daemons.kill(victim, "KILL");
            List<Long> now = Daemons.awaitReplacement(s, "crash", 1, List.of(victim), Duration.ofSeconds(20));
            String after = s.awaitErrorLog(mark, "JVM01300.*ready: pid " + now.get(0) + ",", Duration.ofSeconds(30));
            assertTrue(after.contains("(pid " + victim + ") died"), () -> "JVM00051 for the killed process:\n" + after);
            assertFalse(after.contains("JVM00080"), () -> "a process that was ready is restarted without delay:\n" + after);
            RawHttp.Response again = RawHttp.get(s.port(), "/crash");
            assertEquals(200, again.status(), again::toString);
        }
    }
}
