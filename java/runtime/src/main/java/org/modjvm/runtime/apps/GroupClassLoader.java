package org.modjvm.runtime.apps;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.modjvm.runtime.compile.ScriptClasses;
import org.modjvm.runtime.compile.ScriptLoadException;
import org.modjvm.runtime.log.Message;

/**
 * The class-loader space of one generation of an application group: every script of the
 * group loads its classes here, so they see each other's classes and static state, the way
 * mod_wsgi's scripts share a sub-interpreter. Different groups, and different generations of
 * one group, never share classes. The parent is the system class loader (the API and
 * JvmClassPath).
 *
 * <p>Classes are held as bytes and defined on first use; the bytes are dropped once defined
 * (a large jar must not sit twice in a 64 MB heap).
 */
final class GroupClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final String group;
    private final Map<String, Definition> definitions = new ConcurrentHashMap<>();
    private final Map<String, URL> resources = new ConcurrentHashMap<>();

    GroupClassLoader(String group, int generation) {
        // the name shows in stack traces ("group#2//App.application(app.java:8)"): short, and says which version ran
        super(group + "#" + generation, ClassLoader.getSystemClassLoader());
        this.group = group;
    }

    /**
     * Adds the classes of {@code script}, all or none. The parent loader always wins, so a
     * class the class path already has would never be used: a jar's copy (e.g. a bundled
     * mod_jvm-api) is skipped, a source's is an error.
     *
     * @return the names of the jar classes skipped because the class path has them
     * @throws ScriptLoadException if another script of the group already defines one of the
     *                             classes, or a source defines a class of the class path
     */
    synchronized List<String> add(Path script, ScriptClasses classes) throws ScriptLoadException {
        String scriptName = script.toString();
        Set<String> shadowed = new TreeSet<>();
        for (String name : classes.classes().keySet()) {
            if (getParent().getResource(name.replace('.', '/') + ".class") != null) {
                if (!classes.jar()) {
                    throw new ScriptLoadException(Message.JVM01214, "class " + name + " of " + scriptName
                            + " is also on the JVM's class path (JvmClassPath or the JDK), which would always win: rename it");
                }
                shadowed.add(name);
                continue;
            }
            Definition existing = definitions.get(name);
            if (existing != null && !existing.script.equals(scriptName)) {
                throw new ScriptLoadException(Message.JVM01214, "class " + name + " is defined by both " + existing.script
                        + " and " + scriptName + " in application group '" + group
                        + "': rename one, or mount them in different application groups");
            }
        }
        ProtectionDomain domain = new ProtectionDomain(new CodeSource(toUrl(script), (Certificate[]) null), null, this, null);
        for (Map.Entry<String, byte[]> entry : classes.classes().entrySet()) {
            if (!shadowed.contains(entry.getKey())) {
                definitions.put(entry.getKey(), new Definition(scriptName, entry.getValue(), domain));
            }
        }
        resources.putAll(classes.resources());
        return new ArrayList<>(shadowed);
    }

    /** The script that defined {@code className} in this loader, or {@code null}. */
    String scriptOf(String className) {
        Definition definition = definitions.get(className);
        return definition == null ? null : definition.script;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        Definition definition = definitions.get(name);
        byte[] bytes = definition == null ? null : definition.bytes;
        if (bytes == null) {
            // parallel-capable loadClass locks per name: defined once, so no bytes means not ours
            throw new ClassNotFoundException(name + " (not in application group '" + group + "')");
        }
        Class<?> defined = defineClass(name, bytes, 0, bytes.length, definition.domain);
        definition.bytes = null;
        return defined;
    }

    @Override
    protected URL findResource(String name) {
        return resources.get(name);
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        URL url = resources.get(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(url));
    }

    private static URL toUrl(Path script) {
        try {
            return script.toUri().toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            return null;
        }
    }

    private static final class Definition {
        final String script;
        final ProtectionDomain domain;
        volatile byte[] bytes;

        Definition(String script, byte[] bytes, ProtectionDomain domain) {
            this.script = script;
            this.bytes = bytes;
            this.domain = domain;
        }
    }
}
