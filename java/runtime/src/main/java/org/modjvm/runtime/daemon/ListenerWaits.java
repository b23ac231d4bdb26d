package org.modjvm.runtime.daemon;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.ServerSocketChannel;

/**
 * Waits for a connection on a listening socket without taking it: {@code poll()} for
 * {@code POLLIN} with a timeout. An accept loop that waits here, not in {@code accept()}, can stop
 * accepting for a while and start again: a process whose Spring Boot application refuses traffic
 * (DaemonServer) leaves the group's connections to its other processes, or in the backlog.
 *
 * <p>Why not otherwise: the listening socket is the group's, shared with its other processes, so
 * it must stay blocking ({@code O_NONBLOCK} belongs to the open file, which they share: no
 * selector), and a UNIX {@code ServerSocketChannel} has no socket adaptor with an accept timeout.
 * The JDK's {@code sun.nio.ch.Net.poll} is package-private: reached through a private lookup,
 * which {@code --add-opens=java.base/sun.nio.ch=ALL-UNNAMED} allows (the command line of groups
 * that run a Boot jar or have processes=2+, mod_jvm_daemon.c). Without it the accept loop blocks
 * in {@code accept()} as before, and a connection accepted while the application refuses traffic
 * gets GOODBYE.
 */
final class ListenerWaits {
    private static final MethodHandle POLL;
    private static final int POLLIN;
    private static final String UNAVAILABLE;

    static {
        MethodHandle poll = null;
        int pollin = 0;
        String why = NioInternals.unavailable();
        if (why == null) {
            try {
                Class<?> net = Class.forName("sun.nio.ch.Net");
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(net, MethodHandles.lookup());
                poll = lookup.findStatic(net, "poll", MethodType.methodType(int.class, FileDescriptor.class, int.class,
                        long.class));
                pollin = (short) lookup.findStaticGetter(net, "POLLIN", short.class).invoke();
            } catch (Throwable e) {
                poll = null;
                why = NioInternals.unreachable(e);
            }
        }
        POLL = poll;
        POLLIN = pollin;
        UNAVAILABLE = poll == null ? why : null;
    }

    private ListenerWaits() {
    }

    /** Why an accept loop of this process cannot wait in poll(), or null if it can. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /**
     * Whether a connection waits on {@code listener} within {@code timeoutMillis}. Also true when
     * that cannot be told (the listener closed by a drain: the accept that follows fails, and the
     * loop ends).
     */
    static boolean connectionWaiting(ServerSocketChannel listener, long timeoutMillis) {
        if (POLL == null || !listener.isOpen()) {
            return true;
        }
        try {
            return (int) POLL.invokeExact(NioInternals.fd(listener), POLLIN, timeoutMillis) != 0;
        } catch (Throwable e) {
            return true;
        }
    }
}
