package org.modjvm.runtime.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.modjvm.runtime.wire.TestFrames;

/** A transport that records what C would have received, serves a body, and can play a vanished client. */
public final class FakeTransport implements Transport {
    /** One write call as C saw it. */
    record Sent(byte[] head, byte[] data, boolean flush, boolean direct) {
    }

    /** One log line. */
    public record Line(int level, String text) {
    }

    final List<Sent> writes = new ArrayList<>();
    public final List<Line> logs = new CopyOnWriteArrayList<>();
    byte[] body = new byte[0];
    int bodyPosition;
    /** Bytes returned per read at most (C returns what the input filters give). */
    int readChunk = Integer.MAX_VALUE;
    boolean readFails;
    int reads;
    /** Write number (0-based) from which writes report a gone client; -1: never. */
    int clientGoneFromWrite = -1;

    @Override
    public int write(byte[] head, byte[] data, int offset, int length, boolean flush) {
        byte[] copy = data == null ? null : java.util.Arrays.copyOfRange(data, offset, offset + length);
        return record(new Sent(head, copy, flush, false));
    }

    @Override
    public int writeDirect(byte[] head, ByteBuffer data, int offset, int length, boolean flush) {
        if (!data.isDirect()) {
            throw new AssertionError("writeDirect with a heap buffer");
        }
        byte[] copy = new byte[length];
        data.get(offset, copy);
        return record(new Sent(head, copy, flush, true));
    }

    private int record(Sent sent) {
        if (sent.head() != null && writes.stream().anyMatch(w -> w.head() != null)) {
            throw new AssertionError("head sent twice");
        }
        if (sent.head() == null && writes.isEmpty()) {
            throw new AssertionError("first write without head");
        }
        writes.add(sent);
        return clientGoneFromWrite >= 0 && writes.size() > clientGoneFromWrite ? -1 : 0;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        reads++;
        if (readFails) {
            return -1;
        }
        int n = Math.min(Math.min(length, readChunk), body.length - bodyPosition);
        System.arraycopy(body, bodyPosition, buffer, offset, n);
        bodyPosition += n;
        return n;
    }

    @Override
    public void log(int level, byte[] utf8Line) {
        String text = new String(utf8Line, StandardCharsets.UTF_8);
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new AssertionError("log line with a newline: " + text);
        }
        logs.add(new Line(level, text));
    }

    TestFrames.Head head() {
        for (Sent sent : writes) {
            if (sent.head() != null) {
                return TestFrames.decodeHead(sent.head());
            }
        }
        return null;
    }

    String bodyText() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Sent sent : writes) {
            if (sent.data() != null) {
                out.writeBytes(sent.data());
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    List<Boolean> flushes() {
        List<Boolean> flushes = new ArrayList<>();
        for (Sent sent : writes) {
            flushes.add(sent.flush());
        }
        return flushes;
    }

    public String logText() {
        StringBuilder text = new StringBuilder();
        for (Line line : logs) {
            text.append(line.level()).append(' ').append(line.text()).append('\n');
        }
        return text.toString();
    }

    public boolean logged(int level, String fragment) {
        for (Line line : logs) {
            if (line.level() == level && line.text().contains(fragment)) {
                return true;
            }
        }
        return false;
    }
}
