// Test app for daemon mode, selected by the query "case=NAME" (default: info).
//   info   — facts about the process: pid, uid/gid (/proc/self/status), java.version, java.home,
//            user.dir, environ mod_jvm.process_group, jvm.multiprocess, jvm.multithread, born
//   sleep  — ms=N: sleeps N ms; marker=NAME: first writes MARKER_DIR/NAME holding the pid;
//            answers "pid=P running=R slept=N" (R: requests of this class running at the start);
//            stubborn=1: keeps sleeping when interrupted (a thread that stays stuck)
//   exit   — System.exit(3)
//   oom    — allocates until OutOfMemoryError
//   print  — tag=T: System.out/System.err/jvm.errors lines "app-stdout T", "app-stderr T", "app-errors T"
//   umask  — tag=T: creates MARKER_DIR/T and answers its permissions (rwxr-x---)
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.modjvm.StartResponse;

public class DaemonApp {
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final long BORN = System.currentTimeMillis();
    static final List<byte[]> HOARD = new ArrayList<>();

    static Map<String, String> query(Map<String, Object> environ) {
        Map<String, String> q = new HashMap<>();
        String qs = (String) environ.get("QUERY_STRING");
        if (qs != null) for (String p : qs.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) q.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return q;
    }

    static String status(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) return line.substring(field.length() + 1).trim().replaceAll("\\s+", " ");
        }
        return "?";
    }

    static Iterable<byte[]> text(StartResponse sr, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain"),
                Map.entry("Content-Length", Integer.toString(b.length))));
        return List.of(b);
    }

    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) throws Exception {
        Map<String, String> q = query(environ);
        String tag = q.getOrDefault("tag", "none");
        long pid = ProcessHandle.current().pid();
        switch (q.getOrDefault("case", "info")) {
            case "sleep": {
                int running = RUNNING.incrementAndGet();
                try {
                    String marker = q.get("marker");
                    if (marker != null) {
                        Path m = Path.of((String) environ.get("MARKER_DIR"), marker);
                        Files.writeString(m.resolveSibling(marker + ".tmp"), Long.toString(pid));
                        Files.move(m.resolveSibling(marker + ".tmp"), m, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    }
                    long ms = Long.parseLong(q.getOrDefault("ms", "0"));
                    if (q.containsKey("stubborn")) {
                        // a thread that really stays stuck: it ignores the interrupt of request-timeout
                        long end = System.nanoTime() + ms * 1_000_000L;
                        while (System.nanoTime() < end) {
                            try {
                                Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000L));
                            } catch (InterruptedException ignored) {
                                // keep sleeping
                            }
                        }
                    } else {
                        Thread.sleep(ms);
                    }
                    return text(sr, "pid=" + pid + " running=" + running + " slept=" + ms);
                } finally {
                    RUNNING.decrementAndGet();
                }
            }
            case "exit":
                System.exit(3);
                throw new AssertionError("unreachable");
            case "oom":
                while (true) {
                    HOARD.add(new byte[1 << 20]);
                }
            case "print":
                System.out.println("app-stdout " + tag);
                System.err.println("app-stderr " + tag);
                ((PrintStream) environ.get("jvm.errors")).println("app-errors " + tag);
                return text(sr, "printed " + tag);
            case "umask": {
                Path f = Path.of((String) environ.get("MARKER_DIR"), tag);
                Files.deleteIfExists(f);
                Files.createFile(f);
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                Path d = Path.of((String) environ.get("MARKER_DIR"), tag + ".d");
                Files.createDirectory(d);
                return text(sr, perms + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
            }
            default: {
                StringBuilder b = new StringBuilder();
                b.append("pid=").append(pid).append('\n');
                b.append("uid=").append(status("Uid")).append('\n');
                b.append("gid=").append(status("Gid")).append('\n');
                b.append("java.version=").append(System.getProperty("java.version")).append('\n');
                b.append("java.home=").append(System.getProperty("java.home")).append('\n');
                b.append("user.dir=").append(System.getProperty("user.dir")).append('\n');
                b.append("maxMemory=").append(Runtime.getRuntime().maxMemory()).append('\n');
                b.append("process_group=").append(environ.get("mod_jvm.process_group")).append('\n');
                b.append("application_group=").append(environ.get("mod_jvm.application_group")).append('\n');
                b.append("multiprocess=").append(environ.get("jvm.multiprocess")).append('\n');
                b.append("multithread=").append(environ.get("jvm.multithread")).append('\n');
                b.append("born=").append(BORN).append('\n');
                return text(sr, b.toString());
            }
        }
    }
}
