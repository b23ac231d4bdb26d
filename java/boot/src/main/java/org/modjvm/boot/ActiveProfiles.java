package org.modjvm.boot;

import org.modjvm.runtime.web.BootHandoff;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Tells the runtime the application's active profiles, once Boot has settled them (from
 * {@code spring.profiles.active} wherever it was set: jvm-options, the environment, the jar's
 * properties) and before its context is refreshed: a start that then fails is logged with them
 * (JVM01461), since a property that only a profile sets is a common reason. An initializer
 * (META-INF/spring.factories), not an auto-configuration: it runs for any Boot 3 or 4 context,
 * before any bean, and names only Spring's own API.
 */
public final class ActiveProfiles implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    @Override
    public void initialize(ConfigurableApplicationContext context) {
        if (context.getParent() == null) { // the application's context, not a child's (management)
            BootHandoff.activeProfiles(String.join(",", context.getEnvironment().getActiveProfiles()));
        }
    }
}
