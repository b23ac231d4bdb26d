package org.modjvm.runtime;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Server-level log lines of a daemon process: its stderr is Apache's error log, so each line
 * is written there whole (one write, below PIPE_BUF for ordinary lines, so lines of several
 * processes do not mix), in the shape of Apache's own lines with the group named.
 */
final class DaemonLog implements LogSink {
    private static final String[] LEVELS = {"emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"};
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss.SSSSSS yyyy", Locale.ROOT);

    private final FileOutputStream out = new FileOutputStream(FileDescriptor.err);
    private final String prefix;

    DaemonLog(String group) {
        this.prefix = "] [pid " + ProcessHandle.current().pid() + "] (jvm:" + group + ") ";
    }

    @Override
    public void log(int level, byte[] utf8Line) {
        String head = "[" + ZonedDateTime.now().format(TIME) + "] [jvm:"
                + LEVELS[Math.max(0, Math.min(level, LEVELS.length - 1))] + prefix;
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[h.length + utf8Line.length + 1];
        System.arraycopy(h, 0, line, 0, h.length);
        System.arraycopy(utf8Line, 0, line, h.length, utf8Line.length);
        line[line.length - 1] = '\n';
        synchronized (this) {
            try {
                out.write(line);
            } catch (IOException ignored) {
                // the error log is gone: nowhere to say so
            }
        }
    }
}
