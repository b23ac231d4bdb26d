package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streaming responses: chunks flushed as produced, big bodies, client disconnects, write(), file wrapper. */
@ExtendWith(DumpLogOnFailure.class)
class StreamingTest {
    static ApacheServer server;
    static Path featuresScript;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("streaming");
        Path stream = server.installApp("stream.java", "stream");
        Path big = server.installApp("big.java", "big");
        featuresScript = server.installApp("features.java", "features");
        Path pid = server.installApp("pid.java", "pid");
        server.config("""
                SetEnv MARKER_DIR @ROOT@/markers
                JvmScriptAlias /stream %s
                JvmScriptAlias /big %s
                JvmScriptAlias /features %s
                JvmScriptAlias /pid %s
                """.formatted(stream, big, featuresScript, pid)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String readLine(InputStream body) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = body.read()) >= 0) {
            line.write(c);
            if (c == '\n') {
                break;
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    boolean awaitFile(Path p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(p)) {
                return true;
            }
            ApacheServer.sleep(20);
        }
        return Files.exists(p);
    }

    @Test
    void chunksArriveAsTheAppProducesThem() throws Exception {
        // the app sends "chunk 0", then sleeps 2 s before each of the two next chunks
        try (RawHttp c = RawHttp.connect(server.port())) {
            long t0 = System.nanoTime();
            c.sendHead("GET", "/stream?n=3&sleep=2000&tag=timing", "Connection: close");
            RawHttp.Head head = c.readHead();
            assertEquals(200, head.status(), head::toString);
            InputStream body = c.body(head, false);
            String first = readLine(body);
            long tFirst = System.nanoTime();
            assertEquals("chunk 0\n", first);
            String rest = new String(body.readAllBytes(), StandardCharsets.US_ASCII);
            long tEnd = System.nanoTime();
            assertEquals("chunk 1\nchunk 2\n", rest);
            long firstMs = (tFirst - t0) / 1_000_000;
            long endMs = (tEnd - t0) / 1_000_000;
            assertTrue(endMs >= 3500, "the app sleeps 2 x 2 s, response took only " + endMs + " ms");
            assertTrue(endMs - firstMs >= 3000, "first chunk must arrive well before the end: first after "
                    + firstMs + " ms, end after " + endMs + " ms");
        }
        assertTrue(awaitFile(server.markers().resolve("closed-timing"), Duration.ofSeconds(10)),
                "close() of the body iterable called after a normal response");
    }

    @Test
    void hundredMegabytesWithContentLengthFromDirectBuffers() throws Exception {
        long size = 100L * 1024 * 1024;
        checkPattern("/big?size=" + size + "&cl=1&chunk=1048576&direct=1", size, true);
    }

    @Test
    void tenMegabytesChunkedFromByteArrays() throws Exception {
        long size = 10L * 1024 * 1024 + 17;
        checkPattern("/big?size=" + size + "&chunk=65536", size, false);
    }

    private void checkPattern(String target, long size, boolean withLength) throws Exception {
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.sendHead("GET", target, "Connection: close");
            RawHttp.Head head = c.readHead();
            assertEquals(200, head.status(), head::toString);
            if (withLength) {
                assertEquals(size, head.contentLength(), head::toString);
            }
            InputStream body = c.body(head, false);
            byte[] buf = new byte[1 << 16];
            long pos = 0;
            int n;
            while ((n = body.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != (byte) ((pos + i) % 251)) {
                        throw new AssertionError("wrong byte at offset " + (pos + i));
                    }
                }
                pos += n;
            }
            assertEquals(size, pos, "body length");
        }
    }

    @Test
    void clientDisconnectClosesTheIterableAndFreesTheThread() throws Exception {
        // more disconnects than worker threads (16): if a thread stayed stuck in a dead
        // stream, the last requests would find no thread and their markers would never appear
        for (int i = 0; i < 20; i++) {
            String tag = "dc" + i;
            try (RawHttp c = RawHttp.connect(server.port())) {
                // 3000 chunks 10 ms apart: 30 s if the module never noticed the client left
                c.sendHead("GET", "/stream?n=3000&sleep=10&tag=" + tag);
                RawHttp.Head head = c.readHead();
                assertEquals(200, head.status(), head::toString);
                assertEquals("chunk 0\n", readLine(c.body(head, false)));
                c.abort();
            }
            Path marker = server.markers().resolve("closed-" + tag);
            assertTrue(awaitFile(marker, Duration.ofSeconds(20)),
                    "close() not called within 20 s after the client of request " + i + " went away");
            String produced = Files.readString(marker).trim();
            int chunks = Integer.parseInt(produced.substring("produced=".length()));
            assertTrue(chunks < 3000, "the app stopped being iterated after the disconnect: " + produced);
        }
        assertTrue(server.errorLog().contains("STREAM-CLOSED tag=dc19"), "jvm.errors line of the close()");
        RawHttp.Response r = RawHttp.get(server.port(), "/pid");
        assertEquals(200, r.status(), r::toString);
        assertTrue(server.crashLines().isEmpty(), () -> "crash in the error log: " + server.crashLines());
    }

    @Test
    void exceptionAfterTheFirstChunkTruncatesTheResponse() {
        // the head has been sent: the module can no longer answer 500, it must abort the
        // connection so the client sees a truncated reply, never a complete wrong one (as mod_wsgi)
        long mark = server.errorLogMark();
        RawHttp.Response r = RawHttp.get(server.port(), "/stream?n=3&after=throw&tag=trunc");
        assertEquals(200, r.status(), r::toString);
        assertFalse(r.complete(), () -> "the response must be cut short: " + r);
        assertEquals("chunk 0\n", r.latin1());
        String log = server.awaitErrorLog(mark, "stream-failure-after-first-chunk trunc", Duration.ofSeconds(10));
        assertTrue(log.contains("stream-failure-after-first-chunk trunc"), log);
        assertTrue(awaitFile(server.markers().resolve("closed-trunc"), Duration.ofSeconds(10)),
                "close() called after the exception");
    }

    @Test
    void startWithExcInfoAfterTheHeadWasSentRethrowsAndAborts() {
        // PEP 3333: once the head is sent, start_response(..., exc_info) re-raises exc_info;
        // the response can no longer change, so the connection is aborted
        long mark = server.errorLogMark();
        RawHttp.Response r = RawHttp.get(server.port(), "/stream?n=3&after=excinfo&tag=lateexc");
        assertEquals(200, r.status(), r::toString);
        assertFalse(r.complete(), () -> "the response must be cut short: " + r);
        assertEquals("chunk 0\n", r.latin1(), "nothing after the first chunk");
        String log = server.awaitErrorLog(mark, "late-excinfo lateexc", Duration.ofSeconds(10));
        assertTrue(log.contains("late-excinfo lateexc"), () -> "the rethrown excInfo is logged:\n" + log);
        assertTrue(awaitFile(server.markers().resolve("closed-lateexc"), Duration.ofSeconds(10)), "close() called");
    }

    @Test
    void bodyShorterThanContentLengthIsCutShort() {
        // the client must see a short (broken) response, never a complete-looking one
        long mark = server.errorLogMark();
        RawHttp.Response r = RawHttp.get(server.port(), "/big?size=100000&cl=1&clextra=100");
        assertEquals(200, r.status(), r::toString);
        assertEquals("100100", r.header("Content-Length"));
        assertFalse(r.complete(), () -> "a body shorter than its Content-Length must not look complete: " + r);
        assertEquals(100000, r.body().length);
        String log = server.awaitErrorLog(mark, "JVM\\d{5}: .*100000", Duration.ofSeconds(10));
        assertTrue(log.matches("(?s).*JVM\\d{5}: .*100000.*"), () -> "logged with the sizes:\n" + log);
    }

    @Test
    void bytesBeyondContentLengthAreDropped() throws Exception {
        long mark = server.errorLogMark();
        try (RawHttp c = RawHttp.connect(server.port())) {
            c.sendHead("GET", "/big?size=100000&cl=1&clextra=-100");
            RawHttp.Response r = c.readResponse();
            assertEquals(200, r.status(), r::toString);
            assertTrue(r.complete(), r::toString);
            assertEquals(99900, r.body().length);
            for (int i = 0; i < r.body().length; i++) {
                assertEquals((byte) (i % 251), r.body()[i], "byte " + i);
            }
            // the excess must not leak into the connection as the start of a next response
            RawHttp.Response next;
            try {
                c.sendHead("GET", "/pid", "Connection: close");
                next = c.readResponse();
            } catch (java.io.UncheckedIOException closed) {
                next = null; // the server closed the connection after the response: acceptable
            }
            if (next != null) {
                RawHttp.Response n = next;
                assertEquals(200, n.status(), n::toString);
                assertTrue(n.text().matches("\\d+"), n::toString);
            }
        }
        String log = server.awaitErrorLog(mark, "JVM\\d{5}: ", Duration.ofSeconds(10));
        assertTrue(log.matches("(?s).*JVM\\d{5}: .*"), () -> "the excess is logged:\n" + log);
    }

    @Test
    void writeCallableOutputPrecedesTheReturnedBody() {
        RawHttp.Response r = RawHttp.get(server.port(), "/features?case=write");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.complete(), r::toString);
        assertEquals("one,two,three", r.text());
    }

    @Test
    void fileWrapperStreamsTheFile() throws IOException {
        RawHttp.Response r = RawHttp.get(server.port(), "/features?case=file");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.complete(), r::toString);
        assertArrayEquals(Files.readAllBytes(featuresScript), r.body());
    }
}
