// Test app: a big body of a known pattern: byte i is (i % 251). Query: size (bytes),
// chunk (bytes per chunk), cl=1 (send Content-Length), direct=1 (direct ByteBuffer chunks).
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.modjvm.StartResponse;

public class Big {
    public static Iterable<Object> application(Map<String, Object> environ, StartResponse startResponse) {
        Map<String, String> q = new HashMap<>();
        String qs = (String) environ.get("QUERY_STRING");
        if (qs != null) for (String p : qs.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) q.put(p.substring(0, eq), p.substring(eq + 1));
        }
        long size = Long.parseLong(q.getOrDefault("size", "1048576"));
        int chunk = Integer.parseInt(q.getOrDefault("chunk", "65536"));
        boolean direct = "1".equals(q.get("direct"));
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("Content-Type", "application/octet-stream"));
        // clextra: declare a Content-Length that differs from the real size by this many bytes
        long declared = size + Long.parseLong(q.getOrDefault("clextra", "0"));
        if ("1".equals(q.get("cl"))) headers.add(Map.entry("Content-Length", Long.toString(declared)));
        startResponse.start("200 OK", headers);
        return () -> new Iterator<Object>() {
            long pos = 0;
            public boolean hasNext() { return pos < size; }
            public Object next() {
                int len = (int) Math.min(chunk, size - pos);
                byte[] b = new byte[len];
                for (int i = 0; i < len; i++) b[i] = (byte) ((pos + i) % 251);
                pos += len;
                if (direct) {
                    ByteBuffer bb = ByteBuffer.allocateDirect(len);
                    bb.put(b).flip();
                    return bb;
                }
                return b;
            }
        };
    }
}
