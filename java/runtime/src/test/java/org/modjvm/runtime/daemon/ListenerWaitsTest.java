package org.modjvm.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an accept loop that stops while a Spring Boot application refuses traffic relies on
 * (ListenerWaits, DaemonServer): on the JDK running this test, with the options a Boot group's
 * daemons get (java/runtime/pom.xml), waiting for a connection takes none — it is still there for
 * accept() — a listener without one waits out its timeout, and a closed one does not hold the loop.
 */
class ListenerWaitsTest {
    @TempDir
    Path dir;

    @Test
    void availableWithTheDaemonsCommandLineOptions() {
        assertNull(ListenerWaits.unavailable());
    }

    @Test
    void aWaitingConnectionIsSeenAndLeftForAccept() throws IOException {
        Path socket = dir.resolve("s");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            long t0 = System.nanoTime();
            assertFalse(ListenerWaits.connectionWaiting(listener, 200));
            assertTrue(System.nanoTime() - t0 >= 150_000_000L, "returned before its timeout without a connection");
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                assertTrue(ListenerWaits.connectionWaiting(listener, 5000));
                assertTrue(ListenerWaits.connectionWaiting(listener, 0), "the wait took the connection");
                try (SocketChannel accepted = listener.accept()) {
                    assertNotNull(accepted);
                    assertTrue(accepted.isBlocking());
                }
                assertFalse(ListenerWaits.connectionWaiting(listener, 50));
            }
        }
    }

    @Test
    void aClosedListenerDoesNotHoldTheLoop() throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(dir.resolve("c")));
        listener.close();
        long t0 = System.nanoTime();
        assertTrue(ListenerWaits.connectionWaiting(listener, 5000)); // (the accept that follows fails: the loop ends)
        assertEquals(0, (System.nanoTime() - t0) / 1_000_000_000L);
    }
}
