package org.modjvm.runtime;

import java.util.concurrent.CopyOnWriteArrayList;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * JvmRequestTimeout (embedded mode): interrupts the thread of a request that runs longer than
 * the limit. An application blocked in sleep, wait or interruptible I/O then gets an
 * InterruptedException and the request ends with a 500 (or a cut-off response if it had
 * started), freeing the Apache thread. Java cannot stop a busy loop safely: daemon mode's
 * request-timeout answers 504 and replaces the process for that.
 */
final class RequestWatchdog implements Runnable {
    private final long timeoutNanos;
    private final long timeoutSeconds;
    private final Log log;
    private final CopyOnWriteArrayList<Worker> workers = new CopyOnWriteArrayList<>();

    RequestWatchdog(long timeoutMillis, Log log) {
        this.timeoutNanos = timeoutMillis * 1_000_000L;
        this.timeoutSeconds = timeoutMillis / 1000;
        this.log = log;
    }

    void watch(Worker worker) {
        workers.add(worker);
    }

    void start() {
        Thread thread = new Thread(this, "mod_jvm-request-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        long interval = Math.max(10, Math.min(100, timeoutNanos / 4_000_000L));
        while (true) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            try {
                interruptOverdue();
            } catch (RuntimeException | Error e) {
                // an OutOfMemoryError here (the heap filled by an application) must not end the
                // watchdog: JvmRequestTimeout would be off for the rest of the child's life
            }
        }
    }

    private void interruptOverdue() {
        long now = System.nanoTime();
        for (Worker worker : workers) {
            if (worker.interruptIfOverdue(now, timeoutNanos)) {
                log.log(Message.JVM01015, "a request on Apache thread " + worker.threadId() + " ran longer than"
                        + " JvmRequestTimeout (" + timeoutSeconds + " s): interrupted it (an application blocked in"
                        + " sleep, wait or I/O ends with an InterruptedException; a busy loop cannot be stopped:"
                        + " use daemon mode and its request-timeout)");
            }
        }
    }
}
