package org.modjvm.runtime.core;

import org.modjvm.runtime.apps.ApplicationLookup;
import org.modjvm.runtime.apps.ApplicationRegistry;
import org.modjvm.runtime.apps.OwnedFileReader;
import org.modjvm.runtime.apps.ScriptLoader;
import org.modjvm.runtime.compile.CompiledClassCache;
import org.modjvm.runtime.compile.JavaSourceCompiler;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.LogSink;
import org.modjvm.runtime.web.WebEngines;

/**
 * What every worker of the process shares: the configuration, the server-level log, the
 * applications (scripts) and the web applications' engine. Built once by {@code Bootstrap.init} or {@code DaemonMain} (or by tests, with fakes).
 */
public record RuntimeContext(RuntimeConfig config, Log serverLog, ApplicationLookup applications, WebEngines webEngines) {

    /** Web applications through a servlet engine started the first time one is asked for. */
    public RuntimeContext(RuntimeConfig config, Log serverLog, ApplicationLookup applications) {
        this(config, serverLog, applications, new WebEngines(config, serverLog));
    }

    /** The production wiring: a registry over the disk cache (if configured) and a lazily used compiler. */
    public static RuntimeContext create(RuntimeConfig config, LogSink serverSink) {
        return create(config, serverSink, null);
    }

    /** @param ownedReader reads the scripts checking their owner (a daemon group's script-user=), or {@code null} */
    public static RuntimeContext create(RuntimeConfig config, LogSink serverSink, OwnedFileReader ownedReader) {
        CompiledClassCache cache = config.cacheDirectory() == null ? null
                : new CompiledClassCache(config.cacheDirectory(), config.uid());
        ScriptLoader loader = new ScriptLoader(cache, JavaSourceCompiler.configured(config.jvmHome()), ownedReader);
        return new RuntimeContext(config, new Log(serverSink, config.logLevel()), new ApplicationRegistry(loader));
    }
}
