// Test app: answers the pid of the process (the Apache child) it runs in.
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.modjvm.StartResponse;

public class Pid {
    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
        return List.of(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII));
    }
}
