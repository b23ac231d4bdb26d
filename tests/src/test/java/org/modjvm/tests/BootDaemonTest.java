package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * An unmodified Spring Boot 4 executable jar (tests/webapps/boot4) in daemon groups
 * (docs/spring-boot.md): started through Boot's launcher before the process is ready, served
 * through mod_jvm's connector in Boot's own Tomcat, with no TCP listener in the process; its
 * JSON controller, Thymeleaf page and form (redirect-after-post), session, actuator health and
 * Logback console output; a context path that is not the mount's refused (JVM01463); refused in
 * embedded mode at configtest.
 *
 * <p>Sessions as of a WAR's (docs/servlet.md, "Sessions"): with processes=2 a session id ends in
 * its process's route and its requests reach that process; the sessions are handed to the
 * replacement of a process stopped with SIGTERM, recycled (maximum-requests) or restarted with
 * Apache (graceful), with zero failed requests and zero lost sessions under load. Each client of
 * the load owns one session (/visits counts its requests) and checks that every answer counts
 * one more than the last.
 *
 * <p>The server of the class: group shop (processes=2) at /; the graceful restart goes last.
 * Servers of their own (started by their test, so that no more Boot applications start at once
 * than the machine can start within the clients' patience): group rec (processes=2,
 * maximum-requests=120) at /rec with server.servlet.context-path=/rec in its jvm-options; group
 * wrong at /wrong whose context path is /elsewhere. Boot groups get a socket-timeout longer than
 * Boot's start on a busy machine: requests wait that long for a starting process.
 */
@ExtendWith(DumpLogOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootDaemonTest {
    static ApacheServer server;
    static Path jar;
    static final Duration STARTUP = Duration.ofSeconds(180);
    static final Pattern VISITS = Pattern.compile("\"visits\":(\\d+)");
    /** A client's pause between two requests. */
    static final long THINK_MS = 20;

    @BeforeAll
    static void start() throws IOException {
        server = ApacheServer.create().name("boot-daemon").processes(2);
        jar = server.root().resolve("apps/shop/shop.jar");
        Files.createDirectories(jar.getParent());
        Files.copy(WebApps.bootJar("boot4"), jar);
        server.config("""
                JvmDaemonProcess shop processes=2 threads=8 jvm-options="-Xmx256m -XX:TieredStopAtLevel=1" startup-timeout=180 \\
                    socket-timeout=150
                JvmScriptAlias / %s process-group=shop
                """.formatted(jar)).start();
        awaitReady(server, "shop", 2);
    }

    /** A server of its own for one test: {@code config} with {@code %s} for the jar. */
    static ApacheServer otherServer(String name, String config) {
        ApacheServer s = ApacheServer.create().name(name).processes(2);
        Path copy = copy(jar, s.root().resolve("apps/shop/shop.jar"));
        return s.config(config.replace("%s", copy.toString())).start();
    }

    /** A jar without Boot's launcher and BOOT-INF/: the Boot 4 application's plain jar. */
    static Path plainJar() {
        return WebApps.dir().resolve("boot4/target/boot4.jar.original");
    }

    /** Copies {@code from} to {@code to}, making its directory; returns {@code to}. */
    static Path copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            return Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Waits until {@code n} processes of {@code group} said they are ready (JVM01300) since the start. */
    static void awaitReady(ApacheServer on, String group, int n) {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (Daemons.countLines(on.errorLog(), "JVM01300: daemon process of group " + group + " ready") < n) {
            assertTrue(System.nanoTime() < deadline, () -> n + " processes of " + group + " ready:\n" + on.errorLog());
            ApacheServer.sleep(100);
        }
    }

    // ------------------------------------------------------------------ the application

    @Test
    @Order(1)
    void theApplicationStartsBeforeTheProcessSaysItIsReady() {
        String log = server.errorLog();
        // each process: Boot's start, then the process's ready line, in that process's order
        for (String line : new String[] {"started at context path / in ", "JVM01300: daemon process of group shop ready"}) {
            assertEquals(2, Daemons.countLines(log, Pattern.quote(line)), () -> line + ":\n" + log);
        }
        int started = log.indexOf("JVM01460: Spring Boot application " + jar + " started at context path / in ");
        int ready = log.indexOf("JVM01300: daemon process of group shop ready");
        assertTrue(started > 0 && ready > started, log);
        // Boot's own console output (its banner line, Logback's) reaches the error log with the group's prefix
        assertTrue(log.lines().anyMatch(l -> l.contains("(jvm:shop)") && l.contains("Started ShopApplication")), log);
    }

    @Test
    @Order(1)
    void aRestControllerAnswersJsonThroughModJvmsConnector() {
        RawHttp.Response r = RawHttp.get(server.port(), "/?x=1");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.toString());
        String body = r.text();
        assertTrue(body.contains("\"greeting\":\"Hello from Spring Boot\""), body); // the jar's application.properties
        assertTrue(body.contains("\"contextPath\":\"\""), body);
        assertTrue(body.contains("\"requestUri\":\"/\""), body);
        assertTrue(body.contains("\"serverPort\":" + server.port()), body); // Apache's port, not Boot's 8080
        assertTrue(body.contains("\"server\":\"Apache Tomcat/11.0."), body); // the application's own Tomcat
    }

    @Test
    @Order(1)
    void aSessionAttributeSurvivesBetweenRequests() {
        RawHttp.Response first = RawHttp.get(server.port(), "/visits?name=caf%C3%A9");
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.text().contains("\"visits\":1"), first.text());
        assertTrue(first.text().contains("\"name\":\"café\""), first.text());
        String setCookie = first.header("Set-Cookie");
        assertNotNull(setCookie, first.toString());
        Matcher m = Pattern.compile("JSESSIONID=([^;]+)").matcher(setCookie);
        assertTrue(m.find(), setCookie);
        // the session id ends in the route of the process that made it (Tomcat's jvmRoute)
        assertTrue(m.group(1).matches("[0-9A-F]+\\.[01]"), setCookie);
        RawHttp.Response second = RawHttp.get(server.port(), "/visits", "Cookie: JSESSIONID=" + m.group(1));
        assertEquals(200, second.status(), second.toString());
        assertTrue(second.text().contains("\"visits\":2"), second.text());
    }

    @Test
    @Order(1)
    void aThymeleafPageAndItsFormRedirectAfterPost() {
        RawHttp.Response page = RawHttp.get(server.port(), "/orders");
        assertEquals(200, page.status(), page.toString());
        assertTrue(page.header("Content-Type").startsWith("text/html"), page.toString());
        assertTrue(page.text().contains("<h1>Hello from Spring Boot</h1>"), page.text()); // rendered by Thymeleaf
        assertTrue(page.text().contains("0 orders in this session"), page.text());
        String cookie = page.header("Set-Cookie").substring(0, page.header("Set-Cookie").indexOf(';'));
        // the form's action is Thymeleaf's @{/orders}: the session in the URL too while Tomcat cannot know
        // whether the client takes cookies (its first answer), with the route at its end
        assertTrue(page.text().contains("<form method=\"post\" action=\"/orders;jsessionid="
                + cookie.substring("JSESSIONID=".length()) + "\">"), page.text());
        long mark = server.errorLogMark();

        byte[] form = "item=tea+cup&quantity=3".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response posted = RawHttp.request(server.port(), "POST", "/orders", form,
                "Content-Type: application/x-www-form-urlencoded", "Cookie: " + cookie);
        assertEquals(302, posted.status(), posted.toString());
        String location = posted.header("Location");
        assertTrue(location != null && location.endsWith("/orders?placed=1"), posted.toString());
        String target = location.startsWith("http") ? location.substring(location.indexOf('/', "http://".length())) : location;
        RawHttp.Response after = RawHttp.get(server.port(), target, "Cookie: " + cookie);
        assertEquals(200, after.status(), after.toString());
        assertTrue(after.text().contains("order 1 placed"), after.text());
        assertTrue(after.text().contains("<li class=\"order\">3 × tea cup</li>"), after.text()); // the session's list
        assertTrue(after.text().contains("1 orders in this session"), after.text());

        // the application's Logback line (Boot's console pattern) in Apache's error log, with the group's prefix
        String log = server.awaitErrorLog(mark, "order placed: 3 x tea cup", Duration.ofSeconds(10));
        String line = log.lines().filter(l -> l.contains("order placed: 3 x tea cup")).findFirst().orElseThrow();
        assertTrue(line.contains("(jvm:shop)") && line.contains("INFO") && line.contains("OrderPages"), line);
        assertTrue(line.contains("(session has 1 orders)"), line);
    }

    @Test
    @Order(1)
    void actuatorHealthAnswersAtItsPath() {
        RawHttp.Response health = RawHttp.get(server.port(), "/actuator/health");
        assertEquals(200, health.status(), health.toString());
        assertTrue(health.header("Content-Type").contains("json"), health.toString());
        assertTrue(health.text().contains("\"status\":\"UP\""), health.text());
    }

    @Test
    @Order(1)
    void anUnknownPathIsTheApplicationsOwn404() {
        RawHttp.Response r = RawHttp.get(server.port(), "/no-such-page", "Accept: application/json");
        assertEquals(404, r.status(), r.toString());
        assertTrue(r.text().contains("\"path\":\"/no-such-page\""), r.text()); // Boot's JSON error body
    }

    @Test
    @Order(1)
    void aContextPathThatIsNotTheMountPathIsRefusedWithJvm01463() throws IOException {
        // the application's own configuration says /elsewhere: an application.properties in its
        // working directory (home=), as under java -jar; only the application knows it, at its start
        ApacheServer s = ApacheServer.create().name("boot-context-path").processes(2);
        Path copy = s.root().resolve("apps/shop/shop.jar");
        Files.createDirectories(copy.getParent());
        Files.copy(jar, copy);
        Path properties = Files.writeString(copy.resolveSibling("application.properties"),
                "server.servlet.context-path=/elsewhere\n");
        Files.setPosixFilePermissions(properties, PosixFilePermissions.fromString("rw-r--r--"));
        try (s) {
            s.config("""
                    JvmDaemonProcess wrong processes=1 threads=2 startup-timeout=180 socket-timeout=150 \\
                        jvm-options="-Xmx192m -XX:TieredStopAtLevel=1" home=%s
                    JvmScriptAlias /wrong %s process-group=wrong
                    """.formatted(copy.getParent(), copy)).start();
            // the process says why and exits before it is ready (restarted with the parent's backoff)
            String line = "(jvm:wrong) JVM01463: Spring Boot application " + copy + " has context path"
                    + " /elsewhere (server.servlet.context-path) but is mounted at /wrong: set"
                    + " server.servlet.context-path=/wrong";
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(240).toNanos();
            while (!s.errorLog().contains(line) && System.nanoTime() < deadline) {
                ApacheServer.sleep(500);
            }
            String log = s.errorLog();
            assertTrue(log.contains(line), log);
            assertFalse(log.contains("(jvm:wrong) JVM01460"), log);
            // at once: a request to /wrong waits for the start in progress to fail (seconds of Boot)
            List<String> paths = List.of("/wrong/", "/wrong/actuator/health", "/elsewhere/");
            List<RawHttp.Response> answers = FaultHarnessTest.concurrently(paths.size(),
                    i -> RawHttp.get(s.port(), paths.get(i)), Duration.ofSeconds(200));
            for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                RawHttp.Response r = answers.get(i);
                int expected = path.startsWith("/wrong") ? 503 : 404; // /elsewhere: no mount, Apache's 404
                assertEquals(expected, r.status(), () -> path + ": " + r);
            }
        }
    }

    @Test
    @Order(1)
    void theDaemonProcessListensOnNoTcpPort() {
        assertEquals(200, RawHttp.get(server.port(), "/").status());
        for (long pid : Daemons.awaitPids(server, "shop", 2, Duration.ofSeconds(30))) {
            assertNoTcpSocket(pid);
        }
        // and the connector says so: Boot's Tomcat started mod_jvm's, not its HTTP one on 8080
        assertFalse(server.errorLog().contains("Tomcat started on port 8080"), server.errorLog());
        assertTrue(server.errorLog().contains("Tomcat started on port -1 (http) with context path '/'"), server.errorLog());
    }

    private static void assertNoTcpSocket(long pid) {
        // the process's sockets: fd → socket:[inode]; the kernel's TCP tables list the listening
        // ones (state 0A) by inode, for the process's network namespace
        Set<String> own = new HashSet<>();
        for (String target : Daemons.openFiles(pid)) {
            if (target.startsWith("socket:[")) {
                own.add(target.substring(8, target.length() - 1));
            }
        }
        assertFalse(own.isEmpty(), "the daemon has its UNIX socket at least");
        StringBuilder listening = new StringBuilder();
        int tcpSockets = 0;
        for (String table : new String[] {"tcp", "tcp6"}) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of("/proc/" + pid + "/net/" + table));
            } catch (IOException e) {
                continue; // no IPv6
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (own.contains(f[9])) {
                    tcpSockets++;
                    if (f[3].equals("0A")) {
                        listening.append(table).append(' ').append(line.trim()).append('\n');
                    }
                }
            }
        }
        assertEquals("", listening.toString(), "TCP sockets listening in daemon " + pid);
        assertEquals(0, tcpSockets, "the daemon has no TCP socket at all");
    }

    @Test
    @Order(1)
    void embeddedModeIsRefusedAtConfigtest() {
        try (ApacheServer s = ApacheServer.create().name("boot-embedded")) {
            s.config("""
                    JvmScriptAlias /shop %s
                    """.formatted(jar));
            ApacheServer.ConfigTest ct = s.configtest();
            assertNotEquals(0, ct.exitCode(), ct.output());
            assertTrue(ct.output().contains("JVM00130: JvmScriptAlias /shop (at "), ct.output());
            assertTrue(ct.output().contains(jar + " is a Spring Boot application, which runs in daemon mode only"),
                    ct.output());
        }
    }

    @Test
    @Order(1)
    void aContextPathInTheGroupsJvmOptionsThatIsNotTheMountPathIsRefusedAtConfigtest() {
        try (ApacheServer s = ApacheServer.create().name("boot-context-path-configtest")) {
            s.config("""
                    JvmDaemonProcess shop jvm-options="-Xmx256m -Dserver.servlet.context-path=/store"
                    JvmScriptAlias /shop %s process-group=shop
                    """.formatted(jar));
            ApacheServer.ConfigTest ct = s.configtest();
            assertNotEquals(0, ct.exitCode(), ct.output());
            assertTrue(ct.output().contains("JVM00132: JvmScriptAlias /shop (at "), ct.output());
            assertTrue(ct.output().contains("daemon process group shop gives the Spring Boot application " + jar
                    + " the context path /store (-Dserver.servlet.context-path= in jvm-options=), but mounts it at"
                    + " /shop"), ct.output());
        }
        try (ApacheServer s = ApacheServer.create().name("boot-context-path-configtest-ok")) {
            // the last one counts, as for the JVM; "/" is the root
            s.config("""
                    JvmDaemonProcess shop jvm-options="-Dserver.servlet.context-path=/store -Dserver.servlet.context-path=/"
                    JvmScriptAlias / %s process-group=shop
                    """.formatted(jar));
            ApacheServer.ConfigTest ok = s.configtest();
            assertEquals(0, ok.exitCode(), ok.output());
        }
    }

    @Test
    @Order(1)
    void aJarUnderDocumentRootIsWarnedAboutAsTheWholeJar() {
        // served as a file, a Boot jar gives away its classes, libraries and application.properties;
        // a plain jar script its classes: not "its source", as for a .java script
        try (ApacheServer s = ApacheServer.create().name("boot-docroot")) {
            Path boot = copy(jar, s.root().resolve("htdocs/shop.jar"));
            Path plain = copy(plainJar(), s.root().resolve("htdocs/plain.jar"));
            s.config("""
                    JvmDaemonProcess docroot jvm-options="-Xmx192m -XX:TieredStopAtLevel=1" startup-timeout=180
                    JvmScriptAlias /shop %s process-group=docroot
                    JvmScriptAlias /plain %s
                    """.formatted(boot, plain)).start();
            String log = s.errorLog();
            assertTrue(log.contains("JVM00003: JvmScriptAlias Spring Boot application " + boot + " is under DocumentRoot "
                    + s.root().resolve("htdocs") + ": the whole jar (its classes, libraries and application.properties)"
                    + " may be served as a static file; move it out of DocumentRoot"), log);
            assertTrue(log.contains("JVM00003: JvmScriptAlias script " + plain + " is under DocumentRoot "
                    + s.root().resolve("htdocs") + ": the whole jar (its classes and resources) may be served"), log);
        }
    }

    @Test
    @Order(1)
    void aPlainJarIsStillAScript() {
        // a .jar without Boot's launcher and BOOT-INF/ keeps being a script: configtest accepts it as one
        try (ApacheServer s = ApacheServer.create().name("boot-plain-jar")) {
            Path copy = copy(plainJar(), s.root().resolve("apps/plain.jar"));
            s.config("""
                    JvmScriptAlias /plain %s
                    """.formatted(copy));
            ApacheServer.ConfigTest ct = s.configtest();
            assertEquals(0, ct.exitCode(), ct.output());
        }
    }

    @Test
    @Order(1)
    void aJarOfBootBefore32IsRefusedAtConfigtest() throws IOException {
        // Boot 3.1's layout: BOOT-INF/ and the launcher org.springframework.boot.loader.JarLauncher
        // only (what configtest reads is the zip's directory: the entries' names)
        try (ApacheServer s = ApacheServer.create().name("boot-old")) {
            Path old = s.root().resolve("apps/old-boot.jar");
            Files.createDirectories(old.getParent());
            java.util.jar.Manifest manifest = new java.util.jar.Manifest();
            manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS,
                    "org.springframework.boot.loader.JarLauncher");
            manifest.getMainAttributes().putValue("Start-Class", "com.example.ShopApplication");
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(old), manifest)) {
                for (String name : List.of("org/springframework/boot/loader/JarLauncher.class",
                        "BOOT-INF/classes/com/example/ShopApplication.class", "BOOT-INF/lib/spring-core-6.0.9.jar")) {
                    out.putNextEntry(new java.util.jar.JarEntry(name));
                    out.write(new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe});
                    out.closeEntry();
                }
            }
            s.config("""
                    JvmDaemonProcess shop
                    JvmScriptAlias /shop %s process-group=shop
                    """.formatted(old));
            ApacheServer.ConfigTest ct = s.configtest();
            assertNotEquals(0, ct.exitCode(), ct.output());
            assertTrue(ct.output().contains("JVM00141: JvmScriptAlias: '" + old + "' is a Spring Boot executable jar with"
                    + " Boot's classic launcher (org.springframework.boot.loader.JarLauncher: Boot before 3.2, or a later"
                    + " Boot built with loaderImplementation CLASSIC)"), ct.output());
        }
    }

    // ------------------------------------------------------------------ sessions with processes=2

    /** A client that owns one session of the application at {@code mount} and checks its visit count on every answer. */
    static final class Visitor {
        final ApacheServer on;
        final String mount;
        String cookie;          // "JSESSIONID=…", null before the first answer
        int visits;             // the count of the last answer
        int requests;
        int failed;
        int lost;
        final List<String> problems = new ArrayList<>();

        Visitor(ApacheServer on, String mount) {
            this.on = on;
            this.mount = mount;
        }

        /** One request with the session; true if answered 200. */
        synchronized boolean visit() {
            requests++;
            RawHttp.Response r;
            try {
                r = cookie == null ? RawHttp.get(on.port(), mount + "/visits")
                        : RawHttp.get(on.port(), mount + "/visits", "Cookie: " + cookie);
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

        private void problem(String what) {
            if (problems.size() < 5) {
                problems.add(what);
            }
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

    /** New sessions at {@code mount} until each of the group's two routes holds {@code perRoute} of them. */
    static List<Visitor> sessions(ApacheServer on, String mount, int perRoute) {
        return Daemons.spreadOverRoutes(() -> {
            Visitor v = new Visitor(on, mount);
            assertTrue(v.visit(), v::toString);
            return v;
        }, Visitor::route, 2, perRoute, STARTUP);
    }

    /** Runs every visitor in a thread of its own, a request every few milliseconds, until {@code stop} (or {@code max}). */
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
    static Map<Integer, Long> byRoute(ApacheServer on, String group) {
        Map<Integer, Long> out = new TreeMap<>();
        for (long pid : Daemons.pids(on, group)) {
            String route = Daemons.settings(pid).get("mod_jvm.daemon.route");
            assertNotNull(route, "daemon process " + pid + " was told its route (mod_jvm.daemon.route)");
            out.put(Integer.parseInt(route), pid);
        }
        return out;
    }

    @Test
    @Order(2)
    void aSessionKeepsReachingTheProcessThatHoldsIt() {
        assertEquals(List.of(0, 1), List.copyOf(byRoute(server, "shop").keySet()));
        List<Visitor> visitors = sessions(server, "", 3);
        // 6 clients at once, 20 requests each: every one is counted in its own session
        run(visitors, eachMade(visitors, 20), Duration.ofSeconds(120));
        assertNothingFailedOrLost("sticky", visitors);
        // a route no process of the group has: a new session of a live process, not an error
        RawHttp.Response r = RawHttp.get(server.port(), "/visits", "Cookie: JSESSIONID=0123456789ABCDEF0123456789ABCDEF.7");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.text().contains("\"visits\":1"), r.toString());
        String set = r.header("Set-Cookie");
        assertTrue(set != null && set.matches("JSESSIONID=[0-9A-F]+\\.[01];.*"), "a new session of a live process: " + set);
    }

    @Test
    @Order(3)
    @Timeout(600) // the replacement starts a JVM and the Boot application anew: slow on a busy machine
    void sessionsFollowAProcessStoppedWithSigtermUnderLoad() throws IOException {
        List<Visitor> visitors = sessions(server, "", 3);
        Map<Integer, Long> before = byRoute(server, "shop");
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
        }, Duration.ofSeconds(240));
        assertTrue(replacedAt[0] != 0, "process " + before.get(1) + " was replaced");
        assertNothingFailedOrLost("SIGTERM to route 1's process", visitors);
        String log = server.errorLogSince(mark);
        assertTrue(Pattern.compile("\\(jvm:shop\\) JVM01422: web application " + Pattern.quote(jar.toString())
                + " \\(context path /\\): saved \\d+ sessions of route 1").matcher(log).find(),
                () -> "the stopped process saved route 1's sessions (JVM01422):\n" + log);
        assertTrue(Pattern.compile("\\(jvm:shop\\) JVM01421: web application " + Pattern.quote(jar.toString())
                + " \\(context path /\\): took over \\d+ sessions of route 1").matcher(log).find(),
                () -> "the replacement took route 1's sessions (JVM01421):\n" + log);
        // where they waited: the group's cache, private to its user; nothing left once loaded
        Path sessions = Path.of(server.cacheDir() + ".shop", "sessions");
        PosixFileAttributes a = Files.readAttributes(sessions, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertEquals("rwx------", PosixFilePermissions.toString(a.permissions()), sessions.toString());
        try (var files = Files.list(sessions)) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".ser")).toList());
        }
    }

    @Test
    @Order(4)
    @Timeout(900) // each replacement starts a JVM and the Boot application anew: slow on a busy machine
    void sessionsFollowProcessesRecycledByMaximumRequests() {
        try (ApacheServer rec = otherServer("boot-recycle", """
                JvmDaemonProcess rec processes=2 threads=4 maximum-requests=120 startup-timeout=180 socket-timeout=150 \\
                    jvm-options="-Xmx256m -XX:TieredStopAtLevel=1 -Dserver.servlet.context-path=/rec"
                JvmScriptAlias /rec %s process-group=rec
                """)) {
            awaitReady(rec, "rec", 2);
            // a context path set in jvm-options, the same as the mount's: served there
            RawHttp.Response r = RawHttp.get(rec.port(), "/rec/");
            assertEquals(200, r.status(), r.toString());
            assertTrue(r.text().contains("\"contextPath\":\"/rec\""), r.text());
            assertTrue(r.text().contains("\"requestUri\":\"/rec/\""), r.text());
            RawHttp.Response health = RawHttp.get(rec.port(), "/rec/actuator/health");
            assertTrue(health.status() == 200 && health.text().contains("\"status\":\"UP\""), health.toString());

            Map<Integer, Long> before = byRoute(rec, "rec");
            List<Visitor> visitors = sessions(rec, "/rec", 2);
            long mark = rec.errorLogMark();
            List<BooleanSupplier> after = new ArrayList<>();
            run(visitors, () -> {
                if (after.isEmpty()) {
                    List<Long> now = Daemons.pids(rec, "rec");
                    if (now.size() == 2 && now.stream().noneMatch(before.values()::contains)) {
                        // both processes were replaced at least once; then two more requests each (not five:
                        // maximum-requests=120 goes on replacing a process every few seconds under
                        // this load, and a visitor whose process is being replaced waits for its
                        // successor, which has its sessions)
                        after.add(eachMade(visitors, 2));
                    }
                    return false;
                }
                return after.get(0).getAsBoolean();
            }, Duration.ofSeconds(600)); // (two Boot starts at least, one after the other)
            assertFalse(after.isEmpty(), () -> "both processes of rec recycled (maximum-requests=120); now "
                    + Daemons.pids(rec, "rec") + ", before " + before);
            assertNothingFailedOrLost("maximum-requests", visitors);
            String log = rec.errorLogSince(mark);
            assertTrue(Daemons.countLines(log, "\\(jvm:rec\\) JVM01303: recycling") >= 2, () -> log);
            assertTrue(Daemons.countLines(log, "\\(jvm:rec\\) JVM01421: web application .*context path /rec") >= 2,
                    () -> log);
            assertFalse(log.contains("JVM00051"), () -> "a recycle is no death:\n" + log);
        }
    }

    @Test
    @Order(9)
    @Timeout(600) // each replacement starts a JVM and the Boot application anew: slow on a busy machine
    void sessionsSurviveAGracefulRestartUnderLoad() {
        List<Visitor> visitors = sessions(server, "", 3);
        Map<Integer, Long> before = byRoute(server, "shop");
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
        }, Duration.ofSeconds(300));
        assertFalse(after.isEmpty(), () -> "a new generation of shop's processes: " + Daemons.pids(server, "shop"));
        assertNothingFailedOrLost("graceful restart", visitors);
    }
}
