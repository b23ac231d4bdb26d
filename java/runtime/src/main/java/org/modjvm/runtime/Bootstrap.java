package org.modjvm.runtime;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import org.modjvm.runtime.compile.RuntimeVersion;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.core.RuntimeContext;
import org.modjvm.runtime.core.SettingKeys;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;
import org.modjvm.runtime.log.LogPrintStream;
import org.modjvm.runtime.log.LogSink;
import org.modjvm.runtime.wire.Frames;

/**
 * Entry points of the C module (docs/internals.md, "JVM start"): {@link #init} once per JVM,
 * {@link #newWorker} once per attached Apache thread. Neither ever throws: a failure is logged
 * and requests then answer 500.
 */
public final class Bootstrap {
    /** Server-level lines (request handle 0). */
    private static final LogSink SERVER_LOG = (level, line) -> Natives.log(0, level, line);

    private static volatile RuntimeContext context;
    /** JvmRequestTimeout's watchdog, or null when there is no limit. */
    private static volatile RequestWatchdog watchdog;

    private Bootstrap() {
    }

    /** @param config the config key/value block (mod_jvm.version, log_level, cache_dir, uid …) */
    public static void init(ByteBuffer config) {
        try {
            // like mod_wsgi: print output lands in the error log, at error level, line by line
            System.setOut(logStream(SERVER_LOG));
            System.setErr(logStream(SERVER_LOG));
        } catch (Throwable e) {
            logFailure("cannot redirect System.out and System.err to the error log", e);
        }
        try {
            java.util.Map<String, String> values = Frames.decodeConfig(config);
            RuntimeConfig settings = RuntimeConfig.from(values);
            RuntimeContext created = RuntimeContext.create(settings, SERVER_LOG);
            long requestTimeout = parseLong(values.get(SettingKeys.REQUEST_TIMEOUT));
            if (requestTimeout > 0) {
                RequestWatchdog w = new RequestWatchdog(requestTimeout, created.serverLog());
                w.start();
                watchdog = w;
            }
            context = created;
            Log log = created.serverLog();
            if (log.enabled(Message.JVM01001)) {
                log.log(Message.JVM01001, "mod_jvm runtime " + RuntimeVersion.VALUE + " started on Java "
                        + Runtime.version() + " (" + settings.jvmHome() + "), process group '" + settings.processGroup()
                        + "', multithread " + settings.multithread() + ", multiprocess " + settings.multiprocess()
                        + ", compiled-class cache " + (settings.cacheDirectory() == null ? "none" : settings.cacheDirectory()));
            }
        } catch (Throwable e) {
            logFailure("cannot initialize the mod_jvm runtime", e);
        }
    }

    /** @return the worker of Apache thread {@code threadId}; one that answers 500 if init failed */
    public static Worker newWorker(int threadId) {
        RequestWatchdog w = watchdog;
        Worker worker = new Worker(context, threadId, w != null);
        if (w != null) {
            w.watch(worker);
        }
        return worker;
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static PrintStream logStream(LogSink sink) {
        return new LogPrintStream(sink, Log.ERR);
    }

    private static void logFailure(String what, Throwable error) {
        try {
            new Log(SERVER_LOG, Log.DEBUG).log(Message.JVM01002, what + ":", error);
        } catch (Throwable ignored) {
            // the natives are not there: nothing can be logged
        }
    }
}
