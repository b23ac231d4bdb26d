package org.modjvm.runtime;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compiles {@code .java} scripts, on cache misses only. Loading the compiler costs ~400 ms and
 * ~50 MB of RSS for the life of the process, so this class does not even mention javax.tools:
 * {@link InMemoryJavac}, which does, is loaded by the JVM at the first real compile, never on a
 * cache hit.
 *
 * <p>Compiles are serialized: they are rare, and two at once could exhaust a small heap.
 */
final class JavaSourceCompiler {
    private final String jvmHome;
    private final AtomicInteger compilations = new AtomicInteger();

    JavaSourceCompiler(String jvmHome) {
        this.jvmHome = jvmHome;
    }

    /** How many compiles ran (tests prove cache hits never compile). */
    int compilations() {
        return compilations.get();
    }

    /**
     * @return binary class name → class file bytes, for every class of the source
     * @throws ScriptLoadException with javac-style diagnostics (file:line: error: …) on failure
     */
    synchronized Map<String, byte[]> compile(Path script, byte[] source) throws ScriptLoadException {
        compilations.incrementAndGet();
        return InMemoryJavac.compile(script, source, jvmHome);
    }
}
