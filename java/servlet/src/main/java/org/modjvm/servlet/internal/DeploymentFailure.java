package org.modjvm.servlet.internal;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.apache.catalina.Context;

/**
 * Why a web application did not deploy, said in one line. Tomcat does not throw when a context
 * fails to start: it logs the cause (a web.xml that does not parse, a listener or filter class
 * it cannot load, the exception a listener threw) as an error, then marks the context
 * unavailable and says only that it "failed due to previous errors". So, while one application
 * is deployed, this handler on the engine's loggers keeps the first errors logged by the
 * deploying thread (a context starts in the thread that adds it; requests of other applications
 * log from other threads and are not taken), and {@link #why} makes the JVM01405 line of them.
 */
final class DeploymentFailure extends Handler implements AutoCloseable {
    private static final Formatter MESSAGES = new SimpleFormatter();
    /** A JVM01405 line stays one readable line even when a message embeds a whole document. */
    private static final int MAX_WHY = 1000;

    private final Logger logger;
    private final Thread deploying;
    private LogRecord first;
    private LogRecord firstThrown;

    private DeploymentFailure(Logger logger) {
        this.logger = logger;
        this.deploying = Thread.currentThread();
        setLevel(Level.SEVERE);
    }

    /** Starts keeping the errors the engine logs on this thread; {@link #close} stops. */
    static DeploymentFailure capture(Logger engineLogger) {
        DeploymentFailure capture = new DeploymentFailure(engineLogger);
        engineLogger.addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        if (Thread.currentThread() != deploying || record.getLevel().intValue() < Level.SEVERE.intValue()) {
            return;
        }
        synchronized (this) {
            if (first == null) {
                first = record;
            }
            if (firstThrown == null && record.getThrown() != null) {
                firstThrown = record;
            }
        }
    }

    /**
     * The cause in one line: the first error the engine logged with an exception while deploying
     * (its message and the innermost exception), else the first error it logged, else the
     * exception {@code addWebapp} threw, else the state the context was left in. (Errors without
     * an exception can come first and say less: the mapper's "No context found" for a context
     * that is still starting.)
     */
    synchronized String why(Throwable thrown, Context context) {
        LogRecord chosen = firstThrown != null ? firstThrown : first;
        String text;
        if (chosen != null) {
            text = MESSAGES.formatMessage(chosen);
            if (chosen.getThrown() != null) {
                text += ": " + describe(chosen.getThrown());
            }
        } else if (thrown != null) {
            text = describe(thrown);
        } else {
            text = "its context did not start (state " + (context == null ? "none" : context.getState())
                    + ") and the engine logged no error";
        }
        return oneLine(text);
    }

    /** The innermost cause, which names what is wrong (the class not found, the parse error). */
    static String describe(Throwable thrown) {
        Throwable cause = thrown;
        for (int depth = 0; cause.getCause() != null && cause.getCause() != cause && depth < 20; depth++) {
            cause = cause.getCause();
        }
        return String.valueOf(cause);
    }

    static String oneLine(String text) {
        String line = text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return line.length() <= MAX_WHY ? line : line.substring(0, MAX_WHY) + "…";
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }

    @Override
    public void flush() {
    }
}
