// Test app: NullPointerExceptions from hot (JIT-compiled) code. Each request runs a hot loop
// in which some calls dereference null (caught), then lets one NPE escape from the same method.
import java.util.Map;
import org.modjvm.StartResponse;

public class Npe {
    static int hot(String s) {
        return s.length();
    }

    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
        int sum = 0;
        for (int i = 0; i < 2000; i++) {
            try {
                sum += hot(i % 100 == 99 ? null : "abc");
            } catch (NullPointerException e) {
                sum--;
            }
        }
        String nothing = sum == Integer.MIN_VALUE ? "never" : null;
        sum += hot(nothing); // throws
        throw new AssertionError("unreachable " + sum);
    }
}
