// Test app for BadInputResponseTest: responses that break the contract, selected by the query
// "case=NAME". Strings come hex-encoded, 4 hex digits per UTF-16 char (v=0041 is "A"), so that the
// test can pass CR, LF, NUL and any other char. The well-formed part of every answer carries the
// header X-App-Marker: yes and the body "APPBODY".
//   status  v: the status line
//   hname   v: a header name (value "x")         hvalue  v: the value of header X-Test
//   hnullname / hnullvalue / hnulllist / hnullentry — null where a String or the list belongs
//   cl      v: Content-Length value, n: body length (bytes of 'b')
//   cl2     a, b: two Content-Length headers, body of length n
//   chunk   type: string | null | integer | chars | readonly | direct | heap | emptyonly | badafter
//   starttwice — start, start again without excInfo
//   writebefore — write() through the StartResponse before start was called
//   lateexc — a chunk, then start with excInfo (rethrown: the head was sent)
//   nobody  v: the status line ("204 No Content", "304 Not Modified"), with a body all the same
//   second  — "ok second" (the follow-up request of a pipelined pair)
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.modjvm.StartResponse;
import org.modjvm.Write;

public class FaultResponse {
    static final byte[] BODY = "APPBODY".getBytes(StandardCharsets.US_ASCII);

    static Map<String, String> query(Map<String, Object> environ) {
        Map<String, String> q = new HashMap<>();
        String qs = (String) environ.get("QUERY_STRING");
        if (qs != null) for (String p : qs.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) q.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return q;
    }

    static String hex(String h) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i + 4 <= h.length(); i += 4) b.append((char) Integer.parseInt(h.substring(i, i + 4), 16));
        return b.toString();
    }

    static List<Map.Entry<String, String>> headers(String name, String value) {
        List<Map.Entry<String, String>> h = new ArrayList<>();
        h.add(new SimpleEntry<>("Content-Type", "text/plain"));
        h.add(new SimpleEntry<>("X-App-Marker", "yes"));
        if (name != null || value != null) h.add(new SimpleEntry<>(name, value));
        return h;
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'b');
        return b;
    }

    public static Iterable<?> application(Map<String, Object> environ, StartResponse sr) throws Exception {
        Map<String, String> q = query(environ);
        String v = hex(q.getOrDefault("v", ""));
        switch (q.getOrDefault("case", "second")) {
            case "status":
                sr.start(v, headers(null, null));
                return List.of(BODY);
            case "hname":
                sr.start("200 OK", headers(v, "x"));
                return List.of(BODY);
            case "hvalue":
                sr.start("200 OK", headers("X-Test", v));
                return List.of(BODY);
            case "hnullname":
                sr.start("200 OK", headers(null, "x"));
                return List.of(BODY);
            case "hnullvalue":
                sr.start("200 OK", headers("X-Test", null));
                return List.of(BODY);
            case "hnulllist":
                sr.start("200 OK", null);
                return List.of(BODY);
            case "hnullentry": {
                List<Map.Entry<String, String>> h = headers(null, null);
                h.add(null);
                sr.start("200 OK", h);
                return List.of(BODY);
            }
            case "cl": {
                List<Map.Entry<String, String>> h = headers("Content-Length", v);
                sr.start("200 OK", h);
                return List.of(bytes(Integer.parseInt(q.getOrDefault("n", "5"))));
            }
            case "cl2": {
                List<Map.Entry<String, String>> h = headers("Content-Length", q.get("a"));
                h.add(new SimpleEntry<>("Content-Length", q.get("b")));
                sr.start("200 OK", h);
                return List.of(bytes(Integer.parseInt(q.getOrDefault("n", "5"))));
            }
            case "chunk": {
                sr.start("200 OK", headers(null, null));
                switch (q.getOrDefault("type", "")) {
                    case "string": return List.of("APPBODY as a String");
                    case "null": return Arrays.asList((Object) null);
                    case "integer": return List.of(42);
                    case "chars": return List.<Object>of("APPBODY".toCharArray());
                    case "readonly": return List.of(ByteBuffer.wrap(BODY).asReadOnlyBuffer());
                    case "direct": {
                        ByteBuffer d = ByteBuffer.allocateDirect(BODY.length);
                        d.put(BODY).flip();
                        return List.of(d);
                    }
                    case "heap": return List.of(ByteBuffer.wrap(BODY));
                    case "emptyonly": return List.of(new byte[0], ByteBuffer.allocate(0), new byte[0]);
                    case "badafter": {
                        // a lazy iterable: the first chunk is flushed (the head is out) before the bad one
                        Iterable<Object> it = () -> List.<Object>of(BODY, "a String after the head was sent").iterator();
                        return it;
                    }
                    default: throw new IllegalArgumentException("type?");
                }
            }
            case "starttwice":
                sr.start("200 OK", headers(null, null));
                sr.start("201 Created", headers("X-Second", "yes"));
                return List.of(BODY);
            case "writebefore":
                ((Write) (Object) sr).write(BODY);
                sr.start("200 OK", headers(null, null));
                return List.of(BODY);
            case "lateexc": {
                Iterable<Object> it = () -> new java.util.Iterator<Object>() {
                    int i;
                    public boolean hasNext() { return i < 2; }
                    public Object next() {
                        if (i++ == 0) return BODY;
                        sr.start("500 Internal Server Error", headers("X-Late", "yes"), new IllegalStateException("late failure"));
                        return "start with excInfo returned normally".getBytes(StandardCharsets.US_ASCII);
                    }
                };
                sr.start("200 OK", headers(null, null));
                return it;
            }
            case "nobody":
                sr.start(v, headers(null, null));
                return List.of(BODY);
            default: {
                byte[] b = "ok second".getBytes(StandardCharsets.US_ASCII);
                sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain"),
                        Map.entry("Content-Length", Integer.toString(b.length))));
                return List.of(b);
            }
        }
    }
}
