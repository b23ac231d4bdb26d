package org.modjvm.servlet.internal;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.modeler.Registry;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;
import org.modjvm.runtime.web.WebEngine;
import org.modjvm.runtime.web.WebRequest;

/**
 * Tomcat's servlet engine (embedded, no network connector) with mod_jvm as its Connector: one
 * per JVM, one Context per mounted web application, deployed when first asked for and again
 * when its WAR changes: in daemon mode a new version beside the one serving, which serves until
 * the new one has started and taken its sessions ({@link Rollover}); in embedded mode in place,
 * by the request that notices the change (docs/internals.md, "Web applications").
 */
public final class TomcatEngine implements WebEngine {

    /** Tomcat's loggers are configured here and must not be collected (java.util.logging holds them weakly). */
    private static final Logger TOMCAT_LOGGER = Logger.getLogger("org.apache");
    /** How long a hand-over waits for the old version's requests that carry a session to end. */
    static final long DRAIN_MS = 5_000;
    /** How long stopping the engine waits for a rollover under way to end. */
    static final long STOP_WAIT_MS = 20_000;

    private final Log serverLog;
    private final EmbeddedTomcat tomcat;
    private final Host host;
    private final Path work;
    /** Daemon mode: a changed application rolls over ({@link Rollover}); embedded mode: redeployed in place. */
    private final boolean rolling;
    private final Processors processors;
    private final ConcurrentHashMap<String, Deployment> deployments = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();
    /** The thread that deploys new versions beside the serving ones, made when first needed. */
    private ExecutorService redeployer;

    private TomcatEngine(Log serverLog, EmbeddedTomcat tomcat, Connector connector, Path work, boolean rolling) {
        this.serverLog = serverLog;
        this.tomcat = tomcat;
        this.host = tomcat.getHost();
        this.work = work;
        this.rolling = rolling;
        this.processors = new Processors(connector.getProtocolHandler().getAdapter());
    }

    /** Tomcat with one more way to add a web application: as a version of the one at its path. */
    static final class EmbeddedTomcat extends Tomcat {
        /**
         * What {@code addWebapp(host, contextPath, docBase, config)} does, the context named for
         * its version ({@code /shop##0000000002}) so that it can be added beside another at its
         * path (Tomcat's parallel deployment).
         */
        Context addWebapp(Host host, String contextPath, String version, String docBase, ContextConfig config) {
            StandardContext context = new StandardContext();
            context.setName(new org.apache.catalina.util.ContextName(contextPath, version).getName());
            context.setPath(contextPath);
            context.setWebappVersion(version);
            context.setDocBase(docBase);
            LifecycleListener defaults = getDefaultWebXmlListener(); // default and JSP servlets, MIME types
            context.addLifecycleListener(defaults);
            URL contextXml = getWebappConfigFile(docBase, contextPath);
            if (contextXml != null) {
                context.setConfigFile(contextXml);
            }
            context.addLifecycleListener(config);
            config.setDefaultWebXml(noDefaultWebXmlPath()); // (the defaults are the listener's)
            host.addChild(context); // starts it
            return context;
        }
    }

    /** Starts the engine, its work files under {@code work}. */
    public static TomcatEngine start(RuntimeConfig config, Log serverLog, Path work) throws Exception {
        long started = System.nanoTime();
        Registry.disableRegistry(); // no JMX beans for every servlet and context: a module, not a server
        TOMCAT_LOGGER.setUseParentHandlers(false);
        TOMCAT_LOGGER.addHandler(new EngineLogHandler(serverLog));
        TOMCAT_LOGGER.setLevel(serverLog.enabled(Message.JVM01412) ? Level.FINE : Level.INFO);

        // (daemon mode: waits for the process before on this route to have saved its sessions)
        Sessions sessions = Sessions.start(config, serverLog);
        Path webapps = work.resolve("webapps");
        Files.createDirectories(webapps);
        EmbeddedTomcat tomcat = new EmbeddedTomcat();
        tomcat.setBaseDir(work.toString());
        tomcat.getServer().setUtilityThreads(1);
        // web applications' class loaders are children of the engine's (servlet/ of the runtime directory)
        tomcat.getServer().setParentClassLoader(TomcatEngine.class.getClassLoader());
        tomcat.getEngine().setName("mod_jvm");
        Host host = tomcat.getHost();
        host.setAppBase(webapps.toString());
        host.setAutoDeploy(false);
        sessions.configure(tomcat.getEngine(), host); // jvmRoute; where each application's sessions are kept
        ConnectorProtocol protocol = new ConnectorProtocol();
        Connector connector = new Connector(protocol);
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(TomcatEngine.class.getClassLoader());
        try {
            tomcat.start();
        } finally {
            thread.setContextClassLoader(previous);
        }
        serverLog.log(Message.JVM01403, "servlet engine " + org.apache.catalina.util.ServerInfo.getServerInfo()
                + " started for process group " + config.processGroup() + " in " + Log.millis(started)
                + " ms (work directory " + work + ")");
        return new TomcatEngine(serverLog, tomcat, connector, work, !config.processGroup().isEmpty());
    }

    @Override
    public int serve(WebRequest request) {
        Deployment deployment = deployment(request);
        if (!deployment.available()) {
            return 503; // why was logged when it failed (JVM01405)
        }
        Rollover rollover = deployment.rollover();
        if (rollover == null) {
            return processors.serve(request);
        }
        return rollover.serve(request, processors::serve); // a new version is rolling in (daemon mode)
    }

    @Override
    public void deploy(String root, String contextPath, long mtime, long size) {
        deployment(root, contextPath, mtime, size);
    }

    /** The deployment serving the request: deployed now if first asked for or if its WAR changed. */
    private Deployment deployment(WebRequest request) {
        return deployment(request.root(), request.contextPath(), request.frame().scriptMtime(), request.frame().scriptSize());
    }

    private Deployment deployment(String root, String contextPath, long mtime, long size) {
        String key = contextPath + '\u0000' + root;
        Deployment current = deployments.get(key);
        if (current != null && current.matches(mtime, size)) {
            return current;
        }
        if (rolling && current != null && current.available()) {
            Rollover rollover = current.rollover();
            if (rollover != null && (rollover.covers(mtime, size) || !rollover.done())) {
                // its new version is being deployed (or failed to): this one serves meanwhile; a
                // change made during a rollover is the next one's, once this one is done
                return current;
            }
        }
        synchronized (this) {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            // Tomcat loads its own classes (web.xml rules, Jasper's initializer) through the
            // thread's context loader: it must be the engine's, not the runtime's
            thread.setContextClassLoader(TomcatEngine.class.getClassLoader());
            try {
                return redeployIfChanged(root, contextPath, key, mtime, size);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }

    private Deployment redeployIfChanged(String root, String contextPath, String key, long mtime, long size) {
        Deployment current = deployments.get(key);
        if (current != null && current.matches(mtime, size)) {
            return current;
        }
        if (current == null) {
            Deployment deployed = Deployment.deploy(tomcat, host, root, contextPath, "", mtime, size, serverLog, false);
            deployments.put(key, deployed);
            return deployed;
        }
        if (rolling && current.available()) {
            Rollover rollover = current.rollover();
            if (rollover == null || (rollover.done() && !rollover.covers(mtime, size))) {
                rollOver(root, contextPath, key, current, mtime, size);
            }
            return current;
        }
        // embedded mode, or nothing serving (the version before failed to deploy): in place, the
        // application's requests waiting for it
        serverLog.log(Message.JVM01409, "web application " + root + " changed: redeploying it"
                + " at context path " + contextPathShown(contextPath));
        current.undeploy(host);
        current.removeFiles(host);
        Deployment deployed = Deployment.deploy(tomcat, host, root, contextPath, rolling ? nextVersion() : "", mtime,
                size, serverLog, false);
        deployments.put(key, deployed);
        return deployed;
    }

    /** A version for a deployment beside another: Tomcat's Mapper serves the greatest at a path, in String order. */
    private String nextVersion() {
        return String.format("%010d", versions.incrementAndGet());
    }

    /**
     * Daemon mode: deploys the changed application's new version beside the one serving, in the
     * background, and hands the sessions over once it has started ({@link Rollover}).
     */
    private void rollOver(String root, String contextPath, String key, Deployment current, long mtime, long size) {
        Rollover rollover = new Rollover(mtime, size, Rollover.cookieName(current.context()),
                Rollover.parameterName(current.context()));
        current.rollover(rollover);
        serverLog.log(Message.JVM01409, "web application " + root + " changed: redeploying it at context path "
                + contextPathShown(contextPath) + " beside the version serving, which keeps serving until the new one"
                + " has started");
        String version = nextVersion();
        try {
            redeployer().execute(() -> rollOver(root, contextPath, key, current, rollover, version));
        } catch (RuntimeException e) { // the engine is stopping
            rollover.finished();
            current.rollover(null);
        }
    }

    private synchronized ExecutorService redeployer() {
        if (redeployer == null) {
            redeployer = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "mod_jvm-redeploy");
                thread.setDaemon(true);
                thread.setContextClassLoader(TomcatEngine.class.getClassLoader()); // (see deployment())
                return thread;
            });
        }
        return redeployer;
    }

    private void rollOver(String root, String contextPath, String key, Deployment old, Rollover rollover,
                          String version) {
        String shown = "web application " + root + " (context path " + contextPathShown(contextPath) + ")";
        // The engine's utility threads run each context's background processing holding its class
        // loader and lock: released by the new version's start (they wait on a starting context's
        // lock), one would walk on to the old version just as it stops, wait on its lock holding its
        // class loader, and be reported by its leak check as a thread the application failed to
        // stop. A context with a delay of its own is skipped (ContainerBackgroundProcessor), and
        // this one is skipped until it stops: its sessions' expiry waits meanwhile (the new
        // version's manager expires those that are due once it has them).
        old.context().setBackgroundProcessorDelay(Integer.MAX_VALUE);
        Deployment next;
        try {
            next = Deployment.deploy(tomcat, host, root, contextPath, version, rollover.mtime, rollover.size, serverLog,
                    true);
        } catch (RuntimeException | Error e) { // (Deployment.deploy catches what the engine throws: never, then)
            serverLog.log(Message.JVM01451, "the new version of " + shown + " failed to deploy: "
                    + DeploymentFailure.oneLine(DeploymentFailure.describe(e)) + "; the old version keeps serving until"
                    + " the application changes again", e);
            rollover.failed(null);
            old.context().setBackgroundProcessorDelay(-1); // (the parent's processing again)
            return;
        }
        if (!next.available()) {
            rollover.failed(next); // JVM01451 said why; the old version serves on
            old.context().setBackgroundProcessorDelay(-1);
            return;
        }
        // from here the Mapper sends the new version the requests without a session; the old one's
        // sessions still reach it (Tomcat looks a request's session up in both versions)
        next.rollover(rollover);
        synchronized (this) {
            deployments.put(key, next);
        }
        old.replaced();
        boolean drained = rollover.close(Rollover.cookieName(next.context()), Rollover.parameterName(next.context()),
                DRAIN_MS);
        if (!drained) {
            serverLog.log(Message.JVM01452, shown + ": requests of a session still running in the old version after "
                    + DRAIN_MS / 1000 + " s: stopping it anyway, they may fail");
        }
        Path file = work.resolve("handover-" + version + ".ser");
        Sessions.Transfer transfer = Sessions.transfer(old.context(), next.context(), file, rollover::open);
        try {
            old.undeploy(host); // its manager's stop hands its sessions over and opens the gate
        } finally {
            if (transfer != null) {
                transfer.finish(); // (if the old version did not stop as it should)
            }
            rollover.open();
            next.rollover(null);
            rollover.finished();
        }
        old.removeFiles(host);
        if (transfer == null) {
            serverLog.log(Message.JVM01453, shown + ": the old version's sessions were not handed to the new one: its"
                    + " session manager (" + old.context().getManager().getClass().getName() + ", from its context.xml)"
                    + " is not Tomcat's StandardManager, so they are what that manager keeps");
        } else if (transfer.failure() != null) {
            serverLog.log(Message.JVM01453, shown + ": the old version's sessions could not be handed to the new one: "
                    + DeploymentFailure.oneLine(DeploymentFailure.describe(transfer.failure())) + "; they are lost",
                    transfer.failure());
        }
        serverLog.log(Message.JVM01450, shown + ": the new version (" + version + ") serves, "
                + Log.millis(rollover.noticed) + " ms after the change was noticed; the old one stopped and handed"
                + " over " + (transfer == null ? 0 : transfer.count()) + " sessions, requests carrying a session waited at most "
                + TimeUnit.NANOSECONDS.toMillis(rollover.held()) + " ms");
    }

    static String contextPathShown(String contextPath) {
        return contextPath.isEmpty() ? "/" : contextPath;
    }

    @Override
    public void stop() {
        ExecutorService pending;
        synchronized (this) {
            pending = redeployer;
        }
        if (pending != null) {
            // a rollover under way ends first (both versions would save their sessions to one file)
            pending.shutdown();
            try {
                pending.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            stopEngine();
        }
    }

    private void stopEngine() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (Exception e) {
            serverLog.log(Message.JVM01410, "stopping the servlet engine:", e);
        }
        processors.stop();
    }
}
