package org.modjvm.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The test web applications of tests/webapps (real frameworks from Maven Central), built by the
 * reactor before this module: {@code tests/webapps/NAME/target/NAME.war}, and the exploded
 * directory the war plugin assembles it from, {@code tests/webapps/NAME/target/NAME/}. As for
 * native/target/module, {@code mvn -pl tests test} uses what the last build made.
 *
 * <p>Names: {@code servlet-plain}, {@code spring-mvc}, {@code jersey}, {@code hello},
 * {@code broken-listener}, {@code broken-webxml}, {@code broken-missing-class}, {@code javax}
 * (see {@link #ALL}). Both forms are build output: a test that changes a web application
 * (reload tests) copies it first ({@link #copyExploded}, or Files.copy of the WAR).
 */
public final class WebApps {
    /** Every web application the build makes. */
    public static final List<String> ALL = List.of("servlet-plain", "spring-mvc", "jersey", "hello",
            "broken-listener", "broken-webxml", "broken-missing-class", "javax");

    private WebApps() {
    }

    /** tests/webapps (-Dmodjvm.webappsDir, set by the build). */
    public static Path dir() {
        return Paths.get(System.getProperty("modjvm.webappsDir", "webapps")).toAbsolutePath().normalize();
    }

    /** The WAR file of {@code name}, which must exist. */
    public static Path war(String name) {
        Path war = dir().resolve(name).resolve("target").resolve(name + ".war");
        if (!Files.isRegularFile(war)) {
            throw new AssertionError(missing(name, war));
        }
        return war;
    }

    /**
     * The Spring Boot executable jar of {@code name} ({@code target/NAME.jar}, repackaged by Boot's
     * plugin), which must exist. The tests' Boot groups run with {@code -XX:TieredStopAtLevel=1} in
     * their jvm-options: C1 only halves the CPU of a Boot start (boot4.jar alone: 6.4 s of user
     * time instead of 11.9 s, 7.3 s wall instead of 10.9 s, 2026-12-03), two Boot processes start
     * at once on the 2-core CI machine, and nothing the tests check depends on the JIT. bench/run
     * keeps the JVM's defaults.
     */
    public static Path bootJar(String name) {
        Path jar = dir().resolve(name).resolve("target").resolve(name + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(missing(name, jar));
        }
        return jar;
    }

    /** The exploded form of {@code name} (a directory with WEB-INF/), which must exist. */
    public static Path exploded(String name) {
        Path d = dir().resolve(name).resolve("target").resolve(name);
        if (!Files.isDirectory(d.resolve("WEB-INF"))) {
            throw new AssertionError(missing(name, d));
        }
        return d;
    }

    /** Copies the exploded form of {@code name} to {@code target} (created; files replaced). */
    public static Path copyExploded(String name, Path target) {
        Path from = exploded(name);
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(target.resolve(from.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.copy(file, target.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static String missing(String name, Path p) {
        return "test web application " + name + " not built: no " + p
                + (ALL.contains(name) ? "" : " (known: " + ALL + ")")
                + " (build them first: mvn -B package -DskipTests, or mvn -B -pl tests/webapps/" + name + " -am package)";
    }
}
