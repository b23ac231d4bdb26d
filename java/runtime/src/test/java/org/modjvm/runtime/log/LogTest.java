package org.modjvm.runtime.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.modjvm.runtime.core.FakeTransport;

class LogTest {
    private final FakeTransport sink = new FakeTransport();

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (FakeTransport.Line line : sink.logs) {
            lines.add(line.text());
        }
        return lines;
    }

    @Test
    void everyLineOfAMessageCarriesTheNumber() {
        new Log(sink, Log.INFO).log(Log.ERR, "JVM01999", "first\nsecond\r\nthird\rfourth\n");
        assertEquals(List.of("JVM01999: first", "JVM01999: second", "JVM01999: third", "JVM01999: fourth"), lines());
    }

    @Test
    void levelsAboveTheServersAreDropped() {
        Log log = new Log(sink, Log.WARNING);
        log.log(Log.INFO, "JVM01999", "not logged");
        log.log(Log.DEBUG, "JVM01999", "not logged", new RuntimeException());
        log.log(Log.WARNING, "JVM01999", "logged");
        assertEquals(List.of("JVM01999: logged"), lines());
        assertEquals(Log.WARNING, sink.logs.get(0).level());
    }

    @Test
    void aMessageIsLoggedAtTheLevelItsDeclarationGives() {
        Log log = new Log(sink, Log.INFO);
        log.log(Message.JVM01335, "gave up");
        log.log(Message.JVM01351, "its client left");
        log.log(Message.JVM01222, "not logged");
        log.log(Message.JVM01322, "failed:", new IllegalStateException("boom"));
        assertEquals("JVM01335: gave up", sink.logs.get(0).text());
        assertEquals(Log.WARNING, sink.logs.get(0).level());
        assertEquals("JVM01351: its client left", sink.logs.get(1).text());
        assertEquals(Log.INFO, sink.logs.get(1).level());
        assertEquals("JVM01322: failed:", sink.logs.get(2).text());
        assertTrue(sink.logs.stream().skip(2).allMatch(line -> line.level() == Log.CRIT), sink.logs::toString);
        assertTrue(log.enabled(Message.JVM01351));
        assertTrue(!log.enabled(Message.JVM01222));
    }

    @Test
    void aBrokenSinkDoesNotThrow() {
        new Log((level, line) -> {
            throw new UnsatisfiedLinkError("no natives");
        }, Log.DEBUG).log(Log.ERR, "JVM01999", "goes to stderr instead");
    }

    @Test
    void longTracesAreTruncated() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            text.append("line ").append(i).append('\n');
        }
        String cut = Log.truncateLines(text.toString(), 200);
        assertTrue(cut.endsWith("line 199\n\t... 300 more lines"), cut.substring(cut.length() - 40));
        assertEquals("a\nb\n", Log.truncateLines("a\nb\n", 200));
    }

    @Test
    void printStreamBytesBecomeLines() {
        PrintStream out = new LogPrintStream(sink, Log.ERR);
        out.print("partial ");
        out.println("line");
        out.print("windows\r\n");
        out.print("caf\u00e9 ");
        out.print("\u2603\n");
        out.print("unterminated");
        assertEquals(List.of("partial line", "windows", "caf\u00e9 \u2603"), lines());
        out.flush();
        assertEquals("unterminated", lines().get(3));
        out.close();
        out.println("still open after close()");
        assertEquals("still open after close()", lines().get(4));
        assertTrue(sink.logs.stream().allMatch(line -> line.level() == Log.ERR));
    }

    @Test
    void overlongLinesAreSplit() {
        LogLineStream stream = new LogLineStream(sink, Log.ERR);
        byte[] big = new byte[LogLineStream.MAX_LINE * 2 + 10];
        java.util.Arrays.fill(big, (byte) 'x');
        stream.write(big, 0, big.length);
        stream.write('\n');
        assertEquals(3, sink.logs.size());
        assertEquals(LogLineStream.MAX_LINE, sink.logs.get(0).text().length());
        assertEquals(10, sink.logs.get(2).text().length());
        for (int i = 0; i < LogLineStream.MAX_LINE + 1; i++) {
            stream.write('y');
        }
        stream.flush();
        assertEquals(LogLineStream.MAX_LINE, sink.logs.get(3).text().length());
        assertEquals("y", sink.logs.get(4).text());
    }
}
