package org.modjvm.tests;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The smoke web application (resources webapps/smoke and webapps/smoke-src): its servlet and
 * listener compiled here against the Servlet API of the module's own engine, as an exploded
 * directory or a WAR.
 */
final class SmokeWebApp {
    private SmokeWebApp() {
    }

    /** Builds the exploded web application into {@code target} (made). */
    static Path exploded(Path target) {
        try {
            Path resources = Paths.get(SmokeWebApp.class.getResource("/webapps/smoke").toURI());
            Path sources = Paths.get(SmokeWebApp.class.getResource("/webapps/smoke-src").toURI());
            copyTree(resources, target);
            Path classes = target.resolve("WEB-INF/classes");
            Files.createDirectories(classes);
            List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
                    ApacheServer.moduleDir().resolve("servlet/tomcat-embed-core.jar").toString(), "--release", "17"));
            try (Stream<Path> files = Files.list(sources)) {
                files.forEach(f -> args.add(f.toString()));
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            if (javac.run(null, null, null, args.toArray(String[]::new)) != 0) {
                throw new AssertionError("the smoke web application does not compile");
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** Packs the exploded web application {@code exploded} into the WAR {@code war}. */
    static Path war(Path exploded, Path war) {
        try {
            Files.createDirectories(war.getParent());
            try (OutputStream out = Files.newOutputStream(war); JarOutputStream jar = new JarOutputStream(out);
                 Stream<Path> files = Files.walk(exploded)) {
                for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                    String name = exploded.relativize(file).toString().replace('\\', '/');
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (Files.isDirectory(file)) {
                        jar.putNextEntry(new JarEntry(name + "/"));
                    } else {
                        jar.putNextEntry(new JarEntry(name));
                        Files.copy(file, jar);
                    }
                    jar.closeEntry();
                }
            }
            return war;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
