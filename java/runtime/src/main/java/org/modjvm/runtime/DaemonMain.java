package org.modjvm.runtime;

import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.modjvm.runtime.apps.NativeFiles;
import org.modjvm.runtime.apps.OwnedFileReader;
import org.modjvm.runtime.apps.ReloadWatch;
import org.modjvm.runtime.apps.ScriptOwner;
import org.modjvm.runtime.apps.ScriptRequest;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.core.RuntimeContext;
import org.modjvm.runtime.daemon.DaemonLog;
import org.modjvm.runtime.daemon.DaemonServer;
import org.modjvm.runtime.daemon.DaemonSettings;
import org.modjvm.runtime.daemon.PeerHangup;
import org.modjvm.runtime.daemon.PollingWaits;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * Entry point of a daemon process (daemon mode). The Apache parent execs
 * {@code java … org.modjvm.runtime.DaemonMain} with the group's listening socket as fd 0,
 * Apache's error log as stdout/stderr and its settings, secrets included, in
 * {@code MOD_JVM_SETTINGS} (the settings frame in hex); see mod_jvm_daemon.c.
 */
public final class DaemonMain {
    private DaemonMain() {
    }

    public static void main(String[] args) {
        DaemonSettings settings;
        try {
            settings = DaemonSettings.parse(System.getenv(DaemonSettings.ENVIRONMENT));
        } catch (RuntimeException e) {
            // no log yet (its level is a setting): a plain stderr line, which the relay logs at
            // warn, the level JVM01320 declares
            System.err.println(Message.JVM01320.prefix() + "daemon process: bad arguments from the Apache parent: " + e);
            Runtime.getRuntime().halt(2);
            return;
        }
        DaemonLog sink = new DaemonLog();
        System.setOut(Bootstrap.logStream(sink));
        System.setErr(Bootstrap.logStream(sink));
        Log early = new Log(sink, settings.logLevel());
        try {
            Channel inherited = System.inheritedChannel();
            if (!(inherited instanceof ServerSocketChannel listener)) {
                early.log(Message.JVM01321, "daemon process started without its listening socket on fd 0");
                Runtime.getRuntime().halt(2);
                return;
            }
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            RuntimeConfig config = settings.runtimeConfig(uid);
            OwnedFileReader ownedReader = ownedReader(settings, uid, early);
            RuntimeContext base = RuntimeContext.create(config, sink, ownedReader);
            ReloadWatch applications = new ReloadWatch(base.applications());
            RuntimeContext context = new RuntimeContext(config, base.serverLog(), applications);
            // SIGTERM before the process is ready (Apache stops or restarts while it starts): it
            // serves nothing yet, so it goes at once. The JVM's default would run the shutdown
            // hooks, and a Spring Boot application's hook waits for its context's refresh to
            // finish: on a slow machine the process outlived Apache's stop by seconds
            // (BootVariantsTest). Replaced by the draining handler below once it is ready.
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
                context.serverLog().log(Message.JVM01353, "daemon process (pid " + ProcessHandle.current().pid()
                        + ") stopping before it was ready: Apache stops or restarts");
                System.out.flush();
                Runtime.getRuntime().halt(0);
            });
            // with processes=2+ its own socket too: the requests of its sessions (sticky sessions)
            DaemonServer server = new DaemonServer(settings, context, sink, listener,
                    DaemonServer.routeSocket(settings, context.serverLog()));
            preload(settings, context);
            if (server.predecessor() > 0 && context.webEngines().bootFailed()) {
                // a successor (rolling reload) that would only answer 503: it dies before it is ready,
                // the process it succeeds goes on serving and the parent tries again later (backoff)
                context.serverLog().log(Message.JVM01477, "Spring Boot application did not start in this successor"
                        + " of pid " + server.predecessor() + ": it exits before it is ready; pid " + server.predecessor()
                        + " goes on serving the version it runs (the cause is above)");
                System.out.flush();
                Runtime.getRuntime().halt(1);
            }
            applications.onReload(server::scriptChanged);
            context.webEngines().onApplicationChange(server::applicationChanged);
            // SIGTERM (Apache stops or restarts): drain, then halt. Handled apart from the
            // shutdown hooks, which then only run for System.exit from an application: that
            // must not wait for running requests (one of them is the caller)
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
                Thread stopper = new Thread(server::shutdown, "mod_jvm-shutdown");
                stopper.setDaemon(true);
                stopper.start();
            });
            Runtime.getRuntime().addShutdownHook(new Thread(server::exiting, "mod_jvm-exit"));
            if (context.serverLog().enabled(Message.JVM01300)) {
                context.serverLog().log(Message.JVM01300, "daemon process of group " + settings.group() + " ready: pid "
                        + ProcessHandle.current().pid() + ", Java " + Runtime.version() + " (" + System.getProperty("java.home")
                        + "), " + settings.threads() + " threads, " + settings.preloads().size() + " preloaded");
            }
            String sleepingReads = PollingWaits.unavailable();
            if (sleepingReads != null) {
                context.serverLog().log(Message.JVM01326, "connections of group " + settings.group()
                        + " wait for Apache asleep in read(), not in poll(): " + sleepingReads
                        + "; requests cost two more context switches each (docs/internals.md)");
            }
            String noHangups = PeerHangup.unavailable();
            if (noHangups != null) {
                context.serverLog().log(Message.JVM01338, "daemon processes of group " + settings.group()
                        + " cannot tell when Apache closes the connection of a running request: " + noHangups
                        + "; such a request ends only by request-timeout" + (settings.requestTimeout() > 0 ? ""
                        : ", which is off (request-timeout=0)"));
            }
            server.ready();
            server.announceReady(sink); // (the accept loops start next: a connection made meanwhile waits in the backlog)
            server.followReadiness(); // (a Spring Boot application's readiness state, from now on)
            server.run();
            // accepting stopped because the process drains: the drain ends the process (halt),
            // so this thread must not return and let the JVM exit under running requests
            while (true) {
                Thread.sleep(Long.MAX_VALUE);
            }
        } catch (Throwable e) {
            early.log(Message.JVM01322, "daemon process of group " + settings.group() + " failed:", e);
            Runtime.getRuntime().halt(1);
        }
    }

    /**
     * With script-user=/script-group=, the reader that checks each script's owner on the file it
     * reads. Native access (JNA) is tried now so that a problem shows at start (JVM01348); the
     * group then answers 500 for every script (it cannot check, so it runs nothing) until fixed.
     */
    private static OwnedFileReader ownedReader(DaemonSettings settings, int uid, Log log) {
        ScriptOwner owner = settings.scriptOwner();
        if (!owner.required()) {
            return null;
        }
        String problem = OwnedFileReader.problem();
        if (problem != null) {
            log.log(Message.JVM01348, "daemon process group " + settings.group() + " requires " + owner.describe()
                    + " but cannot check the owner of a script: " + problem + "; every script of the group answers 500"
                    + " (jna.jar and libjnidispatch.so belong in the runtime directory: docs/internals.md)");
        } else if (log.enabled(Message.JVM01349)) {
            log.log(Message.JVM01349, "daemon process group " + settings.group() + " runs only scripts owned by "
                    + owner.describe() + ", checked on the file read (JNA, native part " + NativeFiles.dispatchLibrary()
                    + ")");
        }
        return new OwnedFileReader(owner, uid, "daemon process group " + settings.group());
    }

    /** Loads the preloaded applications ("script|group|callable") within startup-timeout. */
    /** A preload entry "web:CONTEXT-PATH|ROOT": a web application the group deploys at start. */
    private static final String WEB_APPLICATION_PRELOAD = "web:";
    /** A preload entry "boot:CONTEXT-PATH|JAR": the Spring Boot application the group runs (started before it is ready). */
    private static final String BOOT_PRELOAD = "boot:";

    /** Deploys "CONTEXT-PATH|ROOT" now (a failure is logged, JVM01405, and answered 503 later). */
    private static void deploy(String entry, RuntimeContext context) {
        int bar = entry.indexOf('|');
        if (bar < 0) {
            return;
        }
        String root = entry.substring(bar + 1);
        long mtime = 0;
        long size = 0;
        Path path = Path.of(root);
        if (Files.isRegularFile(path)) {
            // as C stats a WAR for each request (a directory: 0, 0), so the first request finds it deployed
            try {
                mtime = Files.getLastModifiedTime(path).to(TimeUnit.MICROSECONDS);
                size = Files.size(path);
            } catch (java.io.IOException e) {
                // the deployment reports the missing file
            }
        }
        context.webEngines().deploy(root, entry.substring(0, bar), mtime, size);
    }

    private static void preload(DaemonSettings settings, RuntimeContext context) throws InterruptedException {
        if (settings.preloads().isEmpty()) {
            return;
        }
        Thread loader = new Thread(() -> {
            for (String entry : settings.preloads()) {
                if (entry.startsWith(BOOT_PRELOAD)) {
                    String boot = entry.substring(BOOT_PRELOAD.length());
                    int bar = boot.indexOf('|');
                    if (bar >= 0) {
                        context.webEngines().startBoot(boot.substring(bar + 1), boot.substring(0, bar));
                    }
                    continue;
                }
                if (entry.startsWith(WEB_APPLICATION_PRELOAD)) {
                    deploy(entry.substring(WEB_APPLICATION_PRELOAD.length()), context);
                    continue;
                }
                String[] parts = entry.split("\\|", -1);
                if (parts.length != 3) {
                    continue;
                }
                Path script = Path.of(parts[0]);
                long mtime = 0;
                long size = 0;
                try {
                    FileTime time = Files.getLastModifiedTime(script);
                    mtime = time.to(TimeUnit.MICROSECONDS);
                    size = Files.size(script);
                } catch (java.io.IOException e) {
                    // the lookup reports the missing file
                }
                context.applications().lookup(new ScriptRequest(parts[0], parts[1], parts[2], mtime, size, true),
                        context.serverLog());
            }
        }, "mod_jvm-preload");
        loader.setDaemon(true);
        loader.start();
        if (settings.startupTimeout() > 0) {
            loader.join(settings.startupTimeout());
            if (loader.isAlive()) {
                context.serverLog().log(Message.JVM01323, "preloading took longer than startup-timeout ("
                        + settings.startupTimeout() / 1000 + " s): exiting to be restarted");
                Runtime.getRuntime().halt(1);
            }
        } else {
            loader.join();
        }
    }
}
