package smoke;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Servlet 3.1 non-blocking I/O: reads the body with a ReadListener (counting bytes and their
 * SHA-256), then writes {@code chunks} lines with a WriteListener.
 */
@WebServlet(urlPatterns = "/nio", asyncSupported = true)
public class NonBlockingServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        AsyncContext async = req.startAsync();
        int chunks = Integer.parseInt(req.getParameter("chunks"));
        ServletInputStream in = req.getInputStream();
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        long[] count = {0};
        in.setReadListener(new ReadListener() {
            final byte[] buffer = new byte[4096];

            @Override
            public void onDataAvailable() throws IOException {
                while (in.isReady()) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    count[0] += n;
                    digest.update(buffer, 0, n);
                }
            }

            @Override
            public void onAllDataRead() throws IOException {
                resp.setContentType("text/plain;charset=UTF-8");
                ServletOutputStream out = resp.getOutputStream();
                String summary = "read " + count[0] + " bytes sha256 " + HexFormat.of().formatHex(digest.digest()) + "\n";
                out.setWriteListener(new WriteListener() {
                    int written = -1;

                    @Override
                    public void onWritePossible() throws IOException {
                        while (out.isReady()) {
                            if (written == -1) {
                                out.write(summary.getBytes(StandardCharsets.UTF_8));
                            } else if (written < chunks) {
                                out.write(("chunk " + written + "\n").getBytes(StandardCharsets.UTF_8));
                            } else {
                                async.complete();
                                return;
                            }
                            written++;
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        async.complete();
                    }
                });
            }

            @Override
            public void onError(Throwable t) {
                async.complete();
            }
        });
    }
}
