package org.modjvm.runtime.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.modjvm.FileWrapper;

/** {@code jvm.file_wrapper}: a stream as an iterable of blocks, closing the stream on close(). */
final class StreamFileWrapper implements FileWrapper {
    static final StreamFileWrapper INSTANCE = new StreamFileWrapper();

    private StreamFileWrapper() {
    }

    @Override
    public Iterable<byte[]> wrap(InputStream stream, int blockSize) {
        if (stream == null) {
            throw new NullPointerException("stream");
        }
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be positive, not " + blockSize);
        }
        return new Blocks(stream, blockSize);
    }

    /** Iterable once, like a Python file wrapper; close() closes the stream. */
    static final class Blocks implements Iterable<byte[]>, AutoCloseable {
        private final InputStream stream;
        private final int blockSize;

        Blocks(InputStream stream, int blockSize) {
            this.stream = stream;
            this.blockSize = blockSize;
        }

        @Override
        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                private byte[] next;
                private boolean ended;

                @Override
                public boolean hasNext() {
                    if (next == null && !ended) {
                        try {
                            byte[] block = stream.readNBytes(blockSize);
                            if (block.length == 0) {
                                ended = true;
                            } else {
                                next = block;
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                    return next != null;
                }

                @Override
                public byte[] next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    byte[] block = next;
                    next = null;
                    return block;
                }
            };
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }
}
