package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A web application (a WAR and the same application as a directory) served through the servlet
 * engine, embedded and in a daemon group: servlet and JSP, request facts, static files and
 * WEB-INF protection, error pages, a session, a request body.
 */
@ExtendWith(DumpLogOnFailure.class)
class ServletSmokeTest {
    static ApacheServer server;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("servlet-smoke");
        Path exploded = SmokeWebApp.exploded(server.root().resolve("apps/smoke"));
        Path war = SmokeWebApp.war(exploded, server.root().resolve("apps/smoke.war"));
        server.config("""
                JvmDaemonProcess web threads=4
                JvmScriptAlias /emb %1$s
                JvmScriptAlias /dmn %1$s process-group=web
                JvmScriptAlias /dir %2$s/ process-group=web
                """.formatted(war, exploded)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aDaemonGroupDeploysItsWebApplicationsWhenItStarts() {
        // before the process says it is ready, and before any request asked for them
        String log = server.errorLog();
        int ready = log.indexOf("JVM01300: daemon process of group web ready");
        int dmn = log.indexOf("deployed at context path /dmn in");
        int dir = log.indexOf("deployed at context path /dir in");
        assertTrue(ready > 0 && dmn > 0 && dir > 0 && dmn < ready && dir < ready, log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void whatTheApplicationLogsReachesApachesErrorLog(String mount) {
        long mark = server.errorLogMark();
        String tag = "t" + System.nanoTime();
        RawHttp.Response r = RawHttp.get(server.port(), mount + "/log?tag=" + tag);
        assertEquals(200, r.status(), r.toString());
        for (String line : new String[] {"stdout line ", "stderr line ", "jul line ", "context log line "}) {
            server.awaitErrorLog(mark, java.util.regex.Pattern.quote(line + tag), java.time.Duration.ofSeconds(10));
        }
        if (mount.equals("/dmn")) {
            // a daemon's lines carry its group's prefix
            String log = server.errorLogSince(mark);
            assertTrue(log.lines().filter(l -> l.contains(tag)).allMatch(l -> l.contains("(jvm:web)")), log);
        }
    }

    @Test
    void aWebApplicationUnderDocumentRootIsWarnedAbout() {
        try (ApacheServer s = ApacheServer.create().name("servlet-docroot")) {
            Path war = SmokeWebApp.war(SmokeWebApp.exploded(s.root().resolve("apps/smoke")),
                    s.root().resolve("htdocs/shop.war"));
            s.config("""
                    JvmScriptAlias /shop %s
                    """.formatted(war)).start();
            assertTrue(s.errorLog().contains("JVM00003: JvmScriptAlias web application " + war
                    + " is under DocumentRoot"), s.errorLog());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn", "/dir"})
    void servletSeesTheRequestAsApacheGotIt(String mount) {
        RawHttp.Response r = RawHttp.get(server.port(), mount + "/echo/x/y?a=1&b=2", "X-Test: hello");
        assertEquals(200, r.status(), r.toString());
        String body = r.text();
        assertTrue(body.contains("requestURI=" + mount + "/echo/x/y\n"), body);
        assertTrue(body.contains("contextPath=" + mount + "\n"), body);
        assertTrue(body.contains("servletPath=/echo\n"), body);
        assertTrue(body.contains("pathInfo=/x/y\n"), body);
        assertTrue(body.contains("queryString=a=1&b=2\n"), body);
        assertTrue(body.contains("param.a=1\n"), body);
        assertTrue(body.contains("header.X-Test=hello\n"), body);
        assertTrue(body.contains("headerNames=[") && body.contains("X-Test"), body);
        assertTrue(body.contains("serverName=127.0.0.1\n"), body);
        assertTrue(body.contains("serverPort=" + server.port() + "\n"), body);
        assertTrue(body.contains("localPort=" + server.port() + "\n"), body);
        assertTrue(body.contains("scheme=http\n"), body);
        assertTrue(body.contains("remoteAddr=127.0.0.1\n"), body);
        assertTrue(body.contains("protocol=HTTP/1.1\n"), body);
        assertTrue(body.contains("contextAttribute=initialized\n"), body);
        assertEquals("yes", r.header("X-Smoke"), r.toString());
        assertEquals("text/plain;charset=UTF-8", r.header("Content-Type"), r.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn", "/dir"})
    void jspStaticFilesAndWelcomeFile(String mount) {
        RawHttp.Response jsp = RawHttp.get(server.port(), mount + "/hello.jsp");
        assertEquals(200, jsp.status(), jsp.toString());
        assertTrue(jsp.text().contains("<p>row 3 of " + mount + "</p>"), jsp.toString());
        RawHttp.Response css = RawHttp.get(server.port(), mount + "/style.css");
        assertEquals(200, css.status(), css.toString());
        assertEquals("body { color: #123456; }\n", css.text());
        assertTrue(css.header("Content-Type").startsWith("text/css"), css.toString());
        RawHttp.Response welcome = RawHttp.get(server.port(), mount + "/");
        assertEquals(200, welcome.status(), welcome.toString());
        assertEquals("welcome to smoke\n", welcome.text());
        RawHttp.Response redirect = RawHttp.get(server.port(), mount);
        assertEquals(302, redirect.status(), redirect.toString());
        assertEquals(mount + "/", redirect.header("Location"), redirect.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn", "/dir"})
    void webInfIsNeverServedAndErrorPagesAreTheApplications(String mount) {
        RawHttp.Response secret = RawHttp.get(server.port(), mount + "/WEB-INF/secret.txt");
        assertEquals(404, secret.status(), secret.toString());
        assertTrue(secret.text().startsWith("smoke error page: not found " + mount + "/WEB-INF/secret.txt"),
                secret.toString());
        RawHttp.Response missing = RawHttp.get(server.port(), mount + "/no/such/page");
        assertEquals(404, missing.status(), missing.toString());
        assertTrue(missing.text().contains("smoke error page: not found " + mount + "/no/such/page"), missing.toString());
        long mark = server.errorLogMark();
        RawHttp.Response thrown = RawHttp.get(server.port(), mount + "/echo/?throw=1");
        assertEquals(500, thrown.status(), thrown.toString());
        assertTrue(thrown.text().contains("smoke error page: failed thrown on purpose"), thrown.toString());
        server.awaitErrorLog(mark, "thrown on purpose by SmokeServlet", java.time.Duration.ofSeconds(10));
        // the engine's line about it names the request
        server.awaitErrorLog(mark, "JVM01407: .*\\(GET " + java.util.regex.Pattern.quote(mount + "/echo/?throw=1")
                + " \\(web application ", java.time.Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn", "/dir"})
    void sessionAndBody(String mount) {
        RawHttp.Response first = RawHttp.get(server.port(), mount + "/echo/?session=1");
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.text().contains("visits=1\n"), first.toString());
        String cookie = first.header("Set-Cookie");
        assertTrue(cookie != null && cookie.startsWith("JSESSIONID=") && cookie.contains("Path=" + mount),
                first.toString());
        String id = cookie.substring(0, cookie.indexOf(';'));
        // embedded mode: the session lives in one Apache child; the test Apache keeps one per request? see below
        RawHttp.Response body = RawHttp.request(server.port(), "POST", mount + "/echo/?body=1", new byte[300_000]);
        assertEquals(200, body.status(), body.toString());
        assertTrue(body.text().contains("bodyBytes=300000\n"), body.toString());
        if (!mount.equals("/emb")) {
            RawHttp.Response second = RawHttp.get(server.port(), mount + "/echo/?session=1", "Cookie: " + id);
            assertTrue(second.text().contains("visits=2\n"), second.toString());
        }
    }
}
