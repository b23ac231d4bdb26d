// Test app: a streamed body. Query: n (chunks), sleep (ms before each chunk after the first),
// tag (name of the marker file written in MARKER_DIR when the iterable is closed), after
// ("throw": throw after the first chunk).
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.modjvm.StartResponse;

public class Stream {
    static Map<String, String> query(Map<String, Object> environ) {
        Map<String, String> q = new HashMap<>();
        String qs = (String) environ.get("QUERY_STRING");
        if (qs != null) for (String p : qs.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) q.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return q;
    }

    static final class Body implements Iterable<byte[]>, AutoCloseable {
        final int n; final long sleep; final String tag; final boolean throwAfterFirst; final PrintStream errors;
        final Path markerDir;
        final StartResponse sr;
        final boolean excInfoAfterFirst;
        int produced = 0;
        Body(int n, long sleep, String tag, boolean throwAfterFirst, PrintStream errors, Path markerDir,
                StartResponse sr, boolean excInfoAfterFirst) {
            this.n = n; this.sleep = sleep; this.tag = tag; this.throwAfterFirst = throwAfterFirst;
            this.errors = errors; this.markerDir = markerDir; this.sr = sr; this.excInfoAfterFirst = excInfoAfterFirst;
        }
        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                public boolean hasNext() { return produced < n; }
                public byte[] next() {
                    if (produced >= n) throw new NoSuchElementException();
                    if (produced > 0) {
                        if (throwAfterFirst) throw new IllegalStateException("stream-failure-after-first-chunk " + tag);
                        if (excInfoAfterFirst) {
                            // the head is sent: start with excInfo must rethrow excInfo (PEP 3333)
                            sr.start("500 Internal Server Error", List.of(Map.entry("Content-Type", "text/plain")),
                                    new IllegalStateException("late-excinfo " + tag));
                            return ("start with excInfo returned normally " + tag + "\n").getBytes(StandardCharsets.US_ASCII);
                        }
                        try { Thread.sleep(sleep); } catch (InterruptedException e) { throw new RuntimeException(e); }
                    }
                    return ("chunk " + (produced++) + "\n").getBytes(StandardCharsets.US_ASCII);
                }
            };
        }
        public void close() throws java.io.IOException {
            errors.println("STREAM-CLOSED tag=" + tag + " produced=" + produced);
            errors.flush();
            if (tag != null && markerDir != null) {
                // written whole, then renamed: a test polling for the file never reads it half-written
                java.nio.file.Path tmp = markerDir.resolve(".closed-" + tag + ".tmp");
                Files.writeString(tmp, "produced=" + produced + "\n");
                Files.move(tmp, markerDir.resolve("closed-" + tag), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse startResponse) {
        Map<String, String> q = query(environ);
        String dir = (String) environ.get("MARKER_DIR");
        startResponse.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
        return new Body(Integer.parseInt(q.getOrDefault("n", "3")), Long.parseLong(q.getOrDefault("sleep", "0")),
                q.get("tag"), "throw".equals(q.get("after")), (PrintStream) environ.get("jvm.errors"),
                dir == null ? null : Path.of(dir), startResponse, "excinfo".equals(q.get("after")));
    }
}
