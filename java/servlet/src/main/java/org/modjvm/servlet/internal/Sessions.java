package org.modjvm.servlet.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Container;
import org.apache.catalina.ContainerEvent;
import org.apache.catalina.ContainerListener;
import org.apache.catalina.Context;
import org.apache.catalina.Engine;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Manager;
import org.apache.catalina.Session;
import org.apache.catalina.WebResource;
import org.apache.catalina.session.ManagerBase;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.util.ContextName;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * Sessions of web applications beyond one process (docs/servlet.md, "Sessions"; docs/internals.md,
 * "Sticky sessions").
 *
 * <p>Daemon mode: the process's route (its index in its group, the same for its replacement) is
 * the engine's jvmRoute, so every session id ends in {@code .<route>} and Apache's children send
 * the session's requests to this process's own socket. Each web application's sessions are saved
 * when it stops (the process recycles or stops, the WAR is redeployed) and loaded when it starts
 * again, here or in the next process of the same route: Tomcat's StandardManager with its file in
 * {@code <cache directory>/sessions/} (the group's compiled-class cache, private to the group's
 * user; never the process's work directory, which is removed), one file per web application and
 * route. A process holds {@code route-<route>.lock} in that directory from its engine's start
 * until it exits, so that after a graceful restart, when the new generation's process starts
 * while the old one still drains, the new one loads the sessions only once the old one has saved
 * them and gone. A web application whose {@code context.xml} names its own Manager keeps it.
 *
 * <p>Embedded mode with more than one Apache child possible: a session lives in the child that
 * made it, and the client's next request may reach another child. Logged once per web
 * application and child (JVM01420) when the application declares sessions in its web.xml or
 * makes its first one.
 */
final class Sessions implements ContainerListener {
    /** The directory under the group's cache. */
    static final String DIRECTORY = "sessions";
    /** How long a process waits at the start of its engine for the process before on its route to save its sessions. */
    static final long HANDOVER_WAIT_MS = 60_000;
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private final Log log;
    private final int route;
    private final Path directory;
    private final boolean warnEmbedded;
    /** The route's lock, held until the process exits (never closed: closing would release it). */
    @SuppressWarnings("unused")
    private volatile FileChannel lock;
    /** A Boot application's Context, whose sessions a successor takes over later ({@link #takeOverLater}). */
    private volatile Application bootApplication;

    private Sessions(Log log, int route, Path directory, boolean warnEmbedded, FileChannel lock) {
        this.log = log;
        this.route = route;
        this.directory = directory;
        this.warnEmbedded = warnEmbedded;
        this.lock = lock;
    }

    /**
     * The sessions of this process's engine: in daemon mode, waits (at most {@link #HANDOVER_WAIT_MS})
     * for the route's previous process to have saved its sessions and gone.
     */
    static Sessions start(RuntimeConfig config, Log log) {
        return start(config, log, false);
    }

    /**
     * As {@link #start(RuntimeConfig, Log)}; with {@code later}, does not wait for the route's
     * lock: the process is a successor (a rolling reload of a Boot jar) whose predecessor saves its
     * sessions only when it exits, after this process is ready; {@link #takeOverLater} then takes
     * the lock and the sessions.
     */
    static Sessions start(RuntimeConfig config, Log log, boolean later) {
        boolean daemon = !config.processGroup().isEmpty();
        if (!daemon || config.route() < 0) {
            return new Sessions(log, -1, null, !daemon && config.multiprocess(), null);
        }
        if (config.cacheDirectory() == null) {
            log.log(Message.JVM01425, "sessions of web applications are not kept across process replacement: process"
                    + " group " + config.processGroup() + " has no cache directory (JvmCacheDirectory)");
            return new Sessions(log, config.route(), null, false, null);
        }
        Path directory = config.cacheDirectory().resolve(DIRECTORY);
        try {
            privateDirectory(directory, config.uid());
        } catch (IOException | RuntimeException e) {
            log.log(Message.JVM01425, "sessions of web applications are not kept across process replacement: " + e);
            return new Sessions(log, config.route(), null, false, null);
        }
        return new Sessions(log, config.route(), directory, false, later ? null : routeLock(directory, config.route(), log));
    }

    /**
     * A successor's predecessor has exited, its sessions saved: takes the route's lock (free now)
     * and reads the sessions into the running Boot application, beside those it made meanwhile
     * (requests that carry a session waited for this: {@link BootSessions}).
     */
    void takeOverLater() {
        if (directory == null) {
            return;
        }
        lock = routeLock(directory, route, log);
        Application application = bootApplication;
        if (application != null) {
            application.takeOverLater();
        }
    }

    /** The engine's jvmRoute and a listener on the host for each web application it deploys. */
    void configure(Engine engine, Container host) {
        if (route >= 0) {
            engine.setJvmRoute(Integer.toString(route));
        }
        host.addContainerListener(this);
    }

    @Override
    public void containerEvent(ContainerEvent event) {
        // a Context is added to the host before it starts (Tomcat.addWebapp): in time to give it a manager
        if (Container.ADD_CHILD_EVENT.equals(event.getType()) && event.getData() instanceof Context context) {
            context.addLifecycleListener(new Application(context, context.getDocBase(), false));
        }
    }

    /**
     * The one Context of a Spring Boot application's own Tomcat ({@link BootSessions}), before it
     * starts: its engine gets the route when the context configures (it is not in Boot's Tomcat
     * yet), and its StandardManager keeps its sessions in our file, named after the application's
     * jar (Boot's document root is a new temporary directory at every start).
     */
    void configure(Context context, String jar) {
        Application application = new Application(context, jar, true);
        bootApplication = application;
        context.addLifecycleListener(application);
    }

    /** The sessions of one deployment of a web application. */
    private final class Application implements LifecycleListener {
        private final Context context;
        private final String root;     // the .war or directory as mounted (Tomcat changes docBase when it unpacks)
        private final Path file;       // where its sessions wait for the next start, or null
        private final AtomicBoolean warned = new AtomicBoolean();
        private final boolean boot;    // in a Boot application's own Tomcat (adoptBootsManager)
        private StandardManager manager; // ours (or Boot's), null when the application brings its own
        private boolean hadFile;
        private int toSave;

        Application(Context context, String root, boolean boot) {
            this.context = context;
            this.root = root;
            this.boot = boot;
            this.file = directory == null ? null : directory.resolve(fileName(context.getPath(), root, route));
        }

        @Override
        public void lifecycleEvent(LifecycleEvent event) {
            switch (event.getType()) {
                case Lifecycle.CONFIGURE_START_EVENT -> {
                    if (boot) {
                        adoptBootsManager();
                        return;
                    }
                    // (after META-INF/context.xml, before the context makes its default StandardManager)
                    if (context.getManager() == null && (file != null || warnEmbedded)) {
                        manager = warnEmbedded ? new WarningManager(this) : new StandardManager();
                        if (file != null) {
                            manager.setPathname(file.toString());
                            hadFile = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
                        }
                        context.setManager(manager);
                    }
                }
                case Lifecycle.AFTER_START_EVENT -> {
                    if (hadFile && manager != null && context.getState().isAvailable()) {
                        log.log(Message.JVM01421, "web application " + root + " (context path " + shown() + "): took over "
                                + manager.getActiveSessions() + " sessions of route " + route
                                + " saved by the process before");
                    }
                    if (warnEmbedded && declaresSessions()) {
                        warnEmbedded("its web.xml declares <session-config>");
                    }
                }
                case Lifecycle.BEFORE_STOP_EVENT -> {
                    toSave = manager != null && file != null ? manager.getActiveSessions() : 0;
                    if (toSave > 0 && boot) {
                        // Boot clears the path when the context starts (no persistence unless
                        // server.servlet.session.persistent): the manager saves when it stops
                        manager.setPathname(file.toString());
                    }
                }
                case Lifecycle.AFTER_STOP_EVENT -> {
                    if (toSave > 0 && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                        log.log(Message.JVM01422, "web application " + root + " (context path " + shown() + "): saved "
                                + toSave + " sessions of route " + route + " for the next process (" + file + ")");
                    }
                }
                default -> {
                }
            }
        }

        /**
         * Before the manager starts (and loads the file): the route as the engine's jvmRoute, read
         * by the manager's id generator when it starts; a StandardManager with our file, ours (Boot
         * leaves the context without one, Tomcat's default, unless the application enables
         * server.servlet.session.persistent) or Boot's; a manager of another kind, the
         * application's own choice, is kept as it is.
         */
        private void adoptBootsManager() {
            Container engine = context.getParent() == null ? null : context.getParent().getParent();
            if (route >= 0 && engine instanceof Engine e) {
                e.setJvmRoute(Integer.toString(route));
            }
            if (file == null) {
                return;
            }
            if (context.getManager() == null) {
                manager = new StandardManager();
                context.setManager(manager);
            } else if (context.getManager() instanceof StandardManager standard) {
                manager = standard;
            } else {
                return;
            }
            manager.setPathname(file.toString());
            hadFile = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        }

        /** {@link Sessions#takeOverLater}: the predecessor's file read into the running application. */
        void takeOverLater() {
            if (manager == null || file == null || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return; // the predecessor had no session to save (or the application keeps its own)
            }
            try {
                int n = readInto(context, file);
                log.log(Message.JVM01421, "web application " + root + " (context path " + shown() + "): took over "
                        + n + " sessions of route " + route + " saved by the process it succeeds");
            } catch (Exception | LinkageError e) {
                log.log(Message.JVM01479, "web application " + root + " (context path " + shown() + "): the sessions"
                        + " of route " + route + " saved by the process it succeeds could not be read from " + file
                        + ": " + e + "; their clients get new sessions");
            } finally {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // read or not, a file left would be loaded by the next process as if it were its own
                }
            }
        }

        private boolean declaresSessions() {
            try {
                WebResource webXml = context.getResources().getResource("/WEB-INF/web.xml");
                byte[] content = webXml.exists() ? webXml.getContent() : null;
                return content != null && new String(content, StandardCharsets.UTF_8).contains("session-config>");
            } catch (RuntimeException e) {
                return false;
            }
        }

        void warnEmbedded(String why) {
            if (warned.compareAndSet(false, true)) {
                log.log(Message.JVM01420, "web application " + root + " (context path " + shown() + ") uses sessions in"
                        + " embedded mode with more than one Apache child: " + why + ", but a session lives in the"
                        + " Apache child that made it and the client's next request may reach another child (a new"
                        + " session); run it in a daemon process group (docs/servlet.md, \"Sessions\")");
            }
        }

        private String shown() {
            return TomcatEngine.contextPathShown(context.getPath());
        }
    }

    /**
     * Prepares the hand-over of the sessions of {@code from}, a version of a web application about
     * to be undeployed, to {@code to}, its newer version, started (a rollover: {@link Rollover}).
     * When from's manager stops (from is being undeployed: its servlets have finished their
     * requests and been destroyed), it writes its sessions to {@code file} instead of its own
     * file (the sessions are not for the next process: they go on in this one), and they are
     * read into to's manager at once, beside the sessions to has made meanwhile (Tomcat's
     * {@code StandardManager.load} would drop those): the returned transfer then runs
     * {@code handedOver}. Null if from's manager is not a StandardManager (the application named
     * its own in context.xml): its sessions are its manager's business.
     */
    static Transfer transfer(Context from, Context to, Path file, Runnable handedOver) {
        if (!(from.getManager() instanceof StandardManager manager) || to.getManager() == null) {
            return null;
        }
        manager.setPathname(file.toString());
        Transfer transfer = new Transfer(to, file, handedOver);
        manager.addLifecycleListener(transfer);
        return transfer;
    }

    /** A hand-over of sessions between two versions of a web application ({@link #transfer}). */
    static final class Transfer implements LifecycleListener {
        private final Context to;
        private final Path file;
        private final Runnable handedOver;
        private boolean done;
        private int count;
        private Throwable failure;

        private Transfer(Context to, Path file, Runnable handedOver) {
            this.to = to;
            this.file = file;
            this.handedOver = handedOver;
        }

        @Override
        public void lifecycleEvent(LifecycleEvent event) {
            if (Lifecycle.AFTER_STOP_EVENT.equals(event.getType())) {
                finish();
            }
        }

        /**
         * Reads the sessions into the newer version if that is not done yet (the manager did not
         * stop: the older version failed to stop), and runs {@code handedOver}. Idempotent.
         */
        synchronized void finish() {
            if (done) {
                return;
            }
            done = true;
            try {
                count = Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? load() : 0; // (no file: it had none)
            } catch (Exception | LinkageError e) {
                failure = e;
            } finally {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the work directory goes with the process
                }
                handedOver.run();
            }
        }

        /** The sessions handed over. */
        synchronized int count() {
            return count;
        }

        /** Why they were not, or null. */
        synchronized Throwable failure() {
            return failure;
        }

        /**
         * Reads the file with a StandardManager of its own for the newer version (its class
         * loader, its attribute filters), then gives each session to the newer version's manager.
         */
        private int load() throws IOException, ClassNotFoundException {
            return readInto(to, file);
        }
    }

    /**
     * Reads the sessions saved in {@code file} with a StandardManager of its own for {@code to}
     * (its class loader, its attribute filters), then gives each to to's manager, beside the
     * sessions it has ({@code StandardManager.load} would drop those). Returns how many.
     */
    static int readInto(Context to, Path file) throws IOException, ClassNotFoundException {
        Manager target = to.getManager();
        StandardManager reader = new StandardManager();
        reader.setContext(to);
        reader.setPathname(file.toString());
        if (target instanceof ManagerBase base) {
            reader.setSessionAttributeNameFilter(base.getSessionAttributeNameFilter());
            reader.setSessionAttributeValueClassNameFilter(base.getSessionAttributeValueClassNameFilter());
            reader.setWarnOnSessionAttributeFilterFailure(base.getWarnOnSessionAttributeFilterFailure());
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(to.getLoader().getClassLoader()); // as when the application runs
        try {
            reader.load();
        } finally {
            thread.setContextClassLoader(previous);
        }
        int n = 0;
        for (Session session : reader.findSessions()) {
            session.setManager(target);
            target.add(session);
            n++;
        }
        return n;
    }

    /** Embedded mode: says so (once) when the application makes its first session. */
    private static final class WarningManager extends StandardManager {
        private final Application application;

        WarningManager(Application application) {
            this.application = application;
        }

        @Override
        public Session createSession(String sessionId) {
            application.warnEmbedded("it made a session");
            return super.createSession(sessionId);
        }
    }

    /**
     * A web application's file for a route: its context's base name (as Tomcat names a context's
     * files: ROOT, shop, a#b) and a digest of its path, so that two applications never share one.
     */
    static String fileName(String contextPath, String root, int route) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(root.getBytes(StandardCharsets.UTF_8));
            return new ContextName(contextPath, null).getBaseName() + "." + HexFormat.of().formatHex(digest, 0, 6)
                    + ".route-" + route + ".ser";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The directory, made 0700 if missing; refused unless it is a directory of this process's user. */
    private static void privateDirectory(Path directory, int uid) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process of the group made it at the same time
            }
        }
        PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        Object owner = Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new IOException(directory + " is not a directory");
        }
        if (uid >= 0 && owner instanceof Integer o && o != uid) {
            throw new IOException(directory + " is owned by uid " + owner + ", not by this process's user (uid " + uid
                    + "): refusing to load sessions another user could have written");
        }
        if (!attributes.permissions().equals(PRIVATE)) {
            Files.setPosixFilePermissions(directory, PRIVATE);
        }
    }

    /**
     * The lock of the route, held by the process that serves it: the process before on the route
     * (the old generation's, draining after a graceful restart) holds it until it has saved its
     * sessions and exited, so waiting for it is waiting for the sessions. Null if it could not be
     * had (JVM01424: the web applications start without the sessions).
     */
    private static FileChannel routeLock(Path directory, int route, Log log) {
        Path file = directory.resolve("route-" + route + ".lock");
        long deadline = System.nanoTime() + HANDOVER_WAIT_MS * 1_000_000L;
        try {
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            while (true) {
                FileLock held = channel.tryLock();
                if (held != null) {
                    return channel;
                }
                if (System.nanoTime() > deadline) {
                    channel.close();
                    log.log(Message.JVM01424, "the process before on route " + route + " did not hand over its sessions"
                            + " within " + HANDOVER_WAIT_MS / 1000 + " s: it still holds " + file + "; web applications"
                            + " start without its sessions");
                    return null;
                }
                Thread.sleep(50);
            }
        } catch (IOException | RuntimeException e) {
            log.log(Message.JVM01424, "the process before on route " + route + " did not hand over its sessions within "
                    + HANDOVER_WAIT_MS / 1000 + " s: cannot lock " + file + ": " + e + "; web applications start"
                    + " without its sessions");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
