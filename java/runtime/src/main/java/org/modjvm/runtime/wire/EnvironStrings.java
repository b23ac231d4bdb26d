package org.modjvm.runtime.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Per-worker memory of the environ strings of the previous request, by position in the frame.
 * C sends mostly the same variables in the same order with many of the same values
 * (SERVER_NAME, DOCUMENT_ROOT, HTTP_HOST …): comparing bytes is cheaper than a new String,
 * and a reused String also keeps its cached hash code for the HashMap. A miss costs one
 * comparison and a copy. Strings are immutable, so sharing them between requests is safe.
 */
public final class EnvironStrings {
    private static final int SLOTS = 128;
    /** Longer values (cookies, long URLs) are not remembered: they rarely repeat. */
    private static final int MAX_REMEMBERED = 256;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];

    /** The string of {@code length} bytes at {@code offset}, remembered in {@code slot}. */
    String get(int slot, byte[] frame, int offset, int length) {
        if (slot >= SLOTS || length > MAX_REMEMBERED) {
            return new String(frame, offset, length, StandardCharsets.ISO_8859_1);
        }
        byte[] known = bytes[slot];
        if (known != null && known.length == length && Arrays.equals(known, 0, length, frame, offset, offset + length)) {
            return strings[slot];
        }
        String fresh = new String(frame, offset, length, StandardCharsets.ISO_8859_1);
        bytes[slot] = Arrays.copyOfRange(frame, offset, offset + length);
        strings[slot] = fresh;
        return fresh;
    }
}
