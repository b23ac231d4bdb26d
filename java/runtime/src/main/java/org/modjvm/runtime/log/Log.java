package org.modjvm.runtime.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Formats the runtime's log messages: every line starts with its {@code JVMnnnnn: } number
 * (Apache log lines carry no newline, so multi-line messages and stack traces become one
 * line each), and nothing is built for levels the server does not log. A numbered message's
 * level is the one {@link Message} declares for it: call sites name the message, not a level.
 */
public final class Log {
    public static final int CRIT = 2;
    public static final int ERR = 3;
    public static final int WARNING = 4;
    public static final int NOTICE = 5;
    public static final int INFO = 6;
    public static final int DEBUG = 7;

    /** StackOverflowError traces have 1024 frames: enough to diagnose, not to flood the log. */
    public static final int MAX_TRACE_LINES = 200;

    /** Last resort when the sink itself fails: the process's stderr (Apache's error log). */
    private static final PrintStream RAW_STDERR =
            new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    private final LogSink sink;
    private final int maxLevel;

    public Log(LogSink sink, int maxLevel) {
        this.sink = sink;
        this.maxLevel = maxLevel;
    }

    /** Whether {@code message} would be logged: guards the building of an expensive text. */
    public boolean enabled(Message message) {
        return enabled(message.level());
    }

    boolean enabled(int level) {
        return level <= maxLevel;
    }

    int maxLevel() {
        return maxLevel;
    }

    /**
     * Logs {@code text} at the message's level, one log line per line of it, each prefixed with
     * the message's number.
     */
    public void log(Message message, String text) {
        log(message.level(), message.id(), text);
    }

    /**
     * Logs {@code header}, then the stack trace of {@code error} (causes included), one line each,
     * at the message's level.
     */
    public void log(Message message, String header, Throwable error) {
        log(message.level(), message.id(), header, error);
    }

    /** Logs {@code message}, one log line per line of it, each prefixed with {@code code: }. */
    void log(int level, String code, String message) {
        if (!enabled(level)) {
            return;
        }
        String prefix = code + ": ";
        int length = message.length();
        int start = 0;
        while (true) {
            int end = start;
            while (end < length && message.charAt(end) != '\n' && message.charAt(end) != '\r') {
                end++;
            }
            emit(level, prefix + message.substring(start, end));
            if (end >= length) {
                return;
            }
            start = end + 1;
            if (message.charAt(end) == '\r' && start < length && message.charAt(start) == '\n') {
                start++;
            }
            if (start >= length) {
                return;
            }
        }
    }

    void log(int level, String code, String header, Throwable error) {
        if (!enabled(level)) {
            return;
        }
        log(level, code, header);
        String trace;
        try {
            trace = StackTraces.format(error);
        } catch (Throwable unprintable) {
            // e.g. OutOfMemoryError while formatting: say at least what it was
            trace = String.valueOf(error.getClass().getName());
        }
        log(level, code, truncateLines(trace, MAX_TRACE_LINES));
    }

    /** Passes an already formatted line (application output: no JVMnnnnn number) to the sink. */
    public void logRaw(int level, byte[] utf8Line) {
        if (!enabled(level)) {
            return;
        }
        try {
            sink.log(level, utf8Line);
        } catch (Throwable broken) {
            RAW_STDERR.println(new String(utf8Line, StandardCharsets.UTF_8));
        }
    }

    /** Milliseconds since {@code startNanos} (a {@link System#nanoTime}), for the timings in log lines. */
    public static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static String truncateLines(String text, int maxLines) {
        int lines = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n' && ++lines == maxLines) {
                int rest = 0;
                for (int j = i + 1; j < text.length(); j++) {
                    if (text.charAt(j) == '\n') {
                        rest++;
                    }
                }
                return rest == 0 ? text : text.substring(0, i + 1) + "\t... " + rest + " more lines";
            }
        }
        return text;
    }

    private void emit(int level, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        try {
            sink.log(level, bytes);
        } catch (Throwable broken) {
            // logging must never fail a request
            RAW_STDERR.println(line);
        }
    }
}
