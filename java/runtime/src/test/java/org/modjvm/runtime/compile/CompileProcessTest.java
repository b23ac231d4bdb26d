package org.modjvm.runtime.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modjvm.runtime.CompileMain;
import org.modjvm.runtime.Scripts;
import org.modjvm.runtime.apps.ApplicationRegistry;
import org.modjvm.runtime.apps.ScriptLoader;
import org.modjvm.runtime.core.FakeTransport;
import org.modjvm.runtime.core.RuntimeContext;
import org.modjvm.runtime.core.TestRuntime;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.wire.Frames;
import org.modjvm.runtime.wire.TestFrames;

/** Compiling in a child JVM ({@link CompileProcess}, {@link CompileMain}) and falling back to compiling in memory. */
class CompileProcessTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String CLASS_PATH = System.getProperty("java.class.path");

    @TempDir
    Path dir;

    private final FakeTransport serverLog = new FakeTransport();
    private final FakeTransport requestLog = new FakeTransport();

    private int myUid() throws IOException {
        return (Integer) Files.getAttribute(dir, "unix:uid");
    }

    private Path cache() throws IOException {
        return Files.createDirectories(dir.resolve("cache"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    private static JavaSourceCompiler compiler(List<String> launcher, long timeoutMillis) {
        return new JavaSourceCompiler(System.getProperty("java.home"),
                new CompileProcess(launcher, CLASS_PATH, timeoutMillis), null);
    }

    private ApplicationRegistry registry(Path cache, int uid, JavaSourceCompiler compiler) {
        return new ApplicationRegistry(new ScriptLoader(cache == null ? null : new CompiledClassCache(cache, uid), compiler));
    }

    /** The production wiring: {@code mod_jvm.compile} unset, so a child JVM. */
    private ApplicationRegistry registry(Path cache) throws IOException {
        return registry(cache, myUid(), JavaSourceCompiler.configured(System.getProperty("java.home")));
    }

    private TestRuntime.Outcome get(ApplicationRegistry registry, Path script) throws IOException {
        Map<String, String> environ = TestFrames.environ(script.toString(), "/");
        environ.put("mod_jvm.application_group", "group");
        environ.put("mod_jvm.callable_object", "application");
        RuntimeContext context = new RuntimeContext(TestRuntime.config(Log.DEBUG, null, -1), new Log(serverLog, Log.DEBUG),
                registry);
        TestRuntime.Outcome outcome = TestRuntime.run(context, environ, Frames.FLAG_RELOADING, Scripts.mtime(script),
                Files.size(script));
        synchronized (requestLog) {
            requestLog.logs.addAll(outcome.transport().logs);
        }
        return outcome;
    }

    private static int compilations(ApplicationRegistry registry) {
        return registry.scriptLoader().compiler().compilations();
    }

    private void assertBody(String expected, TestRuntime.Outcome outcome) {
        assertEquals(0, outcome.result(), () -> requestLog.logText());
        assertEquals(expected, outcome.body());
    }

    private long lines(String prefix) {
        return requestLog.logs.stream().filter(line -> line.text().startsWith(prefix)).count();
    }

    private static List<Path> entries(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar")).toList();
        }
    }

    /** A stand-in for bin/java: a shell script. */
    private Path fakeJava(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    // ---- through the child JVM ------------------------------------------------------------------------

    @Test
    void theChildRunsTheRuntimesCompilerEntryPoint() {
        // compile/ names the entry point as a string so that it does not depend on the package above
        assertEquals(CompileMain.class.getName(), CompileProcess.MAIN_CLASS);
    }

    @Test
    void aScriptIsCompiledByAChildJvmIntoTheCacheAndLoadedFromIt() throws IOException {
        Path cache = cache();
        Path script = Scripts.write(dir.resolve("site.java"), Scripts.hello("Site", "new Helper().text()")
                + "class Helper {\n    String text() { return \"compiled elsewhere\"; }\n}\n");
        ApplicationRegistry registry = registry(cache);
        assertBody("compiled elsewhere", get(registry, script));
        assertTrue(requestLog.logged(Log.INFO, "JVM01200: loaded " + script + " into application group 'group'"
                + " generation 1: 2 classes compiled in"), requestLog.logText());
        assertTrue(requestLog.logged(Log.INFO, "ms by a separate JVM"), requestLog.logText());
        assertEquals(1, compilations(registry));
        assertEquals(1, entries(cache).size());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entries(cache).get(0))));
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(0, files.filter(file -> file.toString().endsWith(".src")).count(), "the source copy is gone");
        }
        assertEquals(0, lines("JVM01221"), "nothing compiled in this process: " + requestLog.logText());

        ApplicationRegistry restarted = registry(cache);
        assertBody("compiled elsewhere", get(restarted, script));
        assertEquals(0, compilations(restarted));
    }

    @Test
    void editingAScriptLeavesOneEntryForItInTheCache() throws IOException {
        // issue 10: the cache kept every version forever
        Path cache = cache();
        Path script = Scripts.write(dir.resolve("edited.java"), Scripts.hello("Edited", "\"v1\""));
        ApplicationRegistry registry = registry(cache);
        assertBody("v1", get(registry, script));
        for (String v : List.of("v2", "v3")) {
            Scripts.write(script, Scripts.hello("Edited", "\"" + v + "\""));
            assertBody(v, get(registry, script));
        }
        assertEquals(3, compilations(registry));
        assertEquals(List.of(cache.resolve(CacheKey.ofSourceHash(ScriptSource.sha256(Files.readAllBytes(script))) + ".jar")),
                entries(cache), "only the current version is kept");
        ApplicationRegistry restarted = registry(cache);
        assertBody("v3", get(restarted, script));
        assertEquals(0, compilations(restarted), "and read from the cache by a new process");
    }

    @Test
    void leftoversOfADeadCompilerAreRemovedByTheNextCompile() throws IOException {
        Path cache = cache();
        Files.createDirectories(cache);
        Path stale = Files.writeString(cache.resolve(".0123abcd-99.src"), "class Old {}");
        Path staleTmp = Files.writeString(cache.resolve(".0123abcd-98.tmp"), "x");
        Path fresh = Files.writeString(cache.resolve(".4567abcd-97.src"), "class Running {}");
        long old = System.currentTimeMillis() - CompiledClassCache.LEFTOVER_AGE_MILLIS - 60_000;
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(old));
        Files.setLastModifiedTime(staleTmp, java.nio.file.attribute.FileTime.fromMillis(old));
        Path script = Scripts.write(dir.resolve("sweep.java"), Scripts.hello("Sweep", "\"swept\""));
        assertBody("swept", get(registry(cache), script));
        assertFalse(Files.exists(stale), "a .src left by a compiler that died 10+ minutes ago is removed");
        assertFalse(Files.exists(staleTmp), "and a .tmp");
        assertTrue(Files.exists(fresh), "a recent one may belong to a compile running elsewhere: kept");
    }

    @Test
    void compileErrorsFromTheChildAreLoggedWithFileAndLineAndRemembered() throws IOException {
        Path cache = cache();
        Path script = Scripts.write(dir.resolve("broken.java"), Scripts.IMPORTS
                + "public class Broken {\n"
                + "    public static Iterable<byte[]> application(Map<String, Object> e, StartResponse s) {\n"
                + "\treturn undefinedThing; // ü\n"
                + "    }\n}\n");
        ApplicationRegistry registry = registry(cache);
        assertEquals(500, get(registry, script).result());
        assertTrue(requestLog.logged(Log.ERR, "JVM01211: compiling " + script + " failed:"), requestLog.logText());
        assertTrue(requestLog.logged(Log.ERR, "JVM01211: " + script + ":5: error: cannot find symbol"), requestLog.logText());
        assertTrue(requestLog.logged(Log.ERR, "JVM01211: \treturn undefinedThing; // ü"), "the source line, UTF-8 intact");
        assertTrue(requestLog.logged(Log.ERR, "JVM01211: \t       ^"), "the caret under the symbol");
        assertTrue(requestLog.logged(Log.ERR, "JVM01107: application " + script));
        assertTrue(requestLog.logged(Log.ERR, "answering 500 until it changes"), requestLog.logText());
        assertEquals(0, lines("JVM01220"), requestLog.logText());
        assertTrue(entries(cache).isEmpty());

        Scripts.touch(script);
        assertEquals(500, get(registry, script).result());
        assertEquals(1, compilations(registry), "a broken content is not compiled again");

        Scripts.write(script, Scripts.hello("Broken", "\"fixed\""));
        assertBody("fixed", get(registry, script));
        assertEquals(2, compilations(registry));
    }

    @Test
    void concurrentFirstRequestsCompileOnceAlsoAcrossRegistriesSharingTheCache() throws Exception {
        Path cache = cache();
        Path script = Scripts.write(dir.resolve("busy.java"), Scripts.hello("Busy", "\"busy\""));
        // two "processes" (separate registries and compilers) sharing one cache directory
        ApplicationRegistry one = registry(cache);
        ApplicationRegistry two = registry(cache);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<TestRuntime.Outcome>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ApplicationRegistry registry = i % 2 == 0 ? one : two;
                results.add(pool.submit(() -> {
                    start.await();
                    return get(registry, script);
                }));
            }
            start.countDown();
            for (Future<TestRuntime.Outcome> result : results) {
                assertBody("busy", result.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, compilations(one) + compilations(two), requestLog.logText());
        assertTrue(requestLog.logged(Log.INFO, "after another thread or process compiled them"), requestLog.logText());
    }

    @Test
    void anInterruptDoesNotAbortTheCompileAndIsKept() throws Exception {
        Path cache = cache();
        Path script = Scripts.write(dir.resolve("patient.java"), Scripts.hello("Patient", "\"patient\""));
        ApplicationRegistry registry = registry(cache);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<TestRuntime.Outcome> result = pool.submit(() -> {
                Thread.currentThread().interrupt(); // as a request timeout's watchdog would, while compiling
                return get(registry, script);
            });
            assertBody("patient", result.get(120, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertTrue(requestLog.logged(Log.INFO, "ms by a separate JVM"), requestLog.logText());
        assertEquals(0, lines("JVM01220"), requestLog.logText());

        Process sleeper = new ProcessBuilder("sleep", "0.3").start();
        Thread.currentThread().interrupt();
        assertTrue(Uninterruptibly.waitFor(sleeper, 10_000));
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    }

    @Test
    void aCompilerProcessFindingTheEntryWrittenMeanwhileJustReportsIt() throws Exception {
        Path cache = cache();
        Path script = Scripts.write(dir.resolve("raced.java"), Scripts.hello("Raced", "\"raced\""));
        assertBody("raced", get(registry(cache), script));
        String key = CacheKey.ofSourceHash(ScriptSource.sha256(Files.readAllBytes(script)));
        Process child = new ProcessBuilder(JAVA, "-cp", CLASS_PATH, CompileMain.class.getName(), "cache=" + cache,
                "uid=" + myUid(), "key=" + key, "source=" + script, "script=" + script)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), out);
        assertEquals("result ok cached", out.strip());
    }

    @Test
    void theCompileLockExcludesOthersUntilClosedAndNeverLeaks() throws Exception {
        CompiledClassCache cache = new CompiledClassCache(cache(), myUid());
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            java.io.Closeable held = cache.lockForCompile(1000);
            assertTrue(held != null);
            assertEquals(null, other.submit(() -> cache.lockForCompile(200)).get(10, TimeUnit.SECONDS),
                    "not obtained while held");
            held.close();
            java.io.Closeable next = other.submit(() -> cache.lockForCompile(1000)).get(10, TimeUnit.SECONDS);
            assertTrue(next != null, "obtained once released");
            other.submit(() -> {
                next.close();
                return null;
            }).get(10, TimeUnit.SECONDS);

            // no usable lock file: this JVM's lock only, and it is released too
            Files.delete(cache.directory().resolve(".compile.lock"));
            Files.createDirectory(cache.directory().resolve(".compile.lock"));
            java.io.Closeable local = cache.lockForCompile(1000);
            assertTrue(local != null);
            local.close();
            assertTrue(other.submit(() -> {
                java.io.Closeable again = cache.lockForCompile(1000);
                if (again != null) {
                    again.close();
                }
                return again != null;
            }).get(10, TimeUnit.SECONDS), "the JVM's lock was released");
        } finally {
            other.shutdownNow();
        }
    }

    // ---- falling back to compiling in this process ------------------------------------------------------

    @Test
    void withoutAUsableCacheScriptsAreCompiledHereAndTheReasonIsLoggedOnce() throws IOException {
        Path cache = cache();
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        ApplicationRegistry registry = registry(cache);
        assertBody("a", get(registry, Scripts.write(dir.resolve("a.java"), Scripts.hello("A", "\"a\""))));
        assertBody("b", get(registry, Scripts.write(dir.resolve("b.java"), Scripts.hello("B", "\"b\""))));
        assertEquals(2, compilations(registry));
        assertEquals(1, lines("JVM01221"), requestLog.logText());
        assertTrue(requestLog.logged(Log.INFO, "JVM01221: compiling scripts in this process"));
        assertTrue(requestLog.logged(Log.INFO, "the compiled-class cache " + cache + " cannot be used"));
        assertFalse(requestLog.logged(Log.INFO, "by a separate JVM"));
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(0, files.count(), "nothing written to an unsafe cache, not even a lock or a source");
        }

        ApplicationRegistry none = registry(null, -1, JavaSourceCompiler.configured(System.getProperty("java.home")));
        assertBody("c", get(none, Scripts.write(dir.resolve("c.java"), Scripts.hello("C", "\"c\""))));
        assertTrue(requestLog.logged(Log.INFO, "no compiled-class cache directory is configured"), requestLog.logText());

        ApplicationRegistry refused = registry(cache(), myUid() + 4242,
                JavaSourceCompiler.configured(System.getProperty("java.home")));
        assertBody("d", get(refused, Scripts.write(dir.resolve("d.java"), Scripts.hello("D", "\"d\""))));
        assertEquals(1, compilations(refused));
    }

    @Test
    void withoutAJavaLauncherScriptsAreCompiledHere() throws IOException {
        Path cache = cache();
        ApplicationRegistry registry = registry(cache, myUid(), compiler(List.of(dir.resolve("no/bin/java").toString()),
                60_000));
        assertBody("a", get(registry, Scripts.write(dir.resolve("a.java"), Scripts.hello("A", "\"a\""))));
        assertBody("b", get(registry, Scripts.write(dir.resolve("b.java"), Scripts.hello("B", "\"b\""))));
        assertEquals(1, lines("JVM01221"), requestLog.logText());
        assertTrue(requestLog.logged(Log.INFO, dir.resolve("no/bin/java") + " does not exist or is not executable"));
        assertEquals(2, entries(cache).size(), "compiled here, still cached for the other processes");

        ApplicationRegistry restarted = registry(cache);
        assertBody("a", get(restarted, dir.resolve("a.java")));
        assertEquals(0, compilations(restarted));
    }

    @Test
    void aChildThatCannotBeStartedFallsBackToCompilingHere() throws IOException {
        Path notAProgram = Files.createDirectory(dir.resolve("java")); // "executable", but exec fails (EACCES)
        ApplicationRegistry registry = registry(cache(), myUid(), compiler(List.of(notAProgram.toString()), 60_000));
        assertBody("a", get(registry, Scripts.write(dir.resolve("a.java"), Scripts.hello("A", "\"a\""))));
        assertTrue(requestLog.logged(Log.INFO, "JVM01221: compiling scripts in this process"), requestLog.logText());
        assertTrue(requestLog.logged(Log.INFO, "cannot start " + notAProgram), requestLog.logText());
        assertEquals(1, compilations(registry), "counted once, here");
    }

    @Test
    void inprocessModeIsChosenWithTheSystemProperty() throws IOException {
        String before = System.getProperty(JavaSourceCompiler.MODE_PROPERTY);
        System.setProperty(JavaSourceCompiler.MODE_PROPERTY, "inprocess");
        JavaSourceCompiler compiler;
        try {
            compiler = JavaSourceCompiler.configured(System.getProperty("java.home"));
        } finally {
            if (before == null) {
                System.clearProperty(JavaSourceCompiler.MODE_PROPERTY);
            } else {
                System.setProperty(JavaSourceCompiler.MODE_PROPERTY, before);
            }
        }
        Path cache = cache();
        ApplicationRegistry registry = registry(cache, myUid(), compiler);
        assertBody("a", get(registry, Scripts.write(dir.resolve("a.java"), Scripts.hello("A", "\"a\""))));
        assertTrue(requestLog.logged(Log.INFO, "JVM01221: compiling scripts in this process (which keeps the compiler's"
                + " ~50 MB from now on), not in a separate JVM: -Dmod_jvm.compile=inprocess"), requestLog.logText());
        assertFalse(requestLog.logged(Log.INFO, "by a separate JVM"));
        assertEquals(1, entries(cache).size());
    }

    // ---- failures of the child ----------------------------------------------------------------------------

    @Test
    void aChildThatTakesTooLongIsKilledAndTheFailureIsTemporary() throws IOException {
        Path sleeper = fakeJava("sleeping-java", "echo $$ > " + dir.resolve("pid") + "\nexec sleep 30");
        Path cache = cache();
        ApplicationRegistry registry = registry(cache, myUid(), compiler(List.of(sleeper.toString()), 700));
        Path script = Scripts.write(dir.resolve("slow.java"), Scripts.hello("Slow", "\"slow\""));
        long start = System.nanoTime();
        assertEquals(500, get(registry, script).result());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 10_000, "gave up after the timeout, not after the child: " + millis + " ms");
        Matcher logged = Pattern.compile("JVM01220: compiling " + Pattern.quote(script.toString())
                + " in a separate JVM \\(pid (\\d+)\\) took longer than 0\\.7 s: killed it").matcher(requestLog.logText());
        assertTrue(logged.find(), requestLog.logText());
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
        assertEquals(pid, Long.parseLong(logged.group(1)));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the child is dead");
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(0, files.filter(file -> file.toString().endsWith(".src")).count(), "the source copy is gone");
        }

        assertEquals(500, get(registry, script).result(), "not retried on every request");
        assertEquals(1, compilations(registry));
        assertTrue(requestLog.logged(Log.ERR, "JVM01107: application " + script), requestLog.logText());
        assertTrue(requestLog.logged(Log.ERR, "answering 500 until it is tried again, 30 s after the failure"),
                () -> "the 500 is not 'until it changes': " + requestLog.logText());
    }

    @Test
    void aChildThatFailsOtherwiseIsReportedWithItsOutput() throws IOException {
        Path crashing = fakeJava("crashing-java", "echo 'Error: Could not create the Java Virtual Machine.' >&2\nexit 3");
        ApplicationRegistry registry = registry(cache(), myUid(), compiler(List.of(crashing.toString()), 60_000));
        Path script = Scripts.write(dir.resolve("x.java"), Scripts.hello("X", "\"x\""));
        assertEquals(500, get(registry, script).result());
        assertTrue(requestLog.logged(Log.ERR, "JVM01220: compiling " + script + " in a separate JVM failed (exit code 3,"
                + " no result)"), requestLog.logText());
        assertTrue(requestLog.logged(Log.ERR, "JVM01220: Error: Could not create the Java Virtual Machine."),
                requestLog.logText());
    }
}
