package org.modjvm.express;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * {@code mod_jvm-express}: runs one Java web application under Apache httpd with mod_jvm, the
 * way mod_wsgi-express runs a Python one. This class is the command line; {@link Server} writes
 * the server root. The launcher script ({@code scripts/mod_jvm-express}) runs this jar and,
 * for {@code start-server}, receives the server root on file descriptor 3 and {@code exec}s
 * {@code <root>/apachectl foreground}, which {@code exec}s {@code apache2 -DFOREGROUND}: Apache
 * ends up with the launcher's pid, so Ctrl-C and signals go straight to it.
 */
public final class Express {
    static final String NAME = "mod_jvm-express";

    private static final String USAGE = ""
            + "Usage: " + NAME + " COMMAND [options]\n"
            + "\n"
            + "Runs a Java web application (a .java source file or a .jar, or a Servlet web application:\n"
            + "a .war or a directory holding WEB-INF/) under Apache httpd with mod_jvm, the way\n"
            + "mod_wsgi-express runs a Python one: no Apache configuration to write.\n"
            + "\n"
            + "Commands:\n"
            + "  start-server [FILE] [options]  write a server configuration and run Apache in the\n"
            + "                                 foreground (Ctrl-C stops it); without FILE, a default page\n"
            + "  setup-server [FILE] [options]  only write the server root, with an apachectl script\n"
            + "                                 (start, stop, restart, graceful, configtest)\n"
            + "  module-config [--java-home DIR]  print the LoadModule and JvmHome lines for this module\n"
            + "  module-location                print the path of mod_jvm.so\n"
            + "  install-module [--modules-directory DIR] [--java-home DIR]\n"
            + "                                 copy mod_jvm.so and its jars into Apache's module\n"
            + "                                 directory (apxs -q LIBEXECDIR) and print the lines\n"
            + "\n"
            + "Run '" + NAME + " COMMAND --help' for the options of a command.\n"
            + "Exit status: 0 success, 1 the command cannot work here (missing file, port in use, ...),\n"
            + "2 a command line error. Documentation: /usr/share/doc/libapache2-mod-jvm/ or docs/ in the\n"
            + "source tree (getting-started.md).\n";

    private Express() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (Failure f) {
            System.out.flush();
            System.err.println(NAME + ": error: " + f.getMessage());
            code = f.code;
        }
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.print(USAGE);
            return Failure.USAGE;
        }
        String command = args[0];
        switch (command) {
            case "-h":
            case "--help":
            case "help":
                if (args.length > 1 && !args[1].startsWith("-")) {
                    return run(new String[] {args[1], "--help"});
                }
                System.out.print(USAGE);
                return 0;
            case "--version":
            case "version":
                System.out.println(NAME + " " + version());
                return 0;
            case "start-server":
            case "setup-server":
                return server(command, args);
            case "module-config":
            case "module-location":
            case "install-module":
                return module(command, args);
            default:
                throw Failure.usage("unknown command '" + command + "' (commands: start-server, setup-server, "
                        + "module-config, module-location, install-module; see " + NAME + " --help)");
        }
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Express.class.getResourceAsStream("express.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unknown version
        }
        return p.getProperty("version", "unknown");
    }

    // ------------------------------------------------------------------ start-server, setup-server

    private static int server(String command, String[] args) {
        Options o = Options.parse(command, args, 1);
        if (o.help) {
            System.out.print(serverHelp(command));
            return 0;
        }
        o.validate();
        Server s = new Server(o, command.equals("start-server"));
        s.check();
        s.write();
        if (command.equals("setup-server")) {
            PrintStream out = System.out;
            out.println(NAME + ": server root written: " + s.root);
            out.println("  Application   : " + s.describeApp());
            out.println("  Server URL    : " + s.url());
            out.println("  Configuration : " + s.root.resolve("httpd.conf"));
            out.println("  Error log     : " + s.errorLogDescription());
            out.println("  Control       : " + s.root.resolve("apachectl") + " start|stop|restart|graceful|configtest");
            return 0;
        }
        boolean compiling = s.precompile();
        s.probe();
        System.out.println(NAME + ": " + (compiling ? "compiling " + s.describeApp() + " and starting Apache"
                : "starting Apache with " + s.describeApp()) + " (" + s.describeMode() + ") ...");
        System.out.flush();
        handOver(s.root);
        return 0;
    }

    /** Tells the launcher (fd 3) which server root to exec. */
    private static void handOver(Path root) {
        if (Files.exists(Path.of("/proc/self/fd/3"))) {
            try (FileOutputStream fd3 = new FileOutputStream("/proc/self/fd/3")) {
                fd3.write((root.toString() + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            } catch (IOException e) {
                // not the launcher's pipe: fall through
            }
        }
        System.out.println(NAME + ": not started through the launcher: run " + root.resolve("apachectl")
                + " foreground");
    }

    static String serverHelp(String command) {
        StringBuilder b = new StringBuilder();
        b.append("Usage: ").append(NAME).append(' ').append(command).append(" [FILE.java|FILE.jar|FILE.war|DIR] [options]\n\n");
        if (command.equals("start-server")) {
            b.append("Writes a complete Apache configuration into a server root and runs Apache in the\n"
                    + "foreground with it (exec apache2 -DFOREGROUND: Ctrl-C stops everything; SIGTERM stops,\n"
                    + "SIGHUP restarts, SIGUSR1 restarts gracefully). The application runs in a mod_jvm daemon\n"
                    + "process group (JvmDaemonProcess), or in Apache's processes with --embedded-mode.\n"
                    + "A .war, or a directory DIR holding WEB-INF/, is a Servlet web application: it runs on\n"
                    + "mod_jvm's servlet engine with the mount point as its context path, and is deployed by a\n"
                    + "first request made as soon as Apache is up (a failure is reported here).\n"
                    + "A Spring Boot executable jar runs in the daemon process group as under java -jar, with\n"
                    + "the jar's directory as its working directory and the mount point as its context path\n"
                    + "(server.servlet.context-path); a failure to start is reported here.\n"
                    + "Without FILE, a built-in page says that it works.\n\n");
        } else {
            b.append("Writes the same server root as start-server, with an apachectl script in it\n"
                    + "(start|stop|restart|graceful|graceful-stop|configtest|foreground), and exits.\n\n");
        }
        b.append("Options:\n");
        for (String[] s : Options.SERVER) {
            String left = "  " + s[0] + (s[1] == null ? "" : " " + s[1]);
            b.append(left);
            if (left.length() >= 34) {
                b.append('\n').append(" ".repeat(34));
            } else {
                b.append(" ".repeat(34 - left.length()));
            }
            b.append(s[2]).append('\n');
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ module-config, module-location, install-module

    private static int module(String command, String[] args) {
        String javaHome = null;
        String modulesDir = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String v = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(moduleHelp(command));
                return 0;
            }
            boolean takesJavaHome = !command.equals("module-location");
            if ((a.equals("--java-home") && takesJavaHome) || (a.equals("--modules-directory") && command.equals("install-module"))) {
                if (v == null) {
                    if (i + 1 >= args.length) {
                        throw Failure.usage(a + " needs a value: DIR");
                    }
                    v = args[++i];
                }
                if (a.equals("--java-home")) {
                    javaHome = v;
                } else {
                    modulesDir = v;
                }
                continue;
            }
            throw Failure.usage((a.startsWith("-") ? "unknown option " : "unexpected argument ") + a
                    + " (see " + NAME + " " + command + " --help)");
        }
        Path module = Sys.requireModule();
        if (command.equals("module-location")) {
            System.out.println(module);
            return 0;
        }
        Path home = javaHome(javaHome);
        if (command.equals("install-module")) {
            module = install(module, modulesDir);
        }
        System.out.print(moduleConfig(module, home));
        return 0;
    }

    static String moduleHelp(String command) {
        switch (command) {
            case "module-location":
                return "Usage: " + NAME + " module-location\n\nPrints the path of the mod_jvm.so this "
                        + NAME + " goes with.\n";
            case "module-config":
                return "Usage: " + NAME + " module-config [--java-home DIR]\n\n"
                        + "Prints the lines that load mod_jvm into an Apache configuration: LoadModule, and\n"
                        + "JvmHome (the JDK given, or the one running " + NAME + ").\n\n"
                        + "Options:\n  --java-home DIR                 the JDK for JvmHome\n";
            default:
                return "Usage: " + NAME + " install-module [--modules-directory DIR] [--java-home DIR]\n\n"
                        + "Copies mod_jvm.so, mod_jvm-runtime.jar, mod_jvm-api.jar, the servlet engine (servlet/,\n"
                        + "for web applications) and Spring Boot support (boot/) into Apache's module directory\n"
                        + "(apxs -q LIBEXECDIR, else /usr/lib/apache2/modules) and prints the lines\n"
                        + "to add to the Apache configuration (e.g. /etc/apache2/mods-available/jvm.load).\n\n"
                        + "Options:\n"
                        + "  --modules-directory DIR         install there instead\n"
                        + "  --java-home DIR                 the JDK for JvmHome\n";
        }
    }

    static String moduleConfig(Path module, Path home) {
        StringBuilder b = new StringBuilder();
        b.append("LoadModule jvm_module ").append(Server.q(module.toString())).append('\n');
        b.append("JvmHome ").append(Server.q(home.toString())).append('\n');
        Path rt = Sys.runtimeDir(module);
        if (!rt.equals(module.getParent()) && !Files.isRegularFile(rt.resolve("mod_jvm-runtime.jar"))) {
            b.append("# mod_jvm-runtime.jar and mod_jvm-api.jar are neither next to the module nor in "
                    + "/usr/share/mod_jvm: set JvmRuntimeDirectory\n");
        }
        return b.toString();
    }

    /** The JDK for JvmHome: the given one (checked) or the one running this command. */
    static Path javaHome(String given) {
        Path home = Path.of(given != null ? given : System.getProperty("java.home")).toAbsolutePath().normalize();
        if (!Files.isDirectory(home)) {
            throw Failure.problem("--java-home " + home + " does not exist");
        }
        if (!Sys.isJvmHome(home)) {
            throw Failure.problem((given != null ? "--java-home " : "the JDK running " + NAME + ", ") + home
                    + (given != null ? "," : "") + " is not a JDK: it has no lib/server/libjvm.so"
                    + (given != null ? "" : " (pass --java-home)"));
        }
        return home;
    }

    private static Path install(Path module, String modulesDir) {
        Path dir = Path.of(modulesDir != null ? modulesDir : apxsLibexecdir()).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw Failure.problem("the module directory " + dir + " does not exist (is apache2 installed?)");
        }
        Path target = dir.resolve("mod_jvm.so");
        if (target.equals(module)) {
            return module; // already there (the Debian package)
        }
        if (ownedByPackage(target)) {
            throw Failure.problem(target + " belongs to the package " + PACKAGE + ": it is installed already "
                    + "(a2enmod jvm), or remove the package first");
        }
        Path runtime = Sys.runtimeDir(module);
        try {
            copy(module, target);
            copy(runtime.resolve("mod_jvm-runtime.jar"), dir.resolve("mod_jvm-runtime.jar"));
            copy(runtime.resolve("mod_jvm-api.jar"), dir.resolve("mod_jvm-api.jar"));
            // what daemons with script-user=/script-group= need (JNA: docs/internals.md)
            for (String f : new String[] {"jna.jar", "libjnidispatch.so"}) {
                if (Files.isRegularFile(runtime.resolve(f))) {
                    copy(runtime.resolve(f), dir.resolve(f));
                }
            }
            // the servlet engine, for web applications (.war): servlet/ beside the runtime jar; and
            // what a Spring Boot jar needs besides (boot/: the auto-configuration on Boot's loader.path)
            for (String sub : new String[] {Server.ENGINE_DIRECTORY, Server.BOOT_DIRECTORY}) {
                Path from = runtime.resolve(sub);
                if (!Files.isDirectory(from)) {
                    continue;
                }
                Path to = dir.resolve(sub);
                Files.createDirectories(to);
                to.toFile().setReadable(true, false);
                to.toFile().setExecutable(true, false);
                try (java.util.stream.Stream<Path> jars = Files.list(from)) {
                    for (Path jar : (Iterable<Path>) jars.filter(j -> j.toString().endsWith(".jar")).sorted()::iterator) {
                        copy(jar, to.resolve(jar.getFileName()));
                    }
                }
            }
        } catch (IOException e) {
            throw Failure.problem("cannot install into " + dir + ": " + e.getMessage()
                    + (Sys.euid() != 0 ? " (run as root)" : ""));
        }
        System.err.println(NAME + ": installed " + target + " (with mod_jvm-runtime.jar and mod_jvm-api.jar next to it"
                + (Files.isDirectory(dir.resolve(Server.ENGINE_DIRECTORY)) ? ", and the servlet engine in "
                + dir.resolve(Server.ENGINE_DIRECTORY) : "")
                + (Files.isDirectory(dir.resolve(Server.BOOT_DIRECTORY)) ? ", and Spring Boot support in "
                + dir.resolve(Server.BOOT_DIRECTORY) : "") + ")");
        return target;
    }

    private static void copy(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling("." + to.getFileName() + ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        tmp.toFile().setReadable(true, false);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether dpkg lists {@code target} among the files of libapache2-mod-jvm (false without dpkg). */
    private static boolean ownedByPackage(Path target) {
        if (!Files.isExecutable(Path.of(DPKG_QUERY))) {
            return false;
        }
        try {
            // -L and an exact comparison: -S would take the path as a pattern
            Process p = new ProcessBuilder(DPKG_QUERY, "-L", PACKAGE).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                return false; // not installed
            }
            return out.lines().anyMatch(target.toString()::equals);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final String DPKG_QUERY = "/usr/bin/dpkg-query";
    private static final String PACKAGE = "libapache2-mod-jvm";

    private static String apxsLibexecdir() {
        for (String apxs : new String[] {"/usr/bin/apxs", "/usr/bin/apxs2"}) {
            if (Files.isExecutable(Path.of(apxs))) {
                try {
                    Process p = new ProcessBuilder(apxs, "-q", "LIBEXECDIR").redirectErrorStream(true).start();
                    p.getOutputStream().close();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    if (p.waitFor() == 0 && out.startsWith("/")) {
                        return out;
                    }
                } catch (IOException e) {
                    // fall back
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return Sys.DEBIAN_MODULES.toString();
    }
}
