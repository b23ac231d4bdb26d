package org.modjvm.runtime.web;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * The JVM's {@link WebEngine}, started the first time a web application is asked for. The
 * engine's jars (the connector and Tomcat's) are in the {@code servlet/} directory beside
 * {@code mod_jvm-runtime.jar}; they get a class loader of their own, child of the runtime's,
 * so a JVM that runs only scripts never loads (or pays the memory of) a servlet engine.
 */
public final class WebEngines {
    /** Where the engine's jars are, relative to the runtime directory. */
    public static final String ENGINE_DIRECTORY = "servlet";

    private final RuntimeConfig config;
    private final Log serverLog;
    private volatile WebEngine engine;
    private Path work;
    private volatile boolean failed;
    /** The Spring Boot application this daemon process runs, if any (at most one). */
    private volatile BootApplication boot;
    /** Told when a request shows that the Boot jar changed (a daemon process: rolling reload). */
    private volatile Consumer<String> onApplicationChange = what -> { };

    public WebEngines(RuntimeConfig config, Log serverLog) {
        this.config = config;
        this.serverLog = serverLog;
    }

    /**
     * Serves a web application's request: through the engine, started now if this is the
     * first. If the engine cannot start, every such request is answered 500 (why was logged
     * once, JVM01400/JVM01401), and scripts go on working.
     */
    public int serve(WebRequest request) {
        if (request.root().endsWith(".jar")) {
            return serveBoot(request); // (C marks a .jar as a web application only if it is a Boot jar)
        }
        WebEngine running = engine;
        if (running == null) {
            running = start();
            if (running == null) {
                return 500;
            }
        }
        return running.serve(request);
    }

    /**
     * Starts the Spring Boot application {@code jar} mounted at {@code contextPath} (a daemon
     * group's, at start, before the process is ready): docs/spring-boot.md.
     */
    public void startBoot(String jar, String contextPath) {
        synchronized (this) {
            if (boot != null) {
                return; // one per JVM (C refuses a second per group, JVM00131)
            }
        }
        // what the sessions of Boot's Tomcat need (java/servlet's BootSessions): its route, the cache
        BootHandoff.launching(config, serverLog, jar);
        BootApplication started = BootApplication.start(serverLog, BootApplication.runtimeDirectory(), jar, contextPath);
        started.onChange(what -> onApplicationChange.accept(what));
        synchronized (this) {
            boot = started;
        }
    }

    /** Who is told (once) when a request shows that the Spring Boot jar was replaced. */
    public void onApplicationChange(Consumer<String> listener) {
        onApplicationChange = listener;
    }

    /** Whether this process has a Spring Boot application that did not start (its requests get 503). */
    public boolean bootFailed() {
        BootApplication running = boot;
        return running != null && !running.started();
    }

    private int serveBoot(WebRequest request) {
        BootApplication running = boot;
        if (running == null && config.processGroup().isEmpty()) {
            // C refuses a Boot jar without process-group= (JVM00130); JvmProcessGroup per directory can still lead here
            request.log().log(Message.JVM01464, "Spring Boot application " + request.root() + ": Boot applications"
                    + " run in daemon mode only (process-group=, docs/spring-boot.md): answering 503");
            return 503;
        }
        return running == null ? 503 : running.serve(request);
    }

    /** Deploys a web application now (a daemon group's, at start): {@link WebEngine#deploy}. */
    public void deploy(String root, String contextPath, long mtime, long size) {
        WebEngine running = engine;
        if (running == null) {
            running = start();
            if (running == null) {
                return;
            }
        }
        running.deploy(root, contextPath, mtime, size);
    }

    /** Stops the engine if it was started (process shutdown). */
    public synchronized void stop() {
        if (boot != null) {
            boot.stop();
            boot = null;
        }
        WebEngine running = engine;
        if (running != null) {
            running.stop();
            engine = null;
            failed = true; // a request after this is answered 500, not by a new engine
        }
        if (work != null) {
            WorkDirectories.remove(work);
            work = null;
        }
    }

    private synchronized WebEngine start() {
        if (engine != null || failed) {
            return engine;
        }
        Path directory = engineDirectory();
        List<URL> jars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.jar")) {
            for (Path jar : entries) {
                jars.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            failed = true;
            serverLog.log(Message.JVM01400, "web applications cannot be served: the servlet engine is not"
                    + " installed (" + directory + ": " + e + "); scripts are not affected");
            return null;
        }
        try {
            ClassLoader loader = new URLClassLoader("mod_jvm-servlet", jars.toArray(new URL[0]),
                    WebEngines.class.getClassLoader());
            Iterator<WebEngineProvider> providers = ServiceLoader.load(WebEngineProvider.class, loader).iterator();
            if (!providers.hasNext()) {
                throw new IllegalStateException(directory + " holds no " + WebEngineProvider.class.getName());
            }
            work = WorkDirectories.forThisProcess(config, serverLog);
            engine = providers.next().start(config, serverLog, work);
            return engine;
        } catch (Throwable e) {
            failed = true;
            serverLog.log(Message.JVM01401, "the servlet engine could not start: web applications are"
                    + " answered 500 until this process is replaced; scripts are not affected:", e);
            return null;
        }
    }

    /** {@code servlet/} beside the jar this class was loaded from (the runtime directory). */
    private static Path engineDirectory() {
        try {
            URL runtimeJar = WebEngines.class.getProtectionDomain().getCodeSource().getLocation();
            return Path.of(runtimeJar.toURI()).getParent().resolve(ENGINE_DIRECTORY);
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of(ENGINE_DIRECTORY);
        }
    }
}
