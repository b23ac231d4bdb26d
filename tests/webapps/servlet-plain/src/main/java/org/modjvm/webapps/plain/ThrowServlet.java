package org.modjvm.webapps.plain;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Throws ({@code type}): {@code app} an {@link AppException} (web.xml maps it to /error-page, status
 * 500), {@code runtime} an IllegalStateException (no error page: the container's 500 report),
 * {@code servlet} a ServletException. {@code afterCommit=true} writes and flushes "partial\n"
 * first: the status is already sent, so the client sees a 200 whose body stops short.
 */
@WebServlet("/throw")
public final class ThrowServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        if ("true".equals(req.getParameter("afterCommit"))) {
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().write("partial\n");
            resp.flushBuffer();
        }
        String type = req.getParameter("type") == null ? "runtime" : req.getParameter("type");
        switch (type) {
            case "app" -> throw new AppException("thrown by /throw?type=app");
            case "servlet" -> throw new ServletException("thrown by /throw?type=servlet");
            default -> throw new IllegalStateException("thrown by /throw?type=" + type);
        }
    }
}
