package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * An unmodified Spring Boot 4 executable jar (tests/webapps/boot4) in a daemon group
 * (docs/spring-boot.md): started through Boot's launcher before the process is ready, served
 * through mod_jvm's connector in Boot's own Tomcat, with no TCP listener in the process; refused
 * in embedded mode at configtest.
 */
@ExtendWith(DumpLogOnFailure.class)
class BootDaemonTest {
    static ApacheServer server;
    static Path jar;

    @BeforeAll
    static void start() throws IOException {
        server = ApacheServer.create().name("boot-daemon");
        jar = server.root().resolve("apps/shop/shop.jar");
        Files.createDirectories(jar.getParent());
        Files.copy(WebApps.bootJar("boot4"), jar);
        server.config("""
                JvmDaemonProcess shop processes=1 threads=4 jvm-options="-Xmx256m" startup-timeout=120
                JvmScriptAlias / %s process-group=shop
                """.formatted(jar)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theApplicationStartsBeforeTheProcessSaysItIsReady() {
        String log = server.errorLog();
        int started = log.indexOf("JVM01460: Spring Boot application " + jar + " started at context path / in ");
        int ready = log.indexOf("JVM01300: daemon process of group shop ready");
        assertTrue(started > 0 && ready > started, log);
        // Boot's own console output (its banner line, Logback's) reaches the error log with the group's prefix
        assertTrue(log.lines().anyMatch(l -> l.contains("(jvm:shop)") && l.contains("Started ShopApplication")), log);
    }

    @Test
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
    void aSessionAttributeSurvivesBetweenRequests() {
        RawHttp.Response first = RawHttp.get(server.port(), "/visits?name=caf%C3%A9");
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.text().contains("\"visits\":1"), first.text());
        assertTrue(first.text().contains("\"name\":\"café\""), first.text());
        String setCookie = first.header("Set-Cookie");
        assertNotNull(setCookie, first.toString());
        Matcher m = Pattern.compile("JSESSIONID=([^;]+)").matcher(setCookie);
        assertTrue(m.find(), setCookie);
        RawHttp.Response second = RawHttp.get(server.port(), "/visits", "Cookie: JSESSIONID=" + m.group(1));
        assertEquals(200, second.status(), second.toString());
        assertTrue(second.text().contains("\"visits\":2"), second.text());
    }

    @Test
    void anUnknownPathIsTheApplicationsOwn404() {
        RawHttp.Response r = RawHttp.get(server.port(), "/no-such-page", "Accept: application/json");
        assertEquals(404, r.status(), r.toString());
        assertTrue(r.text().contains("\"path\":\"/no-such-page\""), r.text()); // Boot's JSON error body
    }

    @Test
    void theDaemonProcessListensOnNoTcpPort() {
        assertEquals(200, RawHttp.get(server.port(), "/").status());
        List<Long> pids = Daemons.awaitPids(server, "shop", 1, Duration.ofSeconds(30));
        long pid = pids.get(0);
        // the process's sockets: fd → socket:[inode]; the kernel's TCP tables list the listening
        // ones (state 0A) by inode, for the process's network namespace
        Set<String> own = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        own.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
        // and the connector says so: Boot's Tomcat started mod_jvm's, not its HTTP one on 8080
        assertFalse(server.errorLog().contains("Tomcat started on port 8080"), server.errorLog());
    }

    @Test
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
    void aPlainJarIsStillAScript() {
        // a .jar without Boot's launcher and BOOT-INF/ keeps being a script: configtest accepts it as one
        try (ApacheServer s = ApacheServer.create().name("boot-plain-jar")) {
            Path plain = WebApps.dir().resolve("boot4/target/boot4.jar.original");
            Path copy = s.root().resolve("apps/plain.jar");
            try {
                Files.createDirectories(copy.getParent());
                Files.copy(plain, copy);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            s.config("""
                    JvmScriptAlias /plain %s
                    """.formatted(copy));
            ApacheServer.ConfigTest ct = s.configtest();
            assertEquals(0, ct.exitCode(), ct.output());
        }
    }
}
