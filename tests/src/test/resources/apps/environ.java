// Test app: dumps the environ, one "key<TAB>kind<TAB>value" line per entry, sorted by key.
// The file name (environ.java) deliberately differs from the class name.
// Strings are written back as ISO-8859-1, so the test sees the exact bytes Apache saw.
// It reads the whole request body and adds "@body.length" / "@body.sha256" lines,
// plus a few "@..." facts about the JVM it runs in.
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.modjvm.FileWrapper;
import org.modjvm.StartResponse;

public class EnvironDump {
    static String kind(Object v) {
        if (v == null) return "null";
        if (v instanceof String) return "String";
        if (v instanceof Boolean) return "Boolean";
        if (v instanceof Integer) return "Integer";
        if (v instanceof List) return "List";
        if (v instanceof PrintStream) return "PrintStream";
        if (v instanceof InputStream) return "InputStream";
        if (v instanceof FileWrapper) return "FileWrapper";
        return "other:" + v.getClass().getName();
    }

    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long length = 0;
        InputStream in = (InputStream) environ.get("jvm.input");
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) >= 0) {
            sha.update(buf, 0, n);
            length += n;
        }
        Map<String, String> lines = new TreeMap<>();
        for (Map.Entry<String, Object> e : environ.entrySet()) {
            Object v = e.getValue();
            String kind = kind(v);
            String text;
            if (v instanceof String || v instanceof Boolean || v instanceof Integer) {
                text = String.valueOf(v);
            } else if (v instanceof List) {
                List<String> items = new ArrayList<>();
                for (Object o : (List<?>) v) items.add(o == null ? "null" : o.getClass().getSimpleName() + ":" + o);
                text = String.join(",", items);
            } else {
                text = "";
            }
            lines.put(e.getKey(), kind + "\t" + text);
        }
        lines.put("@body.length", "long\t" + length);
        lines.put("@body.sha256", "String\t" + HexFormat.of().formatHex(sha.digest()));
        lines.put("@pid", "long\t" + ProcessHandle.current().pid());
        lines.put("@sysprop.modjvm.test", "String\t" + System.getProperty("modjvm.test"));
        lines.put("@sysprop.modjvm.test2", "String\t" + System.getProperty("modjvm.test2"));
        lines.put("@maxMemory", "long\t" + Runtime.getRuntime().maxMemory());
        lines.put("@java.home", "String\t" + System.getProperty("java.home"));
        lines.put("@java.class.path", "String\t" + System.getProperty("java.class.path"));
        lines.put("@class", "String\t" + EnvironDump.class.getName());
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : lines.entrySet()) {
            out.append(e.getKey()).append('\t').append(e.getValue()).append('\n');
        }
        byte[] body = out.toString().getBytes(StandardCharsets.ISO_8859_1);
        startResponse.start("200 OK", List.of(
                Map.entry("Content-Type", "text/plain; charset=iso-8859-1"),
                Map.entry("X-Environ-Method", String.valueOf(environ.get("REQUEST_METHOD"))),
                Map.entry("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }
}
