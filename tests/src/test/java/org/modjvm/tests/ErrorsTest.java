package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Misbehaving applications: 500 and a numbered error-log line saying why; the server survives. */
@ExtendWith(DumpLogOnFailure.class)
class ErrorsTest {
    static ApacheServer server;
    static final Pattern JVM_LINE = Pattern.compile("^.*\\bJVM\\d{5}: .*$", Pattern.MULTILINE);
    static final AtomicInteger TAGS = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("errors");
        Path errors = server.installApp("errors.java", "errors");
        Path npe = server.installApp("npe.java", "npe");
        Path pid = server.installApp("pid.java", "pid");
        server.config("""
                JvmScriptAlias /err %s
                JvmScriptAlias /npe %s
                JvmScriptAlias /pid %s
                """.formatted(errors, npe, pid)).start();
        // the first request compiles the script: do it here, not inside a test's log window
        assertEquals(200, RawHttp.get(server.port(), "/err?case=ok").status());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String tag() {
        return "t" + TAGS.incrementAndGet() + "x" + ProcessHandle.current().pid();
    }

    /**
     * Asserts that the error log written since {@code mark} has a {@code JVMnnnnn:} line and,
     * from the first such line on, text matching {@code reason} (the why: the line itself or
     * the stack trace lines after it). Occurrences of {@code uri} are blanked first.
     */
    static String assertLogged(long mark, String uri, String reason) {
        Pattern why = Pattern.compile(reason);
        server.awaitErrorLog(mark, "JVM\\d{5}: (?s).*(?:" + reason + ")", Duration.ofSeconds(10));
        // the request URI (which names the case, e.g. "case=nostart") must not count as the reason
        String since = server.errorLogSince(mark).replace(uri, "<URI>");
        Matcher m = JVM_LINE.matcher(since);
        if (!m.find()) {
            fail("no JVMnnnnn: line in the error log after the request; new log:\n" + since);
        }
        String fromFirst = since.substring(m.start());
        if (!why.matcher(fromFirst).find()) {
            fail("the error log does not say why (expected /" + reason + "/); new log:\n" + since);
        }
        return since;
    }

    static Stream<Arguments> badApps() {
        return Stream.of(
                // case, a regex the log must match (the reason)
                Arguments.of("badstatus", "(?i)status.*OK 200|OK 200.*(?i)status"),
                Arguments.of("badstatus2", "(?i)status.*2000 Very OK|2000 Very OK.*(?i)status"),
                Arguments.of("crlfvalue", "X-Evil"),
                Arguments.of("badname", "Bad Name"),
                Arguments.of("colonname", "X-Colon:Name"),
                Arguments.of("connection", "(?i)\\bConnection\\b"),
                Arguments.of("transferencoding", "(?i)Transfer-Encoding"),
                Arguments.of("nostart", "(?i)start"),
                Arguments.of("nullbody", "(?i)null"),
                Arguments.of("nullchunk", "(?i)null"),
                Arguments.of("stringchunk", "String"),
                Arguments.of("starttwice", "(?i)IllegalStateException|twice|already|again|more than once"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badApps")
    void badApplicationGets500AndAReasonInTheLog(String kase, String reason) {
        String tag = tag();
        long mark = server.errorLogMark();
        String uri = "/err?case=" + kase + "&tag=" + tag;
        RawHttp.Response r = RawHttp.get(server.port(), uri);
        assertEquals(500, r.status(), () -> kase + ": " + r);
        assertFalse(r.latin1().contains("ok " + tag), () -> "the app's body must not be sent: " + r);
        assertNull(r.header("X-Injected"), r::toString);
        assertNull(r.header("X-Evil"), r::toString);
        assertLogged(mark, uri, reason);
    }

    @Test
    void exceptionGives500AndStackTraceWithTheRequestUri() {
        String tag = tag();
        long mark = server.errorLogMark();
        String uri = "/err?case=throw&tag=" + tag;
        RawHttp.Response r = RawHttp.get(server.port(), uri);
        assertEquals(500, r.status(), r::toString);
        assertFalse(r.latin1().contains("boom-" + tag), "no stack trace or message to the client");
        assertLogged(mark, uri, "IllegalArgumentException: boom-" + tag);
        String log = server.errorLogSince(mark);
        assertTrue(log.contains(uri), () -> "request URI in the log:\n" + log);
        assertTrue(log.contains("ErrorsApp.application"), () -> "stack trace in the log:\n" + log);
    }

    @Test
    void failureBeforeTheFirstNonEmptyChunkIsStillA500() {
        // PEP 3333: nothing is sent before the first non-empty chunk, so the head can still change
        String tag = tag();
        long mark = server.errorLogMark();
        String uri = "/err?case=emptythenthrow&tag=" + tag;
        RawHttp.Response r = RawHttp.get(server.port(), uri);
        assertEquals(500, r.status(), r::toString);
        assertLogged(mark, uri, "late-failure-" + tag);
    }

    @Test
    void startWithExcInfoBeforeAnythingWasSentReplacesTheHead() {
        String tag = tag();
        RawHttp.Response r = RawHttp.get(server.port(), "/err?case=excinfo&tag=" + tag);
        assertEquals(503, r.status(), r::toString);
        assertEquals("yes", r.header("X-Replaced"), r::toString);
        assertEquals("replaced " + tag + "\n", r.latin1());
    }

    @Test
    void emptyBodyIsAnEmpty200() {
        RawHttp.Response r = RawHttp.get(server.port(), "/err?case=empty");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.complete(), r::toString);
        assertEquals(0, r.body().length, r::toString);
    }

    @Test
    void systemOutAndErrGoToTheErrorLog() {
        String tag = tag();
        long mark = server.errorLogMark();
        RawHttp.Response r = RawHttp.get(server.port(), "/err?case=stdout&tag=" + tag);
        assertEquals(200, r.status(), r::toString);
        String log = server.awaitErrorLog(mark, "SYSOUT-MARKER " + tag + "(?s).*SYSERR-MARKER " + tag
                + "|SYSERR-MARKER " + tag + "(?s).*SYSOUT-MARKER " + tag, Duration.ofSeconds(10));
        assertTrue(log.contains("SYSOUT-MARKER " + tag), () -> "System.out line in the error log:\n" + log);
        assertTrue(log.contains("SYSERR-MARKER " + tag), () -> "System.err line in the error log:\n" + log);
    }

    @Test
    void jvmErrorsGoesToTheErrorLog() {
        String tag = tag();
        long mark = server.errorLogMark();
        RawHttp.Response r = RawHttp.get(server.port(), "/err?case=jvmerrors&tag=" + tag);
        assertEquals(200, r.status(), r::toString);
        String log = server.awaitErrorLog(mark, "ERRORS-MARKER " + tag, Duration.ofSeconds(10));
        assertTrue(log.contains("ERRORS-MARKER " + tag), () -> "jvm.errors line in the error log:\n" + log);
    }

    @Test
    void npeStormFromJitCompiledCodeGives500sAndNoCrash() throws Exception {
        RawHttp.Response before = RawHttp.get(server.port(), "/pid");
        assertEquals(200, before.status(), before::toString);
        int total = 5000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger non500 = new AtomicInteger();
        List<String> samples = new ArrayList<>();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < total / 4; i++) {
                        RawHttp.Response r;
                        try {
                            r = RawHttp.get(server.port(), "/npe");
                        } catch (RuntimeException e) {
                            non500.incrementAndGet();
                            synchronized (samples) {
                                samples.add(e.toString());
                            }
                            continue;
                        }
                        if (r.status() != 500) {
                            non500.incrementAndGet();
                            synchronized (samples) {
                                if (samples.size() < 5) {
                                    samples.add(r.toString());
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, non500.get(), () -> "requests that did not get a 500: " + samples);
        RawHttp.Response hello = RawHttp.get(server.port(), "/err?case=ok&tag=after");
        assertEquals(200, hello.status(), hello::toString);
        RawHttp.Response after = RawHttp.get(server.port(), "/pid");
        assertEquals(before.text(), after.text(), "the same child process served before and after the storm");
        assertTrue(server.crashLines().isEmpty(), () -> "crash lines in the error log: " + server.crashLines());
        assertTrue(server.errorLog().contains("NullPointerException"), "the NPEs are logged");
    }
}
