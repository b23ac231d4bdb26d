package org.modjvm.boot;

import org.modjvm.runtime.web.BootHandoff;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;

/**
 * Tells the runtime each readiness state the application publishes ({@code
 * AvailabilityChangeEvent<ReadinessState>}: Boot's own {@code ACCEPTING_TRAFFIC} when it is ready,
 * and whatever the application publishes later), so that its process takes requests only while
 * the application accepts traffic (docs/spring-boot.md, "Readiness"), as a load balancer that
 * follows a readiness probe sends traffic to it. A listener of META-INF/spring.factories, not a
 * bean: it hears the application's context for any Boot 3 or 4 and names only Boot's own API.
 */
public final class ReadinessStates implements ApplicationListener<AvailabilityChangeEvent<?>> {
    @Override
    public void onApplicationEvent(AvailabilityChangeEvent<?> event) {
        if (event.getState() instanceof ReadinessState state && isApplicationsOwn(event.getSource())) {
            BootHandoff.readiness(state == ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

    /** The application's context (not a child context's, as the management server's). */
    private static boolean isApplicationsOwn(Object source) {
        return !(source instanceof ApplicationContext context) || context.getParent() == null;
    }
}
