package org.modjvm;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The {@code write()} callable of PEP 3333: sends body bytes at once, before the returned
 * iterable is consumed. Only valid on the request's own thread, during the request.
 */
public interface Write {
    /** Sends {@code data} to the client now (the headers first, if not yet sent). */
    void write(byte[] data) throws IOException;

    /** Sends the remaining bytes of {@code data} to the client now. */
    void write(ByteBuffer data) throws IOException;
}
