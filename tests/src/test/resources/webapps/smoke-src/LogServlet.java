package smoke;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Logger;

/** Writes a tagged line to each of the ways an application logs. */
@WebServlet("/log")
public class LogServlet extends HttpServlet {
    private static final Logger LOG = Logger.getLogger("smoke.app");

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String tag = req.getParameter("tag");
        System.out.println("stdout line " + tag);
        System.err.println("stderr line " + tag);
        LOG.warning("jul line " + tag);
        getServletContext().log("context log line " + tag);
        resp.getWriter().println("logged " + tag);
    }
}
