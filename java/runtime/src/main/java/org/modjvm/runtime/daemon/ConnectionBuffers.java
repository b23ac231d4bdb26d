package org.modjvm.runtime.daemon;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import org.modjvm.runtime.core.RequestHandler;

/**
 * The buffers of one daemon connection (socket I/O, the request frame, the request core with
 * its buffers), taken from a {@link Pool} when the connection is accepted and given back when it
 * ends.
 *
 * <p>Why a pool: with processes=2+ Apache's worker threads reconnect every few seconds (for
 * balancing), so a busy daemon opens and closes many connections a second. What each would
 * allocate lives a few seconds, long enough to reach the old generation, which is collected
 * rarely: a JDK 25 daemon held 24 MB of dead direct buffers (freed only when a collection finds
 * them) and 24 MB of dead {@code jvm.errors} buffers after a minute of load, and grew past
 * 100 MB. Reused, the connection churn costs little memory.
 *
 * <p>Both socket buffers are direct: socket I/O from a heap buffer makes the JDK keep a native
 * copy per thread as large as the largest transfer.
 */
final class ConnectionBuffers {
    static final int SOCKET_BUFFER_SIZE = 16 * 1024;
    static final int FRAME_SIZE = 8192;
    /** A request frame larger than this (large headers) is not kept for the next connection. */
    static final int FRAME_KEPT_MAX = 64 * 1024;

    /** Bytes from the daemon's socket, read ahead. */
    final ByteBuffer in = ByteBuffer.allocateDirect(SOCKET_BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    /** Messages to Apache, sent when full, at a flush and at the end of a request. */
    final ByteBuffer out = ByteBuffer.allocateDirect(SOCKET_BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    /** The payload of the message being read (a request's frame); grows for large requests. */
    byte[] frame = new byte[FRAME_SIZE];
    /**
     * The request core of the last connection that had these buffers (null at first), with its
     * own buffers ({@code jvm.input}'s, {@code jvm.errors}'s, the environ string memory); a
     * connection attaches it to itself. It is used by the thread that runs the requests only.
     */
    RequestHandler handler;

    private ConnectionBuffers() {
    }

    /** Readies the buffers for a new connection: nothing read ahead, nothing to send. */
    private ConnectionBuffers reset() {
        in.clear().flip();
        out.clear();
        if (frame.length > FRAME_KEPT_MAX) {
            frame = new byte[FRAME_SIZE];
        }
        return this;
    }

    /**
     * Buffers of ended connections, for the next ones. Holds at most {@code max} sets: more
     * connections than that at once (a burst) get fresh buffers, left to the collector when they end.
     */
    static final class Pool {
        private final ArrayDeque<ConnectionBuffers> free = new ArrayDeque<>();
        private final int max;

        Pool(int max) {
            this.max = max;
        }

        synchronized ConnectionBuffers take() {
            ConnectionBuffers b = free.pollFirst();
            return (b != null ? b : new ConnectionBuffers()).reset();
        }

        /** The caller no longer uses {@code b} in any way (its connection ended). */
        synchronized void give(ConnectionBuffers b) {
            if (free.size() < max) {
                free.addFirst(b); // last in, first out: the buffers most recently touched
            }
        }

        synchronized int size() {
            return free.size();
        }
    }
}
