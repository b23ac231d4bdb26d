package smoke;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Collections;

/** The smallest servlet that shows what a request looked like to it (ServletSmokeTest). */
@WebServlet("/echo/*")
public class SmokeServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        if (req.getParameter("throw") != null) {
            throw new ServletException("thrown on purpose by SmokeServlet");
        }
        if (req.getParameter("error") != null) {
            resp.sendError(Integer.parseInt(req.getParameter("error")), "sendError on purpose");
            return;
        }
        if (req.getParameter("redirect") != null) {
            resp.sendRedirect(req.getParameter("redirect"));
            return;
        }
        long bodyBytes = 0;
        if (req.getParameter("body") != null) {
            try (InputStream in = req.getInputStream()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    bodyBytes += n;
                }
            }
        }
        HttpSession session = req.getParameter("session") != null ? req.getSession() : null;
        int visits = 0;
        if (session != null) {
            Integer before = (Integer) session.getAttribute("visits");
            visits = before == null ? 1 : before + 1;
            session.setAttribute("visits", visits);
        }
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setHeader("X-Smoke", "yes");
        PrintWriter out = resp.getWriter();
        out.println("method=" + req.getMethod());
        out.println("requestURI=" + req.getRequestURI());
        out.println("contextPath=" + req.getContextPath());
        out.println("servletPath=" + req.getServletPath());
        out.println("pathInfo=" + req.getPathInfo());
        out.println("queryString=" + req.getQueryString());
        out.println("param.a=" + req.getParameter("a"));
        out.println("serverName=" + req.getServerName());
        out.println("serverPort=" + req.getServerPort());
        out.println("scheme=" + req.getScheme());
        out.println("secure=" + req.isSecure());
        out.println("remoteAddr=" + req.getRemoteAddr());
        out.println("localPort=" + req.getLocalPort());
        out.println("protocol=" + req.getProtocol());
        out.println("headerNames=" + Collections.list(req.getHeaderNames()));
        out.println("header.X-Test=" + req.getHeader("X-Test"));
        out.println("bodyBytes=" + bodyBytes);
        out.println("visits=" + visits);
        out.println("contextAttribute=" + getServletContext().getAttribute("smoke.listener"));
        Object version = getServletContext().getAttribute("smoke.version");
        if (version != null) {
            out.println("version=" + version); // (a WAR with WEB-INF/version: ServletRollingTest)
        }
    }
}
