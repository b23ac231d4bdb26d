package org.modjvm.servlet.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Host;
import org.apache.catalina.connector.Connector;
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
 * when its WAR changes.
 */
public final class TomcatEngine implements WebEngine {

    /** Tomcat's loggers are configured here and must not be collected (java.util.logging holds them weakly). */
    private static final Logger TOMCAT_LOGGER = Logger.getLogger("org.apache");

    private final Log serverLog;
    private final Tomcat tomcat;
    private final Host host;
    private final Processors processors;
    private final ConcurrentHashMap<String, Deployment> deployments = new ConcurrentHashMap<>();

    private TomcatEngine(Log serverLog, Tomcat tomcat, Connector connector) {
        this.serverLog = serverLog;
        this.tomcat = tomcat;
        this.host = tomcat.getHost();
        this.processors = new Processors(connector.getProtocolHandler().getAdapter());
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
        Tomcat tomcat = new Tomcat();
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
        return new TomcatEngine(serverLog, tomcat, connector);
    }

    @Override
    public int serve(WebRequest request) {
        Deployment deployment = deployment(request);
        if (!deployment.available()) {
            return 503; // why was logged when it failed (JVM01405)
        }
        return processors.serve(request);
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
        {
            Deployment current = deployments.get(key);
            if (current != null && current.matches(mtime, size)) {
                return current;
            }
            if (current != null) {
                serverLog.log(Message.JVM01409, "web application " + root + " changed: redeploying it"
                        + " at context path " + contextPathShown(contextPath));
                current.undeploy(host);
            }
            Deployment deployed = Deployment.deploy(tomcat, host, root, contextPath, mtime, size, serverLog);
            deployments.put(key, deployed);
            return deployed;
        }
    }

    static String contextPathShown(String contextPath) {
        return contextPath.isEmpty() ? "/" : contextPath;
    }

    @Override
    public synchronized void stop() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (Exception e) {
            serverLog.log(Message.JVM01410, "stopping the servlet engine:", e);
        }
        processors.stop();
    }
}
