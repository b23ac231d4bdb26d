package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mod_jvm directive, table-driven, through {@code apache2 -t}: good values in every context
 * where the directive is allowed pass ("Syntax OK"); missing, extra, malformed and out-of-range
 * arguments, and every context where it is not allowed, fail with a non-zero exit and a message
 * that names the directive (Apache adds the file and line for errors found while parsing). The
 * cases of {@link ConfigtestTest} and {@link DaemonConfigtestTest} are not repeated here.
 *
 * <p>.htaccess is read per request, not by configtest: {@link #htaccess} runs one server whose
 * script directories carry .htaccess files under AllowOverride FileInfo, AuthConfig and None. (Apache
 * logs .htaccess errors itself, "[core:alert] …/.htaccess: message", without an AH number; the
 * message is the directive's own, so it names the directive.)
 *
 * <p>Placeholders in snippets: {@code @ROOT@} server root, {@code @PORT@} its port, {@code @GOOD@} an
 * existing script, {@code @JDK@} the build's JDK, {@code @FAKEJDK@} a directory that is no JDK,
 * {@code @FILE@} a regular file, {@code @MODDIR@} the module directory (holds both jars),
 * {@code @HALFRT@} a directory with mod_jvm-runtime.jar but no mod_jvm-api.jar.
 */
@ExtendWith(DumpLogOnFailure.class)
class BadInputConfigtestTest {
    static final String NAMES_CONTEXT = "(?i)not allowed|cannot occur within";

    /** A directive: a good argument string, the contexts where it is allowed, the bad arguments. */
    record Directive(String name, String good, Set<String> allowed, String prelude, List<String[]> bad) {
    }

    static final Set<String> SERVER = Set.of("server");
    static final Set<String> SERVER_VHOST = Set.of("server", "vhost");
    static final Set<String> ALL = Set.of("server", "vhost", "directory", "location");
    static final List<String> CONTEXTS = List.of("server", "vhost", "directory", "location");

    static String[] bad(String args, String problem) {
        return new String[] {args, problem};
    }

    static final String TIMEOUT_RANGE = "must be a whole number from 0 to 31536000.*\\(seconds\\)";

    static List<Directive> directives() {
        List<Directive> d = new ArrayList<>();
        d.add(new Directive("JvmScriptAlias", "/a @GOOD@", SERVER_VHOST, "", List.of(
                bad("", "needs a URL path and a file path"),
                bad("a @GOOD@", "URL path 'a' must start with '/'"),
                // (a directory is a web application only if it holds WEB-INF/)
                bad("/a @ROOT@/apps/good", "neither a \\.java source file, a \\.jar, a \\.war nor a directory holding WEB-INF/"),
                bad("/a @FILE@", "'@FILE@' is neither a \\.java source file, a \\.jar, a \\.war nor a directory holding WEB-INF/"),
                bad("/a @ROOT@/apps/good/dir.java", "'@ROOT@/apps/good/dir.java' is not a regular file"),
                bad("/a @GOOD@ process-group=", "process-group= needs a name"),
                bad("/a @GOOD@ process-group=nosuch", "JVM00006: .*process group 'nosuch' is not defined"),
                bad("/a @GOOD@ callable=Foo::", "'Foo::' is not a valid callable"),
                bad("/a @GOOD@ callable=a..b::m", "'a\\.\\.b::m' is not a valid callable"),
                bad("/a @GOOD@ application-group=%{ENV:}", "'%\\{ENV:\\}' is not a valid application group"),
                bad("/a @GOOD@ application-group", "unknown option 'application-group'"))));
        d.add(new Directive("JvmScriptAliasMatch", "^/m/(\\w+) @ROOT@/apps/good/$1.java", SERVER_VHOST, "", List.of(
                bad("", "needs a regular expression and a file path"),
                bad("^/m/(\\w+)", "needs a regular expression and a file path"),
                bad("*bad @GOOD@", "'\\*bad' is not a valid regular expression"),
                bad("^/m/ @ROOT@/apps/good/missing.java", "missing\\.java' cannot be found"),
                bad("^/m/(\\w+) @ROOT@/apps/good/$1.txt", "\\$1\\.txt.*neither a \\.java source file nor a \\.jar"),
                bad("^/m/(\\w+) @ROOT@/apps/good/$2.java", "\\$2"),
                bad("^/m/(\\w+) @ROOT@/apps/good/$1.java bogus=1", "unknown option 'bogus=1'"))));
        d.add(new Directive("JvmHome", "@JDK@", SERVER, "", List.of(
                bad("@FILE@", "'@FILE@' is not a directory"),
                bad("@JDK@ extra", "takes one argument"))));
        d.add(new Directive("JvmOptions", "\"-Xmx64m -Dmodjvm.test=1\"", SERVER, "", List.of(
                bad("", "requires at least one argument"),
                bad("\"-Xss\"", "'-Xss' is not a valid size"),
                bad("\"-Xms-1m\"", "'-Xms-1m' is not a valid size"),
                bad("\"-Xmx64m -Xmx1k\"\nJvmScriptAlias /a @GOOD@", "JVM00005: JvmOptions: the JVM in .* rejects these options: .*(heap|small)"),
                bad("\"-XX:+NoSuchFlagAtAll\"\nJvmScriptAlias /a @GOOD@", "JVM00005: JvmOptions: .*NoSuchFlagAtAll"),
                bad("\"--class-path /tmp\"", "'--class-path': set the class path with JvmClassPath"),
                bad("\"-Djava.class.path=/tmp\"", "'-Djava\\.class\\.path=/tmp': set the class path with JvmClassPath"))));
        d.add(new Directive("JvmClassPath", "@ROOT@/apps:@ROOT@/apps/good/*", SERVER, "", List.of(
                bad("", "takes one argument"),
                bad("\"\"", "empty class path|takes one argument"),
                bad(":", "empty class path"),
                bad("@ROOT@/apps extra", "takes one argument"),
                bad("@ROOT@/nonexistent-dir/*", "'@ROOT@/nonexistent-dir/\\*' does not exist"))));
        d.add(new Directive("JvmApplicationGroup", "some-group", ALL, "", List.of(
                bad("", "takes one argument"),
                bad("a b", "takes one argument"),
                bad("%{ENV:}", "'%\\{ENV:\\}' is not a valid application group"),
                bad("%{GLOBAL", "'%\\{GLOBAL' is not a valid application group"),
                bad("%{ENV:A{B}", "not a valid application group"))));
        d.add(new Directive("JvmCallableObject", "com.example.App::application", ALL, "", List.of(
                bad("", "takes one argument"),
                bad("app extra", "takes one argument"),
                bad("Foo::", "'Foo::' is not a valid callable"),
                bad("::member", "'::member' is not a valid callable"),
                bad("a..b::m", "'a\\.\\.b::m' is not a valid callable"),
                bad("com.example.App::na-me", "'com\\.example\\.App::na-me' is not a valid callable"),
                bad("a.b", "'a\\.b' is not a valid callable"))));
        for (String flag : List.of("JvmScriptReloading", "JvmPassAuthorization")) {
            // (an extra argument after On/Off is not tested: Apache's core ignores it for every FLAG
            // directive, before the module sees anything)
            d.add(new Directive(flag, "Off", ALL, "", List.of(
                    bad("", "must be On or Off"),
                    bad("1", "must be On or Off"))));
        }
        d.add(new Directive("JvmRuntimeDirectory", "@MODDIR@", SERVER, "", List.of(
                bad("", "takes one argument"),
                bad("@MODDIR@ extra", "takes one argument"),
                bad("@ROOT@", "does not contain mod_jvm-runtime\\.jar"),
                bad("@HALFRT@\nJvmScriptAlias /a @GOOD@", "JVM00002: JvmRuntimeDirectory: .* does not hold .*mod_jvm-api\\.jar"))));
        d.add(new Directive("JvmCacheDirectory", "@ROOT@/cache2", SERVER, "", List.of(
                bad("", "takes one argument"),
                bad("@ROOT@/cache2 extra", "takes one argument"),
                bad("@FILE@", "'?@FILE@'? .*(not a directory|regular file)"))));
        d.add(new Directive("JvmDaemonProcess", "g1 processes=2 threads=4 display-name=%{GROUP} user=www-data group=www-data"
                + " home=@ROOT@ java-home=@JDK@ class-path=@ROOT@/apps \"jvm-options=-Xmx32m -Dx=1\" umask=0027"
                + " maximum-requests=100 restart-interval=60 inactivity-timeout=60 request-timeout=30 graceful-timeout=10"
                + " shutdown-timeout=5 queue-timeout=5 connect-timeout=5 socket-timeout=30 listen-backlog=50"
                + " startup-timeout=30 script-user=root script-group=root", SERVER_VHOST, "", daemonBad()));
        d.add(new Directive("JvmProcessGroup", "g1", ALL, "JvmDaemonProcess g1\n", List.of(
                bad("", "takes one argument"),
                bad("g1 extra", "takes one argument"),
                bad("bad!name", "'bad!name' is not a valid group name"))));
        d.add(new Directive("JvmRestrictEmbedded", "On", SERVER, "", List.<String[]>of(
                bad("", "must be On or Off"))));
        d.add(new Directive("JvmRequestTimeout", "30", SERVER, "", List.of(
                bad("", "takes one argument"),
                bad("30 extra", "takes one argument"),
                bad("-1", "'-1' is not a number of seconds"),
                bad("abc", "'abc' is not a number of seconds"),
                bad("1.5", "'1\\.5' is not a number of seconds"),
                bad("31536001", "'31536001' is not a number of seconds"))));
        d.add(new Directive("JvmSocketPrefix", "@ROOT@/run/sock", SERVER, "", List.of(
                bad("", "takes one argument"),
                bad("@ROOT@/run/sock extra", "takes one argument"),
                bad("@FILE@/sock", "directory '@FILE@' does not exist"))));
        return d;
    }

    static List<String[]> daemonBad() {
        List<String[]> b = new ArrayList<>(List.of(
                bad("", "needs a group name"),
                bad("x".repeat(65), "is not a valid group name"),
                bad("g1 =3", "'=3' is not an option"),
                bad("g1 script-user=nosuchuser-xyz", "script-user 'nosuchuser-xyz' does not exist"),
                bad("g1 script-group=nosuchgroup-xyz", "script-group 'nosuchgroup-xyz' does not exist"),
                bad("g1 class-path=", "class-path: empty class path"),
                bad("g1 home=@FILE@", "home '@FILE@' is not a directory")));
        for (String[] kv : new String[][] {
                {"processes", "257", "1 to 256"}, {"processes", "abc", "1 to 256"},
                {"processes", "", "1 to 256"}, {"processes", "1.5", "1 to 256"},
                {"threads", "0", "1 to 10000"}, {"threads", "10001", "1 to 10000"},
                {"umask", "8", "octal"}, {"umask", "-1", "octal"}, {"umask", "01000", "octal"},
                {"umask", "abc", "octal"}, {"umask", "", "octal"},
                {"maximum-requests", "-1", "0 to 2000000000"}, {"maximum-requests", "2000000001", "0 to 2000000000"},
                {"listen-backlog", "65536", "1 to 65535"}}) {
            b.add(bad("g1 " + kv[0] + "=" + kv[1], kv[0] + " must be .*" + kv[2] + ".*'" + Pattern.quote(kv[1]) + "'"));
        }
        for (String t : List.of("restart-interval", "inactivity-timeout", "request-timeout", "graceful-timeout",
                "shutdown-timeout", "queue-timeout", "connect-timeout", "socket-timeout", "startup-timeout")) {
            for (String v : List.of("-1", "abc", "31536001", "5s")) {
                b.add(bad("g1 " + t + "=" + v, t + " " + TIMEOUT_RANGE));
            }
        }
        return b;
    }

    static String wrap(String context, String body) {
        return switch (context) {
            case "server" -> body;
            case "vhost" -> "<VirtualHost 127.0.0.1:@PORT@>\n  ServerName vh.test\n  " + body.replace("\n", "\n  ")
                    + "\n</VirtualHost>";
            case "directory" -> "<Directory @ROOT@/apps/good>\n  " + body.replace("\n", "\n  ") + "\n</Directory>";
            case "location" -> "<Location /loc>\n  " + body.replace("\n", "\n  ") + "\n</Location>";
            default -> throw new IllegalArgumentException(context);
        };
    }

    /** Context cases that {@link ConfigtestTest} and {@link DaemonConfigtestTest} already have. */
    static final Set<String> IN_OTHER_TESTS = Set.of("JvmScriptAlias in location", "JvmHome in vhost",
            "JvmDaemonProcess in location", "JvmRestrictEmbedded in vhost");

    /** name, snippet, directive, problem regex (null: must pass). */
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Directive d : directives()) {
            for (String ctx : CONTEXTS) {
                String snippet = d.prelude() + wrap(ctx, d.name() + " " + d.good());
                if (d.allowed().contains(ctx)) {
                    out.add(Arguments.of(d.name() + " good in " + ctx, snippet, d.name(), null));
                } else if (!IN_OTHER_TESTS.contains(d.name() + " in " + ctx)) {
                    out.add(Arguments.of(d.name() + " in " + ctx + " (not allowed)", snippet, d.name(), NAMES_CONTEXT));
                }
            }
            for (String[] b : d.bad()) {
                String snippet = d.prelude() + d.name() + (b[0].isEmpty() ? "" : " " + b[0]);
                out.add(Arguments.of(d.name() + " " + (b[0].isEmpty() ? "(no argument)" : b[0].replace("\n", " / ")),
                        snippet, d.name(), b[1]));
            }
        }
        return out.stream();
    }

    static ApacheServer server(String snippet) throws IOException {
        ApacheServer s = ApacheServer.create().name("badinput-configtest");
        Path good = s.installApp("pid.java", "good", "good.java");
        Files.createDirectories(s.root().resolve("apps/good/dir.java"));
        Files.createDirectories(s.root().resolve("fakejdk/lib/server"));
        Files.writeString(s.root().resolve("afile.txt"), "a regular file\n");
        Files.createDirectories(s.root().resolve("halfrt"));
        Files.copy(ApacheServer.moduleDir().resolve("mod_jvm-runtime.jar"), s.root().resolve("halfrt/mod_jvm-runtime.jar"));
        s.config(expand(s, snippet).replace("@GOOD@", good.toString()));
        return s;
    }

    static String expand(ApacheServer s, String text) {
        return s.expand(text)
                .replace("@JDK@", ApacheServer.jvmHome().toString())
                .replace("@FAKEJDK@", s.root().resolve("fakejdk").toString())
                .replace("@FILE@", s.root().resolve("afile.txt").toString())
                .replace("@MODDIR@", ApacheServer.moduleDir().toString())
                .replace("@HALFRT@", s.root().resolve("halfrt").toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void configtest(String description, String snippet, String directive, String problem) throws IOException {
        try (ApacheServer s = server(snippet)) {
            ApacheServer.ConfigTest t = s.configtest();
            String out = t.output().strip();
            if (problem == null) {
                assertEquals(0, t.exitCode(), () -> description + ": must pass configtest; output:\n" + out);
                assertTrue(out.contains("Syntax OK"), () -> description + ":\n" + out);
                return;
            }
            String expectedProblem = expand(s, problem);
            assertNotEquals(0, t.exitCode(), () -> description + ": apache2 -t must fail; output:\n" + out);
            assertTrue(out.contains(directive), () -> description + ": the message must name " + directive + ":\n" + out);
            assertTrue(Pattern.compile(expectedProblem).matcher(out).find(),
                    () -> description + ": the message must say what is wrong (/" + expectedProblem + "/):\n" + out);
            if (!expectedProblem.startsWith("JVM0000")) {
                // found while parsing: Apache names the file and line
                assertTrue(Pattern.compile("on line \\d+ of .*httpd\\.conf").matcher(out).find(),
                        () -> description + ": Apache gives the file and line:\n" + out);
            }
        }
    }

    // ------------------------------------------------------------------ .htaccess

    /** One .htaccess case: directory kind (hf FileInfo, ha AuthConfig, hn None), content, expected status, log regex. */
    record Ht(String dir, String content, int status, String log) {
    }

    static Map<String, Ht> htaccessCases() {
        Map<String, Ht> m = new LinkedHashMap<>();
        // AllowOverride FileInfo: the per-directory directives work …
        m.put("appgroup", new Ht("hf", "JvmApplicationGroup ht-group", 200, null));
        m.put("callable", new Ht("hf", "JvmCallableObject application", 200, null));
        m.put("reloading", new Ht("hf", "JvmScriptReloading Off", 200, null));
        m.put("passauth", new Ht("hf", "JvmPassAuthorization On", 200, null));
        m.put("procgroup", new Ht("hf", "JvmProcessGroup g1", 200, null));
        m.put("global", new Ht("hf", "JvmProcessGroup %{GLOBAL}", 200, null));
        // … their bad values are a 500 that names the directive …
        m.put("badgroup", new Ht("hf", "JvmApplicationGroup %{BOGUS}", 500,
                "\\.htaccess: JvmApplicationGroup: '%\\{BOGUS\\}' is not a valid application group"));
        m.put("badcallable", new Ht("hf", "JvmCallableObject 1x", 500,
                "\\.htaccess: JvmCallableObject: '1x' is not a valid callable"));
        m.put("badflag", new Ht("hf", "JvmScriptReloading Maybe", 500, "\\.htaccess: JvmScriptReloading must be On or Off"));
        m.put("badpg", new Ht("hf", "JvmProcessGroup bad!name", 500, "\\.htaccess: JvmProcessGroup: 'bad!name' is not a valid group name"));
        m.put("nosuchpg", new Ht("hf", "JvmProcessGroup nosuch", 500, "JVM00041: .*process group 'nosuch' is not defined"));
        // … and the server-only ones are not allowed there at all
        Map<String, String> serverOnly = new LinkedHashMap<>();
        serverOnly.put("JvmScriptAlias", "/x @GOOD@");
        serverOnly.put("JvmScriptAliasMatch", "^/x/(\\w+) @ROOT@/apps/good/$1.java");
        serverOnly.put("JvmHome", "@JDK@");
        serverOnly.put("JvmOptions", "-Xmx32m");
        serverOnly.put("JvmClassPath", "@ROOT@/apps");
        serverOnly.put("JvmRuntimeDirectory", "@MODDIR@");
        serverOnly.put("JvmCacheDirectory", "@ROOT@/cache3");
        serverOnly.put("JvmDaemonProcess", "g9");
        serverOnly.put("JvmRestrictEmbedded", "On");
        serverOnly.put("JvmSocketPrefix", "@ROOT@/run/x");
        serverOnly.put("JvmRequestTimeout", "30");
        for (Map.Entry<String, String> e : serverOnly.entrySet()) {
            m.put("no-" + e.getKey(), new Ht("hf", e.getKey() + " " + e.getValue(), 500,
                    "\\.htaccess: " + e.getKey() + " not allowed here"));
        }
        // AllowOverride AuthConfig: FileInfo directives are not allowed
        m.put("authconfig", new Ht("ha", "JvmApplicationGroup ht-group", 500, "\\.htaccess: JvmApplicationGroup not allowed here"));
        // AllowOverride None: .htaccess is not read at all, even broken content
        m.put("none-bad", new Ht("hn", "JvmApplicationGroup %{BOGUS}\nJvmHome /nonexistent", 200, null));
        return m;
    }

    @Test
    void htaccess() throws IOException {
        try (ApacheServer s = ApacheServer.create().name("badinput-htaccess")) {
            s.installApp("pid.java", "good", "good.java");
            Map<String, Ht> cases = htaccessCases();
            StringBuilder conf = new StringBuilder("""
                    JvmDaemonProcess g1 processes=1 threads=4
                    <Directory @ROOT@/apps/hf>
                      AllowOverride FileInfo
                    </Directory>
                    <Directory @ROOT@/apps/ha>
                      AllowOverride AuthConfig
                    </Directory>
                    <Directory @ROOT@/apps/hn>
                      AllowOverride None
                    </Directory>
                    """);
            for (Map.Entry<String, Ht> e : cases.entrySet()) {
                String dir = e.getValue().dir() + "/" + e.getKey();
                Path script = s.installApp("pid.java", dir, "app.java");
                s.writeFile("apps/" + dir + "/.htaccess", expand(s, e.getValue().content())
                        .replace("@GOOD@", s.root().resolve("apps/good/good.java").toString()) + "\n");
                conf.append("JvmScriptAlias /").append(e.getKey()).append(' ').append(script).append('\n');
            }
            s.config(conf.toString()).start();
            Daemons.awaitPids(s, "g1", 1, Duration.ofSeconds(15));
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, Ht> e : cases.entrySet()) {
                Ht ht = e.getValue();
                long mark = s.errorLogMark();
                RawHttp.Response r = RawHttp.get(s.port(), "/" + e.getKey());
                if (r.status() != ht.status()) {
                    problems.add(e.getKey() + " (" + ht.content().replace("\n", " / ") + ", AllowOverride " + ht.dir()
                            + "): expected " + ht.status() + ", got " + r.status() + "\n    " + FaultHarnessTest.tail(s.errorLogSince(mark), 3));
                    continue;
                }
                if (ht.log() != null) {
                    String log = s.awaitErrorLog(mark, ht.log(), Duration.ofSeconds(5));
                    if (!Pattern.compile(ht.log()).matcher(log).find()) {
                        problems.add(e.getKey() + ": the log must match /" + ht.log() + "/:\n    " + FaultHarnessTest.tail(log, 3));
                    }
                }
            }
            assertTrue(problems.isEmpty(), () -> problems.size() + " .htaccess cases wrong:\n" + String.join("\n", problems));
        }
    }

    // ------------------------------------------------------------------ JvmCacheDirectory on a shared directory

    /**
     * JvmCacheDirectory naming a directory that already exists and belongs to someone else (a
     * typo such as {@code JvmCacheDirectory /var/www}, or {@code /tmp}): the module creates its
     * cache "owned by Apache's User, mode 0700" — it must not take an existing foreign directory
     * over (chown to www-data, chmod 0700 would lock root and everyone else out of it, or hand
     * it to the web server user). Expected: the directory is left as it was, and a numbered line
     * says the cache is not used there.
     */
    @Test
    void cacheDirectoryThatIsAnExistingForeignDirectoryIsNotTakenOver() throws IOException {
        try (ApacheServer s = ApacheServer.create().name("badinput-cachedir")) {
            Path shared = s.root().resolve("shared");
            Files.createDirectories(shared);
            Files.writeString(shared.resolve("someone-elses-file"), "x");
            Path app = s.installApp("pid.java", "good", "good.java");
            s.config("JvmCacheDirectory " + shared + "\nJvmScriptAlias /a " + app);
            s.writeConfig(); // makeReadable: shared is 0755 now
            PosixFileAttributes before = Files.readAttributes(shared, PosixFileAttributes.class);
            s.start();
            assertEquals(200, RawHttp.get(s.port(), "/a").status());
            PosixFileAttributes after = Files.readAttributes(shared, PosixFileAttributes.class);
            String b = before.owner().getName() + " " + PosixFilePermissions.toString(before.permissions());
            String a = after.owner().getName() + " " + PosixFilePermissions.toString(after.permissions());
            assertEquals(b, a, "JvmCacheDirectory took over an existing directory of another owner (was " + b + ")");
        }
    }
}
