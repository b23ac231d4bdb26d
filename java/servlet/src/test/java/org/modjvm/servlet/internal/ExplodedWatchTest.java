package org.modjvm.servlet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What ExplodedWatch counts as a change of a directory application (ServletDeployTest redeploys real ones). */
class ExplodedWatchTest {
    @TempDir
    Path app;

    @Test
    void theFilesADeployReadsAreWatchedAndNothingElse() throws IOException {
        write("WEB-INF/web.xml", "<web-app/>");
        write("WEB-INF/classes/a/A.class", "one");
        write("WEB-INF/lib/x.jar", "jar");
        write("index.jsp", "jsp");
        long base = ExplodedWatch.fingerprint(app);
        assertEquals(base, ExplodedWatch.fingerprint(app), "the same files, the same fingerprint");
        write("index.jsp", "another jsp");
        write("static/style.css", "css");
        assertEquals(base, ExplodedWatch.fingerprint(app), "JSPs and static files are the engine's");
        FileTime old = Files.getLastModifiedTime(app.resolve("WEB-INF/classes/a/A.class"));
        write("WEB-INF/classes/a/A.class", "two"); // same size
        Files.setLastModifiedTime(app.resolve("WEB-INF/classes/a/A.class"), FileTime.fromMillis(old.toMillis() + 1000));
        long rewritten = ExplodedWatch.fingerprint(app);
        assertNotEquals(base, rewritten, "a class rewritten");
        write("WEB-INF/classes/a/B.class", "new");
        long added = ExplodedWatch.fingerprint(app);
        assertNotEquals(rewritten, added, "a class added");
        Files.delete(app.resolve("WEB-INF/classes/a/B.class"));
        assertEquals(rewritten, ExplodedWatch.fingerprint(app), "removed again: as before");
        Files.move(app.resolve("WEB-INF/lib/x.jar"), app.resolve("WEB-INF/lib/y.jar"));
        assertNotEquals(rewritten, ExplodedWatch.fingerprint(app), "a jar renamed");
        long renamed = ExplodedWatch.fingerprint(app);
        Files.delete(app.resolve("WEB-INF/web.xml"));
        assertNotEquals(renamed, ExplodedWatch.fingerprint(app), "web.xml removed");
        long noWebXml = ExplodedWatch.fingerprint(app);
        write("META-INF/context.xml", "<Context/>");
        assertNotEquals(noWebXml, ExplodedWatch.fingerprint(app), "context.xml added");
    }

    @Test
    void aChangeIsSeenOnceTheIntervalPassedAndRemembered() throws IOException {
        write("WEB-INF/web.xml", "<web-app/>");
        ExplodedWatch watch = ExplodedWatch.of(app.toString());
        write("WEB-INF/web.xml", "<web-app version=\"6.1\"/>");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!watch.changed()) {
            assertTrue(System.nanoTime() < deadline, "the change is seen within the interval");
            sleep(50);
        }
        assertTrue(watch.changed(), "remembered");
    }

    @Test
    void aWarHasNoWatch() throws IOException {
        write("app.war", "zip");
        assertNull(ExplodedWatch.of(app.resolve("app.war").toString()));
    }

    void write(String relative, String content) throws IOException {
        Path file = app.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
