package org.modjvm.runtime.daemon;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import org.modjvm.runtime.log.LogSink;

/**
 * Server-level log lines of a daemon process. Its stdout and stderr lead to the parent's log
 * relay (mod_jvm_daemon.c), which writes them to Apache's error log in Apache's format with the
 * group named; a line from here is marked {@code \001<level digit>} so the relay keeps its
 * level. Each line is one write, so lines from several threads never mix.
 */
public final class DaemonLog implements LogSink {
    /** The relay's READY_LINE and READY_ROUTED_LINE (mod_jvm_daemon.c). */
    private static final byte[] READY_LINE = {2, 'r', 'e', 'a', 'd', 'y', '\n'};
    private static final byte[] READY_ROUTED_LINE = "\u0002ready routed\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** The relay's READY_PENDING_LINE: a successor ready on the group's socket, its route to follow. */
    private static final byte[] READY_PENDING_LINE = "\u0002ready pending\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** The relay's UNREADY_LINE: this process takes no connection for now (its application refuses traffic). */
    private static final byte[] UNREADY_LINE = "\u0002unready\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** The relay's SUCCESSOR_LINE: this process's application changed, it asks for a successor. */
    private static final byte[] SUCCESSOR_LINE = "\u0002successor\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /*
     * A descriptor of its own for the pipe to the relay: closing the inherited listening channel
     * (drain) makes the JDK point fds 0, 1 and 2 at /dev/null, and the drain's own lines would be
     * lost. Opening /proc/self/fd/2 gives a new descriptor for the same pipe.
     */
    private final FileOutputStream out = openStderr();

    private static FileOutputStream openStderr() {
        try {
            return new FileOutputStream("/proc/self/fd/2");
        } catch (IOException | SecurityException e) {
            return new FileOutputStream(FileDescriptor.err);
        }
    }

    /**
     * Tells the relay that this process accepts connections now: the line {@code \002ready}, which
     * the relay takes and does not log. The parent and Apache's children learn it from the relay
     * (mod_jvm_daemon.c, "readiness"): a process that dies before it was ready is restarted with a
     * growing delay, and while no process of the group is ready requests do not wait in the listen
     * backlog. {@code routed}: it accepts on its own socket too (its route, sticky sessions), where
     * Apache's children then send the requests of its sessions.
     */
    public void ready(boolean routed) {
        say(routed ? READY_ROUTED_LINE : READY_LINE);
    }

    /**
     * A successor (rolling reload, {@link Succession}) accepts on the group's socket and will accept
     * on its route socket once its predecessor is gone: Apache's children wait for it then with the
     * requests of that route's sessions, rather than giving them new ones.
     */
    void readyRoutePending() {
        say(READY_PENDING_LINE);
    }

    /**
     * This process takes no connection for now (its Spring Boot application refuses traffic):
     * Apache's children count it as not ready until it says {@link #ready} again.
     */
    void unready() {
        say(UNREADY_LINE);
    }

    /**
     * This process's application changed: the Apache parent starts a successor for its slot (its
     * doorbell process sees the word the relay marks, mod_jvm_daemon.c) while this process goes on
     * serving.
     */
    void successorWanted() {
        say(SUCCESSOR_LINE);
    }

    private void say(byte[] line) {
        synchronized (this) {
            try {
                out.write(line);
            } catch (IOException ignored) {
                // no relay: the parent took the process as ready from the start (and hears nothing)
            }
        }
    }

    @Override
    public void log(int level, byte[] utf8Line) {
        byte[] line = new byte[utf8Line.length + 3];
        line[0] = 1;
        line[1] = (byte) ('0' + Math.max(0, Math.min(level, 7)));
        System.arraycopy(utf8Line, 0, line, 2, utf8Line.length);
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
