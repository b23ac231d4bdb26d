package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sessions of web applications in daemon mode (docs/servlet.md, "Sessions"): with processes=2 a
 * request carrying a session reaches the process that holds it (its route, the end of the session
 * id); sessions are handed to the replacement of a process that is recycled (maximum-requests),
 * stopped (SIGTERM), restarted with Apache (graceful) or whose WAR changed, with zero failed
 * requests and zero lost sessions under load; a session whose process is gone gets a new session,
 * never an error; embedded mode warns (JVM01420) that its sessions cannot follow a client across
 * Apache children.
 *
 * <p>Each client of the load owns one session of the smoke application (/echo/?session=1 counts
 * the visits in its session) and checks that every answer counts one visit more than the last: a
 * session lost (found nowhere, or a copy left behind) shows as a count that starts over.
 *
 * <p>One server: group shop (processes=2) at /shop, group rec (processes=2, maximum-requests=150)
 * at /rec, the same application embedded at /emb (two Apache children possible). The graceful
 * restart goes last.
 */
@ExtendWith(DumpLogOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServletSessionsTest {
    static ApacheServer server;
    static Path shopWar;
    static final Pattern VISITS = Pattern.compile("visits=(\\d+)\n");
    static final Duration STARTUP = Duration.ofSeconds(120);
    /** A client's pause between two requests. */
    static final long THINK_MS = 20;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("servlet-sessions").processes(2);
        Path exploded = SmokeWebApp.exploded(server.root().resolve("apps/smoke"));
        shopWar = SmokeWebApp.war(exploded, server.root().resolve("apps/shop/shop.war"));
        Path recWar = SmokeWebApp.war(exploded, server.root().resolve("apps/rec/rec.war"));
        Path embWar = SmokeWebApp.war(exploded, server.root().resolve("apps/emb/emb.war"));
        server.config("""
                JvmDaemonProcess shop processes=2 threads=8
                JvmDaemonProcess rec processes=2 threads=8 maximum-requests=150
                JvmScriptAlias /shop %s process-group=shop
                JvmScriptAlias /rec %s process-group=rec
                JvmScriptAlias /emb %s
                """.formatted(shopWar, recWar, embWar)).start();
        Daemons.awaitPids(server, "shop", 2, STARTUP);
        Daemons.awaitPids(server, "rec", 2, STARTUP);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ------------------------------------------------------------------ a client with a session

    /** A client that owns one session and checks its visit count on every answer. */
    static final class Visitor {
        final String mount;
        String cookie;          // "JSESSIONID=…", null before the first answer
        int visits;             // the count of the last answer
        int requests;
        int failed;
        int lost;
        final List<String> problems = new ArrayList<>();

        Visitor(String mount) {
            this.mount = mount;
        }

        /** One request with the session (its cookie, or {@code ;jsessionid=} in the path); true if answered 200. */
        synchronized boolean visit(boolean inPath) {
            requests++;
            RawHttp.Response r;
            try {
                if (cookie == null) {
                    r = RawHttp.get(server.port(), mount + "/echo/?session=1");
                } else if (inPath) {
                    r = RawHttp.get(server.port(), mount + "/echo/;jsessionid=" + sessionId() + "?session=1");
                } else {
                    r = RawHttp.get(server.port(), mount + "/echo/?session=1", "Cookie: " + cookie);
                }
            } catch (RuntimeException e) {
                failed++;
                problem("request " + requests + ": " + e);
                return false;
            }
            Matcher m = VISITS.matcher(r.text());
            if (r.status() != 200 || !r.complete() || !m.find()) {
                failed++;
                problem("request " + requests + ": " + r);
                return false;
            }
            int v = Integer.parseInt(m.group(1));
            if (v != visits + 1) {
                lost++;
                problem("request " + requests + " (session " + cookie + "): visits=" + v + " after " + visits);
            }
            visits = v;
            String set = r.header("Set-Cookie");
            if (set != null) {
                cookie = set.substring(0, set.indexOf(';'));
            }
            return true;
        }

        boolean visit() {
            return visit(false);
        }

        private void problem(String what) {
            if (problems.size() < 5) {
                problems.add(what);
            }
        }

        String sessionId() {
            return cookie.substring(cookie.indexOf('=') + 1);
        }

        /** The route at the end of the session id (Tomcat's jvmRoute: the daemon process's index), -1 if none. */
        synchronized int route() {
            int dot = cookie == null ? -1 : cookie.lastIndexOf('.');
            return dot < 0 ? -1 : Integer.parseInt(cookie.substring(dot + 1));
        }

        synchronized int visits() {
            return visits;
        }

        @Override
        public synchronized String toString() {
            return cookie + " visits=" + visits + " requests=" + requests + " failed=" + failed + " lost=" + lost
                    + (problems.isEmpty() ? "" : " " + problems);
        }
    }

    /**
     * New sessions at {@code mount} until each of the group's two routes holds {@code perRoute} of
     * them (the first request of a session goes to whichever process accepts): so that both
     * processes hold sessions and stickiness is tested for both.
     */
    static List<Visitor> sessions(String mount, int perRoute) {
        return Daemons.spreadOverRoutes(() -> {
            Visitor v = new Visitor(mount);
            assertTrue(v.visit(), v::toString);
            return v;
        }, Visitor::route, 2, perRoute, STARTUP);
    }

    /**
     * Runs every visitor in a thread of its own, a request every few milliseconds (users read what
     * they get; the machine that runs the tests is shared), until {@code stop} answers true (or
     * {@code max}).
     */
    static void run(List<Visitor> visitors, BooleanSupplier stop, Duration max) {
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(visitors.size());
        for (Visitor v : visitors) {
            pool.submit(() -> {
                while (!done.get()) {
                    v.visit();
                    ApacheServer.sleep(THINK_MS);
                }
            });
        }
        long deadline = System.nanoTime() + max.toNanos();
        try {
            while (!stop.getAsBoolean() && System.nanoTime() < deadline) {
                ApacheServer.sleep(50);
            }
        } finally {
            done.set(true);
            pool.shutdown();
            try {
                assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS), "the clients did not end");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Every visitor made at least {@code n} more requests than when this was called. */
    static BooleanSupplier eachMade(List<Visitor> visitors, int n) {
        int[] start = visitors.stream().mapToInt(v -> v.visits()).toArray();
        return () -> {
            for (int i = 0; i < start.length; i++) {
                if (visitors.get(i).visits() < start[i] + n) {
                    return false;
                }
            }
            return true;
        };
    }

    static void assertNothingFailedOrLost(String what, List<Visitor> visitors) {
        int failed = visitors.stream().mapToInt(v -> v.failed).sum();
        int lost = visitors.stream().mapToInt(v -> v.lost).sum();
        int requests = visitors.stream().mapToInt(v -> v.requests).sum();
        StringBuilder report = new StringBuilder(what + ": " + requests + " requests, " + failed + " failed, " + lost
                + " sessions lost");
        visitors.forEach(v -> report.append("\n  ").append(v));
        assertTrue(failed == 0 && lost == 0, report::toString);
        for (Visitor v : visitors) {
            assertEquals(v.requests, v.visits, () -> "every request of a session counted in it: " + report);
        }
    }

    /** The daemon processes of a group by route (mod_jvm.daemon.route of their settings). */
    static Map<Integer, Long> byRoute(String group) {
        Map<Integer, Long> out = new TreeMap<>();
        for (long pid : Daemons.pids(server, group)) {
            String route = Daemons.settings(pid).get("mod_jvm.daemon.route");
            assertNotNull(route, "daemon process " + pid + " was told its route (mod_jvm.daemon.route)");
            out.put(Integer.parseInt(route), pid);
        }
        return out;
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void aSessionKeepsReachingTheProcessThatHoldsIt() throws IOException {
        Map<Integer, Long> routes = byRoute("shop");
        assertEquals(List.of(0, 1), List.copyOf(routes.keySet()), "routes 0 and 1, one per process: " + routes);
        // each process's own socket: "<the group's socket>.<route>", made like the group's (0600, Apache's user)
        for (Map.Entry<Integer, Long> e : routes.entrySet()) {
            Map<String, String> settings = Daemons.settings(e.getValue());
            Path socket = Path.of(settings.get("mod_jvm.daemon.route_socket"));
            assertEquals(settings.get("mod_jvm.daemon.socket") + "." + e.getKey(), socket.toString());
            PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertTrue(a.isOther(), socket + " is a socket");
            assertEquals("rw-------", PosixFilePermissions.toString(a.permissions()), socket.toString());
            if (ApacheServer.isRoot()) {
                assertEquals(ApacheServer.RUN_USER, a.owner().getName(), socket + " owner");
            }
        }
        List<Visitor> visitors = sessions("/shop", 4);
        // 8 clients at once, 25 requests each: every one is counted in its own session
        run(visitors, eachMade(visitors, 25), Duration.ofSeconds(120));
        assertNothingFailedOrLost("sticky", visitors);
        // the session named in the path (;jsessionid=, no cookie) is as sticky
        for (Visitor v : visitors) {
            for (int i = 0; i < 5; i++) {
                v.visit(true);
            }
        }
        assertNothingFailedOrLost(";jsessionid= in the path", visitors);
        // among other cookies, after a JSESSIONID that names no route (another application's)
        for (Visitor v : visitors) {
            RawHttp.Response r = RawHttp.get(server.port(), "/shop/echo/?session=1", "Cookie: theme=dark; "
                    + "JSESSIONID=0123ABCD; JSESSIONID=" + v.sessionId() + ";lang=en");
            assertTrue(r.text().contains("visits=" + (v.visits + 1) + "\n"), () -> v + ": " + r);
            v.visits++;
            v.requests++;
        }
    }

    @Test
    @Order(2)
    void aSessionWhoseProcessIsGoneGetsANewSessionNotAnError() {
        // a route no process of the group has (processes=2: routes 0 and 1)
        RawHttp.Response r = RawHttp.get(server.port(), "/shop/echo/?session=1",
                "Cookie: JSESSIONID=0123456789ABCDEF0123456789ABCDEF.7");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.text().contains("visits=1\n"), r.toString());
        String set = r.header("Set-Cookie");
        assertTrue(set != null && set.matches("JSESSIONID=[0-9A-F]+\\.[01];.*"), "a new session of a live process: " + set);
        // a route that is no number
        r = RawHttp.get(server.port(), "/shop/echo/?session=1", "Cookie: JSESSIONID=0123456789ABCDEF.node1");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.text().contains("visits=1\n"), r.toString());

        // a process killed (a crash may lose its sessions): its sessions' next requests are served
        List<Visitor> visitors = sessions("/shop", 2);
        Map<Integer, Long> before = byRoute("shop");
        long victim = before.get(0);
        Daemons.kill(victim, "KILL");
        for (Visitor v : visitors) {
            int visitsBefore = v.visits();
            boolean answered = v.visit();
            assertTrue(answered, v::toString);
            assertTrue(v.route() == 0 || v.route() == 1, v::toString);
            if (v.visits() != visitsBefore + 1) {
                assertEquals(1, v.visits(), () -> "a session lost in the crash starts over: " + v);
            }
        }
        Daemons.awaitReplacement(server, "shop", 2, List.of(victim), STARTUP);
    }

    @Test
    @Order(3)
    @Timeout(600) // each replacement starts a JVM and deploys the application anew: slow on a busy machine
    void sessionsFollowAProcessStoppedWithSigtermUnderLoad() throws IOException {
        List<Visitor> visitors = sessions("/shop", 4);
        Map<Integer, Long> before = byRoute("shop");
        long mark = server.errorLogMark();
        AtomicBoolean stopped = new AtomicBoolean();
        long[] replacedAt = new long[1];
        BooleanSupplier warm = eachMade(visitors, 3);
        List<BooleanSupplier> after = new ArrayList<>();
        run(visitors, () -> {
            if (!stopped.get()) {
                if (warm.getAsBoolean()) {
                    stopped.set(true);
                    Daemons.kill(before.get(1), "TERM");
                }
                return false;
            }
            if (after.isEmpty()) {
                List<Long> now = Daemons.pids(server, "shop");
                if (now.size() == 2 && !now.contains(before.get(1))) {
                    replacedAt[0] = System.nanoTime();
                    after.add(eachMade(visitors, 5));
                }
                return false;
            }
            return after.get(0).getAsBoolean();
        }, Duration.ofSeconds(180));
        assertTrue(replacedAt[0] != 0, "process " + before.get(1) + " was replaced");
        assertNothingFailedOrLost("SIGTERM to route 1's process", visitors);
        String log = server.errorLogSince(mark);
        assertTrue(log.contains("JVM01304"), () -> "the process stopped (JVM01304):\n" + log);
        assertTrue(Pattern.compile("\\(jvm:shop\\) JVM01421: .*route 1").matcher(log).find(),
                () -> "the replacement took route 1's sessions (JVM01421):\n" + log);
        // where they waited: the group's cache, private to its user; nothing left once loaded
        Path sessions = Path.of(server.cacheDir() + ".shop", "sessions");
        PosixFileAttributes a = Files.readAttributes(sessions, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertEquals("rwx------", PosixFilePermissions.toString(a.permissions()), sessions.toString());
        if (ApacheServer.isRoot()) {
            assertEquals(ApacheServer.RUN_USER, a.owner().getName(), sessions.toString());
        }
    }

    @Test
    @Order(4)
    @Timeout(600) // each replacement starts a JVM and deploys the application anew: slow on a busy machine
    void sessionsFollowProcessesRecycledByMaximumRequests() {
        Map<Integer, Long> before = byRoute("rec");
        List<Visitor> visitors = sessions("/rec", 3);
        long mark = server.errorLogMark();
        List<BooleanSupplier> after = new ArrayList<>();
        run(visitors, () -> {
            if (after.isEmpty()) {
                List<Long> now = Daemons.pids(server, "rec");
                if (now.size() == 2 && now.stream().noneMatch(before.values()::contains)) {
                    after.add(eachMade(visitors, 2)); // both processes were replaced at least once
                }
                return false;
            }
            return after.get(0).getAsBoolean();
        }, Duration.ofSeconds(420));
        assertFalse(after.isEmpty(), () -> "both processes of rec recycled (maximum-requests=150); now "
                + Daemons.pids(server, "rec") + ", before " + before);
        assertNothingFailedOrLost("maximum-requests", visitors);
        String log = server.errorLogSince(mark);
        assertTrue(Daemons.countLines(log, "\\(jvm:rec\\) JVM01303: recycling") >= 2, () -> log);
        assertFalse(log.contains("JVM00051"), () -> "a recycle is no death:\n" + log);
    }

    @Test
    @Order(5)
    @Timeout(600) // each replacement starts a JVM and deploys the application anew: slow on a busy machine
    void sessionsSurviveARedeployOfTheChangedWar() throws IOException {
        List<Visitor> visitors = sessions("/shop", 3);
        long mark = server.errorLogMark();
        List<BooleanSupplier> after = new ArrayList<>();
        BooleanSupplier warm = eachMade(visitors, 3);
        run(visitors, () -> {
            if (after.isEmpty()) {
                if (warm.getAsBoolean()) {
                    try {
                        Files.setLastModifiedTime(shopWar, FileTime.fromMillis(System.currentTimeMillis() + 5000));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    after.add(eachMade(visitors, 8));
                }
                return false;
            }
            return after.get(0).getAsBoolean();
        }, Duration.ofSeconds(180));
        assertFalse(after.isEmpty(), "the WAR was touched");
        String log = server.errorLogSince(mark);
        assertEquals(2, Daemons.countLines(log, "\\(jvm:shop\\) JVM01409: web application .*shop.war changed"),
                () -> "both processes redeployed the WAR (JVM01409):\n" + log);
        assertNothingFailedOrLost("redeploy", visitors);
    }

    @Test
    @Order(6)
    void embeddedModeWarnsThatSessionsStayInOneChild() {
        long mark = server.errorLogMark();
        RawHttp.Response r = RawHttp.get(server.port(), "/emb/echo/?session=1");
        assertEquals(200, r.status(), r.toString());
        String log = server.awaitErrorLog(mark, "JVM01420: .*emb\\.war", Duration.ofSeconds(30));
        Matcher line = Pattern.compile("^.*JVM01420: .*emb\\.war.*$", Pattern.MULTILINE).matcher(log);
        assertTrue(line.find(), () -> "JVM01420 for the application mounted in embedded mode:\n" + log);
        assertFalse(line.group().contains("(jvm:"), () -> "an embedded child's line, no daemon's: " + line.group());
        String all = server.errorLog();
        assertFalse(all.matches("(?s).*\\(jvm:(shop|rec)\\) JVM01420.*"), "daemon mode does not warn:\n" + all);
    }

    @Test
    @Order(7)
    @Timeout(600) // each replacement starts a JVM and deploys the application anew: slow on a busy machine
    void sessionsSurviveAGracefulRestartUnderLoad() {
        List<Visitor> visitors = sessions("/shop", 4);
        Map<Integer, Long> before = byRoute("shop");
        AtomicBoolean restarted = new AtomicBoolean();
        BooleanSupplier warm = eachMade(visitors, 3);
        List<BooleanSupplier> after = new ArrayList<>();
        run(visitors, () -> {
            if (!restarted.get()) {
                if (warm.getAsBoolean()) {
                    restarted.set(true);
                    server.signal("USR1");
                }
                return false;
            }
            if (after.isEmpty()) {
                List<Long> now = Daemons.pids(server, "shop");
                if (now.size() == 2 && now.stream().noneMatch(before.values()::contains)) {
                    after.add(eachMade(visitors, 5));
                }
                return false;
            }
            return after.get(0).getAsBoolean();
        }, Duration.ofSeconds(180));
        assertFalse(after.isEmpty(), () -> "a new generation of shop's processes: " + Daemons.pids(server, "shop"));
        assertNothingFailedOrLost("graceful restart", visitors);
    }
}
