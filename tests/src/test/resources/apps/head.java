// Test app for HEAD requests (HeadTest), selected by the query "case=NAME&tag=T". Every case sends
// the same headers besides its body's: Content-Type, X-Case, two Set-Cookie, Cache-Control.
//   sse      — an endless event stream: a lazy iterable, one event every 20 ms (for at most 150 s, so
//              a forgotten server stops); close() counts into closed= and writes MARKER_DIR/closed-T
//              ("produced=N": the events produced). hold=1: close() first waits for case=release with
//              the same tag (at most 60 s)
//   ssewrite — the same stream through write(), inside the application; the IOException that ends it
//              counts into writeEnded= and writes MARKER_DIR/ended-T ("wrote=N": writes that returned)
//   fixed    — "hello head", one chunk in a List, no Content-Length (Apache computes one for GET)
//   fixedcl  — the same with Content-Length
//   multi    — three chunks in a List, no Content-Length
//   gen      — two chunks from a lazy iterable, no Content-Length
//   big      — one chunk of 100 000 bytes in a List, no Content-Length
//   release  — ends the wait of the close() of hold=1 with this tag (before or while it waits)
//   stats    — "ok closed=C writeEnded=W running=R" (R: requests of the streams still running)
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.modjvm.StartResponse;
import org.modjvm.Write;

public class HeadApp {
    static final long SAFETY_NANOS = 150_000_000_000L;
    static final AtomicInteger CLOSED = new AtomicInteger();
    static final AtomicInteger WRITE_ENDED = new AtomicInteger();
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final Map<String, CountDownLatch> RELEASE = new ConcurrentHashMap<>();

    static Map<String, String> query(Map<String, Object> environ) {
        Map<String, String> q = new HashMap<>();
        String qs = (String) environ.get("QUERY_STRING");
        if (qs != null) for (String p : qs.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) q.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return q;
    }

    static List<Map.Entry<String, String>> headers(String kase, String type, String... more) {
        List<Map.Entry<String, String>> h = new ArrayList<>();
        h.add(Map.entry("Content-Type", type));
        h.add(Map.entry("X-Case", kase));
        h.add(Map.entry("Set-Cookie", "a=1; Path=/"));
        h.add(Map.entry("Set-Cookie", "b=2; Path=/"));
        h.add(Map.entry("Cache-Control", "no-store"));
        for (int i = 0; i < more.length; i += 2) h.add(Map.entry(more[i], more[i + 1]));
        return h;
    }

    static void marker(Map<String, Object> environ, String name, String content) throws IOException {
        Path m = Path.of((String) environ.get("MARKER_DIR"), name);
        Path tmp = m.resolveSibling("." + name + ".tmp");
        Files.writeString(tmp, content + "\n");
        Files.move(tmp, m, StandardCopyOption.ATOMIC_MOVE);
    }

    static CountDownLatch latch(String tag) {
        return RELEASE.computeIfAbsent(tag, t -> new CountDownLatch(1));
    }

    static byte[] event(int n) {
        return ("data: " + n + "\n\n").getBytes(StandardCharsets.US_ASCII);
    }

    static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    /** An endless event stream (a lazy iterable: every event is flushed). */
    static final class Events implements Iterable<byte[]>, AutoCloseable {
        final Map<String, Object> environ;
        final String tag;
        final boolean hold;
        final long start = System.nanoTime();
        int produced;

        Events(Map<String, Object> environ, String tag, boolean hold) {
            this.environ = environ;
            this.tag = tag;
            this.hold = hold;
        }

        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                public boolean hasNext() {
                    return System.nanoTime() - start < SAFETY_NANOS;
                }

                public byte[] next() {
                    if (produced > 0) pause();
                    return event(produced++);
                }
            };
        }

        public void close() throws Exception {
            try {
                if (hold) latch(tag).await(60, TimeUnit.SECONDS);
                marker(environ, "closed-" + tag, "produced=" + produced);
            } finally {
                CLOSED.incrementAndGet();
                RUNNING.decrementAndGet();
            }
        }
    }

    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) throws Exception {
        Map<String, String> q = query(environ);
        String tag = q.getOrDefault("tag", "none");
        String kase = q.getOrDefault("case", "fixed");
        byte[] hello = "hello head".getBytes(StandardCharsets.US_ASCII);
        switch (kase) {
            case "sse":
                RUNNING.incrementAndGet();
                sr.start("200 OK", headers(kase, "text/event-stream"));
                return new Events(environ, tag, "1".equals(q.get("hold")));
            case "ssewrite": {
                RUNNING.incrementAndGet();
                int wrote = 0;
                try {
                    Write w = sr.start("200 OK", headers(kase, "text/event-stream"));
                    long start = System.nanoTime();
                    while (System.nanoTime() - start < SAFETY_NANOS) {
                        if (wrote > 0) pause();
                        w.write(event(wrote));
                        wrote++;
                    }
                    return List.of();
                } catch (IOException ended) {
                    WRITE_ENDED.incrementAndGet();
                    marker(environ, "ended-" + tag, "wrote=" + wrote);
                    throw ended;
                } finally {
                    RUNNING.decrementAndGet();
                }
            }
            case "fixedcl":
                sr.start("200 OK", headers(kase, "text/plain", "Content-Length", Integer.toString(hello.length)));
                return List.of(hello);
            case "multi":
                sr.start("200 OK", headers(kase, "text/plain"));
                return List.of(hello, hello, hello);
            case "gen":
                sr.start("200 OK", headers(kase, "text/plain"));
                return () -> List.of(hello, hello).iterator(); // not a Collection: every chunk flushed
            case "big": {
                byte[] big = new byte[100_000];
                java.util.Arrays.fill(big, (byte) 'x');
                sr.start("200 OK", headers(kase, "application/octet-stream"));
                return List.of(big);
            }
            case "release": {
                latch(tag).countDown();
                sr.start("200 OK", headers(kase, "text/plain"));
                return List.of("ok released".getBytes(StandardCharsets.US_ASCII));
            }
            case "stats":
                sr.start("200 OK", headers(kase, "text/plain"));
                return List.of(("ok closed=" + CLOSED.get() + " writeEnded=" + WRITE_ENDED.get() + " running="
                        + RUNNING.get()).getBytes(StandardCharsets.US_ASCII));
            default:
                sr.start("200 OK", headers(kase, "text/plain"));
                return List.of(hello);
        }
    }
}
