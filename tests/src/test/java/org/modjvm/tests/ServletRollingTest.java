package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * A changed WAR rolls over in daemon mode (docs/servlet.md, "Deployment and reload"): the new
 * version deploys beside the old one, which keeps serving meanwhile; once it has started, it
 * answers; the old version's sessions are handed to it. Under load, with processes=1 and 2:
 * zero failed requests, every session's visit count goes on (none lost, none counted twice), and
 * while a new version that starts slowly (its listener sleeps) deploys, the old version's answers
 * keep coming. A new version that fails to deploy leaves the old one serving (JVM01451).
 *
 * <p>The smoke application says its version (WEB-INF/version) in every answer; a WAR is replaced
 * the way the docs say (written under another name in the same directory, then moved over the
 * mounted one). Clients with a session check that each answer counts one visit more than the last
 * and that their version never goes back; clients without a session record when each answer of
 * each version came.
 */
@ExtendWith(DumpLogOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServletRollingTest {
    static ApacheServer server;
    static Path smoke;
    static Path oneWar;
    static Path twoWar;
    static Path springWar;
    static final Pattern HOME_VIEWS = Pattern.compile("home views in this session: (\\d+)<");
    static final Pattern VISITS = Pattern.compile("visits=(\\d+)\n");
    static final Pattern VERSION = Pattern.compile("version=(\\w+)\n");
    static final Duration STARTUP = Duration.ofSeconds(120);
    /** A client's pause between two requests. */
    static final long THINK_MS = 20;
    /** How long the slow versions' listener sleeps before the application is started. */
    static final long SLOW_START_MS = 4000;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("servlet-rolling").threadsPerChild(32);
        smoke = SmokeWebApp.exploded(server.root().resolve("apps/smoke"));
        oneWar = server.root().resolve("apps/one/one.war");
        twoWar = server.root().resolve("apps/two/two.war");
        install(oneWar, "1", 0, false);
        install(twoWar, "1", 0, false);
        springWar = server.root().resolve("apps/spring/spring.war");
        installSpring(springWar, "1");
        server.config("""
                JvmDaemonProcess one processes=1 threads=16
                JvmDaemonProcess two processes=2 threads=16
                JvmDaemonProcess spring processes=1 threads=16 jvm-options="-Xmx256m"
                JvmScriptAlias /one %s process-group=one
                JvmScriptAlias /two %s process-group=two
                JvmScriptAlias /spring %s process-group=spring
                """.formatted(oneWar, twoWar, springWar)).start();
        Daemons.awaitPids(server, "one", 1, STARTUP);
        Daemons.awaitPids(server, "two", 2, STARTUP);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Replaces {@code war} with the smoke application at {@code version}: its listener sleeping
     * {@code delayMs} first, or failing the deploy ({@code broken}). Written beside it, then moved
     * over it (one rename: a request sees the old WAR or the new one, never half of one).
     */
    static synchronized void install(Path war, String version, long delayMs, boolean broken) {
        try {
            Path webInf = smoke.resolve("WEB-INF");
            Files.writeString(webInf.resolve("version"), version + "\n");
            Files.deleteIfExists(webInf.resolve("start-delay-ms"));
            if (delayMs > 0) {
                Files.writeString(webInf.resolve("start-delay-ms"), Long.toString(delayMs));
            }
            Files.deleteIfExists(webInf.resolve("fail-deploy"));
            if (broken) {
                Files.writeString(webInf.resolve("fail-deploy"), "yes");
            }
            Path next = war.resolveSibling("." + war.getFileName() + ".new");
            SmokeWebApp.war(smoke, next);
            Files.move(next, war, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces {@code war} with the Spring MVC application (tests/webapps/spring-mvc) whose
     * {@code /css/version.txt} (a static file, served by Spring's resource handler) says
     * {@code version}; written beside it, then moved over it.
     */
    static void installSpring(Path war, String version) {
        try {
            Files.createDirectories(war.getParent());
            Path next = war.resolveSibling("." + war.getFileName() + ".new");
            Files.copy(WebApps.war("spring-mvc"), next, StandardCopyOption.REPLACE_EXISTING);
            try (FileSystem zip = FileSystems.newFileSystem(next)) {
                Files.writeString(zip.getPath("/css/version.txt"), "version=" + version + "\n");
            }
            Files.move(next, war, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ clients

    /** One answer: when its request was sent and answered, the version that answered. */
    record Answer(long sent, long answered, int status, String version) {
    }

    /**
     * A client with a session: each answer counts one visit more and, if the answers say their
     * version, it never goes back.
     */
    static final class Visitor {
        final String mount;
        final String path;
        final Pattern count;
        final boolean versioned;
        String cookie;
        int visits;
        int requests;
        int failed;
        int lost;
        int wentBack;
        String version;
        final List<String> problems = new ArrayList<>();

        /** The smoke application's: /echo/?session=1 counts the visits in the session and says its version. */
        Visitor(String mount) {
            this(mount, "/echo/?session=1", VISITS, true);
        }

        Visitor(String mount, String path, Pattern count, boolean versioned) {
            this.mount = mount;
            this.path = path;
            this.count = count;
            this.versioned = versioned;
        }

        synchronized boolean visit() {
            requests++;
            RawHttp.Response r;
            try {
                r = cookie == null ? RawHttp.get(server.port(), mount + path)
                        : RawHttp.get(server.port(), mount + path, "Cookie: " + cookie);
            } catch (RuntimeException e) {
                failed++;
                problem("request " + requests + ": " + e);
                return false;
            }
            Matcher m = count.matcher(r.text());
            Matcher v = VERSION.matcher(r.text());
            if (r.status() != 200 || !r.complete() || !m.find() || (versioned && !v.find())) {
                failed++;
                problem("request " + requests + ": " + r);
                return false;
            }
            int n = Integer.parseInt(m.group(1));
            if (n != visits + 1) {
                lost++;
                problem("request " + requests + " (session " + cookie + "): visits=" + n + " after " + visits);
            }
            visits = n;
            if (versioned) {
                if (version != null && v.group(1).compareTo(version) < 0) {
                    wentBack++;
                    problem("request " + requests + ": version " + v.group(1) + " after " + version);
                }
                version = v.group(1);
            }
            String set = r.header("Set-Cookie");
            if (set != null) {
                cookie = set.substring(0, set.indexOf(';'));
            }
            return true;
        }

        private void problem(String what) {
            if (problems.size() < 5) {
                problems.add(what);
            }
        }

        synchronized int route() {
            int dot = cookie == null ? -1 : cookie.lastIndexOf('.');
            return dot < 0 ? -1 : Integer.parseInt(cookie.substring(dot + 1));
        }

        synchronized int visits() {
            return visits;
        }

        synchronized String version() {
            return version;
        }

        @Override
        public synchronized String toString() {
            return cookie + " version=" + version + " visits=" + visits + " requests=" + requests + " failed=" + failed
                    + " lost=" + lost + " wentBack=" + wentBack + (problems.isEmpty() ? "" : " " + problems);
        }
    }

    /** A client without a session: every answer, with its version. */
    static final class Anonymous {
        final String mount;
        final String path;
        final List<Answer> answers = new CopyOnWriteArrayList<>();

        /** The smoke application's /echo/, which says its version. */
        Anonymous(String mount) {
            this(mount, "/echo/");
        }

        Anonymous(String mount, String path) {
            this.mount = mount;
            this.path = path;
        }

        void ask() {
            long sent = System.nanoTime();
            String version = null;
            int status;
            try {
                RawHttp.Response r = RawHttp.get(server.port(), mount + path);
                Matcher v = VERSION.matcher(r.text());
                status = r.complete() ? r.status() : -1;
                if (v.find()) {
                    version = v.group(1);
                }
                boolean counted = r.text().contains("visits=") && !r.text().contains("visits=0\n");
                if (counted || r.header("Set-Cookie") != null) {
                    status = -2; // a request without a session counted in one, or given one
                }
            } catch (RuntimeException e) {
                status = -1;
            }
            answers.add(new Answer(sent, System.nanoTime(), status, version));
        }

        List<Answer> failed() {
            return answers.stream().filter(a -> a.status() != 200 || a.version() == null).toList();
        }
    }

    /**
     * New sessions at {@code mount} until each of {@code routes} holds {@code perRoute} of them
     * (the first request of a session goes to whichever process accepts).
     */
    static List<Visitor> sessions(String mount, int routes, int perRoute) {
        return sessions(() -> new Visitor(mount), routes, perRoute);
    }

    static List<Visitor> sessions(java.util.function.Supplier<Visitor> visitor, int routes, int perRoute) {
        return Daemons.spreadOverRoutes(() -> {
            Visitor v = visitor.get();
            assertTrue(v.visit(), v::toString);
            return v;
        }, Visitor::route, routes, perRoute, STARTUP);
    }

    /** Runs every client in a thread of its own until {@code stop} answers true (or {@code max}). */
    static void run(List<Visitor> visitors, List<Anonymous> anonymous, BooleanSupplier stop, Duration max) {
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(visitors.size() + anonymous.size());
        for (Visitor v : visitors) {
            pool.submit(() -> {
                while (!done.get()) {
                    v.visit();
                    ApacheServer.sleep(THINK_MS);
                }
            });
        }
        for (Anonymous a : anonymous) {
            pool.submit(() -> {
                while (!done.get()) {
                    a.ask();
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

    static BooleanSupplier eachMade(List<Visitor> visitors, int n) {
        int[] start = visitors.stream().mapToInt(Visitor::visits).toArray();
        return () -> {
            for (int i = 0; i < start.length; i++) {
                if (visitors.get(i).visits() < start[i] + n) {
                    return false;
                }
            }
            return true;
        };
    }

    static boolean allAt(List<Visitor> visitors, List<Anonymous> anonymous, String version) {
        return visitors.stream().allMatch(v -> !v.versioned || version.equals(v.version()))
                && anonymous.stream().allMatch(a -> !a.answers.isEmpty()
                        && version.equals(a.answers.get(a.answers.size() - 1).version()));
    }

    static void assertNothingFailedOrLost(String what, List<Visitor> visitors, List<Anonymous> anonymous) {
        int failed = visitors.stream().mapToInt(v -> v.failed).sum();
        int lost = visitors.stream().mapToInt(v -> v.lost).sum();
        int wentBack = visitors.stream().mapToInt(v -> v.wentBack).sum();
        int requests = visitors.stream().mapToInt(v -> v.requests).sum();
        List<Answer> anonymousFailed = anonymous.stream().flatMap(a -> a.failed().stream()).toList();
        int anonymousRequests = anonymous.stream().mapToInt(a -> a.answers.size()).sum();
        StringBuilder report = new StringBuilder(what + ": " + requests + " requests with a session, " + failed
                + " failed, " + lost + " visits lost, " + wentBack + " went back to an older version; "
                + anonymousRequests + " requests without a session, " + anonymousFailed.size() + " failed "
                + anonymousFailed.stream().limit(5).toList());
        visitors.forEach(v -> report.append("\n  ").append(v));
        System.out.println(report);
        assertTrue(failed == 0 && lost == 0 && wentBack == 0 && anonymousFailed.isEmpty(), report::toString);
        for (Visitor v : visitors) {
            assertEquals(v.requests, v.visits, () -> "every request of a session counted in it: " + report);
        }
    }

    /**
     * No failed deploy, no lost hand-over, and no false leak report from the old version's stop (the
     * engine's utility thread caught holding its class loader: TomcatEngine.rollOver).
     */
    static void assertClean(String log) {
        for (String bad : List.of("JVM01405", "JVM01451", "JVM01452", "JVM01453", "but has failed to stop it")) {
            assertFalse(log.contains(bad), () -> bad + ":\n" + log);
        }
    }

    /** Answers without a session of {@code version} sent at or after {@code from} (System.nanoTime). */
    static List<Answer> sentFrom(List<Anonymous> anonymous, long from, String version) {
        return anonymous.stream().flatMap(a -> a.answers.stream())
                .filter(a -> a.sent() >= from && version.equals(a.version())).toList();
    }

    /**
     * Load on {@code mount} while {@code replace} replaces its WAR (version {@code from} by
     * {@code to}), until every client has reached the new version and made a few more requests:
     * returns the moment (System.nanoTime) it was replaced.
     */
    static long rollUnderLoad(String mount, Runnable replace, String from, String to, List<Visitor> visitors,
                              List<Anonymous> anonymous) {
        long[] replaced = new long[1];
        BooleanSupplier warm = eachMade(visitors, 3);
        List<BooleanSupplier> after = new ArrayList<>();
        run(visitors, anonymous, () -> {
            if (replaced[0] == 0) {
                if (warm.getAsBoolean()) {
                    assertTrue(allAt(visitors, anonymous, from), () -> "all at version " + from + ": " + visitors);
                    replace.run();
                    replaced[0] = System.nanoTime();
                }
                return false;
            }
            if (after.isEmpty()) {
                if (allAt(visitors, anonymous, to)) {
                    after.add(eachMade(visitors, 5));
                }
                return false;
            }
            return after.get(0).getAsBoolean();
        }, Duration.ofSeconds(240));
        assertTrue(replaced[0] != 0, "the WAR of " + mount + " was replaced");
        assertFalse(after.isEmpty(), () -> "every client of " + mount + " reached version " + to + ": " + visitors);
        return replaced[0];
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    @Timeout(600)
    void aReplacedWarRollsOverUnderLoadWithOneProcess() {
        List<Visitor> visitors = sessions("/one", 1, 6);
        List<Anonymous> anonymous = List.of(new Anonymous("/one"), new Anonymous("/one"));
        long mark = server.errorLogMark();
        long replaced = rollUnderLoad("/one", () -> install(oneWar, "2", SLOW_START_MS, false), "1", "2", visitors,
                anonymous);
        assertNothingFailedOrLost("rollover with processes=1", visitors, anonymous);

        // while the new version started (its listener sleeps 4 s), the old one kept answering
        long slow = TimeUnit.MILLISECONDS.toNanos(SLOW_START_MS);
        List<Answer> oldMeanwhile = sentFrom(anonymous, replaced + slow / 2, "1");
        assertTrue(oldMeanwhile.size() >= 5, () -> "version 1 answered requests sent 2 s after the WAR was replaced"
                + " (the new version's listener sleeps 4 s): " + oldMeanwhile.size());
        Answer firstNew = anonymous.stream().flatMap(a -> a.answers.stream()).filter(a -> "2".equals(a.version()))
                .min((a, b) -> Long.compare(a.answered(), b.answered())).orElseThrow();
        assertTrue(firstNew.answered() - replaced >= slow, "version 2 answered only once it had started");
        // and once the new version answered, it answered every request without a session sent after
        List<Answer> oldAfter = sentFrom(anonymous, firstNew.answered() + TimeUnit.MILLISECONDS.toNanos(100), "1");
        assertTrue(oldAfter.isEmpty(), () -> "no version 1 answer after version 2 answered: " + oldAfter);

        String log = server.errorLogSince(mark);
        assertEquals(1, Daemons.countLines(log,
                "\\(jvm:one\\) JVM01409: web application .*one\\.war changed: .*beside"), () -> log);
        assertEquals(1, Daemons.countLines(log, "\\(jvm:one\\) JVM01404: web application .*one\\.war deployed at"
                + " context path /one \\(version 0000000001, beside the one serving\\)"), () -> log);
        Matcher done = Pattern.compile("\\(jvm:one\\) JVM01450: .*one\\.war \\(context path /one\\): the new version"
                + " \\(0000000001\\) serves, \\d+ ms after the change was noticed; the old one stopped and handed over"
                + " (\\d+) sessions, requests carrying a session waited at most (\\d+) ms").matcher(log);
        assertTrue(done.find(), () -> "JVM01450:\n" + log);
        assertTrue(Integer.parseInt(done.group(1)) >= visitors.size(), done.group());
        System.out.println("processes=1: " + done.group());
        // the old version's unpacked copy is gone, and the file its sessions were handed over in
        long pid = Daemons.pids(server, "one").get(0);
        Path work = Path.of(server.cacheDir() + ".one", "web", Long.toString(pid));
        try (java.util.stream.Stream<Path> files = Files.list(work.resolve("webapps"));
             java.util.stream.Stream<Path> top = Files.list(work)) {
            assertEquals(List.of("one##0000000001"), files.map(f -> f.getFileName().toString()).sorted().toList());
            assertTrue(top.noneMatch(f -> f.getFileName().toString().startsWith("handover-")), work::toString);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertClean(log);
    }

    @Test
    @Order(2)
    @Timeout(600)
    void aReplacedWarRollsOverUnderLoadWithTwoProcesses() {
        List<Visitor> visitors = sessions("/two", 2, 3);
        List<Anonymous> anonymous = List.of(new Anonymous("/two"), new Anonymous("/two"));
        long mark = server.errorLogMark();
        long replaced = rollUnderLoad("/two", () -> install(twoWar, "2", SLOW_START_MS, false), "1", "2", visitors,
                anonymous);
        assertNothingFailedOrLost("rollover with processes=2", visitors, anonymous);
        long slow = TimeUnit.MILLISECONDS.toNanos(SLOW_START_MS);
        List<Answer> oldMeanwhile = sentFrom(anonymous, replaced + slow / 2, "1");
        assertTrue(oldMeanwhile.size() >= 5, () -> "version 1 answered requests sent 2 s after the WAR was replaced: "
                + oldMeanwhile.size());
        String log = server.errorLogSince(mark);
        Matcher done = Pattern.compile("\\(jvm:two\\) JVM01450: .*two\\.war \\(context path /two\\): the new version"
                + " \\(\\d+\\) serves, .* handed over (\\d+) sessions, requests carrying a session waited at most"
                + " (\\d+) ms").matcher(log);
        int processes = 0;
        int handed = 0;
        while (done.find()) {
            processes++;
            handed += Integer.parseInt(done.group(1));
            System.out.println("processes=2: " + done.group());
        }
        assertEquals(2, processes, () -> "both processes rolled over (JVM01450):\n" + log);
        int total = handed;
        assertTrue(total >= visitors.size(), () -> total + " sessions handed over:\n" + log);
        assertClean(log);
    }

    @Test
    @Order(3)
    @Timeout(600)
    void aBrokenNewVersionLeavesTheOldOneServing() {
        List<Visitor> visitors = sessions("/one", 1, 4);
        List<Anonymous> anonymous = List.of(new Anonymous("/one"));
        long mark = server.errorLogMark();
        BooleanSupplier warm = eachMade(visitors, 3);
        long[] broken = new long[1];
        List<BooleanSupplier> after = new ArrayList<>();
        run(visitors, anonymous, () -> {
            if (broken[0] == 0) {
                if (warm.getAsBoolean()) {
                    install(oneWar, "3", 0, true);
                    broken[0] = System.nanoTime();
                }
                return false;
            }
            if (after.isEmpty()) {
                if (server.errorLogSince(mark).contains("JVM01451")) {
                    after.add(eachMade(visitors, 10));
                }
                return false;
            }
            return after.get(0).getAsBoolean();
        }, Duration.ofSeconds(180));
        assertFalse(after.isEmpty(), () -> "JVM01451 for the broken WAR:\n" + server.errorLogSince(mark));
        assertNothingFailedOrLost("a broken new version", visitors, anonymous);
        assertTrue(allAt(visitors, anonymous, "2"), () -> "version 2 still answers everyone: " + visitors);
        assertTrue(sentFrom(anonymous, broken[0], "2").size() >= 10, "version 2 answered after the broken WAR came");
        String log = server.errorLogSince(mark);
        assertEquals(1, Daemons.countLines(log, "\\(jvm:one\\) JVM01451: the new version of web application"
                + " .*one\\.war \\(context path /one\\) failed to deploy: .*SmokeListener: WEB-INF/fail-deploy present"
                + ".*; the old version keeps serving until the application changes again"),
                () -> "one JVM01451, not one per request:\n" + log);
        assertFalse(log.contains("JVM01405"), () -> log);

        // fixed: the next change rolls over as usual
        long fixMark = server.errorLogMark();
        install(oneWar, "4", 0, false);
        List<BooleanSupplier> fixed = new ArrayList<>();
        run(visitors, anonymous, () -> {
            if (fixed.isEmpty()) {
                if (allAt(visitors, anonymous, "4")) {
                    fixed.add(eachMade(visitors, 3));
                }
                return false;
            }
            return fixed.get(0).getAsBoolean();
        }, Duration.ofSeconds(180));
        assertFalse(fixed.isEmpty(), () -> "version 4 reached everyone: " + visitors);
        assertNothingFailedOrLost("the fixed version", visitors, anonymous);
        String fixedLog = server.errorLogSince(fixMark);
        assertTrue(fixedLog.contains("JVM01450"), () -> fixedLog);
    }

    /**
     * Spring MVC (a WebApplicationInitializer, no web.xml; the visit count in a session-scoped
     * bean, which the new version deserializes with its own classes): the old version answers
     * while Spring starts the new one, then the new one, with every session's count going on.
     */
    @Test
    @Order(4)
    @Timeout(600)
    void aSpringMvcWarRollsOverUnderLoadKeepingItsSessionScopedBeans() {
        List<Visitor> visitors = sessions(() -> new Visitor("/spring", "/", HOME_VIEWS, false), 1, 6);
        List<Anonymous> anonymous = List.of(new Anonymous("/spring", "/css/version.txt"),
                new Anonymous("/spring", "/css/version.txt"));
        long mark = server.errorLogMark();
        long replaced = rollUnderLoad("/spring", () -> installSpring(springWar, "2"), "1", "2", visitors, anonymous);
        assertNothingFailedOrLost("Spring MVC rollover", visitors, anonymous);
        String log = server.errorLogSince(mark);
        Matcher deployed = Pattern.compile("\\(jvm:spring\\) JVM01404: .*spring\\.war deployed at context path"
                + " /spring \\(version 0000000001, beside the one serving\\) in (\\d+) ms").matcher(log);
        assertTrue(deployed.find(), () -> log);
        List<Answer> oldMeanwhile = sentFrom(anonymous, replaced, "1");
        assertTrue(oldMeanwhile.size() >= 3, () -> "version 1 answered while Spring started version 2 ("
                + deployed.group(1) + " ms): " + oldMeanwhile.size());
        Matcher done = Pattern.compile("\\(jvm:spring\\) JVM01450: .* handed over (\\d+) sessions, requests carrying"
                + " a session waited at most (\\d+) ms").matcher(log);
        assertTrue(done.find(), () -> "JVM01450:\n" + log);
        assertTrue(Integer.parseInt(done.group(1)) >= visitors.size(), done.group());
        System.out.println("spring-mvc: " + deployed.group() + "\n  " + oldMeanwhile.size() + " version 1 answers sent"
                + " after the WAR was replaced\n  " + done.group());
        assertClean(log);
    }

    /**
     * The root context ("/", Tomcat's ROOT: its versions are {@code ROOT##0000000001}) rolls over
     * like any other: a session's visits go on across it, the new version answers after it.
     */
    @Test
    @Order(5)
    @Timeout(300)
    void theRootContextRollsOverToo() {
        try (ApacheServer s = ApacheServer.create().name("servlet-rolling-root")) {
            Path war = s.root().resolve("apps/root/ROOT.war");
            install(war, "1", 0, false);
            s.config("JvmDaemonProcess r processes=1 threads=8\nJvmScriptAlias / " + war + " process-group=r\n").start();
            Daemons.awaitPids(s, "r", 1, STARTUP);
            long mark = s.errorLogMark();
            String cookie = null;
            int visits = 0;
            int afterNew = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            for (int i = 0; afterNew < 5; i++) {
                assertTrue(System.nanoTime() < deadline, () -> "version 2 within 120 s:\n" + s.errorLogSince(mark));
                if (i == 5) {
                    install(war, "2", 0, false);
                }
                RawHttp.Response r = cookie == null ? RawHttp.get(s.port(), "/echo/?session=1")
                        : RawHttp.get(s.port(), "/echo/?session=1", "Cookie: " + cookie);
                assertEquals(200, r.status(), () -> r + "\n" + s.errorLogSince(mark));
                Matcher m = VISITS.matcher(r.text());
                Matcher v = VERSION.matcher(r.text());
                assertTrue(m.find() && v.find(), r::toString);
                assertEquals(visits + 1, Integer.parseInt(m.group(1)), () -> "the session's count goes on: " + r);
                assertTrue(r.text().contains("contextPath=\n"), () -> "the root context: " + r);
                visits++;
                if (cookie == null) {
                    String set = r.header("Set-Cookie");
                    cookie = set.substring(0, set.indexOf(';'));
                }
                if ("2".equals(v.group(1))) {
                    afterNew++;
                }
                ApacheServer.sleep(50);
            }
            String log = s.errorLogSince(mark);
            assertEquals(1, Daemons.countLines(log, "\\(jvm:r\\) JVM01404: .*ROOT\\.war deployed at context path /"
                    + " \\(version 0000000001, beside the one serving\\)"), () -> log);
            assertEquals(1, Daemons.countLines(log, "\\(jvm:r\\) JVM01450: .*ROOT\\.war \\(context path /\\): the new"
                    + " version \\(0000000001\\) serves, .* handed over 1 sessions"), () -> log);
            assertClean(log);
        }
    }
}
