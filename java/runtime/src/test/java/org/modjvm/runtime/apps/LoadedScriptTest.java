package org.modjvm.runtime.apps;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a loaded script is current (moved from CompileProcessTest with the class it tests). */
class LoadedScriptTest {
    @Test
    void aTemporaryFailureIsRetriedWhenItsTimeHasCome() {
        ScriptRequest request = new ScriptRequest("/x.java", "g", "application", 5, 7, false);
        byte[] sha = new byte[32];
        assertTrue(LoadedScript.failed(5, 7, sha, "failed", 0).current(request), "a lasting failure stays");
        LoadedScript waiting = LoadedScript.failed(5, 7, sha, "timed out", System.nanoTime() + 60_000_000_000L);
        assertTrue(waiting.current(request));
        assertTrue(waiting.temporaryFailure());
        assertFalse(LoadedScript.failed(5, 7, sha, "timed out", System.nanoTime() - 1).current(request));
        assertTrue(waiting.restamped(6, 7).temporaryFailure(), "a touch keeps it temporary");
    }
}
