package org.modjvm.webapps.plain;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * An HttpSession counter (a serializable Integer, so a session manager can persist it): each
 * request adds one and answers the count, whether the session is new, its id, and the URL
 * "session" as encodeURL writes it (with ;jsessionid= when the client sent no cookie).
 * {@code invalidate=true} ends the session.
 */
@WebServlet("/session")
public final class SessionServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        if ("true".equals(req.getParameter("invalidate"))) {
            HttpSession s = req.getSession(false);
            if (s != null) {
                s.invalidate();
            }
            resp.getWriter().write("invalidated=" + (s != null) + "\n");
            return;
        }
        HttpSession s = req.getSession(true);
        Integer count = (Integer) s.getAttribute("count");
        count = count == null ? 1 : count + 1;
        s.setAttribute("count", count);
        StringBuilder out = new StringBuilder();
        Text.line(out, "count", count);
        Text.line(out, "new", s.isNew());
        Text.line(out, "id", s.getId());
        Text.line(out, "encodedURL", resp.encodeURL("session"));
        resp.getWriter().write(out.toString());
    }
}
