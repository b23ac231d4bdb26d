package org.modjvm.runtime.daemon;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.channels.SocketChannel;

/**
 * Tells whether Apache has closed its end of a daemon connection, without reading from it: the
 * request's own thread owns the reads (the request body arrives on the same connection), so the
 * watchdog that asks must not take a byte, and a request thread blocked in application code
 * cannot notice by itself.
 *
 * <p>How: {@code poll()} the descriptor for {@code POLLOUT} without waiting and look at
 * {@code POLLHUP} and {@code SO_ERROR}. A UNIX stream socket reports {@code POLLHUP} as soon as its
 * peer has closed (the kernel shuts both directions of the survivor), and {@code ECONNRESET} in
 * {@code SO_ERROR} if the peer closed with bytes of ours unread. The JDK does exactly that in
 * {@code sun.nio.ch.Net.pollConnect} (meant for a non-blocking connect): it returns true for a
 * live writable socket, false when it is not writable now (the peer is slow to read: nothing is
 * known), and throws when poll() saw {@code POLLHUP} or {@code SO_ERROR} is set. Data coming in
 * (a BODY answer) wakes nothing: {@code POLLIN} is not asked for. It is reached through the
 * {@code --add-exports} that {@link PollingWaits} needs too; without it the daemon cannot tell,
 * and only request-timeout ends a request Apache gave up on (JVM01338 at start).
 *
 * <p>Cost: one {@code poll()} and, on an event, one {@code getsockopt()}, only from the watchdog
 * and only for requests that have run for a while ({@link DaemonConnection#checkAbandoned}).
 */
public final class PeerHangup {
    private static final MethodHandle POLL_CONNECT;
    private static final String UNAVAILABLE;

    static {
        MethodHandle pollConnect = null;
        String why = NioInternals.unavailable();
        if (why == null) {
            try {
                pollConnect = NioInternals.findStatic("sun.nio.ch.Net", "pollConnect",
                        MethodType.methodType(boolean.class, FileDescriptor.class, long.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                why = NioInternals.unreachable(e);
            }
        }
        POLL_CONNECT = pollConnect;
        UNAVAILABLE = why;
    }

    private PeerHangup() {
    }

    /** Why this process cannot tell that Apache closed a connection, or null if it can. */
    public static String unavailable() {
        return UNAVAILABLE;
    }

    /**
     * Whether the peer of {@code channel} has closed its end (or the socket failed). False when
     * the peer is there or nothing can be told. The caller makes sure the channel is not closed
     * meanwhile (its descriptor's number could be another socket's by then).
     */
    static boolean detected(SocketChannel channel) {
        if (POLL_CONNECT == null) {
            return false;
        }
        FileDescriptor fd;
        try {
            fd = NioInternals.fd(channel);
        } catch (Throwable e) {
            return false;
        }
        try {
            boolean writable = (boolean) POLL_CONNECT.invokeExact(fd, 0L);
            return false; // writable or not: the peer is there
        } catch (IOException e) {
            return true; // POLLHUP (ENOTCONN) or SO_ERROR (ECONNRESET)
        } catch (Throwable e) {
            return false;
        }
    }
}
