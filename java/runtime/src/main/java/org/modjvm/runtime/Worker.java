package org.modjvm.runtime;

import java.nio.ByteBuffer;
import org.modjvm.runtime.core.RequestHandler;
import org.modjvm.runtime.core.RuntimeContext;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * The Java side of one Apache worker thread: C creates it with {@link Bootstrap#newWorker} when
 * the thread attaches and calls {@link #handle} for each request. Keeps the thread's reusable
 * buffers; used by that one thread only.
 */
public final class Worker {
    private final RuntimeContext context;
    private final int threadId;
    private final NativeTransport transport = new NativeTransport();
    private final RequestHandler handler;
    private byte[] frame = new byte[8192];
    // JvmRequestTimeout: the running request, guarded by `this` when a watchdog exists
    private final boolean watched;
    private Thread thread;
    private long started; // System.nanoTime() of the running request, 0: none
    private boolean interrupted;

    Worker(RuntimeContext context, int threadId) {
        this(context, threadId, false);
    }

    Worker(RuntimeContext context, int threadId, boolean watched) {
        this.watched = watched;
        this.context = context;
        this.threadId = threadId;
        this.handler = context == null ? null : new RequestHandler(context, transport);
    }

    /**
     * Handles one request (docs/internals.md, "Per request").
     *
     * @param request C's request handle, valid during this call on this thread only
     * @param frame   the thread's direct buffer holding the request frame
     * @param length  the frame's length in bytes
     * @return 0 when the response was produced, an HTTP status for C to answer with (nothing
     *         was sent), or -1 to abort a response already started
     */
    public int handle(long request, ByteBuffer frame, int length) {
        transport.begin(request);
        if (watched) {
            begin();
        }
        try {
            if (handler == null) {
                report(Message.JVM01003, "the mod_jvm runtime is not initialized (Bootstrap.init failed, see JVM01002):"
                        + " answering 500");
                return RequestHandler.INTERNAL_SERVER_ERROR;
            }
            if (length < 0 || length > frame.capacity()) {
                report(Message.JVM01010, "request frame length " + length + " does not fit its buffer of "
                        + frame.capacity() + " bytes");
                return RequestHandler.INTERNAL_SERVER_ERROR;
            }
            byte[] bytes = frameBuffer(length);
            frame.get(0, bytes, 0, length); // one bulk copy out of native memory, then plain array parsing
            return handler.handle(bytes, length);
        } catch (Throwable unexpected) {
            // the handler catches everything itself; this is the last guard of the Apache thread
            try {
                report(Message.JVM01012, "internal error in worker " + threadId + ": " + unexpected);
            } catch (Throwable ignored) {
                // nothing left to do
            }
            return RequestHandler.INTERNAL_SERVER_ERROR;
        } finally {
            if (watched) {
                end();
            }
            transport.end();
        }
    }

    /**
     * One line straight to the request's log, at the message's level: no {@link Log} here, whose
     * level filter needs the configuration a worker without a runtime does not have (Apache
     * filters the line by its own LogLevel).
     */
    private void report(Message message, String text) {
        transport.log(message.level(), (message.prefix() + text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private synchronized void begin() {
        thread = Thread.currentThread();
        started = System.nanoTime();
        interrupted = false;
    }

    private synchronized void end() {
        started = 0;
        Thread.interrupted(); // a watchdog interrupt that came too late must not hit the next request
    }

    /** Called by the {@link RequestWatchdog}: interrupts the running request if it is overdue. */
    synchronized boolean interruptIfOverdue(long now, long timeoutNanos) {
        if (started == 0 || interrupted || now - started <= timeoutNanos) {
            return false;
        }
        interrupted = true;
        thread.interrupt();
        return true;
    }

    private byte[] frameBuffer(int length) {
        if (frame.length < length) {
            frame = new byte[Math.max(length, Math.min(Integer.MAX_VALUE - 8, frame.length * 2))];
        }
        return frame;
    }

    int threadId() {
        return threadId;
    }

    RuntimeContext context() {
        return context;
    }
}
