// Test app: the write() callable and the file wrapper. Query "case=write" or "case=file".
import java.io.FileInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.modjvm.FileWrapper;
import org.modjvm.StartResponse;
import org.modjvm.Write;

public class Features {
    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) throws Exception {
        String qs = String.valueOf(environ.get("QUERY_STRING"));
        if (qs.contains("case=write")) {
            Write w = sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
            w.write("one,".getBytes(StandardCharsets.US_ASCII));
            w.write(ByteBuffer.wrap("two,".getBytes(StandardCharsets.US_ASCII)));
            return List.of("three".getBytes(StandardCharsets.US_ASCII));
        }
        FileWrapper fw = (FileWrapper) environ.get("jvm.file_wrapper");
        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
        return fw.wrap(new FileInputStream((String) environ.get("SCRIPT_FILENAME")), 7);
    }
}
