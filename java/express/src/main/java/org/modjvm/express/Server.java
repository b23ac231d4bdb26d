package org.modjvm.express;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.modjvm.runtime.log.Message;

/**
 * A server root for {@code start-server}/{@code setup-server}: checks everything that can be
 * checked before Apache starts (each problem is one {@link Failure}), then writes
 * {@code httpd.conf}, {@code apachectl}, {@code express.env} (for the launcher) and, without an
 * application, the default page.
 */
final class Server {
    /** The daemon process group's name. */
    static final String GROUP = "express";

    private final Options o;
    private final boolean starting;
    final Path root;
    private Path app;
    /** The application is a web application (a .war, a directory holding WEB-INF/, a Spring Boot jar). */
    private boolean webapp;
    /** The application is a Spring Boot executable jar (daemon mode only; started when its daemons start). */
    private boolean boot;
    private Path httpd;
    private Path module;
    private Path javaHome;
    private Path documentRoot;
    private final Path modules = Sys.DEBIAN_MODULES;
    private final int euid = Sys.euid();
    /** The account Apache's children and the daemons run as. */
    private Sys.Account runAs;
    private String runGroup;
    private final List<Path> classPath = new ArrayList<>();
    /** Where this start's lines begin in the error log (1-based, as tail -c +N), set by {@link #env}. */
    private long logOffset = 1;

    Server(Options o, boolean starting) {
        this.o = o;
        this.starting = starting;
        this.root = serverRoot(o, euid);
    }

    private static Path serverRoot(Options o, int euid) {
        if (o.serverRoot != null) {
            return Path.of(o.serverRoot).toAbsolutePath().normalize();
        }
        String tmp = System.getenv("TMPDIR");
        if (tmp == null || tmp.isEmpty() || !tmp.startsWith("/")) {
            tmp = System.getProperty("java.io.tmpdir", "/tmp");
        }
        String user = System.getProperty("user.name", Integer.toString(euid));
        return Path.of(tmp, NAME_PREFIX + o.host + ":" + o.port + "-" + user).toAbsolutePath().normalize();
    }

    static final String NAME_PREFIX = Express.NAME + "-";

    // ------------------------------------------------------------------ checks

    void check() {
        if (o.file != null) {
            app = Path.of(o.file).toAbsolutePath().normalize();
            if (!Files.exists(app)) {
                throw Failure.problem(o.file + ": no such file (give " + KINDS + ")");
            }
            if (Files.isDirectory(app)) {
                // as mod_jvm decides (JvmScriptAlias): a directory is a web application when it holds WEB-INF/
                if (!Files.isDirectory(app.resolve("WEB-INF"))) {
                    throw Failure.problem(o.file + " is a directory without WEB-INF/, so not a web application: give "
                            + KINDS);
                }
                webapp = true;
            } else if (!Files.isRegularFile(app)) {
                throw Failure.problem(o.file + " is not a regular file");
            } else if (app.getFileName().toString().endsWith(".war")) {
                webapp = true;
            } else if (!app.getFileName().toString().endsWith(".java") && !app.getFileName().toString().endsWith(".jar")) {
                throw Failure.problem(o.file + " is neither a .java source file, a .jar nor a .war: give " + KINDS);
            } else if (app.getFileName().toString().endsWith(".jar") && isBootJar(app)) {
                boot = webapp = true;
                if (o.embedded) {
                    throw Failure.usage("--embedded-mode: " + o.file + " is a Spring Boot application, which runs in"
                            + " daemon mode only (one application for all of Apache's processes, not one per process)");
                }
            }
            if (boot && o.callable != null) {
                throw Failure.usage("--callable-object is for a .java or .jar application: a Spring Boot application ("
                        + o.file + ") has no callable, its own main starts it and its controllers serve requests");
            }
            if (webapp && o.callable != null) {
                throw Failure.usage("--callable-object is for a .java or .jar application: a web application ("
                        + o.file + ") has no callable, its web.xml and annotations say what serves a request");
            }
        }
        httpd = Path.of(o.httpdExecutable);
        if (!Files.isExecutable(httpd)) {
            throw Failure.problem("Apache httpd is not installed (no " + httpd + "): apt-get install apache2");
        }
        if (!Files.isRegularFile(modules.resolve("mod_mpm_event.so"))) {
            throw Failure.problem("Apache's modules are not in " + modules + " (mod_mpm_event.so): apt-get install apache2");
        }
        module = Sys.requireModule();
        Path rt = Sys.runtimeDir(module);
        if (!Files.isRegularFile(rt.resolve("mod_jvm-runtime.jar")) || !Files.isRegularFile(rt.resolve("mod_jvm-api.jar"))) {
            throw Failure.problem("mod_jvm-runtime.jar and mod_jvm-api.jar are neither next to " + module + " nor in " + rt);
        }
        if (boot && !Files.isRegularFile(rt.resolve(BOOT_DIRECTORY).resolve(BOOT_JAR))) {
            throw Failure.problem(o.file + " is a Spring Boot application, and mod_jvm's Spring Boot support is not"
                    + " installed: " + rt.resolve(BOOT_DIRECTORY).resolve(BOOT_JAR) + " is missing (build it: mvn -B"
                    + " package; or reinstall libapache2-mod-jvm)");
        }
        if (webapp && !hasServletEngine(rt)) {
            throw Failure.problem(o.file + " is a web application, and the servlet engine that runs web applications is "
                    + "not installed: " + rt.resolve(ENGINE_DIRECTORY) + " holds no jars (build it: mvn -B package; or "
                    + "reinstall libapache2-mod-jvm)");
        }
        javaHome = Express.javaHome(o.javaHome);
        if (compiles() && !Sys.hasCompiler(javaHome)) {
            throw Failure.problem((o.javaHome != null ? "--java-home " : "the Java running " + Express.NAME + ", ")
                    + javaHome + ", has no Java compiler (no bin/javac, no jdk.compiler module): "
                    + (app == null ? "the default page" : app.getFileName()) + " is a Java source file that mod_jvm "
                    + "compiles; pass --java-home with a JDK (apt-get install default-jdk-headless) or give a .jar");
        }
        checkAccounts();
        if (app != null) {
            requireReadable(app, webapp ? "the web application" : "the application");
            if (webapp && Files.isDirectory(app)) {
                // the engine reads the application's descriptor and classes from there
                requireReadable(app.resolve("WEB-INF"), "the web application's");
                if (Files.exists(app.resolve("WEB-INF/web.xml"))) {
                    requireReadable(app.resolve("WEB-INF/web.xml"), "the web application's");
                }
            }
        }
        for (String[] alias : o.urlAliases) {
            Path p = Path.of(alias[1]).toAbsolutePath().normalize();
            if (!Files.exists(p)) {
                throw Failure.problem("--url-alias " + alias[0] + ": " + alias[1] + ": no such file or directory");
            }
            requireReadable(p, "--url-alias " + alias[0]);
        }
        for (String cp : o.classPath) {
            for (String entry : cp.split(":")) {
                if (entry.isEmpty()) {
                    continue;
                }
                Path p = Path.of(entry.endsWith("/*") ? entry.substring(0, entry.length() - 2) : entry)
                        .toAbsolutePath().normalize();
                if (!Files.exists(p)) {
                    throw Failure.problem("--class-path: " + entry + ": no such file or directory");
                }
                requireReadable(p, "--class-path entry");
                classPath.add(entry.endsWith("/*") ? p.resolve("*") : p);
            }
        }
        if (o.documentRoot != null) {
            documentRoot = Path.of(o.documentRoot).toAbsolutePath().normalize();
            if (!Files.isDirectory(documentRoot)) {
                throw Failure.problem("--document-root " + o.documentRoot + " is not a directory");
            }
            requireReadable(documentRoot, "--document-root");
        } else {
            documentRoot = root.resolve("htdocs");
        }
        for (String inc : o.includeFiles) {
            if (!Files.isRegularFile(Path.of(inc)) && !inc.contains("*")) {
                throw Failure.problem("--include-file " + inc + ": no such file");
            }
        }
        if (o.httpsPort != 0) {
            if (!Files.isRegularFile(modules.resolve("mod_ssl.so"))) {
                throw Failure.problem("--https-port needs mod_ssl, which is not in " + modules);
            }
            for (String f : new String[] {o.sslCertificateFile, o.sslCertificateKeyFile}) {
                if (f != null && !Files.isReadable(Path.of(f))) {
                    throw Failure.problem(f + ": no such file or not readable (SSL certificate or key)");
                }
            }
        }
        checkRoot();
        if (starting) {
            String why = Sys.portProblem(o.host, o.port, "--port");
            if (why == null && o.httpsPort != 0) {
                why = Sys.portProblem(o.host, o.httpsPort, "--https-port");
            }
            if (why != null) {
                throw Failure.problem(why);
            }
        }
    }

    /** What mod_jvm-express serves, for messages. */
    static final String KINDS = "a .java source file, a .jar, a .war, or a web application directory holding WEB-INF/";

    /** The servlet engine's directory in the runtime directory (the runtime's WebEngines.ENGINE_DIRECTORY). */
    static final String ENGINE_DIRECTORY = "servlet";

    /** Spring Boot support in the runtime directory (the runtime's BootApplication.BOOT_DIRECTORY). */
    static final String BOOT_DIRECTORY = "boot";
    static final String BOOT_JAR = "mod_jvm-boot.jar";
    /** What makes a jar a Spring Boot application, as mod_jvm decides at configtest (Boot 3.2's launcher on). */
    static final String BOOT_LAUNCHER = "org/springframework/boot/loader/launch/JarLauncher.class";

    /**
     * Whether {@code jar} is a Spring Boot executable jar, as mod_jvm decides (native
     * mod_jvm_config.c): Boot's launcher at its root and {@code BOOT-INF/} entries.
     */
    static boolean isBootJar(Path jar) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.getEntry(BOOT_LAUNCHER) != null
                    && zip.stream().anyMatch(e -> e.getName().startsWith("BOOT-INF/"));
        } catch (IOException e) {
            return false; // not a zip (mod_jvm's configtest says what it is)
        }
    }

    /** Whether the runtime directory {@code rt} has the servlet engine's jars. */
    static boolean hasServletEngine(Path rt) {
        try (java.util.stream.Stream<Path> jars = Files.list(rt.resolve(ENGINE_DIRECTORY))) {
            return jars.anyMatch(j -> j.getFileName().toString().endsWith(".jar"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the application is a web application (a .war, or a directory holding WEB-INF/), known after {@link #check}. */
    boolean webapp() {
        return webapp;
    }

    /** Whether the application is compiled by mod_jvm (a source file, or the default page). */
    boolean compiles() {
        if (app == null) {
            return o.file == null || o.file.endsWith(".java");
        }
        return !webapp && app.getFileName().toString().endsWith(".java");
    }

    private void checkAccounts() {
        if (euid == 0) {
            String user = o.user != null ? o.user : "www-data";
            runAs = Sys.account(user);
            if (runAs == null) {
                throw Failure.problem("--user " + user + ": no such user" + (o.user == null ? " (pass --user)" : ""));
            }
            if (runAs.uid() == 0) {
                throw Failure.problem("--user " + user + ": the application never runs as root: name another user");
            }
            if (runAs.memberships().contains(0)) {
                throw Failure.problem("--user " + user + " is a member of the root group (gid 0) in the group database, and"
                        + " the application never runs in the root group: name another user");
            }
            if (o.group != null) {
                int gid = Sys.groupId(o.group);
                if (gid == -1) {
                    throw Failure.problem("--group " + o.group + ": no such group");
                }
                if (gid == 0) {
                    throw Failure.problem("--group " + o.group + ": the application never runs in the root group (gid 0),"
                            + " where it could read (and write) every file of that group: name another group");
                }
                runGroup = o.group;
                runAs = runAs.withGroup(gid);
            } else {
                if (runAs.gid() == 0) {
                    throw Failure.problem("--user " + user + ": its primary group is the root group (gid 0), and the"
                            + " application never runs in the root group: pass --group with another group");
                }
                runGroup = Sys.groupName(runAs.gid());
            }
        } else {
            String me = System.getProperty("user.name");
            runAs = Sys.self();
            if (o.user != null && !o.user.equals(me)) {
                throw Failure.problem("--user " + o.user + " needs " + Express.NAME + " to be started as root "
                        + "(it runs as " + me + ", and so does the application)");
            }
            if (o.group != null) {
                throw Failure.problem("--group " + o.group + " needs " + Express.NAME + " to be started as root");
            }
        }
    }

    private void requireReadable(Path p, String what) {
        String why = Sys.unreadable(p, runAs, euid == 0);
        if (why != null) {
            throw Failure.problem(what + " " + p + " cannot be read by " + runAs.name() + ", the user the application "
                    + "runs as: " + why + (euid == 0 ? "; move it (e.g. under /srv or /tmp), make it readable, or pass --user" : ""));
        }
    }

    /** The server root must be ours: a predictable name in /tmp must not be someone else's directory or a link. */
    private void checkRoot() {
        if (Files.isSymbolicLink(root)) {
            throw Failure.problem("the server root " + root + " is a symbolic link: remove it or pass --server-root");
        }
        if (Files.exists(root)) {
            if (!Files.isDirectory(root)) {
                throw Failure.problem("the server root " + root + " exists and is not a directory");
            }
            if (Sys.ownerUid(root) != euid) {
                throw Failure.problem("the server root " + root + " belongs to another user ("
                        + Sys.userName(Sys.ownerUid(root)) + "): remove it or pass --server-root");
            }
        }
    }

    // ------------------------------------------------------------------ compiling ahead

    /**
     * start-server with a cold cache: starts {@link Precompile} in the background (as the user
     * the application runs as), so that compiling overlaps Apache's and the daemon's start-up.
     * Nothing happens when the cache already holds the application's classes.
     *
     * @return whether the application is compiled (ahead or by the server) during this start
     */
    boolean precompile() {
        if (!compiles()) {
            return false;
        }
        Path cache = o.embedded ? root.resolve("cache") : root.resolve("cache." + GROUP);
        Path runtime = Sys.runtimeDir(module);
        Path self = Sys.jarDir() == null ? null : Sys.jarDir().resolve("mod_jvm-express.jar");
        if (self == null || !Files.isRegularFile(self)) {
            return true;
        }
        try {
            byte[] source = Files.readAllBytes(script());
            String key = cacheKey(source, runtime.resolve("mod_jvm-runtime.jar"));
            if (key != null && Files.exists(org.modjvm.runtime.compile.CacheKey.entry(cache, key))) {
                return false;
            }
            if (!Files.isDirectory(cache)) {
                Files.createDirectory(cache);
            }
            Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
            List<String> cmd = new ArrayList<>();
            if (euid == 0) {
                java.nio.file.attribute.UserPrincipalLookupService users = cache.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(cache, users.lookupPrincipalByName(runAs.name()));
                Files.getFileAttributeView(cache, java.nio.file.attribute.PosixFileAttributeView.class)
                        .setGroup(users.lookupPrincipalByGroupName(runGroup.startsWith("#") ? runGroup.substring(1) : runGroup));
                if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
                    return true;
                }
                cmd.add("/usr/bin/setpriv");
                cmd.add("--reuid=" + runAs.uid());
                cmd.add("--regid=" + runAs.gid());
                cmd.add("--init-groups");
            }
            cmd.add(javaHome.resolve("bin/java").toString());
            cmd.addAll(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                    "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-cp",
                    self + ":" + runtime.resolve("mod_jvm-runtime.jar") + ":" + runtime.resolve("mod_jvm-api.jar"),
                    Precompile.class.getName(), cache.toString(), Integer.toString(runAs.uid()), script().toString()));
            new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .directory(root.toFile()).start();
        } catch (IOException | RuntimeException e) {
            // an optimization only: the server compiles by itself
        }
        return true;
    }

    /**
     * start-server with a web application: starts {@link Probe} in the background (as the user
     * the application runs as) to make the application's first request as soon as Apache
     * answers, so that it deploys now and a deploy failure reaches the terminal. Best effort:
     * without it, the first visitor's request deploys the application.
     */
    void probe() {
        Path self = probeJar();
        if (self == null) {
            return;
        }
        String h = o.host;
        String address = h.equals("0.0.0.0") || h.equals("*") ? "127.0.0.1" : h.equals("::") ? "::1" : h;
        String url = url();
        String hostHeader = url.substring("http://".length(), url.indexOf('/', "http://".length()));
        List<String> cmd = new ArrayList<>();
        if (euid == 0) {
            cmd.addAll(List.of("/usr/bin/setpriv", "--reuid=" + runAs.uid(), "--regid=" + runAs.gid(), "--init-groups"));
        }
        cmd.add(javaHome.resolve("bin/java").toString());
        cmd.addAll(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-Xss512k",
                "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-cp", self.toString(), Probe.class.getName(),
                root.resolve("httpd.pid").toString(), address, Integer.toString(o.port), hostHeader,
                o.mountPoint.equals("/") ? "/" : o.mountPoint + "/",
                o.logToTerminal ? "-" : root.resolve("error_log").toString(), Long.toString(logOffset),
                Message.JVM01405.id(), Message.JVM01407.id()));
        try {
            // stderr: the terminal (the launcher's), where it reports a failed deployment
            new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .directory(Path.of("/").toFile()).start();
        } catch (IOException | RuntimeException e) {
            // best effort: the first visitor deploys the application
        }
    }

    /** mod_jvm-express.jar when {@link #probe} can run (start-server, a web application), else null. */
    private Path probeJar() {
        // (a Spring Boot application starts with its daemons: the launcher's watcher reports a failure)
        if (!webapp || boot || !starting || euid == 0 && !Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            return null;
        }
        Path self = Sys.jarDir() == null ? null : Sys.jarDir().resolve("mod_jvm-express.jar");
        return self != null && Files.isRegularFile(self) ? self : null;
    }

    /**
     * mod_jvm's compiled-class cache key for the server's JDK and runtime, computed by the
     * runtime's own {@link org.modjvm.runtime.compile.CacheKey} (on this jar's manifest
     * Class-Path), or null. Only decides whether to compile ahead; {@link Precompile} asks the
     * runtime itself.
     */
    private String cacheKey(byte[] source, Path runtimeJar) {
        String feature = null;
        for (String line : readLines(javaHome.resolve("release"))) {
            if (line.startsWith("JAVA_VERSION=\"")) {
                String v = line.substring(14);
                int end = 0;
                while (end < v.length() && Character.isDigit(v.charAt(end))) {
                    end++;
                }
                feature = v.substring(0, end);
            }
        }
        if (feature == null || feature.isEmpty()) {
            return null;
        }
        try {
            String version = org.modjvm.runtime.compile.RuntimeVersion.ofJar(runtimeJar);
            return version == null ? null : org.modjvm.runtime.compile.CacheKey.of(source, Integer.parseInt(feature), version);
        } catch (LinkageError | NumberFormatException e) {
            return null; // no mod_jvm-runtime.jar beside this jar: compile ahead anyway
        }
    }

    // ------------------------------------------------------------------ description

    String url() {
        String h = o.host;
        if (h.equals("0.0.0.0") || h.equals("::") || h.equals("*")) {
            h = "localhost";
        } else if (h.indexOf(':') >= 0) {
            h = "[" + h + "]";
        }
        return "http://" + h + ":" + o.port + (o.mountPoint.equals("/") ? "/" : o.mountPoint + "/");
    }

    String describeApp() {
        return app == null ? "the default page" : boot ? "the Spring Boot application " + app
                : webapp ? "the web application " + app : app.toString();
    }

    String describeMode() {
        String pt = o.processes + (o.processes == 1 ? " process, " : " processes, ") + o.threads
                + (o.threads == 1 ? " thread" : " threads");
        return o.embedded ? "embedded mode: " + pt + " in Apache" : "daemon mode: " + pt + ", as " + runAs.name();
    }

    String errorLogDescription() {
        return o.logToTerminal ? "the terminal" : root.resolve("error_log").toString();
    }

    // ------------------------------------------------------------------ writing

    void write() {
        try {
            if (!Files.exists(root)) {
                Files.createDirectories(root.getParent());
                Files.createDirectory(root);
            }
            // Apache's children and the daemons (another user when started as root) reach the
            // sockets, the cache and the default page through it
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString(euid == 0 ? "rwxr-xr-x" : "rwx------"));
            if (documentRoot.equals(root.resolve("htdocs"))) {
                mkdir(documentRoot);
            }
            if (app == null) {
                Path dir = root.resolve("default");
                mkdir(dir);
                writeFile(dir.resolve("site.java"), defaultPage(), "rw-r--r--");
            }
            writeFile(root.resolve("httpd.conf"), config(), "rw-r--r--");
            writeFile(root.resolve("apachectl"), apachectl(), "rwxr-xr-x");
            writeFile(root.resolve("express.env"), env(), "rw-r--r--");
            Path pid = root.resolve("httpd.pid");
            if (starting && Files.exists(pid)) {
                Files.delete(pid); // the port was free: no Apache of this root runs
            }
        } catch (IOException e) {
            throw Failure.problem("cannot write the server root " + root + ": " + e);
        }
    }

    private static void mkdir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void writeFile(Path p, String content, String perms) throws IOException {
        Path tmp = p.resolveSibling("." + p.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(perms));
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path script() {
        return app != null ? app : root.resolve("default/site.java");
    }

    String config() {
        StringBuilder c = new StringBuilder();
        Path errorLog = root.resolve("error_log");
        c.append("# Generated by ").append(Express.NAME).append(' ').append(Express.version())
                .append(": rewritten by every start-server/setup-server for this server root.\n");
        c.append("# Add your own directives with --include-file FILE.\n\n");
        c.append("ServerRoot ").append(q(root)).append('\n');
        c.append("PidFile ").append(q(root.resolve("httpd.pid"))).append('\n');
        c.append("DefaultRuntimeDir ").append(q(root)).append('\n');
        c.append("ServerName ").append(serverName()).append('\n');
        c.append("Listen ").append(listen(o.port)).append('\n');
        if (euid == 0) {
            c.append("User ").append(runAs.name()).append('\n');
            c.append("Group ").append(runGroup).append('\n');
        }
        c.append('\n');
        module(c, "mpm_event");
        module(c, "authz_core");
        module(c, "alias");
        module(c, "mime");
        module(c, "dir");
        if (o.httpsPort != 0) {
            module(c, "socache_shmcb");
            module(c, "ssl");
        }
        c.append("LoadModule jvm_module ").append(q(module)).append('\n');
        c.append('\n');
        c.append("Timeout 60\nKeepAlive On\nKeepAliveTimeout 5\nServerTokens Prod\nServerSignature Off\n");
        c.append("LogLevel ").append(o.logLevel).append('\n');
        c.append("ErrorLog ").append(o.logToTerminal ? "/dev/stderr" : q(errorLog)).append('\n');
        if (o.accessLog) {
            c.append("LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"\" combined\n");
            c.append("CustomLog ").append(o.logToTerminal ? "/dev/stdout" : q(root.resolve("access_log")))
                    .append(" combined\n");
        }
        if (Files.isRegularFile(Path.of("/etc/mime.types"))) {
            c.append("TypesConfig /etc/mime.types\n");
        } else {
            c.append("TypesConfig /dev/null\n");
        }
        c.append("\n# processes and threads\n");
        if (o.embedded) {
            mpm(c, o.processes, o.threads);
        } else {
            // Apache's threads only pass requests to the daemons (and serve static files)
            mpm(c, 1, Math.min(Math.max(o.processes * o.threads + 10, 25), 200));
        }
        c.append("\nDocumentRoot ").append(q(documentRoot)).append('\n');
        c.append("DirectoryIndex index.html\n");
        c.append("<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>\n");
        c.append("<Directory ").append(q(documentRoot)).append(">\n    Require all granted\n</Directory>\n");

        c.append("\n# the application\n");
        c.append("JvmHome ").append(q(javaHome)).append('\n');
        c.append("JvmCacheDirectory ").append(q(root.resolve("cache"))).append('\n');
        c.append("JvmScriptReloading ").append(o.reloadOnChanges ? "On" : "Off").append('\n');
        String cp = classPathString();
        Path script = script();
        if (o.embedded) {
            if (!o.jvmOptions.isEmpty()) {
                c.append("JvmOptions ").append(q(String.join(" ", o.jvmOptions))).append('\n');
            }
            if (cp != null) {
                c.append("JvmClassPath ").append(q(cp)).append('\n');
            }
            if (o.requestTimeout > 0) {
                c.append("JvmRequestTimeout ").append(o.requestTimeout).append('\n');
            }
            c.append("JvmScriptAlias ").append(o.mountPoint).append(' ').append(q(script));
        } else {
            c.append("JvmDaemonProcess ").append(GROUP)
                    .append(" processes=").append(o.processes)
                    .append(" threads=").append(o.threads)
                    .append(" display-name=%{GROUP}")
                    .append(' ').append(q("home=" + script.getParent()))
                    .append(" maximum-requests=").append(o.maximumRequests)
                    .append(" request-timeout=").append(o.requestTimeout)
                    .append(" queue-timeout=").append(o.queueTimeout);
            if (cp != null) {
                c.append(' ').append(q("class-path=" + cp));
            }
            List<String> jvmOptions = new ArrayList<>(o.jvmOptions);
            if (boot && !o.mountPoint.equals("/")
                    && jvmOptions.stream().noneMatch(opt -> opt.contains("-Dserver.servlet.context-path="))) {
                // the application's context path is the mount point (a system property outranks its
                // application.properties), as a .war's is: JVM01463 otherwise
                jvmOptions.add("-Dserver.servlet.context-path=" + o.mountPoint);
            }
            if (!jvmOptions.isEmpty()) {
                c.append(' ').append(q("jvm-options=" + String.join(" ", jvmOptions)));
            }
            c.append('\n');
            c.append("JvmRestrictEmbedded On\n");
            c.append("JvmScriptAlias ").append(o.mountPoint).append(' ').append(q(script))
                    .append(" process-group=").append(GROUP);
            if (!webapp) {
                // both groups given: the daemons load (and compile) the application when they start;
                // a web application is deployed by its first request instead (Probe makes one)
                c.append(" application-group=%{GLOBAL}");
            }
        }
        if (o.callable != null) {
            c.append(" callable=").append(o.callable);
        }
        c.append('\n');
        if (!webapp) {
            // a web application's URLs are not files of Apache's: no <Directory> applies to them
            c.append("<Directory ").append(q(script.getParent())).append(">\n    Require all granted\n</Directory>\n");
        }

        if (!o.urlAliases.isEmpty()) {
            c.append("\n# static files (--url-alias)\n");
            for (String[] a : o.urlAliases) {
                Path p = Path.of(a[1]).toAbsolutePath().normalize();
                c.append("Alias ").append(q(a[0])).append(' ').append(q(p)).append('\n');
                if (Files.isDirectory(p)) {
                    c.append("<Directory ").append(q(p)).append(">\n    Require all granted\n</Directory>\n");
                } else {
                    c.append("<Directory ").append(q(p.getParent())).append(">\n    <Files ")
                            .append(q(p.getFileName())).append(">\n        Require all granted\n    </Files>\n</Directory>\n");
                }
            }
        }
        if (o.httpsPort != 0) {
            c.append("\n# HTTPS\n");
            c.append("Listen ").append(listen(o.httpsPort)).append('\n');
            c.append("SSLSessionCache ").append(q("shmcb:" + root.resolve("ssl_scache") + "(512000)")).append('\n');
            c.append("<VirtualHost _default_:").append(o.httpsPort).append(">\n");
            c.append("    ServerName ").append(serverName()).append('\n');
            c.append("    SSLEngine on\n");
            c.append("    SSLCertificateFile ").append(q(Path.of(o.sslCertificateFile).toAbsolutePath())).append('\n');
            if (o.sslCertificateKeyFile != null) {
                c.append("    SSLCertificateKeyFile ").append(q(Path.of(o.sslCertificateKeyFile).toAbsolutePath())).append('\n');
            }
            c.append("</VirtualHost>\n");
        }
        if (!o.includeFiles.isEmpty()) {
            c.append("\n# --include-file\n");
            for (String inc : o.includeFiles) {
                c.append("Include ").append(q(Path.of(inc).toAbsolutePath())).append('\n');
            }
        }
        return c.toString();
    }

    private String classPathString() {
        if (classPath.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (Path p : classPath) {
            parts.add(p.toString());
        }
        return String.join(":", parts);
    }

    private String serverName() {
        if (o.serverName != null) {
            return o.serverName;
        }
        String h = o.host;
        return h.equals("0.0.0.0") || h.equals("::") || h.equals("*") ? "localhost" : h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }

    private String listen(int port) {
        String h = o.host;
        if (h.equals("*") || h.equals("0.0.0.0")) {
            return h.equals("*") ? Integer.toString(port) : "0.0.0.0:" + port;
        }
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
    }

    private void module(StringBuilder c, String name) {
        c.append("LoadModule ").append(name).append("_module ").append(q(modules.resolve("mod_" + name + ".so"))).append('\n');
    }

    private static void mpm(StringBuilder c, int processes, int threads) {
        c.append("StartServers ").append(processes).append('\n');
        c.append("ServerLimit ").append(processes).append('\n');
        c.append("ThreadLimit ").append(threads).append('\n');
        c.append("ThreadsPerChild ").append(threads).append('\n');
        c.append("MaxRequestWorkers ").append(processes * threads).append('\n');
        c.append("MinSpareThreads 1\n");
        c.append("MaxSpareThreads ").append((processes + 1) * threads).append('\n');
        c.append("MaxConnectionsPerChild 0\n");
    }

    String apachectl() {
        String start = o.startupLog ? " -E \"$ROOT/startup.log\"" : "";
        return "#!/bin/sh\n"
                + "# Generated by " + Express.NAME + ": controls the Apache of this server root.\n"
                + "#   apachectl start|stop|restart|graceful|graceful-stop|configtest|foreground\n"
                + "HTTPD=" + sh(httpd.toString()) + "\n"
                + "ROOT=" + sh(root.toString()) + "\n"
                + "PIDFILE=\"$ROOT/httpd.pid\"\n"
                + "case \"$1\" in\n"
                + "start)\n"
                + "    exec \"$HTTPD\" -d \"$ROOT\" -f \"$ROOT/httpd.conf\"" + start + " -k start ;;\n"
                + "stop|graceful-stop)\n"
                + "    pid=$(cat \"$PIDFILE\" 2>/dev/null)\n"
                + "    \"$HTTPD\" -d \"$ROOT\" -f \"$ROOT/httpd.conf\" -k \"$1\" || exit $?\n"
                + "    # wait until Apache (and with it the application) is gone\n"
                + "    i=0\n"
                + "    while [ -n \"$pid\" ] && kill -0 \"$pid\" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done\n"
                + "    ;;\n"
                + "restart|graceful)\n"
                + "    exec \"$HTTPD\" -d \"$ROOT\" -f \"$ROOT/httpd.conf\"" + start + " -k \"$1\" ;;\n"
                + "configtest|-t)\n"
                + "    exec \"$HTTPD\" -d \"$ROOT\" -f \"$ROOT/httpd.conf\" -t ;;\n"
                + "foreground|'')\n"
                + "    exec \"$HTTPD\" -d \"$ROOT\" -f \"$ROOT/httpd.conf\"" + start + " -DFOREGROUND ;;\n"
                + "*)\n"
                + "    echo \"usage: $0 start|stop|restart|graceful|graceful-stop|configtest|foreground\" >&2\n"
                + "    exit 2 ;;\n"
                + "esac\n";
    }

    /** Read by the launcher: what to tell the user once Apache is up, and which log lines mean trouble. */
    String env() {
        long offset = 1;
        Path log = root.resolve("error_log");
        try {
            if (!o.logToTerminal && Files.exists(log)) {
                offset = Files.size(log) + 1;
            }
        } catch (IOException e) {
            offset = 1;
        }
        logOffset = offset;
        String failures = Message.startupFailurePattern();
        if (probeJar() != null) {
            // Probe reports a failed deployment, with the engine's lines that say why
            List<String> ids = new ArrayList<>(List.of(failures.split("\\|")));
            ids.remove(Message.JVM01405.id());
            failures = String.join("|", ids);
        }
        String logs = o.logToTerminal ? "logs on this terminal" : "error log " + log
                + (o.accessLog ? ", access log " + root.resolve("access_log") : "");
        return "EXPRESS_ROOT=" + sh(root.toString()) + "\n"
                + "EXPRESS_PIDFILE=" + sh(root.resolve("httpd.pid").toString()) + "\n"
                + "EXPRESS_LOG=" + sh(o.logToTerminal ? "" : log.toString()) + "\n"
                + "EXPRESS_LOG_OFFSET=" + offset + "\n"
                + "EXPRESS_READY=" + sh(Express.NAME + ": Apache is up: open " + url() + "  (" + logs
                + "; Ctrl-C stops it)") + "\n"
                + "EXPRESS_FAILURES=" + sh(failures + "|AH00016|AH00015")
                + "\n";
    }

    String defaultPage() {
        return "// Generated by " + Express.NAME + ": the page served when no application is given.\n"
                + "import java.nio.charset.StandardCharsets;\n"
                + "import java.util.List;\n"
                + "import java.util.Map;\n"
                + "import org.modjvm.StartResponse;\n"
                + "\n"
                + "public class ExpressDefaultPage {\n"
                + "    private static final byte[] PAGE = (\"<!DOCTYPE html>\\n<html><head><meta charset=\\\"utf-8\\\">\"\n"
                + "            + \"<title>mod_jvm-express: it works!</title></head><body>\\n\"\n"
                + "            + \"<h1>It works!</h1>\\n\"\n"
                + "            + \"<p>Apache httpd with mod_jvm is running, and this page comes from Java \"\n"
                + "            + System.getProperty(\"java.version\") + \" (\" + System.getProperty(\"java.home\") + \").</p>\\n\"\n"
                + "            + \"<p>To serve your own application, stop this server (Ctrl-C) and run \"\n"
                + "            + \"<code>mod_jvm-express start-server site.java</code> with your Java source file, jar or WAR.</p>\\n\"\n"
                + "            + \"</body></html>\\n\").getBytes(StandardCharsets.UTF_8);\n"
                + "\n"
                + "    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse startResponse) {\n"
                + "        startResponse.start(\"200 OK\", List.of(\n"
                + "                Map.entry(\"Content-Type\", \"text/html; charset=utf-8\"),\n"
                + "                Map.entry(\"Content-Length\", String.valueOf(PAGE.length))));\n"
                + "        return List.of(PAGE);\n"
                + "    }\n"
                + "}\n";
    }

    // ------------------------------------------------------------------ quoting

    /** An Apache configuration argument in double quotes. */
    static String q(Object value) {
        String s = value.toString();
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') {
                b.append('\\'); // Apache unescapes only the quote inside quotes
            }
            b.append(ch);
        }
        return b.append('"').toString();
    }

    /** A POSIX shell word in single quotes. */
    static String sh(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return List.of();
        }
    }
}
