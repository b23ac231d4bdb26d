package org.modjvm.runtime;

import java.nio.ByteBuffer;
import org.modjvm.runtime.core.Transport;

/**
 * The C module's functions, registered by {@code RegisterNatives} on this class (names and
 * signatures are fixed by docs/internals.md). Only {@link NativeTransport} and
 * {@link Bootstrap} call them: the request core talks to a {@link Transport}, so it also runs
 * in unit tests and in daemon processes.
 */
public final class Natives {
    private Natives() {
    }

    static native int write(long request, byte[] head, byte[] data, int offset, int length, boolean flush);

    static native int writeDirect(long request, byte[] head, ByteBuffer data, int offset, int length, boolean flush);

    static native int read(long request, byte[] buffer, int offset, int length);

    static native void log(long request, int level, byte[] utf8Message);
}
