package org.modjvm.webapps.plain;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * An annotated filter on every request (static files included): adds {@code X-Plain-Filter:
 * applied} to the response and a request attribute echo reports. asyncSupported, or the async
 * servlets behind it could not start async processing.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true, dispatcherTypes = DispatcherType.REQUEST)
public final class StampFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    static final String ATTRIBUTE = "org.modjvm.webapps.plain.filter";

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        resp.setHeader("X-Plain-Filter", "applied");
        req.setAttribute(ATTRIBUTE, "applied");
        chain.doFilter(req, resp);
    }
}
