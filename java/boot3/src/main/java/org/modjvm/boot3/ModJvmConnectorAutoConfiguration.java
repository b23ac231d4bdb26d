package org.modjvm.boot3;

import org.modjvm.runtime.web.BootHandoff;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * java/boot's {@code org.modjvm.boot.ModJvmConnectorAutoConfiguration} for Spring Boot 3, whose
 * {@code TomcatServletWebServerFactory} is in {@code org.springframework.boot.web.embedded.tomcat}
 * (Boot 4 moved it to {@code org.springframework.boot.tomcat.servlet}): the class condition makes
 * each of the two apply only to its own Boot, so both jars are on Boot's {@code loader.path}.
 * Boot 3's Tomcat (10.1) gets the same connector as Boot 4's (java/servlet, docs/internals.md).
 */
@AutoConfiguration
@ConditionalOnClass(TomcatServletWebServerFactory.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class ModJvmConnectorAutoConfiguration {
    /** The connector's protocol class (java/servlet), which Tomcat instantiates by name. */
    static final String PROTOCOL = "org.modjvm.servlet.internal.BootConnectorProtocol";

    @Bean
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> modJvmConnector() {
        return new ConnectorCustomizer();
    }

    @Bean
    static ApplicationListener<ApplicationReadyEvent> modJvmReadiness() {
        return event -> BootHandoff.applicationReady(event.getApplicationContext()::close);
    }

    /** Last of the customizers: the context path is the one Boot's own customizer set. */
    static final class ConnectorCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {
        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.setProtocol(PROTOCOL);
            BootHandoff.contextPath(factory.getContextPath());
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
