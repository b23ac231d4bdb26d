package org.modjvm.runtime.core;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code jvm.input}: the request body, read through the transport in blocks (one crossing
 * into C per buffer, never per byte). Reads of at least a buffer's size go straight into the
 * caller's array. Returns -1 at the end of the body, throws {@link IOException} when the
 * server cannot deliver it (client gone, timeout, LimitRequestBody).
 */
final class RequestBody extends InputStream {
    private final Transport transport;
    private final byte[] buffer;
    private final Thread thread;
    private boolean active = true;
    private boolean ended;
    private int position;
    private int limit;

    /**
     * @param buffer  scratch buffer owned by the worker, reused across requests
     * @param hasBody false when C knows there is no body: reads end at once, without a crossing
     */
    RequestBody(Transport transport, byte[] buffer, boolean hasBody, Thread thread) {
        this.transport = transport;
        this.buffer = buffer;
        this.thread = thread;
        this.ended = !hasBody;
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xFF;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, target.length);
        if (length == 0) {
            return 0;
        }
        int buffered = limit - position;
        if (buffered > 0) {
            int n = Math.min(buffered, length);
            System.arraycopy(buffer, position, target, offset, n);
            position += n;
            return n;
        }
        checkUsable();
        if (ended) {
            return -1;
        }
        if (length >= buffer.length) {
            return readFromTransport(target, offset, length);
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(limit - position, length);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return limit - position;
    }

    /** Closing the input does not end the request: PEP 3333 leaves the stream to the server. */
    @Override
    public void close() {
    }

    private boolean fill() throws IOException {
        checkUsable();
        if (ended) {
            return false;
        }
        int n = readFromTransport(buffer, 0, buffer.length);
        if (n < 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private int readFromTransport(byte[] target, int offset, int length) throws IOException {
        int n = transport.read(target, offset, length);
        if (n == 0) {
            ended = true;
            return -1;
        }
        if (n < 0) {
            ended = true;
            throw new IOException("the request body could not be read: the client went away, timed out,"
                    + " or sent more than LimitRequestBody");
        }
        return n;
    }

    private void checkUsable() {
        if (!active || Thread.currentThread() != thread) {
            throw new IllegalStateException("jvm.input used outside its request: it is only valid on the"
                    + " request's own thread, until the request ends");
        }
    }

    void end() {
        active = false;
        position = 0;
        limit = 0; // the buffer belongs to the worker's next request
    }
}
