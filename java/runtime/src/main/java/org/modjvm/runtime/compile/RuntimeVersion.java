package org.modjvm.runtime.compile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The runtime's own version (from the build), part of the compiled-class cache key: a new
 * runtime may compile differently, so it never reuses an older runtime's classes.
 */
public final class RuntimeVersion {
    /** Where the build writes the version, inside mod_jvm-runtime.jar. */
    private static final String RESOURCE = "org/modjvm/runtime/runtime.properties";

    /** This runtime's version. */
    public static final String VALUE = load();

    private RuntimeVersion() {
    }

    private static String load() {
        try (InputStream in = RuntimeVersion.class.getResourceAsStream("/" + RESOURCE)) {
            if (in != null) {
                return version(in, "unknown");
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "unknown";
    }

    /**
     * The version of the runtime in {@code runtimeJar} (another installation's, e.g. the one
     * Apache loads), or {@code null} when the jar cannot be read or says none.
     */
    public static String ofJar(Path runtimeJar) {
        try (ZipFile jar = new ZipFile(runtimeJar.toFile())) {
            ZipEntry entry = jar.getEntry(RESOURCE);
            if (entry == null) {
                return null;
            }
            try (InputStream in = jar.getInputStream(entry)) {
                return version(in, null);
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static String version(InputStream in, String fallback) throws IOException {
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty("version", fallback);
    }
}
