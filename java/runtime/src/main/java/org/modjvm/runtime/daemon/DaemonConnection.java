package org.modjvm.runtime.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.modjvm.runtime.core.RequestHandler;
import org.modjvm.runtime.core.Transport;
import org.modjvm.runtime.log.Message;
import org.modjvm.runtime.wire.Frames;

/**
 * One connection from an Apache worker thread to this daemon process (docs/internals.md,
 * "Daemon mode: the socket protocol"): checks the HELLO, then runs the requests that arrive
 * on it, one at a time, through the request core, with this object as their {@link Transport}.
 * Output is buffered and sent at the end of the request or when the application flushes, so a
 * small response is one write.
 */
final class DaemonConnection implements Transport, Runnable {
    static final int HELLO = 1, REQUEST = 2, HEAD = 3, DATA = 4, READ = 5, BODY = 6, BODY_ERROR = 7, LOG = 8, END = 9,
            GOODBYE = 10;
    static final int HELLO_MAGIC = 0x4D4A4431; // "MJD1"
    static final int MAX_MESSAGE = 16 << 20;
    private static final int IDLE = 0, BUSY = 1, CLOSED = 2;
    /** Per request, whether it counts among the server's stuck ones: the watchdog and the end of
     * the request race for it, so exactly one of "counted" and "returned first" wins. */
    private static final int NOT_STUCK = 0, COUNTED_STUCK = 1, RETURNED = 2;
    /**
     * A request is first looked at for a closed connection once it has run this long: Apache gives
     * up on a request only after socket-timeout (at least a second), and a client that leaves in
     * the middle of a response is seen by the next write anyway, so shorter requests are never
     * asked about (no cost at all for them).
     */
    static final long HANGUP_CHECK_AFTER_NANOS = 1_000_000_000L;
    /**
     * How long a request given up on (request-timeout, or Apache closed its connection) may take to
     * return after its thread was interrupted before it counts as stuck: an application that
     * honours the interrupt is gone in milliseconds (its body's close() may take a moment). Counting
     * at once made a process whose threads all timed out together recycle, though the interrupt
     * had freed every one of them.
     */
    static final long STUCK_AFTER_NANOS = 2_000_000_000L;

    private final DaemonServer server;
    private final SocketChannel channel;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    /** The whole GOODBYE message (length 1, type): sent without a buffer of the connection's. */
    private static final byte[] GOODBYE_MESSAGE =
            ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).putInt(1).put((byte) GOODBYE).array();

    /*
     * The buffers come from the server's pool and go back when the connection ends (run()'s
     * end): `in` and `frame` are used by the connection's own thread only; `out` under the
     * output lock, and null once given back, so a late writer (the watchdog, an application's
     * background thread logging) finds no buffer instead of another connection's.
     */
    private ConnectionBuffers buffers;
    private ByteBuffer in;
    private byte[] frame;
    private final ByteBuffer header = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN);
    /** Guards the output side: the request's thread, the watchdog (request-timeout), a drain. */
    private final ReentrantLock output = new ReentrantLock();
    private ByteBuffer out; // guarded by output
    private RequestHandler handler;
    private boolean leftToDrainer;  // the drain closes this connection (after its GOODBYE)

    // state of the current request (output fields under `output`)
    private volatile long requestStart; // System.nanoTime() when it started running, 0: none
    private boolean headSent;
    private boolean writeFailed;
    /** When the request was given up (request-timeout passed, or Apache closed the connection
     * under it), System.nanoTime(); 0: it was not. Its thread's writes fail from then on, and no
     * END is sent. */
    private volatile long givenUpAt;
    private final AtomicInteger stuck = new AtomicInteger(NOT_STUCK);
    /*
     * request-timeout counts the application's time, not the waits for Apache: a body read waits
     * for the client (bounded by Apache's Timeout per read, which answers 408 itself), a write
     * waits for Apache to take the bytes (a slow client, bounded the same way). Counting those
     * cut an upload that kept coming for longer than Timeout in all, under the default
     * request-timeout (a 502: DaemonAbandonedRequestsTest). Written by the request's thread (and by
     * the watchdog's 504 for a request it gives up on, when nothing counts any more).
     */
    private volatile long waitingSince; // System.nanoTime() when the current wait began, 0: none
    private volatile long waited;       // nanoseconds waited for Apache in this request so far
    private boolean started;        // the request got a thread (else it was refused with 503)
    private volatile Thread owner;  // the thread running the request
    /** Held while closing the channel and while the watchdog polls its descriptor (whose number
     * could be another connection's once closed). */
    private final Object closing = new Object();

    DaemonConnection(DaemonServer server, SocketChannel channel) {
        this.server = server;
        this.channel = channel;
        this.buffers = server.buffers().take();
        this.in = buffers.in;
        this.out = buffers.out;
        this.frame = buffers.frame;
        PollingWaits.apply(channel); // wait for Apache in poll(), not asleep in read()
    }

    @Override
    public void run() {
        try {
            if (!hello()) {
                return;
            }
            handler = buffers.handler;
            if (handler == null) {
                handler = buffers.handler = new RequestHandler(server.context(), this);
            } else {
                handler.attach(this);
            }
            while (true) {
                int type = readHeader();
                if (type < 0) {
                    return; // Apache closed it
                }
                if (!state.compareAndSet(IDLE, BUSY)) {
                    // a drain took it while idle: the drainer says GOODBYE and closes it (closing it
                    // here first would lose the GOODBYE, and Apache would take the request as run)
                    leftToDrainer = true;
                    return;
                }
                if (type == REQUEST && server.refusesRequests()) {
                    // this process recycles: the request is not read, GOODBYE sends it elsewhere
                    state.set(CLOSED);
                    sayGoodbye();
                    return;
                }
                if (type != REQUEST) {
                    server.log().log(Message.JVM01311, "protocol error: message type " + type + " where a request was expected");
                    return;
                }
                int length = header.getInt(0) - 1;
                readPayload(length);
                int result = serve(length);
                boolean keep = finish(result);
                // the request counts as running until its END is out: a drain must not end the
                // process between the application's return and the reply
                requestStart = 0;
                if (result != 503 || started) {
                    server.requestEnded();
                }
                if (!keep) {
                    return;
                }
                state.set(IDLE);
                if (server.draining() && closeIfIdle()) {
                    return;
                }
            }
        } catch (IOException e) {
            // the connection went away (Apache closed it, or a drain closed it): nothing to answer
        } catch (RuntimeException e) {
            server.log().log(Message.JVM01312, "daemon connection failed:", e);
        } finally {
            if (!leftToDrainer) {
                close();
            }
            server.closed(this);
            releaseBuffers();
        }
    }

    /**
     * Gives the buffers back to the pool: this thread is done with `in` and `frame`; `out` is
     * taken away under the output lock (a drain's GOODBYE needs no buffer of ours).
     */
    private void releaseBuffers() {
        ConnectionBuffers b = buffers;
        output.lock();
        try {
            out = null;
        } finally {
            output.unlock();
        }
        in = null;
        frame = null;
        handler = null;
        buffers = null;
        server.buffers().give(b);
    }

    private boolean hello() throws IOException {
        int type = readHeader();
        int length = header.getInt(0) - 1;
        if (type != HELLO || length != 4 + 32) {
            server.log().log(Message.JVM01301, "connection rejected: it did not start with a HELLO");
            return false;
        }
        readPayload(length);
        byte[] secret = new byte[32];
        System.arraycopy(frame, 4, secret, 0, 32);
        if (Frames.readInt(frame, 0) != HELLO_MAGIC) {
            server.log().log(Message.JVM01301, "connection rejected: it did not start with a HELLO");
            return false;
        }
        DaemonSettings settings = server.settings();
        if (matches(secret, settings.secret()) || matches(secret, settings.previousSecret())) {
            return true;
        }
        boolean nextGeneration = matches(secret, settings.nextSecret());
        if (nextGeneration || server.refusesRequests()) {
            // a connection of the next generation, accepted in the moment between Apache's
            // restart and this process's SIGTERM (or while draining): GOODBYE sends it to a new
            // process; and this generation has ended, so stop accepting now
            if (!closeIfIdle()) {
                leftToDrainer = true; // the drain took it and says GOODBYE: closing it here would cut that
            }
            if (nextGeneration) {
                server.generationEnded();
            }
            return false;
        }
        server.log().log(Message.JVM01301, "connection rejected: wrong secret (not from this Apache generation)");
        return false;
    }

    private static boolean matches(byte[] presented, byte[] known) {
        return known.length == presented.length && MessageDigest.isEqual(presented, known);
    }

    private int serve(int length) {
        started = false;
        long queueTimeout = server.settings().queueTimeout();
        try {
            if (queueTimeout > 0) {
                if (!server.permits().tryAcquire(queueTimeout, TimeUnit.MILLISECONDS)) {
                    server.log().log(Message.JVM01313, "all " + server.settings().threads() + " threads busy for more than"
                            + " queue-timeout (" + queueTimeout / 1000 + " s): answering 503");
                    return 503;
                }
            } else {
                server.permits().acquire();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 503;
        }
        server.requestStarted();
        started = true;
        headSent = false;
        writeFailed = false;
        givenUpAt = 0;
        waited = 0;
        waitingSince = 0;
        stuck.set(NOT_STUCK);
        owner = Thread.currentThread();
        requestStart = System.nanoTime();
        try {
            return handler.handle(frame, length);
        } finally {
            if (stuck.getAndSet(RETURNED) == COUNTED_STUCK) {
                server.stuckRequestReturned();
            }
            server.permits().release();
        }
    }

    /** Nanoseconds the application has held the current request (its waits for Apache left out). */
    private long applicationNanos(long started, long now) {
        long since = waitingSince; // (read first: `waited` is added to before the wait is cleared)
        long total = now - started - waited;
        return since != 0 ? total - (now - since) : total;
    }

    /** Sends END; returns whether the connection can serve another request. */
    private boolean finish(int result) {
        output.lock();
        try {
            if (givenUpAt != 0 || writeFailed || out == null) {
                return false;
            }
            reserve(9);
            out.putInt(5).put((byte) END).putInt(result);
            flushOut();
            return result == 0;
        } catch (IOException e) {
            return false;
        } finally {
            output.unlock();
        }
    }

    /**
     * request-timeout: answers 504 in place of a request whose application has held it too long
     * (if nothing was sent yet), closes the connection and interrupts the request's thread (an
     * application blocked in sleep, wait or I/O gives it back); the thread's later writes fail.
     *
     * @return whether the request was given up now
     */
    boolean timeOut(long timeoutNanos, long now) {
        long started = requestStart;
        if (started == 0 || givenUpAt != 0 || applicationNanos(started, now) < timeoutNanos) {
            return false;
        }
        boolean locked = false;
        try {
            locked = output.tryLock(100, TimeUnit.MILLISECONDS);
            if (locked && (requestStart != started || givenUpAt != 0)) {
                return false; // it ended (or was given up) meanwhile
            }
            if (locked && !headSent && !writeFailed && out != null) {
                out.clear();
                out.putInt(5).put((byte) END).putInt(504);
                flushOut();
            }
        } catch (IOException | InterruptedException ignored) {
            // giving up below is all that is left
        } finally {
            if (!locked || requestStart == started) {
                giveUp(now);
            }
            if (locked) {
                output.unlock();
            }
        }
        return true;
    }

    /**
     * The watchdog's look at a request Apache may have given up on (its socket-timeout passed, its
     * client or child went away): Apache then closed the connection, and nobody will read the
     * answer, but the request's thread, busy in the application, cannot see that. A request that
     * has run for {@link #HANGUP_CHECK_AFTER_NANOS} is asked whether its connection is closed
     * ({@link PeerHangup}); if so it is given up: its thread is interrupted and the connection
     * closed, so an application blocked in sleep, wait or I/O returns, its body is closed, and
     * the thread is free again.
     */
    void checkAbandoned(long now) {
        long started = requestStart;
        if (started == 0 || givenUpAt != 0 || now - started < HANGUP_CHECK_AFTER_NANOS || !peerClosed()) {
            return;
        }
        boolean locked = false;
        boolean head;
        try {
            locked = output.tryLock(100, TimeUnit.MILLISECONDS);
            if (requestStart != started || givenUpAt != 0) {
                return; // it ended (or was given up) meanwhile
            }
            head = headSent;
            giveUp(now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            if (locked) {
                output.unlock();
            }
        }
        // a client gone in the middle of a response is routine (info); a request Apache stopped
        // waiting for (its 504, JVM00063) is worth a warning
        server.log().log(head ? Message.JVM01351 : Message.JVM01335, "Apache closed the connection of a request"
                + " running for " + (now - started) / 1_000_000_000L + " s (" + (head ? "its client went away"
                : "Apache's socket-timeout passed, or its client or Apache child went away") + "): interrupted the"
                + " request's thread (an application blocked in sleep, wait or I/O ends, and its body is closed)");
    }

    /** Gives the running request up: its writes fail from now on, the connection closes, its thread is interrupted. */
    private void giveUp(long now) {
        givenUpAt = now;
        close();
        Thread running = owner;
        if (running != null) {
            running.interrupt();
        }
    }

    /**
     * A request given up on that still runs {@link #STUCK_AFTER_NANOS} after its thread was
     * interrupted is stuck (it ignores interrupts, or computes): it is counted once, until it returns.
     *
     * @return 0, or (when the request has just been counted) how many requests are stuck with it
     */
    int countIfStuck(long now) {
        long givenUp = givenUpAt;
        if (givenUp == 0 || requestStart == 0 || now - givenUp < STUCK_AFTER_NANOS
                || !stuck.compareAndSet(NOT_STUCK, COUNTED_STUCK)) {
            return 0;
        }
        return server.requestStuck();
    }

    private boolean peerClosed() {
        synchronized (closing) {
            return channel.isOpen() && PeerHangup.detected(channel);
        }
    }

    /** A request was taken on this connection and its END is not out yet (a drain waits for it). */
    boolean busy() {
        return state.get() == BUSY;
    }

    /** Closed for good (by a drain after GOODBYE, or after its last request). */
    boolean closed() {
        return state.get() == CLOSED || !channel.isOpen();
    }

    /**
     * Closes the connection if it is idle (drain); a busy one finishes its request first. Says
     * GOODBYE first: a request Apache sent meanwhile was not read, and Apache may send it again
     * (without GOODBYE, a connection that ends before the reply means the request ran).
     */
    boolean closeIfIdle() {
        if (state.compareAndSet(IDLE, CLOSED)) {
            sayGoodbye();
            close();
            return true;
        }
        return false;
    }

    private void sayGoodbye() {
        boolean locked = false;
        try {
            locked = output.tryLock(100, TimeUnit.MILLISECONDS);
            if (locked && !writeFailed) {
                writeFully(ByteBuffer.wrap(GOODBYE_MESSAGE)); // (idle: nothing of ours is buffered)
            }
        } catch (IOException | InterruptedException ignored) {
            // Apache sees the connection end; it resends only a request whose send failed
        } finally {
            if (locked) {
                output.unlock();
            }
        }
    }

    void close() {
        synchronized (closing) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /** The request was given up (request-timeout, or Apache closed the connection under it). */
    @Override
    public boolean abandoned() {
        return givenUpAt != 0;
    }

    // ---- Transport ----------------------------------------------------------------------------

    @Override
    public int write(byte[] head, byte[] data, int offset, int length, boolean flush) {
        output.lock();
        try {
            if (writeFailed || givenUpAt != 0 || out == null) {
                return -1;
            }
            putHead(head);
            if (length > 0 || flush) {
                reserve(6);
                out.putInt(length + 2).put((byte) DATA).put((byte) (flush ? 1 : 0));
                putBytes(data, offset, length);
            }
            if (flush) {
                flushOut();
            }
            return 0;
        } catch (IOException e) {
            writeFailed = true;
            return -1;
        } finally {
            output.unlock();
        }
    }

    @Override
    public int writeDirect(byte[] head, ByteBuffer data, int offset, int length, boolean flush) {
        output.lock();
        try {
            if (writeFailed || givenUpAt != 0 || out == null) {
                return -1;
            }
            putHead(head);
            ByteBuffer slice = data.duplicate();
            slice.limit(offset + length).position(offset);
            reserve(6);
            out.putInt(length + 2).put((byte) DATA).put((byte) (flush ? 1 : 0));
            while (slice.hasRemaining()) {
                if (!out.hasRemaining()) {
                    flushOut();
                }
                int n = Math.min(out.remaining(), slice.remaining());
                ByteBuffer piece = slice.duplicate();
                piece.limit(piece.position() + n);
                out.put(piece);
                slice.position(slice.position() + n);
            }
            if (flush) {
                flushOut();
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            writeFailed = true;
            return -1;
        } finally {
            output.unlock();
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        try {
            output.lock();
            try {
                if (writeFailed || givenUpAt != 0 || out == null) {
                    return -1;
                }
                reserve(9);
                out.putInt(5).put((byte) READ).putInt(length);
                flushOut();
            } finally {
                output.unlock();
            }
            long since = System.nanoTime();
            waitingSince = since; // Apache reads the client's body meanwhile: not the application's time
            try {
                int type = readHeader();
                int n = header.getInt(0) - 1;
                if (type == BODY_ERROR) {
                    return -1;
                }
                if (type != BODY || n < 0 || n > length) {
                    writeFailed = true;
                    return -1;
                }
                readFully(buffer, offset, n);
                return n;
            } finally {
                waited += System.nanoTime() - since;
                waitingSince = 0;
            }
        } catch (IOException e) {
            writeFailed = true;
            return -1;
        }
    }

    @Override
    public void log(int level, byte[] utf8Line) {
        output.lock();
        try {
            if (writeFailed || givenUpAt != 0 || requestStart == 0 || out == null) {
                server.sink().log(level, utf8Line);
                return;
            }
            reserve(9);
            out.putInt(5 + utf8Line.length).put((byte) LOG).putInt(level);
            putBytes(utf8Line, 0, utf8Line.length);
            flushOut();
        } catch (IOException e) {
            writeFailed = true;
            server.sink().log(level, utf8Line);
        } finally {
            output.unlock();
        }
    }

    // ---- bytes ---------------------------------------------------------------------------------

    private void putHead(byte[] head) throws IOException {
        if (head != null && !headSent) {
            reserve(5);
            out.putInt(head.length + 1).put((byte) HEAD);
            putBytes(head, 0, head.length);
            headSent = true;
        }
    }

    /** Makes room for a message header of {@code n} bytes (n is small). */
    private void reserve(int n) throws IOException {
        if (out.remaining() < n) {
            flushOut();
        }
    }

    /** Appends bytes, sending full buffers as they fill. */
    private void putBytes(byte[] data, int offset, int length) throws IOException {
        while (length > 0) {
            if (!out.hasRemaining()) {
                flushOut();
            }
            int n = Math.min(out.remaining(), length);
            out.put(data, offset, n);
            offset += n;
            length -= n;
        }
    }

    /** Sends what is buffered (under the output lock); the time it takes is Apache's, not the application's. */
    private void flushOut() throws IOException {
        out.flip();
        long since = System.nanoTime();
        waitingSince = since;
        try {
            writeFully(out);
        } finally {
            waited += System.nanoTime() - since;
            waitingSince = 0;
        }
        out.clear();
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Reads a message header; returns its type, or -1 at a clean end of stream. */
    private int readHeader() throws IOException {
        header.clear();
        while (header.hasRemaining()) {
            if (!in.hasRemaining()) {
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) {
                    if (header.position() == 0) {
                        return -1;
                    }
                    throw new EOFException();
                }
                continue;
            }
            header.put(in.get());
        }
        int length = header.getInt(0);
        if (length < 1 || length > MAX_MESSAGE) {
            throw new IOException("message length " + length + " out of range");
        }
        return header.get(4) & 0xff;
    }

    private void readPayload(int length) throws IOException {
        if (frame.length < length) {
            frame = buffers.frame = new byte[Math.max(length, frame.length * 2)];
        }
        readFully(frame, 0, length);
    }

    private void readFully(byte[] target, int offset, int length) throws IOException {
        while (length > 0) {
            if (!in.hasRemaining()) {
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) {
                    throw new EOFException();
                }
                continue;
            }
            int n = Math.min(length, in.remaining());
            in.get(target, offset, n);
            offset += n;
            length -= n;
        }
    }
}
