package org.modjvm.webapps.plain;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * startAsync, then after {@code delayMs} the application's own thread (not the container's)
 * either writes the response and completes ({@code mode=complete}, the default) or dispatches to
 * /echo/async-dispatched ({@code mode=dispatch}: echo shows dispatcherType ASYNC).
 */
@WebServlet(urlPatterns = "/async", asyncSupported = true)
public final class AsyncServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
        long delay = Text.longParam(req, "delayMs", 100);
        boolean dispatch = "dispatch".equals(req.getParameter("mode"));
        Thread requestThread = Thread.currentThread();
        AsyncContext ac = req.startAsync();
        ac.setTimeout(30_000);
        StartupListener.pool(getServletContext()).schedule(() -> {
            if (dispatch) {
                ac.dispatch("/echo/async-dispatched");
                return;
            }
            try {
                HttpServletResponse r = (HttpServletResponse) ac.getResponse();
                r.setContentType("text/plain;charset=UTF-8");
                StringBuilder out = new StringBuilder();
                Text.line(out, "async", "completed");
                Text.line(out, "asyncStarted", req.isAsyncStarted());
                Text.line(out, "otherThread", Thread.currentThread() != requestThread);
                r.getWriter().write(out.toString());
            } catch (IOException e) {
                getServletContext().log("async write failed", e);
            } finally {
                ac.complete();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }
}
