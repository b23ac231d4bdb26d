package org.modjvm.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modjvm.runtime.core.FakeTransport;
import org.modjvm.runtime.log.Log;

/** The turn-taking of a group's processes; the other processes are simulated by their files. */
class RecycleCoordinatorTest {
    @TempDir
    Path dir;

    private final FakeTransport sink = new FakeTransport();
    private final Log log = new Log(sink, Log.DEBUG);

    @Test
    void aSecondCallWhileHoldingTheTurnSucceedsWithoutThrowing() throws IOException {
        // seen in a daemon: maximum-requests asked from a request thread, then the watchdog asked
        // again before the drain began, and FileChannel.tryLock threw OverlappingFileLockException
        RecycleCoordinator c = new RecycleCoordinator(dir, "/run/jvm.1.1.sock", "3", 2, log);
        Files.writeString(dir.resolve("ready.jvm.1.1.sock-3." + ProcessHandle.current().parent().orElseThrow().pid()), "");
        assertTrue(c.tryBegin(), "the other process is ready: this one may recycle");
        assertEquals(java.util.List.of(ProcessHandle.current().parent().orElseThrow().pid()), c.servingWhenTurnCame(),
                "the recycle's log line names the process left serving");
        assertTrue(c.tryBegin(), "asked again while holding the turn");
        assertTrue(sink.logs.isEmpty(), () -> "nothing logged: " + sink.logs);
    }

    @Test
    void noTurnWhileTheOtherProcessIsNotReady() {
        RecycleCoordinator c = new RecycleCoordinator(dir, "/run/jvm.1.1.sock", "3", 2, log);
        assertFalse(c.tryBegin(), "the other process is not up: recycling now would leave the group empty");
        assertTrue(c.servingWhenTurnCame().isEmpty());
    }

    @Test
    void processesOfAnotherGenerationDoNotCount() throws IOException {
        // the socket outlives a graceful restart: an old-generation process is not a sibling
        RecycleCoordinator c = new RecycleCoordinator(dir, "/run/jvm.1.1.sock", "4", 2, log);
        Files.writeString(dir.resolve("ready.jvm.1.1.sock-3." + ProcessHandle.current().parent().orElseThrow().pid()), "");
        assertFalse(c.tryBegin());
        c.ready();
        try (var files = Files.list(dir)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("ready.jvm.1.1.sock-4.")).count());
        }
    }

    @Test
    void aPredecessorLearnsThatItsSuccessorServesFromItsFile() throws IOException {
        // the successor (simulated: the parent of this JVM, alive) writes the file named after the
        // predecessor (this process); a dead successor's file does not count
        long self = ProcessHandle.current().pid();
        long successor = ProcessHandle.current().parent().orElseThrow().pid();
        RecycleCoordinator c = new RecycleCoordinator(dir, "/run/jvm.1.1.sock", "3", 1, log);
        assertEquals(0, c.readySuccessor(), "no successor yet");
        Files.writeString(dir.resolve("successor.jvm.1.1.sock-3." + self), Long.toString(successor));
        assertEquals(successor, c.readySuccessor());
        c.successorSeen();
        assertEquals(0, c.readySuccessor(), "the file has served");
        Files.writeString(dir.resolve("successor.jvm.1.1.sock-3." + self), Long.toString(Long.MAX_VALUE / 2));
        assertEquals(0, c.readySuccessor(), "a successor that is gone");
        assertFalse(Files.exists(dir.resolve("successor.jvm.1.1.sock-3." + self)), "its file is removed");
        // what a successor writes for its predecessor
        new RecycleCoordinator(dir, "/run/jvm.1.1.sock", "3", 1, log).successorReady(4242);
        assertEquals(Long.toString(self), Files.readString(dir.resolve("successor.jvm.1.1.sock-3.4242")));
        assertTrue(sink.logs.isEmpty(), () -> "nothing logged: " + sink.logs);
    }
}
