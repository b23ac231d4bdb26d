package org.modjvm.runtime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Lets compiled test scripts (which see the test class path) block inside a request. */
public final class TestHooks {
    public static volatile CountDownLatch entered = new CountDownLatch(1);
    public static volatile CountDownLatch release = new CountDownLatch(1);

    private TestHooks() {
    }

    public static void reset() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    /** Called by a script: signals it is running, then waits to be released. */
    public static void hold() throws InterruptedException {
        entered.countDown();
        if (!release.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
        }
    }
}
