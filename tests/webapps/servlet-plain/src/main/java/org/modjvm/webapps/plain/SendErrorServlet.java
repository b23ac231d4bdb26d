package org.modjvm.webapps.plain;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * sendError(code, message): 404 reaches web.xml's error page (/error-page); a code without an
 * error page (e.g. 418) gets the container's own error report.
 */
@WebServlet("/send-error")
public final class SendErrorServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int code = (int) Text.longParam(req, "code", 404);
        String msg = req.getParameter("msg");
        resp.sendError(code, msg != null ? msg : "sent by send-error");
    }
}
