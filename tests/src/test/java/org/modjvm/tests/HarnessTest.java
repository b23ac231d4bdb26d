package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Checks the fixture itself against plain Apache (no mod_jvm): start, serve, configtest, stop. */
@ExtendWith(DumpLogOnFailure.class)
class HarnessTest {
    @Test
    void plainApacheServesStaticFilesAndStopsCleanly() throws Exception {
        List<Long> children;
        long parent;
        try (ApacheServer s = ApacheServer.create().withoutModule().name("plain").start()) {
            RawHttp.Response r = RawHttp.get(s.port(), "/index.html");
            assertEquals(200, r.status(), r::toString);
            assertEquals("static index\n", r.text());
            assertEquals("text/html", r.header("Content-Type"));
            RawHttp.Response missing = RawHttp.get(s.port(), "/nope");
            assertEquals(404, missing.status());
            // keep-alive: two requests on one connection
            try (RawHttp c = RawHttp.connect(s.port())) {
                c.sendHead("GET", "/index.html");
                assertEquals("static index\n", c.readResponse().text());
                c.sendHead("HEAD", "/index.html");
                RawHttp.Response head = c.readResponse(true);
                assertEquals(200, head.status());
                assertEquals(0, head.body().length);
            }
            parent = s.parentPid();
            children = s.childPids();
            assertFalse(children.isEmpty(), "apache has children");
            assertEquals(parent, Long.parseLong(Files.readString(s.pidFile()).trim()));
            s.stop();
            assertFalse(s.isRunning());
        }
        assertFalse(ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false), "parent gone");
        for (long c : children) {
            assertFalse(ProcessHandle.of(c).map(ProcessHandle::isAlive).orElse(false), "child " + c + " gone");
        }
    }

    @Test
    void failedStartIsReportedWithTheOutput() {
        try (ApacheServer s = ApacheServer.create().withoutModule().config("NoSuchDirective on")) {
            AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, s::start);
            assertTrue(e.getMessage().contains("NoSuchDirective"), e.getMessage());
            assertFalse(s.isRunning());
        }
    }

    @Test
    void configtestReportsSyntaxOkAndErrors() {
        try (ApacheServer s = ApacheServer.create().withoutModule()) {
            ApacheServer.ConfigTest ok = s.configtest();
            assertEquals(0, ok.exitCode(), ok.output());
            assertTrue(ok.output().contains("Syntax OK"), ok.output());
        }
        try (ApacheServer s = ApacheServer.create().withoutModule().config("NoSuchDirective on")) {
            ApacheServer.ConfigTest bad = s.configtest();
            assertNotEquals(0, bad.exitCode(), bad.output());
            assertTrue(bad.output().contains("NoSuchDirective"), bad.output());
        }
    }
}
