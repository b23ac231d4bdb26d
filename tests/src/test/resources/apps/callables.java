// Test app: several callables in one script: the default method "application",
// another method "other", and a static field "handler" implementing org.modjvm.Application.
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.modjvm.Application;
import org.modjvm.StartResponse;

public class Callables {
    static Iterable<byte[]> answer(String who, Map<String, Object> environ, StartResponse sr) {
        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
        return List.of((who + " callable=" + environ.get("mod_jvm.callable_object")
                + " group=" + environ.get("mod_jvm.application_group")).getBytes(StandardCharsets.US_ASCII));
    }

    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
        return answer("method:application", environ, sr);
    }

    public static Iterable<byte[]> other(Map<String, Object> environ, StartResponse sr) {
        return answer("method:other", environ, sr);
    }

    public static final Application handler = (environ, sr) -> answer("field:handler", environ, sr);
}

// a second top-level class: reachable with callable=Helper::application
class Helper {
    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
        return Callables.answer("Helper::application", environ, sr);
    }
}
