package org.modjvm.express;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.modjvm.runtime.CompileMain;
import org.modjvm.runtime.compile.CacheKey;

/**
 * Compiles the application into mod_jvm's compiled-class cache while Apache and its daemon
 * process start (start-server, cold cache only): the daemon's first load then waits for the
 * cache directory's compile lock, which this process holds, and reads the result instead of
 * starting a compiler JVM of its own after its own start-up. Run by {@link Server} as the user
 * the application runs as, with {@code <java-home>/bin/java -cp mod_jvm-express.jar:mod_jvm-runtime.jar:mod_jvm-api.jar}.
 *
 * <p>It only drives the runtime's own compiler process entry point ({@link CompileMain}, same
 * compiler, key and checks) through the runtime's public cache API ({@link CacheKey}). Anything
 * unexpected (another runtime version, a cache entry already there) ends it quietly: the server
 * then compiles as it always does.
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
        try (FileChannel channel = FileChannel.open(cache.resolve(CacheKey.LOCK_FILE),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
             FileLock lock = channel.lock()) {
            String key = CacheKey.of(Files.readAllBytes(source));
            if (Files.exists(CacheKey.entry(cache, key), LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            // CompileMain ends the JVM (System.exit): the kernel releases the lock then
            CompileMain.main(new String[] {
                "cache=" + cache, "uid=" + args[1], "key=" + key, "source=" + source, "script=" + source});
        }
    }
}
