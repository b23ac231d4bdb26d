package org.modjvm.boot;

import org.modjvm.runtime.web.BootHandoff;
import org.modjvm.runtime.web.BootHandoff.Refusal;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Refuses, in any Boot (3 and 4: it names only what both have), the applications mod_jvm cannot
 * serve, while Boot prepares their context: before a bean of theirs exists, before a server of
 * theirs opens a port (Netty's, Jetty's on 8080, which the second process of a group could not
 * even bind) and before a runner of theirs runs (a non-web application's work). What mod_jvm
 * serves is a servlet web application in Boot's embedded Tomcat (docs/spring-boot.md); Boot's
 * start fails with the reason, which the runtime logs as a numbered line (JVM01462, JVM01466).
 *
 * <p>The refusal is a {@link BeanFactoryPostProcessor}: Boot runs those first in its context's
 * refresh, lazy initialization or not.
 */
@AutoConfiguration
public class ModJvmRefusalAutoConfiguration {
    private static final String TOMCAT = "org.apache.catalina.startup.Tomcat";

    /** No web server at all: a command-line or batch application, or {@code spring.main.web-application-type=none}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnNotWebApplication
    static class NotWeb {
        @Bean
        static BeanFactoryPostProcessor modJvmRefuseNonWeb() {
            return beanFactory -> {
                throw BootHandoff.refuse(Refusal.NOT_SERVLET, "it is not a web application (Boot starts it without a"
                        + " web server: no web starter, or spring.main.web-application-type=none); mod_jvm serves"
                        + " servlet web applications (spring-boot-starter-web or -webmvc) through Boot's Tomcat");
            };
        }
    }

    /** WebFlux without Spring MVC: Boot runs it on a reactive server, Netty by default. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class Reactive {
        @Bean
        static BeanFactoryPostProcessor modJvmRefuseReactive() {
            return beanFactory -> {
                String server = present("reactor.netty.http.server.HttpServer", beanFactory.getBeanClassLoader())
                        ? "Netty" : "a reactive server";
                throw BootHandoff.refuse(Refusal.NOT_SERVLET, "it is a reactive (WebFlux) web application, which"
                        + " Boot runs on " + server + "; mod_jvm serves servlet web applications (Spring MVC:"
                        + " spring-boot-starter-web or -webmvc) through Boot's Tomcat");
            };
        }
    }

    /** A servlet application whose server is not Tomcat: the Jetty starter (Undertow's, in Boot 3). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnMissingClass(TOMCAT)
    static class NotTomcat {
        @Bean
        static BeanFactoryPostProcessor modJvmRefuseOtherServer() {
            return beanFactory -> {
                ClassLoader loader = beanFactory.getBeanClassLoader();
                String server = present("org.eclipse.jetty.server.Server", loader) ? "Jetty (spring-boot-starter-jetty)"
                        : present("io.undertow.Undertow", loader) ? "Undertow (spring-boot-starter-undertow)"
                        : "another servlet web server than Tomcat";
                throw BootHandoff.refuse(Refusal.NOT_TOMCAT, "it runs on " + server + ", and mod_jvm is the"
                        + " connector of Boot's embedded Tomcat only: build it with the Tomcat starter, Boot's"
                        + " default (spring-boot-starter-web or -webmvc without excluding spring-boot-starter-tomcat)");
            };
        }
    }

    static boolean present(String className, ClassLoader loader) {
        return ClassUtils.isPresent(className, loader);
    }
}
