package org.modjvm.webapps.plain;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Non-blocking write (WriteListener): {@code size} bytes of {@link Text#PATTERN} (as /large),
 * written only while isReady(), completing when all are out; {@code length=true} declares
 * Content-Length.
 */
@WebServlet(urlPatterns = "/nio-write", asyncSupported = true)
public final class NioWriteServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long size = Text.longParam(req, "size", 1 << 20);
        resp.setContentType("application/octet-stream");
        if ("true".equals(req.getParameter("length"))) {
            resp.setContentLengthLong(size);
        }
        AsyncContext ac = req.startAsync();
        ac.setTimeout(120_000);
        ServletOutputStream out = resp.getOutputStream();
        out.setWriteListener(new WriteListener() {
            private final byte[] buf = new byte[64 * 1024];
            private long left = size;

            {
                Text.fill(buf, 0);
            }

            @Override
            public void onWritePossible() throws IOException {
                while (out.isReady()) {
                    if (left == 0) {
                        ac.complete();
                        return;
                    }
                    int n = (int) Math.min(buf.length, left);
                    out.write(buf, 0, n);
                    left -= n;
                }
            }

            @Override
            public void onError(Throwable t) {
                getServletContext().log("nio-write failed", t);
                ac.complete();
            }
        });
    }
}
