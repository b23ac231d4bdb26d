package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code apache2 -t} rejects bad mod_jvm configuration with a message naming the directive and
 * the problem. In the snippets {@code @ROOT@} is the server root, {@code @GOOD@} an existing
 * script, {@code @FAKEJDK@} a directory that is no JDK (no lib/server/libjvm.so).
 */
@ExtendWith(DumpLogOnFailure.class)
class ConfigtestTest {

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                // description, snippet, directive named in the output, regex of the problem
                Arguments.of("JvmHome that does not exist",
                        "JvmHome /nonexistent/jdk-xyz", "JvmHome", "/nonexistent/jdk-xyz"),
                Arguments.of("JvmHome without lib/server/libjvm.so",
                        "JvmHome @FAKEJDK@", "JvmHome", "libjvm"),
                Arguments.of("JvmHome without argument",
                        "JvmHome", "JvmHome", "(?i)argument"),
                Arguments.of("JvmScriptAlias to a missing script",
                        "JvmScriptAlias / @ROOT@/apps/good/missing-script.java", "JvmScriptAlias", "missing-script\\.java"),
                Arguments.of("JvmScriptAlias with an unknown option",
                        "JvmScriptAlias / @GOOD@ bogus-option=1", "JvmScriptAlias", "bogus-option"),
                Arguments.of("JvmScriptAlias with a bad application-group",
                        "JvmScriptAlias / @GOOD@ application-group=%{BOGUS}", "JvmScriptAlias", "BOGUS"),
                Arguments.of("JvmScriptAlias with a callable that is no identifier",
                        "JvmScriptAlias / @GOOD@ callable=not-valid!", "JvmScriptAlias", "not-valid!"),
                Arguments.of("JvmScriptAlias with one argument",
                        "JvmScriptAlias /only-one", "JvmScriptAlias", "(?i)argument|needs .*file|missing"),
                Arguments.of("JvmScriptAlias inside <Location> (server/vhost only)",
                        "<Location /x>\n  JvmScriptAlias / @GOOD@\n</Location>", "JvmScriptAlias", "(?i)not allowed|cannot occur"),
                Arguments.of("JvmScriptAliasMatch with a bad regex",
                        "JvmScriptAliasMatch \"^/x/(unclosed\" @ROOT@/apps/good/$1.java", "JvmScriptAliasMatch",
                        "(?i)regular expression|regex|pattern|unclosed|\\(unclosed"),
                Arguments.of("JvmScriptReloading neither On nor Off",
                        "JvmScriptReloading Maybe", "JvmScriptReloading", "(?i)\\bon\\b.*\\boff\\b|Maybe"),
                Arguments.of("JvmPassAuthorization neither On nor Off",
                        "JvmPassAuthorization Sometimes", "JvmPassAuthorization", "(?i)\\bon\\b.*\\boff\\b|Sometimes"),
                Arguments.of("JvmApplicationGroup %{BOGUS}",
                        "JvmApplicationGroup %{BOGUS}", "JvmApplicationGroup", "BOGUS"),
                Arguments.of("JvmCallableObject that is no identifier",
                        "JvmCallableObject 1nvalid-name", "JvmCallableObject", "1nvalid-name"),
                Arguments.of("JvmOptions token without a leading '-'",
                        "JvmOptions \"-Xmx64m Xmx256m\"", "JvmOptions", "(?<!-)\\bXmx256m"),
                Arguments.of("JvmOptions with a bad heap size",
                        "JvmOptions \"-Xmx12zz\"", "JvmOptions", "-Xmx12zz"),
                Arguments.of("JvmOptions setting the class path (JvmClassPath's job)",
                        "JvmOptions \"-cp /tmp\"", "JvmOptions", "(?i)JvmClassPath|class ?path|'-cp"),
                Arguments.of("JvmHome inside <VirtualHost> (server config only)",
                        "<VirtualHost 127.0.0.1:@PORT@>\n  JvmHome /usr\n</VirtualHost>", "JvmHome", "(?i)not allowed|cannot occur"),
                Arguments.of("JvmClassPath entry that does not exist",
                        "JvmClassPath @ROOT@/apps:@ROOT@/lib/nonexistent.jar", "JvmClassPath", "nonexistent\\.jar"),
                Arguments.of("JvmRuntimeDirectory that does not exist",
                        "JvmRuntimeDirectory /nonexistent/runtime-dir", "JvmRuntimeDirectory", "/nonexistent/runtime-dir"),
                // issue 10, smaller items: the second alias of a URL in one server is never reached
                Arguments.of("two JvmScriptAlias for one URL path",
                        "JvmScriptAlias /app @GOOD@\nJvmScriptAlias /app/ @ROOT@/apps/good/pid.java", "JvmScriptAlias",
                        "URL path '/app' is already mounted in this server by JvmScriptAlias at \\S+httpd\\.conf:\\d+ "
                                + "\\(script \\S+pid\\.java\\): the first one wins"),
                Arguments.of("two JvmScriptAlias / in one virtual host",
                        "<VirtualHost 127.0.0.1:@PORT@>\n  ServerName v.test\n  JvmScriptAlias / @GOOD@\n"
                                + "  JvmScriptAlias / @GOOD@\n</VirtualHost>", "JvmScriptAlias",
                        "URL path '/' is already mounted in this server"),
                Arguments.of("two JvmScriptAliasMatch with one pattern",
                        "JvmScriptAliasMatch ^/m/(\\w+) @ROOT@/apps/good/$1.java\n"
                                + "JvmScriptAliasMatch ^/m/(\\w+) @ROOT@/apps/other/$1.java",
                        "JvmScriptAliasMatch", "regular expression '\\^/m/\\([^']*\\)' is already mounted in this server by JvmScriptAliasMatch at "
                                + "\\S+httpd\\.conf:\\d+"));
    }

    static ApacheServer server(String snippet) throws IOException {
        ApacheServer s = ApacheServer.create().name("configtest");
        java.nio.file.Path good = s.installApp("pid.java", "good");
        Files.createDirectories(s.root().resolve("fakejdk/bin"));
        Files.createDirectories(s.root().resolve("fakejdk/lib/server"));
        s.config(snippet.replace("@GOOD@", good.toString())
                .replace("@FAKEJDK@", s.root().resolve("fakejdk").toString()));
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigFailsConfigtest(String description, String snippet, String directive, String problem)
            throws IOException {
        try (ApacheServer s = server(snippet)) {
            ApacheServer.ConfigTest t = s.configtest();
            String out = t.output();
            System.out.println("[" + description + "] exit " + t.exitCode() + ": " + out.strip());
            assertNotEquals(0, t.exitCode(), () -> description + ": apache2 -t must fail; output:\n" + out);
            assertTrue(out.contains(directive), () -> description + ": output must name " + directive + ":\n" + out);
            assertTrue(Pattern.compile(problem).matcher(out).find(),
                    () -> description + ": output must say what is wrong (/" + problem + "/):\n" + out);
        }
    }

    @Test
    void goodConfigIsSyntaxOk() throws IOException {
        String snippet = """
                JvmHome %s
                JvmOptions "-Xmx64m -Dfoo=bar"
                JvmClassPath @ROOT@/apps
                JvmRuntimeDirectory %s
                JvmApplicationGroup %%{GLOBAL}
                JvmCallableObject application
                JvmScriptReloading On
                JvmPassAuthorization Off
                JvmScriptAlias /a @GOOD@ application-group=%%{RESOURCE} callable=application
                JvmScriptAlias /b @GOOD@ application-group=named
                JvmScriptAliasMatch ^/m/(\\w+) @ROOT@/apps/good/$1.java
                <VirtualHost 127.0.0.1:@PORT@>
                  ServerName vhost.test
                  JvmApplicationGroup %%{RESOURCE}
                  JvmScriptReloading Off
                  JvmScriptAlias / @GOOD@
                </VirtualHost>
                """.formatted(ApacheServer.jvmHome(), ApacheServer.moduleDir());
        try (ApacheServer s = server(snippet)) {
            ApacheServer.ConfigTest t = s.configtest();
            assertEquals(0, t.exitCode(), t::output);
            assertTrue(t.output().contains("Syntax OK"), t::output);
        }
    }

    /**
     * The same URL in different servers is legitimate (a virtual host's aliases are tried before
     * the main server's); only the second one in one server is refused. A URL path under an
     * earlier alias of the same server is never reached: a warning (JVM00074), as mod_alias
     * warns about Alias.
     */
    @Test
    void theSameUrlInSeveralServersPassesAndAShadowedOneIsWarned() throws IOException {
        String snippet = """
                JvmScriptAlias / @GOOD@
                JvmScriptAlias /app @GOOD@
                <VirtualHost 127.0.0.1:@PORT@>
                  ServerName a.test
                  JvmScriptAlias /app @GOOD@
                  JvmScriptAlias / @GOOD@
                </VirtualHost>
                <VirtualHost 127.0.0.1:@PORT@>
                  ServerName b.test
                  JvmScriptAlias / @GOOD@
                </VirtualHost>
                """;
        try (ApacheServer s = server(snippet)) {
            ApacheServer.ConfigTest t = s.configtest();
            assertEquals(0, t.exitCode(), t::output);
            assertTrue(t.output().contains("Syntax OK"), t::output);
            assertTrue(Pattern.compile("JVM00074: JvmScriptAlias /app at \\S+httpd\\.conf:\\d+ is never reached: the earlier "
                    + "JvmScriptAlias / at \\S+httpd\\.conf:\\d+ mounts every URL under it").matcher(t.output()).find(),
                    t::output);
            assertEquals(1, t.output().split("JVM00074", -1).length - 1,
                    () -> "only the main server's /app is shadowed (a.test mounts /app before /):\n" + t.output());
        }
    }
}
