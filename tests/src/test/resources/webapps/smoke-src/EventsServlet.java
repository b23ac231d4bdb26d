package smoke;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events from a thread of the application's own: {@code n} events, each flushed as it
 * is written; between two events the thread waits for /events-next (so a test sees an event reach
 * it before the next one exists).
 */
@WebServlet(urlPatterns = {"/events", "/events-next"}, asyncSupported = true)
public class EventsServlet extends HttpServlet {
    static volatile CountDownLatch next = new CountDownLatch(1);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getServletPath().equals("/events-next")) {
            CountDownLatch current = next;
            next = new CountDownLatch(1);
            current.countDown();
            resp.getWriter().println("released");
            return;
        }
        int n = Integer.parseInt(req.getParameter("n"));
        resp.setContentType("text/event-stream");
        resp.setCharacterEncoding("UTF-8");
        if (req.getParameter("sync") != null) {
            // the same, on the request's own thread (a plain blocking servlet that streams)
            PrintWriter out = resp.getWriter();
            for (int i = 1; i <= n; i++) {
                CountDownLatch gate = next;
                out.print("data: event " + i + "\n\n");
                out.flush();
                try {
                    if (i < n && !gate.await(30, TimeUnit.SECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(60_000);
        new Thread(() -> {
            try {
                PrintWriter out = async.getResponse().getWriter();
                for (int i = 1; i <= n; i++) {
                    CountDownLatch gate = next;
                    out.print("data: event " + i + "\n\n");
                    out.flush();
                    if (i < n && !gate.await(30, TimeUnit.SECONDS)) {
                        break;
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                async.complete();
            }
        }, "smoke-events").start();
    }
}
