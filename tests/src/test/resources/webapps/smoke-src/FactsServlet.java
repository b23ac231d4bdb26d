package smoke;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;

/** The facts of the connection: TLS attributes, the authenticated user, the flush of a stream. */
@WebServlet("/facts")
public class FactsServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        PrintWriter out = resp.getWriter();
        out.println("scheme=" + req.getScheme());
        out.println("secure=" + req.isSecure());
        out.println("serverPort=" + req.getServerPort());
        out.println("cipher=" + req.getAttribute("jakarta.servlet.request.cipher_suite"));
        out.println("keySize=" + req.getAttribute("jakarta.servlet.request.key_size"));
        out.println("sessionId=" + (req.getAttribute("jakarta.servlet.request.ssl_session_id") != null));
        X509Certificate[] certs = (X509Certificate[]) req.getAttribute("jakarta.servlet.request.X509Certificate");
        out.println("certificates=" + (certs == null ? "none" : certs.length + " " + certs[0].getSubjectX500Principal()));
        out.println("remoteUser=" + req.getRemoteUser());
        out.println("authType=" + req.getAuthType());
        out.println("requestURL=" + req.getRequestURL());
        if (req.getParameter("redirect") != null) {
            resp.sendRedirect("target?x=1");
        }
    }
}
