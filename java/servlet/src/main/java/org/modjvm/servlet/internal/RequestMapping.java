package org.modjvm.servlet.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import org.apache.coyote.Request;
import org.apache.tomcat.util.buf.ByteChunk;
import org.apache.tomcat.util.http.MimeHeaders;
import org.apache.tomcat.util.net.SSLSupport;
import org.modjvm.runtime.web.WebRequest;

/**
 * Fills a Coyote request from the frame Apache sent, as Tomcat's AJP connector fills it from
 * what mod_proxy_ajp forwards: method, protocol, the raw request URI and query string, the
 * headers as they arrived, client and local addresses and ports, scheme, the user Apache
 * authenticated and the TLS facts. Where AJP and Apache's own view differ, Apache's wins:
 * the server name and port are Apache's SERVER_NAME and SERVER_PORT (its UseCanonicalName
 * rules), as a script sees them. Frame strings are ISO-8859-1: a byte per char, so every value
 * reaches Tomcat as the bytes Apache had.
 */
final class RequestMapping {
    private RequestMapping() {
    }

    /** @return false if the frame cannot make a request (Tomcat would answer 400) */
    static boolean fill(Request request, WebRequest webRequest, ByteChunk certificates) {
        HashMap<String, Object> environ = webRequest.frame().environ();
        String method = string(environ, "REQUEST_METHOD");
        String uri = string(environ, "REQUEST_URI");
        if (method == null || uri == null) {
            return false;
        }
        request.setMethod(method);
        request.protocol().setString(string(environ, "SERVER_PROTOCOL", "HTTP/1.1"));
        int query = uri.indexOf('?');
        String path = originForm(query < 0 ? uri : uri.substring(0, query));
        byte[] pathBytes = bytes(path);
        request.requestURI().setBytes(pathBytes, 0, pathBytes.length);
        String queryString = string(environ, "QUERY_STRING", "");
        if (query >= 0 || !queryString.isEmpty()) {
            request.queryString().setString(queryString);
        }
        String remoteAddr = string(environ, "REMOTE_ADDR", "");
        request.remoteAddr().setString(remoteAddr);
        request.peerAddr().setString(remoteAddr);
        request.remoteHost().setString(string(environ, "REMOTE_HOST", remoteAddr));
        request.setRemotePort(integer(environ, "REMOTE_PORT", 0));
        String serverName = string(environ, "SERVER_NAME", "localhost");
        request.localName().setString(serverName);
        request.localAddr().setString(string(environ, "SERVER_ADDR", ""));
        request.setLocalPort(integer(environ, "mod_jvm.local_port", 0));
        request.serverName().setString(serverName);
        if (secure(environ)) {
            request.scheme().setString("https");
        } else {
            request.scheme().setString("http");
        }
        request.setServerPort(integer(environ, "SERVER_PORT", secure(environ) ? 443 : 80));
        if (!headers(request, string(environ, "mod_jvm.headers", ""))) {
            return false;
        }
        String contentLength = string(environ, "CONTENT_LENGTH");
        if (contentLength != null && !contentLength.isEmpty()) {
            try {
                request.setContentLength(Long.parseLong(contentLength));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        String contentType = string(environ, "CONTENT_TYPE");
        if (contentType != null) {
            request.contentType().setString(contentType);
        }
        String user = string(environ, "REMOTE_USER");
        if (user != null && !user.isEmpty()) {
            // Apache authenticated the request (mod_jk's and mod_proxy_ajp's tomcatAuthentication="false")
            request.getRemoteUser().setString(user);
            String authType = string(environ, "AUTH_TYPE");
            if (authType != null) {
                request.getAuthType().setString(authType);
            }
        }
        tls(request, environ, certificates);
        return true;
    }

    /**
     * The path of a request target in absolute form ({@code GET http://host:port/path HTTP/1.1},
     * RFC 9112 3.2.2), which Apache accepts and passes on as the client wrote it: without the
     * scheme and authority, as Tomcat's HTTP connector keeps it ("/" when there is no path).
     * Apache has already taken the host from it. A path in origin form is returned as it is.
     */
    static String originForm(String path) {
        if (path.startsWith("/")) {
            return path;
        }
        int authority;
        if (path.regionMatches(true, 0, "http://", 0, 7)) {
            authority = 7;
        } else if (path.regionMatches(true, 0, "https://", 0, 8)) {
            authority = 8;
        } else {
            return path; // not a URI Tomcat can map: it answers 400
        }
        int slash = path.indexOf('/', authority);
        return slash < 0 ? "/" : path.substring(slash);
    }

    private static boolean headers(Request request, String lines) {
        MimeHeaders headers = request.getMimeHeaders();
        // one array for the whole block, which each header's name and value point into (the
        // Coyote request keeps the reference until it is recycled): no array per header
        byte[] block = bytes(lines);
        int length = block.length;
        int start = 0;
        while (start < length) {
            int end = indexOf(block, (byte) '\n', start, length);
            int colon = indexOf(block, (byte) ':', start, end);
            if (colon == end) {
                return false;
            }
            int valueStart = colon + 1;
            if (valueStart < end && block[valueStart] == ' ') {
                valueStart++;
            }
            headers.addValue(block, start, colon - start).setBytes(block, valueStart, end - valueStart);
            start = end + 1;
        }
        return true;
    }

    /** The first {@code b} in {@code bytes[from, to)}, else {@code to}. */
    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return to;
    }

    private static void tls(Request request, HashMap<String, Object> environ, ByteChunk certificates) {
        String cipher = string(environ, "SSL_CIPHER");
        if (cipher == null) {
            return;
        }
        request.setAttribute(SSLSupport.CIPHER_SUITE_KEY, cipher);
        String keySize = string(environ, "SSL_CIPHER_USEKEYSIZE");
        if (keySize != null) {
            try {
                request.setAttribute(SSLSupport.KEY_SIZE_KEY, Integer.valueOf(keySize));
            } catch (NumberFormatException ignored) {
                // not a number: left out, as Tomcat leaves out what it cannot tell
            }
        }
        String session = string(environ, "SSL_SESSION_ID");
        if (session != null) {
            request.setAttribute(SSLSupport.SESSION_ID_KEY, session);
        }
        String protocol = string(environ, "SSL_PROTOCOL");
        if (protocol != null) {
            request.setAttribute(SSLSupport.SECURE_PROTOCOL_KEY, protocol);
        }
        String certificate = string(environ, "SSL_CLIENT_CERT");
        if (certificate != null) {
            byte[] pem = bytes(certificate);
            certificates.setBytes(pem, 0, pem.length); // parsed when asked for (populateSslRequestAttributes)
        }
    }

    static boolean secure(HashMap<String, Object> environ) {
        return "on".equalsIgnoreCase(string(environ, "HTTPS", "")) || "https".equals(string(environ, "REQUEST_SCHEME"));
    }

    /** "GET /shop/cart (web application /srv/shop.war)": for log lines. */
    static String describe(WebRequest request) {
        if (request == null) {
            return "(no request)";
        }
        HashMap<String, Object> environ = request.frame().environ();
        return string(environ, "REQUEST_METHOD", "?") + " " + string(environ, "REQUEST_URI", "?")
                + " (web application " + request.root() + ")";
    }

    private static String string(HashMap<String, Object> environ, String key) {
        Object value = environ.get(key);
        return value instanceof String ? (String) value : null;
    }

    private static String string(HashMap<String, Object> environ, String key, String fallback) {
        String value = string(environ, key);
        return value != null ? value : fallback;
    }

    private static int integer(HashMap<String, Object> environ, String key, int fallback) {
        String value = string(environ, key);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }
}
