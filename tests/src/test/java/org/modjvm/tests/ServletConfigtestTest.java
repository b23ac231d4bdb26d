package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code apache2 -t} on mounted web applications: a missing WAR, a directory without
 * {@code WEB-INF/}, and web applications that the processes serving them could not read (the
 * WAR itself, a directory on the way to it, the WEB-INF/ of a directory application; Apache's
 * User in embedded mode, the daemon group's user otherwise) fail it, naming the directive and
 * the file, and (for the unreadable ones, JVM00120) the user and what to do. The unreadable
 * files live outside the server root, which the harness makes readable to everyone.
 */
@ExtendWith(DumpLogOnFailure.class)
class ServletConfigtestTest {
    ApacheServer server;
    Path outside;
    Path war;

    @BeforeEach
    void setUp() throws IOException {
        server = ApacheServer.create().name("servlet-configtest");
        Path good = DeployApps.smokeWith(server.root().resolve("apps/good"), "");
        outside = Files.createTempDirectory("modjvm-war-");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));
        war = SmokeWebApp.war(good, outside.resolve("shop.war"));
        Files.setPosixFilePermissions(war, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
        try (var files = Files.walk(outside)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------"
                        : "rw-------"));
                Files.delete(p);
            }
        }
    }

    ApacheServer.ConfigTest configtest(String snippet) {
        server.config(snippet);
        return server.configtest();
    }

    static void assertFails(ApacheServer.ConfigTest ct, String... regexes) {
        assertNotEquals(0, ct.exitCode(), () -> "configtest must fail:\n" + ct.output());
        System.out.println("[configtest] " + ct.output().strip());
        for (String regex : regexes) {
            assertTrue(Pattern.compile(regex).matcher(ct.output()).find(), () -> "configtest output lacks /" + regex
                    + "/:\n" + ct.output());
        }
    }

    @Test
    void aReadableWarPassesInBothModes() {
        ApacheServer.ConfigTest ct = configtest("""
                JvmDaemonProcess shop
                JvmScriptAlias /e %1$s
                JvmScriptAlias /d %1$s process-group=shop
                """.formatted(war));
        assertEquals(0, ct.exitCode(), ct::output);
    }

    @Test
    void aMissingWarFails() {
        assertFails(configtest("JvmScriptAlias /shop " + outside.resolve("gone.war") + "\n"),
                "JvmScriptAlias: web application '" + Pattern.quote(outside.resolve("gone.war").toString())
                        + "' cannot be found");
    }

    @Test
    void aDirectoryWithoutWebInfFails() throws IOException {
        Path dir = server.root().resolve("apps/notawebapp");
        Files.createDirectories(dir.resolve("classes"));
        assertFails(configtest("JvmScriptAlias /x " + dir + "/\n"), "JvmScriptAlias: '" + Pattern.quote(dir + "/")
                + "' is neither a \\.java source file, a \\.jar, a \\.war nor a directory holding WEB-INF/");
    }

    @Test
    void aWarApacheUserCannotReadFailsEmbeddedMode() throws IOException {
        Files.setPosixFilePermissions(war, PosixFilePermissions.fromString(ApacheServer.isRoot() ? "rw-------"
                : "---------"));
        assertFails(configtest("JvmScriptAlias /shop " + war + "\n"),
                "JVM00120: JvmScriptAlias /shop \\(at [^)]*httpd.conf:\\d+\\): web application " + Pattern.quote(war.toString())
                        + " cannot be read by (user " + (ApacheServer.isRoot() ? ApacheServer.RUN_USER : "\\S+")
                        + " \\(uid \\d+\\)|uid \\d+), who runs it \\(Apache's User, in embedded mode|Apache itself, in"
                        + " embedded mode\\): " + Pattern.quote(war.toString()) + " cannot be read \\(r\\) \\(Permission"
                        + " denied\\)");
    }

    @Test
    void aDirectoryOnTheWayTheDaemonsCannotSearchFails() throws IOException {
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString(ApacheServer.isRoot() ? "rwx------"
                : "rw-------"));
        assertFails(configtest("""
                JvmDaemonProcess shop
                JvmScriptAlias /shop %s process-group=shop
                """.formatted(war)),
                "JVM00120: JvmScriptAlias /shop .*web application " + Pattern.quote(war.toString()) + " cannot be read"
                        + " by .*\\(the processes of daemon process group shop\\): the directory "
                        + Pattern.quote(outside.toString()) + " on the way to it cannot be searched \\(x\\)");
    }

    @Test
    void aDirectoryApplicationWhoseWebInfCannotBeReadFails() throws IOException {
        Path app = DeployApps.smokeWith(outside.resolve("exploded"), "");
        try (var files = Files.walk(app)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
        Files.setPosixFilePermissions(app.resolve("WEB-INF"), PosixFilePermissions.fromString(ApacheServer.isRoot()
                ? "rwx------" : "-w-------"));
        assertFails(configtest("JvmScriptAlias /app " + app + "\n"), "JVM00120: JvmScriptAlias /app .*web application "
                + Pattern.quote(app.toString()) + " cannot be read by .*: its directory "
                + Pattern.quote(app.resolve("WEB-INF").toString()) + " cannot be read and searched \\(rx\\)");
    }

    /**
     * The check is made as the user that will read the WAR: readable by Apache's User through
     * its group (embedded mode passes) but not by a daemon group's own user.
     */
    @Test
    void theDaemonGroupsUserIsTheOneThatMustReadIt() throws IOException {
        assumeTrue(ApacheServer.isRoot(), "needs root: a file of group www-data, a daemon group of user nobody");
        PosixFileAttributeView view = Files.getFileAttributeView(war, PosixFileAttributeView.class);
        GroupPrincipal group = war.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(ApacheServer.RUN_USER);
        view.setGroup(group);
        Files.setPosixFilePermissions(war, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals(0, configtest("JvmScriptAlias /e " + war + "\n").exitCode(), "www-data reads it through its group");
        assertFails(configtest("""
                JvmDaemonProcess other user=nobody
                JvmScriptAlias /d %s process-group=other
                """.formatted(war)), "JVM00120: JvmScriptAlias /d .*cannot be read by user nobody \\(uid \\d+\\), who runs"
                + " it \\(the processes of daemon process group other\\): " + Pattern.quote(war.toString())
                + " cannot be read \\(r\\)");
    }
}
