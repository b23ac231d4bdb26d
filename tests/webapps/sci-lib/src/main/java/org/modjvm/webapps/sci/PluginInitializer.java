package org.modjvm.webapps.sci;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.HandlesTypes;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Registered by META-INF/services in this jar (in the application's WEB-INF/lib): records that it
 * ran, lists the application's {@link Plugin} implementations the container handed it, and adds a
 * servlet at /sci/* programmatically (ServletContext.addServlet, allowed only here and in
 * listeners' contextInitialized).
 */
@HandlesTypes(Plugin.class)
public final class PluginInitializer implements ServletContainerInitializer {
    public static final String RAN = "org.modjvm.webapps.sci.ran";
    public static final String PLUGINS = "org.modjvm.webapps.sci.plugins";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext ctx) throws ServletException {
        List<String> plugins = new ArrayList<>();
        if (classes != null) {
            for (Class<?> c : classes) {
                if (!c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
                    try {
                        plugins.add(((Plugin) c.getDeclaredConstructor().newInstance()).name());
                    } catch (ReflectiveOperationException e) {
                        throw new ServletException("cannot make plugin " + c.getName(), e);
                    }
                }
            }
        }
        Collections.sort(plugins);
        ctx.setAttribute(RAN, "true");
        ctx.setAttribute(PLUGINS, String.join(",", plugins));
        var reg = ctx.addServlet("sci", new SciServlet());
        reg.addMapping("/sci/*");
    }
}
