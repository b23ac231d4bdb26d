package org.modjvm.tests;

import java.io.IOException;
import java.io.InputStream;
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
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code apache2} with its own ServerRoot in a fresh temporary directory.
 *
 * <p>Layout of the root: {@code conf/httpd.conf}, {@code logs/error_log}, {@code run/} (pid file,
 * DefaultRuntimeDir), {@code cache/} (JvmCacheDirectory, owned by the user the children run as),
 * {@code htdocs/} (DocumentRoot), {@code apps/} (test scripts, copied by the tests),
 * {@code markers/} (world-writable: apps write marker files here).
 *
 * <p>Usage: {@code ApacheServer.create().config("...snippet...").start()}; {@link #close()} stops it.
 * When running as root (CI), children run as www-data, so everything in the root is made
 * readable by others (dirs 0755, files 0644).
 */
public final class ApacheServer implements AutoCloseable {
    public static final Path APACHE = Paths.get(System.getProperty("modjvm.apache", "/usr/sbin/apache2"));
    public static final Path APACHE_MODULES = Paths.get(System.getProperty("modjvm.apacheModules",
            "/usr/lib/apache2/modules"));
    public static final String RUN_USER = "www-data";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    /**
     * {@code -Dmodjvm.asan=true}: the module was built with {@code -Dsanitize=ON} (ASan + UBSan,
     * docs/sanitizers.md). apache2 then runs with the sanitizer runtimes preloaded and options
     * that suit a JVM in the process; reports go to {@code <root>/sanitizer/}, and {@link #stop()}
     * fails if any holds an error (copied to {@code -Dmodjvm.asan.reports}, default
     * {@code target/sanitizer-reports}). Off by default: nothing changes.
     */
    public static final boolean ASAN = Boolean.getBoolean("modjvm.asan");

    /** Servers started and not yet stopped: {@link DumpLogOnFailure} prints their error logs. */
    static final List<ApacheServer> LIVE = new CopyOnWriteArrayList<>();

    /** Sends SIGTERM to the servers still running when the test JVM exits (registered once). */
    private static final class StopOnExit {
        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (ApacheServer s : LIVE) {
                    Process p = s.process;
                    if (p != null) {
                        p.destroy();
                    }
                }
            }, "stop-apache-servers"));
        }

        static void register() {
            // the static initializer did it
        }
    }

    private final Path root;
    private final int port;
    private final StringBuilder snippet = new StringBuilder();
    private boolean withModule = true;
    private int processes = 1;
    private int threadsPerChild = 16;
    private int maxConnectionsPerChild = 0;
    private String logLevel = "info";
    private String mpm = "event";
    private boolean http2;
    private int tlsPort = -1;
    private Process process;
    private String name = "apache";
    private final List<String> extraModules = new ArrayList<>();

    private ApacheServer() throws IOException {
        root = Files.createTempDirectory("modjvm-it-");
        port = freePort();
        for (String d : List.of("conf", "logs", "run", "cache", "htdocs", "apps", "markers")) {
            Files.createDirectories(root.resolve(d));
        }
        if (ASAN) {
            Files.createDirectories(sanitizerDir());
            Files.setPosixFilePermissions(sanitizerDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        Files.writeString(root.resolve("htdocs/index.html"), "static index\n");
        // whatever the umask: mod_jvm refuses a cache others can write (JVM00072)
        Files.setPosixFilePermissions(root.resolve("cache"), PosixFilePermissions.fromString("rwxr-xr-x"));
        if (isRoot()) {
            chown(root.resolve("cache"), RUN_USER);
            chown(root.resolve("markers"), RUN_USER);
        }
        Files.setPosixFilePermissions(root.resolve("markers"), PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    /** A new server (not started) with the module loaded. */
    public static ApacheServer create() {
        try {
            return new ApacheServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ configuration

    /** Appends a config snippet; {@code @ROOT@} is replaced by the server root, {@code @PORT@} by the port. */
    public ApacheServer config(String text) {
        snippet.append(expand(text)).append('\n');
        return this;
    }

    /** Plain Apache, without mod_jvm (to check the harness itself). */
    public ApacheServer withoutModule() {
        withModule = false;
        return this;
    }

    /** Maximum number of child processes (ServerLimit); 1 by default so all requests hit one JVM. */
    public ApacheServer processes(int n) {
        processes = n;
        return this;
    }

    public ApacheServer threadsPerChild(int n) {
        threadsPerChild = n;
        return this;
    }

    /** MaxConnectionsPerChild (0: children are never recycled). */
    public ApacheServer maxConnectionsPerChild(int n) {
        maxConnectionsPerChild = n;
        return this;
    }

    public ApacheServer logLevel(String level) {
        logLevel = level;
        return this;
    }

    /**
     * The MPM: {@code event} (the default), {@code worker} or {@code prefork}. Under prefork a
     * child serves one connection at a time and {@link #processes(int)} is the number of
     * children (all started at once, so each has its embedded JVM before the first request);
     * {@link #threadsPerChild(int)} does not apply.
     */
    public ApacheServer mpm(String name) {
        if (!List.of("event", "worker", "prefork").contains(name)) {
            throw new IllegalArgumentException("mpm " + name + ": event, worker or prefork");
        }
        mpm = name;
        return this;
    }

    public String mpm() {
        return mpm;
    }

    /**
     * Loads mod_http2 and sets {@code Protocols h2 h2c http/1.1} for every listener: HTTP/2 over
     * TLS ({@link #tls()}, negotiated by ALPN) and cleartext h2c (by prior knowledge or
     * {@code Upgrade: h2c}). mod_http2 stays inactive under prefork (Apache says so in the log):
     * clients then get HTTP/1.1.
     */
    public ApacheServer http2() {
        http2 = true;
        return this;
    }

    /**
     * Adds a second listener, {@link #tlsPort()}, with mod_ssl and a self-signed certificate for
     * 127.0.0.1 ({@link #certificate()}, made with openssl); {@link #port()} stays plain HTTP. The
     * snippet's directives of the main server apply to both.
     */
    public ApacheServer tls() {
        if (tlsPort < 0) {
            try {
                tlsPort = freePort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    /** The TLS port ({@link #tls()}). */
    public int tlsPort() {
        if (tlsPort < 0) {
            throw new IllegalStateException("no TLS listener: call tls()");
        }
        return tlsPort;
    }

    /** The self-signed certificate of the TLS listener (PEM), for a client to trust. */
    public Path certificate() {
        return root.resolve("conf/cert.pem");
    }

    /**
     * Also loads these Apache modules (names as in {@code mod_NAME.so}, e.g. {@code "proxy",
     * "proxy_ajp"} for {@link TomcatServer#proxyConfig()}), after the harness's own; their
     * directives go in {@link #config(String)}.
     */
    public ApacheServer loadModules(String... names) {
        for (String n : names) {
            if (!extraModules.contains(n)) {
                extraModules.add(n);
            }
        }
        return this;
    }

    /** A name for diagnostics. */
    public ApacheServer name(String n) {
        name = n;
        return this;
    }

    public String expand(String text) {
        return text.replace("@ROOT@", root.toString()).replace("@PORT@", Integer.toString(port));
    }

    public Path root() {
        return root;
    }

    public int port() {
        return port;
    }

    public Path confFile() {
        return root.resolve("conf/httpd.conf");
    }

    public Path errorLogFile() {
        return root.resolve("logs/error_log");
    }

    public Path pidFile() {
        return root.resolve("run/httpd.pid");
    }

    public Path cacheDir() {
        return root.resolve("cache");
    }

    public Path markers() {
        return root.resolve("markers");
    }

    /** Copies the test app {@code apps/<resource>} (from the test classpath) to {@code <root>/apps/<dir>/<file>}. */
    public Path installApp(String resource, String dir, String file) {
        try (InputStream in = ApacheServer.class.getResourceAsStream("/apps/" + resource)) {
            Objects.requireNonNull(in, "no test app resource apps/" + resource);
            Path target = root.resolve("apps").resolve(dir).resolve(file);
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies {@code apps/<resource>} to {@code <root>/apps/<dir>/<resource>}. */
    public Path installApp(String resource, String dir) {
        return installApp(resource, dir, resource);
    }

    /** Writes a file below the root (parents created). */
    public Path writeFile(String relative, String content) {
        return writeFile(relative, content.getBytes(StandardCharsets.UTF_8));
    }

    public Path writeFile(String relative, byte[] content) {
        try {
            Path target = root.resolve(relative);
            Files.createDirectories(target.getParent());
            Files.write(target, content);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Writes conf/httpd.conf (also done by {@link #start()} and {@link #configtest()}). */
    public ApacheServer writeConfig() {
        StringBuilder c = new StringBuilder();
        c.append("# generated by org.modjvm.tests.ApacheServer (").append(name).append(")\n");
        c.append("ServerRoot \"").append(root).append("\"\n");
        c.append("ServerName 127.0.0.1\n");
        c.append("Listen 127.0.0.1:").append(port).append('\n');
        c.append("PidFile \"").append(pidFile()).append("\"\n");
        c.append("DefaultRuntimeDir \"").append(root.resolve("run")).append("\"\n");
        c.append("ErrorLog \"").append(errorLogFile()).append("\"\n");
        c.append("LogLevel ").append(logLevel).append('\n');
        c.append("LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b %D\" common\n");
        c.append("CustomLog \"").append(root.resolve("logs/access_log")).append("\" common\n");
        List<String> modules = new ArrayList<>(List.of("mpm_" + mpm, "authz_core", "alias", "mime", "env", "setenvif", "dir"));
        if (http2) {
            modules.add("http2");
        }
        if (tlsPort >= 0) {
            modules.addAll(List.of("socache_shmcb", "ssl"));
        }
        extraModules.stream().filter(m -> !modules.contains(m)).forEach(modules::add);
        for (String m : modules) {
            c.append("LoadModule ").append(m).append("_module \"")
                    .append(APACHE_MODULES.resolve("mod_" + m + ".so")).append("\"\n");
        }
        if (isRoot()) {
            c.append("User ").append(RUN_USER).append('\n');
            c.append("Group ").append(RUN_USER).append('\n');
        }
        if (mpm.equals("prefork")) {
            // one connection per child: all children from the start, none spawned or reaped later
            c.append("StartServers ").append(processes).append('\n');
            c.append("ServerLimit ").append(processes).append('\n');
            c.append("MaxRequestWorkers ").append(processes).append('\n');
            c.append("MinSpareServers 1\n");
            c.append("MaxSpareServers ").append(processes).append('\n');
        } else {
            // small MPM: fast start, and (by default) a single child so every request meets one JVM
            c.append("StartServers 1\n");
            c.append("ServerLimit ").append(processes).append('\n');
            c.append("ThreadLimit ").append(threadsPerChild).append('\n');
            c.append("ThreadsPerChild ").append(threadsPerChild).append('\n');
            c.append("MaxRequestWorkers ").append(processes * threadsPerChild).append('\n');
            c.append("MinSpareThreads 1\n");
            c.append("MaxSpareThreads ").append((processes + 1) * threadsPerChild).append('\n');
        }
        c.append("MaxConnectionsPerChild ").append(maxConnectionsPerChild).append('\n');
        if (http2) {
            c.append("Protocols h2 h2c http/1.1\n");
        }
        if (tlsPort >= 0) {
            makeCertificate();
            c.append("Listen 127.0.0.1:").append(tlsPort).append(" https\n");
            c.append("SSLSessionCache \"shmcb:").append(root.resolve("run/ssl_scache")).append("(512000)\"\n");
            c.append("<VirtualHost 127.0.0.1:").append(tlsPort).append(">\n");
            c.append("  SSLEngine on\n");
            c.append("  SSLCertificateFile \"").append(certificate()).append("\"\n");
            c.append("  SSLCertificateKeyFile \"").append(root.resolve("conf/key.pem")).append("\"\n");
            c.append("</VirtualHost>\n");
        }
        c.append("KeepAliveTimeout 5\n");
        c.append("Timeout 30\n");
        c.append("TypesConfig /etc/mime.types\n");
        c.append("DocumentRoot \"").append(root.resolve("htdocs")).append("\"\n");
        c.append("<Directory />\n  Require all denied\n  AllowOverride None\n</Directory>\n");
        c.append("<Directory \"").append(root.resolve("htdocs")).append("\">\n  Require all granted\n</Directory>\n");
        c.append("<Directory \"").append(root.resolve("apps")).append("\">\n  Require all granted\n</Directory>\n");
        if (withModule) {
            Path so = moduleDir().resolve("mod_jvm.so");
            c.append("LoadModule jvm_module \"").append(so).append("\"\n");
            c.append("JvmCacheDirectory \"").append(cacheDir()).append("\"\n");
        }
        c.append("\n# ---- test snippet\n").append(snippet);
        try {
            Files.writeString(confFile(), c.toString());
            makeReadable(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A self-signed certificate for 127.0.0.1 (EC P-256: quick to make), once per root. */
    private void makeCertificate() {
        if (Files.exists(certificate())) {
            return;
        }
        try {
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", root.resolve("conf/key.pem").toString(),
                    "-out", certificate().toString(), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1")
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("openssl could not make a test certificate (is openssl installed?):\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The result of {@code apache2 -t}. */
    public record ConfigTest(int exitCode, String output) {
    }

    /** Runs {@code apache2 -t} on the generated config. */
    public ConfigTest configtest() {
        if (withModule) {
            requireModule();
        }
        writeConfig();
        try {
            ProcessBuilder pb = new ProcessBuilder(APACHE.toString(), "-d", root.toString(), "-f", confFile().toString(), "-t")
                    .redirectErrorStream(true);
            sanitizerEnvironment(pb.environment());
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("apache2 -t did not finish in 60 s");
            }
            return new ConfigTest(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Starts apache2 in the foreground and waits until the port answers. apache2 runs in a
     * session of its own (setsid, which execs it in place: {@link #parentPid()} is Apache's pid):
     * prefork signals its whole process group when it stops or restarts, which must not be the
     * group of the JVM running the tests. A shutdown hook stops what is still running when that
     * JVM is interrupted (it no longer shares a terminal's signals with Apache).
     */
    public ApacheServer start() {
        if (withModule) {
            requireModule();
        }
        writeConfig();
        try {
            Files.deleteIfExists(pidFile());
            ProcessBuilder pb = new ProcessBuilder("setsid", APACHE.toString(), "-d", root.toString(), "-f", confFile().toString(),
                    "-DFOREGROUND")
                    .redirectErrorStream(true)
                    .redirectOutput(root.resolve("logs/stdout").toFile());
            sanitizerEnvironment(pb.environment());
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
                String why = "apache2 exited with " + process.exitValue() + " during start\n" + diagnostics();
                cleanupAfterFailedStart();
                throw new AssertionError(why);
            }
            if (portAnswers() && Files.exists(pidFile()) && (tlsPort < 0 || portAnswers(tlsPort))) {
                Optional<Long> pid = readPidFile();
                if (pid.isPresent() && pid.get() != process.pid()) {
                    String why = "the pid file says " + pid.get() + ", not " + process.pid() + " (did setsid fork?)\n"
                            + diagnostics();
                    cleanupAfterFailedStart();
                    throw new AssertionError(why);
                }
                break;
            }
            if (System.nanoTime() > deadline) {
                String why = "apache2 did not answer on port " + port + " within " + START_TIMEOUT + "\n" + diagnostics();
                cleanupAfterFailedStart();
                throw new AssertionError(why);
            }
            sleep(50);
        }
        return this;
    }

    private void cleanupAfterFailedStart() {
        try {
            stop();
        } catch (Throwable ignored) {
            // best effort
        }
    }

    private boolean portAnswers() {
        return portAnswers(port);
    }

    private static boolean portAnswers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Pid of the Apache parent. */
    public long parentPid() {
        return process.pid();
    }

    /** Pids of the current Apache children. */
    public List<Long> childPids() {
        List<Long> pids = new ArrayList<>();
        process.toHandle().children().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    /** Sends a signal (e.g. "USR1" graceful restart, "HUP" restart) to the Apache parent. */
    public void signal(String name) {
        try {
            Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (k.waitFor() != 0) {
                throw new AssertionError("kill -" + name + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the server: SIGTERM to the parent, wait, SIGKILL fallback for the parent and every
     * process it ever had; then checks that nothing survived (pid file pid included).
     */
    public void stop() {
        if (process == null) {
            return;
        }
        LIVE.remove(this);
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.toHandle().descendants().forEach(all::add);
        Optional<Long> pidFromFile = readPidFile();
        pidFromFile.flatMap(ProcessHandle::of).ifPresent(all::add);
        process.destroy(); // SIGTERM: apache stops its children and exits
        boolean exited;
        try {
            exited = process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        List<String> problems = new ArrayList<>();
        if (!exited) {
            problems.add("apache2 parent " + process.pid() + " ignored SIGTERM for " + STOP_TIMEOUT + "; killed");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle h : all) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                sleep(50);
            }
            if (h.isAlive()) {
                problems.add("process " + h.pid() + " survived the stop; killed");
                h.destroyForcibly();
            }
        }
        process.destroyForcibly();
        process = null;
        problems.addAll(sanitizerReports());
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems) + "\n" + diagnostics());
        }
    }

    private Optional<Long> readPidFile() {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Stops (if running) and deletes the root unless {@code -Dmodjvm.keep=true}. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (!Boolean.getBoolean("modjvm.keep")) {
                deleteTree(root);
            } else {
                System.err.println("[" + name + "] kept server root " + root);
            }
        }
    }

    // ------------------------------------------------------------------ error log

    public String errorLog() {
        try {
            return Files.exists(errorLogFile())
                    ? new String(Files.readAllBytes(errorLogFile()), StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Current length of the error log: pass to {@link #errorLogSince(long)}. */
    public long errorLogMark() {
        try {
            return Files.exists(errorLogFile()) ? Files.size(errorLogFile()) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String errorLogSince(long mark) {
        String all = errorLog();
        return mark >= all.length() ? "" : all.substring((int) mark);
    }

    /**
     * Waits (up to {@code timeout}) until the error log written since {@code mark} matches
     * {@code regex} (MULTILINE) and returns the log since mark; fails the test if it does not
     * match in time (a wait that ended without its line must not let the test go on as if it
     * had seen it).
     */
    public String awaitErrorLog(long mark, String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String since = errorLogSince(mark);
            if (p.matcher(since).find()) {
                return since;
            }
            if (System.nanoTime() > deadline) {
                throw new org.opentest4j.AssertionFailedError("no line matching /" + regex + "/ in the error log within "
                        + timeout.toSeconds() + " s; the log since the mark:\n" + since);
            }
            sleep(50);
        }
    }

    public String errorLogTail(int lines) {
        String[] all = errorLog().split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }

    /** Lines of the error log that report a child killed by a signal or a JVM crash. */
    public List<String> crashLines() {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("^.*(AH00052|AH00051|AH02104|A fatal error has been detected|SIGSEGV|hs_err_pid|Segmentation fault).*$",
                Pattern.MULTILINE).matcher(errorLog());
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    String diagnostics() {
        StringBuilder b = new StringBuilder();
        b.append("---- [").append(name).append("] root ").append(root).append(", port ").append(port).append('\n');
        b.append("---- tail of ").append(errorLogFile()).append(":\n").append(errorLogTail(80)).append('\n');
        try {
            Path out = root.resolve("logs/stdout");
            if (Files.exists(out) && Files.size(out) > 0) {
                b.append("---- apache2 stdout/stderr:\n").append(Files.readString(out, StandardCharsets.ISO_8859_1)).append('\n');
            }
        } catch (IOException ignored) {
            // diagnostics only
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ sanitizers (-Dmodjvm.asan=true)

    /** Where the children write ASan/UBSan reports (world-writable: they run as www-data). */
    public Path sanitizerDir() {
        return root.resolve("sanitizer");
    }

    /**
     * Adds the sanitizer environment to a process that loads mod_jvm.so (apache2, apache2 -t,
     * anything that execs them), when {@code -Dmodjvm.asan=true}; does nothing otherwise. The JVM
     * in the children uses SIGSEGV/SIGBUS/SIGFPE itself (implicit null checks, safepoints, stack
     * banging): ASan must leave those signals to it. Leak checking is off: the JVM's and
     * Apache's own allocations live until exit and are not the module's (see docs/sanitizers.md
     * for the module's leak checks).
     */
    public void sanitizerEnvironment(Map<String, String> env) {
        if (!ASAN) {
            return;
        }
        String common = "log_path=" + sanitizerDir() + "/%s:print_stacktrace=1:symbolize=1";
        env.put("LD_PRELOAD", String.join(":", sanitizerRuntimes()));
        env.put("ASAN_OPTIONS", String.format(common, "asan") + ":handle_segv=0:handle_sigbus=0:handle_sigfpe=0"
                + ":handle_sigill=0:allow_user_segv_handler=1:use_sigaltstack=0:detect_leaks=0"
                + ":detect_stack_use_after_return=0:halt_on_error=1:abort_on_error=0"
                + System.getProperty("modjvm.asan.options", ""));
        env.put("UBSAN_OPTIONS", String.format(common, "ubsan") + ":halt_on_error=0"
                + System.getProperty("modjvm.ubsan.options", ""));
    }

    private static List<String> runtimes;

    /** The sanitizer runtimes mod_jvm.so was linked against (ldd), to preload into apache2. */
    static synchronized List<String> sanitizerRuntimes() {
        if (runtimes == null) {
            List<String> found = new ArrayList<>();
            try {
                Process p = new ProcessBuilder("ldd", moduleDir().resolve("mod_jvm.so").toString())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(30, TimeUnit.SECONDS);
                Matcher m = Pattern.compile("(lib(?:asan|ubsan)\\.so[.0-9]*) => (\\S+)").matcher(out);
                while (m.find()) {
                    found.add(m.group(1).startsWith("libasan") ? 0 : found.size(), m.group(2));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (found.stream().noneMatch(s -> s.contains("libasan"))) {
                throw new AssertionError("-Dmodjvm.asan=true but " + moduleDir().resolve("mod_jvm.so")
                        + " is not linked with libasan: build it with -Dsanitize=ON (docs/sanitizers.md)");
            }
            runtimes = found;
        }
        return runtimes;
    }

    /**
     * The sanitizer reports of this server's processes: each is copied to the reports directory;
     * those holding an error are returned as problems (a report with only warnings is kept, not
     * failed).
     */
    private List<String> sanitizerReports() {
        List<String> problems = new ArrayList<>();
        if (!ASAN || !Files.isDirectory(sanitizerDir())) {
            return problems;
        }
        Path keep = Paths.get(System.getProperty("modjvm.asan.reports", "target/sanitizer-reports")).toAbsolutePath();
        try (var files = Files.list(sanitizerDir())) {
            for (Path f : files.sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                if (text.isBlank()) {
                    continue;
                }
                Files.createDirectories(keep);
                Path copy = keep.resolve(root.getFileName() + "-" + name + "-" + f.getFileName());
                Files.writeString(copy, text, StandardCharsets.ISO_8859_1);
                if (text.contains("ERROR: AddressSanitizer") || text.contains("runtime error:")
                        || text.contains("ERROR: LeakSanitizer")) {
                    problems.add("sanitizer report " + copy + ":\n" + text);
                }
            }
        } catch (IOException e) {
            problems.add("cannot read the sanitizer reports in " + sanitizerDir() + ": " + e);
        }
        return problems;
    }

    // ------------------------------------------------------------------ environment

    public static Path moduleDir() {
        return Paths.get(System.getProperty("modjvm.moduleDir", "../native/target/module")).toAbsolutePath().normalize();
    }

    public static Path samplesDir() {
        return Paths.get(System.getProperty("modjvm.samplesDir", "../conf-samples")).toAbsolutePath().normalize();
    }

    /** The JDK the module was built against (JvmHome default), from the build. */
    public static Path jvmHome() {
        String p = System.getProperty("modjvm.jvmHome");
        if (p == null || p.isBlank() || p.startsWith("${")) {
            p = System.getProperty("java.home");
        }
        return Paths.get(p);
    }

    public static void requireModule() {
        Path so = moduleDir().resolve("mod_jvm.so");
        if (!Files.isRegularFile(so)) {
            throw new AssertionError("mod_jvm.so not found at " + so
                    + " (build it first: cd /work/main && mvn -B install -DskipTests)");
        }
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static void chown(Path p, String user) throws IOException {
        UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal u = lookup.lookupPrincipalByName(user);
        GroupPrincipal g = lookup.lookupPrincipalByGroupName(user);
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(u);
        view.setGroup(g);
    }

    /** dirs 0755, files 0644 (the markers dir stays 0777), so www-data children can read everything. */
    public void makeReadable(Path start) throws IOException {
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.startsWith(markers()) && !dir.startsWith(cacheDir()) && !dir.startsWith(sanitizerDir())) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                    return FileVisitResult.CONTINUE;
                }
                return FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
                }
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

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public String toString() {
        return name + " @127.0.0.1:" + port + " root " + root;
    }
}
