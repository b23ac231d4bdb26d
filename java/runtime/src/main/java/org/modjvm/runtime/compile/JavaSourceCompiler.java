package org.modjvm.runtime.compile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * Compiles {@code .java} scripts, on cache misses only. Loading the compiler costs ~400 ms and
 * ~50 MB of RSS for the life of the process, so this class does not even mention javax.tools,
 * and, when a usable disk cache exists, it compiles in a short-lived child JVM
 * ({@link CompileProcess}) that writes the cache entry, which this process then reads. Only
 * without a usable cache, without {@code <java.home>/bin/java}, when no child can be started
 * or with {@code -Dmod_jvm.compile=inprocess} does {@link InMemoryJavac} run here (loaded by
 * the JVM at that first compile, never on a cache hit).
 *
 * <p>Compiles are serialized in the process (they are rare, and two at once could exhaust a
 * small heap), and, through the cache directory's lock, among the processes sharing the cache:
 * whoever waited finds the entry and just reads it.
 */
public final class JavaSourceCompiler {
    /** The system property choosing where scripts are compiled: {@code process} (default) or {@code inprocess}. */
    static final String MODE_PROPERTY = "mod_jvm.compile";

    private final String jvmHome;
    /** {@code null}: always in this process. */
    private final CompileProcess process;
    /** A bad {@link #MODE_PROPERTY} value, reported at the first compile. */
    private final String modeProblem;
    private final AtomicInteger compilations = new AtomicInteger();
    /** Reasons for compiling in this process already logged: each once. */
    private final Set<String> explained = ConcurrentHashMap.newKeySet();

    /** In this process only (tests that build jars). */
    public JavaSourceCompiler(String jvmHome) {
        this(jvmHome, null, null);
    }

    JavaSourceCompiler(String jvmHome, CompileProcess process, String modeProblem) {
        this.jvmHome = jvmHome;
        this.process = process;
        this.modeProblem = modeProblem;
    }

    /** As the system property {@value #MODE_PROPERTY} says (JvmOptions, a daemon's jvm-options). */
    public static JavaSourceCompiler configured(String jvmHome) {
        String mode = System.getProperty(MODE_PROPERTY, "process").trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "inprocess":
                return new JavaSourceCompiler(jvmHome, null, null);
            case "process":
            case "":
                return new JavaSourceCompiler(jvmHome, CompileProcess.standard(), null);
            default:
                return new JavaSourceCompiler(jvmHome, CompileProcess.standard(), "-D" + MODE_PROPERTY + "=" + mode
                        + " is neither 'process' nor 'inprocess': using 'process'");
        }
    }

    /** How many compiles ran, here or in a child (tests prove cache hits never compile). */
    public int compilations() {
        return compilations.get();
    }

    /**
     * Compiles in this process, without the cache (tests).
     *
     * @return binary class name → class file bytes, for every class of the source
     * @throws ScriptLoadException with javac-style diagnostics (file:line: error: …) on failure
     */
    public synchronized Map<String, byte[]> compile(Path script, byte[] source) throws ScriptLoadException {
        compilations.incrementAndGet();
        return InMemoryJavac.compile(script, source, jvmHome);
    }

    /**
     * The classes of {@code source}, which the cache (if any) did not have: compiled in a child
     * JVM or here, and stored in the cache; or read from the cache when another thread or
     * process compiled them meanwhile.
     *
     * @param cache the disk cache, or {@code null}
     * @throws ScriptLoadException with javac-style diagnostics (file:line: error: …) on failure
     */
    public synchronized ScriptClasses compile(ScriptSource source, String key, CompiledClassCache cache, Log log)
            throws ScriptLoadException {
        long start = System.nanoTime();
        if (modeProblem != null && explained.add(modeProblem)) {
            log.log(Message.JVM01350, modeProblem);
        }
        if (cache == null) {
            explain(log, "no compiled-class cache directory is configured");
            return inMemory(source, null, key, log, start);
        }
        if (!cache.safe(log)) {
            explain(log, "the compiled-class cache " + cache.directory() + " cannot be used (JVM01230)");
            return inMemory(source, null, key, log, start);
        }
        long timeout = process == null ? CompileProcess.DEFAULT_TIMEOUT_MILLIS : process.timeoutMillis();
        Closeable lock = null;
        try {
            lock = cache.lockForCompile(timeout);
            if (lock == null && log.enabled(Message.JVM01223)) {
                log.log(Message.JVM01223, "another process held the compile lock of " + cache.directory()
                        + " for " + timeout / 1000 + " s: compiling " + source.path() + " without waiting longer");
            }
            Map<String, byte[]> cached = cache.read(key, log);
            if (cached != null) {
                return classes(cached, "read from the cache " + cache.directory() + " after another thread or process"
                        + " compiled them, " + Log.millis(start) + " ms");
            }
            if (process == null) {
                explain(log, "-D" + MODE_PROPERTY + "=inprocess");
                return inMemory(source, cache, key, log, start);
            }
            String unavailable = process.unavailable();
            if (unavailable != null) {
                explain(log, unavailable);
                return inMemory(source, cache, key, log, start);
            }
            try {
                compilations.incrementAndGet();
                process.compile(source, key, cache, log);
            } catch (CompileProcess.CannotStart e) {
                compilations.decrementAndGet();
                explain(log, e.getMessage());
                return inMemory(source, cache, key, log, start);
            }
            Map<String, byte[]> compiled = cache.read(key, log);
            if (compiled == null) {
                throw ScriptLoadException.temporary(Message.JVM01220, "compiling " + source.path() + " in a separate JVM"
                        + " succeeded but its entry " + key + ".jar cannot be read from " + cache.directory());
            }
            return classes(compiled, "compiled in " + Log.millis(start) + " ms by a separate JVM");
        } finally {
            if (lock != null) {
                try {
                    lock.close();
                } catch (IOException ignored) {
                    // closing the channel released the lock anyway
                }
            }
        }
    }

    private ScriptClasses inMemory(ScriptSource source, CompiledClassCache cache, String key, Log log, long start)
            throws ScriptLoadException {
        compilations.incrementAndGet();
        Map<String, byte[]> compiled = InMemoryJavac.compile(source.path(), source.bytes(), jvmHome);
        String origin = "compiled in " + Log.millis(start) + " ms";
        if (cache != null) {
            cache.write(key, compiled, source.path(), log);
        }
        return classes(compiled, origin);
    }

    /** Logs once per reason why a script is compiled in this process, which then keeps javac's memory. */
    private void explain(Log log, String reason) {
        if (explained.add(reason) && log.enabled(Message.JVM01221)) {
            log.log(Message.JVM01221, "compiling scripts in this process (which keeps the compiler's ~50 MB from"
                    + " now on), not in a separate JVM: " + reason);
        }
    }

    private static ScriptClasses classes(Map<String, byte[]> classes, String origin) {
        return new ScriptClasses(classes, null, Map.of(), origin, false);
    }
}
