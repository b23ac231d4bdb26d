package org.modjvm.runtime.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.modjvm.StartResponse;
import org.modjvm.Write;

/**
 * The response of one request: the {@link StartResponse} given to the application, the
 * {@link Write} it returns, and the sending of body chunks.
 *
 * <p>The head is sent with the first non-empty chunk (or the first {@code write()}, or at the
 * end for an empty body), as PEP 3333 requires, so an application can still change its mind
 * with {@code start(status, headers, excInfo)} until then.
 *
 * <p>HEAD ({@code headerOnly}): Apache sends no body and drops every flush, so an endless
 * stream's writes would never fail and the client's departure would never be seen. The response
 * is therefore complete as soon as the head has gone to C with a flush (the first chunk of a
 * streamed body, the first {@code write()}; or the end): {@link #complete()} tells the request
 * core to ask for no further chunk, and a later {@code write()} with bytes throws
 * {@link ClientGoneException}. Until then everything goes to C exactly as for GET, so Apache
 * answers HEAD the headers it answers GET (its Content-Length computed from a whole small body
 * included).
 *
 * <p>Confined to the request's thread and lifetime: afterwards, or from another thread, every
 * method throws {@link IllegalStateException} instead of handing C a dead request handle.
 */
final class Response implements StartResponse, Write {
    private final Transport transport;
    private final Thread thread;
    private boolean active = true;
    private ResponseHead head;
    private boolean headSent;
    private boolean clientGone;
    private final boolean headerOnly;
    private boolean complete; // HEAD: the head went to C with a flush, no body is wanted

    Response(Transport transport, Thread thread, boolean headerOnly) {
        this.transport = transport;
        this.thread = thread;
        this.headerOnly = headerOnly;
    }

    @Override
    public Write start(String status, List<Map.Entry<String, String>> headers) {
        return start(status, headers, null);
    }

    @Override
    public Write start(String status, List<Map.Entry<String, String>> headers, Throwable excInfo) {
        checkUsable("start_response");
        if (excInfo != null) {
            if (headSent) {
                // the client already has a head: the response cannot change, so the error goes on
                throw Response.<RuntimeException>sneakyThrow(excInfo);
            }
        } else if (head != null) {
            throw new IllegalStateException("start_response called a second time: pass the exception being"
                    + " handled as excInfo to replace the status and headers");
        }
        head = ResponseHead.of(status, headers);
        return this;
    }

    @Override
    public void write(byte[] data) throws IOException {
        checkUsable("write");
        if (data.length == 0) {
            sendHeadNow();
        } else {
            send(data, 0, data.length, true);
        }
    }

    @Override
    public void write(ByteBuffer data) throws IOException {
        checkUsable("write");
        if (data.remaining() == 0) {
            sendHeadNow();
        } else {
            send(data, true);
        }
    }

    /** write() of nothing still sends the head (PEP 3333): useful to start a long response. */
    private void sendHeadNow() throws IOException {
        if (!headSent) {
            send(null, 0, 0, true);
        }
    }

    /**
     * Sends one body chunk from the application's iterable. Empty chunks send nothing (not
     * even the head).
     *
     * @throws ContractViolation if the chunk is not byte[] or ByteBuffer, or start_response
     *                           has not been called
     */
    void sendChunk(Object chunk, boolean flush) throws IOException {
        if (chunk instanceof byte[]) {
            byte[] bytes = (byte[]) chunk;
            if (bytes.length > 0) {
                send(bytes, 0, bytes.length, flush);
            }
        } else if (chunk instanceof ByteBuffer) {
            ByteBuffer buffer = (ByteBuffer) chunk;
            if (buffer.hasRemaining()) {
                send(buffer, flush);
            }
        } else {
            throw new ContractViolation("body chunk " + (chunk == null ? "null" : "of type " + chunk.getClass().getName())
                    + ": must be byte[] or ByteBuffer");
        }
    }

    /** Ends the response: sends the head if no chunk did (empty body). */
    void finish() throws IOException {
        if (!headSent) {
            send(null, 0, 0, false);
        }
    }

    /**
     * Sends the remaining bytes of {@code buffer} without moving its position: applications may
     * return the same (e.g. constant, direct) buffer on every request.
     */
    private void send(ByteBuffer buffer, boolean flush) throws IOException {
        int position = buffer.position();
        int length = buffer.remaining();
        if (buffer.isDirect()) {
            byte[] headBytes = headToSend();
            checkSent(transport.writeDirect(headBytes, buffer, position, length, flush), flush);
        } else if (buffer.hasArray()) {
            send(buffer.array(), buffer.arrayOffset() + position, length, flush);
        } else {
            byte[] copy = new byte[length]; // read-only heap buffer: no array access
            buffer.get(position, copy);
            send(copy, 0, length, flush);
        }
    }

    private void send(byte[] data, int offset, int length, boolean flush) throws IOException {
        byte[] headBytes = headToSend();
        checkSent(transport.write(headBytes, data, offset, length, flush), flush);
    }

    private byte[] headToSend() throws ClientGoneException {
        if (clientGone) {
            throw new ClientGoneException();
        }
        if (complete) {
            throw new ClientGoneException("HEAD request: the response is complete (its head is sent, and Apache"
                    + " sends no body)");
        }
        if (headSent) {
            return null;
        }
        if (head == null) {
            throw new ContractViolation("application returned without calling start_response");
        }
        headSent = true; // once handed to C it counts as sent, whatever write returns
        return head.encode();
    }

    private void checkSent(int result, boolean flush) throws ClientGoneException {
        if (result < 0) {
            clientGone = true;
            throw new ClientGoneException();
        }
        if (flush && headerOnly) {
            complete = true; // the head is final and on its way: nothing after it would reach the client
        }
    }

    private void checkUsable(String what) {
        if (!active || Thread.currentThread() != thread) {
            throw new IllegalStateException(what + " used outside its request: it is only valid on the"
                    + " request's own thread, until the request ends");
        }
    }

    boolean headSent() {
        return headSent;
    }

    boolean clientGone() {
        return clientGone;
    }

    /** HEAD only: the head has gone out for good; the body must not be produced further. */
    boolean complete() {
        return complete;
    }

    boolean started() {
        return head != null;
    }

    /** The request is over: from now on every use throws. */
    void end() {
        active = false;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneakyThrow(Throwable error) throws T {
        throw (T) error;
    }
}
