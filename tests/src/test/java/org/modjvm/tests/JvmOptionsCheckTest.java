package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JVM judges a group's jvm-options ({@code java <options> -version}, JVM00005) once per
 * Apache process for a JDK as it is on disk: Apache reads its configuration twice at each start
 * and again at each graceful restart, and each check is a JVM's start before the daemons start.
 * Changed options, or a JDK changed on disk, are judged again; options that name a file the JVM
 * reads (-XX:VMOptionsFile=) at every restart. Seen through a JDK whose
 * {@code bin/java} writes down each call before it runs the real one.
 */
@ExtendWith(DumpLogOnFailure.class)
class JvmOptionsCheckTest {

    @Test
    void optionsAreJudgedOncePerJdkAndOptionsAcrossStartsAndGracefulRestarts() throws IOException {
        // (outside the server root, whose files each start makes 0644)
        Path outside = Files.createTempDirectory("modjvm-it-jdk-");
        try (ApacheServer server = ApacheServer.create().name("options-check").processes(2)) {
            Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path calls = outside.resolve("java-calls.log");
            Path jdk = recordingJdk(outside.resolve("jdk"), ApacheServer.jvmHome().toRealPath(), calls);
            Path app = server.installApp("pid.java", "pid");
            Path included = server.writeFile("conf/group.conf", group("one"));
            server.config("JvmHome " + jdk + "\nInclude " + included + "\nJvmScriptAlias /pid " + app
                    + " process-group=checked\n").start();
            assertEquals(200, RawHttp.get(server.port(), "/pid").status());
            // the start's two configuration passes: one check (without the memory: two)
            assertEquals(1, checks(calls, "one"), () -> "calls: " + read(calls));

            restart(server);
            assertEquals(1, checks(calls, "one"), () -> "after a graceful restart, calls: " + read(calls));

            Files.writeString(included, group("two"));
            restart(server);
            assertEquals(1, checks(calls, "two"), () -> "options changed, calls: " + read(calls));

            // the JDK replaced in place (another bin/java): judged again
            Path java = jdk.resolve("bin/java");
            Files.setLastModifiedTime(java, FileTime.fromMillis(Files.getLastModifiedTime(java).toMillis() - 60_000));
            restart(server);
            assertEquals(2, checks(calls, "two"), () -> "bin/java changed, calls: " + read(calls));
            assertEquals(1, checks(calls, "one"), () -> "calls: " + read(calls));

            // options that name a file the JVM reads (here an options file, which may change before the
            // next graceful restart) are judged at each restart, not remembered
            Path optionsFile = outside.resolve("options.txt");
            Files.writeString(optionsFile, "-Dcheck.options-file=yes\n");
            Files.setPosixFilePermissions(optionsFile, PosixFilePermissions.fromString("rw-r--r--"));
            Files.writeString(included, group("three -XX:VMOptionsFile=" + optionsFile));
            restart(server);
            long once = checks(calls, "three");
            restart(server);
            assertEquals(once + 1, checks(calls, "three"), () -> "an options file, calls: " + read(calls));

            // a bad option still fails configtest, and a start (nothing remembered of a rejection)
            Files.writeString(included, group("two -Xmx1k"));
            ApacheServer.ConfigTest t = server.configtest();
            assertTrue(t.exitCode() != 0 && t.output().contains("JVM00005: JvmDaemonProcess checked:"
                    + " jvm-options: the JVM in " + jdk + " rejects these options"), t::output);
        } finally {
            try (Stream<Path> files = Files.walk(outside)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    static String group(String marker) {
        return "JvmDaemonProcess checked processes=1 threads=2 jvm-options=\"-Dcheck.marker=" + marker + "\"\n";
    }

    /** A graceful restart, and a request answered by the new generation's daemon. */
    static void restart(ApacheServer server) {
        long mark = server.errorLogMark();
        server.signal("USR1");
        server.awaitErrorLog(mark, "AH00489: .* resuming normal operations", Duration.ofSeconds(30));
        server.awaitErrorLog(mark, "JVM01300: daemon process of group checked ready", Duration.ofSeconds(60));
        assertEquals(200, RawHttp.get(server.port(), "/pid").status());
    }

    /** The {@code -version} calls (the checks) with -Dcheck.marker=marker. */
    static long checks(Path calls, String marker) {
        return read(calls).lines().filter(l -> l.endsWith(" -version") && l.contains(" -Dcheck.marker=" + marker + " "))
                .count();
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A JDK at dir made of links to home's files, but for bin/java: a script that appends its
     * arguments to calls (writable by the daemons' user too) and runs home's java.
     */
    static Path recordingJdk(Path dir, Path home, Path calls) throws IOException {
        Files.createDirectories(dir.resolve("bin"));
        try (Stream<Path> entries = Files.list(home)) {
            for (Path e : entries.toList()) {
                if (!e.getFileName().toString().equals("bin")) {
                    Files.createSymbolicLink(dir.resolve(e.getFileName().toString()), e);
                }
            }
        }
        try (Stream<Path> entries = Files.list(home.resolve("bin"))) {
            for (Path e : entries.toList()) {
                if (!e.getFileName().toString().equals("java")) {
                    Files.createSymbolicLink(dir.resolve("bin").resolve(e.getFileName().toString()), e);
                }
            }
        }
        Path java = dir.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"$*\" >> " + calls + "\nexec " + home.resolve("bin/java")
                + " \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(calls, "");
        Files.setPosixFilePermissions(calls, PosixFilePermissions.fromString("rw-rw-rw-"));
        return dir;
    }
}
