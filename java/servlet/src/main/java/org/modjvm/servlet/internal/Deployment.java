package org.modjvm.servlet.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.util.ContextName;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;
import org.modjvm.runtime.web.WorkDirectories;

/**
 * One web application at one context path, as deployed (or failed to deploy): one version of it.
 * Versions are Tomcat's parallel deployment's ({@code /shop##0000000002}: the Mapper serves the
 * newest at the path): the first deployment has none (""), each one rolled in beside a serving
 * one (daemon mode, {@link Rollover}) the next number, so that the two have their own Context,
 * unpacked directory and work directory while both exist.
 */
final class Deployment {
    /** The engine's loggers (Tomcat's own log): what they say while an application deploys is kept for JVM01405. */
    private static final String ENGINE_LOGGER = "org.apache";

    private final Context context;
    private final String root;
    private final String contextPath;
    private final String version;
    private final long mtime;
    private final long size;
    /** An exploded application's files (null for a WAR): a change in them redeploys it. */
    private final ExplodedWatch watch;
    /**
     * While a new version rolls in beside this one, or the rollover that failed (daemon mode);
     * null otherwise, so that a request pays a null check for it.
     */
    private volatile Rollover rollover;
    /** A newer version took this one's place (its requests are the Mapper's to send to it). */
    private volatile boolean replaced;

    private Deployment(Context context, String root, String contextPath, String version, long mtime, long size,
                       ExplodedWatch watch) {
        this.context = context;
        this.root = root;
        this.contextPath = contextPath;
        this.version = version;
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

    /**
     * Whether its requests can be served: deployed and started, or replaced by a newer version
     * (a request that found this one just before: Tomcat maps it to the newer).
     */
    boolean available() {
        return context != null && (context.getState().isAvailable() || replaced);
    }

    Context context() {
        return context;
    }

    Rollover rollover() {
        return rollover;
    }

    void rollover(Rollover rollover) {
        this.rollover = rollover;
    }

    void replaced() {
        replaced = true;
    }

    /**
     * Deploys the application as version {@code version} ("" for none). {@code beside}: a
     * version serving now keeps serving if this one fails (JVM01451 instead of JVM01405).
     */
    static Deployment deploy(TomcatEngine.EmbeddedTomcat tomcat, Host host, String root, String contextPath,
                             String version, long mtime, long size, Log log, boolean beside) {
        long started = System.nanoTime();
        // taken before the engine reads the files: a change made while it deploys is seen by the next check
        ExplodedWatch watch = ExplodedWatch.of(root);
        String docBase;
        try {
            docBase = JavaxMigration.prepare(root, contextPath, javaxWorkDirectory(host, version), log);
        } catch (JavaxMigration.Refused refused) {
            // 503 (or the old version) until it changes; why was logged
            return new Deployment(null, root, contextPath, version, mtime, size, watch);
        }
        String name = new ContextName(contextPath, version).getName();
        Context context = null;
        Throwable failure = null;
        String why;
        try (DeploymentFailure capture = DeploymentFailure.capture(Logger.getLogger(ENGINE_LOGGER))) {
            try {
                context = tomcat.addWebapp(host, contextPath, version, new File(docBase).getAbsolutePath(),
                        new WebApplicationConfig());
            } catch (Throwable e) {
                failure = e;
                context = (Context) host.findChild(name);
            }
            if (context != null && context.getState().isAvailable()) {
                log.log(Message.JVM01404, "web application " + root + " deployed at context path "
                        + TomcatEngine.contextPathShown(contextPath) + (beside ? " (version " + version
                        + ", beside the one serving)" : "") + " in " + Log.millis(started) + " ms");
                return new Deployment(context, root, contextPath, version, mtime, size, watch);
            }
            why = capture.why(failure, context);
        }
        if (beside) {
            log.log(Message.JVM01451, "the new version of web application " + root + " (context path "
                    + TomcatEngine.contextPathShown(contextPath) + ") failed to deploy: " + why
                    + "; the old version keeps serving until the application changes again (the engine's lines"
                    + " above, JVM01407, have the details)");
        } else {
            log.log(Message.JVM01405, "web application " + root + " (context path "
                    + TomcatEngine.contextPathShown(contextPath) + ") failed to deploy: " + why
                    + "; answering 503 until it changes (the engine's lines above, JVM01407, have the details)");
        }
        if (context != null) {
            try {
                host.removeChild(context);
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        Deployment failed = new Deployment(null, root, contextPath, version, mtime, size, watch);
        failed.removeFiles(host);
        return failed;
    }

    /**
     * Where javax.servlet applications are converted: beside the unpacked WARs, in the private
     * work directory (a version of its own for each version: the old one may serve from its copy).
     */
    private static Path javaxWorkDirectory(Host host, String version) {
        return host.getAppBaseFile().toPath().resolveSibling(version.isEmpty() ? "javax" : "javax##" + version);
    }

    void undeploy(Host host) {
        if (context == null) {
            return;
        }
        try {
            // stops it (servlets' destroy, sessions saved, listeners' contextDestroyed) and destroys
            // it (its work directory goes: ContextConfig); destroying it again would log that it was
            host.removeChild(context);
        } catch (RuntimeException ignored) {
            // a context that fails to stop is gone from the host all the same
        }
    }

    /**
     * Removes what this version leaves in the process's work directory once it is undeployed (or
     * failed): the directory the engine unpacked its WAR into and, for a version beside another,
     * its own javax.servlet conversions (the unversioned one's directory is every application's:
     * JavaxMigration replaces its copy at the next deploy).
     */
    void removeFiles(Host host) {
        String baseName = new ContextName(contextPath, version).getBaseName();
        try {
            if (!Files.isDirectory(Path.of(root))) {
                WorkDirectories.removeTree(host.getAppBaseFile().toPath().resolve(baseName));
            }
            if (!version.isEmpty()) {
                WorkDirectories.removeTree(javaxWorkDirectory(host, version));
            }
        } catch (IOException | RuntimeException ignored) {
            // the work directory goes with the process
        }
    }
}
