package org.modjvm.webapps.plain;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An annotated listener: marks the context (echo shows {@code context.listener=true}) and owns
 * the application's own thread pool, on which the async servlets complete their requests (threads
 * that are not the container's: the case a connector must handle), shut down when the context
 * stops so an undeploy leaves no thread behind.
 */
@WebListener
public final class StartupListener implements ServletContextListener {
    static final String STARTED = "org.modjvm.webapps.plain.listener.started";
    static final String POOL = "org.modjvm.webapps.plain.pool";

    @Override
    public void contextInitialized(ServletContextEvent sce) {
        AtomicInteger n = new AtomicInteger();
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(4, r -> {
            Thread t = new Thread(r, "servlet-plain-app-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        sce.getServletContext().setAttribute(POOL, pool);
        sce.getServletContext().setAttribute(STARTED, "true");
    }

    @Override
    public void contextDestroyed(ServletContextEvent sce) {
        ScheduledExecutorService pool = pool(sce.getServletContext());
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ScheduledExecutorService pool(ServletContext ctx) {
        return (ScheduledExecutorService) ctx.getAttribute(POOL);
    }
}
