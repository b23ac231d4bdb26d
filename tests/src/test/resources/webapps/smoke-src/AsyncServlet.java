package smoke;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * startAsync in its forms: completed from a thread of the application's own (mode=thread), from
 * AsyncContext.start (mode=start), dispatched to another servlet (mode=dispatch), or left to time
 * out (mode=timeout: the AsyncListener answers).
 */
@WebServlet(urlPatterns = "/async", asyncSupported = true)
public class AsyncServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String mode = String.valueOf(req.getParameter("mode"));
        AsyncContext async = req.startAsync();
        resp.setContentType("text/plain;charset=UTF-8");
        switch (mode) {
            case "thread" -> new Thread(() -> {
                try {
                    Thread.sleep(200);
                    async.getResponse().getWriter().println("completed by " + Thread.currentThread().getName());
                } catch (Exception e) {
                    e.printStackTrace();
                }
                async.complete();
            }, "smoke-async-thread").start();
            case "start" -> async.start(() -> {
                try {
                    async.getResponse().getWriter().println("started on " + Thread.currentThread().getName());
                } catch (IOException e) {
                    e.printStackTrace();
                }
                async.complete();
            });
            case "dispatch" -> async.dispatch("/echo/dispatched");
            case "timeout" -> {
                async.setTimeout(500);
                async.addListener(new AsyncListener() {
                    @Override
                    public void onTimeout(AsyncEvent event) throws IOException {
                        event.getAsyncContext().getResponse().getWriter().println("timed out");
                        event.getAsyncContext().complete();
                    }

                    @Override
                    public void onComplete(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
            }
            default -> {
                resp.getWriter().println("unknown mode " + mode);
                async.complete();
            }
        }
    }
}
