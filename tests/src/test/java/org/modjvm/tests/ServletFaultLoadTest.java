package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Misbehaving servlets under load, as FaultAppTest does for scripts: 6 client threads send good
 * requests to a web application while servlets throw or run the heap out. Embedded (/e, the one
 * Apache child's JVM, -Xmx96m) and daemon mode (/d, one process, -Xmx96m).
 *
 * <p>A servlet that throws: its request gets the application's error page (500), every other
 * request its 200. OutOfMemoryError: embedded, the request gets 500 and the JVM goes on (as for a
 * script); daemon, the process exits as a daemon does on OutOfMemoryError and is replaced: only
 * requests in flight in it may fail (502/503), and the web application is served again by the
 * replacement.
 */
@ExtendWith(DumpLogOnFailure.class)
class ServletFaultLoadTest {
    static final int LOAD_THREADS = 6;
    static final int LOAD_REQUESTS = 240;
    static ApacheServer server;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("servlet-fault-load");
        Path war = SmokeWebApp.war(SmokeWebApp.exploded(server.root().resolve("apps/smoke")),
                server.root().resolve("apps/smoke.war"));
        server.config("""
                JvmOptions -Xmx96m
                JvmDaemonProcess sf processes=1 threads=12 jvm-options=-Xmx96m
                JvmScriptAlias /e %1$s
                JvmScriptAlias /d %1$s process-group=sf
                """.formatted(war)).start();
        Daemons.awaitPids(server, "sf", 1, Duration.ofSeconds(15));
        for (String mount : List.of("/e", "/d")) {
            assertEquals(200, RawHttp.get(server.port(), mount + "/echo/warm").status());
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Load goodLoad(String mount) {
        return new Load(server.port(), mount + "/echo/good", LOAD_THREADS,
                r -> r.text().contains("servletPath=/echo\n")).limit(LOAD_REQUESTS).start();
    }

    @Test
    void throwingServletsFailAloneInBothModes() {
        for (String mount : List.of("/e", "/d")) {
            long mark = server.errorLogMark();
            Load load = goodLoad(mount);
            for (int i = 0; i < 10; i++) {
                RawHttp.Response thrown = RawHttp.get(server.port(), mount + "/echo/?throw=1");
                assertEquals(500, thrown.status(), thrown.toString());
                assertTrue(thrown.text().contains("smoke error page: failed thrown on purpose"), thrown.toString());
            }
            load.awaitDone(120_000);
            assertEquals(LOAD_REQUESTS, load.count(), load.report());
            assertTrue(load.failures().isEmpty(), mount + ": " + load.report() + " " + FaultHarnessTest.statuses(load.samples()));
            String log = server.errorLogSince(mark);
            assertTrue(log.contains("thrown on purpose by SmokeServlet"), log);
        }
    }

    @Test
    void outOfMemoryInAnEmbeddedServletIsA500AndTheJvmGoesOn() {
        long mark = server.errorLogMark();
        Load load = goodLoad("/e");
        RawHttp.Response oom = RawHttp.get(server.port(), "/e/oom");
        load.awaitDone(120_000);
        assertEquals(500, oom.status(), oom.toString());
        assertEquals(LOAD_REQUESTS, load.count(), load.report());
        // the good requests share the heap with the one running it out: one of them may be the
        // thread that gets the OutOfMemoryError instead (Tomcat answers it 500); none may hang
        for (Load.Sample s : load.failures()) {
            assertEquals(500, s.status(), () -> "embedded OOM: " + s + "\n" + load.report());
        }
        assertTrue(load.failures().size() <= 2, load.report() + " " + FaultHarnessTest.statuses(load.samples()));
        assertTrue(server.errorLogSince(mark).contains("OutOfMemoryError"), server.errorLogSince(mark));
        for (int i = 0; i < 20; i++) {
            assertEquals(200, RawHttp.get(server.port(), "/e/echo/after").status());
        }
    }

    @Test
    void outOfMemoryInADaemonReplacesTheProcessAndTheApplicationIsServedAgain() {
        long before = Daemons.pids(server, "sf").get(0);
        Load load = goodLoad("/d");
        long faultStart = System.nanoTime();
        RawHttp.Response oom = RawHttp.get(server.port(), "/d/oom");
        long faultEnd = FaultHarnessTest.awaitDeath(before, Duration.ofSeconds(30));
        load.awaitDone(120_000);
        assertTrue(oom.status() == 502 || oom.status() == 500, oom.toString());
        assertEquals(LOAD_REQUESTS, load.count(), load.report());
        for (Load.Sample s : load.failures()) {
            assertTrue((s.status() == 502 || s.status() == 503) && s.start() < faultEnd && s.end() > faultStart,
                    () -> "daemon OOM: only requests in flight in the dying process may fail: " + s + "\n" + load.report());
        }
        Daemons.awaitReplacement(server, "sf", 1, List.of(before), Duration.ofSeconds(30));
        RawHttp.Response after = RawHttp.get(server.port(), "/d/echo/after");
        assertEquals(200, after.status(), after.toString());
        assertTrue(after.text().contains("contextAttribute=initialized\n"), after.toString());
    }
}
