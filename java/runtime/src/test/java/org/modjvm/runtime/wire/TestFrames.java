package org.modjvm.runtime.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Encodes frames byte for byte as native/jvm_frame.c does (docs/internals.md), and decodes heads. */
public final class TestFrames {
    private TestFrames() {
    }

    public static byte[] request(int flags, long mtime, long size, Map<String, String> environ) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, Frames.REQUEST_MAGIC);
        writeInt(out, flags);
        writeLong(out, mtime);
        writeLong(out, size);
        writeKeyValues(out, environ);
        return out.toByteArray();
    }

    public static ByteBuffer config(Map<String, String> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeKeyValues(out, values);
        byte[] bytes = out.toByteArray();
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes).flip();
        return direct;
    }

    static void writeKeyValues(ByteArrayOutputStream out, Map<String, String> values) {
        writeInt(out, values.size());
        for (Map.Entry<String, String> entry : values.entrySet()) {
            writeString(out, entry.getKey());
            writeString(out, entry.getValue());
        }
    }

    static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        writeInt(out, bytes.length);
        out.writeBytes(bytes);
    }

    static void writeInt(ByteArrayOutputStream out, int value) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }

    static void writeLong(ByteArrayOutputStream out, long value) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    /** A decoded response head. */
    public record Head(int status, String statusLine, List<Map.Entry<String, String>> headers) {
        public String header(String name) {
            for (Map.Entry<String, String> header : headers) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue();
                }
            }
            return null;
        }
    }

    public static Head decodeHead(byte[] head) {
        ByteBuffer in = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int status = in.getInt();
        String line = readString(in);
        int count = in.getInt();
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            headers.add(Map.entry(readString(in), readString(in)));
        }
        if (in.hasRemaining()) {
            throw new AssertionError("head has " + in.remaining() + " trailing bytes");
        }
        return new Head(status, line, headers);
    }

    private static String readString(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** A CGI environ like C builds for GET {@code uri} of {@code script}. */
    public static Map<String, String> environ(String script, String uri) {
        Map<String, String> environ = new LinkedHashMap<>();
        environ.put("REQUEST_METHOD", "GET");
        environ.put("REQUEST_URI", uri);
        environ.put("SCRIPT_NAME", "");
        environ.put("PATH_INFO", uri);
        environ.put("QUERY_STRING", "");
        environ.put("SERVER_NAME", "localhost");
        environ.put("SERVER_PORT", "80");
        environ.put("SERVER_PROTOCOL", "HTTP/1.1");
        environ.put("REMOTE_ADDR", "127.0.0.1");
        environ.put("HTTP_HOST", "localhost");
        environ.put("SCRIPT_FILENAME", script);
        environ.put("mod_jvm.application_group", "localhost|");
        environ.put("mod_jvm.callable_object", "application");
        environ.put("mod_jvm.request_id", "r1");
        return environ;
    }
}
