package org.modjvm.runtime.core;

import java.util.List;
import java.util.Map;
import org.modjvm.runtime.wire.Frames;

/**
 * A validated status and header list, as given to {@code start_response}, and its encoding
 * for the C module. Validation happens here so the application gets an
 * {@link IllegalArgumentException} at the call that is wrong, with a message saying why.
 */
public final class ResponseHead {
    private static final String[] NO_STRINGS = {};

    final int statusCode;
    final String statusLine;
    private final String[] names;
    private final String[] values;
    private final int count;

    private ResponseHead(int statusCode, String statusLine, String[] names, String[] values, int count) {
        this.statusCode = statusCode;
        this.statusLine = statusLine;
        this.names = names;
        this.values = values;
        this.count = count;
    }

    /**
     * Why the header {@code name: value} cannot be sent, or {@code null} if it can: the rules
     * {@code start_response} applies (RFC 9110 token name, no CR/LF/NUL or other controls in the
     * value, no hop-by-hop header), for engines that build the head themselves.
     */
    public static String problem(String name, String value) {
        try {
            checkName(name);
            checkValue(name, value);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static ResponseHead of(String status, List<Map.Entry<String, String>> headers) {
        int code = statusCode(status);
        if (headers == null) {
            throw new IllegalArgumentException("headers must not be null (use List.of() for none)");
        }
        int size = headers.size();
        String[] names = size == 0 ? NO_STRINGS : new String[size];
        String[] values = size == 0 ? NO_STRINGS : new String[size];
        int count = 0;
        for (Map.Entry<String, String> header : headers) {
            if (count == size) {
                throw new IllegalArgumentException("headers list changed while it was read");
            }
            if (header == null) {
                throw new IllegalArgumentException("header " + count + " is null");
            }
            String name = header.getKey();
            String value = header.getValue();
            checkName(name);
            checkValue(name, value);
            names[count] = name;
            values[count] = value;
            count++;
        }
        return new ResponseHead(code, status, names, values, count);
    }

    byte[] encode() {
        return Frames.encodeHead(statusCode, statusLine, names, values, count);
    }

    int headerCount() {
        return count;
    }

    String name(int index) {
        return names[index];
    }

    String value(int index) {
        return values[index];
    }

    /**
     * Status: three digits (200–599: a 1xx is not a final response), one space, then a
     * non-empty reason phrase of printable ISO-8859-1 characters (TAB and space allowed).
     */
    static int statusCode(String status) {
        if (status == null) {
            throw new IllegalArgumentException("status must not be null (e.g. \"200 OK\")");
        }
        if (status.length() < 5 || !isDigit(status.charAt(0)) || !isDigit(status.charAt(1))
                || !isDigit(status.charAt(2)) || status.charAt(3) != ' ') {
            throw new IllegalArgumentException("status " + quote(status)
                    + " is not \"ddd reason\": three digits, a space and a reason phrase, e.g. \"200 OK\"");
        }
        int code = (status.charAt(0) - '0') * 100 + (status.charAt(1) - '0') * 10 + (status.charAt(2) - '0');
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("status " + quote(status) + ": the code must be 200 to 599");
        }
        for (int i = 4; i < status.length(); i++) {
            char c = status.charAt(i);
            if (!isFieldChar(c)) {
                throw new IllegalArgumentException("status " + quote(status) + " has " + describe(c)
                        + " at index " + i + ": the reason phrase must be printable ISO-8859-1 text");
            }
        }
        return code;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("header name must not be " + (name == null ? "null" : "empty"));
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("header name " + quote(name) + " has " + describe(name.charAt(i))
                        + ": names are RFC 7230 tokens (letters, digits and !#$%&'*+-.^_`|~)");
            }
        }
        if (isHopByHop(name)) {
            throw new IllegalArgumentException("header " + name
                    + " is hop-by-hop: Apache manages the connection, applications must not set it");
        }
    }

    private static void checkValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("header " + name + " has a null value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isFieldChar(c)) {
                throw new IllegalArgumentException("header " + name + " has " + describe(c) + " at index " + i
                        + " of its value: values must not contain CR, LF, NUL or other control characters,"
                        + " and only ISO-8859-1 characters (encode others, e.g. RFC 8187)");
            }
        }
    }

    /**
     * HTAB, SP, VCHAR and obs-text of RFC 7230 without the C1 controls (0xA0–0xFF); DEL, C0 and
     * C1 controls are not allowed (U+0085 NEL is a line break to some clients).
     */
    private static boolean isFieldChar(char c) {
        return c == '\t' || (c >= 0x20 && c < 0x7F) || (c >= 0xA0 && c <= 0xFF);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** RFC 7230 tchar: letters, digits and these. */
    private static final boolean[] TOKEN_CHARS = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN_CHARS[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN_CHARS[c] = true;
            TOKEN_CHARS[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN_CHARS[c] = true;
        }
    }

    private static boolean isTokenChar(char c) {
        return c < 128 && TOKEN_CHARS[c];
    }

    static boolean isHopByHop(String name) {
        switch (name.length()) {
            case 2:
                return name.equalsIgnoreCase("TE");
            case 7:
                return name.equalsIgnoreCase("Trailer") || name.equalsIgnoreCase("Upgrade");
            case 10:
                return name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive");
            case 17:
                return name.equalsIgnoreCase("Transfer-Encoding");
            case 18:
                return name.equalsIgnoreCase("Proxy-Authenticate");
            case 19:
                return name.equalsIgnoreCase("Proxy-Authorization");
            default:
                return false;
        }
    }

    private static String describe(char c) {
        switch (c) {
            case '\r': return "a CR";
            case '\n': return "a LF";
            case 0: return "a NUL";
            default:
                return c > 0xFF ? "the non-ISO-8859-1 character U+" + String.format("%04X", (int) c)
                        : "the character 0x" + Integer.toHexString(c);
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + '"';
    }
}
