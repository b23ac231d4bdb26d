// Test app: looks, by name, for the class "Counter" of counter.java in its own class loader:
// README: applications in the same application group share one class loader and see each
// other's static state.
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.modjvm.StartResponse;

public class Peek {
    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) throws Exception {
        String seen;
        try {
            Class<?> c = Class.forName("Counter", true, Peek.class.getClassLoader());
            seen = "count=" + c.getDeclaredField("COUNT").get(null);
        } catch (ClassNotFoundException e) {
            seen = "no Counter";
        }
        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
        return List.of(seen.getBytes(StandardCharsets.US_ASCII));
    }
}
