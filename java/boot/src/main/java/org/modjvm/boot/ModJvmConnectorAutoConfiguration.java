package org.modjvm.boot;

import org.modjvm.runtime.web.BootHandoff;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * mod_jvm in a Spring Boot application it runs (docs/spring-boot.md). On Boot's class loader only
 * when mod_jvm launched the application (the runtime's {@code loader.path}): the application's
 * jar is unchanged. Boot's embedded Tomcat gets mod_jvm's connector, which has no port, instead
 * of its HTTP one; the runtime learns the context path and when the application is ready.
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
