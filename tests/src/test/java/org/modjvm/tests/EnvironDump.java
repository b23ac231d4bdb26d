package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.TreeMap;

/** The parsed body of the apps/environ.java test app: key → (kind, value), values as ISO-8859-1 text. */
public final class EnvironDump {
    public record Entry(String kind, String value) {
    }

    private final Map<String, Entry> entries = new TreeMap<>();
    private final String raw;

    private EnvironDump(String raw) {
        this.raw = raw;
        for (String line : raw.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] p = line.split("\t", 3);
            if (p.length < 3) {
                throw new AssertionError("not an environ dump line: " + line + "\n" + raw);
            }
            entries.put(p[0], new Entry(p[1], p[2]));
        }
    }

    /** Parses a response of the environ app (asserting 200). */
    public static EnvironDump of(RawHttp.Response r) {
        assertEquals(200, r.status(), () -> "environ app did not answer 200: " + r);
        assertTrue(r.complete(), () -> "incomplete response: " + r);
        return new EnvironDump(r.latin1());
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public Entry entry(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            fail("environ has no " + key + ":\n" + raw);
        }
        return e;
    }

    /** The value of a String entry (asserts the kind). */
    public String string(String key) {
        Entry e = entry(key);
        assertEquals("String", e.kind(), () -> key + " should be a String in\n" + raw);
        return e.value();
    }

    public String value(String key) {
        return entry(key).value();
    }

    public String kind(String key) {
        return entry(key).kind();
    }

    public String raw() {
        return raw;
    }

    @Override
    public String toString() {
        return raw;
    }
}
