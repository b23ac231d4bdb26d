package org.modjvm.servlet.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.coyote.Adapter;
import org.modjvm.runtime.web.WebRequest;

/**
 * The request processors of one engine (a WAR engine's or a Boot application's Tomcat) and the
 * threads of their {@code AsyncContext.start} tasks.
 *
 * <p>Idle processors are reused by whichever thread serves next: a daemon's connection threads
 * come and go (with processes=2+ Apache reconnects every few seconds), and a processor (a
 * Coyote request and response with their buffers) per thread would be built again for each.
 */
final class Processors {
    /** AsyncContext.start() tasks: a few threads, made when needed, gone when idle. */
    private static final int ASYNC_THREADS = 8;

    private final Adapter adapter;
    private final ThreadPoolExecutor asyncExecutor;
    private final ConcurrentLinkedQueue<RequestProcessor> idle = new ConcurrentLinkedQueue<>();

    Processors(Adapter adapter) {
        this.adapter = adapter;
        AtomicInteger count = new AtomicInteger();
        this.asyncExecutor = new ThreadPoolExecutor(ASYNC_THREADS, ASYNC_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "mod_jvm-async-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        asyncExecutor.allowCoreThreadTimeOut(true);
    }

    /** Serves the request on this thread with an idle processor (or a new one); see RequestProcessor.serve. */
    int serve(WebRequest request) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            RequestProcessor processor = idle.poll();
            if (processor == null) {
                processor = new RequestProcessor(adapter, asyncExecutor);
            }
            int result = processor.serve(request);
            idle.offer(processor); // recycled by serve
            return result;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Stops the async tasks' threads (the engine is stopping). */
    void stop() {
        asyncExecutor.shutdownNow();
    }
}
