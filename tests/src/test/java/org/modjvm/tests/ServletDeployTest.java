package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reload of exploded web applications (directories), embedded ({@code /e-…}) and in a daemon
 * group ({@code /d-…}), both serving the same directory: a changed {@code WEB-INF/web.xml}, a
 * changed class under {@code WEB-INF/classes} or a changed jar in {@code WEB-INF/lib} redeploys
 * the application with no restart: in embedded mode the first request that comes a second after
 * the change (the directory is looked at once a second at most) gets the new version; in daemon
 * mode the old version answers until the new one, deployed beside it, has started (a rollover:
 * ServletRollingTest). JSPs: recompiled when
 * they change (Jasper's development mode, the default), never looked at again once compiled when
 * the application's web.xml sets the {@code jsp} servlet's {@code development} to false.
 */
@ExtendWith(DumpLogOnFailure.class)
class ServletDeployTest {
    static final AtomicInteger VERSIONS = new AtomicInteger(1);
    static ApacheServer server;
    static Path reload;
    static Path prod;

    enum Change {
        WEB_XML, CLASS, JAR
    }

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("servlet-deploy");
        Path apps = server.root().resolve("apps");
        reload = apps.resolve("reload");
        DeployApps.write(reload.resolve("WEB-INF/web.xml"), webXml("xml1", ""));
        writeLib(reload, "lib1");
        writeServlet(reload, "class1");
        DeployApps.write(reload.resolve("page.jsp"), "<%@ page contentType=\"text/plain\" %>jsp=one\n");
        prod = apps.resolve("prod");
        DeployApps.write(prod.resolve("WEB-INF/web.xml"), webXml("prod", """
                  <!-- Jasper's production settings, the Tomcat way: the application's own "jsp" servlet -->
                  <servlet>
                    <servlet-name>jsp</servlet-name>
                    <servlet-class>org.apache.jasper.servlet.JspServlet</servlet-class>
                    <init-param><param-name>development</param-name><param-value>false</param-value></init-param>
                    <load-on-startup>3</load-on-startup>
                  </servlet>"""));
        writeLib(prod, "lib1");
        writeServlet(prod, "class1");
        DeployApps.write(prod.resolve("page.jsp"), "<%@ page contentType=\"text/plain\" %>jsp=one\n");
        server.config("""
                JvmDaemonProcess wd processes=1 threads=4
                JvmScriptAlias /e-reload %1$s
                JvmScriptAlias /d-reload %1$s process-group=wd
                JvmScriptAlias /e-prod %2$s
                JvmScriptAlias /d-prod %2$s process-group=wd
                """.formatted(reload, prod)).start();
        for (String mount : List.of("/e-reload", "/d-reload", "/e-prod", "/d-prod")) {
            awaitBody(mount + "/version", "class=class1", Duration.ofSeconds(60));
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String webXml(String version, String extra) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.1">
                  <context-param><param-name>version</param-name><param-value>%s</param-value></context-param>
                  <servlet><servlet-name>version</servlet-name><servlet-class>reload.VersionServlet</servlet-class></servlet>
                  <servlet-mapping><servlet-name>version</servlet-name><url-pattern>/version</url-pattern></servlet-mapping>
                %s
                </web-app>
                """.formatted(version, extra);
    }

    /** WEB-INF/classes/reload/VersionServlet.class, answering its version, web.xml's and the jar's. */
    static void writeServlet(Path app, String version) {
        Path out = DeployApps.scratch(server, "classes");
        DeployApps.compile(out, DeployApps.engineApi() + ":" + app.resolve("WEB-INF/lib/reload-lib.jar"), List.of("""
                package reload;

                import jakarta.servlet.http.HttpServlet;
                import jakarta.servlet.http.HttpServletRequest;
                import jakarta.servlet.http.HttpServletResponse;
                import java.io.IOException;

                public class VersionServlet extends HttpServlet {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.setContentType("text/plain");
                        resp.getWriter().print("class=%s xml=" + getServletContext().getInitParameter("version")
                                + " lib=" + reload.lib.LibVersion.value() + "\\n");
                    }
                }
                """.formatted(version)));
        Path target = app.resolve("WEB-INF/classes/reload/VersionServlet.class");
        mkdirs(target.getParent());
        DeployApps.replace(target, DeployApps.bytes(out.resolve("reload/VersionServlet.class")));
    }

    /** WEB-INF/lib/reload-lib.jar with reload.lib.LibVersion (a method: a constant would be inlined). */
    static void writeLib(Path app, String version) {
        Path out = DeployApps.scratch(server, "lib");
        DeployApps.compile(out, DeployApps.engineApi(), List.of("""
                package reload.lib;

                public class LibVersion {
                    public static String value() {
                        return "%s";
                    }
                }
                """.formatted(version)));
        Path jar = out.resolve("reload-lib.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(file)) {
            j.putNextEntry(new JarEntry("reload/lib/LibVersion.class"));
            Files.copy(out.resolve("reload/lib/LibVersion.class"), j);
            j.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path target = app.resolve("WEB-INF/lib/reload-lib.jar");
        mkdirs(target.getParent());
        DeployApps.replace(target, DeployApps.bytes(jar));
    }

    static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String awaitBody(String target, String content, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            FaultHarnessTest.Outcome o = FaultHarnessTest.get(server, target);
            if (o.status() == 200 && o.text().contains(content)) {
                return o.text();
            }
            assertTrue(System.nanoTime() < deadline, () -> target + " does not answer 200 with " + content + ": " + o
                    + "\n" + server.errorLogTail(40));
            ApacheServer.sleep(200);
        }
    }

    /**
     * The change is made while the application is deployed and answering in both modes; the
     * first request to each mode that comes after the once-a-second look gets the new version,
     * deployed again from the directory (JVM01409).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Change.class)
    void aChangedDirectoryIsRedeployedForTheNextRequest(Change change) {
        for (String mount : List.of("/e-reload", "/d-reload")) {
            FaultHarnessTest.Outcome o = FaultHarnessTest.get(server, mount + "/version");
            assertEquals(200, o.status(), o::toString);
        }
        long mark = server.errorLogMark();
        String version = "v" + VERSIONS.incrementAndGet();
        String expected = switch (change) {
            case WEB_XML -> {
                DeployApps.replace(reload.resolve("WEB-INF/web.xml"), webXml(version, ""));
                yield "xml=" + version;
            }
            case CLASS -> {
                writeServlet(reload, version);
                yield "class=" + version;
            }
            case JAR -> {
                writeLib(reload, version);
                yield "lib=" + version;
            }
        };
        ApacheServer.sleep(1300); // the directory is looked at once a second at most (docs/servlet.md)
        // embedded mode: redeployed in place, for the first request after the change
        FaultHarnessTest.Outcome embedded = FaultHarnessTest.get(server, "/e-reload/version");
        assertEquals(200, embedded.status(), () -> change + ": " + embedded + "\n" + server.errorLogSince(mark));
        assertTrue(embedded.text().contains(expected), () -> change + ": the first request after the change gets the"
                + " new version (" + expected + "): " + embedded + "\n" + server.errorLogSince(mark));
        // daemon mode: rolled over, the old version answering until the new one has started
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            FaultHarnessTest.Outcome o = FaultHarnessTest.get(server, "/d-reload/version");
            assertEquals(200, o.status(), () -> change + ": " + o + "\n" + server.errorLogSince(mark));
            if (o.text().contains(expected)) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, () -> change + ": the new version (" + expected + ") within 60 s: "
                    + o + "\n" + server.errorLogSince(mark));
            ApacheServer.sleep(50);
        }
        String log = server.errorLogSince(mark);
        String redeployed = "JVM01409: web application " + Pattern.quote(reload.toString()) + " changed";
        assertEquals(2, FaultHarnessTest.countMatches(log, redeployed), () -> "one redeploy in each mode:\n" + log);
        FaultHarnessTest.assertLogSays(change + " daemon", log, "\\(jvm:wd\\) " + redeployed);
    }

    /**
     * JSPs are Jasper's: in development mode (the default) a changed JSP is recompiled (Jasper
     * looks at it at most every 4 s, its modificationTestInterval), with no redeploy; with the
     * application's "jsp" servlet set to development=false it is compiled once and its file is
     * never looked at again.
     */
    @Test
    void aChangedJspIsRecompiledInDevelopmentModeAndNotInProduction() {
        for (String mount : List.of("/e-reload", "/d-reload", "/e-prod", "/d-prod")) {
            awaitBody(mount + "/page.jsp", "jsp=one", Duration.ofSeconds(30));
        }
        long mark = server.errorLogMark();
        for (Path app : List.of(reload, prod)) {
            DeployApps.replace(app.resolve("page.jsp"), "<%@ page contentType=\"text/plain\" %>jsp=two\n");
        }
        for (String mount : List.of("/e-reload", "/d-reload")) {
            awaitBody(mount + "/page.jsp", "jsp=two", Duration.ofSeconds(30));
        }
        ApacheServer.sleep(4500); // past Jasper's modification test interval: development mode would look again
        for (String mount : List.of("/e-prod", "/d-prod")) {
            for (int i = 0; i < 3; i++) {
                FaultHarnessTest.Outcome o = FaultHarnessTest.get(server, mount + "/page.jsp");
                assertEquals(200, o.status(), o::toString);
                assertTrue(o.text().contains("jsp=one"), () -> mount + ": development=false compiles a JSP once and"
                        + " never looks at it again: " + o);
            }
        }
        String log = server.errorLogSince(mark);
        assertEquals(0, FaultHarnessTest.countMatches(log, "JVM01409"), () -> "a changed JSP is no redeploy:\n" + log);
        try (Stream<String> lines = log.lines()) {
            assertTrue(lines.noneMatch(l -> l.contains("JVM01407")), () -> "no engine error:\n" + log);
        }
    }
}
