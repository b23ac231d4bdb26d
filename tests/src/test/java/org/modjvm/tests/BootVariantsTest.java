package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spring Boot jars other than BootDaemonTest's Boot 4 one (docs/spring-boot.md): an unmodified
 * Boot 3.5 jar (tests/webapps/boot35: Tomcat 10.1, Servlet 6.0) served by mod_jvm's connector in
 * its own Tomcat in a daemon group of two processes; jars mod_jvm cannot serve (WebFlux on Netty,
 * non-web, the Jetty starter) refused at startup with a numbered line that says why; a failing
 * start (a bean that throws, a property only a missing profile sets) named in one line, the mount
 * 503, and the group restarted with a growing delay instead of a crash loop.
 */
@ExtendWith(DumpLogOnFailure.class)
class BootVariantsTest {
    static ApacheServer server;
    static Path jar;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("boot-variants");
        jar = copy(server, "boot35", "apps/inventory/inventory.jar");
        server.config("""
                JvmDaemonProcess inventory processes=2 threads=4 jvm-options="-Xmx256m -XX:TieredStopAtLevel=1" startup-timeout=180 socket-timeout=180
                JvmScriptAlias /inventory %s process-group=inventory
                """.formatted(jar)).start();
        awaitReady(server, "inventory", 2);
    }

    /** Waits until {@code n} processes of {@code group} said they are ready (Boot starts slowly on a busy machine). */
    static void awaitReady(ApacheServer s, String group, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        while (Daemons.countLines(s.errorLog(), "JVM01300: daemon process of group " + group + " ready") < n) {
            assertTrue(System.nanoTime() < deadline, () -> n + " processes of " + group + " not ready:\n" + s.errorLog());
            ApacheServer.sleep(200);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A copy of tests/webapps/NAME's Boot jar in the server's root. */
    static Path copy(ApacheServer s, String name, String relative) {
        Path target = s.root().resolve(relative);
        try {
            Files.createDirectories(target.getParent());
            Files.copy(WebApps.bootJar(name), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    @Test
    void aBoot35JarIsServedThroughModJvmsConnectorInItsTomcat101() {
        RawHttp.Response r = RawHttp.get(server.port(), "/inventory/?x=1");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.toString());
        String body = r.text();
        assertTrue(body.contains("\"greeting\":\"Hello from Spring Boot 3.5\""), body); // the jar's application.properties
        assertTrue(body.contains("\"boot\":\"3.5."), body);
        assertTrue(body.contains("\"servletApi\":\"6.0\""), body);
        assertTrue(body.contains("\"contextPath\":\"/inventory\""), body);
        assertTrue(body.contains("\"requestUri\":\"/inventory/\""), body);
        assertTrue(body.contains("\"serverPort\":" + server.port()), body); // Apache's port, not Boot's 8080
        assertTrue(body.contains("\"server\":\"Apache Tomcat/10.1."), body); // the application's own Tomcat
        String log = server.errorLog();
        assertTrue(log.contains("JVM01460: Spring Boot application " + jar + " started at context path /inventory in "), log);
        assertFalse(log.contains("Tomcat started on port 8080"), log);
        // both processes started the application (processes=2), each before it said it was ready
        assertEquals(2, Daemons.countLines(log, "JVM01460: Spring Boot application " + Pattern.quote(jar.toString())), log);
    }

    @Test
    void neitherProcessHasATcpSocket() {
        List<Long> pids = Daemons.awaitPids(server, "inventory", 2, Duration.ofSeconds(30));
        for (long pid : pids) {
            // the process's sockets (fd -> socket:[inode]) against the kernel's TCP tables
            Set<String> own = new HashSet<>();
            for (String target : Daemons.openFiles(pid)) {
                if (target.startsWith("socket:[")) {
                    own.add(target.substring(8, target.length() - 1));
                }
            }
            assertFalse(own.isEmpty(), "daemon " + pid + " has its UNIX socket at least");
            List<String> tcp = new ArrayList<>();
            for (String table : new String[] {"tcp", "tcp6"}) {
                try {
                    List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/net/" + table));
                    for (String line : lines.subList(1, lines.size())) {
                        if (own.contains(line.trim().split("\\s+")[9])) {
                            tcp.add(table + " " + line.trim());
                        }
                    }
                } catch (IOException e) {
                    // no IPv6
                }
            }
            assertEquals(List.of(), tcp, "TCP sockets of daemon " + pid + " (Boot 3.5's Tomcat opened a port?)");
        }
    }

    @Test
    void aSessionStaysWithItsProcess() {
        RawHttp.Response first = RawHttp.get(server.port(), "/inventory/visits?name=caf%C3%A9");
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.text().contains("\"visits\":1"), first.text());
        assertTrue(first.text().contains("\"name\":\"café\""), first.text());
        String setCookie = first.header("Set-Cookie");
        assertNotNull(setCookie, first.toString());
        Matcher m = Pattern.compile("JSESSIONID=([^;]+)").matcher(setCookie);
        assertTrue(m.find(), setCookie);
        assertTrue(setCookie.contains("Path=/inventory"), setCookie);
        String pid = field(first.text(), "pid");
        // sticky (java/boot3's sessions auto-configuration): the session id ends in the route of
        // the process that made it, and Apache sends every request of the session there
        assertTrue(m.group(1).matches(".+\\.[01]"), "session id without the process's route: " + m.group(1));
        for (int i = 2; i <= 12; i++) {
            RawHttp.Response next = RawHttp.get(server.port(), "/inventory/visits", "Cookie: JSESSIONID=" + m.group(1));
            assertEquals(200, next.status(), next.toString());
            assertEquals(pid, field(next.text(), "pid"), next.text());
            assertTrue(next.text().contains("\"visits\":" + i), next.text());
        }
    }

    /** A number field of a flat JSON object. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }

    @Test
    void aJsonBodyIsReadThroughTheConnector() {
        byte[] item = "{\"name\":\"crate\",\"quantity\":12}".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response r = RawHttp.request(server.port(), "POST", "/inventory/items", item,
                "Content-Type: application/json");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.text().contains("\"added\":\"crate\""), r.text());
        assertTrue(r.text().contains("\"quantity\":12"), r.text());
    }

    @Test
    void anUnknownPathIsBootsOwnJson404() {
        RawHttp.Response r = RawHttp.get(server.port(), "/inventory/no-such-item", "Accept: application/json");
        assertEquals(404, r.status(), r.toString());
        assertTrue(r.text().contains("\"path\":\"/inventory/no-such-item\""), r.text());
    }

    // ---- jars mod_jvm cannot serve: refused at startup ---------------------------------------

    @Test
    void webFluxNonWebAndJettyJarsAreRefusedAtStartupWithTheirReason() {
        try (ApacheServer s = ApacheServer.create().name("boot-refused")) {
            Path reactive = copy(s, "boot-webflux", "apps/reactive.jar");
            Path report = copy(s, "boot-nonweb", "apps/report.jar");
            Path jetty = copy(s, "boot-jetty", "apps/jetty.jar");
            s.config("""
                    JvmDaemonProcess reactive jvm-options="-Xmx192m -XX:TieredStopAtLevel=1" startup-timeout=180 connect-timeout=3
                    JvmDaemonProcess report jvm-options="-Xmx192m -XX:TieredStopAtLevel=1" startup-timeout=180 connect-timeout=3
                    JvmDaemonProcess jetty jvm-options="-Xmx192m -XX:TieredStopAtLevel=1" startup-timeout=180 connect-timeout=3
                    JvmScriptAlias / %s process-group=reactive
                    JvmScriptAlias /report %s process-group=report
                    JvmScriptAlias /jetty %s process-group=jetty
                    """.formatted(reactive, report, jetty)).start();
            String log = s.awaitErrorLog(0, "JVM00080: daemon process 0 of group reactive ", Duration.ofSeconds(180));
            log = s.awaitErrorLog(0, "JVM00080: daemon process 0 of group report ", Duration.ofSeconds(60));
            log = s.awaitErrorLog(0, "JVM00080: daemon process 0 of group jetty ", Duration.ofSeconds(60));
            String all = log;

            // WebFlux on Netty: refused before Netty opened its port
            assertTrue(all.contains("JVM01462: Spring Boot application " + reactive + " refused: it is a reactive (WebFlux)"
                    + " web application, which Boot runs on Netty; mod_jvm serves servlet web applications"), all);
            assertFalse(all.contains("Netty started on port"), all);
            // a non-web application: refused before its runner did its work
            assertTrue(all.contains("JVM01462: Spring Boot application " + report + " refused: it is not a web"
                    + " application"), all);
            assertFalse(all.contains("nightly report written"), all);
            // the Jetty starter: refused, pointing to the Tomcat starter, before Jetty opened its port
            assertTrue(all.contains("JVM01466: Spring Boot application " + jetty + " refused: it runs on Jetty"
                    + " (spring-boot-starter-jetty), and mod_jvm is the connector of Boot's embedded Tomcat only:"
                    + " build it with the Tomcat starter"), all);
            assertFalse(all.contains("Jetty started on port"), all);
            for (String line : Daemons.lines(all, "JVM0146[26]").split("\n")) {
                // what happens next, in the same line
                assertTrue(line.endsWith("the process exits before it is ready: the group restarts it with a growing"
                        + " delay (JVM00080) and its URLs answer 503 until one starts"), line);
            }
            for (String group : new String[] {"reactive", "report", "jetty"}) {
                assertFalse(all.contains("JVM01300: daemon process of group " + group + " ready"), all);
            }
            // never a silent 404: the mounts answer 503
            for (String target : new String[] {"/", "/report/", "/jetty/"}) {
                RawHttp.Response r = RawHttp.get(s.port(), target);
                assertEquals(503, r.status(), () -> target + ": " + r);
            }
        }
    }

    // ---- a failing start: its cause in one line, 503, a backoff ------------------------------

    @Test
    void aFailingStartIsOneLineWithItsCause503AndABackoff() {
        try (ApacheServer s = ApacheServer.create().name("boot-failing")) {
            Path ledger = copy(s, "boot-broken", "apps/ledger.jar");
            Path inventory = copy(s, "boot35", "apps/inventory.jar");
            s.config("""
                    JvmDaemonProcess noprofile jvm-options="-Xmx192m -XX:TieredStopAtLevel=1 -Dserver.servlet.context-path=/plain" \\
                        startup-timeout=180 connect-timeout=3
                    JvmDaemonProcess badbean jvm-options="-Xmx192m -XX:TieredStopAtLevel=1 -Dspring.profiles.active=prod -Dserver.servlet.context-path=/prod" \\
                        startup-timeout=180 connect-timeout=3
                    JvmDaemonProcess wrongpath jvm-options="-Xmx192m -XX:TieredStopAtLevel=1" startup-timeout=180 connect-timeout=3
                    JvmScriptAlias /plain %s process-group=noprofile
                    JvmScriptAlias /prod %s process-group=badbean
                    JvmScriptAlias /stock %s process-group=wrongpath
                    """.formatted(ledger, ledger, inventory)).start();
            // the second death before ready of each group: the delays 1 s, then 2 s
            s.awaitErrorLog(0, "JVM00080: daemon process 0 of group noprofile .* in 2 s", Duration.ofSeconds(240));
            s.awaitErrorLog(0, "JVM00080: daemon process 0 of group badbean .* in 2 s", Duration.ofSeconds(120));
            String log = s.awaitErrorLog(0, "JVM00080: daemon process 0 of group wrongpath ", Duration.ofSeconds(120));

            // a property only the missing profile sets: Spring's reason, in one numbered line
            String missing = Daemons.lines(log, "JVM01461: Spring Boot application " + Pattern.quote(ledger.toString())
                    + " failed to start: .*Could not resolve placeholder 'inventory.warehouse'.* with no profile active");
            // a bean that throws in its constructor (the prod profile's): its exception
            String throwing = Daemons.lines(log, "JVM01461: Spring Boot application " + Pattern.quote(ledger.toString())
                    + " failed to start: java.lang.IllegalStateException: the ledger's journal"
                    + " /nonexistent/ledger.journal does not exist with profile prod active");
            assertFalse(missing.isEmpty(), log);
            assertFalse(throwing.isEmpty(), log);
            for (String group : new String[] {"noprofile", "badbean"}) {
                // one JVM01461 line per start that failed, each process gone before it was ready
                List<String> pids = new ArrayList<>();
                Matcher died = Pattern.compile("JVM00080: daemon process 0 of group " + group + " \\(pid (\\d+)\\)").matcher(log);
                while (died.find()) {
                    pids.add(died.group(1));
                }
                assertTrue(pids.size() >= 2, log);
                for (String pid : pids) {
                    assertEquals(1, Daemons.countLines(log, "\\[pid " + pid + "\\] .*JVM01461: "), () -> pid + ":\n" + log);
                }
                assertFalse(log.contains("JVM01300: daemon process of group " + group + " ready"), log);
                // the backoff: 1 s, then 2 s (not a restart as soon as the process died)
                List<Integer> delays = new ArrayList<>();
                Matcher m = Pattern.compile("JVM00080: daemon process 0 of group " + group + " .* the next one starts in (\\d+) s")
                        .matcher(log);
                while (m.find()) {
                    delays.add(Integer.parseInt(m.group(1)));
                }
                assertEquals(List.of(1, 2), delays.subList(0, 2), log);
                int starts = Daemons.countLines(log, "JVM00050: started daemon process 0 of group " + group + " ");
                assertTrue(starts <= delays.size() + 1, () -> starts + " starts for " + delays + ":\n" + log);
            }
            // an application that starts, but at another context path than its mount's (its own
            // application.properties says /inventory): the line says what to set, and the
            // process exits as well (Boot's context closed first)
            assertTrue(log.contains("JVM01463: Spring Boot application " + inventory + " has context path /inventory"
                    + " (server.servlet.context-path) but is mounted at /stock: set server.servlet.context-path=/stock"), log);
            assertFalse(log.contains("JVM01300: daemon process of group wrongpath ready"), log);
            // the mounts answer 503, within connect-timeout
            for (String target : new String[] {"/plain/", "/prod/", "/stock/"}) {
                long t0 = System.nanoTime();
                RawHttp.Response r = RawHttp.get(s.port(), target);
                assertEquals(503, r.status(), () -> target + ": " + r);
                assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(), target);
            }
        }
    }
}
