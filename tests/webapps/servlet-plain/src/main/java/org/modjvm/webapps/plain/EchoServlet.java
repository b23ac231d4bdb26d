package org.modjvm.webapps.plain;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Declared in web.xml (/echo/* and *.echo). Answers, for any method, with {@code key=value} lines
 * describing the request as the application sees it: the fields a connector fills (URI and its
 * parts, query, parameters, headers, cookies, addresses, ports, scheme, TLS attributes, remote
 * user, content type and length) and the container's own state (mapping, dispatcher type, context
 * parameter, listener/initializer/filter marks). Scalar fields first in a fixed order, then
 * {@code header.*} (names lower-cased and sorted, values in order), {@code cookie.*} (as received),
 * {@code param.*} (names sorted, values in order). The body is read only through the parameters
 * (an urlencoded POST). HEAD gets the same headers and no body: the service method does not
 * special-case it, the connector must drop the body.
 */
public final class EchoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        StringBuilder out = new StringBuilder(2048);
        // parameters first: for an urlencoded POST this reads the body, before anything else could
        Map<String, String[]> params = new TreeMap<>(req.getParameterMap());

        Text.line(out, "method", req.getMethod());
        Text.line(out, "protocol", req.getProtocol());
        Text.line(out, "scheme", req.getScheme());
        Text.line(out, "secure", req.isSecure());
        Text.line(out, "serverName", req.getServerName());
        Text.line(out, "serverPort", req.getServerPort());
        Text.line(out, "requestURI", req.getRequestURI());
        Text.line(out, "requestURL", req.getRequestURL());
        Text.line(out, "contextPath", req.getContextPath());
        Text.line(out, "servletPath", req.getServletPath());
        Text.line(out, "pathInfo", req.getPathInfo());
        Text.line(out, "queryString", req.getQueryString());
        HttpServletMapping m = req.getHttpServletMapping();
        Text.line(out, "mapping.matchValue", m.getMatchValue());
        Text.line(out, "mapping.pattern", m.getPattern());
        Text.line(out, "mapping.mappingMatch", m.getMappingMatch());
        Text.line(out, "mapping.servletName", m.getServletName());
        Text.line(out, "dispatcherType", req.getDispatcherType());
        Text.line(out, "async.requestURI", req.getAttribute("jakarta.servlet.async.request_uri"));
        Text.line(out, "characterEncoding", req.getCharacterEncoding());
        Text.line(out, "contentType", req.getContentType());
        Text.line(out, "contentLength", req.getContentLengthLong());
        Text.line(out, "remoteAddr", req.getRemoteAddr());
        Text.line(out, "remoteHost", req.getRemoteHost());
        Text.line(out, "remotePort", req.getRemotePort());
        Text.line(out, "localAddr", req.getLocalAddr());
        Text.line(out, "localName", req.getLocalName());
        Text.line(out, "localPort", req.getLocalPort());
        Text.line(out, "remoteUser", req.getRemoteUser());
        Text.line(out, "authType", req.getAuthType());
        Text.line(out, "userPrincipal", req.getUserPrincipal() == null ? null : req.getUserPrincipal().getName());
        Text.line(out, "requestedSessionId", req.getRequestedSessionId());
        Text.line(out, "requestedSessionIdFromCookie", req.isRequestedSessionIdFromCookie());
        Text.line(out, "requestedSessionIdFromURL", req.isRequestedSessionIdFromURL());
        Text.line(out, "locale", req.getLocale().toLanguageTag());
        Text.line(out, "ssl.cipherSuite", req.getAttribute("jakarta.servlet.request.cipher_suite"));
        Text.line(out, "ssl.keySize", req.getAttribute("jakarta.servlet.request.key_size"));
        Text.line(out, "ssl.sessionId", req.getAttribute("jakarta.servlet.request.ssl_session_id"));
        Text.line(out, "ssl.protocol", req.getAttribute("jakarta.servlet.request.secure_protocol"));
        Object certs = req.getAttribute("jakarta.servlet.request.X509Certificate");
        if (certs instanceof X509Certificate[] chain) {
            Text.line(out, "ssl.certificates", chain.length);
            for (int i = 0; i < chain.length; i++) {
                Text.line(out, "ssl.certificate." + i, chain[i].getSubjectX500Principal().getName());
            }
        } else {
            Text.line(out, "ssl.certificates", certs);
        }
        Text.line(out, "servletName", getServletName());
        Text.line(out, "servlet.initParam", getInitParameter("greeting"));
        Text.line(out, "context.param", getServletContext().getInitParameter("plain.param"));
        Text.line(out, "context.listener", getServletContext().getAttribute(StartupListener.STARTED));
        Text.line(out, "context.initializer", getServletContext().getAttribute("org.modjvm.webapps.sci.ran"));
        Text.line(out, "filter", req.getAttribute(StampFilter.ATTRIBUTE));

        Map<String, List<String>> headers = new TreeMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .addAll(Collections.list(req.getHeaders(name)));
        }
        headers.forEach((name, values) -> values.forEach(v -> Text.line(out, "header." + name, v)));
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                Text.line(out, "cookie." + c.getName(), c.getValue());
            }
        }
        params.forEach((name, values) -> {
            for (String v : values) {
                Text.line(out, "param." + name, v);
            }
        });

        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().write(out.toString());
    }
}
