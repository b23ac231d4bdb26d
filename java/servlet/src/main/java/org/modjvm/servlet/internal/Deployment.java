package org.modjvm.servlet.internal;

import java.io.File;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/** One web application at one context path, as deployed (or failed to deploy). */
final class Deployment {
    private final Context context;
    private final long mtime;
    private final long size;

    private Deployment(Context context, long mtime, long size) {
        this.context = context;
        this.mtime = mtime;
        this.size = size;
    }

    boolean matches(long mtime, long size) {
        return this.mtime == mtime && this.size == size;
    }

    boolean available() {
        return context != null && context.getState().isAvailable();
    }

    static Deployment deploy(Tomcat tomcat, Host host, String root, String contextPath, long mtime, long size,
                             Log log) {
        long started = System.nanoTime();
        Context context = null;
        Throwable failure = null;
        try {
            context = tomcat.addWebapp(host, contextPath, new File(root).getAbsolutePath(), new WebApplicationConfig());
        } catch (Throwable e) {
            failure = e;
            context = (Context) host.findChild(contextPath);
        }
        if (context != null && context.getState().isAvailable()) {
            log.log(Message.JVM01404, "web application " + root + " deployed at context path "
                    + TomcatEngine.contextPathShown(contextPath) + " in " + Log.millis(started) + " ms");
            return new Deployment(context, mtime, size);
        }
        String why = failure != null ? String.valueOf(failure.getCause() != null ? failure.getCause() : failure)
                : "its context did not start (state " + (context == null ? "none" : context.getState()) + ")";
        log.log(Message.JVM01405, "web application " + root + " (context path " + TomcatEngine.contextPathShown(contextPath)
                + ") failed to deploy: " + why + "; answering 503 until it changes (the engine's lines above,"
                + " JVM01407, say what failed)");
        if (context != null) {
            try {
                host.removeChild(context);
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        return new Deployment(null, mtime, size);
    }

    void undeploy(Host host) {
        if (context == null) {
            return;
        }
        try {
            host.removeChild(context); // stops it: listeners' contextDestroyed, sessions saved
            if (context instanceof StandardContext) {
                ((StandardContext) context).destroy();
            }
        } catch (Exception ignored) {
            // a context that fails to stop is gone from the host all the same
        }
    }
}
