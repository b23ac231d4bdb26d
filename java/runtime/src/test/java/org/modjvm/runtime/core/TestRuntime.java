package org.modjvm.runtime.core;

import java.nio.file.Path;
import java.util.Map;
import org.modjvm.Application;
import org.modjvm.runtime.apps.LoadedApplication;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.wire.TestFrames;

/** Builds contexts and runs requests through the real request core with a fake transport. */
public final class TestRuntime {
    private TestRuntime() {
    }

    public static RuntimeConfig config(int logLevel, Path cacheDirectory, int uid) {
        return new RuntimeConfig("0.1.0", "", true, false, logLevel, cacheDirectory, uid,
                System.getProperty("java.home"));
    }

    /** A context whose every request runs {@code application}. */
    public static RuntimeContext fixed(Application application, FakeTransport serverLog) {
        return new RuntimeContext(config(Log.DEBUG, null, -1), new Log(serverLog, Log.DEBUG),
                (request, log) -> LoadedApplication.of(application, TestRuntime.class.getClassLoader()));
    }

    /** The outcome of one request. */
    public record Outcome(int result, FakeTransport transport) {
        public int status() {
            TestFrames.Head head = transport.head();
            return head == null ? -1 : head.status();
        }

        public String body() {
            return transport.bodyText();
        }
    }

    public static Outcome run(RuntimeContext context, Map<String, String> environ, int flags, long mtime, long size) {
        FakeTransport transport = new FakeTransport();
        return run(context, transport, environ, flags, mtime, size);
    }

    public static Outcome run(RuntimeContext context, FakeTransport transport, Map<String, String> environ, int flags,
                       long mtime, long size) {
        byte[] frame = TestFrames.request(flags, mtime, size, environ);
        int result = new RequestHandler(context, transport).handle(frame, frame.length);
        return new Outcome(result, transport);
    }
}
