package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modjvm.tests.ExpressServerTest.awaitOutput;
import static org.modjvm.tests.ExpressServerTest.freePort;
import static org.modjvm.tests.ExpressServerTest.launch;
import static org.modjvm.tests.ExpressServerTest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * mod_jvm-express with a Spring Boot executable jar (issue 13, tests/webapps/boot4): served in
 * daemon mode, at its mount point (the mount point given to the application as its context
 * path); an application that fails to start reported on the terminal with its cause; embedded
 * mode and a callable refused in one line.
 */
class ExpressBootTest {
    private Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dir = ExpressServerTest.tempDir();
    }

    @AfterEach
    void tearDown() {
        for (Process p : started) {
            ExpressServerTest.stop(p);
        }
        ExpressServerTest.deleteTree(dir);
    }

    /** The Boot jar in a directory of its own (the application's working directory: home=). */
    private Path shopJar() throws IOException {
        Path app = dir.resolve("app");
        Files.createDirectories(app);
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.copy(WebApps.bootJar("boot4"), app.resolve("shop.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        return jar;
    }

    /** The first answer other than 503 for {@code path} (Boot starts in seconds, more on a busy machine). */
    private static RawHttp.Response awaitAnswer(Process p, int port, String path, Path out) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("mod_jvm-express exited with " + p.exitValue() + ":\n" + Files.readString(out));
            }
            if (!ExpressServerTest.portFree(port)) {
                try {
                    RawHttp.Response r = RawHttp.get(port, path);
                    if (r.status() != 503) {
                        return r;
                    }
                } catch (RuntimeException e) {
                    // not yet
                }
            }
            ApacheServer.sleep(200);
        }
        throw new AssertionError("no answer but 503 for " + path + " on port " + port + " within 180 s:\n"
                + Files.readString(out));
    }

    @Test
    void aBootJarIsServedInDaemonModeAtItsMountPoint() throws Exception {
        Path jar = shopJar();
        Path root = dir.resolve("root");
        int port = freePort();
        Path out = dir.resolve("out.txt");
        Process p = launch(out, "start-server", jar.toString(), "--port", Integer.toString(port),
                "--mount-point", "/shop", "--server-root", root.toString());
        started.add(p);
        String said = awaitOutput(out, "Apache is up: open http://127.0.0.1:" + port + "/shop/");
        assertTrue(said.contains("starting Apache with the Spring Boot application " + jar + " (daemon mode"), said);
        RawHttp.Response r = awaitAnswer(p, port, "/shop/", out);
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.text().contains("\"greeting\":\"Hello from Spring Boot\""), r::toString);
        // the mount point is the application's context path (express gave it as a system property)
        assertTrue(r.text().contains("\"contextPath\":\"/shop\""), r::toString);
        assertEquals(200, RawHttp.get(port, "/shop/actuator/health").status());
        assertEquals(404, RawHttp.get(port, "/").status(), "only the mount point is the application's");
        String config = Files.readString(root.resolve("httpd.conf"));
        assertTrue(config.contains("JvmScriptAlias /shop \"" + jar + "\" process-group=express\n"), config);
        assertTrue(config.contains("\"jvm-options=-Dserver.servlet.context-path=/shop\""), config);
        assertTrue(config.contains("\"home=" + jar.getParent() + "\""), config); // its working directory
        // a web application: no application-group= (scripts only), no <Directory> for its jar's directory
        assertFalse(config.contains("application-group"), config);
        // (express's LogLevel is warn: Boot's own console lines are there, JVM01460 is not)
        String started = "(jvm:express) ";
        String tomcat = "Tomcat started on port -1 (http) with context path '/shop'";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); // (the daemon's log lines come through a relay)
        while (ExpressServerTest.log(root).lines().noneMatch(l -> l.contains(started) && l.contains(tomcat))
                && System.nanoTime() < deadline) {
            ApacheServer.sleep(100);
        }
        assertTrue(ExpressServerTest.log(root).lines().anyMatch(l -> l.contains(started) && l.contains(tomcat)),
                ExpressServerTest.log(root));
        assertFalse(said.contains("did not start"), said);
    }

    @Test
    void anApplicationThatFailsToStartIsReportedOnTheTerminalWithItsCause() throws Exception {
        Path jar = shopJar();
        // as under java -jar, an application.properties in the working directory counts: a port that is no number
        Path properties = Files.writeString(jar.resolveSibling("application.properties"), "server.port=not-a-port\n");
        Files.setPosixFilePermissions(properties, PosixFilePermissions.fromString("rw-r--r--"));
        Path root = dir.resolve("root");
        int port = freePort();
        Path out = dir.resolve("out.txt");
        Process p = launch(out, "start-server", jar.toString(), "--port", Integer.toString(port),
                "--server-root", root.toString());
        started.add(p);
        String said = awaitOutput(out, "JVM01461", 180);
        assertTrue(said.contains("mod_jvm-express: the application did not start (more in " + root.resolve("error_log")
                + "):"), said);
        assertTrue(said.contains("JVM01461: Spring Boot application " + jar + " failed to start: "), said);
        assertTrue(said.contains("not-a-port"), said); // the cause
        // and Boot's own failure analysis: its description and action
        said = awaitOutput(out, "  Action:\n", 10);
        assertTrue(said.contains("  Description:\n  Invalid value 'not-a-port' for configuration property 'server.port'"
                + " (originating from 'URL [file:application.properties] - 1:13')"), said);
        assertTrue(said.contains("  Review the value of the property"), said);
        assertFalse(said.contains("\tat "), said);
        RawHttp.Response r = RawHttp.get(port, "/");
        assertEquals(503, r.status(), r::toString);
        assertTrue(p.isAlive(), "Apache goes on running");
    }

    @Test
    void embeddedModeAndACallableAreRefused() throws IOException {
        Path jar = shopJar();
        fails(2, "--embedded-mode: " + jar + " is a Spring Boot application, which runs in daemon mode only",
                "setup-server", jar.toString(), "--embedded-mode", "--server-root", dir.resolve("root").toString());
        fails(2, "--callable-object is for a .java or .jar application: a Spring Boot application (" + jar
                + ") has no callable", "setup-server", jar.toString(), "--callable-object", "handle",
                "--server-root", dir.resolve("root").toString());
        assertFalse(Files.exists(dir.resolve("root/httpd.conf")), "nothing is written");
        // a plain jar (no BOOT-INF/, no Boot launcher) stays an application with a callable
        Path plain = Files.copy(WebApps.dir().resolve("boot4/target/boot4.jar.original"), dir.resolve("app/plain.jar"));
        ExpressServerTest.Result r = run("setup-server", plain.toString(), "--server-root", dir.resolve("root").toString());
        assertEquals(0, r.code(), r.output());
        assertTrue(Files.readString(dir.resolve("root/httpd.conf")).contains("application-group=%{GLOBAL}"));
    }

    /** One line on stderr, the exit status (as ExpressWebAppTest's). */
    private static void fails(int code, String expected, String... args) {
        ExpressServerTest.Result r = run(args);
        assertEquals(code, r.code(), r.output());
        String[] lines = r.output().strip().split("\n");
        assertEquals(1, lines.length, "one line expected:\n" + r.output());
        assertTrue(lines[0].startsWith("mod_jvm-express: error: "), r.output());
        assertTrue(lines[0].contains(expected), "expected '" + expected + "' in: " + r.output());
    }
}
