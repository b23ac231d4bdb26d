package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The functional checks of the test web applications (tests/webapps), one method per behaviour,
 * shared by every server that runs them: the reference, Tomcat behind mod_proxy_ajp
 * ({@link TomcatReferenceTest}), and mod_jvm in both modes ({@link ServletFrameworksTest}). A
 * server passes a check by answering as Tomcat does; where the server's log is part of the check
 * (a stack trace), the test class looks at its own server's log.
 *
 * <p>An instance is one Apache port and the context paths the applications are mounted at
 * there (servlet-plain, spring-mvc, jersey): the same applications may be mounted under other
 * paths (e.g. {@code /emb/servlet-plain} beside {@code /dmn/servlet-plain}), and every expected
 * URI, cookie path and location is built from them.
 */
final class WebAppChecks {
    private final int port;
    private final String plain;
    private final String spring;
    private final String jersey;

    /**
     * @param port   the Apache port the requests go to (plain HTTP)
     * @param plain  servlet-plain's context path there
     * @param spring spring-mvc's context path there
     * @param jersey jersey's context path there
     */
    WebAppChecks(int port, String plain, String spring, String jersey) {
        this.port = port;
        this.plain = plain;
        this.spring = spring;
        this.jersey = jersey;
    }

    @Override
    public String toString() {
        return "port " + port + " " + plain + " " + spring + " " + jersey;
    }

    // ------------------------------------------------------------------ servlet-plain: the request

    void echoShowsTheRequestAsTheApplicationSeesIt() {
        RawHttp.Response r = RawHttp.get(port, plain + "/echo/a/b?x=1&y=%C3%A9&x=2",
                "Cookie: c1=v1; c2=v2", "X-Test: one", "X-Test: two", "Accept-Language: fr-CH, de;q=0.5");
        assertEquals(200, r.status(), r::toString);
        assertEquals("applied", r.header("X-Plain-Filter"), r::toString);
        Map<String, List<String>> f = fields(r);
        assertEquals("GET", one(f, "method"));
        assertEquals("HTTP/1.1", one(f, "protocol"));
        assertEquals("http", one(f, "scheme"));
        assertEquals("false", one(f, "secure"));
        assertEquals("127.0.0.1", one(f, "serverName"));
        assertEquals(Integer.toString(port), one(f, "serverPort"));
        assertEquals(plain + "/echo/a/b", one(f, "requestURI"));
        assertEquals("http://127.0.0.1:" + port + plain + "/echo/a/b", one(f, "requestURL"));
        assertEquals(plain, one(f, "contextPath"));
        assertEquals("/echo", one(f, "servletPath"));
        assertEquals("/a/b", one(f, "pathInfo"));
        assertEquals("x=1&y=%C3%A9&x=2", one(f, "queryString"));
        assertEquals("PATH", one(f, "mapping.mappingMatch"));
        assertEquals("/echo/*", one(f, "mapping.pattern"));
        assertEquals("REQUEST", one(f, "dispatcherType"));
        assertEquals("127.0.0.1", one(f, "remoteAddr"));
        assertTrue(Integer.parseInt(one(f, "remotePort")) > 0, r::toString);
        assertEquals("127.0.0.1", one(f, "localAddr"));
        assertEquals(List.of("1", "2"), f.get("param.x"));
        assertEquals("é", one(f, "param.y"));
        // Apache folds repeated request headers into one, comma-separated
        assertEquals(List.of("one, two"), f.get("header.x-test"));
        assertEquals("v1", one(f, "cookie.c1"));
        assertEquals("v2", one(f, "cookie.c2"));
        assertEquals("fr-CH", one(f, "locale"));
        assertEquals("(null)", one(f, "remoteUser"));
        assertEquals("(null)", one(f, "ssl.cipherSuite"));
        // web.xml and annotations both took effect, and sci-lib's initializer ran
        assertEquals("hello from web.xml", one(f, "servlet.initParam"));
        assertEquals("from-web.xml", one(f, "context.param"));
        assertEquals("true", one(f, "context.listener"));
        assertEquals("true", one(f, "context.initializer"));
        assertEquals("applied", one(f, "filter"));
    }

    void extensionMappingAndUrlencodedPost() {
        RawHttp.Response ext = RawHttp.get(port, plain + "/dir/page.echo");
        Map<String, List<String>> f = fields(ext);
        assertEquals("/dir/page.echo", one(f, "servletPath"), ext::toString);
        assertEquals("(null)", one(f, "pathInfo"), ext::toString);
        assertEquals("EXTENSION", one(f, "mapping.mappingMatch"), ext::toString);

        byte[] form = "a=1&b=%C3%A9&a=3".getBytes(StandardCharsets.US_ASCII);
        RawHttp.Response post = RawHttp.request(port, "POST", plain + "/echo/form?q=2", form,
                "Content-Type: application/x-www-form-urlencoded");
        f = fields(post);
        assertEquals("POST", one(f, "method"), post::toString);
        assertEquals(List.of("1", "3"), f.get("param.a"), post::toString);
        assertEquals("é", one(f, "param.b"), post::toString);
        assertEquals("2", one(f, "param.q"), post::toString);
        assertEquals("application/x-www-form-urlencoded", one(f, "contentType"), post::toString);
        assertEquals(Integer.toString(form.length), one(f, "contentLength"), post::toString);
    }

    /** A request target in absolute form (RFC 9112 3.2.2): the application sees the path, as from origin form. */
    void absoluteFormRequestTarget() {
        RawHttp.Response r = RawHttp.get(port, "http://127.0.0.1:" + port + plain + "/echo/absolute?a=1");
        assertEquals(200, r.status(), r::toString);
        Map<String, List<String>> f = fields(r);
        assertEquals(plain + "/echo/absolute", one(f, "requestURI"), r::toString);
        assertEquals("/absolute", one(f, "pathInfo"), r::toString);
        assertEquals("a=1", one(f, "queryString"), r::toString);
        assertEquals("http://127.0.0.1:" + port + plain + "/echo/absolute", one(f, "requestURL"), r::toString);
    }

    void headAnswersHeadersWithoutABody() {
        RawHttp.Response r = RawHttp.request(port, "HEAD", plain + "/echo/head", null);
        assertEquals(200, r.status(), r::toString);
        assertEquals(0, r.body().length, r::toString);
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r::toString);
        assertEquals("applied", r.header("X-Plain-Filter"), r::toString);
    }

    /** Under mod_ssl on {@code tlsPort}: the scheme, the TLS attributes, a self redirect with https. */
    void tlsAttributesAndSchemeUnderModSsl(int tlsPort) {
        try (RawHttp c = RawHttp.connect(tlsPort, true)) {
            c.sendHead("GET", plain + "/echo/tls", "Connection: close");
            RawHttp.Response r = c.readResponse();
            Map<String, List<String>> f = fields(r);
            assertEquals("https", one(f, "scheme"), r::toString);
            assertEquals("true", one(f, "secure"), r::toString);
            assertEquals(Integer.toString(tlsPort), one(f, "serverPort"), r::toString);
            assertFalse(one(f, "ssl.cipherSuite").equals("(null)"), r::toString);
            assertTrue(Integer.parseInt(one(f, "ssl.keySize")) >= 128, r::toString);
        }
        try (RawHttp c = RawHttp.connect(tlsPort, true)) {
            c.sendHead("GET", plain + "/redirect?mode=self", "Connection: close");
            RawHttp.Response r = c.readResponse();
            assertEquals(302, r.status(), r::toString);
            assertEquals("https://127.0.0.1:" + tlsPort + plain + "/redirect?mode=done", r.header("Location"),
                    r::toString);
        }
    }

    /** {@code <Location PLAIN/echo/private>} asks for Basic authentication, alice:secret ({@link #htpasswd}). */
    void remoteUserIsTheUserApacheAuthenticated() {
        assertEquals(401, RawHttp.get(port, plain + "/echo/private").status());
        String basic = Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        RawHttp.Response r = RawHttp.get(port, plain + "/echo/private", "Authorization: Basic " + basic);
        assertEquals(200, r.status(), r::toString);
        Map<String, List<String>> f = fields(r);
        assertEquals("alice", one(f, "remoteUser"), r::toString);
        assertEquals("alice", one(f, "userPrincipal"), r::toString);
        assertEquals("Basic", one(f, "authType"), r::toString);
    }

    /** The Apache configuration {@link #remoteUserIsTheUserApacheAuthenticated} needs (its modules: {@link #AUTH_MODULES}). */
    String basicAuthConfig() {
        return """
                <Location %s/echo/private>
                  AuthType Basic
                  AuthName "servlet-plain"
                  AuthUserFile @ROOT@/conf/htpasswd
                  Require valid-user
                </Location>
                """.formatted(plain);
    }

    static final String[] AUTH_MODULES = {"auth_basic", "authn_core", "authn_file", "authz_user"};

    /** conf/htpasswd's line for alice:secret ({SHA}: understood by Apache everywhere, made by Java). */
    static String htpasswd() {
        try {
            return "alice:{SHA}" + Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-1").digest("secret".getBytes(StandardCharsets.UTF_8))) + "\n";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ servlet-plain: the response

    void redirects() {
        RawHttp.Response self = RawHttp.get(port, plain + "/redirect?mode=self");
        assertEquals(302, self.status(), self::toString);
        assertEquals("http://127.0.0.1:" + port + plain + "/redirect?mode=done", self.header("Location"));
        // Tomcat's default (useRelativeRedirects) leaves a relative location as the application wrote it
        RawHttp.Response relative = RawHttp.get(port, plain + "/redirect?mode=relative");
        assertEquals(302, relative.status(), relative::toString);
        assertEquals("echo/redirected", relative.header("Location"), relative::toString);
        RawHttp.Response seeOther = RawHttp.get(port, plain + "/redirect?mode=root&code=303");
        assertEquals(303, seeOther.status(), seeOther::toString);
        assertEquals(plain + "/echo/redirected", seeOther.header("Location"), seeOther::toString);
    }

    /**
     * Statuses without a body (204, 205, 304: no body even when the application wrote one, and
     * the request still answered) and codes Apache has no reason phrase for (418, 299: the code
     * reaches the client, not a 500).
     */
    void statusesWithoutBodyAndUnusualCodes() {
        for (int status : new int[] {204, 205, 304}) {
            RawHttp.Response r = RawHttp.get(port, plain + "/respond?status=" + status + "&body=dropped");
            assertEquals(status, r.status(), r::toString);
            assertEquals(0, r.body().length, r::toString);
            assertEquals("applied", r.header("X-Plain-Filter"), r::toString);
        }
        RawHttp.Response noContent = RawHttp.get(port, plain + "/respond?status=204&length=true&body=dropped");
        assertEquals(204, noContent.status(), noContent::toString);
        assertEquals(null, noContent.header("Content-Length"), "a 204 announces no length: " + noContent);
        for (int status : new int[] {418, 299, 599}) {
            RawHttp.Response r = RawHttp.get(port, plain + "/respond?status=" + status + "&body=odd");
            assertEquals(status, r.status(), r::toString);
            assertEquals("odd", r.text(), r::toString);
        }
    }

    /** Error pages and the container's 500s; the log line of the exception is the caller's to check. */
    void errorPagesAndThrowingServlets() {
        RawHttp.Response sent = RawHttp.get(port, plain + "/send-error?code=404&msg=gone");
        assertEquals(404, sent.status(), sent::toString);
        Map<String, List<String>> f = fields(sent);
        assertEquals("servlet-plain", one(f, "errorPage"), sent::toString);
        assertEquals("ERROR", one(f, "dispatcherType"));
        assertEquals("gone", one(f, "message"));

        RawHttp.Response missing = RawHttp.get(port, plain + "/no/such/thing");
        assertEquals(404, missing.status(), missing::toString);
        assertEquals(plain + "/no/such/thing", one(fields(missing), "requestURI"), missing::toString);

        RawHttp.Response app = RawHttp.get(port, plain + "/throw?type=app");
        assertEquals(500, app.status(), app::toString);
        f = fields(app);
        assertEquals("org.modjvm.webapps.plain.AppException", one(f, "exceptionType"), app::toString);
        assertEquals(plain + "/throw", one(f, "requestURI"), app::toString);

        RawHttp.Response runtime = RawHttp.get(port, plain + "/throw?type=runtime");
        assertEquals(500, runtime.status(), runtime::toString);
        assertFalse(runtime.text().contains("errorPage=servlet-plain"), "no error page is mapped for it: " + runtime);

        RawHttp.Response teapot = RawHttp.get(port, plain + "/send-error?code=418");
        assertEquals(418, teapot.status(), teapot::toString);
    }

    /** What Tomcat logs when {@code /throw} throws in servlet-plain at {@code contextPath}. */
    static String throwLogLine(String contextPath) {
        return "Servlet.service() for servlet [org.modjvm.webapps.plain.ThrowServlet] in context with path ["
                + contextPath + "] threw exception";
    }

    void staticFilesWelcomeFilesAndHiddenDirectories() {
        RawHttp.Response css = RawHttp.get(port, plain + "/css/style.css");
        assertEquals(200, css.status(), css::toString);
        assertTrue(css.header("Content-Type").startsWith("text/css"), css::toString);
        assertTrue(css.text().contains("color: #123456"), css::toString);
        assertEquals("applied", css.header("X-Plain-Filter"), css::toString);

        RawHttp.Response welcome = RawHttp.get(port, plain + "/");
        assertEquals(200, welcome.status(), welcome::toString);
        assertTrue(welcome.text().contains("servlet-plain welcome file"), welcome::toString);
        RawHttp.Response bare = RawHttp.get(port, plain + "/docs");
        assertEquals(302, bare.status(), bare::toString);
        assertEquals(plain + "/docs/", bare.header("Location"), bare::toString);
        RawHttp.Response docs = RawHttp.get(port, plain + "/docs/");
        assertTrue(docs.text().contains("docs welcome file"), docs::toString);

        for (String hidden : List.of("/WEB-INF/web.xml", "/WEB-INF/secret.txt", "/META-INF/secret.txt",
                "/META-INF/MANIFEST.MF", "/WEB-INF/classes/org/modjvm/webapps/plain/EchoServlet.class",
                "/web-inf/secret.txt", "/%57EB-INF/secret.txt", "/css/../WEB-INF/secret.txt",
                "/css/%2e%2e/WEB-INF/secret.txt", "/WEB-INF%2Fsecret.txt", "/WEB-INF/./secret.txt",
                "/./WEB-INF/secret.txt", "//WEB-INF/secret.txt", "/WEB-INF/secret.txt;x=y")) {
            RawHttp.Response r = RawHttp.get(port, plain + hidden);
            assertTrue(r.status() == 404 || r.status() == 400, hidden + ": " + r);
            assertFalse(r.text().contains("secret: must never be served") || r.text().contains("<web-app")
                    || r.text().contains("Manifest-Version"), hidden + ": " + r);
        }
    }

    void servletContainerInitializerFromAWebInfLibJar() {
        RawHttp.Response r = RawHttp.get(port, plain + "/sci/x");
        assertEquals(200, r.status(), r::toString);
        Map<String, List<String>> f = fields(r);
        assertEquals("true", one(f, "initializer"), r::toString);
        assertEquals("alpha,beta", one(f, "plugins"), r::toString);
        assertEquals("/x", one(f, "pathInfo"), r::toString);
    }

    void sessionCounterFollowsItsCookie() {
        RawHttp.Response first = RawHttp.get(port, plain + "/session");
        Map<String, List<String>> f = fields(first);
        assertEquals("1", one(f, "count"), first::toString);
        assertEquals("true", one(f, "new"), first::toString);
        String cookie = first.header("Set-Cookie");
        assertNotNull(cookie, first::toString);
        assertTrue(cookie.startsWith("JSESSIONID=" + one(f, "id")) && cookie.contains("Path=" + plain), cookie);
        RawHttp.Response second = RawHttp.get(port, plain + "/session", "Cookie: " + cookie.split(";")[0]);
        f = fields(second);
        assertEquals("2", one(f, "count"), second::toString);
        assertEquals("false", one(f, "new"), second::toString);
        assertEquals("session", one(f, "encodedURL"), "a cookie session needs no URL rewriting: " + second);
        RawHttp.Response gone = RawHttp.get(port, plain + "/session?invalidate=true", "Cookie: " + cookie.split(";")[0]);
        assertEquals(200, gone.status(), gone::toString);
        RawHttp.Response fresh = RawHttp.get(port, plain + "/session", "Cookie: " + cookie.split(";")[0]);
        assertEquals("1", one(fields(fresh), "count"), "an invalidated session starts again: " + fresh);
    }

    void bodiesWithLengthAndChunked() {
        byte[] data = randomBytes(300_000, 1);
        RawHttp.Response r = RawHttp.request(port, "PUT", plain + "/body", data, "Content-Type: application/octet-stream");
        Map<String, List<String>> f = fields(r);
        assertEquals("300000", one(f, "length"), r::toString);
        assertEquals(sha256(data), one(f, "sha256"), r::toString);

        try (RawHttp c = RawHttp.connect(port)) {
            c.sendHead("POST", plain + "/body", "Transfer-Encoding: chunked", "Content-Type: application/octet-stream",
                    "Connection: close");
            for (int off = 0; off < data.length; off += 70_000) {
                c.sendChunk(java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + 70_000)));
            }
            c.sendLastChunk();
            RawHttp.Response chunked = c.readResponse();
            f = fields(chunked);
            assertEquals("300000", one(f, "length"), chunked::toString);
            assertEquals(sha256(data), one(f, "sha256"), chunked::toString);
        }
    }

    void largeAndStreamedResponses() throws IOException {
        for (String length : List.of("true", "false")) {
            RawHttp.Response r = RawHttp.get(port, plain + "/large?size=5000000&length=" + length);
            assertEquals(200, r.status(), r::toString);
            assertEquals(5_000_000, r.body().length, r::toString);
            assertPattern(r.body());
        }
        // each flushed chunk reaches the client while the servlet still sleeps before the next
        List<Long> arrivals = new ArrayList<>();
        try (RawHttp c = RawHttp.connect(port)) {
            c.sendHead("GET", plain + "/stream?chunks=3&pauseMs=700", "Connection: close");
            RawHttp.Head head = c.readHead();
            assertEquals(200, head.status(), head::toString);
            StringBuilder text = new StringBuilder();
            InputStream in = c.body(head, false);
            for (int b; (b = in.read()) >= 0; ) {
                text.append((char) b);
                if (b == '\n') {
                    arrivals.add(System.nanoTime());
                }
            }
            assertEquals("chunk 1\nchunk 2\nchunk 3\n", text.toString());
        }
        assertTrue(arrivals.get(2) - arrivals.get(0) >= 700_000_000L,
                "the first chunk arrived with the last: the response was buffered, not streamed");
    }

    void multipartUploadGoesToDisk() {
        byte[] file = randomBytes(200_000, 2);
        byte[] small = "tiny file\n".getBytes(StandardCharsets.UTF_8);
        String boundary = "----modjvm-reference-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "Content-Disposition: form-data; name=\"title\"", "a title".getBytes(StandardCharsets.UTF_8));
        part(body, boundary, "Content-Disposition: form-data; name=\"big\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream", file);
        part(body, boundary, "Content-Disposition: form-data; name=\"small\"; filename=\"small.txt\"\r\n"
                + "Content-Type: text/plain", small);
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        RawHttp.Response r = RawHttp.request(port, "POST", plain + "/upload", body.toByteArray(),
                "Content-Type: multipart/form-data; boundary=" + boundary);
        assertEquals(200, r.status(), r::toString);
        Map<String, List<String>> f = fields(r);
        assertEquals("3", one(f, "parts"), r::toString);
        assertEquals("a title", one(f, "param.title"), r::toString);
        assertEquals("big.bin", one(f, "part.1.filename"), r::toString);
        assertEquals("200000", one(f, "part.1.size"), r::toString);
        assertEquals(sha256(file), one(f, "part.1.sha256"), r::toString);
        assertEquals(sha256(small), one(f, "part.2.sha256"), r::toString);
        assertEquals("text/plain", one(f, "part.2.contentType"), r::toString);
        assertEquals("1", one(f, "diskFiles"), "only the part above the 1 KB threshold is on disk: " + r);
    }

    void asyncCompletionDispatchAndTimeout() {
        RawHttp.Response done = RawHttp.get(port, plain + "/async?delayMs=200");
        Map<String, List<String>> f = fields(done);
        assertEquals("completed", one(f, "async"), done::toString);
        assertEquals("true", one(f, "otherThread"), done::toString);

        RawHttp.Response dispatched = RawHttp.get(port, plain + "/async?mode=dispatch");
        f = fields(dispatched);
        assertEquals("ASYNC", one(f, "dispatcherType"), dispatched::toString);
        assertEquals(plain + "/async", one(f, "async.requestURI"), dispatched::toString);
        assertEquals(plain + "/echo/async-dispatched", one(f, "requestURI"), dispatched::toString);

        RawHttp.Response timeout = RawHttp.get(port, plain + "/async-timeout?timeoutMs=300");
        assertEquals(200, timeout.status(), timeout::toString);
        assertEquals("timeout=fired\n", timeout.text());
        RawHttp.Response unhandled = RawHttp.get(port, plain + "/async-timeout?timeoutMs=300&listener=false");
        assertEquals(500, unhandled.status(), unhandled::toString);
    }

    void nonBlockingReadAndWrite() {
        byte[] data = randomBytes(500_000, 3);
        RawHttp.Response read = RawHttp.request(port, "POST", plain + "/nio-read", data,
                "Content-Type: application/octet-stream");
        Map<String, List<String>> f = fields(read);
        assertEquals("read", one(f, "listener"), read::toString);
        assertEquals("500000", one(f, "length"), read::toString);
        assertEquals(sha256(data), one(f, "sha256"), read::toString);

        RawHttp.Response write = RawHttp.get(port, plain + "/nio-write?size=3000000");
        assertEquals(200, write.status(), write::toString);
        assertEquals(3_000_000, write.body().length, write::toString);
        assertPattern(write.body());
    }

    void serverSentEventsArriveAsWritten() throws IOException {
        List<String> events = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        try (RawHttp c = RawHttp.connect(port)) {
            c.sendHead("GET", plain + "/sse?events=3&pauseMs=700", "Accept: text/event-stream", "Connection: close");
            RawHttp.Head head = c.readHead();
            assertEquals(200, head.status(), head::toString);
            assertTrue(head.header("Content-Type").startsWith("text/event-stream"), head::toString);
            InputStream in = c.body(head, false);
            StringBuilder event = new StringBuilder();
            int last = -1;
            for (int b; (b = in.read()) >= 0; last = b) {
                event.append((char) b);
                if (b == '\n' && last == '\n') {
                    events.add(event.toString());
                    arrivals.add(System.nanoTime());
                    event.setLength(0);
                }
            }
        }
        assertEquals(List.of("id: 1\nevent: tick\ndata: event 1\n\n", "id: 2\nevent: tick\ndata: event 2\n\n",
                "id: 3\nevent: tick\ndata: event 3\n\n"), events);
        assertTrue(arrivals.get(2) - arrivals.get(0) >= 700_000_000L,
                "the first event arrived with the last: the stream was buffered");
    }

    // ------------------------------------------------------------------ Spring MVC

    void springFormFlowWithValidationRedirectAfterPostAndSessionBean() {
        RawHttp.Response home = RawHttp.get(port, spring + "/");
        assertEquals(200, home.status(), home::toString);
        assertTrue(home.text().contains("home views in this session: 1"), home::toString);
        String cookie = home.header("Set-Cookie").split(";")[0];
        assertTrue(cookie.startsWith("JSESSIONID="), home::toString);
        assertTrue(home.header("Set-Cookie").contains("Path=" + spring), home::toString);
        RawHttp.Response again = RawHttp.get(port, spring + "/", "Cookie: " + cookie);
        assertTrue(again.text().contains("home views in this session: 2"), "the session bean counts: " + again);

        RawHttp.Response form = RawHttp.get(port, spring + "/register", "Cookie: " + cookie);
        assertEquals(200, form.status(), form::toString);
        assertTrue(form.text().contains("<form id=\"registration\""), form::toString);
        assertTrue(form.text().contains("action=\"" + spring + "/register\""), "the form posts to its context: " + form);

        RawHttp.Response invalid = post(spring + "/register", "name=&email=not-an-address&age=5", cookie);
        assertEquals(200, invalid.status(), invalid::toString);
        assertTrue(invalid.text().contains("name is required"), invalid::toString);
        assertTrue(invalid.text().contains("email is not an address"), invalid::toString);
        assertTrue(invalid.text().contains("age must be at least 18"), "message interpolated with EL: " + invalid);
        assertTrue(invalid.text().contains("value=\"not-an-address\""), "the form is re-rendered with the input: " + invalid);

        RawHttp.Response valid = post(spring + "/register", "name=Alice&email=alice%40example.org&age=30", cookie);
        assertEquals(302, valid.status(), valid::toString);
        String location = valid.header("Location");
        assertEquals(spring + "/registered", location, valid::toString);

        RawHttp.Response after = RawHttp.get(port, location, "Cookie: " + cookie);
        assertEquals(200, after.status(), after::toString);
        assertTrue(after.text().contains("Registered Alice"), "the flash message survives the redirect: " + after);
        assertTrue(after.text().contains("<li>Alice</li>"), after::toString);
        RawHttp.Response later = RawHttp.get(port, location, "Cookie: " + cookie);
        assertFalse(later.text().contains("Registered Alice"), "a flash message is shown once: " + later);
        assertTrue(later.text().contains("<li>Alice</li>"), "the session bean keeps the names: " + later);
        RawHttp.Response stranger = RawHttp.get(port, location);
        assertFalse(stranger.text().contains("<li>Alice</li>"), "another session has its own bean: " + stranger);
    }

    void springStaticFileAndErrorPages() {
        RawHttp.Response css = RawHttp.get(port, spring + "/css/app.css");
        assertEquals(200, css.status(), css::toString);
        assertTrue(css.header("Content-Type").startsWith("text/css"), css::toString);
        assertTrue(css.text().contains(".error { color: #b00020; }"), css::toString);
        RawHttp.Response missing = RawHttp.get(port, spring + "/no/such/page");
        assertEquals(404, missing.status(), missing::toString);
        assertTrue(missing.text().contains("spring-mvc 404 page"), missing::toString);
        RawHttp.Response missingCss = RawHttp.get(port, spring + "/css/none.css");
        assertEquals(404, missingCss.status(), missingCss::toString);
        assertTrue(missingCss.text().contains("spring-mvc 404 page"), missingCss::toString);
        RawHttp.Response fail = RawHttp.get(port, spring + "/fail");
        assertEquals(500, fail.status(), fail::toString);
        assertTrue(fail.text().contains("spring-mvc error page") && fail.text().contains("spring-mvc fails on purpose"),
                fail::toString);
        RawHttp.Response jsp = RawHttp.get(port, spring + "/WEB-INF/views/home.jsp");
        assertEquals(404, jsp.status(), "views are not reachable directly: " + jsp);
    }

    // ------------------------------------------------------------------ Jersey

    void jerseyJsonRoundTripAndParameters() {
        RawHttp.Response one = RawHttp.get(port, jersey + "/api/items/1", "Accept: application/json");
        assertEquals(200, one.status(), one::toString);
        assertTrue(one.header("Content-Type").startsWith("application/json"), one::toString);
        assertEquals("{\"id\":1,\"name\":\"apple\",\"tags\":[\"fruit\",\"red\"],\"price\":0.5}", one.text());

        RawHttp.Response query = RawHttp.get(port, jersey + "/api/items?q=p&limit=1");
        assertEquals(200, query.status(), query::toString);
        assertEquals("[{\"id\":1,\"name\":\"apple\",\"tags\":[\"fruit\",\"red\"],\"price\":0.5}]", query.text());

        byte[] json = "{\"name\":\"plum\",\"tags\":[\"fruit\",\"purple\"],\"price\":1.25}".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response created = RawHttp.request(port, "POST", jersey + "/api/items", json,
                "Content-Type: application/json", "Accept: application/json");
        assertEquals(201, created.status(), created::toString);
        Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(created.text());
        assertTrue(id.find(), created::toString);
        assertTrue(created.text().contains("\"name\":\"plum\",\"tags\":[\"fruit\",\"purple\"],\"price\":1.25"), created::toString);
        String path = jersey + "/api/items/" + id.group(1);
        assertEquals("http://127.0.0.1:" + port + path, created.header("Location"), "built from the request's host and port");
        RawHttp.Response fetched = RawHttp.get(port, path);
        assertEquals(created.text(), fetched.text());

        RawHttp.Response hello = RawHttp.get(port, jersey + "/api/hello/World?greeting=Hi", "X-Punctuation: ?");
        assertEquals("Hi, World?\n", hello.text(), hello::toString);
        RawHttp.Response unicode = RawHttp.get(port, jersey + "/api/hello/Z%C3%BCrich");
        assertEquals("Hello, Zürich!\n", unicode.text(), "a %-escaped UTF-8 path parameter: " + unicode);
    }

    void jerseyFrameworkErrors() {
        RawHttp.Response unsupported = RawHttp.request(port, "POST", jersey + "/api/items",
                "name=plum".getBytes(StandardCharsets.UTF_8), "Content-Type: text/plain");
        assertEquals(415, unsupported.status(), unsupported::toString);
        assertEquals(404, RawHttp.get(port, jersey + "/api/no/such/resource").status());
        assertEquals(404, RawHttp.get(port, jersey + "/api/items/999999").status());
        assertEquals(405, RawHttp.request(port, "DELETE", jersey + "/api/items", null).status());
    }

    // ------------------------------------------------------------------ helpers

    /** The {@code key=value} lines of servlet-plain's answers, values unescaped enough for the tests. */
    static Map<String, List<String>> fields(RawHttp.Response r) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String line : r.text().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        return m;
    }

    static String one(Map<String, List<String>> fields, String key) {
        List<String> v = fields.get(key);
        if (v == null || v.size() != 1) {
            throw new AssertionError("expected one " + key + ", got " + v + " in " + fields);
        }
        return v.get(0);
    }

    RawHttp.Response post(String target, String form, String cookie) {
        return RawHttp.request(port, "POST", target, form.getBytes(StandardCharsets.UTF_8),
                "Content-Type: application/x-www-form-urlencoded", "Cookie: " + cookie);
    }

    static void part(ByteArrayOutputStream body, String boundary, String headers, byte[] content) {
        body.writeBytes(("--" + boundary + "\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** servlet-plain's generated bodies: byte i is PATTERN[i % 64]. */
    static final byte[] PATTERN = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-\n"
            .getBytes(StandardCharsets.US_ASCII);

    static void assertPattern(byte[] body) {
        byte[] expected = new byte[body.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = PATTERN[i % PATTERN.length];
        }
        assertArrayEquals(expected, body, "the generated body differs from the pattern");
    }
}
