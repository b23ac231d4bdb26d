package org.modjvm.express;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Probe} picks from the error log to report a web application that did not deploy. */
class ProbeTest {
    @TempDir
    Path dir;

    private static final String P = "[Wed Dec 02 15:55:28.04 2026] [jvm:error] [pid 31215] (jvm:express) ";

    @Test
    void theEnginesLinesBeforeTheDeployFailureWithoutStackFramesOrRepeats() throws IOException {
        String earlier = P + "JVM01405: web application /old.war (context path /) failed to deploy: an earlier start\n";
        String log = earlier
                + P + "JVM01407: Parse fatal error at line [4] column [3] [Digester]\n"
                + P + "JVM01407: org.xml.sax.SAXParseException; lineNumber: 4; The element type \"servlet\" must be terminated\n"
                + P + "JVM01407: \tat java.xml/com.sun.Foo.bar(Foo.java:1)\n"
                // embedded mode: Apache escapes the tab
                + P + "JVM01407: \\tat mod_jvm-servlet//org.apache.Baz.qux(Baz.java:2)\n"
                + P + "JVM01407: \t... 12 more\n"
                + "[Wed Dec 02 15:55:28.05 2026] [mpm_event:notice] [pid 1] AH00000: something else\n"
                + P + "JVM01407: org.xml.sax.SAXParseException; lineNumber: 4; The element type \"servlet\" must be terminated\n"
                + P + "JVM01407: Caused by: java.lang.IllegalStateException: because\n"
                + P + "JVM01405: web application /app.war (context path /) failed to deploy: its context did not start\n"
                + P + "JVM01407: a later line\n";
        Path f = dir.resolve("error_log");
        Files.writeString(f, log, StandardCharsets.UTF_8);
        long offset = earlier.getBytes(StandardCharsets.UTF_8).length + 1;
        assertEquals(List.of(
                "JVM01407: Parse fatal error at line [4] column [3] [Digester]",
                "JVM01407: org.xml.sax.SAXParseException; lineNumber: 4; The element type \"servlet\" must be terminated",
                "JVM01407: Caused by: java.lang.IllegalStateException: because",
                "JVM01405: web application /app.war (context path /) failed to deploy: its context did not start"),
                Probe.report(f, offset, "JVM01405: ", "JVM01407: "));
    }

    @Test
    void nothingWhileThereIsNoDeployFailureLineInThisStartsPart() throws IOException {
        String earlier = P + "JVM01405: web application /old.war (context path /) failed to deploy: an earlier start\n";
        Path f = dir.resolve("error_log");
        Files.writeString(f, earlier + P + "JVM01407: Parse fatal error [Digester]\n", StandardCharsets.UTF_8);
        assertNull(Probe.report(f, earlier.length() + 1, "JVM01405: ", "JVM01407: "));
        assertNull(Probe.report(dir.resolve("none"), 1, "JVM01405: ", "JVM01407: "));
        assertNull(Probe.report(f, 1_000_000, "JVM01405: ", "JVM01407: "));
    }

    @Test
    void atMostEightOfTheEnginesLinesAndHowManyMore() throws IOException {
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 11; i++) {
            log.append(P).append("JVM01407: reason ").append(i).append('\n');
        }
        log.append(P).append("JVM01405: failed to deploy\n");
        Path f = dir.resolve("error_log");
        Files.writeString(f, log, StandardCharsets.UTF_8);
        List<String> report = Probe.report(f, 1, "JVM01405: ", "JVM01407: ");
        assertEquals(10, report.size(), report.toString());
        assertEquals("JVM01407: reason 1", report.get(0));
        assertEquals("JVM01407: reason 8", report.get(7));
        assertEquals("(3 more lines of the engine's)", report.get(8));
        assertEquals("JVM01405: failed to deploy", report.get(9));
    }
}
