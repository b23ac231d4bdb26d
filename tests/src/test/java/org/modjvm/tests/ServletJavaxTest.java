package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * javax.servlet web applications (Servlet 4, compiled here against the real javax.servlet-api
 * 4.0.1) on Tomcat 11, which implements jakarta.servlet only: converted when deployed, in both
 * modes, while a jakarta application of the same mode is under light load. Three kinds: a WAR
 * with a Java EE 8 web.xml (a servlet, a listener, a JSP importing javax.servlet), a WAR without
 * web.xml (an annotated servlet: recognised by its classes), and the first as a directory. Each
 * answers as its code says, with the jakarta classes the conversion gave it, and a numbered line
 * says it was converted (JVM01440); the jakarta application is not converted. Without the
 * converter in the runtime directory the javax application is refused: 503 and a numbered line
 * saying what it is and how to convert it (JVM01442), never a silent 404.
 */
@ExtendWith(DumpLogOnFailure.class)
class ServletJavaxTest {
    static ApacheServer server;
    static Path apps;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("servlet-javax");
        apps = server.root().resolve("apps");
        buildApps(apps);
        Path smoke = SmokeWebApp.war(DeployApps.smokeWith(apps.resolve("smoke"), ""), apps.resolve("smoke.war"));
        // copies of the javax WAR and directory that aChangedJavaxApplicationRollsOverInDaemonMode changes
        SmokeWebApp.war(apps.resolve("legacy"), apps.resolve("roll/legacy.war"));
        copyTree(apps.resolve("legacy"), apps.resolve("roll/legacy"));
        server.config("""
                JvmDaemonProcess wj processes=1 threads=8
                JvmScriptAlias /e-ok %1$s
                JvmScriptAlias /d-ok %1$s process-group=wj
                JvmScriptAlias /e-jx %2$s
                JvmScriptAlias /d-jx %2$s process-group=wj
                JvmScriptAlias /e-jxanno %3$s
                JvmScriptAlias /d-jxanno %3$s process-group=wj
                JvmScriptAlias /e-jxdir %4$s
                JvmScriptAlias /d-jxdir %4$s process-group=wj
                JvmScriptAlias /d-jxroll %5$s process-group=wj
                JvmScriptAlias /d-jxrolldir %6$s process-group=wj
                """.formatted(smoke, apps.resolve("legacy.war"), apps.resolve("annotated.war"), apps.resolve("legacy"),
                apps.resolve("roll/legacy.war"), apps.resolve("roll/legacy"))).start();
        for (String mount : List.of("/e-ok", "/d-ok")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (FaultHarnessTest.get(server, mount + "/echo/").status() != 200) {
                assertTrue(System.nanoTime() < deadline, mount + " does not answer");
                ApacheServer.sleep(200);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** legacy.war and its directory legacy/ (web.xml, servlet, listener, JSP), annotated.war (no web.xml). */
    static void buildApps(Path apps) {
        Path legacy = apps.resolve("legacy");
        DeployApps.write(legacy.resolve("WEB-INF/web.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="http://xmlns.jcp.org/xml/ns/javaee"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="http://xmlns.jcp.org/xml/ns/javaee http://xmlns.jcp.org/xml/ns/javaee/web-app_4_0.xsd"
                         version="4.0">
                  <listener><listener-class>legacy.HelloListener</listener-class></listener>
                  <servlet><servlet-name>hello</servlet-name><servlet-class>legacy.HelloServlet</servlet-class></servlet>
                  <servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/hello</url-pattern></servlet-mapping>
                </web-app>
                """);
        DeployApps.write(legacy.resolve("page.jsp"), "<%@ page import=\"javax.servlet.http.HttpServletRequest\""
                + " contentType=\"text/plain\" %>jsp sees <%= HttpServletRequest.class.getName() %>\n");
        DeployApps.compile(legacy.resolve("WEB-INF/classes"), javaxApi(), List.of("""
                package legacy;

                import java.io.IOException;
                import javax.servlet.http.HttpServlet;
                import javax.servlet.http.HttpServletRequest;
                import javax.servlet.http.HttpServletResponse;

                public class HelloServlet extends HttpServlet {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.setContentType("text/plain");
                        resp.getWriter().print("legacy servlet sees " + HttpServletRequest.class.getName() + " listener="
                                + getServletContext().getAttribute("legacy.listener") + "\\n");
                    }
                }
                """, """
                package legacy;

                import javax.servlet.ServletContextEvent;
                import javax.servlet.ServletContextListener;

                public class HelloListener implements ServletContextListener {
                    @Override
                    public void contextInitialized(ServletContextEvent event) {
                        event.getServletContext().setAttribute("legacy.listener", "started");
                    }
                }
                """));
        SmokeWebApp.war(legacy, apps.resolve("legacy.war"));
        Path annotated = DeployApps.scratch(server, "annotated");
        DeployApps.compile(annotated.resolve("WEB-INF/classes"), javaxApi(), List.of("""
                package legacy;

                import java.io.IOException;
                import javax.servlet.annotation.WebServlet;
                import javax.servlet.http.HttpServlet;
                import javax.servlet.http.HttpServletRequest;
                import javax.servlet.http.HttpServletResponse;

                @WebServlet("/anno")
                public class AnnotatedServlet extends HttpServlet {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.setContentType("text/plain");
                        resp.getWriter().print("annotated legacy servlet sees " + HttpServletRequest.class.getName()
                                + "\\n");
                    }
                }
                """));
        SmokeWebApp.war(annotated, apps.resolve("annotated.war"));
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Daemon mode rolls a changed javax.servlet application over like any other (ServletRollingTest):
     * the new version is converted into a directory of its own, so the old one, which serves from
     * its converted copy meanwhile, keeps it. A replaced WAR (the same content, a new file) and a
     * touched web.xml of a directory, while requests keep coming: every one answered by the
     * converted application.
     */
    @Test
    void aChangedJavaxApplicationRollsOverInDaemonMode() throws IOException {
        String expected = "legacy servlet sees jakarta.servlet.http.HttpServletRequest listener=started";
        List<String> targets = List.of("/d-jxroll/hello", "/d-jxrolldir/hello", "/d-jxrolldir/page.jsp");
        for (String target : targets) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (FaultHarnessTest.get(server, target).status() != 200) {
                assertTrue(System.nanoTime() < deadline, target + " does not answer");
                ApacheServer.sleep(200);
            }
        }
        long mark = server.errorLogMark();
        Path war = apps.resolve("roll/legacy.war");
        Path next = apps.resolve("roll/.legacy.war.new");
        Files.copy(war, next, StandardCopyOption.REPLACE_EXISTING);
        Files.move(next, war, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(apps.resolve("roll/legacy/WEB-INF/web.xml"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int requests = 0;
        String log = "";
        while (FaultHarnessTest.countMatches(log, "\\(jvm:wj\\) JVM01450: .*/roll/legacy") < 2) {
            assertTrue(System.nanoTime() < deadline, "both rolled over within 120 s:\n" + server.errorLogSince(mark));
            for (String target : targets) {
                FaultHarnessTest.Outcome o = FaultHarnessTest.get(server, target);
                requests++;
                assertEquals(200, o.status(), () -> target + ": " + o + "\n" + server.errorLogSince(mark));
                assertTrue(o.text().contains(target.endsWith(".jsp") ? "jsp sees jakarta." : expected),
                        () -> target + ": " + o);
            }
            ApacheServer.sleep(20);
            log = server.errorLogSince(mark);
        }
        for (String target : targets) {
            FaultHarnessTest.Outcome o = FaultHarnessTest.get(server, target);
            assertEquals(200, o.status(), () -> target + " after the rollovers: " + o);
        }
        String all = server.errorLogSince(mark);
        System.out.println("[javax] " + requests + " requests answered while both rolled over");
        assertEquals(2, FaultHarnessTest.countMatches(all, "\\(jvm:wj\\) JVM01440: web application .*/roll/legacy"
                + "(\\.war)? \\(context path /d-jxroll(dir)?\\) is a javax.servlet application"),
                () -> "each new version converted:\n" + all);
        for (String bad : List.of("JVM01405", "JVM01451", "JVM01453")) {
            assertEquals(0, FaultHarnessTest.countMatches(all, bad), () -> bad + ":\n" + all);
        }
    }

    /** The javax.servlet-api 4.0.1 jar (a test dependency). */
    static String javaxApi() {
        try {
            return Path.of(javax.servlet.Servlet.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/e", "/d"})
    void javaxApplicationsAreConvertedWhenDeployedUnderLoad(String mode) {
        long mark = server.errorLogMark();
        String[][] expected = {
            {mode + "-jx/hello", "legacy servlet sees jakarta.servlet.http.HttpServletRequest listener=started"},
            {mode + "-jx/page.jsp", "jsp sees jakarta.servlet.http.HttpServletRequest"},
            {mode + "-jxanno/anno", "annotated legacy servlet sees jakarta.servlet.http.HttpServletRequest"},
            {mode + "-jxdir/hello", "legacy servlet sees jakarta.servlet.http.HttpServletRequest listener=started"},
            {mode + "-jxdir/page.jsp", "jsp sees jakarta.servlet.http.HttpServletRequest"},
        };
        try (Load load = new Load(server.port(), mode + "-ok/echo/", 3,
                r -> r.text().contains("contextAttribute=initialized")).limit(90).start()) {
            load.awaitCount(10, 20_000);
            for (String[] e : expected) {
                FaultHarnessTest.Outcome o = FaultHarnessTest.get(server, e[0]);
                assertEquals(200, o.status(), () -> e[0] + ": " + o + "\n" + FaultHarnessTest.tail(server.errorLogSince(mark), 40));
                assertTrue(o.text().contains(e[1]), () -> e[0] + ": " + o);
            }
            load.awaitDone(90_000);
            assertEquals(90, load.count(), load.report());
            assertTrue(load.failures().isEmpty(), load::report);
        }
        // the whole log: a daemon group may deploy its applications when it starts, before any request
        String log = server.errorLog();
        for (String[] app : new String[][] {
            {"legacy.war", "-jx", "its classes in WEB-INF/classes use javax.servlet"},
            {"annotated.war", "-jxanno", "its classes in WEB-INF/classes use javax.servlet"},
            {"legacy", "-jxdir", "its classes in WEB-INF/classes use javax.servlet"}}) {
            String line = "JVM01440: web application " + Pattern.quote(apps.resolve(app[0]).toString())
                    + " \\(context path " + mode + app[1] + "\\) is a javax.servlet application \\(Servlet 4.0 or"
                    + " older: " + Pattern.quote(app[2]) + "\\): converted to jakarta.servlet";
            System.out.println("[javax] " + FaultHarnessTest.assertLogSays(mode + " " + app[0], log, line));
            assertEquals(1, FaultHarnessTest.countMatches(log, line), () -> app[0] + " converted once:\n" + log);
        }
        assertEquals(0, FaultHarnessTest.countMatches(log, "JVM01440: web application \\S*smoke"), log);
        assertTrue(FaultHarnessTest.crashLinesSince(server, mark).isEmpty());
    }

    /** The descriptor alone tells: a Java EE web.xml and no class of the application's own. */
    @Test
    void aJavaEeWebXmlWithoutClassesIsRecognised() {
        Path jsponly = apps.resolve("jsponly");
        Path legacy = apps.resolve("legacy");
        DeployApps.write(jsponly.resolve("WEB-INF/web.xml"), DeployApps.read(legacy.resolve("WEB-INF/web.xml"))
                .replaceAll("(?s)<listener>.*</servlet-mapping>", ""));
        DeployApps.write(jsponly.resolve("page.jsp"), DeployApps.read(legacy.resolve("page.jsp")));
        try {
            server.makeReadable(jsponly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // mounted by a second server (a new mount needs a configuration of its own)
        try (ApacheServer s = ApacheServer.create().name("servlet-javax-jsp")) {
            s.config("JvmScriptAlias /jsp " + jsponly + "\n").start();
            long mark = s.errorLogMark();
            RawHttp.Response r = RawHttp.get(s.port(), "/jsp/page.jsp");
            assertEquals(200, r.status(), () -> r + "\n" + s.errorLogTail(40));
            assertTrue(r.text().contains("jsp sees jakarta.servlet.http.HttpServletRequest"), r::toString);
            FaultHarnessTest.assertLogSays("JSP only", s.errorLogSince(mark), "JVM01440: .*its WEB-INF/web.xml is a Java EE"
                    + " one \\(http://xmlns.jcp.org/xml/ns/javaee, version 4.0\\)");
        }
    }

    /**
     * A runtime directory whose servlet engine lacks the converter: the javax application gets
     * 503 in both modes and one line that says what it is and how to convert it.
     */
    @Test
    void withoutTheConverterAJavaxApplicationIsRefusedInWords() {
        try (ApacheServer s = ApacheServer.create().name("servlet-javax-refused")) {
            Path runtime = s.root().resolve("runtime");
            copyRuntimeWithoutConverter(runtime);
            Path war = s.root().resolve("apps/legacy.war");
            copy(apps.resolve("legacy.war"), war);
            s.config("""
                    JvmRuntimeDirectory %1$s
                    JvmDaemonProcess wr processes=1 threads=4
                    JvmScriptAlias /e-jx %2$s
                    JvmScriptAlias /d-jx %2$s process-group=wr
                    """.formatted(runtime, war)).start();
            for (String mode : List.of("/e", "/d")) {
                for (String target : List.of("-jx/hello", "-jx/", "-jx/page.jsp")) {
                    RawHttp.Response r = RawHttp.get(s.port(), mode + target);
                    assertEquals(503, r.status(), () -> mode + target + ": " + r + "\n" + s.errorLogTail(30));
                }
            }
            String log = s.errorLog(); // a daemon group may deploy its applications when it starts
            String line = "JVM01442: web application " + Pattern.quote(war.toString()) + " \\(context path /[ed]-jx\\) is a"
                    + " javax.servlet application \\(Servlet 4.0 or older: its classes in WEB-INF/classes use"
                    + " javax.servlet\\), which Tomcat 11 cannot run as it is, and the converter \\(Tomcat's"
                    + " jakartaee-migration\\) is not installed .*: convert it to jakarta.servlet with Tomcat's migration"
                    + " tool \\(java -jar jakartaee-migration-\\*-shaded.jar legacy.war converted.war\\) and mount the"
                    + " converted copy.*answering 503";
            System.out.println("[javax] " + FaultHarnessTest.assertLogSays("refused", log, line));
            assertEquals(2, FaultHarnessTest.countMatches(log, line), () -> "once in each mode:\n" + log);
            FaultHarnessTest.assertLogSays("refused (daemon)", log, "\\(jvm:wr\\) JVM01442");
        }
    }

    /** The module's jars, and servlet/ without jakartaee-migration-shaded.jar. */
    static void copyRuntimeWithoutConverter(Path runtime) {
        Path module = ApacheServer.moduleDir();
        try (Stream<Path> files = Files.walk(module)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = runtime.resolve(module.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!file.getFileName().toString().startsWith("jakartaee-migration")) {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(Files.isDirectory(runtime.resolve("servlet")) && Files.exists(runtime.resolve("mod_jvm-runtime.jar")));
    }

    static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
