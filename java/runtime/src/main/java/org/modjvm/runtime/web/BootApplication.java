package org.modjvm.runtime.web;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * A Spring Boot executable jar run by this daemon process (docs/spring-boot.md): started as
 * {@code java -jar} starts it, through Boot's own launcher and the application's {@code main},
 * with mod_jvm's connector in place of the HTTP connector of Boot's embedded Tomcat. The jar is
 * on the JVM's class path (the Apache parent puts it there, as {@code java -jar} does); Boot's
 * {@code PropertiesLauncher} (the same launcher as the manifest's {@code JarLauncher}, with a
 * {@code loader.path}) adds to Boot's class loader mod_jvm's auto-configuration ({@code boot/})
 * and connector ({@code servlet/mod-jvm-servlet.jar}, without Tomcat: Boot's own Tomcat serves).
 */
final class BootApplication {
    static final String LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";
    static final String BOOT_DIRECTORY = "boot";

    private final Log serverLog;
    private final String jar;
    private final String mountPath;
    private volatile WebEngine engine;
    /** The jar as it was when the application started (µs, bytes: what Apache sends in a request frame). */
    private long jarMtime;
    private long jarSize;
    /** Told once when a request shows the jar changed (rolling reload: DaemonServer.applicationChanged). */
    private volatile Consumer<String> onChange = what -> { };
    private volatile boolean changeSeen;

    private BootApplication(Log serverLog, String jar, String mountPath) {
        this.serverLog = serverLog;
        this.jar = jar;
        this.mountPath = mountPath;
    }

    /**
     * Starts the application and returns when its {@code main} returned (the context refreshed,
     * the connector started, the application ready) or failed; a failure is logged and the
     * application answers 503. Called once, before the process says it is ready.
     */
    static BootApplication start(Log serverLog, Path runtimeDirectory, String jar, String mountPath) {
        BootApplication application = new BootApplication(serverLog, jar, mountPath);
        application.launch(runtimeDirectory);
        return application;
    }

    private void launch(Path runtimeDirectory) {
        long started = System.nanoTime();
        try {
            // as C stats the jar for each request: a request that shows another one is a reload
            jarMtime = Files.getLastModifiedTime(Path.of(jar)).to(TimeUnit.MICROSECONDS);
            jarSize = Files.size(Path.of(jar));
        } catch (IOException e) {
            jarMtime = 0; // (never compared: Boot's start reports the missing jar)
        }
        Method main;
        try {
            // the system class loader's: the jar on the class path, as under java -jar (not this
            // runtime's, which is the same loader in a daemon; in embedded mode there is no jar)
            Class<?> launcher = Class.forName(LAUNCHER, false, ClassLoader.getSystemClassLoader());
            main = launcher.getMethod("main", String[].class);
        } catch (ReflectiveOperationException | LinkageError e) {
            serverLog.log(Message.JVM01461, "Spring Boot application " + jar + " failed to start: Boot's launcher "
                    + LAUNCHER + " is not on the process's class path (" + e + "; a Boot 3.2 or later executable"
                    + " jar holds it); answering 503 until this process is replaced");
            return;
        }
        Path connectorJar = runtimeDirectory.resolve(WebEngines.ENGINE_DIRECTORY).resolve("mod-jvm-servlet.jar");
        Path bootJar = runtimeDirectory.resolve(BOOT_DIRECTORY).resolve("mod_jvm-boot.jar");
        for (Path needed : new Path[] {connectorJar, bootJar}) {
            if (!Files.isReadable(needed)) {
                serverLog.log(Message.JVM01461, "Spring Boot application " + jar + " failed to start: mod_jvm's "
                        + needed + " is missing (a partial install); answering 503 until this process is replaced");
                return;
            }
        }
        // Boot's loader.path: entries before the jar's own BOOT-INF/classes and BOOT-INF/lib;
        // ours hold only org.modjvm classes (Tomcat itself is the application's)
        System.setProperty("loader.path", bootJar + "," + connectorJar);
        Throwable[] failure = new Throwable[1];
        // "main", as under java -jar: Boot's startup failure handler and its logs look for it
        Thread thread = new Thread(() -> {
            try {
                main.invoke(null, (Object) new String[0]);
            } catch (InvocationTargetException e) {
                failure[0] = e.getCause();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "main");
        thread.start();
        try {
            thread.join(); // (the preload this runs in is bounded by startup-timeout)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (failure[0] != null) {
            Throwable cause = failure[0];
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            serverLog.log(Message.JVM01461, "Spring Boot application " + jar + " failed to start: " + cause
                    + " (Boot's own report is above); answering 503 until this process is replaced");
            return;
        }
        WebEngine connector = BootHandoff.connector();
        if (connector == null) {
            serverLog.log(Message.JVM01462, "Spring Boot application " + jar + " started without a Tomcat servlet"
                    + " web server (a non-web application, WebFlux on Netty, or another server than the Tomcat starter"
                    + " Boot uses by default; mod_jvm serves Boot's Tomcat): answering 503");
            return;
        }
        String contextPath = BootHandoff.contextPath() == null ? "" : BootHandoff.contextPath();
        if (!contextPath.equals(mountPath)) {
            serverLog.log(Message.JVM01463, "Spring Boot application " + jar + " has context path "
                    + shown(contextPath) + " (server.servlet.context-path) but is mounted at " + shown(mountPath)
                    + ": answering 503; set server.servlet.context-path=" + shown(mountPath)
                    + " (e.g. -Dserver.servlet.context-path=" + shown(mountPath) + " in jvm-options) or mount it at "
                    + shown(contextPath));
            return;
        }
        engine = connector;
        serverLog.log(Message.JVM01460, "Spring Boot application " + jar + " started at context path "
                + shown(contextPath) + " in " + Log.millis(started) + " ms: served through mod_jvm's connector,"
                + " no TCP port" + (BootHandoff.ready() ? "" : " (it did not report ApplicationReadyEvent)"));
    }

    private static String shown(String contextPath) {
        return contextPath.isEmpty() ? "/" : contextPath;
    }

    /** Serves a request of the application: 503 if it did not start (why was logged). */
    int serve(WebRequest request) {
        long mtime = request.frame().scriptMtime();
        if (!changeSeen && mtime != 0 && jarMtime != 0
                && (mtime != jarMtime || request.frame().scriptSize() != jarSize)) {
            // the jar was replaced: this process serves on (its class loader holds the old file open)
            // while a successor starts the new one (docs/internals.md, "Successors")
            changeSeen = true;
            onChange.accept("Spring Boot application " + jar);
        }
        WebEngine running = engine;
        return running == null ? 503 : running.serve(request);
    }

    /** Whether the application started and is served (else its requests get 503: why was logged). */
    boolean started() {
        return engine != null;
    }

    /** Who is told when a request shows that the jar changed (once). */
    void onChange(Consumer<String> listener) {
        onChange = listener;
    }

    /** Closes the application's context (Boot's shutdown: its beans, its Tomcat, its sessions). */
    void stop() {
        engine = null;
        Runnable stop = BootHandoff.stop();
        if (stop == null) {
            return;
        }
        try {
            stop.run();
        } catch (RuntimeException | LinkageError e) {
            serverLog.log(Message.JVM01465, "stopping Spring Boot application " + jar + " failed:", e);
        }
    }

    /** The runtime directory: where the runtime jar is. */
    static Path runtimeDirectory() {
        try {
            URL runtimeJar = BootApplication.class.getProtectionDomain().getCodeSource().getLocation();
            return Path.of(runtimeJar.toURI()).getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of(".");
        }
    }
}
