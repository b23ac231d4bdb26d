package org.modjvm.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ConnectionBuffersTest {

    @Test
    void aGivenBackSetIsTheNextOneTakenAndComesBackEmpty() {
        ConnectionBuffers.Pool pool = new ConnectionBuffers.Pool(4);
        ConnectionBuffers first = pool.take();
        assertTrue(first.in.isDirect() && first.out.isDirect(), "socket buffers are direct");
        assertEquals(ByteOrder.LITTLE_ENDIAN, first.in.order());
        assertEquals(ByteOrder.LITTLE_ENDIAN, first.out.order());
        assertFalse(first.in.hasRemaining(), "a new connection has nothing read ahead");
        assertEquals(ConnectionBuffers.SOCKET_BUFFER_SIZE, first.out.remaining());

        first.in.clear();
        first.in.put(new byte[100]).flip(); // read ahead, unconsumed
        first.out.put(new byte[50]);        // unsent
        pool.give(first);
        assertEquals(1, pool.size());

        ConnectionBuffers again = pool.take();
        assertSame(first, again, "reused");
        assertEquals(0, pool.size());
        assertFalse(again.in.hasRemaining(), "the last connection's bytes are not the next one's");
        assertEquals(0, again.out.position());
        assertEquals(ConnectionBuffers.SOCKET_BUFFER_SIZE, again.out.remaining());
    }

    @Test
    void aFrameGrownForLargeHeadersIsNotKept() {
        ConnectionBuffers.Pool pool = new ConnectionBuffers.Pool(4);
        ConnectionBuffers b = pool.take();
        b.frame = new byte[ConnectionBuffers.FRAME_KEPT_MAX + 1];
        pool.give(b);
        assertEquals(ConnectionBuffers.FRAME_SIZE, pool.take().frame.length);

        ConnectionBuffers c = pool.take();
        byte[] moderate = new byte[ConnectionBuffers.FRAME_KEPT_MAX];
        c.frame = moderate;
        pool.give(c);
        assertSame(moderate, pool.take().frame, "a frame up to the limit is kept");
    }

    @Test
    void thePoolKeepsAtMostItsMaximum() {
        ConnectionBuffers.Pool pool = new ConnectionBuffers.Pool(2);
        ConnectionBuffers a = pool.take(), b = pool.take(), c = pool.take();
        assertNotSame(a, b);
        pool.give(a);
        pool.give(b);
        pool.give(c);
        assertEquals(2, pool.size(), "a burst's extra buffers are left to the collector");
    }
}
