// Test app for fault injection (FaultAppTest, FaultClientTest, FaultDaemonTest), selected by the
// query "case=NAME&tag=UNIQUE". Every answer of a well-behaved case is text starting with "ok ".
//   ok        — "ok pid=P tag=T" (Content-Length)
//   slow      — ms=N: sleeps N ms, then as ok
//   slow      — sleeps ms=N (default 50) and answers "ok pid=P tag=T"; marker=NAME as for loop
//   checked / unchecked / error — throws IOException / IllegalStateException / Error "fault-<case>-T"
//   null      — start_response, then returns null instead of an iterable
//   oom       — allocates 1 MB arrays until OutOfMemoryError (the hoard is local: garbage afterwards)
//   so        — recurses until StackOverflowError
//   exit      — System.exit(3)
//   (oom, so, exit: runs=NAME first appends the pid as a line to MARKER_DIR/NAME: how often it ran)
//   loop      — busy loop (for the request: forever; it ends when case=release is called, or after 150 s
//               so a forgotten server does not burn a core) — marker=NAME: MARKER_DIR/NAME is written first
//   sleep     — Thread.sleep "forever" (interruptible; ends on case=release or after 150 s) — marker as loop
//   release   — ends every loop/sleep of this process (sleepers are interrupted); answers how many
//   threads   — n=N: starts N non-daemon threads that park forever and are never stopped
//   keepwrite — keeps this request's StartResponse and Write in statics, answers ok
//   usewrite  — writes with the Write kept by an earlier request (must fail: IllegalStateException)
//   bgwrite   — ms=N: a background thread writes "SMUGGLED-T" with the kept Write for N ms after this
//               request ended (every attempt must fail); bgresult answers "attempts=A ise=I other=O"
//   upload    — reads the whole body, answers "ok read=N"
//   download  — n chunks of size bytes (a lazy iterable: every chunk flushed), sleep ms between them;
//               close() counts into "closed" (see stats)
//   headers   — "ok big=N bytes=B": the number of HTTP_X_BIG_* variables and their total length
//   stats     — "ok pid=P threads=T nondaemon=N closed=C running=R"
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.modjvm.StartResponse;
import org.modjvm.Write;

public class FaultApp {
    static final long SAFETY_MS = 150_000;
    static volatile long releasedAt = 0;
    static final Set<Thread> STUCK = ConcurrentHashMap.newKeySet();
    static final AtomicInteger NONDAEMON = new AtomicInteger();
    static final AtomicInteger CLOSED = new AtomicInteger();
    static final AtomicInteger RUNNING = new AtomicInteger();
    static volatile Write keptWrite;
    static volatile StartResponse keptStart;
    static final AtomicInteger BG_ATTEMPTS = new AtomicInteger();
    static final AtomicInteger BG_ISE = new AtomicInteger();
    static final AtomicInteger BG_OTHER = new AtomicInteger();
    static volatile String bgOtherText = "";
    static volatile int depth;

    static Map<String, String> query(Map<String, Object> environ) {
        Map<String, String> q = new HashMap<>();
        String qs = (String) environ.get("QUERY_STRING");
        if (qs != null) for (String p : qs.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) q.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return q;
    }

    static Iterable<byte[]> text(StartResponse sr, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain"),
                Map.entry("Content-Length", Integer.toString(b.length))));
        return List.of(b);
    }

    static void marker(Map<String, Object> environ, String name) throws IOException {
        if (name == null) return;
        Path m = Path.of((String) environ.get("MARKER_DIR"), name);
        Path tmp = m.resolveSibling("." + name + ".tmp");
        Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
        Files.move(tmp, m, StandardCopyOption.ATOMIC_MOVE);
    }

    static void countRun(Map<String, Object> environ, String name) throws IOException {
        if (name == null) return;
        Files.writeString(Path.of((String) environ.get("MARKER_DIR"), name), ProcessHandle.current().pid() + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    static void recurse() {
        depth++;
        recurse();
    }

    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) throws Exception {
        Map<String, String> q = query(environ);
        String tag = q.getOrDefault("tag", "none");
        String kase = q.getOrDefault("case", "ok");
        long pid = ProcessHandle.current().pid();
        RUNNING.incrementAndGet();
        try {
            switch (kase) {
                case "slow":
                    marker(environ, q.get("marker"));
                    Thread.sleep(Long.parseLong(q.getOrDefault("ms", "50")));
                    return text(sr, "ok pid=" + pid + " tag=" + tag);
                case "checked":
                    throw new IOException("fault-checked-" + tag);
                case "unchecked":
                    throw new IllegalStateException("fault-unchecked-" + tag);
                case "error":
                    throw new Error("fault-error-" + tag);
                case "null":
                    sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                    return null;
                case "oom": {
                    countRun(environ, q.get("runs"));
                    List<byte[]> hoard = new ArrayList<>();
                    while (true) {
                        hoard.add(new byte[1 << 20]);
                    }
                }
                case "so":
                    countRun(environ, q.get("runs"));
                    depth = 0;
                    recurse();
                    throw new AssertionError("unreachable");
                case "exit":
                    countRun(environ, q.get("runs"));
                    System.exit(3);
                    throw new AssertionError("unreachable");
                case "loop": {
                    marker(environ, q.get("marker"));
                    long start = System.nanoTime();
                    long since = releasedAt;
                    while (releasedAt == since && System.nanoTime() - start < SAFETY_MS * 1_000_000L) {
                        Thread.onSpinWait();
                    }
                    return text(sr, "ok loop ended pid=" + pid + " tag=" + tag);
                }
                case "sleep": {
                    marker(environ, q.get("marker"));
                    STUCK.add(Thread.currentThread());
                    try {
                        Thread.sleep(SAFETY_MS); // InterruptedException escapes: the request fails
                    } finally {
                        STUCK.remove(Thread.currentThread());
                    }
                    return text(sr, "ok sleep ended pid=" + pid + " tag=" + tag);
                }
                case "release": {
                    releasedAt = System.nanoTime();
                    int n = STUCK.size();
                    for (Thread t : STUCK) t.interrupt();
                    return text(sr, "ok released=" + n + " pid=" + pid);
                }
                case "threads": {
                    int n = Integer.parseInt(q.getOrDefault("n", "3"));
                    for (int i = 0; i < n; i++) {
                        Thread t = new Thread(() -> {
                            while (true) LockSupport.park();
                        }, "fault-nondaemon-" + NONDAEMON.incrementAndGet());
                        t.setDaemon(false);
                        t.start();
                    }
                    return text(sr, "ok started " + n + " non-daemon threads pid=" + pid);
                }
                case "keepwrite": {
                    byte[] b = ("ok kept pid=" + pid + " tag=" + tag).getBytes(StandardCharsets.UTF_8);
                    keptWrite = sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain"),
                            Map.entry("Content-Length", Integer.toString(b.length))));
                    keptStart = sr;
                    return List.of(b);
                }
                case "usewrite": {
                    Write w = keptWrite;
                    if (w == null) return text(sr, "ok nothing kept");
                    w.write(("SMUGGLED-" + tag + "\r\nX-Smuggled: 1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    return text(sr, "ok the kept Write still worked (it must not) pid=" + pid);
                }
                case "bgwrite": {
                    Write w = keptWrite;
                    long ms = Long.parseLong(q.getOrDefault("ms", "2000"));
                    Thread t = new Thread(() -> {
                        long end = System.nanoTime() + ms * 1_000_000L;
                        byte[] evil = ("SMUGGLED-" + tag + "\r\nX-Smuggled: 1\r\n").getBytes(StandardCharsets.ISO_8859_1);
                        while (System.nanoTime() < end) {
                            BG_ATTEMPTS.incrementAndGet();
                            try {
                                w.write(evil);
                                BG_OTHER.incrementAndGet();
                                bgOtherText = "write returned normally";
                            } catch (IllegalStateException e) {
                                BG_ISE.incrementAndGet();
                            } catch (Throwable e) {
                                BG_OTHER.incrementAndGet();
                                bgOtherText = e.toString();
                            }
                            try {
                                Thread.sleep(2);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }, "fault-bgwrite");
                    t.setDaemon(true);
                    t.start();
                    return text(sr, "ok bgwrite started pid=" + pid);
                }
                case "bgresult":
                    return text(sr, "ok attempts=" + BG_ATTEMPTS.get() + " ise=" + BG_ISE.get() + " other="
                            + BG_OTHER.get() + " (" + bgOtherText + ")");
                case "upload": {
                    InputStream in = (InputStream) environ.get("jvm.input");
                    byte[] buf = new byte[65536];
                    long total = 0;
                    int n;
                    while ((n = in.read(buf)) >= 0) total += n;
                    return text(sr, "ok read=" + total + " pid=" + pid);
                }
                case "download": {
                    int n = Integer.parseInt(q.getOrDefault("n", "100"));
                    int size = Integer.parseInt(q.getOrDefault("size", "65536"));
                    long sleep = Long.parseLong(q.getOrDefault("sleep", "0"));
                    sr.start("200 OK", List.of(Map.entry("Content-Type", "application/octet-stream")));
                    return new Download(n, size, sleep);
                }
                case "headers": {
                    int n = 0;
                    long bytes = 0;
                    for (Map.Entry<String, Object> e : environ.entrySet()) {
                        if (e.getKey().startsWith("HTTP_X_BIG_")) {
                            n++;
                            bytes += ((String) e.getValue()).length();
                        }
                    }
                    return text(sr, "ok big=" + n + " bytes=" + bytes + " pid=" + pid);
                }
                case "stats": {
                    int threads = Thread.getAllStackTraces().size();
                    return text(sr, "ok pid=" + pid + " threads=" + threads + " nondaemon=" + NONDAEMON.get()
                            + " closed=" + CLOSED.get() + " running=" + (RUNNING.get() - 1));
                }
                default:
                    return text(sr, "ok pid=" + pid + " tag=" + tag);
            }
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    static final class Download implements Iterable<byte[]>, AutoCloseable {
        final int n, size;
        final long sleep;
        int produced;

        Download(int n, int size, long sleep) {
            this.n = n;
            this.size = size;
            this.sleep = sleep;
        }

        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                public boolean hasNext() {
                    return produced < n;
                }

                public byte[] next() {
                    if (produced >= n) throw new NoSuchElementException();
                    if (produced > 0 && sleep > 0) {
                        try {
                            Thread.sleep(sleep);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    produced++;
                    return new byte[size];
                }
            };
        }

        public void close() {
            CLOSED.incrementAndGet();
        }
    }
}
