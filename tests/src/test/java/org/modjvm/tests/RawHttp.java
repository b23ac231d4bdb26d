package org.modjvm.tests;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on a raw socket: the test controls every byte sent (chunked
 * uploads, raw non-ASCII header bytes, HEAD), sees bytes as they arrive (streaming), and can
 * drop the connection abruptly.
 */
public final class RawHttp implements AutoCloseable {
    public static final int READ_TIMEOUT_MS = 60_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(int port, boolean tls) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        plain.setSoTimeout(READ_TIMEOUT_MS);
        plain.setTcpNoDelay(true);
        if (tls) {
            javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) trustAll().getSocketFactory()
                    .createSocket(plain, "127.0.0.1", port, true);
            ssl.startHandshake();
            socket = ssl;
        } else {
            socket = plain;
        }
        in = new BufferedInputStream(socket.getInputStream(), 65536);
        out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) {
        return connect(port, false);
    }

    /** Connects, over TLS (trusting any certificate: the tests' self-signed one) when {@code tls}. */
    public static RawHttp connect(int port, boolean tls) {
        try {
            return new RawHttp(port, tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static javax.net.ssl.SSLContext trustAll() {
        try {
            javax.net.ssl.TrustManager[] all = {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }};
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, all, null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public Socket socket() {
        return socket;
    }

    /** Sends the string's chars as ISO-8859-1 bytes (so "\u00e9" is the single byte 0xE9). */
    public RawHttp send(String latin1) {
        return send(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request head: {@code METHOD target HTTP/1.1}, Host, then the given header lines. */
    public RawHttp sendHead(String method, String target, String... headerLines) {
        StringBuilder b = new StringBuilder();
        b.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean hasHost = false;
        for (String h : headerLines) {
            if (h.regionMatches(true, 0, "Host:", 0, 5)) {
                hasHost = true;
            }
        }
        if (!hasHost) {
            b.append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n");
        }
        for (String h : headerLines) {
            b.append(h).append("\r\n");
        }
        b.append("\r\n");
        return send(b.toString());
    }

    /** Sends {@code data} as one chunk of a chunked body. */
    public RawHttp sendChunk(byte[] data) {
        send(Integer.toHexString(data.length) + "\r\n");
        send(data);
        return send("\r\n");
    }

    public RawHttp sendLastChunk() {
        return send("0\r\n\r\n");
    }

    /** Status line and headers of a response. */
    public record Head(String protocol, int status, String reason, List<Map.Entry<String, String>> headers) {
        /** First value of the header (case-insensitive name), or null. */
        public String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }

        public List<String> headers(String name) {
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    out.add(h.getValue());
                }
            }
            return out;
        }

        public boolean chunked() {
            String te = header("Transfer-Encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }

        public long contentLength() {
            String cl = header("Content-Length");
            return cl == null ? -1 : Long.parseLong(cl.trim());
        }
    }

    /** Reads a response head (skipping 1xx interim responses). */
    public Head readHead() {
        try {
            while (true) {
                String statusLine = readLine();
                if (statusLine == null) {
                    throw new EOFException("connection closed before a response");
                }
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2) {
                    throw new IOException("bad status line: " + statusLine);
                }
                int status = Integer.parseInt(parts[1]);
                List<Map.Entry<String, String>> headers = new ArrayList<>();
                String line;
                while ((line = readLine()) != null && !line.isEmpty()) {
                    int colon = line.indexOf(':');
                    headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
                }
                if (status >= 100 && status < 200) {
                    continue;
                }
                return new Head(parts[0], status, parts.length > 2 ? parts[2] : "", headers);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The decoded body of the response whose head was just read. */
    public InputStream body(Head head, boolean headRequest) {
        if (headRequest || head.status() == 204 || head.status() == 304) {
            return InputStream.nullInputStream();
        }
        if (head.chunked()) {
            return new ChunkedInput(in);
        }
        long cl = head.contentLength();
        if (cl >= 0) {
            return new LimitedInput(in, cl);
        }
        return in; // until close
    }

    /** Reads a complete response; a body cut short is reported in {@link Response#complete()}. */
    public Response readResponse(boolean headRequest) {
        Head head = readHead();
        InputStream body = body(head, headRequest);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean complete = true;
        String error = null;
        byte[] b = new byte[65536];
        try {
            int n;
            while ((n = body.read(b)) > 0) {
                buf.write(b, 0, n);
            }
        } catch (IOException e) {
            complete = false;
            error = e.toString();
        }
        return new Response(head, buf.toByteArray(), complete, error);
    }

    public Response readResponse() {
        return readResponse(false);
    }

    /** True when the server has closed the connection (reads EOF within {@code timeoutMs}). */
    public boolean serverClosed(int timeoutMs) {
        try {
            socket.setSoTimeout(timeoutMs);
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** Drops the connection abruptly (RST), as a client that goes away mid-download. */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] l = line.toByteArray();
                int len = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
                return new String(l, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** A whole response. */
    public record Response(Head head, byte[] body, boolean complete, String error) {
        public int status() {
            return head.status();
        }

        public String header(String name) {
            return head.header(name);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String latin1() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            String b = latin1();
            return head.protocol() + " " + head.status() + " " + head.reason() + " " + head.headers()
                    + (complete ? "" : " [INCOMPLETE: " + error + "]")
                    + "\n" + (b.length() > 2000 ? b.substring(0, 2000) + "…" : b);
        }
    }

    // ------------------------------------------------------------------ one-shot helpers

    /** GET with Connection: close. */
    public static Response get(int port, String target, String... headerLines) {
        return request(port, "GET", target, null, headerLines);
    }

    /** One request with Connection: close; {@code body} (may be null) is sent with Content-Length. */
    public static Response request(int port, String method, String target, byte[] body, String... headerLines) {
        try (RawHttp c = connect(port)) {
            List<String> lines = new ArrayList<>(List.of(headerLines));
            lines.add("Connection: close");
            if (body != null) {
                lines.add("Content-Length: " + body.length);
            }
            c.sendHead(method, target, lines.toArray(String[]::new));
            if (body != null) {
                c.send(body);
            }
            return c.readResponse("HEAD".equals(method));
        }
    }

    /** Parses "k=v&k2=v2" (no decoding) — for building test URLs. */
    public static Map<String, String> parseQuery(String q) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : q.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) {
                m.put(p.substring(0, eq), p.substring(eq + 1));
            }
        }
        return m;
    }

    // ------------------------------------------------------------------ body decoders

    static final class LimitedInput extends InputStream {
        private final InputStream in;
        private long remaining;

        LimitedInput(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed with " + remaining + " bytes of Content-Length missing");
            }
            remaining -= n;
            return n;
        }
    }

    /** Decodes Transfer-Encoding: chunked; EOF before the last chunk is an EOFException. */
    static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long chunkRemaining = 0;
        private boolean done = false;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkRemaining == 0) {
                String sizeLine = line();
                int semi = sizeLine.indexOf(';');
                String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
                chunkRemaining = Long.parseLong(hex, 16);
                if (chunkRemaining == 0) {
                    // trailers up to the empty line
                    while (!line().isEmpty()) {
                        // skip trailer
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkRemaining));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk (chunked body not terminated)");
            }
            chunkRemaining -= n;
            if (chunkRemaining == 0) {
                String crlf = line();
                if (!crlf.isEmpty()) {
                    throw new IOException("bad chunk terminator: " + crlf);
                }
            }
            return n;
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    int len = s.length();
                    if (len > 0 && s.charAt(len - 1) == '\r') {
                        s.setLength(len - 1);
                    }
                    return s.toString();
                }
                s.append((char) c);
            }
            throw new EOFException("connection closed before the last chunk (chunked body not terminated)");
        }
    }
}
