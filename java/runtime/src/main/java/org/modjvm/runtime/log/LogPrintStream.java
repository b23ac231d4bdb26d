package org.modjvm.runtime.log;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A UTF-8 PrintStream writing log lines ({@link LogLineStream}): {@code System.out},
 * {@code System.err} and {@code jvm.errors}. Closing only flushes: these streams are shared
 * for the life of the process, one application closing them must not silence the others.
 */
public final class LogPrintStream extends PrintStream {
    public LogPrintStream(LogSink sink, int level) {
        super(new LogLineStream(sink, level), false, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        flush();
    }
}
