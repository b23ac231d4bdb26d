package org.modjvm.runtime.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modjvm.runtime.core.FakeTransport;
import org.modjvm.runtime.log.Log;

/** Pruning of the compiled-class cache: a script's earlier versions go, what is still named stays. */
class CompiledClassCacheTest {
    @TempDir
    Path dir;

    private final FakeTransport logSink = new FakeTransport();
    private final Log log = new Log(logSink, Log.DEBUG);

    private CompiledClassCache cache() throws IOException {
        Path d = Files.createDirectories(dir.resolve("cache"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        return new CompiledClassCache(d, (Integer) Files.getAttribute(d, "unix:uid"));
    }

    private static String key(String source) {
        return CacheKey.ofSourceHash(ScriptSource.sha256(source.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, byte[]> classes(String name) {
        return Map.of(name, new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
    }

    private static List<String> entries(CompiledClassCache cache) throws IOException {
        try (Stream<Path> files = Files.list(cache.directory())) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
    }

    private Path script(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "class X {}");
    }

    @Test
    void aNewVersionOfAScriptRemovesTheEntryOfTheOneBefore() throws IOException {
        CompiledClassCache cache = cache();
        Path site = script("site.java");
        Path other = script("other.java");
        String v1 = key("v1"), v2 = key("v2"), v3 = key("v3"), o1 = key("o1");
        assertTrue(cache.write(v1, classes("Site"), site, log));
        assertTrue(cache.write(o1, classes("Other"), other, log));
        assertEquals(List.of(o1 + ".jar", v1 + ".jar").stream().sorted().toList(), entries(cache));
        assertTrue(cache.write(v2, classes("Site"), site, log));
        assertEquals(List.of(o1 + ".jar", v2 + ".jar").stream().sorted().toList(), entries(cache),
                "v1 of site.java is gone, other.java's entry stays");
        assertTrue(logSink.logs.stream().anyMatch(l -> l.level() == Log.DEBUG && l.text().startsWith(
                "JVM01330: removed " + v1 + ".jar from the cache " + cache.directory() + ": an earlier version of " + site)),
                logSink.logs.toString());
        assertTrue(cache.read(v2, log) != null, "v2 is read back");
        // storing the current version again (another process compiled it too) removes nothing
        assertTrue(cache.write(v2, classes("Site"), site, log));
        assertEquals(2, entries(cache).size());
        assertTrue(cache.write(v3, classes("Site"), site, log));
        assertEquals(List.of(o1 + ".jar", v3 + ".jar").stream().sorted().toList(), entries(cache));
        String record = Files.readString(cache.recordOf(site));
        assertEquals(v3 + "\n" + site + "\n", record);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.recordOf(site))));
    }

    @Test
    void anEntryAnotherScriptStillUsesIsKept() throws IOException {
        CompiledClassCache cache = cache();
        Path a = script("a.java");
        Path b = script("b.java");
        String same = key("the same source"), next = key("a's next version");
        assertTrue(cache.write(same, classes("A"), a, log));
        assertTrue(cache.write(same, classes("A"), b, log));
        assertTrue(cache.write(next, classes("A"), a, log));
        assertTrue(entries(cache).contains(same + ".jar"), "b.java's current version: " + entries(cache));
        assertTrue(entries(cache).contains(next + ".jar"));
    }

    @Test
    void aRecordOthersCouldHaveWrittenRemovesNothing() throws IOException {
        CompiledClassCache cache = cache();
        Path site = script("site.java");
        String victim = key("victim"), v1 = key("v1"), v2 = key("v2");
        assertTrue(cache.write(victim, classes("V"), null, log));
        assertTrue(cache.write(v1, classes("Site"), site, log));
        // a record naming another entry, writable by others: not trusted
        Files.writeString(cache.recordOf(site), victim + "\n" + site + "\n");
        Files.setPosixFilePermissions(cache.recordOf(site), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertTrue(cache.write(v2, classes("Site"), site, log));
        assertTrue(entries(cache).contains(victim + ".jar"), entries(cache).toString());
        // a record whose first line is no key (a path, "../x"): not followed
        Files.writeString(cache.recordOf(site), "../../victim\n" + site + "\n");
        Files.setPosixFilePermissions(cache.recordOf(site), PosixFilePermissions.fromString("rw-------"));
        assertTrue(cache.write(v1, classes("Site"), site, log));
        assertTrue(entries(cache).containsAll(List.of(victim + ".jar", v1 + ".jar", v2 + ".jar")), entries(cache).toString());
    }

    @Test
    void unnamedEntriesAndRecordsOfRemovedScriptsGoOnceOld() throws IOException {
        CompiledClassCache cache = cache();
        Path kept = script("kept.java");
        Path removed = script("removed.java");
        String orphanOld = key("orphan old"), orphanNew = key("orphan new"), keptKey = key("kept"), goneKey = key("gone");
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - CompiledClassCache.UNUSED_AGE_MILLIS - 60_000);
        assertTrue(cache.write(orphanOld, classes("O"), null, log));
        assertTrue(cache.write(orphanNew, classes("N"), null, log));
        assertTrue(cache.write(keptKey, classes("K"), kept, log));
        assertTrue(cache.write(goneKey, classes("G"), removed, log));
        Files.delete(removed);
        for (String k : List.of(orphanOld, keptKey, goneKey)) {
            Files.setLastModifiedTime(cache.directory().resolve(k + ".jar"), old);
        }
        Files.setLastModifiedTime(cache.recordOf(removed), old);
        Files.setLastModifiedTime(cache.recordOf(kept), old);

        cache.removeUnused();
        assertEquals(List.of(keptKey + ".jar", orphanNew + ".jar").stream().sorted().toList(), entries(cache),
                "an old unnamed entry and the entry of a script that no longer exists go; a recent unnamed one"
                        + " (maybe being recorded now) and a named one stay");
        assertFalse(Files.exists(cache.recordOf(removed)));
        assertTrue(Files.exists(cache.recordOf(kept)));
    }
}
