package org.modjvm.webapps.sci;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Added by {@link PluginInitializer}: says what the initializer saw. */
final class SciServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        var ctx = req.getServletContext();
        resp.getWriter().print("initializer=" + ctx.getAttribute(PluginInitializer.RAN) + "\n"
                + "plugins=" + ctx.getAttribute(PluginInitializer.PLUGINS) + "\n"
                + "servletPath=" + req.getServletPath() + "\n"
                + "pathInfo=" + req.getPathInfo() + "\n");
    }
}
