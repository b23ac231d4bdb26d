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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test web applications of tests/webapps work on the reference — Tomcat 11 standalone behind
 * Apache with mod_proxy_ajp — before they are used to judge mod_jvm: servlet-plain (request
 * fidelity, error pages, static files, WEB-INF, multipart, chunked bodies, async, non-blocking
 * I/O, SSE, sessions, a ServletContainerInitializer from WEB-INF/lib), Spring MVC (the form flow
 * with validation errors, redirect-after-post and a session bean; its own error pages), Jersey
 * (JSON both ways, parameters, the framework's 404 and 415), hello (servlet and JSP), and the WARs
 * that must fail to deploy. One Tomcat serves them all; Apache has TLS and a Basic-authenticated
 * location, so the TLS attributes and the remote user are checked too.
 */
@ExtendWith(DumpLogOnFailure.class)
class TomcatReferenceTest {
    static TomcatServer tomcat;
    static ApacheServer apache;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        tomcat = TomcatServer.create().name("reference");
        for (String name : WebApps.ALL) {
            tomcat.deploy("/" + name, WebApps.war(name));
        }
        tomcat.deploy("/servlet-plain-dir", WebApps.exploded("servlet-plain"));
        tomcat.deploy("/", WebApps.war("hello")); // the root context: ProxyPass / comes last
        tomcat.start();
        apache = ApacheServer.create().name("ajp-front").withoutModule().tls()
                .loadModules("proxy", "proxy_ajp", "auth_basic", "authn_core", "authn_file", "authz_user");
        // {SHA} is understood by Apache's password files on every platform, and Java can make it
        String sha1 = Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-1").digest("secret".getBytes(StandardCharsets.UTF_8)));
        apache.writeFile("conf/htpasswd", "alice:{SHA}" + sha1 + "\n");
        apache.config(tomcat.proxyConfig()).config("""
                <Location /servlet-plain/echo/private>
                  AuthType Basic
                  AuthName "reference"
                  AuthUserFile @ROOT@/conf/htpasswd
                  Require valid-user
                </Location>
                """).start();
        port = apache.port();
    }

    @AfterAll
    static void stop() {
        try {
            if (apache != null) {
                apache.close();
            }
        } finally {
            if (tomcat != null) {
                tomcat.close();
            }
        }
    }

    // ------------------------------------------------------------------ servlet-plain: the request

    @Test
    void echoShowsTheRequestAsTheApplicationSeesIt() {
        RawHttp.Response r = RawHttp.get(port, "/servlet-plain/echo/a/b?x=1&y=%C3%A9&x=2",
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
        assertEquals("/servlet-plain/echo/a/b", one(f, "requestURI"));
        assertEquals("http://127.0.0.1:" + port + "/servlet-plain/echo/a/b", one(f, "requestURL"));
        assertEquals("/servlet-plain", one(f, "contextPath"));
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

    @Test
    void extensionMappingAndUrlencodedPost() {
        RawHttp.Response ext = RawHttp.get(port, "/servlet-plain/dir/page.echo");
        Map<String, List<String>> f = fields(ext);
        assertEquals("/dir/page.echo", one(f, "servletPath"), ext::toString);
        assertEquals("(null)", one(f, "pathInfo"), ext::toString);
        assertEquals("EXTENSION", one(f, "mapping.mappingMatch"), ext::toString);

        byte[] form = "a=1&b=%C3%A9&a=3".getBytes(StandardCharsets.US_ASCII);
        RawHttp.Response post = RawHttp.request(port, "POST", "/servlet-plain/echo/form?q=2", form,
                "Content-Type: application/x-www-form-urlencoded");
        f = fields(post);
        assertEquals("POST", one(f, "method"), post::toString);
        assertEquals(List.of("1", "3"), f.get("param.a"), post::toString);
        assertEquals("é", one(f, "param.b"), post::toString);
        assertEquals("2", one(f, "param.q"), post::toString);
        assertEquals("application/x-www-form-urlencoded", one(f, "contentType"), post::toString);
        assertEquals(Integer.toString(form.length), one(f, "contentLength"), post::toString);
    }

    @Test
    void headAnswersHeadersWithoutABody() {
        RawHttp.Response r = RawHttp.request(port, "HEAD", "/servlet-plain/echo/head", null);
        assertEquals(200, r.status(), r::toString);
        assertEquals(0, r.body().length, r::toString);
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r::toString);
    }

    @Test
    void tlsAttributesAndSchemeUnderModSsl() {
        try (RawHttp c = RawHttp.connect(apache.tlsPort(), true)) {
            c.sendHead("GET", "/servlet-plain/echo/tls", "Connection: close");
            RawHttp.Response r = c.readResponse();
            Map<String, List<String>> f = fields(r);
            assertEquals("https", one(f, "scheme"), r::toString);
            assertEquals("true", one(f, "secure"), r::toString);
            assertEquals(Integer.toString(apache.tlsPort()), one(f, "serverPort"), r::toString);
            assertFalse(one(f, "ssl.cipherSuite").equals("(null)"), r::toString);
            assertTrue(Integer.parseInt(one(f, "ssl.keySize")) >= 128, r::toString);
        }
        try (RawHttp c = RawHttp.connect(apache.tlsPort(), true)) {
            c.sendHead("GET", "/servlet-plain/redirect?mode=self", "Connection: close");
            RawHttp.Response r = c.readResponse();
            assertEquals(302, r.status(), r::toString);
            assertEquals("https://127.0.0.1:" + apache.tlsPort() + "/servlet-plain/redirect?mode=done", r.header("Location"),
                    r::toString);
        }
    }

    @Test
    void remoteUserIsTheUserApacheAuthenticated() {
        assertEquals(401, RawHttp.get(port, "/servlet-plain/echo/private").status());
        String basic = Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        RawHttp.Response r = RawHttp.get(port, "/servlet-plain/echo/private", "Authorization: Basic " + basic);
        assertEquals(200, r.status(), r::toString);
        Map<String, List<String>> f = fields(r);
        assertEquals("alice", one(f, "remoteUser"), r::toString);
        assertEquals("alice", one(f, "userPrincipal"), r::toString);
    }

    // ------------------------------------------------------------------ servlet-plain: the response

    @Test
    void redirects() {
        RawHttp.Response self = RawHttp.get(port, "/servlet-plain/redirect?mode=self");
        assertEquals(302, self.status(), self::toString);
        assertEquals("http://127.0.0.1:" + port + "/servlet-plain/redirect?mode=done", self.header("Location"));
        // Tomcat's default (useRelativeRedirects) leaves a relative location as the application wrote it
        RawHttp.Response relative = RawHttp.get(port, "/servlet-plain/redirect?mode=relative");
        assertEquals(302, relative.status(), relative::toString);
        assertEquals("echo/redirected", relative.header("Location"), relative::toString);
        RawHttp.Response seeOther = RawHttp.get(port, "/servlet-plain/redirect?mode=root&code=303");
        assertEquals(303, seeOther.status(), seeOther::toString);
        assertEquals("/servlet-plain/echo/redirected", seeOther.header("Location"), seeOther::toString);
    }

    @Test
    void errorPagesAndThrowingServlets() {
        RawHttp.Response sent = RawHttp.get(port, "/servlet-plain/send-error?code=404&msg=gone");
        assertEquals(404, sent.status(), sent::toString);
        Map<String, List<String>> f = fields(sent);
        assertEquals("servlet-plain", one(f, "errorPage"), sent::toString);
        assertEquals("ERROR", one(f, "dispatcherType"));
        assertEquals("gone", one(f, "message"));

        RawHttp.Response missing = RawHttp.get(port, "/servlet-plain/no/such/thing");
        assertEquals(404, missing.status(), missing::toString);
        assertEquals("/servlet-plain/no/such/thing", one(fields(missing), "requestURI"), missing::toString);

        RawHttp.Response app = RawHttp.get(port, "/servlet-plain/throw?type=app");
        assertEquals(500, app.status(), app::toString);
        f = fields(app);
        assertEquals("org.modjvm.webapps.plain.AppException", one(f, "exceptionType"), app::toString);
        assertEquals("/servlet-plain/throw", one(f, "requestURI"), app::toString);

        RawHttp.Response runtime = RawHttp.get(port, "/servlet-plain/throw?type=runtime");
        assertEquals(500, runtime.status(), runtime::toString);
        assertFalse(runtime.text().contains("errorPage=servlet-plain"), "no error page is mapped for it: " + runtime);

        RawHttp.Response teapot = RawHttp.get(port, "/servlet-plain/send-error?code=418");
        assertEquals(418, teapot.status(), teapot::toString);
        assertTrue(tomcat.log().contains("Servlet.service() for servlet [org.modjvm.webapps.plain.ThrowServlet]"
                + " in context with path [/servlet-plain] threw exception"), tomcat::diagnostics);
    }

    @Test
    void staticFilesWelcomeFilesAndHiddenDirectories() {
        RawHttp.Response css = RawHttp.get(port, "/servlet-plain/css/style.css");
        assertEquals(200, css.status(), css::toString);
        assertTrue(css.header("Content-Type").startsWith("text/css"), css::toString);
        assertTrue(css.text().contains("color: #123456"), css::toString);

        RawHttp.Response welcome = RawHttp.get(port, "/servlet-plain/");
        assertEquals(200, welcome.status(), welcome::toString);
        assertTrue(welcome.text().contains("servlet-plain welcome file"), welcome::toString);
        RawHttp.Response bare = RawHttp.get(port, "/servlet-plain/docs");
        assertEquals(302, bare.status(), bare::toString);
        assertEquals("/servlet-plain/docs/", bare.header("Location"), bare::toString);
        RawHttp.Response docs = RawHttp.get(port, "/servlet-plain/docs/");
        assertTrue(docs.text().contains("docs welcome file"), docs::toString);

        for (String hidden : List.of("/servlet-plain/WEB-INF/web.xml", "/servlet-plain/WEB-INF/secret.txt",
                "/servlet-plain/META-INF/secret.txt", "/servlet-plain/META-INF/MANIFEST.MF",
                "/servlet-plain/WEB-INF/classes/org/modjvm/webapps/plain/EchoServlet.class",
                "/servlet-plain/web-inf/secret.txt", "/servlet-plain/%57EB-INF/secret.txt",
                "/servlet-plain/css/../WEB-INF/secret.txt")) {
            RawHttp.Response r = RawHttp.get(port, hidden);
            assertEquals(404, r.status(), hidden + ": " + r);
            assertFalse(r.text().contains("secret: must never be served") || r.text().contains("<web-app"), hidden + ": " + r);
        }
    }

    @Test
    void theExplodedDirectoryFormServesTheSameApplication() {
        RawHttp.Response r = RawHttp.get(port, "/servlet-plain-dir/echo/x");
        assertEquals(200, r.status(), r::toString);
        assertEquals("/servlet-plain-dir", one(fields(r), "contextPath"), r::toString);
        assertEquals("true", one(fields(r), "context.initializer"), r::toString);
    }

    @Test
    void servletContainerInitializerFromAWebInfLibJar() {
        RawHttp.Response r = RawHttp.get(port, "/servlet-plain/sci/x");
        assertEquals(200, r.status(), r::toString);
        Map<String, List<String>> f = fields(r);
        assertEquals("true", one(f, "initializer"), r::toString);
        assertEquals("alpha,beta", one(f, "plugins"), r::toString);
        assertEquals("/x", one(f, "pathInfo"), r::toString);
    }

    @Test
    void sessionCounterFollowsItsCookie() {
        RawHttp.Response first = RawHttp.get(port, "/servlet-plain/session");
        Map<String, List<String>> f = fields(first);
        assertEquals("1", one(f, "count"), first::toString);
        assertEquals("true", one(f, "new"), first::toString);
        String cookie = first.header("Set-Cookie");
        assertNotNull(cookie, first::toString);
        assertTrue(cookie.startsWith("JSESSIONID=" + one(f, "id")) && cookie.contains("Path=/servlet-plain"), cookie);
        RawHttp.Response second = RawHttp.get(port, "/servlet-plain/session", "Cookie: " + cookie.split(";")[0]);
        f = fields(second);
        assertEquals("2", one(f, "count"), second::toString);
        assertEquals("false", one(f, "new"), second::toString);
        assertEquals("session", one(f, "encodedURL"), "a cookie session needs no URL rewriting: " + second);
    }

    @Test
    void bodiesWithLengthAndChunked() {
        byte[] data = randomBytes(300_000, 1);
        RawHttp.Response r = RawHttp.request(port, "PUT", "/servlet-plain/body", data, "Content-Type: application/octet-stream");
        Map<String, List<String>> f = fields(r);
        assertEquals("300000", one(f, "length"), r::toString);
        assertEquals(sha256(data), one(f, "sha256"), r::toString);

        try (RawHttp c = RawHttp.connect(port)) {
            c.sendHead("POST", "/servlet-plain/body", "Transfer-Encoding: chunked", "Content-Type: application/octet-stream",
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

    @Test
    void largeAndStreamedResponses() throws IOException {
        for (String length : List.of("true", "false")) {
            RawHttp.Response r = RawHttp.get(port, "/servlet-plain/large?size=5000000&length=" + length);
            assertEquals(200, r.status(), r::toString);
            assertEquals(5_000_000, r.body().length, r::toString);
            assertPattern(r.body());
        }
        // each flushed chunk reaches the client while the servlet still sleeps before the next
        List<Long> arrivals = new ArrayList<>();
        try (RawHttp c = RawHttp.connect(port)) {
            c.sendHead("GET", "/servlet-plain/stream?chunks=3&pauseMs=700", "Connection: close");
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

    @Test
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
        RawHttp.Response r = RawHttp.request(port, "POST", "/servlet-plain/upload", body.toByteArray(),
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

    @Test
    void asyncCompletionDispatchAndTimeout() {
        RawHttp.Response done = RawHttp.get(port, "/servlet-plain/async?delayMs=200");
        Map<String, List<String>> f = fields(done);
        assertEquals("completed", one(f, "async"), done::toString);
        assertEquals("true", one(f, "otherThread"), done::toString);

        RawHttp.Response dispatched = RawHttp.get(port, "/servlet-plain/async?mode=dispatch");
        f = fields(dispatched);
        assertEquals("ASYNC", one(f, "dispatcherType"), dispatched::toString);
        assertEquals("/servlet-plain/async", one(f, "async.requestURI"), dispatched::toString);
        assertEquals("/servlet-plain/echo/async-dispatched", one(f, "requestURI"), dispatched::toString);

        RawHttp.Response timeout = RawHttp.get(port, "/servlet-plain/async-timeout?timeoutMs=300");
        assertEquals(200, timeout.status(), timeout::toString);
        assertEquals("timeout=fired\n", timeout.text());
        RawHttp.Response unhandled = RawHttp.get(port, "/servlet-plain/async-timeout?timeoutMs=300&listener=false");
        assertEquals(500, unhandled.status(), unhandled::toString);
    }

    @Test
    void nonBlockingReadAndWrite() {
        byte[] data = randomBytes(500_000, 3);
        RawHttp.Response read = RawHttp.request(port, "POST", "/servlet-plain/nio-read", data,
                "Content-Type: application/octet-stream");
        Map<String, List<String>> f = fields(read);
        assertEquals("read", one(f, "listener"), read::toString);
        assertEquals("500000", one(f, "length"), read::toString);
        assertEquals(sha256(data), one(f, "sha256"), read::toString);

        RawHttp.Response write = RawHttp.get(port, "/servlet-plain/nio-write?size=3000000");
        assertEquals(200, write.status(), write::toString);
        assertEquals(3_000_000, write.body().length, write::toString);
        assertPattern(write.body());
    }

    @Test
    void serverSentEventsArriveAsWritten() throws IOException {
        List<String> events = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        try (RawHttp c = RawHttp.connect(port)) {
            c.sendHead("GET", "/servlet-plain/sse?events=3&pauseMs=700", "Accept: text/event-stream", "Connection: close");
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

    @Test
    void springFormFlowWithValidationRedirectAfterPostAndSessionBean() {
        RawHttp.Response home = RawHttp.get(port, "/spring-mvc/");
        assertEquals(200, home.status(), home::toString);
        assertTrue(home.text().contains("home views in this session: 1"), home::toString);
        String cookie = home.header("Set-Cookie").split(";")[0];
        assertTrue(cookie.startsWith("JSESSIONID="), home::toString);
        RawHttp.Response again = RawHttp.get(port, "/spring-mvc/", "Cookie: " + cookie);
        assertTrue(again.text().contains("home views in this session: 2"), "the session bean counts: " + again);

        RawHttp.Response form = RawHttp.get(port, "/spring-mvc/register", "Cookie: " + cookie);
        assertEquals(200, form.status(), form::toString);
        assertTrue(form.text().contains("<form id=\"registration\""), form::toString);

        RawHttp.Response invalid = post("/spring-mvc/register", "name=&email=not-an-address&age=5", cookie);
        assertEquals(200, invalid.status(), invalid::toString);
        assertTrue(invalid.text().contains("name is required"), invalid::toString);
        assertTrue(invalid.text().contains("email is not an address"), invalid::toString);
        assertTrue(invalid.text().contains("age must be at least 18"), "message interpolated with EL: " + invalid);
        assertTrue(invalid.text().contains("value=\"not-an-address\""), "the form is re-rendered with the input: " + invalid);

        RawHttp.Response valid = post("/spring-mvc/register", "name=Alice&email=alice%40example.org&age=30", cookie);
        assertEquals(302, valid.status(), valid::toString);
        String location = valid.header("Location");
        assertEquals("/spring-mvc/registered", location, valid::toString);

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

    @Test
    void springStaticFileAndErrorPages() {
        RawHttp.Response css = RawHttp.get(port, "/spring-mvc/css/app.css");
        assertEquals(200, css.status(), css::toString);
        assertTrue(css.header("Content-Type").startsWith("text/css"), css::toString);
        assertTrue(css.text().contains(".error { color: #b00020; }"), css::toString);
        RawHttp.Response missing = RawHttp.get(port, "/spring-mvc/no/such/page");
        assertEquals(404, missing.status(), missing::toString);
        assertTrue(missing.text().contains("spring-mvc 404 page"), missing::toString);
        RawHttp.Response missingCss = RawHttp.get(port, "/spring-mvc/css/none.css");
        assertEquals(404, missingCss.status(), missingCss::toString);
        assertTrue(missingCss.text().contains("spring-mvc 404 page"), missingCss::toString);
        RawHttp.Response fail = RawHttp.get(port, "/spring-mvc/fail");
        assertEquals(500, fail.status(), fail::toString);
        assertTrue(fail.text().contains("spring-mvc error page") && fail.text().contains("spring-mvc fails on purpose"),
                fail::toString);
        RawHttp.Response jsp = RawHttp.get(port, "/spring-mvc/WEB-INF/views/home.jsp");
        assertEquals(404, jsp.status(), "views are not reachable directly: " + jsp);
    }

    // ------------------------------------------------------------------ Jersey

    @Test
    void jerseyJsonRoundTripAndParameters() {
        RawHttp.Response one = RawHttp.get(port, "/jersey/api/items/1", "Accept: application/json");
        assertEquals(200, one.status(), one::toString);
        assertTrue(one.header("Content-Type").startsWith("application/json"), one::toString);
        assertEquals("{\"id\":1,\"name\":\"apple\",\"tags\":[\"fruit\",\"red\"],\"price\":0.5}", one.text());

        RawHttp.Response query = RawHttp.get(port, "/jersey/api/items?q=p&limit=1");
        assertEquals(200, query.status(), query::toString);
        assertEquals("[{\"id\":1,\"name\":\"apple\",\"tags\":[\"fruit\",\"red\"],\"price\":0.5}]", query.text());

        byte[] json = "{\"name\":\"plum\",\"tags\":[\"fruit\",\"purple\"],\"price\":1.25}".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response created = RawHttp.request(port, "POST", "/jersey/api/items", json,
                "Content-Type: application/json", "Accept: application/json");
        assertEquals(201, created.status(), created::toString);
        Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(created.text());
        assertTrue(id.find(), created::toString);
        assertTrue(created.text().contains("\"name\":\"plum\",\"tags\":[\"fruit\",\"purple\"],\"price\":1.25"), created::toString);
        String path = "/jersey/api/items/" + id.group(1);
        assertEquals("http://127.0.0.1:" + port + path, created.header("Location"), "built from the request's host and port");
        RawHttp.Response fetched = RawHttp.get(port, path);
        assertEquals(created.text(), fetched.text());

        RawHttp.Response hello = RawHttp.get(port, "/jersey/api/hello/World?greeting=Hi", "X-Punctuation: ?");
        assertEquals("Hi, World?\n", hello.text(), hello::toString);
    }

    @Test
    void jerseyFrameworkErrors() {
        RawHttp.Response unsupported = RawHttp.request(port, "POST", "/jersey/api/items",
                "name=plum".getBytes(StandardCharsets.UTF_8), "Content-Type: text/plain");
        assertEquals(415, unsupported.status(), unsupported::toString);
        assertEquals(404, RawHttp.get(port, "/jersey/api/no/such/resource").status());
        assertEquals(404, RawHttp.get(port, "/jersey/api/items/999999").status());
        assertEquals(405, RawHttp.request(port, "DELETE", "/jersey/api/items", null).status());
    }

    // ------------------------------------------------------------------ hello (the benchmark's)

    @Test
    void helloServletAndJspTable() {
        for (String path : List.of("/hello/", "/hello/hello", "/", "/?x=1")) {
            RawHttp.Response r = RawHttp.get(port, path);
            assertEquals(200, r.status(), path + ": " + r);
            assertEquals("Hello World!", r.text(), path);
        }
        for (String path : List.of("/hello/table.jsp", "/table.jsp")) {
            RawHttp.Response table = RawHttp.get(port, path);
            assertEquals(200, table.status(), table::toString);
            assertEquals(50, table.text().split("<tr><td>", -1).length - 1, table::toString);
            assertTrue(table.text().contains("<tr><td>50</td><td>row 50</td><td>2500</td></tr>"), table::toString);
        }
    }

    // ------------------------------------------------------------------ deployments that fail

    @Test
    void brokenWarsFailToDeployAndTheOthersDoNot() {
        for (String broken : List.of("/broken-listener", "/broken-webxml", "/broken-missing-class")) {
            assertTrue(tomcat.contextFailed(broken), broken + " should have failed to start\n" + tomcat.diagnostics());
            RawHttp.Response r = RawHttp.get(port, broken + "/");
            assertEquals(404, r.status(), broken + ": " + r);
            assertFalse(r.text().contains("unreachable") || r.text().contains("must not be served"), broken + ": " + r);
        }
        String log = tomcat.log();
        assertTrue(log.contains("One or more listeners failed to start"), tomcat::diagnostics);
        assertTrue(log.contains("Parse error in application web.xml file"), tomcat::diagnostics);
        assertTrue(log.contains("Servlet [missing] in web application [/broken-missing-class] threw load() exception"),
                tomcat::diagnostics);
        for (String good : List.of("/servlet-plain", "/servlet-plain-dir", "/spring-mvc", "/jersey", "/hello", "/javax", "/")) {
            assertFalse(tomcat.contextFailed(good), good + " failed to start\n" + tomcat.diagnostics());
        }
    }

    @Test
    void javaxWarIsNotConvertedByAPlainAppBase() {
        // Tomcat 11 converts javax WARs only in its legacy app base (webapps-javaee); in webapps/ the
        // context starts, its static files are served, and its servlets cannot load
        RawHttp.Response index = RawHttp.get(port, "/javax/");
        assertEquals(200, index.status(), index::toString);
        assertEquals("javax WAR static index\n", index.text());
        RawHttp.Response servlet = RawHttp.get(port, "/javax/hello");
        assertEquals(500, servlet.status(), servlet::toString);
        assertTrue(servlet.text().contains("NoClassDefFoundError") && servlet.text().contains("javax&#47;servlet&#47;http&#47;HttpServlet"),
                servlet::toString);
        assertEquals(404, RawHttp.get(port, "/javax/legacy").status(), "javax annotations are not scanned");
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

    static RawHttp.Response post(String target, String form, String cookie) {
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
