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
 * on the JVM's class path (the Apache parent puts it there, as {@code java -jar} does: the
 * group's private copy of it, which a jar written into does not change); Boot's
 * {@code PropertiesLauncher} (the same launcher as the manifest's {@code JarLauncher}, with a
 * {@code loader.path}) adds to Boot's class loader mod_jvm's auto-configuration ({@code boot/})
 * and connector ({@code servlet/mod-jvm-servlet.jar}, without Tomcat: Boot's own Tomcat serves).
 */
final class BootApplication {
    static final String LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";
    static final String BOOT_DIRECTORY = "boot";
    /**
     * mod_jvm's auto-configurations in {@code boot/}, for Boot 4 and for Boot 3 (java/boot,
     * java/boot3: Boot's Tomcat factory changed packages); both go on {@code loader.path} and
     * each applies only to its own Boot.
     */
    static final String[] BOOT_JARS = {"mod_jvm-boot.jar", "mod_jvm-boot3.jar"};

    private final Log serverLog;
    private final String jar;
    private final String mountPath;
    private volatile WebEngine engine;
    /** The jar as it was when the application started (µs, bytes: what Apache sends in a request frame). */
    private long jarMtime;
    private long jarSize;
    /** The jar this process runs: the group's private copy of the mounted one (or that one, without a copy). */
    private Path runningJar;
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
     * the connector started, the application ready). Called once, before the process says it is
     * ready. If the application cannot serve (its start failed, mod_jvm refused it, its context
     * path is not the mount's) this logs why in one numbered line and the process exits: it
     * never said it was ready, so the Apache parent restarts it with a growing delay (JVM00080)
     * and the mount answers 503 meanwhile, instead of a process kept up only to answer 503.
     */
    static BootApplication start(Log serverLog, Path runtimeDirectory, String jar, String mountPath) {
        BootApplication application = new BootApplication(serverLog, jar, mountPath);
        application.launch(runtimeDirectory);
        return application;
    }

    /** How a line about an application that cannot serve ends: what happens next. */
    static final String EXITING = "; the process exits before it is ready: the group restarts it with a growing"
            + " delay (JVM00080) and its URLs answer 503 until one starts";
    /** The exit status of a process whose application cannot serve (as a failed preload's). */
    static final int EXIT_STATUS = 1;

    private void launch(Path runtimeDirectory) {
        long started = System.nanoTime();
        Method main;
        try {
            // the system class loader's: the jar on the class path, as under java -jar (not this
            // runtime's, which is the same loader in a daemon; in embedded mode there is no jar)
            Class<?> launcher = Class.forName(LAUNCHER, false, ClassLoader.getSystemClassLoader());
            main = launcher.getMethod("main", String[].class);
            runningJar = where(launcher);
        } catch (ReflectiveOperationException | LinkageError e) {
            exit(Message.JVM01461, "Spring Boot application " + jar + " failed to start: Boot's launcher "
                    + LAUNCHER + " is not on the process's class path (" + e + "; a Boot 3.2 or later executable"
                    + " jar holds it)");
            return;
        }
        try {
            // the version this process runs, as C stats the mounted jar for each request: a request
            // that shows another one is a reload. What is on the class path is the group's private
            // copy of the jar (mod_jvm_daemon.c), which has the jar's modification time and size.
            jarMtime = Files.getLastModifiedTime(runningJar).to(TimeUnit.MICROSECONDS);
            jarSize = Files.size(runningJar);
        } catch (IOException e) {
            jarMtime = 0; // (never compared: Boot's start reports the missing jar)
        }
        Path connectorJar = runtimeDirectory.resolve(WebEngines.ENGINE_DIRECTORY).resolve("mod-jvm-servlet.jar");
        StringBuilder loaderPath = new StringBuilder();
        for (String bootJar : BOOT_JARS) {
            loaderPath.append(runtimeDirectory.resolve(BOOT_DIRECTORY).resolve(bootJar)).append(',');
        }
        loaderPath.append(connectorJar);
        for (String entry : loaderPath.toString().split(",")) {
            Path needed = Path.of(entry);
            if (!Files.isReadable(needed)) {
                exit(Message.JVM01461, "Spring Boot application " + jar + " failed to start: mod_jvm's "
                        + needed + " is missing (a partial install)");
                return;
            }
        }
        // Boot's loader.path: entries before the jar's own BOOT-INF/classes and BOOT-INF/lib;
        // ours hold only org.modjvm classes (Tomcat itself is the application's)
        System.setProperty("loader.path", loaderPath.toString());
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
            BootHandoff.Refusal refusal = BootHandoff.refusal();
            if (refusal != null) {
                // mod_jvm's auto-configuration refused it before it started anything
                exit(refusal == BootHandoff.Refusal.NOT_TOMCAT ? Message.JVM01466 : Message.JVM01462,
                        "Spring Boot application " + jar + " refused: " + BootHandoff.refusalReason());
                return;
            }
            Throwable cause = failure[0];
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            exit(Message.JVM01461, "Spring Boot application " + jar + " failed to start: " + cause
                    + (connectorMismatch(cause) ? " (mod_jvm's connector, built against Tomcat 11.0 and tested with"
                            + " Boot 3.5's Tomcat 10.1, does not link against this application's Tomcat)" : "")
                    + profiles() + " (Boot's own report is above)");
            return;
        }
        WebEngine connector = BootHandoff.connector();
        if (connector == null) {
            // (what mod_jvm's auto-configuration did not refuse: the application's own web
            // server factory, or a Boot whose Tomcat factory mod_jvm does not know)
            exit(Message.JVM01462, "Spring Boot application " + jar + " refused: it started without mod_jvm's"
                    + " connector in a Tomcat servlet web server (its own web server factory, or a Boot version"
                    + " mod_jvm does not know: Boot 3.5 and 4.0 are tested); mod_jvm serves servlet web applications"
                    + " through Boot's Tomcat");
            return;
        }
        String contextPath = BootHandoff.contextPath() == null ? "" : BootHandoff.contextPath();
        if (!contextPath.equals(mountPath)) {
            exit(Message.JVM01463, "Spring Boot application " + jar + " has context path "
                    + shown(contextPath) + " (server.servlet.context-path) but is mounted at " + shown(mountPath)
                    + ": set server.servlet.context-path=" + shown(mountPath)
                    + " (e.g. -Dserver.servlet.context-path=" + shown(mountPath) + " in jvm-options) or mount it at "
                    + shown(contextPath));
            return;
        }
        engine = connector;
        serverLog.log(Message.JVM01460, "Spring Boot application " + jar + " started at context path "
                + shown(contextPath) + " in " + Log.millis(started) + " ms: served through mod_jvm's connector,"
                + " no TCP port" + (runningJar.equals(Path.of(jar)) ? "" : ", from its copy " + runningJar)
                + (BootHandoff.ready() ? "" : " (it did not report ApplicationReadyEvent)"));
    }

    /**
     * The application cannot serve: says why (one line, {@code what} and {@link #EXITING}), closes
     * what it started and ends the process before it says it is ready (see {@link #start}).
     */
    private void exit(Message message, String what) {
        serverLog.log(message, what + EXITING);
        long predecessor = BootHandoff.runningPredecessor();
        if (predecessor > 0) {
            // a successor (rolling reload): the process it succeeds goes on with the old version
            serverLog.log(Message.JVM01477, "Spring Boot application did not start in this successor of pid "
                    + predecessor + ": it exits before it is ready; pid " + predecessor
                    + " goes on serving the version it runs (the cause is above)");
        }
        stop();
        Runtime.getRuntime().halt(EXIT_STATUS);
    }

    /** " with profile(s) …" active when Boot failed, or none ("": it failed before it knew them). */
    private static String profiles() {
        String active = BootHandoff.activeProfiles();
        return active == null ? "" : active.isEmpty() ? " with no profile active" : active.contains(",")
                ? " with profiles " + active + " active" : " with profile " + active + " active";
    }

    /** A linkage error in mod_jvm's own code: its connector against the application's Tomcat. */
    private static boolean connectorMismatch(Throwable cause) {
        if (!(cause instanceof LinkageError)) {
            return false;
        }
        for (StackTraceElement frame : cause.getStackTrace()) {
            if (frame.getClassName().startsWith("org.modjvm.")) {
                return true;
            }
        }
        return false;
    }

    /** The file a class was loaded from (Boot's launcher: the jar on the class path). */
    private Path where(Class<?> launcher) {
        try {
            return Path.of(launcher.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of(jar);
        }
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
