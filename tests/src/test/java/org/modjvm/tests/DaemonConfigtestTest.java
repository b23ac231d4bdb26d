package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code apache2 -t} rejects bad daemon-mode configuration with a non-zero exit and a message
 * naming the directive or option and the problem; the README's example and every option with a
 * good value pass. In the snippets {@code @GOOD@} is an existing script, {@code @FAKEJDK@} a
 * directory that is no JDK.
 */
@ExtendWith(DumpLogOnFailure.class)
class DaemonConfigtestTest {
    static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64";

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                // description, snippet, named in the output, regex of the problem
                Arguments.of("unknown option", "JvmDaemonProcess g bogus-option=1", "JvmDaemonProcess", "bogus-option"),
                Arguments.of("option without '='", "JvmDaemonProcess g processes", "JvmDaemonProcess", "processes"),
                Arguments.of("processes not a number", "JvmDaemonProcess g processes=two", "processes", "two"),
                Arguments.of("processes=0", "JvmDaemonProcess g processes=0", "processes", "'0'|\\b0\\b"),
                Arguments.of("threads negative", "JvmDaemonProcess g threads=-1", "threads", "-1"),
                Arguments.of("maximum-requests not a number", "JvmDaemonProcess g maximum-requests=lots",
                        "maximum-requests", "lots"),
                Arguments.of("request-timeout with a fraction", "JvmDaemonProcess g request-timeout=1.5",
                        "request-timeout", "1\\.5"),
                Arguments.of("queue-timeout with a unit", "JvmDaemonProcess g queue-timeout=10s", "queue-timeout", "10s"),
                Arguments.of("listen-backlog=0", "JvmDaemonProcess g listen-backlog=0", "listen-backlog", "'0'|\\b0\\b"),
                Arguments.of("graceful-timeout empty", "JvmDaemonProcess g graceful-timeout=", "graceful-timeout",
                        "(?i)number|''"),
                Arguments.of("unknown user", "JvmDaemonProcess g user=no-such-user-xyz", "JvmDaemonProcess",
                        "no-such-user-xyz"),
                Arguments.of("unknown group", "JvmDaemonProcess g group=no-such-group-xyz", "JvmDaemonProcess",
                        "no-such-group-xyz"),
                Arguments.of("user=root", "JvmDaemonProcess g user=root", "JvmDaemonProcess", "(?i)root"),
                Arguments.of("user=#0", "JvmDaemonProcess g user=#0", "JvmDaemonProcess", "(?i)root|#0"),
                // issue 10, item 4: "#number" is parsed strictly (atol made "#abc" uid 0, "#33abc" www-data)
                Arguments.of("user=#abc", "JvmDaemonProcess g user=#abc", "JvmDaemonProcess",
                        "user '#abc' is malformed: '#' must be followed by a uid"),
                Arguments.of("user=#-1", "JvmDaemonProcess g user=#-1", "JvmDaemonProcess", "user '#-1' is malformed"),
                Arguments.of("user=#99999999999", "JvmDaemonProcess g user=#99999999999", "JvmDaemonProcess",
                        "user '#99999999999' is malformed"),
                Arguments.of("user=#33abc", "JvmDaemonProcess g user=#33abc", "JvmDaemonProcess",
                        "user '#33abc' is malformed"),
                Arguments.of("user=#", "JvmDaemonProcess g user=#", "JvmDaemonProcess", "user '#' is malformed"),
                Arguments.of("user= empty", "JvmDaemonProcess g user=", "JvmDaemonProcess", "user '' is malformed"),
                Arguments.of("group=#abc", "JvmDaemonProcess g group=#abc", "JvmDaemonProcess",
                        "group '#abc' is malformed: '#' must be followed by a gid"),
                Arguments.of("group=#33abc", "JvmDaemonProcess g group=#33abc", "JvmDaemonProcess",
                        "group '#33abc' is malformed"),
                Arguments.of("group=#0", "JvmDaemonProcess g group=#0", "JvmDaemonProcess",
                        "group '#0' is the root group \\(gid 0\\): daemon processes never run in the root group"),
                Arguments.of("group=root", "JvmDaemonProcess g group=root", "JvmDaemonProcess",
                        "group 'root' is the root group \\(gid 0\\): daemon processes never run in the root group"),
                Arguments.of("script-user=#abc", "JvmDaemonProcess g script-user=#abc", "JvmDaemonProcess",
                        "script-user '#abc' is malformed"),
                Arguments.of("script-group=#1x", "JvmDaemonProcess g script-group=#1x", "JvmDaemonProcess",
                        "script-group '#1x' is malformed"),
                // issue 10, smaller items: an option given twice
                Arguments.of("an option given twice", "JvmDaemonProcess g processes=2 threads=3 processes=3",
                        "JvmDaemonProcess g", "option processes= is given twice \\('processes=2' and 'processes=3'\\)"),
                Arguments.of("jvm-options given twice", "JvmDaemonProcess g jvm-options=-Xmx64m jvm-options=-Xmx32m",
                        "JvmDaemonProcess g", "jvm-options= is given twice"),
                // issue 10, item 5: the socket directory must be private (the markers directory is 0777)
                Arguments.of("JvmSocketPrefix in a world-writable directory",
                        "JvmSocketPrefix @ROOT@/markers/jvm\nJvmDaemonProcess g", "JVM00071",
                        "JvmSocketPrefix .*/markers/jvm: .*/markers can be written by everyone \\(mode 0777"),
                Arguments.of("JvmSocketPrefix in a group-writable directory",
                        "JvmSocketPrefix @ROOT@/cache/gw/jvm\nJvmDaemonProcess g", "JVM00071",
                        "/cache/gw can be written by the members of group \\S+ \\(mode 0775"),
                Arguments.of("JvmSocketPrefix below a world-writable directory without the sticky bit",
                        "JvmSocketPrefix @ROOT@/markers/sub/jvm\nJvmDaemonProcess g", "JVM00071",
                        "/markers can be written by everyone \\(mode 0777\\) and has no sticky bit: they could rename "
                                + "\\S+/markers/sub"),
                Arguments.of("JvmCacheDirectory world-writable",
                        "JvmCacheDirectory @ROOT@/markers\nJvmScriptAlias / @GOOD@", "JVM00072",
                        "JvmCacheDirectory .*/markers: .*mode 0777"),
                Arguments.of("JvmCacheDirectory group-writable, daemon mode",
                        "JvmCacheDirectory @ROOT@/cache/gw\nJvmDaemonProcess g\nJvmScriptAlias / @GOOD@ process-group=g",
                        "JVM00072", "JvmCacheDirectory .*/cache/gw: .*mode 0775"),
                // issue 10, smaller items: a JDK that cannot compile the .java script mounted for it
                Arguments.of("JvmHome without a compiler, a .java script in embedded mode",
                        "JvmHome @FAKEJRE@\nJvmScriptAlias /x @GOOD@", "JVM00073",
                        "JvmHome \\S+/fakejre has no Java compiler .*JvmScriptAlias /x at \\S+httpd.conf:\\d+ mounts the "
                                + "Java source .*embedded mode.*JVM01212"),
                Arguments.of("java-home= without a compiler, a .java script in its group",
                        "JvmDaemonProcess g java-home=@FAKEJRE@\nJvmScriptAlias / @GOOD@ process-group=g", "JVM00073",
                        "JvmDaemonProcess g: java-home \\S+/fakejre has no Java compiler .*in that daemon process group"),
                Arguments.of("JvmHome without a compiler, the group's JvmProcessGroup",
                        "JvmHome @FAKEJRE@\nJvmDaemonProcess g\nJvmProcessGroup g\nJvmScriptAlias / @GOOD@", "JVM00073",
                        "JvmDaemonProcess g: JvmHome \\S+/fakejre has no Java compiler"),
                Arguments.of("group name used twice", "JvmDaemonProcess g\nJvmDaemonProcess g processes=2",
                        "JvmDaemonProcess", "(?i)twice|duplicate|already"),
                Arguments.of("group name used twice, once in a virtual host",
                        "JvmDaemonProcess g\n<VirtualHost 127.0.0.1:@PORT@>\n  JvmDaemonProcess g\n</VirtualHost>",
                        "JvmDaemonProcess", "(?i)twice|duplicate|already"),
                Arguments.of("invalid group name", "JvmDaemonProcess bad/name", "JvmDaemonProcess", "bad/name"),
                Arguments.of("JvmProcessGroup naming an undefined group",
                        "JvmProcessGroup nosuchgroup\nJvmScriptAlias / @GOOD@", "JVM00006", "nosuchgroup"),
                Arguments.of("process-group= naming an undefined group",
                        "JvmScriptAlias / @GOOD@ process-group=nosuchgroup", "JVM00006", "nosuchgroup"),
                Arguments.of("group of another virtual host",
                        "<VirtualHost 127.0.0.1:@PORT@>\n  ServerName a.test\n  JvmDaemonProcess onlya\n</VirtualHost>\n"
                                + "<VirtualHost 127.0.0.1:@PORT@>\n  ServerName b.test\n"
                                + "  JvmScriptAlias / @GOOD@ process-group=onlya\n</VirtualHost>",
                        "JVM00006", "onlya"),
                Arguments.of("JvmProcessGroup with an invalid name", "JvmProcessGroup \"bad name\"", "JvmProcessGroup",
                        "bad name"),
                Arguments.of("java-home without libjvm", "JvmDaemonProcess g java-home=@FAKEJDK@", "java-home", "libjvm"),
                Arguments.of("java-home that does not exist", "JvmDaemonProcess g java-home=/nonexistent/jdk-q",
                        "java-home", "/nonexistent/jdk-q"),
                Arguments.of("jvm-options the JVM rejects", "JvmDaemonProcess g jvm-options=-XX:+NoSuchOptionXyz",
                        "JVM00005", "NoSuchOptionXyz"),
                Arguments.of("jvm-options with a bad heap size", "JvmDaemonProcess g jvm-options=-Xmx12zz",
                        "jvm-options", "-Xmx12zz"),
                Arguments.of("jvm-options that is no option", "JvmDaemonProcess g \"jvm-options=-Xmx64m Xss1m\"",
                        "jvm-options", "Xss1m"),
                Arguments.of("jvm-options setting the class path", "JvmDaemonProcess g \"jvm-options=-cp /tmp\"",
                        "jvm-options", "(?i)class-path|class path"),
                Arguments.of("class-path entry that does not exist",
                        "JvmDaemonProcess g class-path=@ROOT@/lib/nonexistent.jar", "class-path", "nonexistent\\.jar"),
                Arguments.of("umask not octal", "JvmDaemonProcess g umask=0999", "umask", "0999"),
                Arguments.of("home that does not exist", "JvmDaemonProcess g home=/nonexistent/home-q", "home",
                        "/nonexistent/home-q"),
                Arguments.of("display-name empty", "JvmDaemonProcess g display-name=", "display-name", "(?i)value"),
                Arguments.of("JvmDaemonProcess in <Location>",
                        "<Location /x>\n  JvmDaemonProcess g\n</Location>", "JvmDaemonProcess", "(?i)not allowed|cannot occur"),
                Arguments.of("JvmRestrictEmbedded neither On nor Off", "JvmRestrictEmbedded Maybe", "JvmRestrictEmbedded",
                        "(?i)\\bon\\b.*\\boff\\b|Maybe"),
                Arguments.of("JvmRestrictEmbedded in a virtual host",
                        "<VirtualHost 127.0.0.1:@PORT@>\n  JvmRestrictEmbedded On\n</VirtualHost>", "JvmRestrictEmbedded",
                        "(?i)not allowed|cannot occur"),
                Arguments.of("JvmSocketPrefix in a directory that does not exist",
                        "JvmSocketPrefix /nonexistent/sockdir/jvm", "JvmSocketPrefix", "/nonexistent/sockdir"),
                Arguments.of("JvmSocketPrefix too long for a socket address",
                        "JvmSocketPrefix @ROOT@/run/" + "s".repeat(80), "JvmSocketPrefix", "(?i)too long"));
    }

    static ApacheServer server(String snippet) throws IOException {
        ApacheServer s = ApacheServer.create().name("daemon-configtest");
        Path good = s.installApp("pid.java", "good");
        Files.createDirectories(s.root().resolve("fakejdk/bin"));
        Files.createDirectories(s.root().resolve("fakejdk/lib/server"));
        Files.createDirectories(s.root().resolve("lib"));
        EnvironTest.buildGreeterJar(s.root().resolve("lib/greeter.jar"));
        fakeJre(s.root().resolve("fakejre"));
        // markers/ is 0777 (no sticky bit): sub/ is private itself but anyone can rename it
        Files.createDirectories(s.markers().resolve("sub"));
        // cache/gw: writable by its group, which is not root's
        Path gw = Files.createDirectories(s.cacheDir().resolve("gw"));
        Files.setPosixFilePermissions(gw, PosixFilePermissions.fromString("rwxrwxr-x"));
        if (ApacheServer.isRoot()) {
            chown(gw, ApacheServer.RUN_USER);
        }
        s.config(snippet.replace("@GOOD@", good.toString())
                .replace("@FAKEJDK@", s.root().resolve("fakejdk").toString())
                .replace("@FAKEJRE@", s.root().resolve("fakejre").toString()));
        return s;
    }

    /** A JRE as configtest sees one: lib/server/libjvm.so, and a release file without jdk.compiler. */
    static void fakeJre(Path home) throws IOException {
        Files.createDirectories(home.resolve("lib/server"));
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("lib/server/libjvm.so"), "");
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"17\"\nMODULES=\"java.base java.logging jdk.compiler.x\"\n");
    }

    static void chown(Path p, String user) throws IOException {
        UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(lookup.lookupPrincipalByName(user));
        view.setGroup(lookup.lookupPrincipalByGroupName(user));
    }

    /** The configtests of {@link #badConfigs()} (each runs java to check options), run 4 at a time up front. */
    static final Map<String, ApacheServer.ConfigTest> RESULTS = new ConcurrentHashMap<>();

    @BeforeAll
    static void runBadConfigtests() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            badConfigs().forEach(a -> fs.add(pool.submit(() -> {
                String description = (String) a.get()[0];
                try (ApacheServer s = server((String) a.get()[1])) {
                    RESULTS.put(description, s.configtest());
                }
                return null;
            })));
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badDaemonConfigFailsConfigtest(String description, String snippet, String named, String problem) {
        {
            ApacheServer.ConfigTest t = RESULTS.get(description);
            String out = t.output();
            System.out.println("[" + description + "] exit " + t.exitCode() + ": " + out.strip());
            assertNotEquals(0, t.exitCode(), () -> description + ": apache2 -t must fail; output:\n" + out);
            assertTrue(out.contains(named), () -> description + ": output must name " + named + ":\n" + out);
            assertTrue(Pattern.compile(problem).matcher(out).find(),
                    () -> description + ": output must say what is wrong (/" + problem + "/):\n" + out);
        }
    }

    static void assertSyntaxOk(String snippet) throws IOException {
        try (ApacheServer s = server(snippet)) {
            ApacheServer.ConfigTest t = s.configtest();
            assertEquals(0, t.exitCode(), () -> snippet + "\n" + t.output());
            assertTrue(t.output().contains("Syntax OK"), t::output);
        }
    }

    /**
     * Issue 10, item 4: without group= the daemons take Apache's Group (or user='s primary
     * group); when that is the root group, configtest refuses as for group=root. (Apache's User
     * and Group only apply when Apache starts as root.)
     */
    @Test
    void daemonsDoNotInheritTheRootGroup() throws IOException {
        assumeTrue(ApacheServer.isRoot(), "Apache's User and Group apply only when it starts as root");
        try (ApacheServer s = server("Group root\nJvmDaemonProcess g\nJvmScriptAlias / @GOOD@ process-group=g")) {
            ApacheServer.ConfigTest t = s.configtest();
            assertNotEquals(0, t.exitCode(), t::output);
            assertTrue(Pattern.compile("JVM00070: JvmDaemonProcess g: the daemon processes would run in the root group "
                    + "\\(gid 0\\): group= is not given and Apache's Group is root\\. Daemon processes never run in the "
                    + "root group").matcher(t.output()).find(), t::output);
        }
        try (ApacheServer s = server("Group #0\nJvmDaemonProcess g user=nobody\nJvmScriptAlias / @GOOD@ process-group=g")) {
            // user= without group=: the user's primary group (nogroup), not Apache's
            ApacheServer.ConfigTest t = s.configtest();
            assertEquals(0, t.exitCode(), t::output);
        }
        // group= given: Apache's Group does not matter
        assertSyntaxOk("Group root\nJvmDaemonProcess g group=nogroup\nJvmScriptAlias / @GOOD@ process-group=g");
    }

    /**
     * Issue 10, item 4, with real accounts made for the test (as root; removed again): a user=
     * whose primary group is root, without group=, and a user who is a member of the root group
     * in the group database (initgroups would give the daemons gid 0 as a supplementary group).
     */
    @Test
    void usersOfTheRootGroupAreRefused() throws IOException {
        assumeTrue(ApacheServer.isRoot(), "making accounts needs root");
        String primary = "mjrg" + ProcessHandle.current().pid();
        String member = "mjrm" + ProcessHandle.current().pid();
        Daemons.Result made = Daemons.run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                "--gid", "0", primary);
        assertEquals(0, made.exitCode(), made::output);
        try {
            made = Daemons.run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    "--gid", "nogroup", "--groups", "root", member);
            assertEquals(0, made.exitCode(), made::output);
            try (ApacheServer s = server("JvmDaemonProcess g user=" + primary + "\nJvmScriptAlias / @GOOD@ process-group=g")) {
                ApacheServer.ConfigTest t = s.configtest();
                assertNotEquals(0, t.exitCode(), t::output);
                assertTrue(t.output().contains("JVM00070: JvmDaemonProcess g: the daemon processes would run in the root "
                        + "group (gid 0): group= is not given and the primary group of user " + primary + " is root"),
                        t::output);
            }
            // group= given: the user's primary group does not matter
            assertSyntaxOk("JvmDaemonProcess g user=" + primary + " group=nogroup\nJvmScriptAlias / @GOOD@ process-group=g");
            try (ApacheServer s = server("JvmDaemonProcess g user=" + member + "\nJvmScriptAlias / @GOOD@ process-group=g")) {
                ApacheServer.ConfigTest t = s.configtest();
                assertNotEquals(0, t.exitCode(), t::output);
                assertTrue(t.output().contains("JVM00070: JvmDaemonProcess g: user " + member + " is a member of the root "
                        + "group (gid 0) in the group database"), t::output);
            }
        } finally {
            Daemons.run("userdel", member);
            Daemons.run("userdel", primary);
        }
    }

    @Test
    void privateDirectoriesAndJdksWithACompilerPass() throws Exception {
        // the harness's defaults: <root>/run (DefaultRuntimeDir) and <root>/cache, in /tmp (sticky)
        assertSyntaxOk("JvmDaemonProcess g\nJvmScriptAlias / @GOOD@ process-group=g\nJvmScriptAlias /e @GOOD@");
        // a JRE is fine for jars, and for a group whose .java scripts use another JDK
        assertSyntaxOk("JvmHome @FAKEJRE@\nJvmScriptAlias / @ROOT@/lib/greeter.jar");
        assertSyntaxOk("JvmHome @FAKEJRE@\nJvmRestrictEmbedded On\nJvmDaemonProcess g java-home=" + ApacheServer.jvmHome()
                + "\nJvmScriptAlias / @GOOD@ process-group=g");
        // a JRE whose release file lists jdk.compiler can compile
        try (ApacheServer s = server("JvmHome @ROOT@/jre2\nJvmScriptAlias / @GOOD@")) {
            fakeJre(s.root().resolve("jre2"));
            Files.writeString(s.root().resolve("jre2/release"), "MODULES=\"java.base jdk.compiler\"\n");
            ApacheServer.ConfigTest t = s.configtest();
            assertEquals(0, t.exitCode(), t::output);
        }
    }

    /**
     * Issue 10, item 5: a sticky world-writable directory (like /tmp) may be on the way to the
     * cache (nobody else can rename what is in it), but the daemon groups' caches
     * (&lt;JvmCacheDirectory&gt;.&lt;group&gt;) are made next to the cache: then it must be private itself.
     */
    @Test
    void aStickyDirectoryMayHoldTheCacheButNotTheGroupsCaches() throws Exception {
        try (ApacheServer s = server("JvmCacheDirectory @ROOT@/markers/c\nJvmScriptAlias / @GOOD@")) {
            Path c = Files.createDirectories(s.markers().resolve("c"));
            Files.setPosixFilePermissions(c, PosixFilePermissions.fromString("rwx------"));
            if (ApacheServer.isRoot()) {
                chown(c, ApacheServer.RUN_USER);
            }
            Process chmod = new ProcessBuilder("chmod", "1777", s.markers().toString()).inheritIO().start();
            assertEquals(0, chmod.waitFor());
            ApacheServer.ConfigTest t = s.configtest();
            assertEquals(0, t.exitCode(), t::output);
            s.config("JvmDaemonProcess g\nJvmScriptAlias /d @ROOT@/apps/good/pid.java process-group=g");
            t = s.configtest();
            String out = t.output();
            assertNotEquals(0, t.exitCode(), out);
            assertTrue(Pattern.compile("JVM00072: JvmCacheDirectory \\S+/markers/c: the daemon process groups' caches "
                    + "\\(\\S+/markers/c\\.<group>\\) would be made in a directory others can change: \\S+/markers can "
                    + "be written by everyone \\(mode 1777").matcher(out).find(), out);
        }
    }

    @Test
    void theReadmeExamplePasses() throws IOException {
        // README (and the spec): class-path=/srv/app/lib/*.jar
        assertSyntaxOk("""
                JvmDaemonProcess example.com processes=2 threads=15 display-name=%%{GROUP} \\
                    user=nobody group=nogroup java-home=%s \\
                    class-path=@ROOT@/lib/*.jar jvm-options="-Xmx256m" home=@ROOT@/apps/good
                JvmProcessGroup example.com
                JvmScriptAlias / @GOOD@
                """.formatted(JDK25));
    }

    @Test
    void everyOptionWithAGoodValuePasses() throws IOException {
        assertSyntaxOk("""
                JvmRestrictEmbedded On
                JvmSocketPrefix @ROOT@/run/sock
                JvmDaemonProcess all processes=3 threads=7 display-name=all-of-them user=#65534 group=#65534 \\
                    home=@ROOT@/apps java-home=%s class-path=@ROOT@/lib:@ROOT@/lib/* \\
                    jvm-options=-Xmx80m umask=0027 maximum-requests=1000 restart-interval=3600 \\
                    inactivity-timeout=600 request-timeout=60 graceful-timeout=10 shutdown-timeout=3 \\
                    queue-timeout=30 connect-timeout=5 socket-timeout=45 listen-backlog=50 startup-timeout=20
                JvmDaemonProcess other
                JvmProcessGroup all
                JvmScriptAlias / @GOOD@
                JvmScriptAlias /preloaded @GOOD@ process-group=other application-group=pre
                <Location /global>
                  JvmProcessGroup %%{GLOBAL}
                </Location>
                <VirtualHost 127.0.0.1:@PORT@>
                  ServerName v.test
                  JvmDaemonProcess inv
                  JvmScriptAlias /a @GOOD@ process-group=inv
                  JvmScriptAlias /b @GOOD@ process-group=all
                </VirtualHost>
                """.formatted(ApacheServer.jvmHome()));
    }

    @Test
    void jvmOptionsWithSeveralOptionsInQuotesPass() throws IOException {
        // README: jvm-options="…" — several options in one quoted value, as mod_wsgi's
        // WSGIDaemonProcess takes python-path="a b" style values
        assertSyntaxOk("JvmDaemonProcess g jvm-options=\"-Xmx96m -Dmodjvm.a=b\"\nJvmScriptAlias / @GOOD@ process-group=g");
        assertSyntaxOk("JvmDaemonProcess g \"jvm-options=-Xmx96m -Dmodjvm.a=b\"\nJvmScriptAlias / @GOOD@ process-group=g");
    }

    @Test
    void severalJvmOptionsReachTheDaemon() throws IOException {
        try (ApacheServer s = server("")) {
            Path app = s.installApp("environ.java", "environ");
            s.config("""
                    JvmDaemonProcess g "jvm-options=-Xmx96m -Dmodjvm.test=from-jvm-options -Dmodjvm.test2=two"
                    JvmScriptAlias / %s process-group=g
                    """.formatted(app)).start();
            EnvironDump e = EnvironDump.of(RawHttp.get(s.port(), "/"));
            assertEquals("g", e.string("mod_jvm.process_group"));
            assertEquals("from-jvm-options", e.value("@sysprop.modjvm.test"));
            assertEquals("two", e.value("@sysprop.modjvm.test2"));
            long max = Long.parseLong(e.value("@maxMemory"));
            assertTrue(max > 80L << 20 && max <= 96L << 20, "-Xmx96m replaces the default -Xmx64m: " + max);
        }
    }
}
