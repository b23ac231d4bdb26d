package org.modjvm.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property-based fuzzing of the frame decoders ({@link Frames#decodeRequest},
 * {@link Frames#decodeConfig}) with a seeded generator: valid frames, then mutated ones (bit
 * flips, overwritten bytes, hostile length and count fields, truncation, extension).
 *
 * <p>Properties: a decoder either returns or throws {@link IllegalArgumentException} (its
 * documented failure), never another exception and never an allocation driven by a length
 * field (an {@code OutOfMemoryError} fails the test); it reads nothing beyond {@code length}
 * (the same frame decodes the same from a buffer with different bytes after it); a valid frame
 * decodes to what was encoded.
 *
 * <p>The seed is fixed; {@code -Dmodjvm.fuzz.seed=N} runs another ({@code random}: a new one,
 * printed), {@code -Dmodjvm.fuzz.iterations=N} (default 20000) makes it longer.
 */
public class FramesFuzzTest {
    /** Fixed by default (CI stays deterministic); {@code -Dmodjvm.fuzz.seed=random} explores. */
    private static final long SEED = seed();
    private static final int ITERATIONS = Integer.getInteger("modjvm.fuzz.iterations", 20_000);
    /** Values a hostile length or count field takes. */
    private static final int[] HOSTILE = {0, 1, 7, 8, 9, 0x7f, 0xff, 0x7fff, 0xffff, 0x7ffffff7, 0x7ffffff8,
        0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff, 0x10000000, 0x01000000};

    @Test
    void requestFramesDecodeOrFailCleanly() {
        Random random = new Random(SEED);
        EnvironStrings strings = new EnvironStrings();
        int decoded = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            Map<String, String> environ = randomEnviron(random);
            int flags = random.nextInt();
            long mtime = random.nextLong();
            long size = random.nextLong();
            byte[] frame = TestFrames.request(flags, mtime, size, environ);
            if (i % 4 == 0) {
                // unmutated: decodes to exactly what was encoded, with and without the string memory
                RequestFrame f = Frames.decodeRequest(padded(frame, random), frame.length, random.nextInt(20));
                assertEquals(environ, f.environ(), context(i));
                assertEquals(flags, f.flags());
                assertEquals(mtime, f.scriptMtime());
                assertEquals(size, f.scriptSize());
                assertEquals(environ, Frames.decodeRequest(frame, frame.length, 0, strings).environ(), context(i));
                continue;
            }
            byte[] mutated = mutate(frame, random);
            int length = mutated.length;
            if (random.nextInt(8) == 0) {
                length = random.nextInt(length + 1); // a length shorter than the frame: what is after it must not count
            }
            decoded += decodeBothWays(mutated, length, random, strings, i) ? 1 : 0;
        }
        System.out.println("FramesFuzzTest: seed " + SEED + ", " + ITERATIONS + " frames, " + decoded
                + " mutated frames still decoded");
    }

    @Test
    void configFramesDecodeOrFailCleanly() {
        Random random = new Random(SEED ^ 0x5DEECE66DL);
        for (int i = 0; i < ITERATIONS / 4; i++) {
            Map<String, String> values = randomEnviron(random);
            ByteBuffer config = TestFrames.config(values);
            if (i % 4 == 0) {
                assertEquals(values, Frames.decodeConfig(config), context(i));
                continue;
            }
            byte[] bytes = new byte[config.remaining()];
            config.get(bytes);
            byte[] mutated = mutate(bytes, random);
            ByteBuffer direct = ByteBuffer.allocateDirect(mutated.length + 16);
            direct.put(mutated).put(new byte[16]).flip().limit(mutated.length);
            try {
                Map<String, String> out = Frames.decodeConfig(direct);
                // whatever decoded holds only bytes of the frame: at most one char per byte
                int chars = 0;
                for (Map.Entry<String, String> e : out.entrySet()) {
                    chars += e.getKey().length() + e.getValue().length();
                }
                if (chars > mutated.length) {
                    fail(context(i) + ": decoded " + chars + " chars from " + mutated.length + " bytes");
                }
            } catch (IllegalArgumentException expected) {
                // documented failure
            } catch (RuntimeException | Error e) {
                throw new AssertionError(context(i) + ": decodeConfig threw " + e + " for " + hex(mutated), e);
            }
        }
    }

    @Test
    void hostileCountsAndLengthsAreRefusedBeforeAllocating() {
        byte[] frame = TestFrames.request(0, 0, 0, Map.of("K", "V"));
        int countAt = Frames.REQUEST_HEADER_LENGTH;
        for (int count : HOSTILE) {
            byte[] f = frame.clone();
            Frames.writeInt(f, countAt, count);
            if (count == 1) {
                continue; // the real count
            }
            assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(f, f.length, 0), "count " + count);
            for (int length : HOSTILE) {
                byte[] g = frame.clone();
                Frames.writeInt(g, countAt + 4, length); // key length
                if (length != 1) {
                    assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(g, g.length, 0),
                            "key length " + length);
                }
                byte[] h = frame.clone();
                Frames.writeInt(h, countAt + 4 + 4 + 1, length); // value length
                if (length != 1) {
                    assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(h, h.length, 0),
                            "value length " + length);
                }
            }
        }
        // the largest count a frame's size allows is allocated for: bounded by the frame itself
        byte[] empties = new byte[Frames.REQUEST_HEADER_LENGTH + 4 + 8 * 100_000];
        Frames.writeInt(empties, 0, Frames.REQUEST_MAGIC);
        Frames.writeInt(empties, countAt, 100_000);
        assertEquals(1, Frames.decodeRequest(empties, empties.length, 0).environ().size()); // all "" = ""
        Frames.writeInt(empties, countAt, 100_001);
        assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(empties, empties.length, 0));
        // lengths the caller passes
        assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(frame, frame.length + 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(frame, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> Frames.decodeRequest(frame, Integer.MIN_VALUE, 0));
    }

    /** Decodes with the frame followed by other bytes, and from an exact copy: same outcome. */
    private static boolean decodeBothWays(byte[] frame, int length, Random random, EnvironStrings strings, int i) {
        Object padded = outcome(padded(frame, random), length, strings, frame, i);
        Object exact = outcome(Arrays.copyOf(frame, length), length, null, frame, i);
        if (!padded.equals(exact)) {
            fail(context(i) + ": the bytes after length " + length + " changed the outcome: " + padded + " vs "
                    + exact + " for " + hex(frame));
        }
        return padded instanceof Map<?, ?>;
    }

    private static Object outcome(byte[] buffer, int length, EnvironStrings strings, byte[] original, int i) {
        try {
            RequestFrame f = Frames.decodeRequest(buffer, length, 5, strings);
            return f.environ();
        } catch (IllegalArgumentException expected) {
            return "IllegalArgumentException";
        } catch (RuntimeException | Error e) {
            throw new AssertionError(context(i) + ": decodeRequest(length " + length + ") threw " + e + " for "
                    + hex(original), e);
        }
    }

    private static byte[] padded(byte[] frame, Random random) {
        byte[] buffer = Arrays.copyOf(frame, frame.length + 1 + random.nextInt(64));
        for (int j = frame.length; j < buffer.length; j++) {
            buffer[j] = (byte) random.nextInt();
        }
        return buffer;
    }

    public static byte[] mutate(byte[] in, Random random) {
        byte[] b = in.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            switch (random.nextInt(7)) {
                case 0 -> { // bit flip
                    if (b.length > 0) {
                        int at = random.nextInt(b.length);
                        b[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> { // random byte
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt();
                    }
                }
                case 2 -> { // hostile int at a 4-aligned or any position (length and count fields)
                    if (b.length >= 4) {
                        int at = random.nextBoolean() ? random.nextInt(b.length / 4) * 4 : random.nextInt(b.length - 3);
                        Frames.writeInt(b, at, HOSTILE[random.nextInt(HOSTILE.length)]);
                    }
                }
                case 3 -> // truncate
                    b = Arrays.copyOf(b, random.nextInt(b.length + 1));
                case 4 -> { // extend with junk
                    int old = b.length;
                    b = Arrays.copyOf(b, old + 1 + random.nextInt(16));
                    for (int j = old; j < b.length; j++) {
                        b[j] = (byte) random.nextInt();
                    }
                }
                case 5 -> { // small delta on an int: off-by-one lengths
                    if (b.length >= 4) {
                        int at = random.nextInt(b.length - 3);
                        Frames.writeInt(b, at, Frames.readInt(b, at) + random.nextInt(5) - 2);
                    }
                }
                default -> { // duplicate a slice (repeated entries)
                    if (b.length > 8) {
                        int from = random.nextInt(b.length - 4);
                        int n = 1 + random.nextInt(Math.min(32, b.length - from));
                        byte[] out = new byte[b.length + n];
                        int at = random.nextInt(b.length);
                        System.arraycopy(b, 0, out, 0, at);
                        System.arraycopy(b, from, out, at, n);
                        System.arraycopy(b, at, out, at + n, b.length - at);
                        b = out;
                    }
                }
            }
        }
        return b;
    }

    public static Map<String, String> randomEnviron(Random random) {
        Map<String, String> environ = new LinkedHashMap<>();
        int n = random.nextInt(random.nextInt(10) == 0 ? 200 : 12);
        for (int i = 0; i < n; i++) {
            environ.put(randomString(random, 1 + random.nextInt(24)), randomString(random,
                    random.nextInt(10) == 0 ? random.nextInt(600) : random.nextInt(30)));
        }
        return environ;
    }

    private static String randomString(Random random, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = random.nextInt(4) == 0 ? (char) random.nextInt(256) : (char) ('A' + random.nextInt(26));
        }
        return new String(c);
    }

    private static String context(int iteration) {
        return "seed " + SEED + " (-Dmodjvm.fuzz.seed=" + SEED + "), iteration " + iteration;
    }

    public static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 256); i++) {
            s.append(String.format("%02x", b[i] & 0xff));
        }
        return s + (b.length > 256 ? "… (" + b.length + " bytes)" : "");
    }

    static long seed() {
        String s = System.getProperty("modjvm.fuzz.seed", "20261124");
        return s.equals("random") ? System.nanoTime() : Long.parseLong(s);
    }
}
