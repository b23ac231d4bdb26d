package org.modjvm.servlet.internal;

import org.apache.coyote.Adapter;
import org.modjvm.runtime.web.WebEngine;
import org.modjvm.runtime.web.WebRequest;

/**
 * Requests into a servlet engine someone else runs and deploys (a Spring Boot application's
 * Tomcat, {@link BootConnectorProtocol}): {@link Processors} over the adapter of its mod_jvm
 * connector, as {@link TomcatEngine#serve} does for mod_jvm's own engine.
 */
final class ConnectorEngine implements WebEngine {
    private final Processors processors;

    ConnectorEngine(Adapter adapter) {
        this.processors = new Processors(adapter);
    }

    @Override
    public int serve(WebRequest request) {
        BootSessions.awaitHandover(request); // (a volatile read unless a successor takes sessions over)
        return processors.serve(request);
    }

    /** The application deploys itself (Boot): nothing to deploy here. */
    @Override
    public void deploy(String root, String contextPath, long mtime, long size) {
    }

    @Override
    public void stop() {
        processors.stop();
    }
}
