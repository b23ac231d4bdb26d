package org.modjvm.runtime.log;

/** Where finished log lines go: one call per line, no newline in it, UTF-8. */
@FunctionalInterface
public interface LogSink {
    /** @param level an Apache log level (2 crit … 7 debug) */
    void log(int level, byte[] utf8Line);
}
