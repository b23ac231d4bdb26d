package org.modjvm.servlet.internal;

import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.ContextConfig;

/**
 * Tomcat's configuration of a web application (web.xml, annotations, initializers,
 * META-INF/context.xml), plus the Context settings that suit an engine inside Apache: the
 * leak checks that need {@code --add-opens} (which a module does not impose on the JVM it
 * shares) are off, so stopping a web application logs no warning about them.
 */
final class WebApplicationConfig extends ContextConfig {
    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        if (Lifecycle.BEFORE_INIT_EVENT.equals(event.getType()) && event.getLifecycle() instanceof StandardContext) {
            StandardContext context = (StandardContext) event.getLifecycle();
            context.setClearReferencesThreadLocals(false);
            context.setClearReferencesRmiTargets(false);
        }
        super.lifecycleEvent(event);
    }
}
