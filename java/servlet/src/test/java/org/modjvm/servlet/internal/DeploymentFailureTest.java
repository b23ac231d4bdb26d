package org.modjvm.servlet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The one-line cause of a failed deployment (ServletFaultTest checks it on real failures). */
class DeploymentFailureTest {
    private static final Logger ENGINE = Logger.getLogger("org.modjvm.test.engine");

    @Test
    void theFirstErrorWithAnExceptionOfTheDeployingThreadIsTheCause() throws Exception {
        ENGINE.setUseParentHandlers(false);
        String why;
        try (DeploymentFailure capture = DeploymentFailure.capture(ENGINE)) {
            Thread other = new Thread(() -> ENGINE.log(Level.SEVERE, "another application's error", new Exception("x")));
            other.start();
            other.join();
            ENGINE.info("deploying");
            ENGINE.severe("No context found [/app]");
            ENGINE.log(Level.SEVERE, "Exception sending context initialized event to listener instance of class [{0}]",
                    new Object[] {"a.Listener"});
            ENGINE.log(Level.SEVERE, "Error configuring application listener of class [a.Gone]",
                    new RuntimeException("wrapper", new ClassNotFoundException("a.Gone")));
            ENGINE.log(Level.SEVERE, "a later error", new IllegalStateException("later"));
            why = capture.why(null, null);
        }
        assertEquals("Error configuring application listener of class [a.Gone]: java.lang.ClassNotFoundException: a.Gone",
                why);
        assertEquals(0, ENGINE.getHandlers().length, "closing removes the handler");
    }

    @Test
    void withoutAnExceptionTheFirstErrorThenWhatWasThrownThenTheState() {
        try (DeploymentFailure capture = DeploymentFailure.capture(ENGINE)) {
            ENGINE.severe("first\nerror");
            assertEquals("first error", capture.why(new IllegalStateException("thrown"), null));
        }
        try (DeploymentFailure capture = DeploymentFailure.capture(ENGINE)) {
            assertEquals("java.lang.IllegalStateException: thrown", capture.why(new IllegalStateException("thrown"), null));
            assertTrue(capture.why(null, null).startsWith("its context did not start (state none)"));
        }
        assertTrue(DeploymentFailure.oneLine("x".repeat(5000)).length() <= 1001);
    }
}
