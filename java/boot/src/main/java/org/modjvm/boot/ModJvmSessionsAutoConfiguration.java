package org.modjvm.boot;

import org.modjvm.servlet.internal.BootSessions;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Sessions of the application's Tomcat as of a WAR's (docs/spring-boot.md, "Sessions"): the
 * daemon process's route as jvmRoute, the sessions handed to the route's next process. The work
 * is java/servlet's {@link BootSessions}, on Boot's class loader beside this class; this only
 * hands it the application's Context before Boot's Tomcat starts it. A customizer of the factory
 * rather than a TomcatContextCustomizer bean, so that a factory the application defines itself
 * gets it too.
 */
@AutoConfiguration
@ConditionalOnClass(TomcatServletWebServerFactory.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class ModJvmSessionsAutoConfiguration {
    @Bean
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> modJvmSessions() {
        return factory -> factory.addContextCustomizers(BootSessions::configure);
    }
}
