package org.modjvm.runtime.apps;

import java.lang.invoke.MethodHandle;
import java.util.Map;
import org.modjvm.Application;
import org.modjvm.StartResponse;

/**
 * An application given as a static method: a method handle resolved once at load time and
 * adapted to {@code (Map, StartResponse) Iterable}, so a call is an {@code invokeExact}, no
 * reflection.
 */
final class MethodApplication implements Application {
    private final MethodHandle target;
    private final String name;

    /** @param target a handle of type {@code (Map, StartResponse) Iterable} */
    MethodApplication(MethodHandle target, String name) {
        this.target = target;
        this.name = name;
    }

    @Override
    public Iterable<?> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        try {
            return (Iterable<?>) target.invokeExact(environ, startResponse);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable other) {
            // a Throwable that is neither: rethrow unchanged, the runtime catches Throwable
            throw MethodApplication.<RuntimeException>sneakyThrow(other);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneakyThrow(Throwable error) throws T {
        throw (T) error;
    }

    @Override
    public String toString() {
        return name;
    }
}
