package org.modjvm.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The reference server of the Servlet tests: a standalone Tomcat 11 (the distribution Maven
 * Central serves, unpacked by the build into target/reference) with a CATALINA_BASE of its own in
 * a fresh temporary directory, reached only through an AJP connector on 127.0.0.1 (no HTTP
 * connector, shutdown port disabled), the way Tomcat runs behind Apache with mod_proxy_ajp or
 * mod_jk. Put an {@link ApacheServer} in front of it with {@link #proxyConfig()}:
 *
 * <pre>{@code
 * TomcatServer tomcat = TomcatServer.create().deploy("/shop", WebApps.war("spring-mvc")).start();
 * ApacheServer apache = ApacheServer.create().withoutModule().loadModules("proxy", "proxy_ajp")
 *         .config(tomcat.proxyConfig()).start();
 * }</pre>
 *
 * <p>Layout of the base: {@code conf/} (server.xml written here; web.xml, context.xml and
 * catalina.properties copied from the distribution; logging.properties sending every log record
 * to the console), {@code logs/catalina.out} (the JVM's stdout and stderr: all of Tomcat's and the
 * applications' logging, {@link #log()}), {@code webapps/} (the deployed WARs and directories,
 * named after their context paths as Tomcat's HostConfig wants: {@code ROOT}, {@code a#b}),
 * {@code temp/}, {@code work/}.
 *
 * <p>The AJP connector has {@code secretRequired="false"} (loopback only) and
 * {@code tomcatAuthentication="false"}: the user Apache authenticated is the application's
 * {@code getRemoteUser()}, as mod_jvm gives it. The JVM runs in a session of its own (setsid) and
 * stops on SIGTERM through Tomcat's shutdown hook ({@link #stop()}).
 */
public final class TomcatServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final String STARTED = "org.apache.catalina.startup.Catalina.start Server startup in";

    /** Servers started and not yet stopped: {@link DumpLogOnFailure} prints their logs. */
    static final List<TomcatServer> LIVE = new CopyOnWriteArrayList<>();

    /** Stops the servers still running when the test JVM exits (registered once). */
    private static final class StopOnExit {
        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (TomcatServer s : LIVE) {
                    Process p = s.process;
                    if (p != null) {
                        p.destroy();
                    }
                }
            }, "stop-tomcat-servers"));
        }

        static void register() {
            // the static initializer did it
        }
    }

    private final Path base;
    private final int ajpPort;
    /** context path -> WAR file or directory, in the order given. */
    private final Map<String, Path> deployments = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx256m"));
    private Path javaHome = ApacheServer.jvmHome();
    private String name = "tomcat";
    private Process process;

    private TomcatServer() throws IOException {
        requireHome();
        base = Files.createTempDirectory("modjvm-tomcat-");
        ajpPort = freePort();
        for (String d : List.of("conf", "logs", "temp", "webapps", "work")) {
            Files.createDirectories(base.resolve(d));
        }
    }

    /** A new server (not started) with nothing deployed. */
    public static TomcatServer create() {
        try {
            return new TomcatServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ configuration

    /**
     * Deploys {@code source} (a .war file or an exploded directory, e.g. {@link WebApps#war}) at
     * {@code contextPath} ("/" or "/name", "/a/b" allowed); copied into the base at
     * {@link #start()}.
     */
    public TomcatServer deploy(String contextPath, Path source) {
        if (!contextPath.startsWith("/") || (contextPath.length() > 1 && contextPath.endsWith("/"))) {
            throw new IllegalArgumentException("context path " + contextPath + ": \"/\" or \"/name\"");
        }
        if (!Files.exists(source)) {
            throw new IllegalArgumentException("nothing to deploy at " + source);
        }
        deployments.put(contextPath, source);
        return this;
    }

    /** The JVM's options ({@code -Xmx256m} by default), replacing the default ones. */
    public TomcatServer jvmOptions(String... options) {
        jvmOptions.clear();
        jvmOptions.addAll(List.of(options));
        return this;
    }

    /** The JDK to run Tomcat with (by default the one mod_jvm's tests use, {@link ApacheServer#jvmHome()}). */
    public TomcatServer javaHome(Path home) {
        javaHome = home;
        return this;
    }

    /** A name for diagnostics. */
    public TomcatServer name(String n) {
        name = n;
        return this;
    }

    public Path base() {
        return base;
    }

    public int ajpPort() {
        return ajpPort;
    }

    public Path logFile() {
        return base.resolve("logs/catalina.out");
    }

    /** The context paths deployed, in the order given. */
    public List<String> contextPaths() {
        return List.copyOf(deployments.keySet());
    }

    /**
     * Apache configuration sending every deployed context to this Tomcat over AJP: one
     * {@code ProxyPass /ctx ajp://127.0.0.1:PORT/ctx} per context (longest path first, "/" last),
     * mod_proxy's defaults otherwise (for {@link ApacheServer#loadModules} "proxy", "proxy_ajp").
     * {@code options} are appended to each line, e.g. {@code "nocanon"} (the raw URI, as mod_jk's
     * {@code ForwardURICompatUnparsed}) or {@code "flushpackets=on"}.
     */
    public String proxyConfig(String... options) {
        String tail = options.length == 0 ? "" : " " + String.join(" ", options);
        StringBuilder c = new StringBuilder("# the reference: Tomcat ").append(name).append(" over AJP\n");
        deployments.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed()).forEach(path ->
                c.append("ProxyPass ").append(path).append(" ajp://127.0.0.1:").append(ajpPort)
                        .append(path).append(tail).append('\n'));
        return c.toString();
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Writes the base, copies the deployments, starts Tomcat and waits until it has started
     * (every deployment attempted, the AJP connector listening). A deployment that fails does not
     * fail the start: Tomcat goes on without it (see {@link #contextFailed(String)}).
     */
    public TomcatServer start() {
        writeBase();
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.add(javaHome.resolve("bin/java").toString());
        cmd.addAll(jvmOptions);
        // as catalina.sh runs it
        cmd.addAll(List.of(
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djdk.tls.ephemeralDHKeySize=2048",
                "-Djava.protocol.handler.pkgs=org.apache.catalina.webresources",
                "-Dorg.apache.catalina.security.SecurityListener.UMASK=0027",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-Dcatalina.base=" + base,
                "-Dcatalina.home=" + home(),
                "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-classpath", home().resolve("bin/bootstrap.jar") + ":" + home().resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start"));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(base.toFile())
                    .redirectErrorStream(true).redirectOutput(logFile().toFile());
            pb.environment().put("CATALINA_BASE", base.toString());
            pb.environment().put("CATALINA_HOME", home().toString());
            process = pb.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LIVE.add(this);
        StopOnExit.register();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                String why = "tomcat exited with " + process.exitValue() + " during start\n" + diagnostics();
                cleanupAfterFailedStart();
                throw new AssertionError(why);
            }
            if (log().contains(STARTED) && portAnswers(ajpPort)) {
                return this;
            }
            if (System.nanoTime() > deadline) {
                String why = "tomcat did not start within " + START_TIMEOUT + "\n" + diagnostics();
                cleanupAfterFailedStart();
                throw new AssertionError(why);
            }
            ApacheServer.sleep(100);
        }
    }

    private void writeBase() {
        try {
            for (String f : List.of("web.xml", "context.xml", "catalina.properties")) {
                Files.copy(home().resolve("conf").resolve(f), base.resolve("conf").resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(base.resolve("conf/server.xml"), serverXml());
            Files.writeString(base.resolve("conf/logging.properties"), """
                    # generated by org.modjvm.tests.TomcatServer: every record to the console (logs/catalina.out)
                    handlers = java.util.logging.ConsoleHandler
                    .handlers = java.util.logging.ConsoleHandler
                    .level = INFO
                    java.util.logging.ConsoleHandler.level = FINE
                    java.util.logging.ConsoleHandler.formatter = org.apache.juli.OneLineFormatter
                    java.util.logging.ConsoleHandler.encoding = UTF-8
                    """);
            for (Map.Entry<String, Path> d : deployments.entrySet()) {
                String dirName = d.getKey().equals("/") ? "ROOT" : d.getKey().substring(1).replace('/', '#');
                Path source = d.getValue();
                if (Files.isDirectory(source)) {
                    copyTree(source, base.resolve("webapps").resolve(dirName));
                } else {
                    Files.copy(source, base.resolve("webapps").resolve(dirName + ".war"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One service: the AJP connector on 127.0.0.1 only, the default host deploying webapps/ once
     * at start (no auto-deploy scanning: the tests decide when things change).
     */
    private String serverXml() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- generated by org.modjvm.tests.TomcatServer (%s) -->
                <Server port="-1" shutdown="SHUTDOWN">
                  <Listener className="org.apache.catalina.startup.VersionLoggerListener"/>
                  <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener"/>
                  <Listener className="org.apache.catalina.core.ThreadLocalLeakPreventionListener"/>
                  <Service name="Catalina">
                    <Connector protocol="AJP/1.3" address="127.0.0.1" port="%d"
                               secretRequired="false" tomcatAuthentication="false" redirectPort="-1"/>
                    <Engine name="Catalina" defaultHost="localhost">
                      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false" deployOnStartup="true"/>
                    </Engine>
                  </Service>
                </Server>
                """.formatted(name, ajpPort);
    }

    private void cleanupAfterFailedStart() {
        try {
            stop();
        } catch (Throwable ignored) {
            // best effort
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The pid of Tomcat's JVM. */
    public long pid() {
        return process.pid();
    }

    /**
     * Stops Tomcat: SIGTERM (its shutdown hook stops the contexts), a wait, then SIGKILL if it
     * is still there; fails if it had to kill.
     */
    public void stop() {
        if (process == null) {
            return;
        }
        LIVE.remove(this);
        process.destroy();
        boolean exited;
        try {
            exited = process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        Process p = process;
        process = null;
        if (!exited) {
            p.destroyForcibly();
            throw new AssertionError("tomcat " + p.pid() + " ignored SIGTERM for " + STOP_TIMEOUT + "; killed\n" + diagnostics());
        }
    }

    /** Stops (if running) and deletes the base unless {@code -Dmodjvm.keep=true}. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (!Boolean.getBoolean("modjvm.keep")) {
                deleteTree(base);
            } else {
                System.err.println("[" + name + "] kept tomcat base " + base);
            }
        }
    }

    // ------------------------------------------------------------------ log

    /** All Tomcat has logged so far (logs/catalina.out). */
    public String log() {
        try {
            return Files.exists(logFile()) ? Files.readString(logFile(), StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether Tomcat logged that the context at {@code contextPath} failed to start. */
    public boolean contextFailed(String contextPath) {
        String ctx = contextPath.equals("/") ? "" : contextPath;
        return log().contains("Context [" + ctx + "] startup failed");
    }

    String diagnostics() {
        String[] lines = log().split("\n", -1);
        int from = Math.max(0, lines.length - 120);
        return "---- [" + name + "] tomcat base " + base + ", AJP port " + ajpPort + "\n---- tail of " + logFile() + ":\n"
                + String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length)) + "\n";
    }

    // ------------------------------------------------------------------ environment

    /** CATALINA_HOME: the unpacked distribution (-Dmodjvm.tomcatHome, set by the build). */
    public static Path home() {
        return Paths.get(System.getProperty("modjvm.tomcatHome", "target/reference/apache-tomcat-11.0.24"))
                .toAbsolutePath().normalize();
    }

    public static void requireHome() {
        if (!Files.isRegularFile(home().resolve("bin/bootstrap.jar"))) {
            throw new AssertionError("the reference Tomcat is not unpacked at " + home()
                    + " (the tests module's build does it: mvn -B -pl tests test-compile)");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static boolean portAnswers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path p) {
        try {
            if (!Files.exists(p)) {
                return;
            }
            Files.walkFileTree(p, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("could not delete " + p + ": " + e);
        }
    }

    @Override
    public String toString() {
        return name + " AJP @127.0.0.1:" + ajpPort + " base " + base;
    }
}
