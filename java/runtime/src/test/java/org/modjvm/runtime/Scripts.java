package org.modjvm.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Writes test scripts (sources and jars) the way a developer would, with distinct mtimes. */
public final class Scripts {
    private static final AtomicLong CLOCK = new AtomicLong(1_700_000_000_000L);

    private Scripts() {
    }

    public static final String IMPORTS = "import java.util.*;\nimport org.modjvm.*;\n";

    /** A source whose class {@code className} answers {@code body} as text/plain. */
    public static String hello(String className, String body) {
        return IMPORTS
                + "public class " + className + " {\n"
                + "    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse startResponse) {\n"
                + "        startResponse.start(\"200 OK\", List.of(Map.entry(\"Content-Type\", \"text/plain\")));\n"
                + "        return List.of(" + body + ".getBytes());\n"
                + "    }\n"
                + "}\n";
    }

    /** Writes {@code text} and gives the file a new, distinct modification time. */
    public static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        touch(file);
        return file;
    }

    public static void touch(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(CLOCK.addAndGet(1000)));
    }

    /** mtime as C sends it: apr_time_t, microseconds. */
    public static long mtime(Path file) throws IOException {
        return Files.getLastModifiedTime(file).to(TimeUnit.MICROSECONDS);
    }

    public static void jar(Path file, Map<String, byte[]> classes, String applicationClass, Map<String, String> resources)
            throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (applicationClass != null) {
            manifest.getMainAttributes().putValue("Application-Class", applicationClass);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
                jar.putNextEntry(new ZipEntry(entry.getKey().replace('.', '/') + ".class"));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
            for (Map.Entry<String, String> entry : resources.entrySet()) {
                jar.putNextEntry(new ZipEntry(entry.getKey()));
                jar.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        touch(file);
    }
}
