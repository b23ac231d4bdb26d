package org.modjvm.servlet.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.coyote.Adapter;
import org.modjvm.runtime.web.WebEngine;
import org.modjvm.runtime.web.WebRequest;

/**
 * Requests into a servlet engine someone else runs and deploys (a Spring Boot application's
 * Tomcat, {@link BootConnectorProtocol}): the request threads' {@link RequestProcessor}s over the
 * adapter of its mod_jvm connector, as {@link TomcatEngine#serve} does for mod_jvm's own engine.
 */
final class ConnectorEngine implements WebEngine {
    /** AsyncContext.start() tasks, as TomcatEngine's. */
    private static final int ASYNC_THREADS = 8;

    private final Adapter adapter;
    private final ThreadPoolExecutor asyncExecutor;
    private final ConcurrentLinkedQueue<RequestProcessor> idleProcessors = new ConcurrentLinkedQueue<>();

    ConnectorEngine(Adapter adapter) {
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

    @Override
    public int serve(WebRequest request) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            RequestProcessor processor = idleProcessors.poll();
            if (processor == null) {
                processor = new RequestProcessor(adapter, asyncExecutor);
            }
            int result = processor.serve(request);
            idleProcessors.offer(processor); // recycled by serve
            return result;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The application deploys itself (Boot): nothing to deploy here. */
    @Override
    public void deploy(String root, String contextPath, long mtime, long size) {
    }

    @Override
    public void stop() {
        asyncExecutor.shutdownNow();
    }
}
