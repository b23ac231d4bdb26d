package org.modjvm.boot3;

import org.modjvm.servlet.internal.BootSessions;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Boot 3's twin of java/boot's {@code ModJvmSessionsAutoConfiguration} (the same customizer
 * against Boot 3's factory class, which is in another package): the daemon process's route as
 * the application's jvmRoute and its sessions handed to the route's next process, by
 * java/servlet's {@link BootSessions}.
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
