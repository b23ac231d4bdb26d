package org.modjvm.runtime.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.modjvm.Application;
import org.modjvm.Environ;
import org.modjvm.FileWrapper;
import org.modjvm.StartResponse;
import org.modjvm.Write;
import org.modjvm.runtime.apps.LoadedApplication;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.wire.Frames;
import org.modjvm.runtime.wire.TestFrames;

class RequestHandlerTest {
    private static final List<Map.Entry<String, String>> TEXT = List.of(Map.entry("Content-Type", "text/plain"));

    private final FakeTransport serverLog = new FakeTransport();

    private TestRuntime.Outcome run(Application application) {
        return run(application, TestFrames.environ("/srv/app.java", "/hello"), 0);
    }

    private TestRuntime.Outcome run(Application application, Map<String, String> environ, int flags) {
        return TestRuntime.run(TestRuntime.fixed(application, serverLog), environ, flags, 1, 1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An iterable that is not a Collection and records whether it was closed. */
    static final class Chunks implements Iterable<Object>, AutoCloseable {
        final List<Object> chunks;
        final AtomicInteger produced = new AtomicInteger();
        boolean closed;
        RuntimeException failAt;
        int failIndex = -1;

        Chunks(Object... chunks) {
            this.chunks = List.of(chunks);
        }

        @Override
        public Iterator<Object> iterator() {
            return new Iterator<>() {
                int index;

                @Override
                public boolean hasNext() {
                    return index < chunks.size() || index == failIndex;
                }

                @Override
                public Object next() {
                    if (index == failIndex) {
                        index++;
                        throw failAt;
                    }
                    produced.incrementAndGet();
                    return chunks.get(index++);
                }
            };
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    // ---- environ -------------------------------------------------------------------------

    @Test
    void environHoldsCgiVariablesAndJvmEntries() {
        AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
        Map<String, String> environ = TestFrames.environ("/srv/app.java", "/caf%C3%A9");
        environ.put("PATH_INFO", "/caf\u00c3\u00a9"); // the raw UTF-8 bytes of "/café", one char per byte
        environ.put("HTTPS", "on");
        TestRuntime.Outcome outcome = run((env, sr) -> {
            seen.set(new java.util.HashMap<>(env));
            sr.start("200 OK", TEXT);
            return List.of(bytes("x"));
        }, environ, 0);
        assertEquals(0, outcome.result());
        Map<String, Object> env = seen.get();
        assertEquals("GET", env.get("REQUEST_METHOD"));
        assertEquals("", env.get("SCRIPT_NAME"));
        assertEquals("/caf\u00e9", new String(((String) env.get("PATH_INFO")).getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8));
        assertEquals("localhost|", env.get(Environ.APPLICATION_GROUP));
        assertEquals(List.of(1, 0), env.get(Environ.VERSION));
        assertEquals("https", env.get(Environ.URL_SCHEME));
        assertInstanceOf(InputStream.class, env.get(Environ.INPUT));
        assertEquals(Boolean.TRUE, env.get(Environ.INPUT_TERMINATED));
        assertInstanceOf(PrintStream.class, env.get(Environ.ERRORS));
        assertEquals(Boolean.TRUE, env.get(Environ.MULTITHREAD));
        assertEquals(Boolean.FALSE, env.get(Environ.MULTIPROCESS));
        assertEquals(Boolean.FALSE, env.get(Environ.RUN_ONCE));
        assertInstanceOf(FileWrapper.class, env.get(Environ.FILE_WRAPPER));
        assertEquals("", env.get(Environ.PROCESS_GROUP));
    }

    @Test
    void urlSchemePrefersRequestScheme() {
        AtomicReference<Object> scheme = new AtomicReference<>();
        Application app = (env, sr) -> {
            scheme.set(env.get(Environ.URL_SCHEME));
            sr.start("204 No Content", List.of());
            return List.of();
        };
        Map<String, String> environ = TestFrames.environ("/srv/app.java", "/");
        run(app, environ, 0);
        assertEquals("http", scheme.get());
        environ.put("HTTPS", "ON");
        run(app, environ, 0);
        assertEquals("https", scheme.get());
        environ.put("REQUEST_SCHEME", "http");
        run(app, environ, 0);
        assertEquals("http", scheme.get());
    }

    @Test
    void environIsFreshPerRequest() {
        List<Map<String, Object>> seen = new ArrayList<>();
        Application app = (env, sr) -> {
            seen.add(env);
            env.put("mine", "x");
            sr.start("200 OK", TEXT);
            return List.of();
        };
        run(app);
        run(app);
        assertTrue(seen.get(0) != seen.get(1));
    }

    @Test
    void malformedFrameIsA500() {
        FakeTransport transport = new FakeTransport();
        byte[] frame = TestFrames.request(0, 0, 0, TestFrames.environ("/srv/a.java", "/"));
        frame[0] = 'X';
        int result = new RequestHandler(TestRuntime.fixed((e, s) -> List.of(), serverLog), transport).handle(frame, frame.length);
        assertEquals(500, result);
        assertTrue(transport.logged(Log.ERR, "JVM01010: invalid request frame"), transport.logText());
        // truncated: the kv block claims more than there is
        byte[] good = TestFrames.request(0, 0, 0, TestFrames.environ("/srv/a.java", "/"));
        assertEquals(500, new RequestHandler(TestRuntime.fixed((e, s) -> List.of(), serverLog), transport)
                .handle(good, good.length - 3));
    }

    // ---- simple responses --------------------------------------------------------------------

    @Test
    void sendsStatusHeadersInOrderAndBody() {
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("201 Created", List.of(Map.entry("Content-Type", "text/plain"), Map.entry("Set-Cookie", "a=1"),
                    Map.entry("Set-Cookie", "b=2"), Map.entry("X-Latin", "caf\u00e9\tok")));
            return List.of(bytes("hello "), bytes("world"));
        });
        assertEquals(0, outcome.result());
        TestFrames.Head head = outcome.transport().head();
        assertEquals(201, head.status());
        assertEquals("201 Created", head.statusLine());
        assertEquals(List.of(Map.entry("Content-Type", "text/plain"), Map.entry("Set-Cookie", "a=1"),
                Map.entry("Set-Cookie", "b=2"), Map.entry("X-Latin", "caf\u00e9\tok")), head.headers());
        assertEquals("hello world", outcome.body());
    }

    @Test
    void headWaitsForTheFirstNonEmptyChunk() {
        FakeTransport transport = new FakeTransport();
        AtomicInteger writesBeforeSecondChunk = new AtomicInteger(-1);
        Iterable<byte[]> body = () -> new Iterator<>() {
            int index;

            @Override
            public boolean hasNext() {
                return index < 3;
            }

            @Override
            public byte[] next() {
                if (index == 2) {
                    writesBeforeSecondChunk.set(transport.writes.size());
                }
                return index++ < 2 ? new byte[0] : bytes("data");
            }
        };
        TestRuntime.Outcome outcome = TestRuntime.run(TestRuntime.fixed((env, sr) -> {
            sr.start("200 OK", TEXT);
            assertTrue(transport.writes.isEmpty(), "start_response must not send anything");
            return body;
        }, serverLog), transport, TestFrames.environ("/srv/a.java", "/"), 0, 0, 0);
        assertEquals(0, outcome.result());
        assertEquals(0, writesBeforeSecondChunk.get(), "empty chunks must not send the head");
        assertEquals(1, transport.writes.size());
        assertNotNull(transport.writes.get(0).head());
        assertEquals("data", outcome.body());
    }

    @Test
    void emptyBodySendsTheHeadAtTheEnd() {
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("204 No Content", List.of());
            return List.of(new byte[0], ByteBuffer.allocate(0));
        });
        assertEquals(0, outcome.result());
        assertEquals(1, outcome.transport().writes.size());
        FakeTransport.Sent only = outcome.transport().writes.get(0);
        assertNull(only.data());
        assertFalse(only.flush());
        assertEquals(204, outcome.status());
    }

    @Test
    void startResponseMayBeCalledDuringIteration() {
        // PEP 3333 allows a generator to call start_response on its first iteration
        TestRuntime.Outcome outcome = run((env, sr) -> () -> new Iterator<Object>() {
            boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public Object next() {
                sr.start("200 OK", TEXT);
                done = true;
                return bytes("lazy");
            }
        });
        assertEquals(0, outcome.result());
        assertEquals("lazy", outcome.body());
    }

    // ---- start_response validation -------------------------------------------------------------

    private String rejection(String status, List<Map.Entry<String, String>> headers) {
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        TestRuntime.Outcome outcome = run((env, sr) -> {
            try {
                sr.start(status, headers);
            } catch (RuntimeException e) {
                thrown.set(e);
                sr.start("200 OK", TEXT); // the failed call left no head: a valid one is still first
            }
            return List.of(bytes("ok"));
        });
        assertEquals(0, outcome.result());
        if (thrown.get() != null) {
            assertEquals(200, outcome.status());
        }
        return thrown.get() == null ? null : assertInstanceOf(IllegalArgumentException.class, thrown.get()).getMessage();
    }

    private static List<Map.Entry<String, String>> header(String name, String value) {
        return List.of(Map.entry(name, value));
    }

    @Test
    void invalidStatusesAreRejected() {
        for (String status : new String[] {"200", "200 ", "200OK", "20 OK", "2000 OK", "abc OK", "099 Low",
                "600 High", "100 Continue", "200 O\rK", "200 O\nK", "200 O\0K", "200 \u0100", " 200 OK"}) {
            assertNotNull(rejection(status, TEXT), "status " + status.replace("\r", "\\r").replace("\n", "\\n"));
        }
        assertTrue(rejection("20x OK", TEXT).contains("ddd reason"));
        assertNull(rejection("404 Not Found", TEXT));
        assertNull(rejection("599 \u00c9trange\treason", TEXT));
        assertThrows(IllegalArgumentException.class, () -> ResponseHead.of(null, TEXT));
    }

    @Test
    void invalidHeadersAreRejected() {
        String[][] bad = {
                {"X-Split", "a\r\nSet-Cookie: evil=1"}, {"X-Lf", "a\nb"}, {"X-Cr", "a\rb"}, {"X-Nul", "a\0b"},
                {"X-Bell", "a\u0007b"}, {"X-Del", "a\u007fb"}, {"X-Nel", "a\u0085b"}, {"X-C1", "a\u0080b"}, {"X-Wide", "\u20ac"},
                {"", "empty name"}, {"Bad Name", "v"}, {"Bad:Name", "v"}, {"X-\u00e9", "v"}, {"X(y)", "v"},
                {"Connection", "close"}, {"keep-alive", "timeout=5"}, {"Proxy-Authenticate", "x"},
                {"PROXY-AUTHORIZATION", "x"}, {"te", "trailers"}, {"Trailer", "x"}, {"Transfer-Encoding", "chunked"},
                {"Upgrade", "h2c"}};
        for (String[] header : bad) {
            String message = rejection("200 OK", header(header[0], header[1]));
            assertNotNull(message, "header " + header[0] + ": " + header[1]);
        }
        assertTrue(rejection("200 OK", header("X-Split", "a\r\nb")).contains("CR"));
        assertTrue(rejection("200 OK", header("Transfer-Encoding", "chunked")).contains("hop-by-hop"));
        assertTrue(rejection("200 OK", header("X-Wide", "\u20ac")).contains("U+20AC"));
        assertNotNull(rejection("200 OK", null));
        List<Map.Entry<String, String>> nullValue = new ArrayList<>();
        nullValue.add(new java.util.AbstractMap.SimpleEntry<>("X-Null", null));
        assertNotNull(rejection("200 OK", nullValue));
        assertNull(rejection("200 OK", header("X-Ok", "tab\there, latin \u00ff, obs \u00a0")));
        assertNull(rejection("200 OK", header("!#$%&'*+-.^_`|~09azAZ", "")));
    }

    @Test
    void invalidHeaderEscapingTheApplicationIsA500() {
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", header("X-Bad", "a\nb"));
            return List.of(bytes("never"));
        });
        assertEquals(500, outcome.result());
        assertTrue(outcome.transport().writes.isEmpty());
        assertTrue(outcome.transport().logged(Log.ERR, "JVM01100: exception in application /srv/app.java for GET /hello:"));
        assertTrue(outcome.transport().logged(Log.ERR, "IllegalArgumentException: header X-Bad has a LF"),
                outcome.transport().logText());
    }

    @Test
    void startTwiceWithoutExcInfoIsIllegal() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT);
            try {
                sr.start("404 Not Found", TEXT);
            } catch (IllegalStateException e) {
                thrown.set(e);
            }
            return List.of(bytes("first"));
        });
        assertInstanceOf(IllegalStateException.class, thrown.get());
        assertEquals(200, outcome.status());
    }

    @Test
    void excInfoBeforeTheHeadReplacesStatusAndHeaders() {
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", List.of(Map.entry("X-First", "1")));
            try {
                throw new IllegalStateException("boom");
            } catch (IllegalStateException e) {
                sr.start("500 Oops", List.of(Map.entry("X-Second", "2")), e);
                return List.of(bytes("error page"));
            }
        });
        assertEquals(0, outcome.result());
        TestFrames.Head head = outcome.transport().head();
        assertEquals("500 Oops", head.statusLine());
        assertNull(head.header("X-First"));
        assertEquals("2", head.header("X-Second"));
    }

    @Test
    void excInfoAfterTheHeadIsRethrownAndAbortsTheResponse() {
        AtomicReference<Throwable> rethrown = new AtomicReference<>();
        IOException cause = new IOException("checked failure");
        TestRuntime.Outcome outcome = run((env, sr) -> {
            Write write = sr.start("200 OK", TEXT);
            write.write(bytes("partial"));
            try {
                sr.start("500 Oops", TEXT, cause);
            } catch (Throwable t) {
                rethrown.set(t);
                throw t;
            }
            return List.of();
        });
        assertSame(cause, rethrown.get(), "the checked excInfo itself is rethrown");
        assertEquals(-1, outcome.result());
        assertEquals(200, outcome.status());
        assertTrue(outcome.transport().logged(Log.ERR, "java.io.IOException: checked failure"));
    }

    // ---- body chunks -------------------------------------------------------------------------

    @Test
    void byteBufferChunksUseTheRightWritesAndKeepTheirPosition() {
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.put(bytes("xxdirect")).flip().position(2);
        ByteBuffer heap = ByteBuffer.wrap(bytes("..heap-slice..")).position(2).limit(12).slice();
        ByteBuffer readOnly = ByteBuffer.wrap(bytes("read-only")).asReadOnlyBuffer();
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT);
            return List.of(direct, heap, readOnly, bytes("!"));
        });
        assertEquals(0, outcome.result());
        assertEquals("directheap-sliceread-only!", outcome.body());
        List<FakeTransport.Sent> writes = outcome.transport().writes;
        assertTrue(writes.get(0).direct());
        assertFalse(writes.get(1).direct());
        assertEquals(2, direct.position(), "a returned buffer is not consumed (it may be a shared constant)");
        assertEquals(0, heap.position());
    }

    @Test
    void wrongChunkTypeBeforeTheHeadIsA500NamingTheType() {
        Chunks body = new Chunks("a string");
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT);
            return body;
        });
        assertEquals(500, outcome.result());
        assertTrue(outcome.transport().logged(Log.ERR,
                "JVM01101: application /srv/app.java for GET /hello: body chunk of type java.lang.String: must be byte[] or ByteBuffer"),
                outcome.transport().logText());
        assertTrue(body.closed);
    }

    @Test
    void wrongChunkAfterTheHeadAbortsTheResponse() {
        List<Object> chunks = new ArrayList<>();
        chunks.add(bytes("good"));
        chunks.add(null);
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT);
            return chunks;
        });
        assertEquals(-1, outcome.result());
        assertTrue(outcome.transport().logged(Log.ERR, "body chunk null: must be byte[] or ByteBuffer"));
    }

    @Test
    void nullBodyIsA500() {
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT);
            return null;
        });
        assertEquals(500, outcome.result());
        assertTrue(outcome.transport().logged(Log.ERR, "application returned null"));
    }

    @Test
    void noStartResponseIsA500() {
        TestRuntime.Outcome outcome = run((env, sr) -> List.of());
        assertEquals(500, outcome.result());
        assertTrue(outcome.transport().logged(Log.ERR, "application returned without calling start_response"));
        TestRuntime.Outcome withChunk = run((env, sr) -> List.of(bytes("body")));
        assertEquals(500, withChunk.result());
        assertTrue(withChunk.transport().writes.isEmpty());
        assertTrue(withChunk.transport().logged(Log.ERR, "application returned without calling start_response"));
    }

    // ---- flushing ----------------------------------------------------------------------------

    @Test
    void collectionsFlushAllButTheLastChunk() {
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT);
            return List.of(bytes("a"), bytes("b"), bytes("c"));
        });
        assertEquals(List.of(true, true, false), outcome.transport().flushes());
    }

    @Test
    void otherIterablesFlushEveryChunk() {
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT);
            return new Chunks(bytes("a"), bytes("b"), bytes("c"));
        });
        assertEquals(List.of(true, true, true), outcome.transport().flushes());
    }

    @Test
    void writeSendsAndFlushesImmediately() {
        AtomicInteger writesAfterWrite = new AtomicInteger();
        FakeTransport transport = new FakeTransport();
        TestRuntime.run(TestRuntime.fixed((env, sr) -> {
            Write write = sr.start("200 OK", TEXT);
            write.write(bytes("now"));
            write.write(ByteBuffer.wrap(bytes(" and now")));
            writesAfterWrite.set(transport.writes.size());
            return List.of(bytes(" then"));
        }, serverLog), transport, TestFrames.environ("/srv/a.java", "/"), 0, 0, 0);
        assertEquals(2, writesAfterWrite.get());
        assertEquals(List.of(true, true, false), transport.flushes());
        assertEquals("now and now then", transport.bodyText());
    }

    @Test
    void emptyWriteSendsTheHead() {
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT).write(new byte[0]);
            return List.of();
        });
        assertEquals(1, outcome.transport().writes.size());
        assertTrue(outcome.transport().writes.get(0).flush());
    }

    // ---- close, errors, client gone --------------------------------------------------------------

    @Test
    void closeIsCalledAfterANormalResponse() {
        Chunks body = new Chunks(bytes("a"));
        assertEquals(0, run((env, sr) -> {
            sr.start("200 OK", TEXT);
            return body;
        }).result());
        assertTrue(body.closed);
    }

    @Test
    void closeIsCalledWhenIterationFailsAndTheFailureIsLoggedWithItsTrace() {
        Chunks body = new Chunks(bytes("a"), bytes("b"));
        body.failIndex = 1;
        body.failAt = new IllegalStateException("iteration broke");
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT);
            return body;
        });
        assertEquals(-1, outcome.result(), "the head was sent: abort");
        assertTrue(body.closed);
        assertTrue(outcome.transport().logged(Log.ERR, "JVM01100: java.lang.IllegalStateException: iteration broke"));
        assertTrue(outcome.transport().logged(Log.ERR, "JVM01100: \tat "), "stack trace lines are logged");
    }

    @Test
    void closeIsCalledWhenTheClientGoesAndIterationStops() {
        FakeTransport transport = new FakeTransport();
        transport.clientGoneFromWrite = 1; // the second write fails
        Chunks body = new Chunks(bytes("a"), bytes("b"), bytes("c"), bytes("d"));
        TestRuntime.Outcome outcome = TestRuntime.run(TestRuntime.fixed((env, sr) -> {
            sr.start("200 OK", TEXT);
            return body;
        }, serverLog), transport, TestFrames.environ("/srv/a.java", "/gone"), 0, 0, 0);
        assertEquals(0, outcome.result());
        assertEquals(2, body.produced.get(), "no chunk is produced after the client went away");
        assertEquals(2, transport.writes.size());
        assertTrue(body.closed);
        assertTrue(transport.logged(Log.INFO, "JVM01105: client went away during GET /gone"));
        assertFalse(transport.logs.stream().anyMatch(line -> line.level() <= Log.WARNING), transport.logText());
    }

    @Test
    void writeReportsAGoneClientWithAnIOException() {
        FakeTransport transport = new FakeTransport();
        transport.clientGoneFromWrite = 0;
        AtomicReference<Throwable> first = new AtomicReference<>();
        AtomicReference<Throwable> second = new AtomicReference<>();
        TestRuntime.Outcome outcome = TestRuntime.run(TestRuntime.fixed((env, sr) -> {
            Write write = sr.start("200 OK", TEXT);
            try {
                write.write(bytes("a"));
            } catch (IOException e) {
                first.set(e);
            }
            try {
                write.write(bytes("b"));
            } catch (IOException e) {
                second.set(e);
            }
            return List.of(bytes("c"));
        }, serverLog), transport, TestFrames.environ("/srv/a.java", "/"), 0, 0, 0);
        assertInstanceOf(IOException.class, first.get());
        assertInstanceOf(IOException.class, second.get());
        assertEquals(1, transport.writes.size(), "nothing is written after the client went away");
        assertEquals(0, outcome.result());
    }

    // ---- HEAD -------------------------------------------------------------------------------------

    private TestRuntime.Outcome runHead(Application application, FakeTransport transport) {
        Map<String, String> environ = TestFrames.environ("/srv/a.java", "/head");
        environ.put("REQUEST_METHOD", "HEAD");
        return TestRuntime.run(TestRuntime.fixed(application, serverLog), transport, environ, Frames.FLAG_HEADER_ONLY,
                0, 0);
    }

    /** A stream that must not be asked for anything after its first chunk. */
    static final class EndlessStream implements Iterable<byte[]>, AutoCloseable {
        final AtomicInteger produced = new AtomicInteger();
        final AtomicInteger hasNextCalls = new AtomicInteger();
        boolean closed;

        @Override
        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    if (hasNextCalls.incrementAndGet() > 1) {
                        throw new AssertionError("asked for more after the head of a HEAD response was out");
                    }
                    return true;
                }

                @Override
                public byte[] next() {
                    return bytes("event " + produced.getAndIncrement());
                }
            };
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void headStopsAStreamAtItsFirstChunkAndClosesIt() {
        FakeTransport transport = new FakeTransport();
        EndlessStream body = new EndlessStream();
        TestRuntime.Outcome outcome = runHead((env, sr) -> {
            sr.start("200 OK", TEXT);
            return body;
        }, transport);
        assertEquals(0, outcome.result(), transport.logText());
        assertEquals(1, body.produced.get());
        assertEquals(1, body.hasNextCalls.get(), "hasNext() is not called again: a stream may block in it");
        assertTrue(body.closed);
        assertEquals(1, transport.writes.size());
        assertNotNull(transport.writes.get(0).head());
        assertTrue(transport.writes.get(0).flush(), "the first chunk goes out as in GET: with its flush");
        assertFalse(transport.logs.stream().anyMatch(line -> line.level() <= Log.INFO), transport.logText());
    }

    @Test
    void headSendsAOneChunkCollectionAsGetDoes() {
        // unflushed and followed by the end: Apache computes the Content-Length it computes for GET
        FakeTransport transport = new FakeTransport();
        runHead((env, sr) -> {
            sr.start("200 OK", TEXT);
            return List.of(bytes("whole"));
        }, transport);
        assertEquals(List.of(false), transport.flushes());
        assertEquals("whole", transport.bodyText());
    }

    @Test
    void headStopsACollectionAtItsFirstFlushedChunk() {
        FakeTransport transport = new FakeTransport();
        Chunks body = new Chunks(bytes("a"), bytes("b"), bytes("c"));
        Iterable<Object> list = new java.util.AbstractList<>() {
            @Override
            public Object get(int index) {
                body.produced.incrementAndGet();
                return body.chunks.get(index);
            }

            @Override
            public int size() {
                return body.chunks.size();
            }
        };
        assertEquals(0, runHead((env, sr) -> {
            sr.start("200 OK", TEXT);
            return list;
        }, transport).result());
        assertEquals(1, body.produced.get());
        assertEquals(List.of(true), transport.flushes());
    }

    @Test
    void headEmptyBodySendsTheHeadAtTheEnd() {
        FakeTransport transport = new FakeTransport();
        runHead((env, sr) -> {
            sr.start("200 OK", TEXT);
            return List.of();
        }, transport);
        assertEquals(1, transport.writes.size());
        assertNull(transport.writes.get(0).data());
        assertFalse(transport.writes.get(0).flush());
    }

    @Test
    void headWriteAfterTheHeadThrowsAndTheBodyIsNotIterated() {
        FakeTransport transport = new FakeTransport();
        AtomicReference<Throwable> second = new AtomicReference<>();
        AtomicReference<Throwable> third = new AtomicReference<>();
        Chunks body = new Chunks(bytes("later"));
        TestRuntime.Outcome outcome = runHead((env, sr) -> {
            Write write = sr.start("200 OK", TEXT);
            write.write(bytes("first"));
            try {
                write.write(bytes("second"));
            } catch (IOException e) {
                second.set(e);
            }
            try {
                write.write(ByteBuffer.wrap(bytes("third")));
            } catch (IOException e) {
                third.set(e);
            }
            write.write(new byte[0]); // the head is sent: nothing to do, no exception
            return body;
        }, transport);
        assertEquals(0, outcome.result());
        assertInstanceOf(IOException.class, second.get());
        assertTrue(second.get().getMessage().contains("HEAD"), second.get().getMessage());
        assertInstanceOf(IOException.class, third.get());
        assertEquals(1, transport.writes.size());
        assertEquals("first", transport.bodyText());
        assertEquals(0, body.produced.get(), "the returned body is not iterated");
        assertTrue(body.closed);
    }

    @Test
    void headWriteLoopEndedByItsIOExceptionIsNoError() {
        FakeTransport transport = new FakeTransport();
        TestRuntime.Outcome outcome = runHead((env, sr) -> {
            Write write = sr.start("200 OK", TEXT);
            for (int i = 0; i < 1000; i++) { // "endless": bounded, so the test ends without the fix too
                write.write(bytes("event"));
            }
            return List.of();
        }, transport);
        assertEquals(0, outcome.result());
        assertEquals(1, transport.writes.size());
        assertFalse(transport.logs.stream().anyMatch(line -> line.level() <= Log.INFO), transport.logText());
    }

    @Test
    void getIsNotStoppedAfterItsFirstChunk() {
        Chunks body = new Chunks(bytes("a"), bytes("b"), bytes("c"));
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT);
            return body;
        });
        assertEquals(3, body.produced.get());
        assertEquals("abc", outcome.body());
    }

    @Test
    void closeExceptionsAreLogged() {
        class FailingClose extends ArrayList<byte[]> implements AutoCloseable {
            private static final long serialVersionUID = 1L;

            @Override
            public void close() {
                throw new IllegalStateException("close broke");
            }
        }
        FailingClose body = new FailingClose();
        body.add(bytes("ok"));
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT);
            return body;
        });
        assertEquals(0, outcome.result());
        assertEquals("ok", outcome.body());
        assertTrue(outcome.transport().logged(Log.ERR, "JVM01104: exception closing the body"));
        assertTrue(outcome.transport().logged(Log.ERR, "close broke"));
    }

    @Test
    void anExceptionBeforeTheHeadIsA500WithTheTraceOneLinePerLine() {
        TestRuntime.Outcome outcome = run((env, sr) -> {
            throw new IllegalArgumentException("bad input\nsecond line");
        });
        assertEquals(500, outcome.result());
        List<FakeTransport.Line> logs = outcome.transport().logs;
        assertEquals("JVM01100: exception in application /srv/app.java for GET /hello:", logs.get(0).text());
        assertEquals("JVM01100: java.lang.IllegalArgumentException: bad input", logs.get(1).text());
        assertEquals("JVM01100: second line", logs.get(2).text());
        assertTrue(logs.size() > 3);
        assertTrue(logs.stream().allMatch(line -> line.text().startsWith("JVM01100: ") && line.level() == Log.ERR));
    }

    @Test
    void errorsLikeStackOverflowAndOutOfMemoryAreCaught() {
        TestRuntime.Outcome overflow = run((env, sr) -> {
            throw new StackOverflowError();
        });
        assertEquals(500, overflow.result());
        assertTrue(overflow.transport().logs.size() <= Log.MAX_TRACE_LINES + 3);
        TestRuntime.Outcome oom = run((env, sr) -> {
            throw new OutOfMemoryError("Java heap space");
        });
        assertEquals(500, oom.result());
        assertTrue(oom.transport().logged(Log.ERR, "java.lang.OutOfMemoryError: Java heap space"));
    }

    @Test
    void realStackOverflowIsCaughtAndTheTraceTruncated() {
        TestRuntime.Outcome outcome = run(new Application() {
            int depth(int n) {
                return depth(n + 1) + 1;
            }

            @Override
            public Iterable<?> call(Map<String, Object> environ, StartResponse startResponse) {
                depth(0);
                return List.of();
            }
        });
        assertEquals(500, outcome.result());
        assertTrue(outcome.transport().logged(Log.ERR, "more lines"), "a 1024-frame trace is cut");
    }

    // ---- thread confinement ------------------------------------------------------------------------

    @Test
    void requestObjectsAreDeadAfterTheRequest() throws Exception {
        AtomicReference<StartResponse> keptStart = new AtomicReference<>();
        AtomicReference<Write> keptWrite = new AtomicReference<>();
        AtomicReference<InputStream> keptInput = new AtomicReference<>();
        run((env, sr) -> {
            keptStart.set(sr);
            keptWrite.set(sr.start("200 OK", TEXT));
            keptInput.set((InputStream) env.get(Environ.INPUT));
            return List.of();
        });
        assertThrows(IllegalStateException.class, () -> keptStart.get().start("200 OK", TEXT));
        assertThrows(IllegalStateException.class, () -> keptWrite.get().write(bytes("late")));
        assertThrows(IllegalStateException.class, () -> keptInput.get().read());
    }

    @Test
    void requestObjectsRefuseOtherThreads() {
        AtomicReference<Throwable> fromOtherThread = new AtomicReference<>();
        TestRuntime.Outcome outcome = run((env, sr) -> {
            Write write = sr.start("200 OK", TEXT);
            Thread other = new Thread(() -> {
                try {
                    write.write(bytes("from elsewhere"));
                } catch (Throwable t) {
                    fromOtherThread.set(t);
                }
            });
            other.start();
            other.join();
            return List.of(bytes("mine"));
        });
        assertInstanceOf(IllegalStateException.class, fromOtherThread.get());
        assertEquals("mine", outcome.body());
    }

    // ---- input -----------------------------------------------------------------------------------

    @Test
    void inputStreamsTenMegabytesInBlocks() {
        byte[] upload = new byte[10 * 1024 * 1024 + 17];
        new Random(42).nextBytes(upload);
        FakeTransport transport = new FakeTransport();
        transport.body = upload;
        transport.readChunk = 65536; // C hands over what the input filters have
        AtomicReference<byte[]> received = new AtomicReference<>();
        TestRuntime.run(TestRuntime.fixed((env, sr) -> {
            InputStream in = (InputStream) env.get(Environ.INPUT);
            int first = in.read();
            byte[] rest = in.readAllBytes();
            assertEquals(-1, in.read());
            assertEquals(-1, in.read(new byte[10], 0, 10));
            byte[] all = new byte[rest.length + 1];
            all[0] = (byte) first;
            System.arraycopy(rest, 0, all, 1, rest.length);
            received.set(all);
            sr.start("200 OK", TEXT);
            return List.of();
        }, serverLog), transport, TestFrames.environ("/srv/a.java", "/"), Frames.FLAG_HAS_BODY, 0, 0);
        assertArrayEquals(upload, received.get());
        assertTrue(transport.reads < upload.length / 8192 + 10, "read in blocks, not per byte: " + transport.reads);
    }

    @Test
    void inputSmallReadsAreBuffered() throws Exception {
        FakeTransport transport = new FakeTransport();
        transport.body = bytes("name=value&x=1");
        AtomicReference<String> text = new AtomicReference<>();
        TestRuntime.run(TestRuntime.fixed((env, sr) -> {
            InputStream in = (InputStream) env.get(Environ.INPUT);
            StringBuilder out = new StringBuilder();
            for (int b; (b = in.read()) >= 0; ) {
                out.append((char) b);
            }
            text.set(out.toString());
            sr.start("200 OK", TEXT);
            return List.of();
        }, serverLog), transport, TestFrames.environ("/srv/a.java", "/"), Frames.FLAG_HAS_BODY, 0, 0);
        assertEquals("name=value&x=1", text.get());
        assertEquals(2, transport.reads, "one read for the data, one for the end");
    }

    @Test
    void inputWithoutBodyEndsWithoutAskingTheServer() {
        FakeTransport transport = new FakeTransport();
        AtomicInteger read = new AtomicInteger(99);
        TestRuntime.run(TestRuntime.fixed((env, sr) -> {
            read.set(((InputStream) env.get(Environ.INPUT)).read(new byte[100]));
            sr.start("200 OK", TEXT);
            return List.of();
        }, serverLog), transport, TestFrames.environ("/srv/a.java", "/"), 0, 0, 0);
        assertEquals(-1, read.get());
        assertEquals(0, transport.reads);
    }

    @Test
    void inputErrorIsAnIOException() {
        FakeTransport transport = new FakeTransport();
        transport.readFails = true;
        TestRuntime.Outcome outcome = TestRuntime.run(TestRuntime.fixed((env, sr) -> {
            ((InputStream) env.get(Environ.INPUT)).readAllBytes();
            sr.start("200 OK", TEXT);
            return List.of();
        }, serverLog), transport, TestFrames.environ("/srv/a.java", "/"), Frames.FLAG_HAS_BODY, 0, 0);
        assertEquals(500, outcome.result());
        assertTrue(transport.logged(Log.ERR, "java.io.IOException: the request body could not be read"));
    }

    // ---- jvm.errors, file wrapper ------------------------------------------------------------

    @Test
    void errorsStreamLinesGoToTheRequestLog() {
        AtomicReference<PrintStream> kept = new AtomicReference<>();
        TestRuntime.Outcome outcome = run((env, sr) -> {
            PrintStream errors = (PrintStream) env.get(Environ.ERRORS);
            kept.set(errors);
            errors.println("first line");
            errors.print("two\nparts, no newline");
            sr.start("200 OK", TEXT);
            return List.of();
        });
        List<String> lines = new ArrayList<>();
        for (FakeTransport.Line line : outcome.transport().logs) {
            assertEquals(Log.ERR, line.level());
            lines.add(line.text());
        }
        assertEquals(List.of("first line", "two", "parts, no newline"), lines);
        kept.get().println("after the request");
        assertTrue(serverLog.logged(Log.ERR, "after the request"), "late lines go to the server log");
    }

    @Test
    void fileWrapperReadsBlocksAndCloseClosesTheStream() {
        AtomicBoolean streamClosed = new AtomicBoolean();
        byte[] content = new byte[20000];
        new Random(1).nextBytes(content);
        InputStream stream = new ByteArrayInputStream(content) {
            @Override
            public void close() {
                streamClosed.set(true);
            }
        };
        TestRuntime.Outcome outcome = run((env, sr) -> {
            sr.start("200 OK", TEXT);
            return ((FileWrapper) env.get(Environ.FILE_WRAPPER)).wrap(stream, 8192);
        });
        assertEquals(0, outcome.result());
        assertEquals(3, outcome.transport().writes.size());
        assertEquals(8192, outcome.transport().writes.get(0).data().length);
        assertEquals(20000 - 16384, outcome.transport().writes.get(2).data().length);
        assertArrayEquals(content, outcome.body().getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(streamClosed.get());
        assertThrows(IllegalArgumentException.class, () -> StreamFileWrapper.INSTANCE.wrap(stream, 0));
    }

    // ---- logging levels ------------------------------------------------------------------------

    @Test
    void infoMessagesAreNotBuiltBelowTheLogLevel() {
        FakeTransport transport = new FakeTransport();
        transport.clientGoneFromWrite = 0;
        RuntimeContext quiet = new RuntimeContext(TestRuntime.config(Log.WARNING, null, -1), new Log(serverLog, Log.WARNING),
                (request, log) -> LoadedApplication.of((env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return List.of(bytes("x"));
                }, null));
        assertEquals(0, TestRuntime.run(quiet, transport, TestFrames.environ("/srv/a.java", "/"), 0, 0, 0).result());
        assertTrue(transport.logs.isEmpty(), transport.logText());
    }

    @Test
    void applicationRunsWithItsClassLoaderAsContextLoader() {
        ClassLoader mine = new ClassLoader(null) {
        };
        AtomicReference<ClassLoader> seen = new AtomicReference<>();
        RuntimeContext context = new RuntimeContext(TestRuntime.config(Log.DEBUG, null, -1), new Log(serverLog, Log.DEBUG),
                (request, log) -> LoadedApplication.of((env, sr) -> {
                    seen.set(Thread.currentThread().getContextClassLoader());
                    sr.start("200 OK", TEXT);
                    return List.of();
                }, mine));
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        TestRuntime.run(context, TestFrames.environ("/srv/a.java", "/"), 0, 0, 0);
        assertSame(mine, seen.get());
        assertSame(before, Thread.currentThread().getContextClassLoader());
    }
}
