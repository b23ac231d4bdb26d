package org.modjvm.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the daemon's watchdog relies on to notice that Apache gave up on a running request
 * (PeerHangup): on the JDK running this test, a live peer is never taken for a closed one (not
 * when data waits unread, not when the peer is slow to read), a closed peer is seen (with or
 * without our bytes unread), and asking takes no byte from a reader of the same channel.
 * Surefire runs this with the same --add-exports the daemon gets (java/runtime/pom.xml).
 */
class PeerHangupTest {
    @TempDir
    Path dir;
    private ServerSocketChannel listener;
    private SocketChannel apache;   // the Apache side
    private SocketChannel daemon;   // the accepted side, as in DaemonServer

    @BeforeEach
    void connect() throws IOException {
        Path socket = dir.resolve("s");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        apache = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        daemon = listener.accept();
        PollingWaits.apply(daemon); // as DaemonConnection does
    }

    @AfterEach
    void close() throws IOException {
        apache.close();
        daemon.close();
        listener.close();
    }

    @Test
    void availableWithTheDaemonsCommandLineOptions() {
        assertNull(PeerHangup.unavailable());
    }

    @Test
    void aLivePeerIsNotClosed() throws IOException {
        assertFalse(PeerHangup.detected(daemon));
        apache.write(ByteBuffer.wrap(new byte[] {1, 2, 3})); // a BODY waiting to be read
        assertFalse(PeerHangup.detected(daemon), "data waiting is no hangup");
    }

    @Test
    void aPeerSlowToReadIsNotClosed() throws IOException {
        fillSendBuffer();
        assertFalse(PeerHangup.detected(daemon), "a full send buffer is no hangup");
    }

    @Test
    void aClosedPeerIsSeen() throws IOException {
        apache.close();
        assertTrue(PeerHangup.detected(daemon));
    }

    @Test
    void aPeerClosedWithOurBytesUnreadIsSeen() throws IOException {
        fillSendBuffer();
        apache.close(); // (the peer's side resets: ECONNRESET)
        assertTrue(PeerHangup.detected(daemon));
        assertTrue(PeerHangup.detected(daemon), "and again");
    }

    @Test
    void askingTakesNoByteFromAReader() throws Exception {
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                ByteBuffer b = ByteBuffer.allocate(16);
                daemon.read(b);
                return b.flip().remaining() > 0 ? (int) b.get(0) : -1;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(100); // the reader waits
        assertFalse(PeerHangup.detected(daemon));
        apache.write(ByteBuffer.wrap(new byte[] {42}));
        for (int i = 0; i < 20; i++) {
            assertFalse(PeerHangup.detected(daemon));
        }
        assertEquals(42, read.get(10, TimeUnit.SECONDS));
    }

    private void fillSendBuffer() throws IOException {
        daemon.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
        while (daemon.write(chunk.clear()) > 0) {
            // until the kernel takes no more
        }
        daemon.configureBlocking(true);
        PollingWaits.apply(daemon);
    }
}
