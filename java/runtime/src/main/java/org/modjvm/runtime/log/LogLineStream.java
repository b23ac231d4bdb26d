package org.modjvm.runtime.log;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * An output stream that turns bytes into log lines: each {@code '\n'} ends a line (a trailing
 * {@code '\r'} is dropped), {@code flush()} ends a partial one. Under a {@link java.io.PrintStream}
 * this is how {@code System.out}, {@code System.err} and {@code jvm.errors} reach the error
 * log. Lines longer than {@link #MAX_LINE} are split (Apache's own limit is about 8 KB).
 *
 * <p>Not thread-safe by itself: {@link java.io.PrintStream} serializes writes.
 */
final class LogLineStream extends OutputStream {
    static final int MAX_LINE = 8000;

    private final LogSink sink;
    private final int level;
    private byte[] line = new byte[256];
    private int length;

    LogLineStream(LogSink sink, int level) {
        this.sink = sink;
        this.level = level;
    }

    @Override
    public void write(int b) {
        if (b == '\n') {
            emit();
            return;
        }
        if (length == line.length) {
            if (length >= MAX_LINE) {
                emit();
            } else {
                line = Arrays.copyOf(line, Math.min(MAX_LINE, length * 2));
            }
        }
        line[length++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int count) {
        int end = offset + count;
        int start = offset;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                append(bytes, start, i - start);
                emit();
                start = i + 1;
            }
        }
        append(bytes, start, end - start);
    }

    private void append(byte[] bytes, int offset, int count) {
        while (count > 0) {
            if (length == MAX_LINE) {
                emit();
            }
            if (length + count > line.length && line.length < MAX_LINE) {
                line = Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(line.length * 2, length + count)));
            }
            int n = Math.min(count, line.length - length);
            System.arraycopy(bytes, offset, line, length, n);
            length += n;
            offset += n;
            count -= n;
        }
    }

    /** Ends the current partial line, if any. */
    @Override
    public void flush() {
        if (length > 0) {
            emit();
        }
    }

    @Override
    public void close() {
        flush();
    }

    private void emit() {
        int end = length;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        byte[] out = Arrays.copyOf(line, end);
        length = 0;
        if (line.length > 1024) {
            line = new byte[256]; // a single huge line should not pin 8 KB per stream forever
        }
        sink.log(level, out);
    }
}
