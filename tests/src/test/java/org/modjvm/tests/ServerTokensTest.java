package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The module's product tokens, as mod_wsgi has "mod_wsgi/4.9.4 Python/3.11": "mod_jvm/VERSION
 * Java/VERSION-OF-JvmHome". Apache shows them in the Server header and SERVER_SOFTWARE under
 * ServerTokens Full only, and always in its own server description (the error log's
 * "configured -- resuming normal operations" line).
 */
@ExtendWith(DumpLogOnFailure.class)
class ServerTokensTest {
    /** The line Apache logs at every start (AH00489 event/worker, AH00163 prefork) with the description. */
    static final Pattern RESUMING = Pattern.compile("^.*AH00(?:489|163): (.*) configured -- resuming normal operations.*$",
            Pattern.MULTILINE);

    /** "mod_jvm/0.1.0-SNAPSHOT": the version the build gave the module (tests/pom.xml). */
    static String moduleToken() {
        String v = System.getProperty("modjvm.version");
        assertTrue(v != null && !v.isBlank() && !v.startsWith("${"), "-Dmodjvm.version (set by tests/pom.xml)");
        return "mod_jvm/" + v;
    }

    /** The version of the JDK at home, asked of the JDK itself ({@code bin/java -version}), not read from its release file. */
    static String javaVersion(Path home) {
        try {
            Process p = new ProcessBuilder(home.resolve("bin/java").toString(), "-version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -version did not finish");
            Matcher m = Pattern.compile("version \"([^\"]+)\"").matcher(out);
            assertTrue(m.find(), () -> home + "/bin/java -version: " + out);
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String serverHeader(ApacheServer server, String path) {
        RawHttp.Response r = RawHttp.get(server.port(), path);
        String h = r.header("Server");
        assertTrue(h != null, () -> "no Server header: " + r);
        return h;
    }

    static String description(ApacheServer server) {
        Matcher m = RESUMING.matcher(server.errorLog());
        assertTrue(m.find(), () -> "no 'configured -- resuming normal operations' line:\n" + server.errorLog());
        return m.group(1);
    }

    /** Mounts the environ app embedded at /e and in daemon group "tok" at /d. */
    static void mountEnviron(ApacheServer server) {
        Path environ = server.installApp("environ.java", "environ");
        server.config("""
                JvmDaemonProcess tok processes=1 threads=2
                JvmScriptAlias /e %1$s
                JvmScriptAlias /d %1$s process-group=tok
                """.formatted(environ));
    }

    @Test
    void fullNamesModuleAndJavaInTheServerHeaderAndServerSoftwareOfBothModes() {
        Path home = ApacheServer.jvmHome();
        String java = "Java/" + javaVersion(home);
        try (ApacheServer server = ApacheServer.create().name("tokens-full")) {
            server.config("ServerTokens Full\nJvmHome " + home);
            mountEnviron(server);
            server.start();
            String header = serverHeader(server, "/e");
            // "Apache/2.4.x (Debian) mod_jvm/V Java/J", the module's two tokens side by side
            assertTrue(header.matches("Apache/\\S+ \\(.*\\)( \\S+)*"), header);
            assertTrue((" " + header + " ").contains(" " + moduleToken() + " " + java + " "),
                    () -> "Server: " + header + " should name " + moduleToken() + " " + java);
            for (String mode : List.of("/e", "/d")) {
                EnvironDump e = EnvironDump.of(RawHttp.get(server.port(), mode + "/x"));
                assertEquals(mode.equals("/d") ? "tok" : "", e.string("mod_jvm.process_group"), e::raw);
                assertEquals(header, e.string("SERVER_SOFTWARE"), () -> mode + ": SERVER_SOFTWARE is the Server header");
            }
            assertTrue(description(server).contains(moduleToken() + " " + java), () -> description(server));
        }
    }

    /**
     * Any other ServerTokens (Debian's default is OS) keeps the module out of the Server header;
     * under OS also out of SERVER_SOFTWARE in both modes. The error log still names it.
     */
    @ParameterizedTest(name = "ServerTokens {0}")
    @ValueSource(strings = {"OS", "Prod", "Major", "Minor", "Minimal"})
    void otherServerTokensNameNeitherModuleNorJava(String tokens) {
        try (ApacheServer server = ApacheServer.create().name("tokens-" + tokens)) {
            server.config("ServerTokens " + tokens);
            boolean os = tokens.equals("OS");
            if (os) {
                mountEnviron(server);
            }
            server.start();
            String header = serverHeader(server, os ? "/e" : "/");
            assertFalse(header.contains("mod_jvm") || header.contains("Java"), () -> "ServerTokens " + tokens + ": " + header);
            assertTrue(header.startsWith("Apache"), header);
            if (os) {
                assertTrue(header.matches("Apache/[0-9.]+ \\([^)]*\\)"), () -> "ServerTokens OS: " + header);
                for (String mode : List.of("/e", "/d")) {
                    EnvironDump e = EnvironDump.of(RawHttp.get(server.port(), mode + "/x"));
                    assertEquals(header, e.string("SERVER_SOFTWARE"), () -> mode + ": SERVER_SOFTWARE under ServerTokens OS");
                }
            }
            assertTrue(description(server).contains(moduleToken()), () -> "the error log names the module: "
                    + description(server));
        }
    }

    /** The Java token is JvmHome's version: another JDK, another token (skipped with one JDK installed). */
    @Test
    void javaTokenFollowsJvmHome() throws IOException {
        Path usual = ApacheServer.jvmHome().toRealPath();
        Optional<Path> other;
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            other = jdks.filter(p -> Files.isExecutable(p.resolve("bin/java")) && Files.exists(p.resolve("release")))
                    .filter(p -> {
                        try {
                            return !p.toRealPath().equals(usual);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .findFirst();
        } catch (IOException e) {
            other = Optional.empty();
        }
        assumeTrue(other.isPresent(), "a second JDK in /usr/lib/jvm");
        Path home = other.get();
        String java = "Java/" + javaVersion(home);
        try (ApacheServer server = ApacheServer.create().name("tokens-other-jdk")) {
            server.config("JvmHome " + home).start();
            String header = serverHeader(server, "/");
            assertTrue(header.endsWith(" " + moduleToken() + " " + java), () -> "JvmHome " + home + ": " + header);
        }
    }

    /**
     * A JvmHome without a release file (the JDK's lib/ and bin/, nothing else): no Java token,
     * the module's token all the same, Apache starts and runs the JVM.
     */
    @Test
    void noJavaTokenWithoutAReleaseFile() throws IOException {
        try (ApacheServer server = ApacheServer.create().name("tokens-no-release")) {
            Path home = Files.createDirectories(server.root().resolve("jdk-without-release"));
            Files.createSymbolicLink(home.resolve("lib"), ApacheServer.jvmHome().resolve("lib"));
            Files.createSymbolicLink(home.resolve("bin"), ApacheServer.jvmHome().resolve("bin"));
            Path environ = server.installApp("environ.java", "environ");
            server.config("JvmHome " + home + "\nJvmScriptAlias /e " + environ).start();
            // the JVM runs (java.home is where the links lead: the JVM resolves them)
            EnvironDump e = EnvironDump.of(RawHttp.get(server.port(), "/e"));
            assertFalse(e.string("SERVER_SOFTWARE").contains("Java"), e::raw);
            String header = serverHeader(server, "/e");
            assertTrue(header.endsWith(" " + moduleToken()), header);
            assertFalse(header.contains("Java"), header);
        }
    }
}
