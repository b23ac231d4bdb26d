package org.modjvm.servlet.internal;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * Tomcat's own log (JULI, on java.util.logging) into Apache's error log: each record a line
 * at the matching level (JVM01407 error, JVM01410 warning, JVM01411 info, JVM01412 debug), with
 * its stack trace. Deployment failures, exceptions
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
        Message message = message(record.getLevel());
        if (!log.enabled(message)) {
            return;
        }
        String text = MESSAGES.formatMessage(record);
        String source = record.getLoggerName() == null ? "" : " [" + shortName(record.getLoggerName()) + "]";
        String request = RequestProcessor.requestOnThisThread();
        if (request != null) {
            // e.g. a servlet's exception: which request it was (Tomcat's line names the servlet only)
            source = " (" + request + ")" + source;
        }
        if (record.getThrown() != null) {
            log.log(message, text + source, record.getThrown());
        } else {
            log.log(message, text + source);
        }
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.', logger.indexOf('[') < 0 ? logger.length() : logger.indexOf('['));
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    /** One message per level: JVM01407 errors, JVM01410 warnings, JVM01411 information, JVM01412 debug. */
    private static Message message(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return Message.JVM01407;
        }
        if (value >= Level.WARNING.intValue()) {
            return Message.JVM01410;
        }
        if (value >= Level.INFO.intValue()) {
            return Message.JVM01411;
        }
        return Message.JVM01412;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
