package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real frameworks of tests/webapps on mod_jvm, embedded (under {@code /emb}) and in a daemon
 * group (under {@code /dmn}) of one Apache: the same checks ({@link WebAppChecks}) that
 * {@link TomcatReferenceTest} makes against Tomcat behind mod_proxy_ajp. Spring MVC 7 (no
 * web.xml: the form flow with validation errors, redirect-after-post, a session-scoped bean, a
 * static CSS file, its own error pages), Jersey 4 (JSON both ways, path and query parameters, the
 * framework's 404, 405 and 415) and servlet-plain (the request as the application sees it, an
 * SCI from WEB-INF/lib, the filter, static and welcome files, WEB-INF/META-INF, error pages,
 * sessions, multipart to disk, chunked bodies, async, non-blocking I/O, SSE, TLS and the user
 * Apache authenticated).
 */
@ExtendWith(DumpLogOnFailure.class)
class ServletFrameworksTest {
    static ApacheServer server;
    static Map<String, WebAppChecks> checks;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("servlet-frameworks").threadsPerChild(16).tls()
                .loadModules(WebAppChecks.AUTH_MODULES).loadModules("remoteip");
        server.writeFile("conf/htpasswd", WebAppChecks.htpasswd());
        checks = Map.of(
                "/emb", new WebAppChecks(server.port(), "/emb/servlet-plain", "/emb/spring-mvc", "/emb/jersey"),
                "/dmn", new WebAppChecks(server.port(), "/dmn/servlet-plain", "/dmn/spring-mvc", "/dmn/jersey"));
        StringBuilder config = new StringBuilder("JvmDaemonProcess web threads=8 jvm-options=\"-Xmx256m\"\n");
        for (String app : new String[] {"servlet-plain", "spring-mvc", "jersey", "broken-missing-class"}) {
            config.append("JvmScriptAlias /emb/").append(app).append(' ').append(WebApps.war(app)).append('\n');
            config.append("JvmScriptAlias /dmn/").append(app).append(' ').append(WebApps.war(app))
                    .append(" process-group=web\n");
        }
        // a proxy in front (plainBehindAProxy): its client address, and its scheme as SetEnvIf says
        config.append("""
                RemoteIPHeader X-Forwarded-For
                RemoteIPInternalProxy 127.0.0.1
                SetEnvIf X-Forwarded-Proto ^https$ HTTPS=on
                """);
        server.config(config.toString()).config(checks.get("/emb").basicAuthConfig())
                .config(checks.get("/dmn").basicAuthConfig()).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ------------------------------------------------------------------ servlet-plain

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void plainRequestFidelity(String mode) {
        WebAppChecks c = checks.get(mode);
        c.echoShowsTheRequestAsTheApplicationSeesIt();
        c.extensionMappingAndUrlencodedPost();
        c.absoluteFormRequestTarget();
        c.headAnswersHeadersWithoutABody();
        c.tlsAttributesAndSchemeUnderModSsl(server.tlsPort());
        c.remoteUserIsTheUserApacheAuthenticated();
        c.servletContainerInitializerFromAWebInfLibJar();
    }

    /**
     * Behind a proxy: the client address mod_remoteip took from X-Forwarded-For, and HTTPS=on as
     * SetEnvIf set it from X-Forwarded-Proto, are what the servlet sees (as a script sees them in
     * REMOTE_ADDR and HTTPS), though a web application's frame carries no CGI environment.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void plainBehindAProxy(String mode) {
        RawHttp.Response r = RawHttp.get(server.port(), mode + "/servlet-plain/echo/p",
                "X-Forwarded-For: 203.0.113.7", "X-Forwarded-Proto: https");
        assertEquals(200, r.status(), r::toString);
        Map<String, java.util.List<String>> f = WebAppChecks.fields(r);
        assertEquals("203.0.113.7", WebAppChecks.one(f, "remoteAddr"), r::toString);
        assertEquals("203.0.113.7", WebAppChecks.one(f, "remoteHost"), r::toString);
        assertEquals("true", WebAppChecks.one(f, "secure"), r::toString);
        assertEquals("https", WebAppChecks.one(f, "scheme"), r::toString);
        RawHttp.Response direct = RawHttp.get(server.port(), mode + "/servlet-plain/echo/p");
        Map<String, java.util.List<String>> d = WebAppChecks.fields(direct);
        assertEquals("127.0.0.1", WebAppChecks.one(d, "remoteAddr"), direct::toString);
        assertEquals("false", WebAppChecks.one(d, "secure"), direct::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void plainResponsesErrorPagesAndStaticFiles(String mode) {
        WebAppChecks c = checks.get(mode);
        long mark = server.errorLogMark();
        c.redirects();
        c.statusesWithoutBodyAndUnusualCodes();
        c.errorPagesAndThrowingServlets();
        // the stack trace, with the servlet and its context, is in Apache's error log
        server.awaitErrorLog(mark, java.util.regex.Pattern.quote(WebAppChecks.throwLogLine(mode + "/servlet-plain")),
                Duration.ofSeconds(20));
        c.staticFilesWelcomeFilesAndHiddenDirectories();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void plainSessionsBodiesAndMultipart(String mode) {
        WebAppChecks c = checks.get(mode);
        c.sessionCounterFollowsItsCookie();
        c.bodiesWithLengthAndChunked();
        c.multipartUploadGoesToDisk();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void plainStreamingAsyncAndServerSentEvents(String mode) throws Exception {
        WebAppChecks c = checks.get(mode);
        c.largeAndStreamedResponses();
        c.asyncCompletionDispatchAndTimeout();
        c.nonBlockingReadAndWrite();
        c.serverSentEventsArriveAsWritten();
    }

    // ------------------------------------------------------------------ Spring MVC

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void springFormFlowWithValidationRedirectAfterPostAndSessionBean(String mode) {
        checks.get(mode).springFormFlowWithValidationRedirectAfterPostAndSessionBean();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void springStaticFileAndErrorPages(String mode) {
        checks.get(mode).springStaticFileAndErrorPages();
    }

    // ------------------------------------------------------------------ Jersey

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void jerseyJsonRoundTripAndParameters(String mode) {
        checks.get(mode).jerseyJsonRoundTripAndParameters();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void jerseyFrameworkErrors(String mode) {
        checks.get(mode).jerseyFrameworkErrors();
    }

    // ------------------------------------------------------------------ deployment

    /**
     * A WAR's META-INF/context.xml is read: broken-missing-class's sets
     * failCtxIfServletStartFails, so its missing load-on-startup servlet fails the deployment
     * (503, JVM01405); were the file not read, the context would start and serve its index.html.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void aWarsContextXmlIsRead(String mode) {
        RawHttp.Response r = RawHttp.get(server.port(), mode + "/broken-missing-class/");
        assertEquals(503, r.status(), r::toString);
        assertFalse(r.text().contains("must not be served"), r::toString);
        // from the log's start: a daemon deploys its web applications when it starts, an
        // embedded child at its first request for them
        server.awaitErrorLog(0, "Servlet \\[missing\\] in web application \\[" + mode
                + "/broken-missing-class\\] threw load\\(\\) exception", Duration.ofSeconds(30));
        server.awaitErrorLog(0, "JVM01405.*" + mode + "/broken-missing-class", Duration.ofSeconds(30));
    }

    /**
     * Deploying an application whose web.xml lists welcome files (servlet-plain) logs no error:
     * Tomcat's Mapper once logged "No context found [/ctx]" at every deployment (JVM01407).
     */
    @ParameterizedTest
    @ValueSource(strings = {"/emb", "/dmn"})
    void deployingLogsNoEngineError(String mode) {
        RawHttp.Response r = RawHttp.get(server.port(), mode + "/servlet-plain/");
        assertEquals(200, r.status(), r::toString);
        String log = server.errorLog();
        assertTrue(log.contains("deployed at context path " + mode + "/servlet-plain"), log);
        assertFalse(log.contains("No context found"), log);
    }
}
