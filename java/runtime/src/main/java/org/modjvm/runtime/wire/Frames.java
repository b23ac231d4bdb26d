package org.modjvm.runtime.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The byte formats shared with the C module (docs/internals.md, "Frames"): little-endian
 * integers, key/value blocks of ISO-8859-1 strings, the request frame and the response head.
 */
public final class Frames {
    static final int REQUEST_MAGIC = 0x4D4A5631; // "MJV1"
    public static final int FLAG_RELOADING = 1;
    public static final int FLAG_HAS_BODY = 2;
    /** A HEAD request (Apache's r->header_only): Apache sends no body, whatever it is given. */
    public static final int FLAG_HEADER_ONLY = 4;
    /**
     * SCRIPT_FILENAME is a web application (a servlet engine serves it): the request headers come
     * as they arrived, in {@code mod_jvm.headers}, instead of as HTTP_* variables.
     */
    public static final int FLAG_WEB_APPLICATION = 8;
    /** magic, flags, scriptMtime, scriptSize */
    static final int REQUEST_HEADER_LENGTH = 4 + 4 + 8 + 8;

    private Frames() {
    }

    /** Little-endian views of byte arrays: one bounds check and one load per integer. */
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    public static int readInt(byte[] bytes, int at) {
        return (int) INT.get(bytes, at);
    }

    static long readLong(byte[] bytes, int at) {
        return (long) LONG.get(bytes, at);
    }

    static void writeInt(byte[] bytes, int at, int value) {
        INT.set(bytes, at, value);
    }

    /**
     * Decodes a request frame. The environ map is sized for the frame's variables plus
     * {@code extraEntries} (the {@code jvm.*} keys the caller adds), so it never rehashes.
     *
     * @throws IllegalArgumentException if the frame is malformed
     */
    static RequestFrame decodeRequest(byte[] frame, int length, int extraEntries) {
        return decodeRequest(frame, length, extraEntries, null);
    }

    /** @param strings the worker's memory of recent environ strings, or {@code null} */
    public static RequestFrame decodeRequest(byte[] frame, int length, int extraEntries, EnvironStrings strings) {
        if (length < REQUEST_HEADER_LENGTH + 4 || length > frame.length) {
            throw new IllegalArgumentException("request frame of " + length + " bytes is too short");
        }
        int magic = readInt(frame, 0);
        if (magic != REQUEST_MAGIC) {
            throw new IllegalArgumentException("request frame has magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(REQUEST_MAGIC));
        }
        int flags = readInt(frame, 4);
        long mtime = readLong(frame, 8);
        long size = readLong(frame, 16);
        int count = checkedCount(frame, REQUEST_HEADER_LENGTH, length);
        HashMap<String, Object> environ = new HashMap<>(capacityFor(count + extraEntries));
        int end = readKeyValues(frame, REQUEST_HEADER_LENGTH, length, count, environ, strings);
        if (end != length) {
            throw new IllegalArgumentException("request frame has " + (length - end) + " bytes after its environ");
        }
        return new RequestFrame(flags, mtime, size, environ);
    }

    /** Decodes the config frame given to {@code Bootstrap.init}: one key/value block. */
    public static Map<String, String> decodeConfig(ByteBuffer config) {
        ByteBuffer buffer = config.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        buffer.position(0);
        byte[] bytes = new byte[buffer.limit()];
        buffer.get(bytes);
        int count = checkedCount(bytes, 0, bytes.length);
        HashMap<String, String> values = new HashMap<>(capacityFor(count));
        readKeyValues(bytes, 0, bytes.length, count, values, null);
        return values;
    }

    /** A HashMap capacity that holds {@code entries} without resizing (load factor 0.75). */
    static int capacityFor(int entries) {
        return entries + entries / 3 + 1;
    }

    private static int checkedCount(byte[] bytes, int at, int end) {
        if (end - at < 4) {
            throw new IllegalArgumentException("key/value block is truncated");
        }
        int count = readInt(bytes, at);
        // every entry takes at least 8 bytes: rejects absurd counts before allocating for them
        if (count < 0 || count > (end - at - 4) / 8) {
            throw new IllegalArgumentException("key/value block claims " + Integer.toUnsignedString(count)
                    + " entries in " + (end - at) + " bytes");
        }
        return count;
    }

    @SuppressWarnings("unchecked")
    private static int readKeyValues(byte[] bytes, int at, int end, int count, Map<String, ?> target,
                                     EnvironStrings strings) {
        Map<String, Object> out = (Map<String, Object>) target;
        int position = at + 4;
        for (int i = 0; i < count; i++) {
            int keyLength = checkedLength(bytes, position, end);
            String key = strings != null ? strings.get(2 * i, bytes, position + 4, keyLength)
                    : new String(bytes, position + 4, keyLength, StandardCharsets.ISO_8859_1);
            position += 4 + keyLength;
            int valueLength = checkedLength(bytes, position, end);
            String value = strings != null ? strings.get(2 * i + 1, bytes, position + 4, valueLength)
                    : new String(bytes, position + 4, valueLength, StandardCharsets.ISO_8859_1);
            position += 4 + valueLength;
            out.put(key, value);
        }
        return position;
    }

    private static int checkedLength(byte[] bytes, int at, int end) {
        if (end - at < 4) {
            throw new IllegalArgumentException("key/value block is truncated");
        }
        int length = readInt(bytes, at);
        if (length < 0 || length > end - at - 4) {
            throw new IllegalArgumentException("key/value entry of " + Integer.toUnsignedString(length)
                    + " bytes overruns the frame");
        }
        return length;
    }

    /**
     * Encodes a response head: u32 status, u32 length + status line, kv headers. The strings
     * were validated to hold only chars up to 0xFF, so each char is one byte.
     */
    public static byte[] encodeHead(int statusCode, String statusLine, String[] names, String[] values, int count) {
        int size = 4 + 4 + statusLine.length() + 4;
        for (int i = 0; i < count; i++) {
            size += 8 + names[i].length() + values[i].length();
        }
        byte[] head = new byte[size];
        writeInt(head, 0, statusCode);
        int position = putString(head, 4, statusLine);
        writeInt(head, position, count);
        position += 4;
        for (int i = 0; i < count; i++) {
            position = putString(head, position, names[i]);
            position = putString(head, position, values[i]);
        }
        return head;
    }

    private static int putString(byte[] out, int at, String value) {
        int length = value.length();
        writeInt(out, at, length);
        at += 4;
        for (int i = 0; i < length; i++) {
            out[at + i] = (byte) value.charAt(i);
        }
        return at + length;
    }
}
