package org.modjvm.webapps.hello;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's servlet: "Hello World!" (12 bytes, Content-Length set), the same answer as
 * conf-samples/hello, at the context root ("") and at /hello.
 */
@WebServlet({"", "/hello"})
public final class HelloServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final byte[] HELLO = "Hello World!".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.setContentLength(HELLO.length);
        resp.getOutputStream().write(HELLO);
    }
}
