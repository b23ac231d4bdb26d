package org.modjvm.runtime.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StackTracesTest {
    private static StackTraceElement frame(String className) {
        return new StackTraceElement(className, "m", "F.java", 1);
    }

    @Test
    void cutsAtTheRuntimeFrameThatCalledTheApplication() {
        StackTraceElement[] frames = {
                frame("org.modjvm.runtime.ResponseHead"), frame("org.modjvm.runtime.Response"), // thrown by the runtime
                frame("com.example.App"), // for the application
                frame("java.lang.invoke.LambdaForm$DMH"), frame("org.modjvm.runtime.MethodApplication"),
                frame("org.modjvm.runtime.RequestHandler"), frame("org.modjvm.runtime.Worker")};
        assertEquals(3, StackTraces.applicationFrames(frames));
    }

    @Test
    void keepsEverythingWithoutAnApplicationFrame() {
        StackTraceElement[] frames = {frame("org.modjvm.runtime.A"), frame("org.modjvm.runtime.B")};
        assertEquals(2, StackTraces.applicationFrames(frames));
    }

    @Test
    void formatsCausesSuppressedAndCycles() {
        IllegalStateException top = new IllegalStateException("top");
        RuntimeException cause = new RuntimeException("cause");
        top.initCause(cause);
        top.addSuppressed(new IllegalArgumentException("suppressed"));
        String text = StackTraces.format(top);
        assertTrue(text.startsWith("java.lang.IllegalStateException: top\n\tat "), text);
        assertTrue(text.contains("\n\tSuppressed: java.lang.IllegalArgumentException: suppressed\n"), text);
        assertTrue(text.contains("\nCaused by: java.lang.RuntimeException: cause\n"), text);
        assertTrue(text.contains(" more\n"), text);

        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertTrue(StackTraces.format(a).contains("[CIRCULAR REFERENCE: java.lang.RuntimeException: a]"));
    }
}
