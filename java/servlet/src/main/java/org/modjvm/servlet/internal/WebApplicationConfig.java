package org.modjvm.servlet.internal;

import java.io.IOException;
import java.net.URL;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.ContextConfig;
import org.xml.sax.InputSource;

/**
 * Tomcat's configuration of a web application (web.xml, annotations, initializers,
 * META-INF/context.xml), with the defaults of a standalone Tomcat, plus the Context settings
 * that suit an engine inside Apache.
 *
 * <p><b>Defaults.</b> A standalone Tomcat merges its {@code conf/web.xml} under every
 * application's web.xml; an embedded one ({@code Tomcat.addWebapp}) sets most of the same
 * defaults directly on the Context (default and JSP servlets, MIME types, session timeout,
 * welcome files) but not conf/web.xml's request and response character encoding, UTF-8. So
 * that applications see under mod_jvm what they see on a standalone Tomcat (a form posted
 * without a charset decoded as UTF-8, {@code getCharacterEncoding()} "UTF-8", a writer in
 * UTF-8), {@code default-web.xml} next to this class is merged as the global default web.xml,
 * the way conf/web.xml is: whatever the application declares wins.
 *
 * <p><b>Welcome files.</b> conf/web.xml's welcome files come from default-web.xml too (the
 * same three), and the ones {@code Tomcat.addWebapp} put on the Context are taken off before
 * configuration. Left there, they are marked "to be replaced", and an application's own
 * welcome files replace them by firing a Context event that Tomcat's Mapper cannot handle for a
 * context that is not registered yet, which it logs as an error ("No context found") at every
 * deployment after the engine has started, i.e. at every deployment under mod_jvm.
 *
 * <p><b>Leak checks</b> that need {@code --add-opens} (which a module does not impose on the
 * JVM it shares) are off, so stopping a web application logs no warning about them.
 */
final class WebApplicationConfig extends ContextConfig {
    static final String DEFAULT_WEB_XML = "default-web.xml";

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        if (event.getLifecycle() instanceof StandardContext) {
            StandardContext context = (StandardContext) event.getLifecycle();
            if (Lifecycle.BEFORE_INIT_EVENT.equals(event.getType())) {
                context.setClearReferencesThreadLocals(false);
                context.setClearReferencesRmiTargets(false);
            } else if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                // after Tomcat.addWebapp's listener (added before this one) set its defaults
                takeOffEmbeddedWelcomeFiles(context);
            }
        }
        super.lifecycleEvent(event);
    }

    /** The Context is not started: removing a welcome file fires no event. */
    private static void takeOffEmbeddedWelcomeFiles(StandardContext context) {
        context.setReplaceWelcomeFiles(false);
        for (String welcomeFile : context.findWelcomeFiles()) {
            context.removeWelcomeFile(welcomeFile);
        }
    }

    /** default-web.xml in place of conf/web.xml (which an embedded Tomcat does not have). */
    @Override
    protected InputSource getGlobalWebXmlSource() {
        URL url = WebApplicationConfig.class.getResource(DEFAULT_WEB_XML);
        if (url == null) {
            throw new IllegalStateException(DEFAULT_WEB_XML + " is missing from mod_jvm's servlet engine");
        }
        try {
            InputSource source = new InputSource(url.toExternalForm());
            source.setByteStream(url.openStream());
            return source;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + url, e);
        }
    }
}
