package org.modjvm.runtime;

/** Where finished log lines go: one call per line, no newline in it, UTF-8. */
@FunctionalInterface
interface LogSink {
    /** @param level an Apache log level (2 crit … 7 debug) */
    void log(int level, byte[] utf8Line);
}
