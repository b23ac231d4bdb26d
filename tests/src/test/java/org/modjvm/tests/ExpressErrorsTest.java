package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modjvm.tests.ExpressServerTest.run;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every bad argument of mod_jvm-express: one line {@code mod_jvm-express: error: …} on stderr and
 * exit status 2 (command line error) or 1 (cannot work here), nothing started; and --help.
 */
class ExpressErrorsTest {
    private Path dir;
    private Path app;

    @BeforeEach
    void setUp() throws IOException {
        dir = ExpressServerTest.tempDir();
        app = ExpressServerTest.copyHello(dir);
    }

    @AfterEach
    void tearDown() {
        ExpressServerTest.deleteTree(dir);
    }

    private ExpressServerTest.Result fails(int code, String expected, String... args) {
        ExpressServerTest.Result r = run(args);
        assertEquals(code, r.code(), r.output());
        String[] lines = r.output().strip().split("\n");
        assertEquals(1, lines.length, "one line expected:\n" + r.output());
        assertTrue(lines[0].startsWith("mod_jvm-express: error: "), r.output());
        assertTrue(lines[0].contains(expected), "expected '" + expected + "' in: " + r.output());
        return r;
    }

    private String root() {
        return dir.resolve("root").toString();
    }

    @Test
    void missingFile() {
        fails(1, "no-such-app.java: no such file", "start-server", dir.resolve("no-such-app.java").toString(),
                "--server-root", root());
    }

    @Test
    void directoryInsteadOfFile() {
        fails(1, "is a directory", "start-server", dir.toString(), "--server-root", root());
    }

    @Test
    void unknownOptionAndCommand() {
        fails(2, "unknown option --bogus", "start-server", app.toString(), "--bogus");
        fails(2, "unknown command 'serve'", "serve");
        fails(2, "more than one application", "start-server", app.toString(), app.toString());
    }

    @Test
    void badValues() {
        fails(2, "--port 'eighty' is not a number from 1 to 65535", "start-server", "--port", "eighty");
        fails(2, "--port '0' is not a number", "start-server", "--port=0");
        fails(2, "--processes '0' is not a number from 1 to 256", "start-server", "--processes", "0");
        fails(2, "--threads needs a value", "start-server", "--threads");
        fails(2, "--url-alias needs two values", "start-server", "--url-alias", "/x");
        fails(2, "--log-level 'loud'", "start-server", "--log-level", "loud");
        fails(2, "--mount-point 'app' must be a URL path", "start-server", "--mount-point", "app");
        fails(2, "--jvm-options: 'Xmx1g' is not a JVM option", "start-server", "--jvm-options", "Xmx1g");
        fails(2, "--https-port needs --ssl-certificate-file", "start-server", "--https-port", "8443");
        fails(2, "--embedded-mode takes no value", "start-server", "--embedded-mode=yes");
    }

    @Test
    void portInUseNamesTheProcessThatHasIt() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = s.getLocalPort();
            ExpressServerTest.Result r = fails(1, "--port " + port + " on 127.0.0.1 is already in use by java (pid "
                    + ProcessHandle.current().pid() + ")", "start-server", app.toString(), "--port",
                    Integer.toString(port), "--server-root", root());
            assertTrue(r.output().contains("choose another with --port"), r.output());
        }
        assertTrue(!Files.exists(dir.resolve("root/httpd.conf")), "nothing is written when the port is taken");
    }

    @Test
    void noApacheSaysWhichPackage() {
        fails(1, "Apache httpd is not installed (no /nonexistent/apache2): apt-get install apache2",
                "start-server", app.toString(), "--httpd-executable", "/nonexistent/apache2", "--server-root", root());
    }

    @Test
    void missingUrlAliasTargetAndIncludeFile() {
        fails(1, "--url-alias /media: " + dir.resolve("nothing") + ": no such file or directory", "setup-server",
                app.toString(), "--url-alias", "/media", dir.resolve("nothing").toString(), "--server-root", root());
        fails(1, "--include-file " + dir.resolve("extra.conf") + ": no such file", "setup-server", app.toString(),
                "--include-file", dir.resolve("extra.conf").toString(), "--server-root", root());
    }

    @Test
    void applicationUnreadableForTheUserItRunsAs() throws IOException {
        Path secret = dir.resolve("secret");
        Files.createDirectories(secret);
        Path hidden = Files.copy(app, secret.resolve("site.java"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwx------"));
        if (ApacheServer.isRoot()) {
            fails(1, "cannot be read by www-data, the user the application runs as: " + secret
                    + " is not searchable by www-data (mode 0700, owner root)", "start-server", hidden.toString(),
                    "--server-root", root());
        } else {
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(hidden, PosixFilePermissions.fromString("-w-------"));
            fails(1, "is not readable by", "start-server", hidden.toString(), "--server-root", root());
        }
    }

    @Test
    void javaHomeWithoutACompilerForASourceFile() throws IOException {
        Path jre = dir.resolve("fake-jre");
        Files.createDirectories(jre.resolve("lib/server"));
        Files.createDirectories(jre.resolve("bin"));
        Files.writeString(jre.resolve("lib/server/libjvm.so"), "");
        Files.writeString(jre.resolve("release"), "JAVA_VERSION=\"17\"\nMODULES=\"java.base java.logging\"\n");
        fails(1, "--java-home " + jre + ", has no Java compiler (no bin/javac, no jdk.compiler module): site.java",
                "start-server", app.toString(), "--java-home", jre.toString(), "--server-root", root());
        fails(1, "--java-home " + dir + ", is not a JDK: it has no lib/server/libjvm.so",
                "start-server", app.toString(), "--java-home", dir.toString(), "--server-root", root());
        fails(1, "--java-home " + dir.resolve("none") + " does not exist",
                "start-server", app.toString(), "--java-home", dir.resolve("none").toString(), "--server-root", root());
    }

    @Test
    void userOfAnotherKind() {
        if (ApacheServer.isRoot()) {
            fails(1, "--user no-such-user-xyz: no such user", "start-server", app.toString(), "--user",
                    "no-such-user-xyz", "--server-root", root());
            fails(1, "--user root: the application never runs as root", "start-server", app.toString(),
                    "--user", "root", "--server-root", root());
        } else {
            fails(1, "needs mod_jvm-express to be started as root", "start-server", app.toString(), "--user",
                    "www-data", "--server-root", root());
        }
    }

    /** Issue 10, item 4: the application never runs in the root group; "#number" is parsed strictly. */
    @Test
    void groupOfAnotherKind() {
        fails(2, "--group '#abc' is malformed: '#' must be followed by a gid", "start-server", app.toString(),
                "--group", "#abc", "--server-root", root());
        fails(2, "--user '#33abc' is malformed: '#' must be followed by a uid", "start-server", app.toString(),
                "--user", "#33abc", "--server-root", root());
        fails(2, "--group '#-1' is malformed", "start-server", app.toString(), "--group", "#-1", "--server-root", root());
        fails(2, "--group '#99999999999' is malformed", "start-server", app.toString(), "--group", "#99999999999",
                "--server-root", root());
        if (ApacheServer.isRoot()) {
            for (String g : new String[] {"root", "#0"}) {
                fails(1, "--group " + g + ": the application never runs in the root group (gid 0)", "start-server",
                        app.toString(), "--group", g, "--server-root", root());
                fails(1, "--group " + g + ": the application never runs in the root group (gid 0)", "start-server",
                        app.toString(), "--group", g, "--embedded-mode", "--server-root", root());
            }
            fails(1, "--user #0: the application never runs as root", "start-server", app.toString(),
                    "--user", "#0", "--server-root", root());
        }
        assertTrue(!Files.exists(dir.resolve("root/httpd.conf")), "nothing is written");
    }

    @Test
    void helpForTheCommandAndEachSubcommand() {
        ExpressServerTest.Result top = run("--help");
        assertEquals(0, top.code(), top.output());
        for (String c : new String[] {"start-server", "setup-server", "module-config", "module-location", "install-module"}) {
            assertTrue(top.output().contains(c), top.output());
            ExpressServerTest.Result h = run(c, "--help");
            assertEquals(0, h.code(), h.output());
            assertTrue(h.output().startsWith("Usage: mod_jvm-express " + c), h.output());
        }
        ExpressServerTest.Result start = run("start-server", "--help");
        for (String o : new String[] {"--port", "--host", "--server-name", "--processes", "--threads", "--url-alias",
            "--mount-point", "--java-home", "--class-path", "--jvm-options", "--user", "--group", "--server-root",
            "--log-to-terminal", "--access-log", "--startup-log", "--log-level", "--reload-on-changes",
            "--maximum-requests", "--request-timeout", "--queue-timeout", "--include-file", "--https-port",
            "--ssl-certificate-file", "--ssl-certificate-key-file", "--embedded-mode"}) {
            assertTrue(start.output().contains("  " + o + " "), o + " missing from:\n" + start.output());
        }
        ExpressServerTest.Result none = run();
        assertEquals(2, none.code(), none.output());
        assertTrue(none.output().startsWith("Usage: mod_jvm-express COMMAND"), none.output());
    }
}
