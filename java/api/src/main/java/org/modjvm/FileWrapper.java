package org.modjvm;

import java.io.InputStream;

/**
 * The {@code wsgi.file_wrapper} of PEP 3333, found in environ under {@link Environ#FILE_WRAPPER}:
 * turns a stream into a body iterable that reads {@code blockSize} bytes at a time and closes
 * the stream when mod_jvm closes the iterable.
 */
@FunctionalInterface
public interface FileWrapper {
    /** Wraps {@code stream}; the result is {@link AutoCloseable} and closes the stream. */
    Iterable<byte[]> wrap(InputStream stream, int blockSize);

    /** Wraps {@code stream} with 8192-byte blocks. */
    default Iterable<byte[]> wrap(InputStream stream) {
        return wrap(stream, 8192);
    }
}
