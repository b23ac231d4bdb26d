package org.modjvm.runtime.web;

import java.util.concurrent.CountDownLatch;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.log.Log;

/**
 * Where a Spring Boot application run by this daemon process hands mod_jvm what it needs: the
 * connector of Boot's own embedded Tomcat, as a {@link WebEngine}, and how to stop the
 * application. Called from Boot's class loader (mod_jvm's auto-configuration and connector,
 * which the runtime puts on Boot's {@code loader.path}: java/boot, java/servlet), which sees this
 * class through its parent, the system class loader. One Boot application per JVM (C allows one
 * per daemon group, JVM00131), so the state is static.
 */
public final class BootHandoff {
    private static volatile WebEngine connector;
    private static volatile String contextPath;
    private static volatile Runnable stop;
    private static volatile Refusal refusal;
    private static volatile String refusalReason;
    private static volatile String activeProfiles;
    private static volatile RuntimeConfig config;
    private static volatile Log serverLog;
    private static volatile String jar;
    private static final CountDownLatch READY = new CountDownLatch(1);
    /** Run once the process this one succeeds has exited (its sessions saved): see {@link #whenPredecessorGone}. */
    private static final java.util.List<Runnable> AFTER_PREDECESSOR = new java.util.ArrayList<>();
    /** 1: a successor whose predecessor still runs; 2: that predecessor has exited; 0: neither. */
    private static int predecessorState;
    private static long predecessor;
    /** The application's last readiness state (Boot publishes ACCEPTING_TRAFFIC when it is ready). */
    private static boolean acceptingTraffic = true; // guarded by BootHandoff.class
    private static Runnable readinessListener; // guarded by BootHandoff.class

    private BootHandoff() {
    }

    /** The process and the application, before the application starts (WebEngines). */
    static void launching(RuntimeConfig runtimeConfig, Log log, String applicationJar) {
        config = runtimeConfig;
        serverLog = log;
        jar = applicationJar;
    }

    /**
     * This process is a successor (a rolling reload, docs/internals.md "Successors") and the process
     * it succeeds still serves the application's previous version: its sessions are saved only when
     * it exits, after this one is ready (DaemonServer, before the application starts).
     */
    public static synchronized void predecessorRunning(long pid) {
        predecessorState = 1;
        predecessor = pid;
    }

    /** The pid of the process this one succeeds while that one runs, else 0. */
    public static synchronized long runningPredecessor() {
        return predecessorState == 1 ? predecessor : 0;
    }

    /** Whether this process starts while the process it succeeds still runs (its sessions come later). */
    public static synchronized boolean successorOfRunningProcess() {
        return predecessorState == 1;
    }

    /**
     * Runs {@code action} once the process this one succeeds has exited: at once if it has, or if
     * this process succeeds none that still runs.
     */
    public static void whenPredecessorGone(Runnable action) {
        synchronized (BootHandoff.class) {
            if (predecessorState == 1) {
                AFTER_PREDECESSOR.add(action);
                return;
            }
        }
        action.run();
    }

    /** The process this one succeeds has exited (DaemonServer's watchdog, before it takes the route over). */
    public static void predecessorGone() {
        java.util.List<Runnable> actions;
        synchronized (BootHandoff.class) {
            if (predecessorState != 1) {
                return;
            }
            predecessorState = 2;
            actions = java.util.List.copyOf(AFTER_PREDECESSOR);
            AFTER_PREDECESSOR.clear();
        }
        actions.forEach(Runnable::run);
    }

    /** The process's configuration (its route, its group's cache directory), for the sessions of Boot's Tomcat. */
    public static RuntimeConfig config() {
        return config;
    }

    /** Apache's error log, through the process. */
    public static Log serverLog() {
        return serverLog;
    }

    /** The application's jar as mounted (what names its sessions' file: not Boot's temporary document root). */
    public static String jar() {
        return jar;
    }

    /**
     * Boot's Tomcat started mod_jvm's connector (its {@code ProtocolHandler.start}, at the end of
     * the application context's refresh): {@code engine} serves requests through its adapter.
     */
    public static void connectorStarted(WebEngine engine) {
        connector = engine;
    }

    /** The context path Boot's web server factory was given ({@code server.servlet.context-path}). */
    public static void contextPath(String path) {
        contextPath = path == null ? "" : path;
    }

    /**
     * The application is ready (Boot's {@code ApplicationReadyEvent}); {@code stopApplication}
     * closes its context (its shutdown, graceful if the application enables it).
     */
    public static void applicationReady(Runnable stopApplication) {
        stop = stopApplication;
        READY.countDown();
    }

    /**
     * The application's readiness state changed (java/boot's {@code ReadinessStates}: Boot's
     * {@code ReadinessState}, {@code accepting} for {@code ACCEPTING_TRAFFIC}): its process takes
     * requests only while it accepts traffic, once it is ready ({@link #onReadiness}).
     */
    public static void readiness(boolean accepting) {
        Runnable listener;
        synchronized (BootHandoff.class) {
            acceptingTraffic = accepting;
            listener = readinessListener;
        }
        if (listener != null) {
            listener.run();
        }
    }

    /** Whether the application accepts traffic: its last readiness state (before Boot's first: yes). */
    public static synchronized boolean acceptingTraffic() {
        return acceptingTraffic;
    }

    /**
     * Who is told when the application's readiness state changes from now on (the daemon process,
     * once it is ready; it reads {@link #acceptingTraffic}): told at once, for the state now.
     */
    public static void onReadiness(Runnable listener) {
        synchronized (BootHandoff.class) {
            readinessListener = listener;
        }
        listener.run();
    }

    /** Whether a Spring Boot application runs in this process (its connector started). */
    public static boolean running() {
        return connector != null;
    }

    /**
     * Why mod_jvm cannot serve an application (java/boot's {@code ModJvmRefusalAutoConfiguration}
     * finds out while Boot prepares its context, before it creates a bean or starts a server).
     */
    public enum Refusal {
        /** Not a servlet web application: a non-web one, or a reactive (WebFlux) one (JVM01462). */
        NOT_SERVLET,
        /** A servlet web application on another server than Tomcat, the Jetty starter's (JVM01466). */
        NOT_TOMCAT
    }

    /**
     * mod_jvm refuses the application ({@code why}: what it is, what mod_jvm serves instead): the
     * returned exception, thrown by the caller, ends Boot's start before the application does
     * anything, and the runtime logs the refusal's numbered line instead of a failed start's.
     */
    public static IllegalStateException refuse(Refusal kind, String why) {
        refusalReason = why;
        refusal = kind;
        return new IllegalStateException("mod_jvm cannot serve this application: " + why);
    }

    /** The application's active profiles, comma-separated ("": none, Boot's default one), before its context refreshes. */
    public static void activeProfiles(String profiles) {
        activeProfiles = profiles;
    }

    static String activeProfiles() {
        return activeProfiles;
    }

    static Refusal refusal() {
        return refusal;
    }

    static String refusalReason() {
        return refusalReason;
    }

    static WebEngine connector() {
        return connector;
    }

    static String contextPath() {
        return contextPath;
    }

    static boolean ready() {
        return READY.getCount() == 0;
    }

    static Runnable stop() {
        return stop;
    }
}
