package org.modjvm.servlet.internal;

import java.io.File;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/** One web application at one context path, as deployed (or failed to deploy). */
final class Deployment {
    /** The engine's loggers (Tomcat's own log): what they say while an application deploys is kept for JVM01405. */
    private static final String ENGINE_LOGGER = "org.apache";

    private final Context context;
    private final long mtime;
    private final long size;
    /** An exploded application's files (null for a WAR): a change in them redeploys it. */
    private final ExplodedWatch watch;

    private Deployment(Context context, long mtime, long size, ExplodedWatch watch) {
        this.context = context;
        this.mtime = mtime;
        this.size = size;
        this.watch = watch;
    }

    /**
     * Whether this deployment is still the application's: the WAR's modification time and size
     * (sent by Apache with the request) are the same and, for a directory, its watched files
     * have not changed (looked at at most once a second: {@link ExplodedWatch}). A failed
     * deployment too stays until the application changes: its requests get 503, and it is not
     * deployed again for each of them.
     */
    boolean matches(long mtime, long size) {
        return this.mtime == mtime && this.size == size && (watch == null || !watch.changed());
    }

    boolean available() {
        return context != null && context.getState().isAvailable();
    }

    static Deployment deploy(Tomcat tomcat, Host host, String root, String contextPath, long mtime, long size,
                             Log log) {
        long started = System.nanoTime();
        // taken before the engine reads the files: a change made while it deploys is seen by the next check
        ExplodedWatch watch = ExplodedWatch.of(root);
        String docBase;
        try {
            docBase = JavaxMigration.prepare(root, contextPath, javaxWorkDirectory(host), log);
        } catch (JavaxMigration.Refused refused) {
            return new Deployment(null, mtime, size, watch); // 503 until it changes; why was logged
        }
        Context context = null;
        Throwable failure = null;
        String why;
        try (DeploymentFailure capture = DeploymentFailure.capture(Logger.getLogger(ENGINE_LOGGER))) {
            try {
                context = tomcat.addWebapp(host, contextPath, new File(docBase).getAbsolutePath(),
                        new WebApplicationConfig());
            } catch (Throwable e) {
                failure = e;
                context = (Context) host.findChild(contextPath);
            }
            if (context != null && context.getState().isAvailable()) {
                log.log(Message.JVM01404, "web application " + root + " deployed at context path "
                        + TomcatEngine.contextPathShown(contextPath) + " in " + Log.millis(started) + " ms");
                return new Deployment(context, mtime, size, watch);
            }
            why = capture.why(failure, context);
        }
        log.log(Message.JVM01405, "web application " + root + " (context path " + TomcatEngine.contextPathShown(contextPath)
                + ") failed to deploy: " + why + "; answering 503 until it changes (the engine's lines above,"
                + " JVM01407, have the details)");
        if (context != null) {
            try {
                host.removeChild(context);
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        return new Deployment(null, mtime, size, watch);
    }

    /** Where javax.servlet applications are converted: beside the unpacked WARs, in the private work directory. */
    private static java.nio.file.Path javaxWorkDirectory(Host host) {
        return host.getAppBaseFile().toPath().resolveSibling("javax");
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
