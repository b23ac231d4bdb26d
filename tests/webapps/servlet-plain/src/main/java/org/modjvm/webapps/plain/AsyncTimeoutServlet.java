package org.modjvm.webapps.plain;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * startAsync with a {@code timeoutMs} timeout that nothing completes before it: the container
 * must fire onTimeout. With {@code listener=true} (the default) the listener answers
 * "timeout=fired" and completes; with {@code listener=false} nobody handles it and the container
 * answers 500 itself.
 */
@WebServlet(urlPatterns = "/async-timeout", asyncSupported = true)
public final class AsyncTimeoutServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
        AsyncContext ac = req.startAsync();
        ac.setTimeout(Text.longParam(req, "timeoutMs", 500));
        if ("false".equals(req.getParameter("listener"))) {
            return;
        }
        ac.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) throws IOException {
                HttpServletResponse r = (HttpServletResponse) event.getAsyncContext().getResponse();
                r.setContentType("text/plain;charset=UTF-8");
                r.getWriter().write("timeout=fired\n");
                event.getAsyncContext().complete();
            }

            @Override
            public void onComplete(AsyncEvent event) {
                // nothing to release
            }

            @Override
            public void onError(AsyncEvent event) {
                event.getAsyncContext().complete();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not restarted
            }
        });
    }
}
