package org.modjvm.runtime.core;

import java.nio.ByteBuffer;
import org.modjvm.runtime.log.LogSink;

/**
 * The connection of one request to the web server: what the request core needs from the
 * outside. {@code org.modjvm.runtime.NativeTransport} calls the C module through JNI (embedded
 * mode), {@code daemon.DaemonConnection} speaks the same frames over a socket (daemon mode),
 * tests use a fake. Semantics are those of the natives in docs/internals.md.
 */
public interface Transport extends LogSink {
    /**
     * Sends the response head (first call only, else {@code null}) and/or body bytes.
     *
     * @return 0, or -1 when the client has gone
     */
    int write(byte[] head, byte[] data, int offset, int length, boolean flush);

    /** {@link #write} for a direct buffer: {@code length} bytes from absolute index {@code offset}. */
    int writeDirect(byte[] head, ByteBuffer data, int offset, int length, boolean flush);

    /** @return the number of body bytes read, 0 at the end of the body, -1 on error */
    int read(byte[] buffer, int offset, int length);

    /**
     * Whether the server has given up on the request (daemon mode: request-timeout passed, or
     * Apache closed the connection under it) and interrupted its thread: nothing more reaches the
     * client, and an exception the application ends with is most likely that interrupt's.
     */
    default boolean abandoned() {
        return false;
    }
}
