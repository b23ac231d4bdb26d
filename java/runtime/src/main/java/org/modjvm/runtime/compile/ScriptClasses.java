package org.modjvm.runtime.compile;

import java.net.URL;
import java.util.Map;

/**
 * The classes of one script version, as bytes not yet defined: compiled from source, read
 * from the disk cache, or read from a jar.
 *
 * @param classes        binary class name → class file bytes
 * @param mainClass      the jar manifest's {@code Application-Class}, else {@code null}
 * @param resources      resource name → URL (jar entries that are not classes)
 * @param origin         how they were obtained, for the load log line
 * @param jar            they come from a jar (whose application class the manifest names)
 */
public record ScriptClasses(Map<String, byte[]> classes, String mainClass, Map<String, URL> resources, String origin,
                     boolean jar) {
}
