package org.modjvm.runtime.compile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The compiled-class cache as seen from outside the runtime: how a script's entry is named and
 * which file holds the directory's compile lock. The one place that computes the key: the
 * runtime's loads, its compiler process ({@code org.modjvm.runtime.CompileMain}) and
 * mod_jvm-express (which compiles ahead while Apache starts) all call it.
 *
 * <p>The key is the hex SHA-256 over the source's SHA-256, the Java feature version, the
 * runtime's version and the cache {@link #FORMAT}: a script compiled by another JDK or another
 * runtime is never reused.
 */
public final class CacheKey {
    /** Bump when the cache's layout or the compile options change within one runtime version. */
    public static final String FORMAT = "1";

    /**
     * The file of the directory's compile lock: whoever holds an exclusive {@code fcntl} lock on
     * it is compiling into the directory (the kernel releases it when the holder dies).
     */
    public static final String LOCK_FILE = ".compile.lock";

    private CacheKey() {
    }

    /** The key of {@code source} for this JVM's Java feature version and this runtime. */
    public static String of(byte[] source) {
        return ofSourceHash(ScriptSource.sha256(source));
    }

    /**
     * The key of {@code source} for another JVM or runtime (mod_jvm-express deciding, in its own
     * JVM, whether the server's JDK will find the script compiled).
     *
     * @param javaFeature    the Java feature version of the JVM that loads the script (17, 21 …)
     * @param runtimeVersion that JVM's runtime version ({@link RuntimeVersion#ofJar})
     */
    public static String of(byte[] source, int javaFeature, String runtimeVersion) {
        return key(ScriptSource.sha256(source), javaFeature, runtimeVersion);
    }

    /** The key of a source whose SHA-256 is {@code sourceSha256}, for this JVM and this runtime. */
    public static String ofSourceHash(byte[] sourceSha256) {
        return key(sourceSha256, Runtime.version().feature(), RuntimeVersion.VALUE);
    }

    /** The entry of {@code key} in the cache directory {@code directory}: a jar of the compiled classes. */
    public static Path entry(Path directory, String key) {
        return directory.resolve(key + ".jar");
    }

    private static String key(byte[] sourceSha256, int javaFeature, String runtimeVersion) {
        byte[] versions = ("\0java=" + javaFeature + "\0runtime=" + runtimeVersion + "\0format=" + FORMAT)
                .getBytes(StandardCharsets.UTF_8);
        return HexFormat.of().formatHex(ScriptSource.sha256(sourceSha256, versions));
    }
}
