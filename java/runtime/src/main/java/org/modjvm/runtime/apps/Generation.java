package org.modjvm.runtime.apps;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.modjvm.runtime.compile.ScriptClasses;

/**
 * One class-loader generation of an application group. A changed script starts a new
 * generation; the other scripts of the group load into it again when next used (reusing the
 * class bytes compiled for the old generation when their content is unchanged). Requests
 * still running on the old generation finish there; it is garbage once they are done.
 */
final class Generation {
    final int number;
    final GroupClassLoader loader;
    /** Script path → its version in this generation. */
    final ConcurrentHashMap<String, LoadedScript> scripts = new ConcurrentHashMap<>();
    /** Script path → classes compiled for an earlier generation: plain bytes, no loader kept alive. */
    private final Map<String, CompiledSource> carried;

    /** Compiled classes of one source content. */
    record CompiledSource(byte[] sha256, ScriptClasses classes) {
    }

    Generation(String group, int number, Map<String, CompiledSource> carried) {
        this.number = number;
        this.loader = new GroupClassLoader(group, number);
        this.carried = carried;
    }

    static Generation first(String group) {
        return new Generation(group, 1, new ConcurrentHashMap<>());
    }

    /** The next generation, carrying the compiled sources of this one (and those carried but not yet used). */
    Generation next(String group) {
        Map<String, CompiledSource> forward = new ConcurrentHashMap<>(carried);
        for (Map.Entry<String, LoadedScript> entry : scripts.entrySet()) {
            LoadedScript script = entry.getValue();
            if (script.loaded() && !script.classes.jar()) {
                forward.put(entry.getKey(), new CompiledSource(script.sha256, script.classes));
            }
        }
        return new Generation(group, number + 1, forward);
    }

    /** The classes compiled earlier for exactly this content of {@code script}, or {@code null}. */
    ScriptClasses takeCarried(String script, byte[] sha256) {
        CompiledSource previous = carried.remove(script);
        return previous != null && Arrays.equals(previous.sha256(), sha256) ? previous.classes() : null;
    }
}
