// Test app for requests that Apache gives up on (DaemonAbandonedRequestsTest), by "case=NAME":
//   info     — "pid=P"
//   block    — marker=M: writes MARKER_DIR/M (its pid), then sleeps forever; when its thread is
//              interrupted writes MARKER_DIR/M.interrupted and ends with the InterruptedException
//   stream   — marker=M: starts a response whose body never yields a chunk (the iterator sleeps
//              forever, M.interrupted when interrupted); the body's close() writes MARKER_DIR/M.closed
//   stubborn — marker=M: sleeps and ignores interrupts (M.interrupted at the first one), for at
//              most 120 s: a thread that stays stuck
//   sleep    — ms=N: sleeps N ms, answers "slept N"
//   upload   — reads the whole request body, answers "read N"
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.modjvm.StartResponse;

public class AbandonApp {
    static Map<String, String> query(Map<String, Object> environ) {
        Map<String, String> q = new HashMap<>();
        String qs = (String) environ.get("QUERY_STRING");
        if (qs != null) for (String p : qs.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) q.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return q;
    }

    static void marker(Map<String, Object> environ, String name, String content) {
        try {
            Path m = Path.of((String) environ.get("MARKER_DIR"), name);
            Files.writeString(m.resolveSibling(name + ".tmp"), content);
            Files.move(m.resolveSibling(name + ".tmp"), m, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Iterable<byte[]> text(StartResponse sr, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain"),
                Map.entry("Content-Length", Integer.toString(b.length))));
        return List.of(b);
    }

    /** A body whose first chunk never comes; its close() leaves a marker. */
    static final class EndlessBody implements Iterable<byte[]>, AutoCloseable {
        final Map<String, Object> environ;
        final String marker;

        EndlessBody(Map<String, Object> environ, String marker) {
            this.environ = environ;
            this.marker = marker;
        }

        @Override
        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public byte[] next() {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                        throw new AssertionError("unreachable");
                    } catch (InterruptedException e) {
                        marker(environ, marker + ".interrupted", "interrupted");
                        throw new IllegalStateException("interrupted while waiting for the next event", e);
                    }
                }
            };
        }

        @Override
        public void close() {
            marker(environ, marker + ".closed", "closed");
        }
    }

    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) throws Exception {
        Map<String, String> q = query(environ);
        long pid = ProcessHandle.current().pid();
        String marker = q.get("marker");
        switch (q.getOrDefault("case", "info")) {
            case "block":
                marker(environ, marker, Long.toString(pid));
                try {
                    Thread.sleep(Long.MAX_VALUE);
                    throw new AssertionError("unreachable");
                } catch (InterruptedException e) {
                    marker(environ, marker + ".interrupted", "interrupted");
                    throw e;
                }
            case "stream":
                sr.start("200 OK", List.of(Map.entry("Content-Type", "text/event-stream")));
                marker(environ, marker, Long.toString(pid));
                return new EndlessBody(environ, marker);
            case "stubborn": {
                marker(environ, marker, Long.toString(pid));
                long end = System.nanoTime() + 120_000_000_000L;
                boolean told = false;
                while (System.nanoTime() < end) {
                    try {
                        Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000L));
                    } catch (InterruptedException ignored) {
                        if (!told) {
                            marker(environ, marker + ".interrupted", "interrupted");
                            told = true;
                        }
                    }
                }
                return text(sr, "gave up being stuck");
            }
            case "upload": {
                byte[] body = ((java.io.InputStream) environ.get("jvm.input")).readAllBytes();
                return text(sr, "read " + body.length);
            }
            case "sleep": {
                long ms = Long.parseLong(q.getOrDefault("ms", "0"));
                Thread.sleep(ms);
                return text(sr, "slept " + ms);
            }
            default:
                return text(sr, "pid=" + pid);
        }
    }
}
