package org.modjvm.runtime.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modjvm.runtime.compile.JavaSourceCompiler;
import org.modjvm.runtime.compile.ScriptClasses;
import org.modjvm.runtime.compile.ScriptLoadException;
import org.modjvm.runtime.compile.ScriptSource;
import org.modjvm.runtime.core.FakeTransport;
import org.modjvm.runtime.log.Log;

/**
 * {@link OwnedFileReader}: the owner checked is the owner of the file read; symlinks are
 * followed only when a trusted user owns them; what is not a regular file is refused. Works as
 * root (symlinks are given to another uid) and as any other user (the reader is told to trust
 * other users than the one running the test).
 */
class OwnedFileReaderTest {
    /** A uid no file here belongs to, and that the reader does not trust unless told. */
    private static final int STRANGER = 4_000_123;

    @TempDir
    Path dir;

    private int uid;
    private int gid;
    private Path script;

    @BeforeEach
    void setUp() throws IOException {
        uid = (Integer) Files.getAttribute(dir, "unix:uid");
        gid = (Integer) Files.getAttribute(dir, "unix:gid");
        script = Files.writeString(dir.resolve("site.java"), "class Site {}");
        assertNull(OwnedFileReader.problem(), "JNA works in the test JVM");
    }

    private boolean root() {
        return uid == 0;
    }

    /** Requires {@code owner}; trusts symlinks of root and of {@code processUid}. */
    private static OwnedFileReader reader(ScriptOwner owner, int processUid) {
        return new OwnedFileReader(owner, processUid, "daemon process group test");
    }

    /** Requires the test's uid and gid; trusts symlinks of root and of the test's user. */
    private OwnedFileReader mine() {
        return reader(new ScriptOwner(uid, "me", gid, "mine"), uid);
    }

    /** Requires the test's group only; trusts symlinks of root and of STRANGER (so not the test's own, unless root). */
    private OwnedFileReader distrustingMe() {
        return reader(new ScriptOwner(-1, "", gid, "mine"), STRANGER);
    }

    /** A symlink at {@code link} to {@code target}, owned by someone {@link #distrustingMe()} does not trust. */
    private Path untrustedSymlink(Path link, Path target) throws IOException {
        Files.createSymbolicLink(link, target);
        if (root()) {
            // root's symlinks are always trusted: give it to an ordinary uid (lchown)
            Files.setAttribute(link, "unix:uid", STRANGER + 1, LinkOption.NOFOLLOW_LINKS);
        }
        return link;
    }

    private static ScriptLoadException refused(OwnedFileReader reader, Path path) {
        return assertThrows(ScriptLoadException.class, () -> reader.read(path.toString()));
    }

    @Test
    void aFileOfTheRequiredOwnerIsRead() throws Exception {
        assertArrayEquals("class Site {}".getBytes(StandardCharsets.UTF_8), mine().read(script.toString()));
        assertArrayEquals("class Site {}".getBytes(StandardCharsets.UTF_8),
                distrustingMe().read(script.toString()), "script-group only");
    }

    @Test
    void largeFilesAreReadWhole() throws Exception {
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        Files.write(script, big);
        assertArrayEquals(big, mine().read(script.toString()));
    }

    @Test
    void aFileOfAnotherOwnerIsForbiddenAndTheMessageNamesBoth() {
        ScriptLoadException e = refused(reader(new ScriptOwner(STRANGER, "site", -1, ""), uid), script);
        assertTrue(e.forbidden, e.getMessage());
        assertEquals("JVM01345", e.code);
        assertEquals("script " + script + " is owned by uid " + uid + " gid " + gid + "; daemon process group test"
                + " runs only scripts owned by script-user=site (uid " + STRANGER + "): forbidden", e.getMessage());
    }

    @Test
    void aFileOfAnotherGroupIsForbidden() {
        ScriptLoadException e = refused(reader(new ScriptOwner(uid, "me", STRANGER, "site"), uid), script);
        assertTrue(e.forbidden, e.getMessage());
        assertEquals("JVM01345", e.code);
        assertTrue(e.getMessage().contains("script-user=me (uid " + uid + ") and script-group=site (gid " + STRANGER + ")"),
                e.getMessage());
    }

    @Test
    void anUntrustedSymlinkIsNotFollowedEvenToTheRightFile() throws Exception {
        Path link = untrustedSymlink(dir.resolve("link.java"), script);
        ScriptLoadException e = refused(distrustingMe(), link);
        assertTrue(e.forbidden, e.getMessage());
        assertEquals("JVM01346", e.code);
        assertTrue(e.getMessage().startsWith("script " + link + ": the symbolic link " + link + " is owned by uid "),
                e.getMessage());
    }

    @Test
    void anUntrustedSymlinkedDirectoryIsNotFollowed() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Files.writeString(sub.resolve("app.java"), "class App {}");
        Path link = untrustedSymlink(dir.resolve("dirlink"), sub);
        ScriptLoadException e = refused(distrustingMe(), link.resolve("app.java"));
        assertTrue(e.forbidden, e.getMessage());
        assertEquals("JVM01346", e.code);
        assertTrue(e.getMessage().contains("the symbolic link " + link + " is owned by"), e.getMessage());
    }

    @Test
    void trustedSymlinksAreFollowedRelativeAbsoluteAndThroughDirectories() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Files.writeString(sub.resolve("app.java"), "class App {}");
        // the test's own links: trusted by mine() (its processUid), and by anyone when running as root
        Files.createSymbolicLink(dir.resolve("relative.java"), Path.of("site.java"));
        Files.createSymbolicLink(dir.resolve("absolute.java"), script);
        Files.createSymbolicLink(dir.resolve("up.java"), Path.of("sub/../sub/./app.java"));
        Files.createSymbolicLink(dir.resolve("dirlink"), Path.of("sub"));
        Files.createSymbolicLink(dir.resolve("chain.java"), Path.of("relative.java"));
        assertEquals("class Site {}", text(mine().read(dir.resolve("relative.java").toString())));
        assertEquals("class Site {}", text(mine().read(dir.resolve("absolute.java").toString())));
        assertEquals("class Site {}", text(mine().read(dir.resolve("chain.java").toString())));
        assertEquals("class App {}", text(mine().read(dir.resolve("up.java").toString())));
        assertEquals("class App {}", text(mine().read(dir.resolve("dirlink/app.java").toString())));
        assertEquals("class App {}", text(mine().read(dir.resolve("sub/../dirlink/./app.java").toString())));
    }

    @Test
    void theOwnerCheckedIsTheOwnerOfTheTargetNotOfTheLink() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("link.java"), script);
        ScriptLoadException e = refused(reader(new ScriptOwner(STRANGER, "site", -1, ""), uid), link);
        assertEquals("JVM01345", e.code);
        assertTrue(e.getMessage().startsWith("script " + link + " (reached as " + script + ") is owned by uid " + uid),
                e.getMessage());
    }

    @Test
    void whatIsNotARegularFileIsForbiddenWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo.java");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
        ScriptLoadException e = refused(mine(), fifo); // a FIFO without a writer: opened O_NONBLOCK, never waits
        assertTrue(e.forbidden, e.getMessage());
        assertTrue(e.getMessage().contains("is a FIFO, not a regular file"), e.getMessage());
        ScriptLoadException d = refused(mine(), Files.createDirectory(dir.resolve("d.java")));
        assertTrue(d.getMessage().contains("is a directory, not a regular file"), d.getMessage());
    }

    @Test
    void readErrorsAreNotForbidden() throws Exception {
        ScriptLoadException missing = refused(mine(), dir.resolve("missing.java"));
        assertFalse(missing.forbidden);
        assertEquals("JVM01210", missing.code);
        assertTrue(missing.getMessage().contains("No such file or directory"), missing.getMessage());
        Files.createSymbolicLink(dir.resolve("a.java"), Path.of("b.java"));
        Files.createSymbolicLink(dir.resolve("b.java"), Path.of("a.java"));
        ScriptLoadException loop = refused(mine(), dir.resolve("a.java"));
        assertFalse(loop.forbidden);
        assertTrue(loop.getMessage().contains("Too many levels of symbolic links"), loop.getMessage());
        ScriptLoadException notDir = refused(mine(), script.resolve("x.java"));
        assertTrue(notDir.getMessage().contains("Not a directory"), notDir.getMessage());
        ScriptLoadException relative = assertThrows(ScriptLoadException.class, () -> mine().read("site.java"));
        assertTrue(relative.getMessage().contains("not an absolute path"), relative.getMessage());
    }

    @Test
    void aForbiddenScriptIsA403ThatIsNotRemembered() throws Exception {
        ScriptLoader loader = new ScriptLoader(null, JavaSourceCompiler.configured(System.getProperty("java.home")),
                reader(new ScriptOwner(STRANGER, "site", -1, ""), uid));
        ApplicationRegistry registry = new ApplicationRegistry(loader);
        FakeTransport log = new FakeTransport();
        ScriptRequest request = new ScriptRequest(script.toString(), "g", "application", 1, 13, true);
        LoadedApplication refused = registry.lookup(request, new Log(log, Log.DEBUG));
        assertTrue(refused.forbidden() && !refused.ok(), String.valueOf(refused));
        assertTrue(log.logs.stream().anyMatch(l -> l.text().startsWith("JVM01345: script " + script)), log.logs.toString());
        // asked again (same stat): read and refused again, not answered from a remembered failure
        log.logs.clear();
        assertTrue(registry.lookup(request, new Log(log, Log.DEBUG)).forbidden());
        assertTrue(log.logs.stream().anyMatch(l -> l.text().startsWith("JVM01345:")), log.logs.toString());
    }

    /** A checked jar's resources are served from its bytes: the path need not even exist any more. */
    @Test
    void anOwnerCheckedJarsResourcesComeFromItsBytes() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            jar.putNextEntry(new ZipEntry("A.class"));
            jar.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
            jar.closeEntry();
            jar.putNextEntry(new ZipEntry("conf/msg.txt"));
            jar.write("from the snapshot".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        Path gone = dir.resolve("gone.jar");
        ScriptClasses classes = JarReader.read(ScriptSource.ownerChecked(gone, bytes.toByteArray()));
        URL url = classes.resources().get("conf/msg.txt");
        assertEquals(SnapshotResource.PROTOCOL + ":" + gone + "!/conf/msg.txt", url.toString());
        try (InputStream in = url.openStream()) {
            assertEquals("from the snapshot", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(17, url.openConnection().getContentLengthLong());
        // not checked: served from the file, as before
        ScriptClasses plain = JarReader.read(new ScriptSource(gone, bytes.toByteArray(),
                ScriptSource.sha256(bytes.toByteArray()), true, false));
        assertEquals("jar", plain.resources().get("conf/msg.txt").getProtocol());
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
