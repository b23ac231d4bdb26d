package org.modjvm.webapps.plain;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;

/**
 * A multipart/form-data upload (@MultipartConfig; parts above 1 KB are written to disk, so a 100
 * MB upload does not go to the heap). Answers, per part in order: name, submitted file name,
 * content type, size and SHA-256 (read back from the part); each non-file field also as a
 * parameter; and {@code diskFiles}, the number of the container's temporary upload files present
 * in the context's temporary directory while the parts are open.
 */
@WebServlet("/upload")
@MultipartConfig(fileSizeThreshold = 1024)
public final class UploadServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        StringBuilder out = new StringBuilder();
        List<Part> parts = List.copyOf(req.getParts());
        Text.line(out, "parts", parts.size());
        byte[] buf = new byte[64 * 1024];
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            MessageDigest sha = Text.sha256();
            try (InputStream in = p.getInputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    sha.update(buf, 0, n);
                }
            }
            String prefix = "part." + i + ".";
            Text.line(out, prefix + "name", p.getName());
            Text.line(out, prefix + "filename", p.getSubmittedFileName());
            Text.line(out, prefix + "contentType", p.getContentType());
            Text.line(out, prefix + "size", p.getSize());
            Text.line(out, prefix + "sha256", Text.hex(sha));
            if (p.getSubmittedFileName() == null) {
                Text.line(out, "param." + p.getName(), req.getParameter(p.getName()));
            }
        }
        Text.line(out, "diskFiles", countUploadFiles(getServletContext()));
        for (Part p : parts) {
            p.delete();
        }
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().write(out.toString());
    }

    /** Tomcat's upload files: upload_*.tmp in the context's temporary directory (the default location). */
    private static int countUploadFiles(ServletContext ctx) {
        File dir = (File) ctx.getAttribute(ServletContext.TEMPDIR);
        File[] files = dir == null ? null : dir.listFiles((d, name) -> name.startsWith("upload_") && name.endsWith(".tmp"));
        return files == null ? 0 : files.length;
    }
}
