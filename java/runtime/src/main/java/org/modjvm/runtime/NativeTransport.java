package org.modjvm.runtime;

import java.nio.ByteBuffer;
import org.modjvm.runtime.core.Transport;

/**
 * The embedded-mode {@link Transport}: the C module's natives, bound to the request handle of
 * the request currently running on the owning worker thread.
 */
final class NativeTransport implements Transport {
    private long request;

    void begin(long request) {
        this.request = request;
    }

    void end() {
        this.request = 0;
    }

    /** The handle is a pointer into C's request state: never pass a stale one. */
    private long handle() {
        long handle = request;
        if (handle == 0) {
            throw new IllegalStateException("no request is running on this worker thread");
        }
        return handle;
    }

    @Override
    public int write(byte[] head, byte[] data, int offset, int length, boolean flush) {
        return Natives.write(handle(), head, data, offset, length, flush);
    }

    @Override
    public int writeDirect(byte[] head, ByteBuffer data, int offset, int length, boolean flush) {
        return Natives.writeDirect(handle(), head, data, offset, length, flush);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        return Natives.read(handle(), buffer, offset, length);
    }

    /** Outside a request the handle is 0, which C logs at server level: never invalid. */
    @Override
    public void log(int level, byte[] utf8Line) {
        Natives.log(request, level, utf8Line);
    }
}
