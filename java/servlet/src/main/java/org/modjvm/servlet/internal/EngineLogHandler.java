package org.modjvm.servlet.internal;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * Tomcat's own log (JULI, on java.util.logging) into Apache's error log: each record a
 * JVM01407 line at the matching level, with its stack trace. Deployment failures, exceptions
 * of servlets and {@code ServletContext.log} all arrive this way, under the loggers of
 * {@code org.apache}.
 */
final class EngineLogHandler extends Handler {
    private static final Formatter MESSAGES = new SimpleFormatter();
    private final Log log;

    EngineLogHandler(Log log) {
        this.log = log;
        setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord record) {
        int level = level(record.getLevel());
        if (!log.enabled(level)) {
            return;
        }
        String text = MESSAGES.formatMessage(record);
        String source = record.getLoggerName() == null ? "" : " [" + shortName(record.getLoggerName()) + "]";
        if (record.getThrown() != null) {
            log.log(level, Message.JVM01407, text + source, record.getThrown());
        } else {
            log.log(level, Message.JVM01407, text + source);
        }
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.', logger.indexOf('[') < 0 ? logger.length() : logger.indexOf('['));
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    private static int level(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return Log.ERR;
        }
        if (value >= Level.WARNING.intValue()) {
            return Log.WARNING;
        }
        if (value >= Level.INFO.intValue()) {
            return Log.INFO;
        }
        return Log.DEBUG;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
