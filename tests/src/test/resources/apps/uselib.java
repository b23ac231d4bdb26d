// Test app: uses a class from a JvmClassPath jar and a resource from a JvmClassPath directory.
import greeter.Greeter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.modjvm.StartResponse;

public class UseLib {
    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) throws Exception {
        String resource;
        try (InputStream in = UseLib.class.getClassLoader().getResourceAsStream("modjvm-resource.txt")) {
            resource = in == null ? "no resource" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
        return List.of((Greeter.greet("app") + "\n" + resource).getBytes(StandardCharsets.UTF_8));
    }
}
