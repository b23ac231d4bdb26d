package org.modjvm.webapps.broken;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/** Declared in web.xml: its failure must fail the deployment (the context never serves). */
public final class ThrowingListener implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent sce) {
        throw new IllegalStateException("broken-listener: contextInitialized fails on purpose");
    }
}
