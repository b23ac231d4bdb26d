package org.modjvm.express;

import java.lang.reflect.Method;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Compiles the application into mod_jvm's compiled-class cache while Apache and its daemon
 * process start (start-server, cold cache only): the daemon's first load then waits for the
 * cache directory's compile lock, which this process holds, and reads the result instead of
 * starting a compiler JVM of its own after its own start-up. Run by {@link Server} as the user
 * the application runs as, with {@code <java-home>/bin/java -cp mod_jvm-express.jar:mod_jvm-runtime.jar:mod_jvm-api.jar}.
 *
 * <p>It only drives the runtime's own compiler process entry point
 * ({@code org.modjvm.runtime.CompileMain}, same compiler, key and checks); the cache key comes from
 * the runtime itself. Anything unexpected (another runtime version, a cache entry already there)
 * ends it quietly: the server then compiles as it always does.
 *
 * <p>Arguments: {@code CACHE-DIR UID SOURCE}.
 */
public final class Precompile {
    private Precompile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.exit(2);
        }
        Path cache = Path.of(args[0]);
        Path source = Path.of(args[2]);
        try (FileChannel channel = FileChannel.open(cache.resolve(".compile.lock"),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
             FileLock lock = channel.lock()) {
            byte[] bytes = Files.readAllBytes(source);
            Class<?> scriptSource = Class.forName("org.modjvm.runtime.ScriptSource");
            Method sha256 = scriptSource.getDeclaredMethod("sha256", byte[][].class);
            sha256.setAccessible(true);
            Class<?> classCache = Class.forName("org.modjvm.runtime.CompiledClassCache");
            Method key = classCache.getDeclaredMethod("key", byte[].class);
            key.setAccessible(true);
            String k = (String) key.invoke(null, sha256.invoke(null, (Object) new byte[][] {bytes}));
            if (Files.exists(cache.resolve(k + ".jar"), LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Class<?> compileMain = Class.forName("org.modjvm.runtime.CompileMain");
            // CompileMain ends the JVM (System.exit): the kernel releases the lock then
            compileMain.getMethod("main", String[].class).invoke(null, (Object) new String[] {
                "cache=" + cache, "uid=" + args[1], "key=" + k, "source=" + source, "script=" + source});
        }
    }
}
