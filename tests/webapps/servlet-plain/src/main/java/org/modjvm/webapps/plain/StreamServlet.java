package org.modjvm.webapps.plain;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Writes {@code chunks} lines "chunk i", flushing each and pausing {@code pauseMs} in between: a
 * client must see each line as it is flushed, not all at the end.
 */
@WebServlet("/stream")
public final class StreamServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long chunks = Text.longParam(req, "chunks", 5);
        long pause = Text.longParam(req, "pauseMs", 200);
        resp.setContentType("text/plain;charset=UTF-8");
        PrintWriter w = resp.getWriter();
        for (long i = 1; i <= chunks; i++) {
            w.write("chunk " + i + "\n");
            w.flush();
            resp.flushBuffer();
            if (i < chunks) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
