package org.modjvm.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.log.Log;

class FramesTest {
    @Test
    void decodesARequestFrame() {
        Map<String, String> environ = new LinkedHashMap<>();
        environ.put("REQUEST_URI", "/a\u00ff");
        environ.put("EMPTY", "");
        byte[] frame = TestFrames.request(Frames.FLAG_RELOADING | Frames.FLAG_HAS_BODY, 1_700_000_000_123_456L, 4242, environ);
        byte[] buffer = new byte[frame.length + 100]; // the worker's buffer is larger than the frame
        System.arraycopy(frame, 0, buffer, 0, frame.length);
        RequestFrame decoded = Frames.decodeRequest(buffer, frame.length, 10);
        assertTrue(decoded.reloading());
        assertTrue(decoded.hasBody());
        assertFalse(decoded.headerOnly());
        byte[] head = TestFrames.request(Frames.FLAG_HEADER_ONLY, 0, 0, environ);
        RequestFrame headRequest = Frames.decodeRequest(head, head.length, 0);
        assertTrue(headRequest.headerOnly());
        assertFalse(headRequest.hasBody() || headRequest.reloading());
        assertEquals(1_700_000_000_123_456L, decoded.scriptMtime());
        assertEquals(4242, decoded.scriptSize());
        assertEquals(Map.of("REQUEST_URI", "/a\u00ff", "EMPTY", ""), decoded.environ());
    }

    @Test
    void rejectsMalformedFrames() {
        byte[] frame = TestFrames.request(0, 0, 0, Map.of("K", "V"));
        assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(frame, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(frame, frame.length - 1, 0));
        byte[] hugeCount = frame.clone();
        Frames.writeInt(hugeCount, Frames.REQUEST_HEADER_LENGTH, 0x7fffffff);
        assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(hugeCount, hugeCount.length, 0));
        byte[] hugeKey = frame.clone();
        Frames.writeInt(hugeKey, Frames.REQUEST_HEADER_LENGTH + 4, -1);
        assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(hugeKey, hugeKey.length, 0));
        byte[] trailing = java.util.Arrays.copyOf(frame, frame.length + 2);
        assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(trailing, trailing.length, 0));
    }

    @Test
    void readsTheConfigFrame() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("mod_jvm.version", "0.1.0");
        values.put("mod_jvm.process_group", "");
        values.put("mod_jvm.multithread", "1");
        values.put("mod_jvm.multiprocess", "0");
        values.put("mod_jvm.log_level", "6");
        values.put("mod_jvm.cache_dir", "/var/cache/mod_jvm");
        values.put("mod_jvm.uid", "33");
        values.put("mod_jvm.jvm_home", "/usr/lib/jvm/java-17");
        ByteBuffer frame = TestFrames.config(values);
        RuntimeConfig config = RuntimeConfig.from(Frames.decodeConfig(frame));
        assertEquals(new RuntimeConfig("0.1.0", "", true, false, 6, Path.of("/var/cache/mod_jvm"), 33,
                "/usr/lib/jvm/java-17"), config);
        assertEquals(0, frame.position(), "the caller's buffer is not consumed");

        RuntimeConfig defaults = RuntimeConfig.from(Frames.decodeConfig(TestFrames.config(Map.of("mod_jvm.cache_dir", ""))));
        assertNull(defaults.cacheDirectory());
        assertFalse(defaults.multithread());
        assertEquals(Log.WARNING, defaults.logLevel());
        assertEquals(-1, defaults.uid());
    }

    @Test
    void environStringsAreReusedOnlyForEqualBytes() {
        EnvironStrings strings = new EnvironStrings();
        Map<String, String> first = new LinkedHashMap<>();
        first.put("SERVER_NAME", "example.test");
        first.put("REQUEST_URI", "/a");
        Map<String, String> second = new LinkedHashMap<>();
        second.put("SERVER_NAME", "example.test");
        second.put("REQUEST_URI", "/b");
        second.put("EXTRA", "x".repeat(1000));
        byte[] one = TestFrames.request(0, 0, 0, first);
        byte[] two = TestFrames.request(0, 0, 0, second);
        RequestFrame a = Frames.decodeRequest(one, one.length, 0, strings);
        RequestFrame b = Frames.decodeRequest(two, two.length, 0, strings);
        assertEquals(Map.of("SERVER_NAME", "example.test", "REQUEST_URI", "/b", "EXTRA", "x".repeat(1000)), b.environ());
        assertTrue(a.environ().get("SERVER_NAME") == b.environ().get("SERVER_NAME"), "same bytes: same String");
        assertEquals("/a", a.environ().get("REQUEST_URI"));
        // a different order of the same names must still decode right
        Map<String, String> swapped = new LinkedHashMap<>();
        swapped.put("REQUEST_URI", "/c");
        swapped.put("SERVER_NAME", "other.test");
        byte[] three = TestFrames.request(0, 0, 0, swapped);
        assertEquals(swapped, Frames.decodeRequest(three, three.length, 0, strings).environ());
    }
}
