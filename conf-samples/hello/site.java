import java.util.List;
import java.util.Map;
import org.modjvm.StartResponse;

public class Site {
    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse startResponse) {
        byte[] output = "Hello World!".getBytes();
        startResponse.start("200 OK", List.of(
                Map.entry("Content-type", "text/plain"),
                Map.entry("Content-Length", String.valueOf(output.length))));
        return List.of(output);
    }
}
