package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modjvm.tests.WebAppChecks.fields;
import static org.modjvm.tests.WebAppChecks.one;

import java.io.IOException;
import java.util.List;
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
 * location, so the TLS attributes and the remote user are checked too. The checks of servlet-plain,
 * spring-mvc and jersey are {@link WebAppChecks}, which {@link ServletFrameworksTest} runs on
 * mod_jvm.
 */
@ExtendWith(DumpLogOnFailure.class)
class TomcatReferenceTest {
    static TomcatServer tomcat;
    static ApacheServer apache;
    static int port;
    static WebAppChecks checks;

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
                .loadModules("proxy", "proxy_ajp").loadModules(WebAppChecks.AUTH_MODULES);
        apache.writeFile("conf/htpasswd", WebAppChecks.htpasswd());
        port = apache.port();
        checks = new WebAppChecks(port, "/servlet-plain", "/spring-mvc", "/jersey");
        apache.config(tomcat.proxyConfig()).config(checks.basicAuthConfig()).start();
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

    // ------------------------------------------------------------------ servlet-plain, spring-mvc, jersey

    @Test
    void echoShowsTheRequestAsTheApplicationSeesIt() {
        checks.echoShowsTheRequestAsTheApplicationSeesIt();
    }

    @Test
    void extensionMappingAndUrlencodedPost() {
        checks.extensionMappingAndUrlencodedPost();
    }

    @Test
    void absoluteFormRequestTarget() {
        checks.absoluteFormRequestTarget();
    }

    @Test
    void headAnswersHeadersWithoutABody() {
        checks.headAnswersHeadersWithoutABody();
    }

    @Test
    void tlsAttributesAndSchemeUnderModSsl() {
        checks.tlsAttributesAndSchemeUnderModSsl(apache.tlsPort());
    }

    @Test
    void remoteUserIsTheUserApacheAuthenticated() {
        checks.remoteUserIsTheUserApacheAuthenticated();
    }

    @Test
    void redirects() {
        checks.redirects();
    }

    @Test
    void statusesWithoutBodyAndUnusualCodes() {
        checks.statusesWithoutBodyAndUnusualCodes();
    }

    @Test
    void errorPagesAndThrowingServlets() {
        checks.errorPagesAndThrowingServlets();
        assertTrue(tomcat.log().contains(WebAppChecks.throwLogLine("/servlet-plain")), tomcat::diagnostics);
    }

    @Test
    void staticFilesWelcomeFilesAndHiddenDirectories() {
        checks.staticFilesWelcomeFilesAndHiddenDirectories();
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
        checks.servletContainerInitializerFromAWebInfLibJar();
    }

    @Test
    void sessionCounterFollowsItsCookie() {
        checks.sessionCounterFollowsItsCookie();
    }

    @Test
    void bodiesWithLengthAndChunked() {
        checks.bodiesWithLengthAndChunked();
    }

    @Test
    void largeAndStreamedResponses() throws IOException {
        checks.largeAndStreamedResponses();
    }

    @Test
    void multipartUploadGoesToDisk() {
        checks.multipartUploadGoesToDisk();
    }

    @Test
    void asyncCompletionDispatchAndTimeout() {
        checks.asyncCompletionDispatchAndTimeout();
    }

    @Test
    void nonBlockingReadAndWrite() {
        checks.nonBlockingReadAndWrite();
    }

    @Test
    void serverSentEventsArriveAsWritten() throws IOException {
        checks.serverSentEventsArriveAsWritten();
    }

    @Test
    void springFormFlowWithValidationRedirectAfterPostAndSessionBean() {
        checks.springFormFlowWithValidationRedirectAfterPostAndSessionBean();
    }

    @Test
    void springStaticFileAndErrorPages() {
        checks.springStaticFileAndErrorPages();
    }

    @Test
    void jerseyJsonRoundTripAndParameters() {
        checks.jerseyJsonRoundTripAndParameters();
    }

    @Test
    void jerseyFrameworkErrors() {
        checks.jerseyFrameworkErrors();
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
}
