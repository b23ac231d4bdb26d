package org.modjvm.webapps.plain;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * web.xml's error page for 404 and for {@link AppException}: reports the error attributes the
 * container sets on the ERROR dispatch. The status stays the error's.
 */
public final class ErrorPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        StringBuilder out = new StringBuilder();
        Text.line(out, "errorPage", "servlet-plain");
        Text.line(out, "dispatcherType", req.getDispatcherType());
        Text.line(out, "status", req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
        Text.line(out, "message", req.getAttribute(RequestDispatcher.ERROR_MESSAGE));
        Text.line(out, "requestURI", req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
        Text.line(out, "servletName", req.getAttribute(RequestDispatcher.ERROR_SERVLET_NAME));
        Object type = req.getAttribute(RequestDispatcher.ERROR_EXCEPTION_TYPE);
        Text.line(out, "exceptionType", type == null ? null : ((Class<?>) type).getName());
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().write(out.toString());
    }
}
