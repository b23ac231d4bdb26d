package org.modjvm.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The runtime's own version (from the build), part of the compiled-class cache key: a new
 * runtime may compile differently, so it never reuses an older runtime's classes.
 */
final class RuntimeVersion {
    /** Bump when the cache's layout or the compile options change within one version. */
    static final String CACHE_FORMAT = "1";

    static final String VALUE = load();

    private RuntimeVersion() {
    }

    private static String load() {
        try (InputStream in = RuntimeVersion.class.getResourceAsStream("runtime.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "unknown");
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "unknown";
    }
}
