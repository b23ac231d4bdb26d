package org.modjvm.runtime.daemon;

import java.io.FileDescriptor;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Path;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * The process's own listening socket, besides its group's (docs/internals.md, "Sticky sessions"):
 * the Apache parent makes one per process slot of a group with processes=2+, owned and kept like
 * the group's socket, and passes the slot's process its socket as fd 3. Apache's children send
 * there the requests whose session names this process's route (the index of its slot, the end
 * of its session ids), so a session's requests keep reaching the process that holds it; the
 * replacement of the process gets the same socket and accepts what waited for it.
 *
 * <p>The JDK makes a channel of an inherited socket only for fd 0 ({@code System.inheritedChannel},
 * the group's socket). For fd 3 the channel is made as the JDK makes that one: its
 * {@code sun.nio.ch.ServerSocketChannelImpl} for a bound descriptor, which the daemon's command
 * line opens to the runtime ({@code --add-opens=java.base/sun.nio.ch=ALL-UNNAMED}, groups with
 * processes=2+, mod_jvm_daemon.c). Where that is refused the process logs JVM01423 and does not
 * say it accepts there: Apache then sends its sessions' requests to any process (they get new
 * sessions), never into a socket nobody accepts on.
 */
final class RouteSocket {
    /** The descriptor the parent passes it as (ROUTE_FD in mod_jvm_daemon.c). */
    static final int FD = 3;

    private RouteSocket() {
    }

    /** The route socket as a channel, or null: none (processes=1), or it cannot be had (logged). */
    static ServerSocketChannel open(DaemonSettings settings, Log log) {
        if (settings.routeSocket().isEmpty()) {
            return null;
        }
        try {
            FileDescriptor fd = (FileDescriptor) NioInternals.findStatic("sun.nio.ch.IOUtil", "newFD",
                    MethodType.methodType(FileDescriptor.class, int.class)).invoke(FD);
            Constructor<?> make = Class.forName("sun.nio.ch.ServerSocketChannelImpl").getDeclaredConstructor(
                    SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class, boolean.class);
            make.setAccessible(true);
            // (bound: the channel reads the socket's address, which must be the one the parent named)
            ServerSocketChannel channel = (ServerSocketChannel) make.newInstance(SelectorProvider.provider(),
                    StandardProtocolFamily.UNIX, fd, true);
            SocketAddress bound = channel.getLocalAddress();
            if (!(bound instanceof UnixDomainSocketAddress unix)
                    || !unix.getPath().equals(Path.of(settings.routeSocket()))) {
                channel.close();
                throw new IllegalStateException("fd " + FD + " is " + bound + ", not " + settings.routeSocket());
            }
            return channel;
        } catch (Throwable e) {
            log.log(Message.JVM01423, "this process cannot accept on its own socket " + settings.routeSocket()
                    + " (fd " + FD + "): " + e + "; requests of its sessions go to any process (docs/internals.md,"
                    + " \"Sticky sessions\")");
            return null;
        }
    }
}
