package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Web applications that fail to deploy, in embedded mode ({@code /e-…}, the one Apache child)
 * and daemon mode ({@code /d-…}, group {@code wf}: one process), under light load on a good web
 * application and a script of the same mode, as the Fault* suites do: a listener that throws, a
 * web.xml that does not parse, a listener class that is not there, and a directory application
 * with a broken web.xml.
 *
 * <p>Each: every request for the application gets 503; one numbered line (JVM01405) says which
 * application failed and why, in words (the exception the listener threw, the parse error, the
 * class not found), once per process however many requests come (no deploy per request); every
 * request of the load gets its 200; no Apache child or daemon process dies or is replaced;
 * nothing leaks. Then the application is fixed by replacing the WAR (or the web.xml of the
 * directory): the next request deploys it and gets 200, with no restart.
 */
@ExtendWith(DumpLogOnFailure.class)
class ServletFaultTest {
    static final int FD_TOLERANCE = 4;
    static final int THREAD_TOLERANCE = 4;
    static ApacheServer server;
    static Path goodWar;
    static final Map<String, Path> ROOTS = new HashMap<>();

    enum Mode {
        EMBEDDED("/e", ""), DAEMON("/d", " process-group=wf");

        final String prefix;
        final String option;

        Mode(String prefix, String option) {
            this.prefix = prefix;
            this.option = option;
        }
    }

    enum Broken {
        THROWING_LISTENER("throw", false,
                "Exception sending context initialized event to listener instance of class \\[smoke\\.SmokeListener\\]"
                        + ": java\\.lang\\.IllegalStateException: SmokeListener: WEB-INF/fail-deploy present, failing"
                        + " on purpose"),
        UNPARSABLE_WEB_XML("badxml", false, "SAXParseException.*/WEB-INF/web\\.xml; lineNumber: \\d+; columnNumber: \\d+"),
        MISSING_LISTENER_CLASS("nolistener", false, "java\\.lang\\.ClassNotFoundException: smoke\\.NoSuchListener"),
        DIRECTORY_UNPARSABLE_WEB_XML("dirbadxml", true,
                "SAXParseException.*/WEB-INF/web\\.xml; lineNumber: \\d+; columnNumber: \\d+");

        final String name;
        final boolean directory;
        final String why;

        Broken(String name, boolean directory, String why) {
            this.name = name;
            this.directory = directory;
            this.why = why;
        }
    }

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("servlet-fault");
        Path apps = server.root().resolve("apps");
        Path good = DeployApps.smokeWith(apps.resolve("good"), "");
        goodWar = SmokeWebApp.war(good, apps.resolve("good.war"));
        Path script = server.installApp("pid.java", "pid");
        Map<Broken, Path> sources = new HashMap<>();
        sources.put(Broken.THROWING_LISTENER, DeployApps.smokeWith(apps.resolve("src-throw"), ""));
        DeployApps.write(sources.get(Broken.THROWING_LISTENER).resolve("WEB-INF/fail-deploy"), "on purpose\n");
        Path badXml = DeployApps.smokeWith(apps.resolve("src-badxml"), "");
        DeployApps.write(badXml.resolve("WEB-INF/web.xml"), DeployApps.unparsableWebXml());
        sources.put(Broken.UNPARSABLE_WEB_XML, badXml);
        sources.put(Broken.DIRECTORY_UNPARSABLE_WEB_XML, badXml);
        sources.put(Broken.MISSING_LISTENER_CLASS, DeployApps.smokeWith(apps.resolve("src-nolistener"),
                "  <listener><listener-class>smoke.NoSuchListener</listener-class></listener>"));
        Path noServlet = DeployApps.smokeWith(apps.resolve("noservlet"), """
                  <servlet><servlet-name>gone</servlet-name><servlet-class>smoke.NoSuchServlet</servlet-class></servlet>
                  <servlet-mapping><servlet-name>gone</servlet-name><url-pattern>/gone</url-pattern></servlet-mapping>""");
        StringBuilder config = new StringBuilder("JvmDaemonProcess wf processes=1 threads=12\n");
        for (Mode m : Mode.values()) {
            config.append("JvmScriptAlias ").append(m.prefix).append("-ok ").append(goodWar).append(m.option).append('\n');
            config.append("JvmScriptAlias ").append(m.prefix).append("-pid ").append(script).append(m.option).append('\n');
            config.append("JvmScriptAlias ").append(m.prefix).append("-noservlet ").append(noServlet).append(m.option)
                    .append('\n');
            for (Broken b : Broken.values()) {
                String app = m.prefix + "-" + b.name;
                Path root = b.directory ? apps.resolve(app.substring(1)) : apps.resolve(app.substring(1) + ".war");
                if (b.directory) {
                    DeployApps.copyTree(sources.get(b), root);
                } else {
                    SmokeWebApp.war(sources.get(b), root);
                }
                ROOTS.put(app, root);
                config.append("JvmScriptAlias ").append(app).append(' ').append(root).append(m.option).append('\n');
            }
        }
        server.config(config.toString()).start();
        Daemons.awaitPids(server, "wf", 1, Duration.ofSeconds(15));
        for (Mode m : Mode.values()) {
            awaitOk(m.prefix + "-ok/echo/", "contextAttribute=initialized");
            awaitOk(m.prefix + "-pid", "");
            try (Load warm = load(m.prefix + "-ok/echo/").limit(30).start()) {
                warm.awaitDone(60_000);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static void awaitOk(String target, String content) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            FaultHarnessTest.Outcome o = FaultHarnessTest.get(server, target);
            if (o.status() == 200 && o.text().contains(content)) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, () -> target + " does not answer 200: " + o);
            ApacheServer.sleep(200);
        }
    }

    static Load load(String target) {
        return new Load(server.port(), target, 3, r -> target.endsWith("-pid") ? r.text().strip().matches("\\d+")
                : r.text().contains("contextAttribute=initialized"));
    }

    static Stream<Arguments> failures() {
        return Stream.of(Mode.values()).flatMap(m -> Stream.of(Broken.values()).map(b -> Arguments.of(m, b)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("failures")
    void aFailedDeploymentIsA503AndOneLineSayingWhyAndIsDeployedOnceFixed(Mode mode, Broken broken) {
        String app = mode.prefix + "-" + broken.name;
        Path root = ROOTS.get(app);
        FaultHarnessTest.Snapshot before = FaultHarnessTest.settle(server, 1, 1);
        long mark = server.errorLogMark();
        List<String> targets = List.of("/echo/", "/", "/hello.jsp", "/style.css");
        try (Load webapp = load(mode.prefix + "-ok/echo/").limit(90).start();
             Load script = load(mode.prefix + "-pid").limit(90).start()) {
            webapp.awaitCount(10, 20_000);
            List<FaultHarnessTest.Outcome> outcomes = FaultHarnessTest.concurrently(2, i -> {
                FaultHarnessTest.Outcome last = null;
                for (int round = 0; round < 3; round++) {
                    for (String t : targets) {
                        last = FaultHarnessTest.get(server, app + t);
                        if (last.status() != 503) {
                            return last;
                        }
                    }
                    ApacheServer.sleep(50);
                }
                return last;
            }, Duration.ofSeconds(120));
            webapp.awaitDone(90_000);
            script.awaitDone(90_000);
            for (FaultHarnessTest.Outcome o : outcomes) {
                assertEquals(503, o.status(), () -> app + ": every URL of an application that failed to deploy gets"
                        + " 503: " + o);
            }
            for (Load l : List.of(webapp, script)) {
                String report = l.report();
                assertEquals(90, l.count(), report);
                assertTrue(l.failures().isEmpty(), () -> app + ": requests of other mounts failed: " + report + "\n"
                        + FaultHarnessTest.tail(server.errorLogSince(mark), 40));
            }
        }
        // the whole log: a daemon group may deploy its applications when it starts, before any request
        String log = server.errorLog();
        String line = "JVM01405: web application " + Pattern.quote(root.toString()) + " \\(context path "
                + Pattern.quote(app) + "\\) failed to deploy: ";
        FaultHarnessTest.assertLogSays(app, log, line + ".*" + broken.why + ".*; answering 503 until it changes");
        assertEquals(1, FaultHarnessTest.countMatches(log, line), () -> app + ": one JVM01405 line (the deployment is"
                + " tried once in its process, not for each of its 24 requests):\n" + FaultHarnessTest.tail(log, 40));
        if (mode == Mode.DAEMON) {
            FaultHarnessTest.assertLogSays(app, log, "\\(jvm:wf\\).*" + line);
        }
        assertTrue(FaultHarnessTest.crashLinesSince(server, mark).isEmpty(),
                () -> "crash lines: " + FaultHarnessTest.crashLinesSince(server, mark));
        FaultHarnessTest.Snapshot after = FaultHarnessTest.settle(server, 1, 1);
        assertEquals(before.childPids(), after.childPids(), () -> "no Apache child may die: " + before + "\n" + after);
        assertEquals(before.daemonPids(), after.daemonPids(), () -> "no daemon may die: " + before + "\n" + after);
        FaultHarnessTest.assertNoLeak(app, before, after, FD_TOLERANCE, THREAD_TOLERANCE);

        // fixed in place, no restart: the next request deploys it
        long fixed = server.errorLogMark();
        if (broken.directory) {
            DeployApps.replace(root.resolve("WEB-INF/web.xml"), DeployApps.smokeWebXml());
            ApacheServer.sleep(1500); // a directory's files are looked at once a second at most (docs/servlet.md)
        } else {
            DeployApps.replace(root, DeployApps.bytes(goodWar));
        }
        FaultHarnessTest.Outcome o = FaultHarnessTest.get(server, app + "/echo/");
        assertEquals(200, o.status(), () -> app + ": the first request after the fix deploys it: " + o + "\n"
                + FaultHarnessTest.tail(server.errorLogSince(fixed), 40));
        assertTrue(o.text().contains("contextAttribute=initialized"), o::toString);
        // a daemon's log lines reach the error log through its relay, after the response
        server.awaitErrorLog(fixed, "JVM01404: web application " + Pattern.quote(root.toString()) + " deployed",
                Duration.ofSeconds(15));
        String redeploy = server.errorLogSince(fixed);
        FaultHarnessTest.assertLogSays(app, redeploy, "JVM01409: web application " + Pattern.quote(root.toString())
                + " changed");
        FaultHarnessTest.assertLogSays(app, redeploy, "JVM01404: web application " + Pattern.quote(root.toString())
                + " deployed");
        assertEquals(before.daemonPids(), FaultHarnessTest.settle(server, 1, 1).daemonPids());
    }

    /**
     * A servlet whose class is missing (no load-on-startup) fails only its own URLs, as in Tomcat
     * (failCtxIfServletStartFails is Tomcat's default, false): 500 with the ClassNotFoundException
     * in a numbered line; the application's other servlets answer.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void aMissingServletClassFailsOnlyItsOwnUrls(Mode mode) {
        long mark = server.errorLogMark();
        FaultHarnessTest.Outcome gone = FaultHarnessTest.get(server, mode.prefix + "-noservlet/gone");
        assertEquals(500, gone.status(), gone::toString);
        FaultHarnessTest.Outcome echo = FaultHarnessTest.get(server, mode.prefix + "-noservlet/echo/");
        assertEquals(200, echo.status(), echo::toString);
        String log = server.awaitErrorLog(mark, "NoSuchServlet", Duration.ofSeconds(10));
        FaultHarnessTest.assertLogSays(mode + " missing servlet", log, "JVM01407: .*smoke\\.NoSuchServlet");
    }
}
