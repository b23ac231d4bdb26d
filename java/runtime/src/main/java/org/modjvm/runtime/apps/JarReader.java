package org.modjvm.runtime.apps;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.modjvm.runtime.compile.ScriptClasses;
import org.modjvm.runtime.compile.ScriptLoadException;
import org.modjvm.runtime.compile.ScriptSource;
import org.modjvm.runtime.log.Message;

/**
 * Reads the classes of a mounted jar from the snapshot of its bytes (the same bytes that were
 * hashed, so a jar replaced mid-read cannot mix versions). Resources are served from the jar
 * file on disk through {@code jar:} URLs — except for a jar whose owner was checked
 * (script-user=/script-group=): the file at its path may be someone else's by the time a
 * resource is read, so its resources are kept from the snapshot ({@link SnapshotResource}).
 */
final class JarReader {
    static final String APPLICATION_CLASS = "Application-Class";

    private JarReader() {
    }

    static ScriptClasses read(ScriptSource source) throws ScriptLoadException {
        Map<String, byte[]> classes = new HashMap<>();
        Map<String, URL> resources = new HashMap<>();
        String mainClass = null;
        String base = "jar:" + source.path().toAbsolutePath().toUri() + "!/";
        String snapshotBase = source.path().toAbsolutePath().toUri().getRawPath() + "!/";
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(source.bytes()))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                if (name.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                    Attributes attributes = new Manifest(zip).getMainAttributes();
                    String value = attributes.getValue(APPLICATION_CLASS);
                    mainClass = value == null || value.isBlank() ? null : value.trim();
                } else if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")) {
                    classes.put(name.substring(0, name.length() - 6).replace('/', '.'), zip.readAllBytes());
                } else if (source.ownerChecked()) {
                    resources.put(name, SnapshotResource.url(snapshotBase + name, zip.readAllBytes()));
                } else {
                    resources.put(name, new URL(base + name));
                }
            }
        } catch (MalformedURLException e) {
            throw new ScriptLoadException(Message.JVM01216, "jar " + source.path() + " has an entry that is not a valid URL: " + e);
        } catch (IOException | RuntimeException e) {
            throw new ScriptLoadException(Message.JVM01216, "cannot read jar " + source.path() + ": " + e);
        }
        if (classes.isEmpty()) {
            throw new ScriptLoadException(Message.JVM01216, "jar " + source.path() + " contains no classes");
        }
        return new ScriptClasses(classes, mainClass, resources, "read from the jar", true);
    }
}
