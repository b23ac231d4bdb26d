package org.modjvm.runtime.apps;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.modjvm.Application;
import org.modjvm.runtime.compile.ScriptClasses;
import org.modjvm.runtime.compile.ScriptLoadException;
import org.modjvm.runtime.compile.ScriptSource;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * An application group: a named class-loader space whose current {@link Generation} holds
 * the group's scripts. Loading and reloading happen under the group's lock (scripts of one
 * group share a loader, so their loads are serialized; other groups load in parallel); the
 * registry reads {@link #current} without locking.
 */
final class ApplicationGroup {
    final String name;
    private final ScriptLoader scriptLoader;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Generation current;

    ApplicationGroup(String name, ScriptLoader scriptLoader) {
        this.name = name;
        this.scriptLoader = scriptLoader;
        this.current = Generation.first(name);
    }

    Generation current() {
        return current;
    }

    /** The slow path: load, reload or resolve under the lock, re-checking what another thread may have done. */
    LoadedApplication load(ScriptRequest request, Log log) {
        lock.lock();
        try {
            Generation generation = current;
            LoadedScript script = generation.scripts.get(request.script());
            if (script == null || !script.current(request)) {
                ScriptSource source;
                try {
                    source = scriptLoader.read(request.script());
                } catch (ScriptLoadException e) {
                    // not remembered: a read error (permissions, a file being replaced) may pass, and a
                    // file refused for its owner must not stop the group's own file from loading later
                    e.log(log);
                    return e.forbidden ? LoadedApplication.forbidden(e.getMessage())
                            : LoadedApplication.failed("cannot read the script");
                }
                script = refresh(generation, script, source, request, log);
            }
            LoadedApplication application = script.callables.get(request.callable());
            if (application == null) {
                application = resolve(script, request, log);
                script.callables.put(request.callable(), application);
            }
            return application;
        } finally {
            lock.unlock();
        }
    }

    /** Decides on the script's bytes just read: same content (keep), changed (new generation), or first load. */
    private LoadedScript refresh(Generation generation, LoadedScript previous, ScriptSource source, ScriptRequest request,
                                 Log log) {
        if (previous != null && Arrays.equals(previous.sha256, source.sha256()) && !previous.temporaryFailure()) {
            LoadedScript same = previous.restamped(request.mtime(), request.size());
            generation.scripts.put(request.script(), same);
            if (log.enabled(Message.JVM01202)) {
                log.log(Message.JVM01202, request.script() + " has a new modification time or size but the same"
                        + " content: keeping the loaded version");
            }
            return same;
        }
        Generation target = generation;
        if (previous != null && previous.loaded()) {
            // its old classes are defined in this generation's loader and cannot be replaced there
            target = generation.next(name);
            current = target;
            if (log.enabled(Message.JVM01201)) {
                log.log(Message.JVM01201, request.script() + " changed: reloading application group '" + name
                        + "' as generation " + target.number + " (its other scripts reload when next used;"
                        + " running requests finish on generation " + generation.number + ")");
            }
        }
        return loadInto(target, source, request, log);
    }

    private LoadedScript loadInto(Generation target, ScriptSource source, ScriptRequest request, Log log) {
        long start = System.nanoTime();
        LoadedScript loaded;
        try {
            ScriptClasses classes = target.takeCarried(request.script(), source.sha256());
            if (classes == null) {
                classes = scriptLoader.classes(source, log);
            } else {
                classes = new ScriptClasses(classes.classes(), null, Map.of(),
                        "reused from generation " + (target.number - 1), false);
            }
            List<String> shadowed = target.loader.add(source.path(), classes);
            if (!shadowed.isEmpty()) {
                log.log(Message.JVM01218, request.script() + ": " + shadowed.size() + " of its classes are on the"
                        + " JVM's class path already, which wins (e.g. " + shadowed.get(0) + "); the jar's copies are"
                        + " not used (do not bundle mod_jvm-api or JvmClassPath libraries in the jar)");
            }
            if (log.enabled(Message.JVM01200)) {
                log.log(Message.JVM01200, "loaded " + request.script() + " into application group '" + name
                        + "' generation " + target.number + ": " + classes.classes().size()
                        + (classes.classes().size() == 1 ? " class " : " classes ")
                        + classes.origin() + ", " + Log.millis(start) + " ms in all");
            }
            // a jar's bytes now live in the loader until defined; keep only what resolving needs
            ScriptClasses kept = classes.jar()
                    ? new ScriptClasses(Map.of(), classes.mainClass(), Map.of(), classes.origin(), true) : classes;
            loaded = LoadedScript.loaded(request.mtime(), request.size(), source.sha256(), kept, target.loader);
        } catch (ScriptLoadException e) {
            e.log(log);
            loaded = LoadedScript.failed(request.mtime(), request.size(), source.sha256(), e.getMessage(),
                    e.temporary ? retryTime() : 0);
        }
        target.scripts.put(request.script(), loaded);
        return loaded;
    }

    /** When a temporary failure (a compiler process that timed out) is retried: not on every request. */
    private static long retryTime() {
        long at = System.nanoTime() + ScriptLoadException.TEMPORARY_FAILURE_RETRY_NANOS;
        return at == 0 ? 1 : at;
    }

    private LoadedApplication resolve(LoadedScript script, ScriptRequest request, Log log) {
        if (!script.loaded()) {
            return script.temporaryFailure() ? LoadedApplication.failedTemporarily(script.failure)
                    : LoadedApplication.failed(script.failure);
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(script.loader); // static initializers may use it (ServiceLoader …)
        long start = System.nanoTime();
        try {
            Application application = CallableResolver.resolve(script.loader, Path.of(request.script()), script.classes,
                    CallableName.parse(request.callable()));
            if (log.enabled(Message.JVM01203)) {
                log.log(Message.JVM01203, "resolved " + application + " of " + request.script()
                        + " (class initialized in " + Log.millis(start) + " ms)");
            }
            return LoadedApplication.of(application, script.loader);
        } catch (ScriptLoadException e) {
            e.log(log);
            return LoadedApplication.failed(e.getMessage());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
