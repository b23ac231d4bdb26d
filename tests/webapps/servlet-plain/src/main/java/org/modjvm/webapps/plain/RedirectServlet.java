package org.modjvm.webapps.plain;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * sendRedirect in its forms ({@code mode}): {@code relative} ("echo/redirected", resolved
 * against the request URI), {@code root} (context path + "/echo/redirected"), {@code self} (an
 * absolute URL built from getRequestURL: scheme, host and port as the application sees them),
 * {@code external} (http://example.invalid/elsewhere). {@code code=303} uses
 * sendRedirect(location, code) (Servlet 6.1).
 */
@WebServlet("/redirect")
public final class RedirectServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String mode = req.getParameter("mode") == null ? "relative" : req.getParameter("mode");
        String location = switch (mode) {
            case "relative" -> "echo/redirected";
            case "root" -> req.getContextPath() + "/echo/redirected";
            case "self" -> req.getRequestURL().append("?mode=done").toString();
            case "external" -> "http://example.invalid/elsewhere";
            case "done" -> null;
            default -> throw new IllegalArgumentException("mode " + mode);
        };
        if (location == null) {
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().write("redirected\n");
            return;
        }
        String code = req.getParameter("code");
        if (code != null) {
            resp.sendRedirect(location, Integer.parseInt(code));
        } else {
            resp.sendRedirect(location);
        }
    }
}
