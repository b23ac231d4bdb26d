package org.modjvm.servlet.internal;

import jakarta.servlet.ServletConnection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.coyote.AbstractProcessor;
import org.apache.coyote.ActionCode;
import org.apache.coyote.Adapter;
import org.apache.coyote.ContinueResponseTiming;
import org.apache.coyote.ErrorState;
import org.apache.coyote.InputBuffer;
import org.apache.coyote.OutputBuffer;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.buf.ByteChunk;
import org.apache.tomcat.util.http.MimeHeaders;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.ApplicationBufferHandler;
import org.apache.tomcat.util.net.DispatchType;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.modjvm.runtime.core.ResponseHead;
import org.modjvm.runtime.core.Transport;
import org.modjvm.runtime.log.Message;
import org.modjvm.runtime.web.WebRequest;
import org.modjvm.runtime.wire.Frames;

/**
 * The Coyote processor of one request thread: fills Tomcat's request from the frame Apache
 * sent (the CGI variables, the headers as they arrived; no HTTP is parsed again), runs it
 * through the engine's adapter, and writes the response through the request's transport.
 * The map is Tomcat's AJP processor's ({@code AjpProcessor.prepareRequest}): what Apache
 * forwards with mod_proxy_ajp, the servlet sees here.
 *
 * <p><b>Threads.</b> The transport belongs to the request's own thread (in embedded mode it
 * calls into Apache, whose pools are not thread-safe). A servlet that goes asynchronous
 * ({@code startAsync}, non-blocking listeners) may read and write from other threads: those
 * reads and writes are handed to the request's thread, which, once the servlet's
 * {@code service} has returned, waits for them (and for the async events Tomcat dispatches,
 * and checks async timeouts) until the request completes. Like a processor of Tomcat's
 * HTTP/2 streams ({@code StreamProcessor}), it has no socket of its own.
 *
 * <p>One per request thread, reused: {@link #serve} recycles it.
 */
final class RequestProcessor extends AbstractProcessor {
    private static final Log LOG = LogFactory.getLog(RequestProcessor.class);
    /** How often a request in async mode checks its AsyncContext timeout. */
    private static final long ASYNC_TICK_MILLIS = 200;
    private static final int INPUT_BUFFER_SIZE = 8192;
    private static final byte[] NO_BYTES = {};
    /** The request the calling thread serves, for the engine's log lines (EngineLogHandler). */
    private static final ThreadLocal<WebRequest> ON_THIS_THREAD = new ThreadLocal<>();


    private final Executor executor;
    private final BlockingQueue<Object> onRequestThread = new LinkedBlockingQueue<>();
    private final byte[] inputBuffer = new byte[INPUT_BUFFER_SIZE];
    private final ByteChunk certificates = new ByteChunk();

    private volatile Thread requestThread;
    private WebRequest current;
    private Transport transport;
    private byte[] pendingHead;
    private boolean headSent;
    private boolean swallowBody;
    private boolean finished;
    private boolean clientGone;
    private long bytesWritten;
    private int inputPosition;
    private int inputLimit;
    private boolean inputEnded;

    RequestProcessor(Adapter adapter, Executor executor) {
        super(adapter);
        this.executor = executor;
        request.setInputBuffer(new BodyInput());
        response.setOutputBuffer(new BodyOutput());
    }

    /** "GET /shop/cart (web application /srv/shop.war)" if this thread serves a request, else null. */
    static String requestOnThisThread() {
        WebRequest request = ON_THIS_THREAD.get();
        return request == null ? null : RequestMapping.describe(request);
    }

    /** Serves {@code webRequest} on this thread: the result as {@code WebEngine.serve}'s. */
    int serve(WebRequest webRequest) {
        current = webRequest;
        ON_THIS_THREAD.set(webRequest);
        transport = webRequest.transport();
        requestThread = Thread.currentThread();
        inputEnded = !webRequest.frame().hasBody();
        try {
            SocketState state;
            if (!RequestMapping.fill(request, webRequest, certificates)) {
                response.setStatus(400);
                setErrorState(ErrorState.CLOSE_CLEAN, null);
                return 400;
            }
            state = process(null, SocketEvent.OPEN_READ);
            while (state == SocketState.LONG || state == SocketState.ASYNC_END) {
                Object next = onRequestThread.poll(ASYNC_TICK_MILLIS, TimeUnit.MILLISECONDS);
                if (next == null) {
                    timeoutAsync(System.currentTimeMillis());
                } else if (next instanceof SocketEvent) {
                    state = process(null, (SocketEvent) next);
                } else {
                    ((Runnable) next).run();
                }
            }
            if (!finished && getErrorState().isIoAllowed()) {
                action(ActionCode.COMMIT, null);
                finishResponse();
            }
            return result();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            setErrorState(ErrorState.CLOSE_NOW, e);
            return result();
        } catch (IOException | RuntimeException e) {
            current.log().log(Message.JVM01408, "exception serving "
                    + RequestMapping.describe(webRequest) + ":", e);
            setErrorState(ErrorState.CLOSE_NOW, e);
            return result();
        } finally {
            drainTasks();
            requestThread = null;
            recycle();
        }
    }

    private int result() {
        if (clientGone || !getErrorState().isError()) {
            return 0;
        }
        if (!headSent) {
            // nothing reached Apache: its error page (Tomcat's, if it made one, was not sent)
            return pendingHead != null && finished ? 0 : 500;
        }
        return getErrorState().isIoAllowed() ? 0 : -1;
    }

    /** Tasks of other threads still queued when the request ends fail instead of waiting forever. */
    private void drainTasks() {
        Object left;
        while ((left = onRequestThread.poll()) != null) {
            if (left instanceof FutureTask) {
                ((FutureTask<?>) left).cancel(false);
            }
        }
    }

    @Override
    public void recycle() {
        getAdapter().checkRecycled(request, response);
        super.recycle();
        request.recycle();
        response.recycle();
        certificates.recycle();
        current = null;
        ON_THIS_THREAD.remove();
        transport = null;
        pendingHead = null;
        headSent = false;
        swallowBody = false;
        finished = false;
        clientGone = false;
        bytesWritten = 0;
        inputPosition = 0;
        inputLimit = 0;
        inputEnded = false;
    }

    // ---- the request thread and the others -----------------------------------------------------

    private boolean onRequestThread() {
        return Thread.currentThread() == requestThread;
    }

    /**
     * Runs {@code io} on the request's thread and returns its result: at once on that thread,
     * else handed to it and waited for (an async servlet's read or write from another thread).
     */
    private <T> T onRequestThread(java.util.concurrent.Callable<T> io) throws IOException {
        if (onRequestThread()) {
            try {
                return io.call();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        if (requestThread == null) {
            throw new IOException("the request has ended: its response can no longer be read or written");
        }
        FutureTask<T> task = new FutureTask<>(io);
        onRequestThread.add(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for the request's thread");
        } catch (java.util.concurrent.CancellationException e) {
            throw new IOException("the request has ended: its response can no longer be read or written");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IOException(cause);
        }
    }

    /** Tomcat dispatches an async event: the request's thread processes it in its loop. */
    @Override
    protected void processSocketEvent(SocketEvent event, boolean dispatch) {
        onRequestThread.add(event);
    }

    @Override
    protected void executeDispatches() {
        Iterator<DispatchType> dispatches = getIteratorAndClearDispatches();
        while (dispatches != null && dispatches.hasNext()) {
            onRequestThread.add(dispatches.next().getSocketStatus());
        }
    }

    /** {@code AsyncContext.start}: on the engine's executor, never on the request's thread. */
    @Override
    protected void execute(Runnable runnable) {
        executor.execute(runnable);
    }

    // ---- Coyote's processor --------------------------------------------------------------------

    @Override
    public SocketState service(SocketWrapperBase<?> socketWrapper) throws IOException {
        try {
            request.markStartTime();
            getAdapter().service(request, response);
        } catch (java.io.InterruptedIOException e) {
            setErrorState(ErrorState.CLOSE_CONNECTION_NOW, e);
        } catch (Exception e) {
            current.log().log(Message.JVM01408, "exception serving "
                    + RequestMapping.describe(current) + ":", e);
            response.setStatus(500);
            setErrorState(ErrorState.CLOSE_NOW, e);
        }
        if (getErrorState().isError()) {
            action(ActionCode.CLOSE, null);
            request.updateCounters();
            return SocketState.CLOSED;
        } else if (isAsync()) {
            return SocketState.LONG;
        } else {
            action(ActionCode.CLOSE, null);
            request.updateCounters();
            return SocketState.CLOSED;
        }
    }

    @Override
    protected SocketState dispatchEndRequest() {
        return SocketState.CLOSED;
    }

    @Override
    protected void prepareResponse() throws IOException {
        response.setCommitted(true);
        int status = response.getStatus();
        if (status < 200 || status == 204 || status == 205 || status == 304 || current.frame().headerOnly()) {
            swallowBody = true; // no body (HEAD: Apache would drop it anyway)
        }
        MimeHeaders headers = response.getMimeHeaders();
        String contentType = response.getContentType();
        if (contentType != null) {
            headers.setValue("Content-Type").setString(contentType);
        }
        String contentLanguage = response.getContentLanguage();
        if (contentLanguage != null) {
            headers.setValue("Content-Language").setString(contentLanguage);
        }
        long contentLength = response.getContentLengthLong();
        if (status == 204 || status == 304) {
            // no body, and no length announced (as Tomcat's HTTP connector does): Tomcat sets the
            // length of what the application wrote when it fits the buffer, bytes that are then
            // not sent, and Apache ends a response short of its length as broken (502)
            contentLength = -1;
        } else if (status == 205) {
            contentLength = 0; // RFC 9110: a 205 says explicitly that it has no content
        }
        // the length is added as a string below, not set as a number in the headers: a number's
        // toString goes through a charset decoder, the most expensive step of a small response
        headers.removeHeader("Content-Length");
        int count = headers.size();
        String[] names = new String[count + 1];
        String[] values = new String[count + 1];
        int kept = 0;
        if (contentLength >= 0) {
            names[kept] = "Content-Length";
            values[kept] = Long.toString(contentLength);
            kept++;
        }
        for (int i = 0; i < count; i++) {
            String name = headers.getName(i).toString();
            String value = headers.getValue(i).toString();
            String problem = ResponseHead.problem(name, value);
            if (problem != null) {
                // as Tomcat's AJP connector does: the header is left out, the response goes on
                current.log().log(Message.JVM01406, RequestMapping.describe(current)
                        + " sets response header " + name + ": " + problem + "; the header is left out");
                continue;
            }
            names[kept] = name;
            values[kept] = value;
            kept++;
        }
        if (status < 200 || status > 999) {
            status = 500; // a 1xx cannot end a request (Apache sends 100-continue itself)
        }
        // the code alone: Apache supplies the reason phrase (mod_jvm_response.c)
        pendingHead = Frames.encodeHead(status, Integer.toString(status), names, values, kept);
    }

    @Override
    protected void finishResponse() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (pendingHead != null) {
            onRequestThread(() -> {
                send(null, 0, 0, false);
                return null;
            });
        }
    }

    @Override
    protected void flush() throws IOException {
        if (!finished) {
            onRequestThread(() -> {
                send(null, 0, 0, true);
                return null;
            });
        }
    }

    /** Hands the head (if not sent yet) and {@code length} bytes to Apache. Request thread only. */
    private void send(byte[] data, int offset, int length, boolean flush) throws IOException {
        if (clientGone) {
            throw new org.apache.catalina.connector.ClientAbortException("the client has gone");
        }
        byte[] head = pendingHead;
        if (head == null && length == 0 && !flush) {
            return;
        }
        pendingHead = null;
        headSent |= head != null;
        if (transport.write(head, data == null ? NO_BYTES : data, offset, length, flush) < 0) {
            clientGone = true;
            throw new org.apache.catalina.connector.ClientAbortException("the client has gone");
        }
    }

    @Override
    protected void ack(ContinueResponseTiming continueResponseTiming) {
        // Apache answers Expect: 100-continue itself, when the body is first read
    }

    @Override
    protected void earlyHints() {
        // 103 Early Hints: not passed on (Apache's H2EarlyHints does this for HTTP/2)
    }

    @Override
    protected int available(boolean doRead) {
        int buffered = inputLimit - inputPosition;
        if (buffered > 0 || inputEnded || !doRead || !onRequestThread()) {
            return buffered;
        }
        try {
            fill();
        } catch (IOException e) {
            return 0;
        }
        return inputLimit - inputPosition;
    }

    @Override
    protected void setRequestBody(ByteChunk body) {
        // the body to replay after a FORM authentication: from memory, the rest is gone already
        // (Tomcat keeps at most maxSavePostSize, 4 KB by default, which fits the buffer)
        int length = Math.min(body.getLength(), inputBuffer.length);
        System.arraycopy(body.getBuffer(), body.getStart(), inputBuffer, 0, length);
        inputPosition = 0;
        inputLimit = length;
        inputEnded = true;
    }

    @Override
    protected void setSwallowResponse() {
        swallowBody = true;
    }

    @Override
    protected void disableSwallowRequest() {
        // Apache reads (and discards) what the application left of the body
    }

    @Override
    protected boolean isRequestBodyFullyRead() {
        return inputEnded && inputPosition == inputLimit;
    }

    @Override
    protected void registerReadInterest() {
        onRequestThread.add(SocketEvent.OPEN_READ);
    }

    @Override
    protected boolean isReadyForWrite() {
        return true; // writes block until Apache has the bytes
    }

    @Override
    protected boolean isTrailerFieldsReady() {
        return isRequestBodyFullyRead();
    }

    @Override
    protected ServletConnection getServletConnection() {
        return new Connection(current);
    }

    @Override
    protected boolean flushBufferedWrite() {
        return false;
    }

    @Override
    protected Object getProtocolRequestId() {
        return null;
    }

    @Override
    protected void populateSslRequestAttributes() {
        if (certificates.isNull() || certificates.getLength() == 0) {
            return;
        }
        List<X509Certificate> chain = new ArrayList<>();
        try (ByteArrayInputStream pem = new ByteArrayInputStream(certificates.getBytes(), certificates.getStart(),
                certificates.getLength())) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (pem.available() > 0) {
                chain.add((X509Certificate) factory.generateCertificate(pem));
            }
        } catch (CertificateException | IOException e) {
            LOG.error("cannot read the client certificate Apache passed for " + RequestMapping.describe(current), e);
            return;
        }
        request.setAttribute(SSLSupport.CERTIFICATE_KEY, chain.toArray(new X509Certificate[0]));
    }

    @Override
    public void pause() {
        // nothing: Apache decides when requests stop coming
    }

    @Override
    protected Log getLog() {
        return LOG;
    }

    // ---- the body in and out -------------------------------------------------------------------

    /** Reads the next block of the body from Apache. Request thread only. */
    private void fill() throws IOException {
        int n = transport.read(inputBuffer, 0, inputBuffer.length);
        if (n < 0) {
            inputEnded = true;
            throw new org.apache.catalina.connector.ClientAbortException(
                    "the request body could not be read (client gone, timeout, or LimitRequestBody)");
        }
        inputPosition = 0;
        inputLimit = n;
        if (n == 0) {
            inputEnded = true;
        }
    }

    private final class BodyInput implements InputBuffer {
        @Override
        public int doRead(ApplicationBufferHandler handler) throws IOException {
            return onRequestThread(() -> {
                if (inputPosition == inputLimit) {
                    if (inputEnded) {
                        return -1;
                    }
                    fill();
                    if (inputLimit == 0) {
                        return -1;
                    }
                }
                int n = inputLimit - inputPosition;
                // a copy: the buffer is refilled while the application may still hold this view
                handler.setByteBuffer(ByteBuffer.wrap(java.util.Arrays.copyOfRange(inputBuffer, inputPosition, inputLimit)));
                inputPosition = inputLimit;
                return n;
            });
        }

        @Override
        public int available() {
            return inputLimit - inputPosition;
        }
    }

    private final class BodyOutput implements OutputBuffer {
        @Override
        public int doWrite(ByteBuffer chunk) throws IOException {
            if (!response.isCommitted()) {
                // the first bytes of the body: the head is settled now (prepareResponse)
                response.action(ActionCode.COMMIT, null);
            }
            int length = chunk.remaining();
            if (swallowBody) {
                chunk.position(chunk.limit());
                return length;
            }
            onRequestThread(() -> {
                if (chunk.hasArray()) {
                    send(chunk.array(), chunk.arrayOffset() + chunk.position(), length, false);
                } else {
                    byte[] copy = new byte[length];
                    chunk.get(chunk.position(), copy);
                    send(copy, 0, length, false);
                }
                return null;
            });
            chunk.position(chunk.limit());
            bytesWritten += length;
            return length;
        }

        @Override
        public long getBytesWritten() {
            return bytesWritten;
        }
    }

    /** {@code ServletRequest.getServletConnection}: Apache's connection, as far as the frame tells. */
    private static final class Connection implements ServletConnection {
        private final String id;
        private final String protocol;
        private final boolean secure;

        Connection(WebRequest request) {
            HashMap<String, Object> environ = request.frame().environ();
            Object id = environ.get("mod_jvm.request_id");
            Object protocol = environ.get("SERVER_PROTOCOL");
            this.id = id instanceof String ? (String) id : "";
            this.protocol = protocol instanceof String ? (String) protocol : "HTTP/1.1";
            this.secure = RequestMapping.secure(environ);
        }

        @Override
        public String getConnectionId() {
            return id;
        }

        @Override
        public String getProtocol() {
            return protocol.startsWith("HTTP/2") ? "h2" : "http/1.1";
        }

        @Override
        public String getProtocolConnectionId() {
            return "";
        }

        @Override
        public boolean isSecure() {
            return secure;
        }
    }
}
