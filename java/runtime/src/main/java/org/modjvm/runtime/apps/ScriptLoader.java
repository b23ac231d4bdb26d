package org.modjvm.runtime.apps;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.modjvm.runtime.compile.CacheKey;
import org.modjvm.runtime.compile.CompiledClassCache;
import org.modjvm.runtime.compile.JavaSourceCompiler;
import org.modjvm.runtime.compile.ScriptClasses;
import org.modjvm.runtime.compile.ScriptLoadException;
import org.modjvm.runtime.compile.ScriptSource;
import org.modjvm.runtime.log.Log;

/**
 * Turns a script's bytes into class bytes: a jar is read; a source is taken from the disk
 * cache when possible, else compiled (and cached; see {@link JavaSourceCompiler} for where).
 * A source that failed to compile is remembered by its cache key, so a broken file is not
 * recompiled on every request, and is compiled again as soon as its content changes.
 */
public final class ScriptLoader {
    /** Broken versions remembered; a developer's edit loop creates one per save, so it is bounded. */
    private static final int MAX_REMEMBERED_FAILURES = 64;

    private final CompiledClassCache cache;
    private final JavaSourceCompiler compiler;
    private final Map<String, ScriptLoadException> failures = new ConcurrentHashMap<>();
    /** With script-user=/script-group= (a daemon group): scripts are read checking their owner. */
    private final OwnedFileReader ownedReader;

    /** @param cache the disk cache, or {@code null} for none */
    public ScriptLoader(CompiledClassCache cache, JavaSourceCompiler compiler) {
        this(cache, compiler, null);
    }

    /** @param ownedReader reads scripts checking their owner, or {@code null} to read them plainly */
    public ScriptLoader(CompiledClassCache cache, JavaSourceCompiler compiler, OwnedFileReader ownedReader) {
        this.cache = cache;
        this.compiler = compiler;
        this.ownedReader = ownedReader;
    }

    /**
     * Reads the script once (the snapshot everything of this version comes from). With an
     * owner required, a file of another owner is a {@link ScriptLoadException#forbidden} failure.
     */
    ScriptSource read(String script) throws ScriptLoadException {
        Path path = Path.of(script);
        return ownedReader == null ? ScriptSource.read(path) : ScriptSource.ownerChecked(path, ownedReader.read(script));
    }

    public JavaSourceCompiler compiler() {
        return compiler;
    }

    ScriptClasses classes(ScriptSource source, Log log) throws ScriptLoadException {
        if (source.jar()) {
            return JarReader.read(source);
        }
        String key = CacheKey.ofSourceHash(source.sha256());
        ScriptLoadException failed = failures.get(key);
        if (failed != null) {
            throw failed;
        }
        long start = System.nanoTime();
        if (cache != null) {
            Map<String, byte[]> cached = cache.read(key, log);
            if (cached != null) {
                return new ScriptClasses(cached, null, Map.of(),
                        "read from the cache " + cache.directory() + " in " + Log.millis(start) + " ms", false);
            }
        }
        try {
            return compiler.compile(source, key, cache, log);
        } catch (ScriptLoadException e) {
            if (!e.temporary) {
                if (failures.size() >= MAX_REMEMBERED_FAILURES) {
                    failures.clear();
                }
                failures.put(key, e);
            }
            throw e;
        }
    }
}
