package org.modjvm.webapps.javax;

import java.io.IOException;
import javax.servlet.annotation.WebServlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * A javax.servlet (Servlet 4) servlet, declared both by annotation and in web.xml (version 4.0).
 * A Servlet 6 container sees neither as a servlet it can load unless the WAR is converted to
 * jakarta.* first (Tomcat's jakartaee-migration, as its legacy app base does).
 */
@WebServlet("/legacy")
public final class LegacyServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().write("javax servlet says hello\n");
    }
}
