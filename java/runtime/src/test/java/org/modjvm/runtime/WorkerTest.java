package org.modjvm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modjvm.runtime.wire.TestFrames;

/** The embedded entry point without a runtime (moved from FramesTest with the class it tests). */
class WorkerTest {
    @Test
    void aWorkerWithoutRuntimeAnswers500AndNeverThrows() {
        Worker worker = new Worker(null, 7);
        byte[] frame = TestFrames.request(0, 0, 0, Map.of("SCRIPT_FILENAME", "/x.java"));
        ByteBuffer direct = ByteBuffer.allocateDirect(frame.length).put(frame);
        assertEquals(500, worker.handle(1234, direct, frame.length)); // logging fails (no natives): still 500
    }
}
