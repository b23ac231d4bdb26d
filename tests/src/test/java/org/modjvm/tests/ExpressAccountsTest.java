package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * mod_jvm-express started as root sees accounts and permissions as the system does (issue 11):
 * users and groups through NSS (here a non-files source, Debian's libnss-extrausers, switched on in
 * /etc/nsswitch.conf for the test only), and readability by trying as the user the application
 * runs as, so that ACLs count (setfacl). Root only: accounts and other users' permissions.
 */
class ExpressAccountsTest {
    private static final Path NSSWITCH = Path.of("/etc/nsswitch.conf");
    private static final Path EXTRAUSERS = Path.of("/var/lib/extrausers");
    /** Ids unlikely to be taken; checked free before use. */
    private static final int UID = 61234;
    private static final int GID = 61235;
    private static final String USER = "modjvm-nss-only";
    private static final String GROUP = "modjvm-nss-group";

    private Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(ApacheServer.isRoot(), "other users' accounts and permissions need root");
        dir = ExpressServerTest.tempDir();
    }

    @AfterEach
    void tearDown() {
        for (Process p : started) {
            ExpressServerTest.stop(p);
        }
        ExpressServerTest.deleteTree(dir);
    }

    /**
     * A user, its primary group and a group it is a member of, that only NSS knows (not
     * /etc/passwd, /etc/group): accepted, and the application, readable only through that
     * membership, runs as that user.
     */
    @Test
    void aUserKnownOnlyThroughNssRunsTheApplication() throws Exception {
        try (ExtraUsers x = new ExtraUsers()) {
            Path app = ExpressServerTest.copyHello(dir);
            Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-r-----"));
            Daemons.Result chgrp = Daemons.run("chgrp", GROUP, app.toString());
            assertEquals(0, chgrp.exitCode(), chgrp::output);
            Path root = dir.resolve("root");
            int port = ExpressServerTest.freePort();
            Path out = dir.resolve("out.txt");
            Process p = ExpressServerTest.launch(out, "start-server", app.toString(), "--port", Integer.toString(port),
                    "--user", USER, "--server-root", root.toString());
            started.add(p);
            RawHttp.Response r = ExpressServerTest.awaitOk(p, port, "/", out);
            assertEquals("Hello World!", r.text());
            String config = Files.readString(root.resolve("httpd.conf"));
            assertTrue(config.contains("User " + USER + "\nGroup " + USER + "\n"), config);
            // Apache's children and the daemon processes run as that user
            List<String> uids = new ArrayList<>();
            p.toHandle().descendants().forEach(h -> uids.add(uid(h.pid())));
            assertTrue(uids.contains(Integer.toString(UID)), () -> "uids of Apache's processes: " + uids);
            ExpressServerTest.stop(p);
        }
    }

    /** A directory and file that www-data may read only through ACL entries: accepted, and served. */
    @Test
    void anApplicationReadableOnlyThroughAnAclIsAccepted() throws Exception {
        Path secret = dir.resolve("acl");
        Files.createDirectories(secret);
        Path app = Files.copy(ExpressServerTest.copyHello(dir), secret.resolve("site.java"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-------"));
        setfacl("u:www-data:x", secret);
        setfacl("u:www-data:r", app);
        Path root = dir.resolve("root");
        int port = ExpressServerTest.freePort();
        Path out = dir.resolve("out.txt");
        Process p = ExpressServerTest.launch(out, "start-server", app.toString(), "--port", Integer.toString(port),
                "--server-root", root.toString());
        started.add(p);
        assertEquals("Hello World!", ExpressServerTest.awaitOk(p, port, "/", out).text());
    }

    /** Mode bits that let every user read, and an ACL entry that denies www-data: refused, as the kernel would. */
    @Test
    void anApplicationAnAclDeniesIsRefused() throws Exception {
        Path app = ExpressServerTest.copyHello(dir);
        setfacl("u:www-data:-", app);
        ExpressServerTest.Result r = ExpressServerTest.run("setup-server", app.toString(), "--server-root",
                dir.resolve("root").toString());
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().startsWith("mod_jvm-express: error: the application " + app + " cannot be read by "
                + "www-data, the user the application runs as: " + app + " is not readable by www-data (mode 0644, "
                + "owner root"), r.output());
        assertFalse(Files.exists(dir.resolve("root/httpd.conf")), "nothing is written");
    }

    // ------------------------------------------------------------------ helpers

    private static void setfacl(String entry, Path p) {
        Daemons.Result r = Daemons.run("setfacl", "-m", entry, p.toString());
        assertEquals(0, r.exitCode(), () -> "setfacl (scripts/install-deps installs acl): " + r.output());
    }

    private static String uid(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2]; // real, effective, saved, fs: the effective one
                }
            }
        } catch (IOException e) {
            // gone
        }
        return "?";
    }

    /**
     * A user, its group and another group it is a member of in libnss-extrausers' files, and {@code extrausers} after
     * {@code files} for passwd and group in /etc/nsswitch.conf; everything put back on close.
     */
    private static final class ExtraUsers implements AutoCloseable {
        private final byte[] nsswitch;
        private final boolean madeDir;
        private final List<Path> made = new ArrayList<>();

        ExtraUsers() throws IOException {
            for (String id : new String[] {Integer.toString(UID), Integer.toString(GID), USER, GROUP}) {
                assertTrue(Daemons.run("getent", "passwd", id).exitCode() != 0, "user " + id + " exists already");
                assertTrue(Daemons.run("getent", "group", id).exitCode() != 0, "group " + id + " exists already");
            }
            madeDir = !Files.isDirectory(EXTRAUSERS);
            for (String f : new String[] {"passwd", "group"}) {
                assertFalse(Files.exists(EXTRAUSERS.resolve(f)), EXTRAUSERS.resolve(f) + " is in use: not touching it");
            }
            nsswitch = Files.readAllBytes(NSSWITCH);
            try {
                Files.createDirectories(EXTRAUSERS);
                write(EXTRAUSERS.resolve("passwd"), USER + ":x:" + UID + ":" + UID + ":mod_jvm test:/nonexistent:/usr/sbin/nologin\n");
                write(EXTRAUSERS.resolve("group"), USER + ":x:" + UID + ":\n" + GROUP + ":x:" + GID + ":" + USER + "\n");
                StringBuilder b = new StringBuilder();
                for (String line : new String(nsswitch, StandardCharsets.ISO_8859_1).split("\n", -1)) {
                    b.append(line.matches("(passwd|group):.*") ? line + " extrausers" : line).append('\n');
                }
                b.setLength(b.length() - 1);
                replace(NSSWITCH, b.toString().getBytes(StandardCharsets.ISO_8859_1));
                Daemons.Result seen = Daemons.run("getent", "passwd", USER);
                assertEquals(0, seen.exitCode(), "NSS does not see the extra user (scripts/install-deps installs libnss-extrausers): " + seen.output());
                assertFalse(Files.readString(Path.of("/etc/passwd"), StandardCharsets.ISO_8859_1).contains(USER),
                        "the user must not be in /etc/passwd");
            } catch (IOException | RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        private void write(Path p, String text) throws IOException {
            Files.writeString(p, text, StandardCharsets.ISO_8859_1);
            made.add(p);
        }

        private static void replace(Path p, byte[] content) throws IOException {
            Path tmp = p.resolveSibling("." + p.getFileName() + ".modjvm-test");
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public void close() throws IOException {
            replace(NSSWITCH, nsswitch);
            for (Path p : made) {
                Files.deleteIfExists(p);
            }
            if (madeDir) {
                Files.deleteIfExists(EXTRAUSERS);
            }
        }
    }
}
