package org.modjvm.webapps.plain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The small helpers the servlets share: key=value lines, SHA-256, the generated body pattern. */
final class Text {
    /**
     * The bytes the generated bodies repeat (/large, /nio-write): 64 printable bytes ending in a
     * newline, so a client checks any length without holding it (byte i is PATTERN[i % 64]).
     */
    static final byte[] PATTERN = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Text() {
    }

    /** One {@code key=value} line; null is written {@code (null)}, control characters escaped. */
    static void line(StringBuilder out, String key, Object value) {
        out.append(key).append('=').append(value == null ? "(null)" : escape(String.valueOf(value))).append('\n');
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }

    /** A non-negative long request parameter, or the default when absent. */
    static long longParam(jakarta.servlet.http.HttpServletRequest req, String name, long dflt) {
        String v = req.getParameter(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        long n = Long.parseLong(v);
        if (n < 0) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
        return n;
    }

    /** Fills {@code buf} with the pattern as it continues at absolute offset {@code offset}. */
    static void fill(byte[] buf, long offset) {
        for (int i = 0; i < buf.length; i++) {
            buf[i] = PATTERN[(int) ((offset + i) % PATTERN.length)];
        }
    }
}
