package org.modjvm.runtime.daemon;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.channels.SocketChannel;

/**
 * Makes a blocking {@link SocketChannel} wait for its peer in {@code poll()} instead of asleep
 * in {@code read()}.
 *
 * <p>Why: a thread asleep in {@code read()} on a UNIX socket is woken not only when data comes
 * but also each time the peer consumes what this side wrote (the kernel's write-space wake-up
 * reaches every sleeper on the socket, readers included). A daemon connection writes its
 * reply, reads the next request and sleeps; Apache's worker then takes the reply and so wakes
 * the daemon's thread for nothing: two needless context switches per request (measured on the
 * server core: 5.2 per request with sleeping reads, 3.5 with poll; bench/README.md). A thread
 * waiting in {@code poll()} is woken only for the events it asked for.
 *
 * <p>How: the descriptor is made non-blocking while the channel stays in blocking mode. The
 * JDK's blocking read and write then retry {@code EAGAIN} by waiting in {@code poll()}: the
 * state the JDK itself puts a socket in for virtual threads (JDK 21+) and for timed reads, and
 * {@code close()} and interrupts end such a wait as they end a sleeping read
 * (PollingWaitsTest checks all of it on the running JDK). The JDK has no public call for
 * this, so the daemon's command line exports {@code sun.nio.ch} to the runtime
 * ({@code --add-exports}, mod_jvm_daemon.c); without that, on a JDK lacking these internals, or
 * with {@code -Dmod_jvm.poll-waits=false} in the group's jvm-options, reads block as before.
 */
public final class PollingWaits {
    /** The system property that turns this off (diagnostics: compare with sleeping reads). */
    static final String PROPERTY = "mod_jvm.poll-waits";
    private static final MethodHandle CONFIGURE_BLOCKING;
    private static final String UNAVAILABLE;

    static {
        MethodHandle configure = null;
        String why = null;
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim())) {
            why = "turned off by -D" + PROPERTY + "=false";
        } else if ((why = NioInternals.unavailable()) == null) {
            try {
                configure = NioInternals.findStatic("sun.nio.ch.IOUtil", "configureBlocking",
                        MethodType.methodType(void.class, FileDescriptor.class, boolean.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                why = NioInternals.unreachable(e);
            }
        }
        CONFIGURE_BLOCKING = configure;
        UNAVAILABLE = why;
    }

    private PollingWaits() {
    }

    /** Why connections sleep in read() in this process, or null if they wait in poll(). */
    public static String unavailable() {
        return UNAVAILABLE;
    }

    /**
     * Makes the channel's waits poll()s; the channel must be in blocking mode and stay so.
     * Returns false (and the channel blocks as before) when that is not possible.
     */
    static boolean apply(SocketChannel channel) {
        if (CONFIGURE_BLOCKING == null || !channel.isBlocking()) {
            return false;
        }
        try {
            FileDescriptor fd = NioInternals.fd(channel);
            CONFIGURE_BLOCKING.invokeExact(fd, false);
            return true;
        } catch (Throwable e) {
            return false;
        }
    }
}
