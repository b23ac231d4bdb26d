// Test app: the application is a static field implementing org.modjvm.Application.
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.modjvm.Application;

public class FieldApp {
    public static final Application application = (environ, sr) -> {
        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
        return List.of("field:application".getBytes(StandardCharsets.US_ASCII));
    };
}
