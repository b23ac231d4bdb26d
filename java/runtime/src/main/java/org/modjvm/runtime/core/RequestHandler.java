package org.modjvm.runtime.core;

import java.io.PrintStream;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import org.modjvm.Application;
import org.modjvm.Environ;
import org.modjvm.runtime.apps.CallableName;
import org.modjvm.runtime.apps.LoadedApplication;
import org.modjvm.runtime.apps.ScriptRequest;
import org.modjvm.runtime.compile.ScriptLoadException;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;
import org.modjvm.runtime.log.LogPrintStream;
import org.modjvm.runtime.log.LogSink;
import org.modjvm.runtime.web.WebRequest;
import org.modjvm.runtime.wire.EnvironStrings;
import org.modjvm.runtime.wire.Frames;
import org.modjvm.runtime.wire.RequestFrame;

/**
 * The request core, independent of how bytes reach the web server: decodes a request frame
 * into the environ, finds the application, calls it, sends the body through the
 * {@link Transport}, and turns every failure into the right outcome. One per worker thread
 * (it owns reusable buffers and the {@code jvm.errors} stream); embedded mode drives it from
 * {@code org.modjvm.runtime.Worker}, daemon mode from a socket ({@code daemon.DaemonConnection}).
 *
 * <p>Result: 0 (response produced), an HTTP status &gt; 0 (nothing sent, C answers with an
 * error page), or -1 (failure after the head was sent: C aborts the connection).
 */
public final class RequestHandler {
    static final int RESPONSE_SENT = 0;
    static final int ABORT = -1;
    public static final int INTERNAL_SERVER_ERROR = 500;
    static final int FORBIDDEN = 403;

    private static final List<Integer> VERSION = List.of(1, 0);
    /** jvm.* keys added to the frame's variables: sizes the environ map so it never rehashes. */
    private static final int ADDED_ENTRIES = 10;
    private static final int INPUT_BUFFER_SIZE = 8192;

    private final RuntimeContext context;
    private Transport transport; // (attach: only between requests, by the thread that runs them)
    private Log log;
    private final Boolean multithread;
    private final Boolean multiprocess;
    private final byte[] inputBuffer = new byte[INPUT_BUFFER_SIZE];
    private final EnvironStrings environStrings = new EnvironStrings();
    private final RequestErrors errorsSink;
    private final PrintStream errors;

    public RequestHandler(RuntimeContext context, Transport transport) {
        this.context = context;
        this.transport = transport;
        this.log = new Log(transport, context.config().logLevel());
        this.multithread = context.config().multithread();
        this.multiprocess = context.config().multiprocess();
        this.errorsSink = new RequestErrors(transport, context.serverLog());
        this.errors = new LogPrintStream(errorsSink, Log.ERR);
    }

    /**
     * From now on requests come over {@code transport} (a daemon connection reusing the handler
     * of one that ended: its buffers and its {@code jvm.errors} stream, 16 KB of buffers itself,
     * are not made again for every connection).
     */
    public void attach(Transport transport) {
        this.transport = transport;
        this.log = new Log(transport, context.config().logLevel());
        errorsSink.transport = transport;
    }

    public int handle(byte[] frame, int length) {
        RequestFrame request;
        try {
            request = Frames.decodeRequest(frame, length, ADDED_ENTRIES, environStrings);
        } catch (IllegalArgumentException e) {
            log.log(Message.JVM01010, "invalid request frame from the web server: " + e.getMessage());
            return INTERNAL_SERVER_ERROR;
        }
        HashMap<String, Object> environ = request.environ();
        String script = string(environ, "SCRIPT_FILENAME", "");
        if (script.isEmpty()) {
            log.log(Message.JVM01011, "request frame has no SCRIPT_FILENAME");
            return INTERNAL_SERVER_ERROR;
        }
        if (request.webApplication()) {
            return serveWebApplication(request, script, environ);
        }
        String group = string(environ, Environ.APPLICATION_GROUP, script);
        String callable = string(environ, Environ.CALLABLE_OBJECT, CallableName.DEFAULT_MEMBER);
        LoadedApplication loaded = context.applications().lookup(new ScriptRequest(script, group, callable,
                request.scriptMtime(), request.scriptSize(), request.reloading()), log);
        if (loaded == LoadedApplication.NO_ROOM_FOR_GROUP) {
            return INTERNAL_SERVER_ERROR;
        }
        if (loaded.forbidden()) {
            return FORBIDDEN; // the file at the script's path is not the group's to run (logged: JVM01345/JVM01346)
        }
        if (!loaded.ok()) {
            log.log(Message.JVM01107, "application " + script + " (callable " + callable + ", application group '"
                    + group + "') could not be loaded: answering 500 " + (loaded.temporary()
                    ? "until it is tried again, " + ScriptLoadException.TEMPORARY_FAILURE_RETRY_NANOS / 1_000_000_000L
                    + " s after the failure" : "until it changes") + " (the reason was logged when loading failed: JVM012xx)");
            return INTERNAL_SERVER_ERROR;
        }

        Thread thread = Thread.currentThread();
        Response response = new Response(transport, thread, request.headerOnly());
        RequestBody input = new RequestBody(transport, inputBuffer, request.hasBody(), thread);
        addJvmEntries(environ, input);
        // the application may change environ: remember what the log lines need now
        String method = string(environ, "REQUEST_METHOD", "?");
        String uri = string(environ, "REQUEST_URI", "?");
        ClassLoader previousLoader = thread.getContextClassLoader();
        errorsSink.begin(thread);
        try {
            thread.setContextClassLoader(loaded.classLoader());
            return run(loaded.application(), environ, response, script, method, uri);
        } finally {
            response.end();
            input.end();
            errors.flush();
            errorsSink.end();
            thread.setContextClassLoader(previousLoader);
            Thread.interrupted(); // an interrupt the application left behind must not hit the next request
        }
    }

    /** A web application: its servlet engine reads the request and writes the response itself. */
    private int serveWebApplication(RequestFrame request, String root, HashMap<String, Object> environ) {
        Thread thread = Thread.currentThread();
        ClassLoader previousLoader = thread.getContextClassLoader();
        try {
            return context.webEngines().serve(new WebRequest(request, root, string(environ, "SCRIPT_NAME", ""),
                    transport, log));
        } finally {
            thread.setContextClassLoader(previousLoader);
            Thread.interrupted(); // an interrupt the application left behind must not hit the next request
        }
    }

    private void addJvmEntries(HashMap<String, Object> environ, RequestBody input) {
        environ.put(Environ.VERSION, VERSION);
        environ.put(Environ.URL_SCHEME, urlScheme(environ));
        environ.put(Environ.INPUT, input);
        environ.put(Environ.INPUT_TERMINATED, Boolean.TRUE);
        environ.put(Environ.ERRORS, errors);
        environ.put(Environ.MULTITHREAD, multithread);
        environ.put(Environ.MULTIPROCESS, multiprocess);
        environ.put(Environ.RUN_ONCE, Boolean.FALSE);
        environ.put(Environ.FILE_WRAPPER, StreamFileWrapper.INSTANCE);
        if (!environ.containsKey(Environ.PROCESS_GROUP)) {
            environ.put(Environ.PROCESS_GROUP, context.config().processGroup());
        }
    }

    private static String urlScheme(HashMap<String, Object> environ) {
        Object scheme = environ.get("REQUEST_SCHEME");
        if (scheme instanceof String && !((String) scheme).isEmpty()) {
            return (String) scheme;
        }
        return "on".equalsIgnoreCase(string(environ, "HTTPS", "")) ? "https" : "http";
    }

    private int run(Application application, HashMap<String, Object> environ, Response response,
                    String script, String method, String uri) {
        Iterable<?> body = null;
        int result;
        try {
            body = application.call(environ, response);
            if (body == null) {
                throw new ContractViolation("application returned null instead of an Iterable of body chunks");
            }
            sendBody(body, response);
            response.finish();
            result = RESPONSE_SENT;
            if (response.complete() && log.enabled(Message.JVM01340)) {
                log.log(Message.JVM01340, "HEAD " + uri + " (" + script + "): the head is sent, the body is closed"
                        + " without asking it for more chunks (Apache sends no body for HEAD)");
            }
        } catch (Throwable error) {
            result = failed(error, response, script, method, uri);
        }
        if (body instanceof AutoCloseable) {
            try {
                ((AutoCloseable) body).close();
            } catch (Throwable error) {
                log.log(Message.JVM01104, "exception closing the body of application " + script + " for " + method
                        + " " + uri + ":", error);
            }
        }
        return result;
    }

    /**
     * Sends the chunks as they come. For a Collection the last chunk is known: it goes without
     * flush (Apache flushes at the end anyway); with any other iterable every chunk is flushed,
     * because the next one may take a while (streaming).
     *
     * <p>HEAD: once the head has gone out with a flush the response is complete, and the body is
     * not asked for anything more — not even {@code hasNext()}, which a stream may block in until
     * its next event. Apache would drop the chunks and their flushes, so an endless stream would
     * hold the thread forever without ever seeing the client leave.
     */
    private static void sendBody(Iterable<?> body, Response response) throws java.io.IOException {
        if (response.complete()) {
            return; // HEAD after a write(): the head is out
        }
        Iterator<?> chunks = body.iterator();
        if (body instanceof Collection) {
            int remaining = ((Collection<?>) body).size();
            while (!response.complete() && chunks.hasNext()) {
                Object chunk = chunks.next();
                remaining--;
                response.sendChunk(chunk, remaining > 0);
            }
        } else {
            while (!response.complete() && chunks.hasNext()) {
                response.sendChunk(chunks.next(), true);
            }
        }
    }

    private int failed(Throwable error, Response response, String script, String method, String uri) {
        if (response.complete()) {
            // HEAD: the client has its whole answer; the application went on writing and was told so
            if (error instanceof ClientGoneException) {
                if (log.enabled(Message.JVM01341)) {
                    log.log(Message.JVM01341, "HEAD " + uri + " (" + script + "): the application wrote after"
                            + " the head, and write() ended it with an IOException (Apache sends no body for HEAD)");
                }
            } else {
                log.log(Message.JVM01100, "exception in application " + script + " for " + method + " " + uri
                        + " (after the head of the HEAD response was sent):", error);
            }
            return RESPONSE_SENT;
        }
        if (response.clientGone()) {
            if (error instanceof ClientGoneException) {
                if (log.enabled(Message.JVM01105)) {
                    log.log(Message.JVM01105, "client went away during " + method + " " + uri + " (" + script
                            + "): response abandoned");
                }
            } else {
                log.log(Message.JVM01100, "exception in application " + script + " for " + method + " " + uri
                        + " (after the client went away):", error);
            }
            return RESPONSE_SENT; // nothing more to send, and C knows the client is gone
        }
        if (transport.abandoned()) {
            // the request was given up and its thread interrupted (why was logged then: JVM01310,
            // JVM01335): what the application ends with is no error of its own, and nobody reads
            // the answer
            if (log.enabled(Message.JVM01337)) {
                log.log(Message.JVM01337, "application " + script + " for " + method + " " + uri + " ended with "
                        + error + " after its request was given up (request-timeout, or Apache closed the connection):"
                        + " its thread is free again");
            }
            return ABORT;
        }
        if (error instanceof ContractViolation) {
            log.log(Message.JVM01101, "application " + script + " for " + method + " " + uri + ": " + error.getMessage());
        } else {
            log.log(Message.JVM01100, "exception in application " + script + " for " + method + " " + uri + ":", error);
        }
        return response.headSent() ? ABORT : INTERNAL_SERVER_ERROR;
    }

    private static String string(HashMap<String, Object> environ, String key, String fallback) {
        Object value = environ.get(key);
        return value instanceof String ? (String) value : fallback;
    }

    /**
     * Where {@code jvm.errors} lines go: the current request's log while it runs on its
     * thread; the server log otherwise (another thread, or after the request: the request
     * handle is then invalid).
     */
    private static final class RequestErrors implements LogSink {
        private Transport transport; // read by the request's own thread only
        private final Log serverLog;
        private volatile Thread requestThread;

        RequestErrors(Transport transport, Log serverLog) {
            this.transport = transport;
            this.serverLog = serverLog;
        }

        void begin(Thread thread) {
            requestThread = thread;
        }

        void end() {
            requestThread = null;
        }

        @Override
        public void log(int level, byte[] utf8Line) {
            if (Thread.currentThread() == requestThread) {
                transport.log(level, utf8Line);
            } else {
                serverLog.logRaw(level, utf8Line);
            }
        }
    }
}
