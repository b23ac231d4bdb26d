package org.modjvm.webapps.plain;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the whole request body (any method; with Content-Length or chunked) in 64 KB steps and
 * answers its length and SHA-256, the declared length and transfer coding, and the trailer fields
 * of a chunked body.
 */
@WebServlet("/body")
public final class BodyServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        MessageDigest sha = Text.sha256();
        long length = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = req.getInputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                sha.update(buf, 0, n);
                length += n;
            }
        }
        StringBuilder out = new StringBuilder();
        Text.line(out, "method", req.getMethod());
        Text.line(out, "length", length);
        Text.line(out, "sha256", Text.hex(sha));
        Text.line(out, "contentLength", req.getContentLengthLong());
        Text.line(out, "contentType", req.getContentType());
        Text.line(out, "transferEncoding", req.getHeader("Transfer-Encoding"));
        Text.line(out, "trailerFieldsReady", req.isTrailerFieldsReady());
        Map<String, String> trailers = new TreeMap<>(req.isTrailerFieldsReady() ? req.getTrailerFields() : Map.of());
        trailers.forEach((k, v) -> Text.line(out, "trailer." + k, v));
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().write(out.toString());
    }
}
