// Test app: misbehaving applications, selected by the query "case=NAME&tag=UNIQUE".
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.modjvm.StartResponse;

public class ErrorsApp {
    static final List<Map.Entry<String, String>> TEXT = List.of(Map.entry("Content-Type", "text/plain"));

    static List<Map.Entry<String, String>> with(String name, String value) {
        List<Map.Entry<String, String>> h = new ArrayList<>(TEXT);
        h.add(new java.util.AbstractMap.SimpleEntry<>(name, value));
        return h;
    }

    public static Iterable<?> application(Map<String, Object> environ, StartResponse sr) throws Exception {
        Map<String, String> q = new HashMap<>();
        String qs = (String) environ.get("QUERY_STRING");
        if (qs != null) for (String p : qs.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) q.put(p.substring(0, eq), p.substring(eq + 1));
        }
        String tag = q.getOrDefault("tag", "none");
        byte[] ok = ("ok " + tag + "\n").getBytes(StandardCharsets.US_ASCII);
        switch (q.getOrDefault("case", "")) {
            case "throw":
                throw new IllegalArgumentException("boom-" + tag);
            case "badstatus":
                sr.start("OK 200", TEXT);
                return List.of(ok);
            case "badstatus2":
                sr.start("2000 Very OK", TEXT);
                return List.of(ok);
            case "crlfvalue":
                sr.start("200 OK", with("X-Evil", "a\r\nX-Injected: 1"));
                return List.of(ok);
            case "badname":
                sr.start("200 OK", with("Bad Name", "v"));
                return List.of(ok);
            case "colonname":
                sr.start("200 OK", with("X-Colon:Name", "v"));
                return List.of(ok);
            case "connection":
                sr.start("200 OK", with("Connection", "close"));
                return List.of(ok);
            case "transferencoding":
                sr.start("200 OK", with("Transfer-Encoding", "chunked"));
                return List.of(ok);
            case "nostart":
                return List.of(ok);
            case "nullbody":
                sr.start("200 OK", TEXT);
                return null;
            case "nullchunk":
                sr.start("200 OK", TEXT);
                return Arrays.asList(new byte[][] {null, ok}); // null first: nothing sent yet, so a 500
            case "stringchunk":
                sr.start("200 OK", TEXT);
                return List.<Object>of("a String is not a chunk");
            case "starttwice":
                sr.start("200 OK", TEXT);
                sr.start("201 Created", TEXT);
                return List.of(ok);
            case "excinfo":
                // start again from an error handler before anything was sent: replaces the head
                sr.start("200 OK", TEXT);
                sr.start("503 Service Unavailable", with("X-Replaced", "yes"), new RuntimeException("handled " + tag));
                return List.of(("replaced " + tag + "\n").getBytes(StandardCharsets.US_ASCII));
            case "emptythenthrow":
                // an empty chunk sends nothing, so the failure can still become a 500
                sr.start("200 OK", TEXT);
                Iterable<byte[]> failing = () -> new java.util.Iterator<byte[]>() {
                    int i = 0;
                    public boolean hasNext() { return true; }
                    public byte[] next() {
                        if (i++ == 0) return new byte[0];
                        throw new IllegalStateException("late-failure-" + tag);
                    }
                };
                return failing;
            case "empty":
                sr.start("200 OK", TEXT);
                return List.of(new byte[0]);
            case "stdout":
                System.out.println("SYSOUT-MARKER " + tag);
                System.out.flush();
                System.err.println("SYSERR-MARKER " + tag);
                System.err.flush();
                sr.start("200 OK", TEXT);
                return List.of(ok);
            case "jvmerrors": {
                java.io.PrintStream errors = (java.io.PrintStream) environ.get("jvm.errors");
                errors.println("ERRORS-MARKER " + tag);
                errors.flush();
                sr.start("200 OK", TEXT);
                return List.of(ok);
            }
            default:
                sr.start("200 OK", TEXT);
                return List.of(ok);
        }
    }
}
