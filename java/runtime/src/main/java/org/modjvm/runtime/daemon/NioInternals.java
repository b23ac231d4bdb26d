package org.modjvm.runtime.daemon;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.NetworkChannel;

/**
 * The JDK-internal socket calls the daemon uses ({@link PollingWaits}, {@link PeerHangup},
 * {@link ListenerWaits}),
 * reached through {@code --add-exports=java.base/sun.nio.ch=ALL-UNNAMED} on the daemon's command
 * line. Looked up once per process, never per request; when the JDK refuses, the callers fall
 * back and say why at start.
 */
final class NioInternals {
    private static final MethodHandle GET_FD;
    private static final String UNAVAILABLE;

    static {
        MethodHandle getFd = null;
        String why = null;
        try {
            getFd = MethodHandles.lookup().findVirtual(Class.forName("sun.nio.ch.SelChImpl"), "getFD",
                    MethodType.methodType(FileDescriptor.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = unreachable(e);
        }
        GET_FD = getFd;
        UNAVAILABLE = why;
    }

    private NioInternals() {
    }

    /** Why a channel's descriptor cannot be had in this process, or null if it can. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /** A static method of a {@code sun.nio.ch} class. */
    static MethodHandle findStatic(String className, String name, MethodType type) throws ReflectiveOperationException {
        return MethodHandles.lookup().findStatic(Class.forName(className), name, type);
    }

    /** The reason given when a lookup failed. */
    static String unreachable(Throwable e) {
        return "this JDK does not let the runtime reach sun.nio.ch (" + e + ")";
    }

    /** The descriptor of a socket channel, or of a listening one (only when {@link #unavailable()} is null). */
    static FileDescriptor fd(NetworkChannel channel) throws Throwable {
        return (FileDescriptor) GET_FD.invoke(channel);
    }
}
