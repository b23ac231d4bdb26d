package org.modjvm.webapps.jersey;

import jakarta.ws.rs.ApplicationPath;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The JAX-RS application under /api, found by Jersey's ServletContainerInitializer (from
 * jersey-container-servlet's jar) through @ApplicationPath: there is no web.xml.
 */
@ApplicationPath("/api")
public final class JerseyApp extends ResourceConfig {
    public JerseyApp() {
        // WADL wants a JAXB implementation this application does not bring (a warning at every start)
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        register(JacksonFeature.class);
        register(ItemsResource.class);
        register(HelloResource.class);
    }
}
