// Test app: a static counter, to see which mounts share a loaded class (application groups).
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.modjvm.StartResponse;

public class Counter {
    static final AtomicInteger COUNT = new AtomicInteger();
    static final long BORN = System.nanoTime();

    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
        String body = "count=" + COUNT.incrementAndGet()
                + "\ngroup=" + environ.get("mod_jvm.application_group")
                + "\ncallable=" + environ.get("mod_jvm.callable_object")
                + "\nclass=" + System.identityHashCode(Counter.class) + "/" + BORN
                + "\npid=" + ProcessHandle.current().pid() + "\n";
        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
        return List.of(body.getBytes(StandardCharsets.ISO_8859_1));
    }
}
