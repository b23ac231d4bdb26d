package org.modjvm.runtime.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modjvm.runtime.Scripts;
import org.modjvm.runtime.TestHooks;
import org.modjvm.runtime.compile.CacheKey;
import org.modjvm.runtime.compile.CompiledClassCache;
import org.modjvm.runtime.compile.JavaSourceCompiler;
import org.modjvm.runtime.compile.ScriptSource;
import org.modjvm.runtime.core.FakeTransport;
import org.modjvm.runtime.core.RuntimeContext;
import org.modjvm.runtime.core.TestRuntime;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.wire.Frames;
import org.modjvm.runtime.wire.TestFrames;

/** Scripts from real files: compiling, caching, reloading, groups, jars and callables. */
class ApplicationRegistryTest {
    @TempDir
    Path dir;

    private final FakeTransport serverLog = new FakeTransport();
    private final FakeTransport requestLog = new FakeTransport();

    private ApplicationRegistry registry(Path cacheDirectory, int uid) {
        CompiledClassCache cache = cacheDirectory == null ? null : new CompiledClassCache(cacheDirectory, uid);
        return new ApplicationRegistry(new ScriptLoader(cache, JavaSourceCompiler.configured(System.getProperty("java.home"))));
    }

    private ApplicationRegistry registry() {
        return registry(null, -1);
    }

    private int myUid() throws IOException {
        return (Integer) Files.getAttribute(dir, "unix:uid");
    }

    private TestRuntime.Outcome get(ApplicationRegistry registry, Path script) throws IOException {
        return get(registry, script, "group", "application", true);
    }

    private TestRuntime.Outcome get(ApplicationRegistry registry, Path script, String group, String callable,
                                    boolean reloading) throws IOException {
        Map<String, String> environ = TestFrames.environ(script.toString(), "/");
        environ.put("mod_jvm.application_group", group);
        environ.put("mod_jvm.callable_object", callable);
        RuntimeContext context = new RuntimeContext(TestRuntime.config(Log.DEBUG, null, -1), new Log(serverLog, Log.DEBUG),
                registry);
        TestRuntime.Outcome outcome = TestRuntime.run(context, environ, reloading ? Frames.FLAG_RELOADING : 0,
                Scripts.mtime(script), Files.size(script));
        requestLog.logs.addAll(outcome.transport().logs);
        return outcome;
    }

    private static int compilations(ApplicationRegistry registry) {
        return registry.scriptLoader().compiler().compilations();
    }

    private void assertBody(String expected, TestRuntime.Outcome outcome) {
        assertEquals(0, outcome.result(), () -> requestLog.logText());
        assertEquals(expected, outcome.body());
    }

    // ---- compiling ---------------------------------------------------------------------------------

    @Test
    void compilesASourceWhoseFileNameIsNotItsClassName() throws IOException {
        Path script = Scripts.write(dir.resolve("hello.java"), Scripts.hello("Site", "new Helper().text()")
                + "class Helper {\n    String text() { return \"Hello from \" + getClass().getSimpleName(); }\n}\n");
        ApplicationRegistry registry = registry();
        assertBody("Hello from Helper", get(registry, script));
        assertTrue(requestLog.logged(Log.INFO, "JVM01200: loaded " + script), requestLog.logText());
        assertTrue(requestLog.logged(Log.INFO, "compiled in"));
        assertBody("Hello from Helper", get(registry, script));
        assertEquals(1, compilations(registry));
    }

    @Test
    void compileErrorsAre500sLoggedWithFileAndLineAndNotRecompiledUntilTheFileChanges() throws IOException {
        Path script = Scripts.write(dir.resolve("broken.java"), Scripts.IMPORTS
                + "public class Broken {\n"
                + "    public static Iterable<byte[]> application(Map<String, Object> e, StartResponse s) {\n"
                + "        return undefinedThing;\n"
                + "    }\n}\n");
        ApplicationRegistry registry = registry();
        assertEquals(500, get(registry, script).result());
        assertTrue(requestLog.logged(Log.ERR, "JVM01211: " + script + ":5: error: cannot find symbol"), requestLog.logText());
        assertTrue(requestLog.logged(Log.ERR, "JVM01211:         return undefinedThing;"), "the source line is shown");
        assertTrue(requestLog.logged(Log.ERR, "JVM01107: application " + script));

        assertEquals(500, get(registry, script).result());
        Scripts.touch(script); // new mtime, same content: the failure is remembered
        assertEquals(500, get(registry, script).result());
        assertEquals(1, compilations(registry));

        Scripts.write(script, Scripts.hello("Broken", "\"fixed\""));
        assertBody("fixed", get(registry, script, "group", "application", false));
        assertEquals(2, compilations(registry), "a fixed script is picked up even with reloading off");
    }

    @Test
    void groupsBeyondTheMaximumAre500sLoggedOnceNotCreated() throws IOException {
        Path script = Scripts.write(dir.resolve("hello.java"), Scripts.hello("Site", "\"hi\""));
        ApplicationRegistry registry = new ApplicationRegistry(new ScriptLoader(null,
                JavaSourceCompiler.configured(System.getProperty("java.home"))), 3);
        for (int i = 0; i < 3; i++) {
            assertBody("hi", get(registry, script, "g" + i, "application", true));
        }
        assertEquals(500, get(registry, script, "g3", "application", true).result());
        assertEquals(500, get(registry, script, "g4", "application", true).result());
        assertEquals(1, requestLog.logs.stream().filter(l -> l.text().startsWith("JVM01327:")).count(),
                "the refusal is logged once, not per request: " + requestLog.logText());
        assertTrue(requestLog.logged(Log.ERR, "JVM01327: application group 'g3' not created: this JVM has 3"),
                requestLog.logText());
        assertFalse(requestLog.logged(Log.ERR, "JVM01107"), "no per-request reminder: " + requestLog.logText());
        assertEquals(0, registry.generation("g3"), "the group was not created");
        assertBody("hi", get(registry, script, "g1", "application", true));
    }

    @Test
    void concurrentFirstRequestsCompileOnce() throws Exception {
        Path script = Scripts.write(dir.resolve("busy.java"), Scripts.hello("Busy", "\"busy\""));
        ApplicationRegistry registry = registry();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<TestRuntime.Outcome>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return get(registry, script);
                }));
            }
            start.countDown();
            for (Future<TestRuntime.Outcome> result : results) {
                assertBody("busy", result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, compilations(registry));
    }

    // ---- the disk cache ------------------------------------------------------------------------------

    @Test
    void aCacheHitLoadsWithoutTheCompiler() throws IOException {
        Path cache = dir.resolve("cache");
        Path script = Scripts.write(dir.resolve("cached.java"), Scripts.hello("Cached", "\"from source\""));
        ApplicationRegistry first = registry(cache, myUid());
        assertBody("from source", get(first, script));
        assertEquals(1, compilations(first));
        List<Path> entries;
        try (Stream<Path> files = Files.list(cache)) {
            entries = files.filter(file -> !file.getFileName().toString().startsWith(".")).toList();
        }
        assertEquals(1, entries.size(), entries.toString());
        assertTrue(entries.get(0).getFileName().toString().matches("[0-9a-f]{64}\\.jar"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entries.get(0))));

        // a new process: empty memory, same cache
        ApplicationRegistry second = registry(cache, myUid());
        assertBody("from source", get(second, script));
        assertEquals(0, compilations(second), "the compiler is never used on a cache hit");
        assertTrue(requestLog.logged(Log.INFO, "read from the cache " + cache));
    }

    @Test
    void aGroupOrWorldWritableCacheIsRefused() throws IOException {
        Path cache = Files.createDirectory(dir.resolve("cache"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        ApplicationRegistry registry = registry(cache, myUid());
        assertBody("a", get(registry, Scripts.write(dir.resolve("a.java"), Scripts.hello("A", "\"a\""))));
        assertBody("b", get(registry, Scripts.write(dir.resolve("b.java"), Scripts.hello("B", "\"b\""))));
        assertEquals(2, compilations(registry));
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(0, files.count(), "nothing is written to an unsafe cache");
        }
        long warnings = requestLog.logs.stream().filter(line -> line.text().startsWith("JVM01230: ")).count();
        assertEquals(1, warnings, "warned once: " + requestLog.logText());
        assertTrue(requestLog.logged(Log.WARNING, "writable by group or others"));

        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwx---"));
        assertFalse(new CompiledClassCache(cache, myUid()).safe(new Log(serverLog, Log.DEBUG)));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-x---"));
        assertTrue(new CompiledClassCache(cache, myUid()).safe(new Log(serverLog, Log.DEBUG)));
    }

    @Test
    void aCacheOwnedByAnotherUidIsRefused() throws IOException {
        Path cache = Files.createDirectory(dir.resolve("cache"));
        ApplicationRegistry registry = registry(cache, myUid() + 4242);
        assertBody("a", get(registry, Scripts.write(dir.resolve("a.java"), Scripts.hello("A", "\"a\""))));
        assertTrue(requestLog.logged(Log.WARNING, "JVM01230: not using the compiled-class cache " + cache
                + ": it is owned by uid " + myUid()), requestLog.logText());
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aWritableCacheEntryIsIgnoredAndReplaced() throws IOException {
        Path cache = dir.resolve("cache");
        Path script = Scripts.write(dir.resolve("planted.java"), Scripts.hello("Planted", "\"genuine\""));
        assertBody("genuine", get(registry(cache, myUid()), script));
        Path entry;
        try (Stream<Path> files = Files.list(cache)) {
            entry = files.filter(file -> file.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-rw-rw-"));
        ApplicationRegistry fresh = registry(cache, myUid());
        assertBody("genuine", get(fresh, script));
        assertEquals(1, compilations(fresh), "an entry others could have written is not trusted");
        assertTrue(requestLog.logged(Log.WARNING, "JVM01232: ignoring cached classes"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));
    }

    @Test
    void theCacheKeyCoversSourceJvmAndRuntime() {
        byte[] sha = ScriptSource.sha256("class A {}".getBytes());
        String key = CacheKey.ofSourceHash(sha);
        assertEquals(64, key.length());
        assertEquals(key, CacheKey.ofSourceHash(sha.clone()));
        assertFalse(key.equals(CacheKey.ofSourceHash(ScriptSource.sha256("class B {}".getBytes()))));
        StringBuilder plain = new StringBuilder();
        for (byte b : sha) {
            plain.append(String.format("%02x", b));
        }
        assertFalse(key.equals(plain.toString()), "not just the source hash");
    }

    // ---- reloading -----------------------------------------------------------------------------------

    private static String counter(String className, String label) {
        return Scripts.IMPORTS
                + "public class " + className + " {\n"
                + "    static int hits;\n"
                + "    public static synchronized Iterable<byte[]> application(Map<String, Object> e, StartResponse s) {\n"
                + "        s.start(\"200 OK\", List.of());\n"
                + "        return List.of((\"" + label + " \" + (++hits)).getBytes());\n"
                + "    }\n}\n";
    }

    @Test
    void aChangedScriptReloadsInANewGenerationAndSameContentKeepsTheLoadedOne() throws IOException {
        Path script = Scripts.write(dir.resolve("counter.java"), counter("Counter", "one"));
        ApplicationRegistry registry = registry();
        assertBody("one 1", get(registry, script));
        assertBody("one 2", get(registry, script));
        Scripts.touch(script);
        assertBody("one 3", get(registry, script)); // same content: same classes, same static state
        assertEquals(1, registry.generation("group"));

        Scripts.write(script, counter("Counter", "two"));
        assertBody("two 1", get(registry, script));
        assertEquals(2, registry.generation("group"));
        assertTrue(requestLog.logged(Log.INFO, "JVM01201: " + script + " changed: reloading application group 'group'"
                + " as generation 2"), requestLog.logText());
        assertEquals(1, compilations(registry) - 1, "one compile per content");
    }

    @Test
    void withoutReloadingAChangedScriptKeepsRunningTheLoadedVersion() throws IOException {
        Path script = Scripts.write(dir.resolve("stable.java"), counter("Stable", "old"));
        ApplicationRegistry registry = registry();
        assertBody("old 1", get(registry, script, "group", "application", false));
        Scripts.write(script, counter("Stable", "new"));
        assertBody("old 2", get(registry, script, "group", "application", false));
        assertEquals(1, compilations(registry));
    }

    @Test
    void requestsRunningOnTheOldGenerationFinishThere() throws Exception {
        TestHooks.reset();
        String holding = Scripts.IMPORTS
                + "public class Slow {\n"
                + "    public static Iterable<byte[]> application(Map<String, Object> e, StartResponse s) throws Exception {\n"
                + "        org.modjvm.runtime.TestHooks.hold();\n"
                + "        s.start(\"200 OK\", List.of());\n"
                + "        return List.of(\"old version\".getBytes());\n"
                + "    }\n}\n";
        Path script = Scripts.write(dir.resolve("slow.java"), holding);
        ApplicationRegistry registry = registry();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<TestRuntime.Outcome> running = pool.submit(() -> get(registry, script));
            assertTrue(TestHooks.entered.await(60, TimeUnit.SECONDS), "the old version is running");
            Scripts.write(script, Scripts.hello("Slow", "\"new version\""));
            assertBody("new version", get(registry, script));
            TestHooks.release.countDown();
            assertBody("old version", running.get(60, TimeUnit.SECONDS));
        } finally {
            TestHooks.release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void otherScriptsOfTheGroupReloadIntoTheNewGenerationWithoutRecompiling() throws IOException {
        Path a = Scripts.write(dir.resolve("a.java"), counter("A", "a"));
        Path b = Scripts.write(dir.resolve("b.java"), counter("B", "b"));
        ApplicationRegistry registry = registry();
        assertBody("a 1", get(registry, a));
        assertBody("b 1", get(registry, b));
        Scripts.write(a, counter("A", "a2"));
        assertBody("a2 1", get(registry, a));
        assertBody("b 1", get(registry, b)); // fresh loader: static state starts again
        assertEquals(3, compilations(registry), "b's classes are reused, not recompiled");
        assertTrue(requestLog.logged(Log.INFO, "reused from generation 1"), requestLog.logText());
    }

    // ---- application groups --------------------------------------------------------------------------

    private static String reader(String className) {
        return Scripts.IMPORTS
                + "public class " + className + " {\n"
                + "    public static Iterable<byte[]> application(Map<String, Object> e, StartResponse s) throws Exception {\n"
                + "        s.start(\"200 OK\", List.of());\n"
                + "        String seen;\n"
                + "        try {\n"
                + "            Class<?> shared = Class.forName(\"SharedCounter\", true, " + className + ".class.getClassLoader());\n"
                + "            seen = \"hits=\" + shared.getField(\"hits\").getInt(null);\n"
                + "        } catch (ClassNotFoundException notThere) {\n"
                + "            seen = \"no SharedCounter\";\n"
                + "        }\n"
                + "        return List.of(seen.getBytes());\n"
                + "    }\n}\n";
    }

    private static final String WRITER = Scripts.IMPORTS
            + "public class Writer {\n"
            + "    public static Iterable<byte[]> application(Map<String, Object> e, StartResponse s) {\n"
            + "        SharedCounter.hits++;\n"
            + "        s.start(\"200 OK\", List.of());\n"
            + "        return List.of(\"written\".getBytes());\n"
            + "    }\n}\n"
            + "class SharedCounter {\n    public static int hits;\n}\n";

    @Test
    void scriptsOfOneGroupShareClassesAndStaticState() throws IOException {
        Path writer = Scripts.write(dir.resolve("writer.java"), WRITER);
        Path reader = Scripts.write(dir.resolve("reader.java"), reader("Reader"));
        ApplicationRegistry registry = registry();
        assertBody("written", get(registry, writer, "shared", "application", true));
        assertBody("written", get(registry, writer, "shared", "application", true));
        assertBody("hits=2", get(registry, reader, "shared", "application", true));
        assertBody("no SharedCounter", get(registry, reader, "elsewhere", "application", true));
    }

    @Test
    void twoScriptsDefiningTheSameClassInOneGroupFail() throws IOException {
        Path first = Scripts.write(dir.resolve("first.java"), Scripts.hello("Site", "\"first\""));
        Path second = Scripts.write(dir.resolve("second.java"), Scripts.hello("Site", "\"second\""));
        ApplicationRegistry registry = registry();
        assertBody("first", get(registry, first, "one", "application", true));
        assertEquals(500, get(registry, second, "one", "application", true).result());
        assertTrue(requestLog.logged(Log.ERR, "JVM01214: class Site is defined by both " + first + " and " + second
                + " in application group 'one'"), requestLog.logText());
        assertBody("first", get(registry, first, "one", "application", true));
        assertBody("second", get(registry, second, "two", "application", true));
    }

    // ---- jars and callables --------------------------------------------------------------------------

    private Map<String, byte[]> compile(String name, String source) throws Exception {
        Path file = Scripts.write(dir.resolve(name), source);
        return new JavaSourceCompiler(System.getProperty("java.home")).compile(file, Files.readAllBytes(file));
    }

    private static final String JAR_APP = "package com.example;\n" + Scripts.IMPORTS
            + "public class App {\n"
            + "    public static Iterable<byte[]> application(Map<String, Object> e, StartResponse s) throws Exception {\n"
            + "        s.start(\"200 OK\", List.of());\n"
            + "        try (var in = App.class.getResourceAsStream(\"/greeting.txt\")) {\n"
            + "            return List.of(in.readAllBytes());\n"
            + "        }\n"
            + "    }\n"
            + "    public static Iterable<byte[]> other(Map<String, Object> e, StartResponse s) {\n"
            + "        s.start(\"200 OK\", List.of());\n"
            + "        return List.of(\"other\".getBytes());\n"
            + "    }\n}\n";

    @Test
    void aJarNamesItsApplicationClassInTheManifest() throws Exception {
        Path jar = dir.resolve("app.jar");
        Scripts.jar(jar, compile("App.java", JAR_APP), "com.example.App", Map.of("greeting.txt", "hello from a jar"));
        ApplicationRegistry registry = registry();
        assertBody("hello from a jar", get(registry, jar));
        assertBody("other", get(registry, jar, "group", "other", true));
        assertEquals(0, compilations(registry));
    }

    @Test
    void aJarWithoutApplicationClassNeedsClassAndMember() throws Exception {
        Path jar = dir.resolve("plain.jar");
        Scripts.jar(jar, compile("App.java", JAR_APP), null, Map.of());
        ApplicationRegistry registry = registry();
        assertEquals(500, get(registry, jar).result());
        assertTrue(requestLog.logged(Log.ERR, "Application-Class"), requestLog.logText());
        assertBody("other", get(registry, jar, "group", "com.example.App::other", true));
    }

    @Test
    void aStaticApplicationFieldIsACallable() throws IOException {
        Path script = Scripts.write(dir.resolve("field.java"), Scripts.IMPORTS
                + "public class FieldApp {\n"
                + "    public static final Application application = (environ, startResponse) -> {\n"
                + "        startResponse.start(\"200 OK\", List.of());\n"
                + "        return List.of((\"field \" + environ.get(\"REQUEST_METHOD\")).getBytes());\n"
                + "    };\n}\n");
        assertBody("field GET", get(registry(), script));
    }

    @Test
    void classAndMemberSelectTheCallable() throws IOException {
        Path script = Scripts.write(dir.resolve("two.java"), Scripts.hello("First", "\"first\"") + Scripts.IMPORTS
                .replace("import java.util.*;\nimport org.modjvm.*;\n", "")
                + "class Second {\n"
                + "    public static List<byte[]> handle(Map<String, Object> e, StartResponse s) {\n"
                + "        s.start(\"200 OK\", List.of());\n"
                + "        return List.of(\"second\".getBytes());\n"
                + "    }\n}\n");
        ApplicationRegistry registry = registry();
        assertBody("first", get(registry, script));
        assertBody("second", get(registry, script, "group", "Second::handle", true));
        assertBody("second", get(registry, script, "group", "handle", true));
    }

    @Test
    void wrongCallablesAreExplained() throws IOException {
        ApplicationRegistry registry = registry();
        Path wrongReturn = Scripts.write(dir.resolve("ret.java"), Scripts.IMPORTS
                + "public class Ret {\n"
                + "    public static String application(Map<String, Object> e, StartResponse s) { return \"\"; }\n}\n");
        assertEquals(500, get(registry, wrongReturn, "r", "application", true).result());
        assertTrue(requestLog.logged(Log.ERR, "JVM01213: method application of class Ret of " + wrongReturn
                + " has the wrong signature"), requestLog.logText());

        Path notStatic = Scripts.write(dir.resolve("inst.java"), Scripts.IMPORTS
                + "public class Inst {\n"
                + "    public Iterable<byte[]> application(Map<String, Object> e, StartResponse s) { return List.of(); }\n}\n");
        assertEquals(500, get(registry, notStatic, "i", "application", true).result());
        assertTrue(requestLog.logged(Log.ERR, "method application of class Inst of " + notStatic + " must be public static"));

        Path missing = Scripts.write(dir.resolve("none.java"), Scripts.IMPORTS + "public class None {}\n");
        assertEquals(500, get(registry, missing, "n", "application", true).result());
        assertTrue(requestLog.logged(Log.ERR, "no class of " + missing + " has a member named 'application' (classes: None)"));

        Path wrongField = Scripts.write(dir.resolve("fld.java"), Scripts.IMPORTS
                + "public class Fld {\n    public static String application = \"no\";\n}\n");
        assertEquals(500, get(registry, wrongField, "f", "application", true).result());
        assertTrue(requestLog.logged(Log.ERR, "field application of class Fld of " + wrongField
                + " has type java.lang.String, which does not implement org.modjvm.Application"));

        Path hello = Scripts.write(dir.resolve("h.java"), Scripts.hello("H", "\"h\""));
        assertEquals(500, get(registry, hello, "h", "Nope::application", true).result());
        assertTrue(requestLog.logged(Log.ERR, "application class Nope of " + hello + " not found"));
        assertEquals(500, get(registry, hello, "h", "not a name", true).result());
        assertTrue(requestLog.logged(Log.ERR, "callable 'not a name' is not a member name or Class::member"));
    }

    @Test
    void aFailingStaticInitializerIsALoadError() throws IOException {
        Path script = Scripts.write(dir.resolve("init.java"), Scripts.IMPORTS
                + "public class Init {\n"
                + "    static final int VALUE = Integer.parseInt(\"not a number\");\n"
                + "    public static Iterable<byte[]> application(Map<String, Object> e, StartResponse s) { return List.of(); }\n}\n");
        ApplicationRegistry registry = registry();
        assertEquals(500, get(registry, script).result());
        assertTrue(requestLog.logged(Log.ERR, "JVM01215: the static initializer of class Init of " + script + " failed:"));
        assertTrue(requestLog.logged(Log.ERR, "JVM01215: java.lang.NumberFormatException"), requestLog.logText());
        assertEquals(500, get(registry, script).result());
    }

    @Test
    void anUnreadableScriptIsA500AndRetried() throws IOException {
        Path missing = dir.resolve("gone.java");
        Files.writeString(missing, "x");
        ApplicationRegistry registry = registry();
        Files.delete(missing);
        Map<String, String> environ = TestFrames.environ(missing.toString(), "/");
        RuntimeContext context = new RuntimeContext(TestRuntime.config(Log.DEBUG, null, -1), new Log(serverLog, Log.DEBUG),
                registry);
        TestRuntime.Outcome outcome = TestRuntime.run(context, environ, 0, 1, 1);
        assertEquals(500, outcome.result());
        assertTrue(outcome.transport().logged(Log.ERR, "JVM01210: cannot read script " + missing));
        Scripts.write(missing, Scripts.hello("Back", "\"back\""));
        assertBody("back", get(registry, missing));
    }

    @Test
    void anApplicationExceptionIsLoggedWithTheScriptsFramesOnly() throws IOException {
        Path script = Scripts.write(dir.resolve("thrower.java"), Scripts.IMPORTS
                + "public class Thrower {\n"
                + "    public static Iterable<byte[]> application(Map<String, Object> e, StartResponse s) {\n"
                + "        try {\n"
                + "            Integer.parseInt(\"x\");\n"
                + "        } catch (NumberFormatException cause) {\n"
                + "            throw new IllegalStateException(\"wrapped\", cause);\n"
                + "        }\n"
                + "        return List.of();\n"
                + "    }\n}\n");
        TestRuntime.Outcome outcome = get(registry(), script);
        assertEquals(500, outcome.result());
        List<String> lines = new ArrayList<>();
        for (FakeTransport.Line line : outcome.transport().logs) {
            if (line.text().startsWith("JVM01100: ")) {
                lines.add(line.text().substring("JVM01100: ".length()));
            }
        }
        assertEquals("exception in application " + script + " for GET /:", lines.get(0));
        assertEquals("java.lang.IllegalStateException: wrapped", lines.get(1));
        assertEquals("\tat group#1//Thrower.application(thrower.java:8)", lines.get(2));
        assertEquals("Caused by: java.lang.NumberFormatException: For input string: \"x\"", lines.get(3));
        assertTrue(lines.stream().noneMatch(line -> line.contains("org.modjvm.runtime.")), String.join("\n", lines));
        assertTrue(lines.get(lines.size() - 1).matches("\t\\.\\.\\. \\d+ more"), lines.get(lines.size() - 1));
    }

    @Test
    void jarCopiesOfClassPathClassesAreSkippedWithAWarning() throws Exception {
        Map<String, byte[]> classes = new java.util.HashMap<>(compile("App.java", JAR_APP));
        try (var in = org.modjvm.Application.class.getResourceAsStream("Application.class")) {
            classes.put("org.modjvm.Application", in.readAllBytes()); // a jar that bundles the API
        }
        Path jar = dir.resolve("fat.jar");
        Scripts.jar(jar, classes, "com.example.App", Map.of("greeting.txt", "still works"));
        assertBody("still works", get(registry(), jar));
        assertTrue(requestLog.logged(Log.WARNING, "JVM01218: " + jar + ": 1 of its classes are on the JVM's class path"
                + " already, which wins (e.g. org.modjvm.Application)"), requestLog.logText());
    }

    @Test
    void aSourceDefiningAClassPathClassIsAnError() throws IOException {
        Path script = Scripts.write(dir.resolve("clash.java"), "package org.modjvm.runtime;\n"
                + Scripts.hello("Clash", "\"x\"") + "class TestHooks {}\n");
        assertEquals(500, get(registry(), script).result());
        assertTrue(requestLog.logged(Log.ERR, "JVM01214: class org.modjvm.runtime.TestHooks of " + script
                + " is also on the JVM's class path"), requestLog.logText());
    }

    @Test
    void anOldGenerationIsCollectedOnceNothingUsesIt() throws Exception {
        Path script = Scripts.write(dir.resolve("gc.java"), counter("Collected", "v1"));
        ApplicationRegistry registry = registry();
        ScriptRequest request = new ScriptRequest(script.toString(), "gc", "application", Scripts.mtime(script),
                Files.size(script), true);
        java.lang.ref.WeakReference<ClassLoader> first =
                new java.lang.ref.WeakReference<>(registry.lookup(request, new Log(serverLog, Log.DEBUG)).classLoader());
        assertBody("v1 1", get(registry, script, "gc", "application", true));
        Scripts.write(script, counter("Collected", "v2"));
        assertBody("v2 1", get(registry, script, "gc", "application", true));
        for (int i = 0; i < 50 && first.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(null, first.get(), "generation 1's class loader is unreachable after the reload");
    }
}
