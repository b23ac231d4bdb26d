package org.modjvm.webapps.plain;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A response shaped by the query, to compare how connectors pass the application's status and
 * headers: {@code status=N}, {@code header=Name:value} (addHeader, repeatable),
 * {@code cookie=name=value} (repeatable; Path is the context path, HttpOnly),
 * {@code contentType=...}, {@code body=...} (default "ok\n"), {@code length=true} (set
 * Content-Length), {@code flush=true} (commit the headers before the body).
 */
@WebServlet("/respond")
public final class RespondServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String status = req.getParameter("status");
        if (status != null) {
            resp.setStatus(Integer.parseInt(status));
        }
        String[] headers = req.getParameterValues("header");
        if (headers != null) {
            for (String h : headers) {
                int colon = h.indexOf(':');
                resp.addHeader(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
            }
        }
        String[] cookies = req.getParameterValues("cookie");
        if (cookies != null) {
            for (String c : cookies) {
                int eq = c.indexOf('=');
                Cookie cookie = new Cookie(c.substring(0, eq), c.substring(eq + 1));
                cookie.setPath(req.getContextPath().isEmpty() ? "/" : req.getContextPath());
                cookie.setHttpOnly(true);
                resp.addCookie(cookie);
            }
        }
        String type = req.getParameter("contentType");
        resp.setContentType(type != null ? type : "text/plain;charset=UTF-8");
        String text = req.getParameter("body");
        byte[] body = (text != null ? text : "ok\n").getBytes(StandardCharsets.UTF_8);
        if ("true".equals(req.getParameter("length"))) {
            resp.setContentLength(body.length);
        }
        if ("true".equals(req.getParameter("flush"))) {
            resp.flushBuffer();
        }
        resp.getOutputStream().write(body);
    }
}
