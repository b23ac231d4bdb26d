// Test app: HTTP details. Query "case=headers": repeated and Latin-1 response headers;
// "case=status&s=NNN+Reason": that status line (with '+' for spaces).
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.modjvm.StartResponse;

public class Proto {
    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
        String qs = String.valueOf(environ.get("QUERY_STRING"));
        List<Map.Entry<String, String>> h = new ArrayList<>();
        h.add(Map.entry("Content-Type", "text/plain"));
        if (qs.startsWith("case=headers")) {
            h.add(Map.entry("Set-Cookie", "a=1; Path=/"));
            h.add(Map.entry("X-Order", "first"));
            h.add(Map.entry("Set-Cookie", "b=2; Path=/"));
            h.add(Map.entry("Set-Cookie", "c=3; Path=/"));
            h.add(Map.entry("X-Order", "second"));
            h.add(Map.entry("X-Latin", "caf\u00e9 \u00ff"));
            h.add(Map.entry("X-Tab", "a\tb"));
            h.add(Map.entry("X-Empty", ""));
            sr.start("200 OK", h);
            return List.of("headers".getBytes(StandardCharsets.US_ASCII));
        }
        if (qs.startsWith("case=status&s=")) {
            String status = qs.substring("case=status&s=".length()).replace('+', ' ');
            if (status.startsWith("201")) h.add(Map.entry("Location", "/created/1"));
            sr.start(status, h);
            if (status.startsWith("204") || status.startsWith("304")) return List.of();
            return List.of(("status " + status).getBytes(StandardCharsets.US_ASCII));
        }
        sr.start("400 Bad Request", h);
        return List.of("unknown case".getBytes(StandardCharsets.US_ASCII));
    }
}
