package org.modjvm.servlet.internal;

import org.modjvm.runtime.web.BootHandoff;

/**
 * mod_jvm's connector in a Spring Boot application's own embedded Tomcat (docs/spring-boot.md):
 * the protocol class name mod_jvm's auto-configuration (java/boot) gives Boot's
 * {@code TomcatServletWebServerFactory} in place of {@code Http11NioProtocol}, so Boot's Tomcat
 * opens no port. Tomcat instantiates it by name in Boot's class loader (hence public, with a
 * public constructor), where this jar is on {@code loader.path} and Tomcat is the application's.
 * When Tomcat starts it (Boot starts its connectors at the end of the context's refresh), it
 * hands the runtime a {@link org.modjvm.runtime.web.WebEngine} over the adapter that leads into Boot's Tomcat.
 */
public final class BootConnectorProtocol extends ConnectorProtocol {
    private volatile ConnectorEngine engine;

    public BootConnectorProtocol() {
    }

    @Override
    public void start() {
        ConnectorEngine started = new ConnectorEngine(getAdapter());
        engine = started;
        BootHandoff.connectorStarted(started);
    }

    @Override
    public void destroy() {
        ConnectorEngine started = engine;
        if (started != null) {
            started.stop();
        }
    }
}
