package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Application responses that break the contract — status lines, header names and values (CR,
 * LF, NUL, non-ASCII, empty, hop-by-hop, null), body chunk types, Content-Length that lies either
 * way or is malformed, start called twice, write() before start, 204/304/HEAD with a body — in
 * embedded ({@code /e}) and daemon ({@code /d}) mode.
 *
 * <p>Each case is sent as a pipelined pair on one connection: the case (keep-alive), then
 * {@code case=second} (Connection: close). The raw bytes are checked: the case's answer is a 500
 * or its documented behaviour, with a numbered log line saying why; every header line of every
 * head is a well-formed {@code token: value} line; no injected header line ({@code X-Injected})
 * appears anywhere; and after the first response comes either the end of the connection (a
 * response cut short closes it) or exactly the second response, intact — never bytes of the first
 * response read as a second one.
 *
 * <p>A body cut short (Content-Length larger than the body, a failure after the head) must never
 * look complete: the client gets a truncated response and a closed connection, or — when none of
 * it had reached the network yet — a complete 5xx page instead.
 */
@ExtendWith(DumpLogOnFailure.class)
class BadInputResponseTest {
    static final Pattern HEADER_LINE = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+:[ \\t]*[^\\r\\n\\x00]*");
    static ApacheServer server;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("badinput-response");
        Path app = server.installApp("faultresponse.java", "resp");
        server.config("""
                JvmDaemonProcess br processes=1 threads=8
                JvmScriptAlias /e %s
                JvmScriptAlias /d %s process-group=br
                """.formatted(app, app)).start();
        Daemons.awaitPids(server, "br", 1, Duration.ofSeconds(15));
        for (String m : List.of("/e", "/d")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (RawHttp.get(server.port(), m + "?case=second").status() != 200) {
                assertTrue(System.nanoTime() < deadline, m + " does not answer");
                ApacheServer.sleep(200);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** 4 hex digits per char. */
    static String hex(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(String.format("%04x", (int) c));
        }
        return b.toString();
    }

    /** What the first response must be. */
    enum Expect {
        /** 500, nothing of the application's head or body. */
        ERROR,
        /** The given status with the application's head and body APPBODY. */
        OK,
        /** The given status with the application's head and no body bytes at all. */
        NO_BODY,
        /** Head sent, body cut short: the connection closes without a complete body. */
        TRUNCATED,
        /** Special checks in the case itself (see {@link #check}). */
        CUSTOM
    }

    record Case(String name, String query, String method, Expect expect, int status, String log) {
    }

    static Case c(String name, String query, Expect expect, int status, String log) {
        return new Case(name, query, "GET", expect, status, log);
    }

    static List<Case> cases() {
        List<Case> l = new ArrayList<>();
        String statusLog = "JVM01100: java\\.lang\\.IllegalArgumentException: status";
        // status lines
        for (String st : List.of("200", "200 ", "200OK", "099 Low", "100 Continue", "199 Info", "600 Too High", "20 OK",
                "2000 OK", "abc OK", "", "200 OK\r\nX-Injected: 1", "200 O\nK", "200 OK\0", "200 \u0100ber")) {
            l.add(c("status " + printable(st), "case=status&v=" + hex(st), Expect.ERROR, 500, statusLog));
        }
        l.add(c("status 599 Anything", "case=status&v=" + hex("599 Anything"), Expect.OK, 599, null));
        l.add(c("status with a Latin-1 reason", "case=status&v=" + hex("200 Caf\u00e9"), Expect.CUSTOM, 200, null));
        l.add(c("status with a TAB in the reason", "case=status&v=" + hex("201 Created\tnow"), Expect.OK, 201, null));
        // header names
        String nameLog = "JVM01100: java\\.lang\\.IllegalArgumentException: header name";
        for (String n : List.of("", "Bad Name", "X\r\nX-Injected: 1", "X-Injected: 1\r\nY", "X\u00e9", "X\0", "(paren)", "X\u0100")) {
            l.add(c("header name " + printable(n), "case=hname&v=" + hex(n), Expect.ERROR, 500, nameLog));
        }
        l.add(c("header name with every token char", "case=hname&v=" + hex("X!#$%&'*+-.^_`|~Z"), Expect.CUSTOM, 200, null));
        // header values
        String valueLog = "JVM01100: java\\.lang\\.IllegalArgumentException: header X-Test has";
        for (String v : List.of("a\r\nX-Injected: 1", "a\rX-Injected: 1", "a\nX-Injected: 1", "a\0b", "\u20ac", "\u007f", "\u0001",
                "a\r\n\r\nHTTP/1.1 200 OK\r\nX-Injected: 1\r\n\r\n", "\u0085", "x\u2028y")) {
            l.add(c("header value " + printable(v), "case=hvalue&v=" + hex(v), Expect.ERROR, 500, valueLog));
        }
        l.add(c("header value Latin-1", "case=hvalue&v=" + hex("caf\u00e9"), Expect.CUSTOM, 200, null));
        l.add(c("header value with a TAB", "case=hvalue&v=" + hex("a\tb"), Expect.CUSTOM, 200, null));
        l.add(c("header value empty", "case=hvalue&v=", Expect.CUSTOM, 200, null));
        // hop-by-hop
        for (String h : List.of("Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
                "tRaNsFeR-eNcOdInG", "Upgrade")) {
            l.add(c("hop-by-hop " + h, "case=hname&v=" + hex(h), Expect.ERROR, 500,
                    "JVM01100: java\\.lang\\.IllegalArgumentException: header (?i)" + h));
        }
        // nulls
        l.add(c("null header name", "case=hnullname", Expect.ERROR, 500, "JVM01100: .*IllegalArgumentException: header name must not be null"));
        l.add(c("null header value", "case=hnullvalue", Expect.ERROR, 500, "JVM01100: .*IllegalArgumentException: header X-Test has a null value"));
        l.add(c("null header list", "case=hnulllist", Expect.ERROR, 500, "JVM01100: .*IllegalArgumentException: headers must not be null"));
        l.add(c("null header entry", "case=hnullentry", Expect.ERROR, 500, "JVM01100: .*IllegalArgumentException: header \\d+ is null"));
        // Content-Length
        String clLog = "JVM00031: invalid response from the application .*Content-Length";
        for (String v : List.of("abc", "-1", "0x10", "99999999999999999999", "5 5", "")) {
            l.add(c("Content-Length " + printable(v), "case=cl&n=5&v=" + hex(v), Expect.ERROR, 500, clLog));
        }
        l.add(c("Content-Length +5 / leading space", "case=cl&n=5&v=" + hex("+5"), Expect.CUSTOM, 200, null));
        l.add(c("Content-Length with a leading space", "case=cl&n=5&v=" + hex(" 5"), Expect.CUSTOM, 200, null));
        l.add(c("Content-Length twice, different", "case=cl2&a=5&b=6&n=5", Expect.ERROR, 500, "JVM00031: .*two different Content-Length"));
        l.add(c("Content-Length twice, the same", "case=cl2&a=5&b=5&n=5", Expect.CUSTOM, 200, null));
        l.add(c("Content-Length larger than the body", "case=cl&n=10&v=" + hex("100"), Expect.TRUNCATED, 200,
                "JVM00033: the application .* sent 10 bytes but its Content-Length is 100"));
        l.add(c("Content-Length smaller than the body", "case=cl&n=20&v=" + hex("5"), Expect.CUSTOM, 200,
                "JVM00032: the application .* sent more than its Content-Length of 5"));
        // body chunks
        for (String[] t : new String[][] {{"string", "java\\.lang\\.String"}, {"null", "null"}, {"integer", "java\\.lang\\.Integer"},
                {"chars", "\\[C|char"}}) {
            l.add(c("chunk " + t[0], "case=chunk&type=" + t[0], Expect.ERROR, 500, "JVM01101: .*body chunk .*(" + t[1] + ")"));
        }
        for (String t : List.of("readonly", "direct", "heap")) {
            l.add(c("chunk ByteBuffer " + t, "case=chunk&type=" + t, Expect.OK, 200, null));
        }
        l.add(c("only empty chunks", "case=chunk&type=emptyonly", Expect.NO_BODY, 200, null));
        l.add(c("bad chunk after the head was sent", "case=chunk&type=badafter", Expect.TRUNCATED, 200,
                "JVM01101: .*body chunk of type java\\.lang\\.String"));
        // start_response / write misuse
        l.add(c("start twice", "case=starttwice", Expect.ERROR, 500,
                "JVM01100: java\\.lang\\.IllegalStateException: start_response called a second time"));
        l.add(c("write before start", "case=writebefore", Expect.ERROR, 500, "JVM0110[01]: .*start_response"));
        l.add(c("start with excInfo after the head was sent", "case=lateexc", Expect.TRUNCATED, 200,
                "JVM01100: java\\.lang\\.IllegalStateException: late failure"));
        // statuses without a body, HEAD
        l.add(c("204 with a body", "case=nobody&v=" + hex("204 No Content"), Expect.NO_BODY, 204, null));
        l.add(c("304 with a body", "case=nobody&v=" + hex("304 Not Modified"), Expect.NO_BODY, 304, null));
        l.add(new Case("HEAD with a body", "case=chunk&type=heap", "HEAD", Expect.NO_BODY, 200, null));
        return l;
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char ch : s.toCharArray()) {
            b.append(ch >= 0x20 && ch < 0x7f ? String.valueOf(ch) : String.format("\\u%04x", (int) ch));
        }
        return b.append("'").toString();
    }

    static Stream<Arguments> matrix() {
        return Stream.of("/e", "/d").flatMap(m -> cases().stream().map(k -> Arguments.of(m.equals("/e") ? "embedded" : "daemon",
                k.name(), m, k)));
    }

    // ------------------------------------------------------------------ raw HTTP

    /** One parsed response from raw bytes. */
    record Parsed(String statusLine, int status, List<String> headerLines, byte[] body, boolean complete, int end) {
        String header(String name) {
            for (String h : headerLines) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).equalsIgnoreCase(name)) {
                    return h.substring(colon + 1).strip();
                }
            }
            return null;
        }

        List<String> headers(String name) {
            List<String> out = new ArrayList<>();
            for (String h : headerLines) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).equalsIgnoreCase(name)) {
                    out.add(h.substring(colon + 1).strip());
                }
            }
            return out;
        }
    }

    static int indexOf(byte[] b, byte[] what, int from) {
        outer:
        for (int i = from; i <= b.length - what.length; i++) {
            for (int k = 0; k < what.length; k++) {
                if (b[i + k] != what[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Parses the response starting at {@code off}; the head must be complete. */
    static Parsed parse(byte[] b, int off, boolean noBody, String what) {
        int headEnd = indexOf(b, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), off);
        assertTrue(headEnd >= 0, () -> what + ": no complete response head in:\n" + latin1(b, off, b.length));
        String head = latin1(b, off, headEnd);
        String[] lines = head.split("\r\n", -1);
        String statusLine = lines[0];
        assertTrue(statusLine.matches("HTTP/1\\.1 \\d{3} [^\\r\\n\\x00]*"), () -> what + ": bad status line " + printable(statusLine));
        List<String> headerLines = new ArrayList<>(List.of(lines).subList(1, lines.length));
        for (String h : headerLines) {
            assertTrue(HEADER_LINE.matcher(h).matches(), () -> what + ": malformed header line " + printable(h) + " in\n" + head);
            assertFalse(h.regionMatches(true, 0, "X-Injected", 0, 10), () -> what + ": an injected header line: " + head);
            assertFalse(h.regionMatches(true, 0, "X-Smuggled", 0, 10), () -> what + ": an injected header line: " + head);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int pos = headEnd + 4;
        Parsed p = new Parsed(statusLine, status, headerLines, new byte[0], true, pos);
        if (noBody || status == 204 || status == 304) {
            return p;
        }
        String te = p.header("Transfer-Encoding");
        String cl = p.header("Content-Length");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                int lineEnd = indexOf(b, "\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
                if (lineEnd < 0) {
                    return new Parsed(statusLine, status, headerLines, body.toByteArray(), false, b.length);
                }
                String size = latin1(b, pos, lineEnd);
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                pos = lineEnd + 2;
                if (n == 0) {
                    int trailerEnd = indexOf(b, "\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
                    if (trailerEnd != pos) {
                        return new Parsed(statusLine, status, headerLines, body.toByteArray(), false, b.length);
                    }
                    return new Parsed(statusLine, status, headerLines, body.toByteArray(), true, pos + 2);
                }
                if (pos + n + 2 > b.length) {
                    body.write(b, pos, Math.max(0, Math.min(n, b.length - pos)));
                    return new Parsed(statusLine, status, headerLines, body.toByteArray(), false, b.length);
                }
                body.write(b, pos, n);
                pos += n + 2;
            }
        }
        if (cl != null) {
            assertTrue(cl.matches("\\d+"), () -> what + ": Content-Length must be digits only, got " + printable(cl));
            long n = Long.parseLong(cl);
            if (pos + n > b.length) {
                body.write(b, pos, b.length - pos);
                return new Parsed(statusLine, status, headerLines, body.toByteArray(), false, b.length);
            }
            body.write(b, pos, (int) n);
            return new Parsed(statusLine, status, headerLines, body.toByteArray(), true, pos + (int) n);
        }
        body.write(b, pos, b.length - pos); // delimited by close
        return new Parsed(statusLine, status, headerLines, body.toByteArray(), true, b.length);
    }

    static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** Sends the case and case=second pipelined on one connection; returns every byte until EOF. */
    static byte[] pipelined(String mount, Case k) {
        try (RawHttp c = RawHttp.connect(server.port())) {
            String host = "Host: 127.0.0.1:" + server.port() + "\r\n";
            String req = k.method() + " " + mount + "?" + k.query() + " HTTP/1.1\r\n" + host + "\r\n"
                    + "GET " + mount + "?case=second HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n";
            c.send(req);
            c.socket().setSoTimeout(30_000);
            InputStream in = c.socket().getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    all.write(buf, 0, n);
                }
            } catch (java.net.SocketException reset) {
                // a connection the server aborts may end with a reset: what arrived is what counts
            }
            return all.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ the test

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("matrix")
    void badResponse(String mode, String name, String mount, Case k) {
        String what = mode + " " + name;
        long mark = server.errorLogMark();
        byte[] raw = pipelined(mount, k);
        String rawText = latin1(raw, 0, raw.length);
        assertFalse(Pattern.compile("(?im)^X-Injected:").matcher(rawText).find(), () -> what + ": injected header line in:\n" + rawText);
        Parsed first = parse(raw, 0, k.method().equals("HEAD"), what);
        check(what, k, first, rawText);
        // after the first response: the end of the connection, or exactly the second response
        if (first.end() < raw.length && first.complete()) {
            Parsed second = parse(raw, first.end(), false, what + " (second response)");
            assertEquals(200, second.status(), () -> what + ": the pipelined second request:\n" + rawText);
            assertEquals("ok second", new String(second.body(), StandardCharsets.ISO_8859_1),
                    () -> what + ": the second response is intact:\n" + rawText);
            assertEquals(raw.length, second.end(), () -> what + ": nothing after the second response:\n" + rawText);
        } else if (k.expect() != Expect.TRUNCATED) {
            assertTrue(first.complete(), () -> what + ": the first response is complete:\n" + rawText);
        }
        if (k.log() != null) {
            String log = server.awaitErrorLog(mark, k.log(), Duration.ofSeconds(10));
            FaultHarnessTest.assertLogSays(what, log, k.log());
        }
    }

    static void check(String what, Case k, Parsed r, String raw) {
        String body = new String(r.body(), StandardCharsets.ISO_8859_1);
        switch (k.expect()) {
            case ERROR -> {
                assertEquals(500, r.status(), () -> what + ": must be a 500:\n" + raw);
                assertNull(r.header("X-App-Marker"), () -> what + ": nothing of the application's head:\n" + raw);
                assertFalse(body.contains("APPBODY"), () -> what + ": nothing of the application's body:\n" + raw);
                assertTrue(r.complete(), () -> what + ": a complete 500 page:\n" + raw);
            }
            case OK -> {
                assertEquals(k.status(), r.status(), () -> what + ":\n" + raw);
                assertEquals("yes", r.header("X-App-Marker"), () -> what + ":\n" + raw);
                assertEquals("APPBODY", body, () -> what + ":\n" + raw);
            }
            case NO_BODY -> {
                assertEquals(k.status(), r.status(), () -> what + ":\n" + raw);
                assertEquals("yes", r.header("X-App-Marker"), () -> what + ":\n" + raw);
                assertEquals(0, r.body().length, () -> what + ": no body bytes:\n" + raw);
            }
            case TRUNCATED -> {
                if (r.status() >= 500 && r.header("X-App-Marker") == null) {
                    // nothing of it had reached the network yet: a complete error page in its place is
                    // no wrong answer either (docs say "truncated"; both are safe for the client)
                    assertFalse(body.contains("APPBODY") || body.contains("bbbbbbbbbb"), () -> what + ": " + raw);
                    assertTrue(r.complete(), () -> what + ": " + raw);
                    break;
                }
                assertEquals(k.status(), r.status(), () -> what + ":\n" + raw);
                assertFalse(r.complete(), () -> what + ": the body must be cut short (the client must see a broken"
                        + " response, not a complete short one):\n" + raw);
                assertFalse(raw.contains("ok second"), () -> what + ": the connection closes after a broken response:\n" + raw);
            }
            case CUSTOM -> custom(what, k, r, body, raw);
            default -> throw new AssertionError(k.expect());
        }
    }

    static void custom(String what, Case k, Parsed r, String body, String raw) {
        assertEquals(k.status(), r.status(), () -> what + ":\n" + raw);
        switch (k.name()) {
            case "status with a Latin-1 reason" -> assertEquals("HTTP/1.1 200 Caf\u00e9", r.statusLine(), () -> what + ": " + raw);
            case "header name with every token char" -> assertNotNull(r.header("X!#$%&'*+-.^_`|~Z"), () -> what + ": " + raw);
            case "header value Latin-1" -> assertEquals("caf\u00e9", r.header("X-Test"), () -> what + ": the raw byte 0xE9: " + raw);
            case "header value with a TAB" -> assertEquals("a\tb", r.header("X-Test"), () -> what + ": " + raw);
            case "header value empty" -> assertTrue(r.headerLines().stream().anyMatch(h -> h.matches("X-Test:\\s*")), () -> what + ": " + raw);
            case "Content-Length +5 / leading space", "Content-Length with a leading space", "Content-Length twice, the same" -> {
                // parse() checked that the Content-Length the client sees is digits only
                assertEquals(1, r.headers("Content-Length").size(), () -> what + ": one Content-Length: " + raw);
                assertEquals("5", r.header("Content-Length"), () -> what + ": " + raw);
                assertArrayEquals("bbbbb".getBytes(StandardCharsets.ISO_8859_1), r.body(), () -> what + ": " + raw);
            }
            case "Content-Length smaller than the body" -> {
                assertEquals("5", r.header("Content-Length"), () -> what + ": " + raw);
                assertEquals("bbbbb", body, () -> what + ": exactly the promised bytes: " + raw);
            }
            default -> throw new AssertionError("no custom check for " + k.name());
        }
    }
}
