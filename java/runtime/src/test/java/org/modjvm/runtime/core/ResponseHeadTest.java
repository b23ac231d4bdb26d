package org.modjvm.runtime.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modjvm.runtime.wire.TestFrames;

/** The response head as C decodes it (moved from FramesTest with the class it tests). */
class ResponseHeadTest {
    @Test
    void encodesTheResponseHead() {
        ResponseHead head = ResponseHead.of("404 Not Found", List.of(Map.entry("Content-Type", "text/html"),
                Map.entry("X-A", "caf\u00e9")));
        TestFrames.Head decoded = TestFrames.decodeHead(head.encode());
        assertEquals(404, decoded.status());
        assertEquals("404 Not Found", decoded.statusLine());
        assertEquals(List.of(Map.entry("Content-Type", "text/html"), Map.entry("X-A", "caf\u00e9")), decoded.headers());
    }
}
