package smoke;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** {@code size} bytes of 'x', written 64 KB at a time and never held whole (a 1 GB response). */
@WebServlet("/bytes")
public class BytesServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long size = Long.parseLong(req.getParameter("size"));
        resp.setContentType("application/octet-stream");
        if (req.getParameter("length") != null) {
            resp.setContentLengthLong(size);
        }
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte) 'x');
        OutputStream out = resp.getOutputStream();
        for (long left = size; left > 0; left -= block.length) {
            out.write(block, 0, (int) Math.min(block.length, left));
        }
    }
}
