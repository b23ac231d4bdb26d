package org.modjvm.express;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line parser (the integration tests in tests/ run the real command). */
class OptionsTest {
    private static Options parse(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "start-server";
        System.arraycopy(args, 0, all, 1, args.length);
        return Options.parse("start-server", all, 1);
    }

    @Test
    void defaultsAreMostlyModWsgiExpresss() {
        Options o = parse();
        assertNull(o.file);
        assertEquals(8000, o.port);
        assertEquals("127.0.0.1", o.host);
        assertEquals(1, o.processes);
        assertEquals(5, o.threads);
        assertEquals("/", o.mountPoint);
        assertEquals("warn", o.logLevel);
        assertEquals(60, o.requestTimeout);
        assertEquals(45, o.queueTimeout);
        assertEquals(0, o.maximumRequests);
    }

    @Test
    void valuesSeparateOrWithEqualsRepeatableOptionsAccumulate() {
        Options o = parse("site.java", "--port=8080", "--threads", "9", "--url-alias", "/static", "/srv/static",
                "--url-alias", "/favicon.ico", "/srv/favicon.ico", "--jvm-options", "-Xmx256m  -Da=b",
                "--jvm-options=-ea", "--class-path", "/a.jar", "--class-path", "/lib/*", "--mount-point", "/app/",
                "--embedded-mode", "--host", "[::1]", "--log-level", "INFO");
        assertEquals("site.java", o.file);
        assertEquals(8080, o.port);
        assertEquals(9, o.threads);
        assertEquals(2, o.urlAliases.size());
        assertEquals("/srv/favicon.ico", o.urlAliases.get(1)[1]);
        assertEquals(List.of("-Xmx256m", "-Da=b", "-ea"), o.jvmOptions);
        assertEquals(List.of("/a.jar", "/lib/*"), o.classPath);
        assertEquals("/app", o.mountPoint);
        assertTrue(o.embedded);
        assertEquals("::1", o.host);
        assertEquals("info", o.logLevel);
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        for (String[] bad : new String[][] {
            {"--port", "x"}, {"--port", "70000"}, {"--threads"}, {"--nope"}, {"-x"}, {"a.java", "b.java"},
            {"--url-alias", "static", "/srv"}, {"--log-level", "verbose"}, {"--jvm-options", "Xmx1g"},
            {"--access-log=yes"}, {"--processes", "0"}, {"--mount-point", "app"}}) {
            Failure f = assertThrows(Failure.class, () -> parse(bad), String.join(" ", bad));
            assertEquals(Failure.USAGE, f.code, f.getMessage());
        }
        Failure https = assertThrows(Failure.class, () -> parse("--https-port", "8443").validate());
        assertTrue(https.getMessage().contains("--ssl-certificate-file"), https.getMessage());
    }

    @Test
    void quoting() {
        assertEquals("\"/a b/\\\"c\\\"\"", Server.q("/a b/\"c\""));
        assertEquals("'it'\\''s'", Server.sh("it's"));
    }
}
