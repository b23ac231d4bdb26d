package org.modjvm.express;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts through libc (JNA: the struct offsets, the growing buffers) and the readability check
 * made by a child process (tests/ ExpressAccountsTest has NSS-only users and ACLs, as root).
 */
class SysTest {
    @TempDir
    Path dir;

    @Test
    void rootAsTheDatabasesSayIt() {
        Sys.Account root = Sys.account("root");
        assertNotNull(root);
        assertEquals("root", root.name());
        assertEquals(0, root.uid());
        assertEquals(0, root.gid());
        assertEquals("/root", root.home());
        assertEquals(0, root.groups().get(0));
        assertEquals("root", Sys.account("#0").name());
        assertEquals("root", Sys.userName(0));
        assertEquals(0, Sys.groupId("root"));
        assertEquals(4242, Sys.groupId("#4242"));
        assertEquals("root", Sys.groupName(0));
    }

    @Test
    void whatDoesNotExistIsNull() {
        assertNull(Sys.account("no-such-user-mod-jvm"));
        assertNull(Sys.account("#4000000123"));
        assertEquals(-1, Sys.groupId("no-such-group-mod-jvm"));
        assertEquals("uid 4000000123", Sys.userName((int) 4000000123L));
        assertEquals("#4000000123", Sys.groupName((int) 4000000123L));
    }

    @Test
    void theUserRunningTheTestIsItsOwnUid() throws IOException {
        int uid = (Integer) Files.getAttribute(dir, "unix:uid");
        Sys.Account me = Sys.account(System.getProperty("user.name"));
        assertNotNull(me);
        assertEquals(uid, me.uid());
        assertEquals(me.name(), Sys.userName(uid));
        assertEquals(me.gid(), me.groups().get(0));
    }

    /** Without a look-up: /proc/self/status, as the files this process creates say. */
    @Test
    void selfIsTheProcesssOwnAccount() throws IOException {
        Path file = Files.writeString(dir.resolve("mine"), "");
        Sys.Account self = Sys.self();
        assertEquals(System.getProperty("user.name"), self.name());
        assertEquals((Integer) Files.getAttribute(file, "unix:uid"), self.uid());
        assertEquals((Integer) Files.getAttribute(file, "unix:gid"), self.gid());
        assertEquals(Sys.account(self.name()).uid(), self.uid());
    }

    @Test
    void readableAsTheUserRunningTheTest() throws IOException {
        Sys.Account me = Sys.self();
        Path file = Files.writeString(dir.resolve("site.java"), "class Site {}");
        assertNull(Sys.unreadable(file, me, false));
        assertNull(Sys.unreadable(dir, me, false));
        assumeTrue(me.uid() != 0, "root reads everything");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("-w-------"));
        String why = Sys.unreadable(file, me, false);
        assertTrue(why != null && why.startsWith(file + " is not readable by " + me.name() + " (mode 0200, owner "), why);
    }

    /** As root, the check runs as another user (setpriv): mode bits it lacks refuse, named in the answer. */
    @Test
    void asRootTheCheckIsMadeAsTheOtherUser() throws IOException {
        assumeTrue((Integer) Files.getAttribute(dir, "unix:uid") == 0, "switching users needs root");
        Sys.Account nobody = Sys.account("nobody");
        assertNotNull(nobody);
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path file = Files.writeString(sub.resolve("site.java"), "class Site {}");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assumeTrue(Sys.unreadable(dir, nobody, true) == null, "the temporary directory is out of nobody's reach");
        assertNull(Sys.unreadable(file, nobody, true));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals(file + " is not readable by nobody (mode 0600, owner root)", Sys.unreadable(file, nobody, true));
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr--r--"));
        assertEquals(sub + " is not searchable by nobody (mode 0744, owner root)", Sys.unreadable(file, nobody, true));
        assertEquals(sub + " is not readable by nobody (mode 0744, owner root)", Sys.unreadable(sub, nobody, true));
    }
}
