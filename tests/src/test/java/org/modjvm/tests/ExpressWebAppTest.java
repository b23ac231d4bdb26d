package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modjvm.tests.ExpressServerTest.awaitOk;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * mod_jvm-express with a Servlet web application (issue 12): a .war or an exploded directory
 * served in daemon mode at / or at --mount-point, deployed by express's own first request; a
 * WAR that fails to deploy reported on the terminal with the engine's reason; what is not a web
 * application, or cannot be read by the user the application runs as, refused in one line; and
 * install-module bringing the servlet engine along.
 */
class ExpressWebAppTest {
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

    private Path smokeWar() {
        Path exploded = SmokeWebApp.exploded(dir.resolve("build/smoke"));
        return SmokeWebApp.war(exploded, dir.resolve("app/smoke.war"));
    }

    @Test
    void aWarIsServedInDaemonModeAtTheRootAndDeployedByExpress() throws Exception {
        Path war = smokeWar();
        Path root = dir.resolve("root");
        int port = freePort();
        Path out = dir.resolve("out.txt");
        Process p = launch(out, "start-server", war.toString(), "--port", Integer.toString(port),
                "--server-root", root.toString(), "--access-log");
        started.add(p);
        String said = awaitOutput(out, "Apache is up: open http://127.0.0.1:" + port + "/");
        assertTrue(said.contains("starting Apache with the web application " + war + " (daemon mode"), said);
        assertFalse(said.contains("compiling"), said);
        // express made the first request itself, so that the application deploys now
        awaitAccessLog(root, "\"mod_jvm-express (deploying the web application)\"");
        RawHttp.Response welcome = awaitOk(p, port, "/", out);
        assertEquals("welcome to smoke\n", welcome.text());
        RawHttp.Response echo = RawHttp.get(port, "/echo/x?a=1");
        assertEquals(200, echo.status(), echo::toString);
        assertTrue(echo.text().contains("contextPath=\n"), echo::toString);
        assertTrue(echo.text().contains("servletPath=/echo\n"), echo::toString);
        assertTrue(echo.text().contains("contextAttribute=initialized\n"), echo::toString);
        RawHttp.Response jsp = RawHttp.get(port, "/hello.jsp");
        assertEquals(200, jsp.status(), jsp::toString);
        assertTrue(jsp.text().contains("<p>row 3 of </p>"), jsp::toString);
        assertEquals(404, RawHttp.get(port, "/WEB-INF/web.xml").status());
        String config = Files.readString(root.resolve("httpd.conf"));
        assertTrue(config.contains("JvmScriptAlias / \"" + war + "\" process-group=express\n"), config);
        // daemons preload scripts only: no application-group= that would make them load the WAR as one
        assertFalse(config.contains("application-group"), config);
        assertFalse(ExpressServerTest.log(root).contains("JVM01405"), ExpressServerTest.log(root));
    }

    @Test
    void anExplodedDirectoryIsServedAtItsMountPoint() throws Exception {
        Path exploded = SmokeWebApp.exploded(dir.resolve("app/smoke"));
        Path root = dir.resolve("root");
        int port = freePort();
        Path out = dir.resolve("out.txt");
        Process p = launch(out, "start-server", exploded + "/", "--port", Integer.toString(port),
                "--mount-point", "/shop", "--processes", "2", "--threads", "3", "--server-root", root.toString());
        started.add(p);
        RawHttp.Response welcome = awaitOk(p, port, "/shop/", out);
        assertEquals("welcome to smoke\n", welcome.text());
        RawHttp.Response echo = RawHttp.get(port, "/shop/echo/a/b?q=1", "X-Test: dir");
        assertEquals(200, echo.status(), echo::toString);
        assertTrue(echo.text().contains("requestURI=/shop/echo/a/b\n"), echo::toString);
        assertTrue(echo.text().contains("contextPath=/shop\n"), echo::toString);
        assertTrue(echo.text().contains("pathInfo=/a/b\n"), echo::toString);
        assertTrue(echo.text().contains("header.X-Test=dir\n"), echo::toString);
        RawHttp.Response css = RawHttp.get(port, "/shop/style.css");
        assertEquals("body { color: #123456; }\n", css.text());
        assertEquals(404, RawHttp.get(port, "/").status(), "only the mount point is the application's");
        String said = awaitOutput(out, "Apache is up: open http://127.0.0.1:" + port + "/shop/");
        assertTrue(said.contains("starting Apache with the web application " + exploded
                + " (daemon mode: 2 processes, 3 threads"), said);
        assertTrue(Files.readString(root.resolve("httpd.conf")).contains("JvmScriptAlias /shop \"" + exploded + "\""));
    }

    @Test
    void aWarThatFailsToDeployIsReportedOnTheTerminalWithTheEnginesReason() throws Exception {
        Path bad = dir.resolve("build/bad");
        Files.createDirectories(bad.resolve("WEB-INF"));
        Files.writeString(bad.resolve("WEB-INF/web.xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.1\">\n"
                + "  <servlet>\n"
                + "</web-app>\n");
        Files.writeString(bad.resolve("index.html"), "never served\n");
        Path war = SmokeWebApp.war(bad, dir.resolve("app/broken.war"));
        Path root = dir.resolve("root");
        int port = freePort();
        Path out = dir.resolve("out.txt");
        Process p = launch(out, "start-server", war.toString(), "--port", Integer.toString(port),
                "--server-root", root.toString());
        started.add(p);
        // no request from here: express's own first request deploys it, and the engine's
        // start and the deployment take a while on a busy machine
        String said = awaitOutput(out, "failed to deploy", 90);
        assertTrue(said.contains("mod_jvm-express: the web application did not deploy, http://127.0.0.1:" + port
                + "/ answers 503 (more in " + root.resolve("error_log") + "):"), said);
        assertTrue(said.contains("JVM01405: web application " + war + " (context path /) failed to deploy"), said);
        // the engine's own words, without their stack frames
        assertTrue(said.contains("The element type \"servlet\" must be terminated by the matching end-tag"), said);
        assertTrue(said.contains("JVM01407: Parse error in application web.xml file"), said);
        assertFalse(said.contains("\tat "), said);
        // said once: the launcher's watcher leaves JVM01405 to express's request
        String env = Files.readString(root.resolve("express.env"));
        assertFalse(env.contains("JVM01405"), env);
        assertTrue(env.contains("JVM01400") && env.contains("JVM01401"), env);
        RawHttp.Response unavailable = RawHttp.get(port, "/");
        assertEquals(503, unavailable.status(), unavailable::toString);
        assertTrue(p.isAlive(), "Apache goes on running");
    }

    @Test
    void aDirectoryWithoutWebInfIsNotAWebApplication() throws IOException {
        Path plain = dir.resolve("plain");
        Files.createDirectories(plain);
        Files.writeString(plain.resolve("index.html"), "hello\n");
        fails(1, plain + " is a directory without WEB-INF/, so not a web application: give a .java source file, a .jar,"
                + " a .war, or a web application directory holding WEB-INF/", "setup-server", plain.toString(),
                "--server-root", dir.resolve("root").toString());
        Path other = dir.resolve("site.txt");
        Files.writeString(other, "hello\n");
        fails(1, other + " is neither a .java source file, a .jar nor a .war", "setup-server", other.toString(),
                "--server-root", dir.resolve("root").toString());
        assertFalse(Files.exists(dir.resolve("root/httpd.conf")), "nothing is written");
    }

    @Test
    void optionsThatAreForScriptsOnly() {
        Path war = smokeWar();
        fails(2, "--callable-object is for a .java or .jar application: a web application (" + war + ") has no callable",
                "setup-server", war.toString(), "--callable-object", "handle", "--server-root", dir.resolve("root").toString());
    }

    @Test
    void aWebApplicationTheApplicationsUserCannotRead() throws IOException {
        Path war = smokeWar();
        Path secret = dir.resolve("secret");
        Files.createDirectories(secret);
        Path hidden = Files.copy(war, secret.resolve("shop.war"));
        Path exploded = SmokeWebApp.exploded(dir.resolve("private/shop"));
        Files.setPosixFilePermissions(exploded.resolve("WEB-INF"), PosixFilePermissions.fromString("rwx------"));
        if (ApacheServer.isRoot()) {
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwx------"));
            fails(1, "the web application " + hidden + " cannot be read by www-data, the user the application runs as: "
                    + secret + " is not searchable by www-data (mode 0700, owner root)", "setup-server", hidden.toString(),
                    "--server-root", dir.resolve("root").toString());
            fails(1, "the web application's " + exploded.resolve("WEB-INF") + " cannot be read by www-data",
                    "setup-server", exploded.toString(), "--server-root", dir.resolve("root").toString());
        } else {
            Files.setPosixFilePermissions(hidden, PosixFilePermissions.fromString("-w-------"));
            fails(1, "is not readable by", "setup-server", hidden.toString(), "--server-root", dir.resolve("root").toString());
        }
    }

    @Test
    void withoutTheServletEngineAWebApplicationIsRefused() throws IOException {
        // a module directory of its own: the module and runtime jars, no servlet/
        Path modules = dir.resolve("modules");
        Files.createDirectories(modules);
        for (String f : new String[] {"mod_jvm.so", "mod_jvm-runtime.jar", "mod_jvm-api.jar", "jna.jar", "libjnidispatch.so"}) {
            Files.copy(ApacheServer.moduleDir().resolve(f), modules.resolve(f));
        }
        Path war = smokeWar();
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/env", "MOD_JVM_MODULE=" + modules.resolve("mod_jvm.so"),
                ExpressServerTest.launcher().toString(), "setup-server", war.toString(), "--server-root",
                dir.resolve("root").toString()));
        ExpressServerTest.Result r = ExpressServerTest.exec(cmd);
        assertEquals(1, r.code(), r.output());
        assertEquals("mod_jvm-express: error: " + war + " is a web application, and the servlet engine that runs web "
                + "applications is not installed: " + modules.resolve("servlet") + " holds no jars (build it: mvn -B "
                + "package; or reinstall libapache2-mod-jvm)", r.output().strip());
        // a script does not need it
        Path app = ExpressServerTest.copyHello(dir);
        cmd.set(4, app.toString());
        ExpressServerTest.Result ok = ExpressServerTest.exec(cmd);
        assertEquals(0, ok.code(), ok.output());
    }

    @Test
    void installModuleBringsTheServletEngine() throws IOException {
        Path modules = dir.resolve("modules");
        Files.createDirectories(modules);
        ExpressServerTest.Result r = run("install-module", "--modules-directory", modules.toString());
        assertEquals(0, r.code(), r.output());
        Set<String> built = jars(ApacheServer.moduleDir().resolve("servlet"));
        assertTrue(built.contains("tomcat-embed-core.jar") && built.contains("mod-jvm-servlet.jar"), built.toString());
        assertEquals(built, jars(modules.resolve("servlet")));
        assertTrue(r.output().contains("and the servlet engine in " + modules.resolve("servlet")), r.output());
    }

    // ------------------------------------------------------------------ helpers

    private static Set<String> jars(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** As ExpressErrorsTest's: one line on stderr, the exit status; setup-server makes the same checks as start-server. */
    private static void fails(int code, String expected, String... args) {
        ExpressServerTest.Result r = run(args);
        assertEquals(code, r.code(), r.output());
        String[] lines = r.output().strip().split("\n");
        assertEquals(1, lines.length, "one line expected:\n" + r.output());
        assertTrue(lines[0].startsWith("mod_jvm-express: error: "), r.output());
        assertTrue(lines[0].contains(expected), "expected '" + expected + "' in: " + r.output());
    }

    /** Waits (90 s: the engine starts and deploys first) until the access log has a line containing {@code text}. */
    private static void awaitAccessLog(Path root, String text) throws IOException {
        Path log = root.resolve("access_log");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            ApacheServer.sleep(100);
        }
        throw new AssertionError("no request with '" + text + "' in " + log + ":\n"
                + (Files.exists(log) ? Files.readString(log) : "(none)") + "\n" + ExpressServerTest.log(root));
    }
}
