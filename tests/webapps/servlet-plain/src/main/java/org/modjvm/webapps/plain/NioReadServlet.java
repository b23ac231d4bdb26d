package org.modjvm.webapps.plain;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.MessageDigest;

/**
 * Non-blocking read (ReadListener): reads the body only while isReady(), then in onAllDataRead
 * answers its length and SHA-256 (as /body does, so the two can be compared).
 */
@WebServlet(urlPatterns = "/nio-read", asyncSupported = true)
public final class NioReadServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        AsyncContext ac = req.startAsync();
        ac.setTimeout(60_000);
        ServletInputStream in = req.getInputStream();
        in.setReadListener(new ReadListener() {
            private final MessageDigest sha = Text.sha256();
            private final byte[] buf = new byte[16 * 1024];
            private long length;
            private int callbacks;

            @Override
            public void onDataAvailable() throws IOException {
                callbacks++;
                while (in.isReady() && !in.isFinished()) {
                    int n = in.read(buf);
                    if (n > 0) {
                        sha.update(buf, 0, n);
                        length += n;
                    }
                }
            }

            @Override
            public void onAllDataRead() throws IOException {
                StringBuilder out = new StringBuilder();
                Text.line(out, "listener", "read");
                Text.line(out, "length", length);
                Text.line(out, "sha256", Text.hex(sha));
                Text.line(out, "sawCallbacks", callbacks > 0);
                resp.setContentType("text/plain;charset=UTF-8");
                resp.getWriter().write(out.toString());
                ac.complete();
            }

            @Override
            public void onError(Throwable t) {
                getServletContext().log("nio-read failed", t);
                ac.complete();
            }
        });
    }
}
