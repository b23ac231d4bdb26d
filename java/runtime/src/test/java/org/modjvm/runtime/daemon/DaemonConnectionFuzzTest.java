package org.modjvm.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modjvm.Application;
import org.modjvm.Environ;
import org.modjvm.Write;
import org.modjvm.runtime.core.FakeTransport;
import org.modjvm.runtime.core.SettingKeys;
import org.modjvm.runtime.core.TestRuntime;
import org.modjvm.runtime.wire.Frames;
import org.modjvm.runtime.wire.FramesFuzzTest;
import org.modjvm.runtime.wire.TestFrames;

/**
 * Fuzzes the daemon side of the socket protocol ({@link DaemonConnection}, docs/internals.md
 * "Daemon mode: the socket protocol"): random and mutated byte streams from "Apache" go into a
 * real connection over a UNIX socket pair, with the real request core and a small application
 * behind it (reads its body, sometimes streams, sometimes fails).
 *
 * <p>Properties, for every stream: the connection ends (no hang) once the stream ends; no
 * exception escapes it and none is logged as unexpected (JVM01312); it allocates no more than
 * the 16 MiB message limit allows, whatever a length field says; a stream without the right
 * HELLO gets no reply byte; and everything the daemon sends is accepted by the C side's checks
 * (message lengths and types as {@code jvm_msg_reply_check}, heads as {@code jvm_head_decode},
 * nothing after an END whose result is not 0, no partial message).
 *
 * <p>The seed is fixed; {@code -Dmodjvm.fuzz.seed=N} runs another ({@code random}: a new one,
 * printed), {@code -Dmodjvm.fuzz.iterations=N} (default 400) makes it longer.
 */
class DaemonConnectionFuzzTest {
    /** Fixed by default (CI stays deterministic); {@code -Dmodjvm.fuzz.seed=random} explores. */
    private static final long SEED = seed();
    private static final int ITERATIONS = Integer.getInteger("modjvm.fuzz.iterations", 400);
    private static final int HEAD = 3, DATA = 4, READ = 5, LOG = 8, END = 9, GOODBYE = 10;
    private static final long MAX = DaemonConnection.MAX_MESSAGE;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static Path dir;
    private static ServerSocketChannel listener;
    private static DaemonServer server;
    private static byte[] secret;
    private static final FakeTransport serverLog = new FakeTransport();
    private static final List<String> sinkLines = new CopyOnWriteArrayList<>();

    /** Reads up to 1 MiB of body; MODE in environ: S streams three flushed pieces, X throws, E sends a 404 head. */
    private static final Application APPLICATION = (environ, start) -> {
        String mode = String.valueOf(environ.getOrDefault("MODE", ""));
        byte[] body = ((InputStream) environ.get(Environ.INPUT)).readNBytes(1 << 20);
        if (mode.contains("X")) {
            throw new IllegalStateException("the application fails on purpose");
        }
        Write write = start.start(mode.contains("E") ? "404 Not Found" : "200 OK",
                List.of(Map.entry("Content-Type", "text/plain"), Map.entry("X-Body", Integer.toString(body.length))));
        if (mode.contains("S")) {
            for (int i = 0; i < 3; i++) {
                write.write(("piece " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        return List.of(("n=" + body.length).getBytes(StandardCharsets.US_ASCII));
    };

    @BeforeAll
    static void startServer() throws IOException {
        dir = Files.createTempDirectory("modjvm-fuzz-");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(dir.resolve("s")));
        secret = new byte[32];
        new Random(SEED).nextBytes(secret);
        DaemonSettings settings = DaemonSettings.from(Map.of(SettingKeys.PROCESS_GROUP, "fuzz", SettingKeys.THREADS, "2",
                SettingKeys.SECRET, new String(secret, StandardCharsets.ISO_8859_1)));
        server = new DaemonServer(settings, TestRuntime.fixed(APPLICATION, serverLog),
                (level, line) -> sinkLines.add(new String(line, StandardCharsets.UTF_8)), listener);
    }

    @AfterAll
    static void stopServer() throws IOException {
        listener.close();
        Files.deleteIfExists(dir.resolve("s"));
        Files.deleteIfExists(dir);
    }

    @Test
    void validConversationsWork() throws Exception {
        Random random = new Random(SEED);
        for (int i = 0; i < 20; i++) {
            byte[] stream = session(random, 1 + random.nextInt(3), true);
            Result r = converse(stream);
            r.check(stream, true);
            assertTrue(r.ends >= 1, "no END for a valid request: " + r);
        }
        // each conversation was a connection of its own: their buffers went back to the pool
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.buffers().size() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        int pooled = server.buffers().size();
        assertTrue(pooled >= 1, "buffer sets in the pool after 20 connections ended: " + pooled);
    }

    @Test
    void mutatedStreamsNeverBreakTheDaemon() throws Exception {
        Random random = new Random(SEED);
        int ends = 0, replies = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] valid = session(random, 1 + random.nextInt(3), random.nextBoolean());
            byte[] stream;
            boolean keepHello = random.nextInt(5) != 0;
            if (keepHello) {
                byte[] tail = FramesFuzzTest.mutate(java.util.Arrays.copyOfRange(valid, 41, valid.length), random);
                stream = new byte[41 + tail.length];
                System.arraycopy(valid, 0, stream, 0, 41);
                System.arraycopy(tail, 0, stream, 41, tail.length);
            } else {
                stream = FramesFuzzTest.mutate(valid, random);
            }
            Result r = converse(stream);
            try {
                r.check(stream, false);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + SEED + " (-Dmodjvm.fuzz.seed=" + SEED + "), iteration " + i
                        + ": " + e.getMessage() + "\nstream " + FramesFuzzTest.hex(stream), e);
            }
            ends += r.ends;
            replies += r.out.length > 0 ? 1 : 0;
        }
        System.out.println("DaemonConnectionFuzzTest: seed " + SEED + ", " + ITERATIONS + " streams, " + replies
                + " answered, " + ends + " requests ended");
    }

    @Test
    void randomBytesGetNoReply() throws Exception {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < 50; i++) {
            byte[] stream = new byte[random.nextInt(200)];
            random.nextBytes(stream);
            Result r = converse(stream);
            r.check(stream, false);
            assertEquals(0, r.out.length, "a stream without the HELLO got a reply");
        }
    }

    @Test
    void hostileLengthsAreRefusedWithoutAllocating() throws Exception {
        int[] lengths = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, (int) MAX + 1, 0x40000000};
        for (int length : lengths) {
            for (boolean afterHello : new boolean[] {false, true}) {
                ByteArrayOutputStream s = new ByteArrayOutputStream();
                if (afterHello) {
                    s.writeBytes(hello());
                }
                s.writeBytes(le(length));
                s.write(2);
                s.writeBytes(new byte[64]);
                byte[] stream = s.toByteArray();
                Result r = converse(stream);
                r.check(stream, false);
                assertEquals(0, r.out.length);
                assertTrue(r.allocated < 4 << 20, "length " + length + ": the connection allocated " + r.allocated
                        + " bytes");
            }
        }
        // a READ answered with more than was asked, or with a hostile BODY length: the request fails, no hang
        for (int bodyLength : new int[] {1 << 20, (int) MAX, Integer.MAX_VALUE}) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            s.writeBytes(hello());
            s.writeBytes(message(2, TestFrames.request(Frames.FLAG_HAS_BODY, 0, 0,
                    TestFrames.environ("/srv/app.java", "/up"))));
            s.writeBytes(le(bodyLength));
            s.write(6);
            s.writeBytes(new byte[100]);
            byte[] stream = s.toByteArray();
            Result r = converse(stream);
            r.check(stream, false);
            assertTrue(r.allocated < 8 << 20, "BODY length " + bodyLength + ": allocated " + r.allocated);
        }
    }

    // ---- streams --------------------------------------------------------------------------------

    private static byte[] hello() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(le(DaemonConnection.HELLO_MAGIC));
        p.writeBytes(secret);
        return message(DaemonConnection.HELLO, p.toByteArray());
    }

    /** HELLO, then requests (each with its body in BODY messages, then an empty BODY). */
    private static byte[] session(Random random, int requests, boolean withBodies) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(hello());
        for (int i = 0; i < requests; i++) {
            Map<String, String> environ = new java.util.LinkedHashMap<>(TestFrames.environ("/srv/app.java", "/r" + i));
            String mode = random.nextInt(6) == 0 ? "X" : random.nextInt(3) == 0 ? "S" : random.nextInt(5) == 0 ? "E" : "";
            environ.put("MODE", mode);
            environ.putAll(FramesFuzzTest.randomEnviron(random));
            boolean body = withBodies && random.nextBoolean();
            s.writeBytes(message(2, TestFrames.request(body ? Frames.FLAG_HAS_BODY : 0, 0, 0, environ)));
            if (body) {
                int pieces = random.nextInt(4);
                for (int p = 0; p < pieces; p++) {
                    byte[] piece = new byte[1 + random.nextInt(200)];
                    random.nextBytes(piece);
                    s.writeBytes(message(6, piece));
                }
                s.writeBytes(message(6, new byte[0]));
            }
        }
        return s.toByteArray();
    }

    private static byte[] message(int type, byte[] payload) {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(le(payload.length + 1));
        m.write(type);
        m.writeBytes(payload);
        return m.toByteArray();
    }

    private static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    // ---- running one connection ----------------------------------------------------------------

    /** What the daemon sent back and how the connection ended. */
    record Result(byte[] out, Throwable escaped, boolean ended, long allocated, int ends, List<String> newLogs) {
        void check(byte[] stream, boolean valid) {
            if (escaped != null) {
                throw new AssertionError("an exception escaped the connection: " + escaped, escaped);
            }
            if (!ended) {
                throw new AssertionError("the connection did not end within 10 s after the stream ended");
            }
            for (String line : newLogs) {
                if (line.contains("JVM01312")) {
                    throw new AssertionError("unexpected failure logged: " + String.join("\n", newLogs));
                }
            }
            if (allocated > 3 * MAX) {
                throw new AssertionError("the connection allocated " + allocated + " bytes");
            }
            if (valid && escaped == null && out.length == 0) {
                throw new AssertionError("no reply to a valid stream; logs: " + newLogs);
            }
        }
    }

    private static Result converse(byte[] stream) throws Exception {
        int logMark = serverLog.logs.size();
        int sinkMark = sinkLines.size();
        SocketChannel apache = SocketChannel.open(StandardProtocolFamily.UNIX);
        apache.connect(listener.getLocalAddress());
        SocketChannel daemon = listener.accept();
        AtomicReference<Throwable> escaped = new AtomicReference<>();
        AtomicLong allocated = new AtomicLong();
        DaemonConnection connection = new DaemonConnection(server, daemon);
        Thread thread = new Thread(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                connection.run();
            } catch (Throwable t) {
                escaped.set(t);
            } finally {
                allocated.set(THREADS.getCurrentThreadAllocatedBytes() - before);
            }
        }, "fuzz-connection");
        thread.start();
        Thread writer = new Thread(() -> {
            try {
                apache.write(ByteBuffer.wrap(stream));
                apache.shutdownOutput();
            } catch (IOException ignored) {
                // the daemon closed first: fine
            }
        }, "fuzz-writer");
        writer.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long deadline = System.nanoTime() + 10_000_000_000L;
        Thread reader = Thread.currentThread();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(10_000);
                apache.close(); // unblocks the read below
            } catch (InterruptedException | IOException ignored) {
                // done in time
            }
        }, "fuzz-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            while (apache.read(buffer) >= 0) {
                buffer.flip();
                out.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
            }
        } catch (IOException e) {
            // reset by the daemon, or closed by the watchdog
        }
        watchdog.interrupt();
        thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        boolean ended = !thread.isAlive();
        if (!ended) {
            connection.close();
            thread.join(2000);
        }
        writer.join(2000);
        apache.close();
        assert reader == Thread.currentThread();
        List<String> logs = new ArrayList<>();
        serverLog.logs.subList(logMark, serverLog.logs.size()).forEach(l -> logs.add(l.text()));
        logs.addAll(sinkLines.subList(sinkMark, sinkLines.size()));
        byte[] reply = out.toByteArray();
        int ends = checkReplies(reply);
        return new Result(reply, escaped.get(), ended, allocated.get(), ends, logs);
    }

    /** The C side's checks on what a daemon sends (jvm_msg_reply_check, jvm_head_decode). Returns the END count. */
    private static int checkReplies(byte[] out) {
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int ends = 0;
        boolean closed = false;
        while (b.hasRemaining()) {
            if (closed) {
                fail("the daemon sent more after a GOODBYE or an END with a non-zero result");
            }
            if (b.remaining() < 5) {
                fail("partial message header at the end of the daemon's output");
            }
            long length = b.getInt() & 0xffffffffL;
            int type = b.get() & 0xff;
            if (length < 1 || length > MAX) {
                fail("message length " + length);
            }
            int payload = (int) length - 1;
            if (b.remaining() < payload) {
                fail("partial message (type " + type + ", " + payload + " bytes) at the end of the daemon's output");
            }
            byte[] p = new byte[payload];
            b.get(p);
            switch (type) {
                case HEAD -> checkHead(p);
                case DATA -> assertTrue(payload >= 1, "DATA without its flags byte");
                case READ -> assertEquals(4, payload, "READ payload");
                case LOG -> {
                    assertTrue(payload >= 4, "LOG without its level");
                    String text = new String(p, 4, payload - 4, StandardCharsets.UTF_8);
                    assertTrue(text.indexOf('\n') < 0 && text.indexOf('\r') < 0, "LOG line with a newline: " + text);
                }
                case END -> {
                    assertEquals(4, payload, "END payload");
                    ends++;
                    closed = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).getInt() != 0;
                }
                case GOODBYE -> {
                    assertEquals(0, payload, "GOODBYE payload");
                    closed = true; // the daemon closes the connection after it
                }
                default -> fail("message type " + type + " from the daemon");
            }
        }
        return ends;
    }

    /** The checks of jvm_head_decode in native/jvm_frame.c. */
    private static void checkHead(byte[] p) {
        TestFrames.Head head = TestFrames.decodeHead(p); // throws on truncation and trailing bytes
        String line = head.statusLine();
        assertTrue(line.length() >= 5 && line.charAt(3) == ' ' && line.substring(0, 3).chars().allMatch(Character::isDigit)
                && Integer.parseInt(line.substring(0, 3)) == head.status() && head.status() >= 100, "status line " + line);
        for (Map.Entry<String, String> h : head.headers()) {
            assertTrue(!h.getKey().isEmpty() && h.getKey().chars().allMatch(c -> c < 128
                    && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)), "header name " + h.getKey());
            assertTrue(h.getValue().chars().noneMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f), "header value");
        }
    }

    static long seed() {
        String s = System.getProperty("modjvm.fuzz.seed", "20261124");
        return s.equals("random") ? System.nanoTime() : Long.parseLong(s);
    }
}
