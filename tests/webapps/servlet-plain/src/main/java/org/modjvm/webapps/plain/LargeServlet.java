package org.modjvm.webapps.plain;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code size} bytes of {@link Text#PATTERN}, generated 64 KB at a time (never held whole: a 1 GB
 * response must not grow the heap); {@code length=true} declares Content-Length, otherwise the
 * response is chunked.
 */
@WebServlet("/large")
public final class LargeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long size = Text.longParam(req, "size", 1 << 20);
        resp.setContentType("application/octet-stream");
        if ("true".equals(req.getParameter("length"))) {
            resp.setContentLengthLong(size);
        }
        byte[] buf = new byte[64 * 1024]; // a multiple of the pattern's length: every block is the same
        Text.fill(buf, 0);
        ServletOutputStream out = resp.getOutputStream();
        for (long left = size; left > 0; ) {
            int n = (int) Math.min(buf.length, left);
            out.write(buf, 0, n);
            left -= n;
        }
    }
}
