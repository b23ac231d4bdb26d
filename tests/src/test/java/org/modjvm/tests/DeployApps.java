package org.modjvm.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Web applications for the deployment tests (ServletFaultTest, ServletDeployTest,
 * ServletJavaxTest): variants of the smoke application (SmokeWebApp) broken or changed on
 * purpose, sources compiled here, files replaced the way a deployment replaces them.
 */
final class DeployApps {
    private DeployApps() {
    }

    /** The smoke application, exploded into {@code target}, its web.xml given {@code extra} before its end. */
    static Path smokeWith(Path target, String extraWebXml) {
        SmokeWebApp.exploded(target);
        if (!extraWebXml.isEmpty()) {
            Path webXml = target.resolve("WEB-INF/web.xml");
            String xml = read(webXml);
            write(webXml, xml.replace("</web-app>", extraWebXml + "\n</web-app>"));
        }
        return target;
    }

    /** The smoke application's web.xml. */
    static String smokeWebXml() {
        try (java.io.InputStream in = DeployApps.class.getResourceAsStream("/webapps/smoke/WEB-INF/web.xml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A web.xml that does not parse: the smoke one with an end tag cut short. */
    static String unparsableWebXml() {
        return smokeWebXml().replaceFirst("</error-code>", "</error-code");
    }

    /** Compiles {@code sources} (Java text by class simple name, in package {@code pkg}) into {@code classes}. */
    static void compile(Path classes, String classPath, List<String> sources) {
        try {
            Path dir = Files.createTempDirectory("modjvm-src-");
            List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", classPath,
                    "--release", "17", "-proc:none"));
            for (String source : sources) {
                String name = source.replaceAll("(?s).*?public\\s+(?:final\\s+)?class\\s+(\\w+).*", "$1");
                Path file = dir.resolve(name + ".java");
                Files.writeString(file, source);
                args.add(file.toString());
            }
            Files.createDirectories(classes);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            int status = javac.run(null, null, null, args.toArray(String[]::new));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
            if (status != 0) {
                throw new AssertionError("test sources do not compile: " + sources);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Servlet API jar of the module's engine (what jakarta applications compile against). */
    static String engineApi() {
        return ApacheServer.moduleDir().resolve("servlet/tomcat-embed-core.jar").toString();
    }

    /**
     * Replaces {@code file} with {@code content} as a deployment does (a new file renamed over
     * the old one, never a half-written file in place), readable by everyone, with a modification
     * time one second later than the old one's so the change is seen even where a file system
     * keeps whole seconds.
     */
    static void replace(Path file, byte[] content) {
        try {
            FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            Path temp = file.resolveSibling("." + file.getFileName() + ".new");
            Files.write(temp, content);
            if (before != null) {
                Files.setLastModifiedTime(temp, FileTime.fromMillis(Math.max(System.currentTimeMillis(),
                        before.toMillis() + 1000)));
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void replace(Path file, String content) {
        replace(file, content.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        return new String(bytes(file), StandardCharsets.UTF_8);
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new directory for build output under {@code server}'s root (removed with it). */
    static Path scratch(ApacheServer server, String prefix) {
        try {
            Path build = server.root().resolve("build");
            Files.createDirectories(build);
            return Files.createTempDirectory(build, prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a directory tree (made readable by ApacheServer.makeReadable at start, or by the caller). */
    static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
