// Test app: calls System.exit — the child's JVM goes away; Apache must replace the child.
import java.util.Map;
import org.modjvm.StartResponse;

public class Exit {
    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
        System.exit(3);
        throw new AssertionError("unreachable");
    }
}
