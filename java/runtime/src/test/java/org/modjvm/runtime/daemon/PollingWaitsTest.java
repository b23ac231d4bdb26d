package org.modjvm.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the daemon relies on when its connections wait in poll() (PollingWaits): on the JDK
 * running this test, a blocking channel over a non-blocking descriptor waits in poll(), still
 * delivers data, end of stream and big writes, and still ends its wait on close and interrupt.
 * Surefire runs this with the same --add-exports the daemon gets (java/runtime/pom.xml).
 */
class PollingWaitsTest {
    @TempDir
    Path dir;
    private ServerSocketChannel listener;
    private SocketChannel apache;   // the Apache side
    private SocketChannel daemon;   // the accepted side, as in DaemonServer

    @BeforeEach
    void connect() throws IOException {
        Path socket = dir.resolve("s");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        apache = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        daemon = listener.accept();
    }

    @AfterEach
    void close() throws IOException {
        apache.close();
        daemon.close();
        listener.close();
    }

    @Test
    void availableWithTheDaemonsCommandLineOptions() {
        assertNull(PollingWaits.unavailable());
    }

    @Test
    void aWaitingReadWaitsInPollAndNotInRead() throws Exception {
        assertTrue(PollingWaits.apply(daemon));
        assertTrue(daemon.isBlocking(), "the channel stays in blocking mode");
        assertEquals("poll", waitingSyscall(daemon, "pw-poll"));
    }

    @Test
    void withoutItAWaitingReadSleepsInRead() throws Exception {
        // the control: this test's way of seeing the difference sees it
        assertEquals("read", waitingSyscall(daemon, "pw-read"));
    }

    @Test
    void dataAndEndOfStreamArriveAsBefore() throws Exception {
        assertTrue(PollingWaits.apply(daemon));
        CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> readSome(daemon, 100));
        Thread.sleep(100); // let it wait
        assertFalse(got.isDone(), "a read with nothing to read waits");
        apache.write(ByteBuffer.wrap("request".getBytes()));
        assertArrayEquals("request".getBytes(), got.get(5, TimeUnit.SECONDS));

        CompletableFuture<byte[]> end = CompletableFuture.supplyAsync(() -> readSome(daemon, 100));
        apache.close();
        assertNull(end.get(5, TimeUnit.SECONDS), "end of stream");
    }

    @Test
    void aWriteBiggerThanTheSocketBufferWaitsForThePeerToRead() throws Exception {
        assertTrue(PollingWaits.apply(daemon));
        byte[] reply = new byte[4 << 20];
        new Random(7).nextBytes(reply);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                ByteBuffer b = ByteBuffer.wrap(reply);
                while (b.hasRemaining()) {
                    daemon.write(b);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        ByteBuffer received = ByteBuffer.allocate(reply.length);
        while (received.hasRemaining() && apache.read(received) >= 0) {
            // the writer runs into a full socket buffer many times over
        }
        writer.get(10, TimeUnit.SECONDS);
        assertArrayEquals(reply, received.array());
    }

    @Test
    void closeFromAnotherThreadEndsTheWait() throws Exception {
        WaitingRead read = waitingRead();
        daemon.close(); // as the watchdog and a drain do
        assertInstanceOf(AsynchronousCloseException.class, failure(read.result));
        // and Apache sees the connection end
        assertEquals(-1, apache.read(ByteBuffer.allocate(10)));
    }

    @Test
    void anInterruptEndsTheWaitAndClosesTheChannel() throws Exception {
        WaitingRead read = waitingRead();
        read.thread.interrupt(); // as request-timeout does to a stuck request's thread
        assertInstanceOf(ClosedByInterruptException.class, failure(read.result));
        assertFalse(daemon.isOpen());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static byte[] readSome(SocketChannel channel, int max) {
        try {
            ByteBuffer b = ByteBuffer.allocate(max);
            int n = channel.read(b);
            if (n < 0) {
                return null;
            }
            byte[] out = new byte[n];
            b.flip().get(out);
            return out;
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** A thread of its own (it may be interrupted) waiting in a read on the daemon side. */
    private record WaitingRead(Thread thread, CompletableFuture<byte[]> result) {
    }

    private WaitingRead waitingRead() throws InterruptedException {
        assertTrue(PollingWaits.apply(daemon));
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(readSome(daemon, 100));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "pw-waiting");
        thread.setDaemon(true);
        thread.start();
        for (int i = 0; i < 500 && thread.getState() != Thread.State.RUNNABLE; i++) {
            Thread.sleep(10);
        }
        Thread.sleep(100); // inside the read by now
        return new WaitingRead(thread, result);
    }

    private static Throwable failure(CompletableFuture<?> future) throws InterruptedException, TimeoutException {
        try {
            future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return cause instanceof RuntimeException && cause.getCause() != null ? cause.getCause() : cause;
        }
        return fail("the wait did not end with an exception");
    }

    /**
     * Starts a thread named {@code name} that reads from the channel, and tells in which system
     * call the thread waits ("read", "poll" or the number), from /proc/self/task/TID/syscall.
     */
    private String waitingSyscall(SocketChannel channel, String name) throws Exception {
        Thread reader = new Thread(() -> readSome(channel, 100), name);
        reader.setDaemon(true);
        reader.start();
        try {
            String call = null;
            for (int i = 0; i < 500; i++) {
                Thread.sleep(10);
                call = syscallOf(name);
                if ("read".equals(call) || "poll".equals(call)) {
                    return call;
                }
            }
            return fail("thread " + name + " was not seen waiting in read or poll (last seen: " + call + ")");
        } finally {
            apache.write(ByteBuffer.wrap(new byte[1])); // let it end
            reader.join(5000);
        }
    }

    private static String syscallOf(String threadName) throws IOException {
        boolean x86 = System.getProperty("os.arch").equals("amd64");
        Set<Integer> read = x86 ? Set.of(0) : Set.of(63);
        Set<Integer> poll = x86 ? Set.of(7, 271) : Set.of(73);
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                if (!Files.readString(task.resolve("comm")).trim().equals(threadName)) {
                    continue;
                }
                String[] fields = Files.readString(task.resolve("syscall")).trim().split(" ");
                if (fields[0].equals("running") || fields[0].equals("-1")) {
                    return null; // not in a system call yet
                }
                int nr = Integer.parseInt(fields[0]);
                return read.contains(nr) ? "read" : poll.contains(nr) ? "poll" : String.valueOf(nr);
            }
        }
        return null;
    }
}
