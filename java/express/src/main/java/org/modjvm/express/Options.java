package org.modjvm.express;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code start-server} and {@code setup-server} (mod_wsgi-express's names and
 * defaults where mod_wsgi-express has the option), parsed without any library.
 */
final class Options {
    /** name, metavariable (null: a flag), help. The order is the order of {@code --help}. */
    static final String[][] SERVER = {
        {"--port", "NUMBER", "port to listen on for HTTP (default: 8000)"},
        {"--host", "ADDRESS", "address to listen on (default: 127.0.0.1; 0.0.0.0 for all IPv4 interfaces)"},
        {"--server-name", "NAME", "ServerName of the server (default: the host, or localhost)"},
        {"--mount-point", "URL", "URL path the application is mounted at (default: /)"},
        {"--url-alias", "URL PATH", "serve the static file or directory PATH at URL (repeatable)"},
        {"--document-root", "DIR", "DocumentRoot for what is not the application (default: an empty htdocs/ in the server root)"},
        {"--embedded-mode", null, "run the application in Apache's own processes instead of a daemon process group"},
        {"--processes", "NUMBER", "processes to run the application in (default: 1)"},
        {"--threads", "NUMBER", "threads per process (default: 5)"},
        {"--callable-object", "NAME", "the static member called for each request (default: application; not for a web application)"},
        {"--java-home", "DIR", "JDK that runs the application (default: the JDK running mod_jvm-express)"},
        {"--class-path", "PATH", "class path entries for the application, ':'-separated, dir/* allowed (repeatable)"},
        {"--jvm-options", "'OPTIONS'", "JVM options, e.g. '-Xmx256m -Dapp.mode=dev' (repeatable)"},
        {"--user", "NAME", "user the application runs as, when started as root (default: www-data)"},
        {"--group", "NAME", "group the application runs as, when started as root (default: the user's group)"},
        {"--server-root", "DIR", "where the configuration and logs go (default: <tmp>/mod_jvm-express-HOST:PORT-USER)"},
        {"--log-to-terminal", null, "send the error log (and the access log) to the terminal instead of files"},
        {"--access-log", null, "write an access log"},
        {"--startup-log", null, "write Apache's start-up messages to startup.log in the server root"},
        {"--log-level", "LEVEL", "Apache LogLevel: emerg alert crit error warn notice info debug (default: warn)"},
        {"--reload-on-changes", null, "reload the application when its file changes (JvmScriptReloading On)"},
        {"--maximum-requests", "NUMBER", "recycle a daemon process after that many requests (default: 0 = never)"},
        {"--request-timeout", "SECONDS", "answer 504 for a request running longer (default: 60; embedded mode: JvmRequestTimeout)"},
        {"--queue-timeout", "SECONDS", "answer 503 for a request waiting longer for a thread (daemon mode; default: 45)"},
        {"--include-file", "FILE", "Include this Apache configuration file at the end (repeatable)"},
        {"--https-port", "NUMBER", "also listen for HTTPS on this port (needs the two options below)"},
        {"--ssl-certificate-file", "FILE", "PEM certificate for HTTPS"},
        {"--ssl-certificate-key-file", "FILE", "PEM private key for HTTPS (default: in the certificate file)"},
        {"--httpd-executable", "FILE", "the Apache binary (default: /usr/sbin/apache2)"},
        {"--help", null, "show this help"},
    };

    String file;
    int port = 8000;
    String host = "127.0.0.1";
    String serverName;
    String mountPoint = "/";
    final List<String[]> urlAliases = new ArrayList<>();
    String documentRoot;
    boolean embedded;
    int processes = 1;
    int threads = 5;
    String callable;
    String javaHome;
    final List<String> classPath = new ArrayList<>();
    final List<String> jvmOptions = new ArrayList<>();
    String user;
    String group;
    String serverRoot;
    boolean logToTerminal;
    boolean accessLog;
    boolean startupLog;
    String logLevel = "warn";
    boolean reloadOnChanges;
    int maximumRequests = 0;
    int requestTimeout = 60;
    int queueTimeout = 45;
    final List<String> includeFiles = new ArrayList<>();
    int httpsPort = 0;
    String sslCertificateFile;
    String sslCertificateKeyFile;
    String httpdExecutable = "/usr/sbin/apache2";
    boolean help;

    private static final String[] LEVELS = {"emerg", "alert", "crit", "error", "warn", "notice", "info", "debug",
        "trace1", "trace2", "trace3", "trace4", "trace5", "trace6", "trace7", "trace8"};

    /** Parses {@code args} (after the subcommand) for {@code command}; throws {@link Failure} (usage). */
    static Options parse(String command, String[] args, int from) {
        Options o = new Options();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h")) {
                a = "--help";
            }
            if (!a.startsWith("--") || a.equals("--")) {
                if (a.startsWith("-") && a.length() > 1) {
                    throw Failure.usage("unknown option " + a + " (see " + Express.NAME + " " + command + " --help)");
                }
                if (o.file != null) {
                    throw Failure.usage("more than one application given: " + o.file + " and " + a
                            + " (one FILE.java, FILE.jar, FILE.war or web application directory)");
                }
                o.file = a;
                continue;
            }
            String name = a;
            String inline = null;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(0, eq);
                inline = a.substring(eq + 1);
            }
            String[] spec = find(name);
            if (spec == null) {
                throw Failure.usage("unknown option " + name + " (see " + Express.NAME + " " + command + " --help)");
            }
            if (spec[1] == null) {
                if (inline != null) {
                    throw Failure.usage(name + " takes no value");
                }
                o.flag(name);
                continue;
            }
            int arity = spec[1].indexOf(' ') > 0 ? 2 : 1;
            String[] values = new String[arity];
            int k = 0;
            if (inline != null) {
                values[k++] = inline;
            }
            while (k < arity) {
                if (i + 1 >= args.length) {
                    throw Failure.usage(name + " needs " + (arity == 2 ? "two values: " : "a value: ") + spec[1]);
                }
                values[k++] = args[++i];
            }
            o.value(name, values);
        }
        return o;
    }

    static String[] find(String name) {
        for (String[] s : SERVER) {
            if (s[0].equals(name)) {
                return s;
            }
        }
        return null;
    }

    private void flag(String name) {
        switch (name) {
            case "--embedded-mode": embedded = true; break;
            case "--log-to-terminal": logToTerminal = true; break;
            case "--access-log": accessLog = true; break;
            case "--startup-log": startupLog = true; break;
            case "--reload-on-changes": reloadOnChanges = true; break;
            case "--help": help = true; break;
            default: throw new IllegalStateException(name);
        }
    }

    private void value(String name, String[] v) {
        String s = v[0];
        switch (name) {
            case "--port": port = port(name, s); break;
            case "--https-port": httpsPort = port(name, s); break;
            case "--host":
                if (s.isEmpty() || s.indexOf(' ') >= 0 || s.indexOf('/') >= 0) {
                    throw Failure.usage("--host '" + s + "' is not an address or host name");
                }
                host = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
                break;
            case "--server-name": serverName = nonEmpty(name, s); break;
            case "--mount-point":
                if (!s.startsWith("/") || s.indexOf(' ') >= 0) {
                    throw Failure.usage("--mount-point '" + s + "' must be a URL path starting with /");
                }
                mountPoint = s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
                break;
            case "--url-alias":
                if (!v[0].startsWith("/") || v[0].indexOf(' ') >= 0) {
                    throw Failure.usage("--url-alias: '" + v[0] + "' must be a URL path starting with /");
                }
                urlAliases.add(new String[] {v[0], nonEmpty(name, v[1])});
                break;
            case "--document-root": documentRoot = nonEmpty(name, s); break;
            case "--processes": processes = number(name, s, 1, 256); break;
            case "--threads": threads = number(name, s, 1, 1000); break;
            case "--callable-object":
                if (s.isEmpty() || s.indexOf(' ') >= 0) {
                    throw Failure.usage("--callable-object '" + s + "' is not a member name");
                }
                callable = s;
                break;
            case "--java-home": javaHome = nonEmpty(name, s); break;
            case "--class-path": classPath.add(nonEmpty(name, s)); break;
            case "--jvm-options":
                for (String t : s.trim().split("\\s+")) {
                    if (t.isEmpty()) {
                        continue;
                    }
                    if (!t.startsWith("-")) {
                        throw Failure.usage("--jvm-options: '" + t + "' is not a JVM option (options start with -)");
                    }
                    if (t.indexOf('"') >= 0 || t.indexOf('\'') >= 0) {
                        throw Failure.usage("--jvm-options: '" + t + "': quotes are not supported in JVM options");
                    }
                    jvmOptions.add(t);
                }
                break;
            case "--user": user = account(name, s, "uid"); break;
            case "--group": group = account(name, s, "gid"); break;
            case "--server-root": serverRoot = nonEmpty(name, s); break;
            case "--log-level": {
                String l = s.toLowerCase(java.util.Locale.ROOT);
                boolean ok = false;
                for (String x : LEVELS) {
                    ok |= x.equals(l);
                }
                if (!ok) {
                    throw Failure.usage("--log-level '" + s + "' is not one of emerg alert crit error warn notice info debug");
                }
                logLevel = l;
                break;
            }
            case "--maximum-requests": maximumRequests = number(name, s, 0, 2000000000); break;
            case "--request-timeout": requestTimeout = number(name, s, 0, 86400); break;
            case "--queue-timeout": queueTimeout = number(name, s, 0, 86400); break;
            case "--include-file": includeFiles.add(nonEmpty(name, s)); break;
            case "--ssl-certificate-file": sslCertificateFile = nonEmpty(name, s); break;
            case "--ssl-certificate-key-file": sslCertificateKeyFile = nonEmpty(name, s); break;
            case "--httpd-executable": httpdExecutable = nonEmpty(name, s); break;
            default: throw new IllegalStateException(name);
        }
    }

    /** Checks between options, after parsing. */
    void validate() {
        if (httpsPort != 0) {
            if (sslCertificateFile == null) {
                throw Failure.usage("--https-port needs --ssl-certificate-file (and --ssl-certificate-key-file)");
            }
            if (httpsPort == port) {
                throw Failure.usage("--https-port " + httpsPort + " is the same as --port");
            }
        } else if (sslCertificateFile != null || sslCertificateKeyFile != null) {
            throw Failure.usage("--ssl-certificate-file and --ssl-certificate-key-file need --https-port");
        }
    }

    /** A user or group: a name, or {@code #} and a decimal id (as mod_jvm's user= and group= take them), strictly. */
    private static String account(String name, String s, String id) {
        nonEmpty(name, s);
        if (s.startsWith("#") && !s.substring(1).matches("[0-9]{1,10}")
                || s.startsWith("#") && Long.parseLong(s.substring(1)) > 4294967294L) {
            throw Failure.usage(name + " '" + s + "' is malformed: '#' must be followed by a " + id
                    + ", a decimal number from 0 to 4294967294");
        }
        return s;
    }

    private static String nonEmpty(String name, String s) {
        if (s.isEmpty()) {
            throw Failure.usage(name + " needs a non-empty value");
        }
        return s;
    }

    private static int port(String name, String s) {
        return number(name, s, 1, 65535);
    }

    static int number(String name, String s, int min, int max) {
        long n = -1;
        if (!s.isEmpty() && s.length() <= 10) {
            n = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    n = -1;
                    break;
                }
                n = n * 10 + (c - '0');
            }
        }
        if (n < min || n > max) {
            throw Failure.usage(name + " '" + s + "' is not a number from " + min + " to " + max);
        }
        return (int) n;
    }
}
