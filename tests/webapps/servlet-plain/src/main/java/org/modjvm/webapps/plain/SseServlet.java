package org.modjvm.webapps.plain;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events, the way frameworks send them (Spring's SseEmitter): async, the events
 * written and flushed by the application's scheduler thread, {@code events} of them
 * {@code pauseMs} apart ("id: i", "event: tick", "data: event i"), then complete. A client must
 * receive each event when it is written.
 */
@WebServlet(urlPatterns = "/sse", asyncSupported = true)
public final class SseServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int events = (int) Text.longParam(req, "events", 5);
        long pause = Text.longParam(req, "pauseMs", 200);
        resp.setContentType("text/event-stream;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        AsyncContext ac = req.startAsync();
        ac.setTimeout(events * pause + 30_000);
        new Emitter(ac, resp.getWriter(), StartupListener.pool(getServletContext()), events, pause).send(1);
    }

    /** Sends event i, then schedules event i+1 (one task at a time: no two threads write). */
    private record Emitter(AsyncContext ac, PrintWriter w, ScheduledExecutorService pool, int events, long pause) {
        void send(int i) {
            if (i > events) {
                ac.complete();
                return;
            }
            pool.schedule(() -> {
                try {
                    w.write("id: " + i + "\nevent: tick\ndata: event " + i + "\n\n");
                    w.flush();
                    ac.getResponse().flushBuffer();
                } catch (IOException e) {
                    ac.complete(); // the client went away
                    return;
                }
                send(i + 1);
            }, i == 1 ? 0 : pause, TimeUnit.MILLISECONDS);
        }
    }
}
