package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Application groups (class-loader spaces, like mod_wsgi's sub-interpreters) and callables.
 *
 * <p>Assumption (mod_wsgi semantics): a script loaded in an application group is loaded once
 * per group, so the same script mounted at two URLs in the same group shares its static state,
 * and in another group it is a separate copy. One child process (ServerLimit 1), so all
 * requests meet the same JVM.
 */
@ExtendWith(DumpLogOnFailure.class)
class GroupsTest {
    static ApacheServer server;

    @BeforeAll
    static void start() {
        server = ApacheServer.create().name("groups");
        Path counter = server.installApp("counter.java", "counter");
        Path callables = server.installApp("callables.java", "callables");
        Path field = server.installApp("fieldapp.java", "field");
        Path peek = server.installApp("peek.java", "peek");
        Path dupA = server.writeFile("apps/dup-a/site.java", sameNamedClass("A"));
        Path dupB = server.writeFile("apps/dup-b/site.java", sameNamedClass("B"));
        server.config("""
                <VirtualHost 127.0.0.1:@PORT@>
                  ServerName main.test
                  JvmScriptAlias /one-a %1$s application-group=one
                  JvmScriptAlias /one-b %1$s application-group=one
                  JvmScriptAlias /two %1$s application-group=two
                  JvmScriptAlias /global %1$s application-group=%%{GLOBAL}
                  JvmScriptAlias /resource %1$s application-group=%%{RESOURCE}
                  JvmScriptAlias /c/default %2$s
                  JvmScriptAlias /c/other %2$s callable=other
                  JvmScriptAlias /c/handler %2$s callable=handler
                  JvmScriptAlias /c/missing %2$s callable=nosuchcallable
                  JvmScriptAlias /c/helper %2$s callable=Helper::application
                  SetEnv MODJVM_GROUP from-env
                  JvmScriptAlias /g/server %1$s application-group=%%{SERVER}
                  JvmScriptAlias /g/env %1$s application-group=%%{ENV:MODJVM_GROUP}
                  JvmScriptAlias /field %3$s
                  JvmScriptAlias /p/counter-three %1$s application-group=three
                  JvmScriptAlias /p/peek-three %4$s application-group=three
                  JvmScriptAlias /p/peek-four %4$s application-group=four
                  JvmScriptAlias /loc %2$s
                  <Location /loc>
                    JvmApplicationGroup from-location
                    JvmCallableObject other
                  </Location>
                  JvmScriptAlias /dup/a %5$s application-group=dup
                  JvmScriptAlias /dup/b %6$s application-group=dup
                </VirtualHost>
                <VirtualHost 127.0.0.1:@PORT@>
                  ServerName directives.test
                  JvmApplicationGroup from-directive
                  JvmCallableObject other
                  JvmScriptAlias /c %2$s
                  JvmScriptAlias /override %2$s application-group=from-option callable=handler
                </VirtualHost>
                """.formatted(counter, callables, field, peek, dupA, dupB)).start();
    }

    /** A script whose public class is named "Site", like every copy of the hello sample. */
    static String sameNamedClass(String who) {
        return """
                import java.util.List;
                import java.util.Map;
                import org.modjvm.StartResponse;

                public class Site {
                    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
                        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                        return List.of("site %s".getBytes());
                    }
                }
                """.formatted(who);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Map<String, String> counter(String path) {
        RawHttp.Response r = RawHttp.get(server.port(), path, "Host: main.test");
        assertEquals(200, r.status(), r::toString);
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : r.latin1().split("\n")) {
            int eq = line.indexOf('=');
            m.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return m;
    }

    static String text(String host, String path) {
        RawHttp.Response r = RawHttp.get(server.port(), path, "Host: " + host);
        assertEquals(200, r.status(), r::toString);
        return r.text();
    }

    @Test
    void sameGroupSharesStaticStateOtherGroupsDoNot() {
        Map<String, String> a1 = counter("/one-a");
        Map<String, String> a2 = counter("/one-a");
        Map<String, String> b1 = counter("/one-b");
        Map<String, String> t1 = counter("/two");
        Map<String, String> g1 = counter("/global");
        Map<String, String> b2 = counter("/one-b");
        Map<String, String> t2 = counter("/two");
        assertEquals("one", a1.get("group"));
        assertEquals("one", b1.get("group"));
        assertEquals("two", t1.get("group"));
        assertEquals("", g1.get("group"), "%{GLOBAL} is the empty group name, as in mod_wsgi");
        assertEquals(a1.get("pid"), t1.get("pid"), "one child process serves everything");
        assertEquals("1", a1.get("count"));
        assertEquals("2", a2.get("count"));
        assertEquals("3", b1.get("count"), "/one-b is the same script in the same group: shared static state");
        assertEquals(a1.get("class"), b1.get("class"));
        assertEquals("1", t1.get("count"), "group two has its own copy of the class");
        assertNotEquals(a1.get("class"), t1.get("class"));
        assertEquals("1", g1.get("count"), "the global group has its own copy of the class");
        assertNotEquals(a1.get("class"), g1.get("class"));
        assertNotEquals(t1.get("class"), g1.get("class"));
        assertEquals("4", b2.get("count"));
        assertEquals("2", t2.get("count"));
    }

    @Test
    void differentScriptsInOneGroupSeeEachOthersStaticState() {
        // README: "applications in the same group share one class loader, so they see each
        // other's static state; different groups never share classes"
        counter("/p/counter-three");
        counter("/p/counter-three");
        assertEquals("count=2", text("main.test", "/p/peek-three"), "peek.java finds counter.java's class in group three");
        assertEquals("no Counter", text("main.test", "/p/peek-four"), "group four has no counter.java loaded");
    }

    @Test
    void twoScriptsWithTheSameClassNameInOneGroupNeverAnswerForEachOther() {
        // two apps made from the same template (public class Site) in one group: mod_wsgi keeps
        // scripts apart by file; here each must run its own code, or fail with a clear 500 —
        // never answer with the other script's class
        long start = server.errorLogMark();
        boolean failed = false;
        for (int round = 0; round < 2; round++) {
            for (String who : new String[] {"a", "b"}) {
                long mark = server.errorLogMark();
                RawHttp.Response r = RawHttp.get(server.port(), "/dup/" + who, "Host: main.test");
                if (r.status() == 200) {
                    assertEquals("site " + who.toUpperCase(), r.text(), "/dup/" + who + " ran the other script's class");
                } else {
                    assertEquals(500, r.status(), r::toString);
                    failed = true;
                    String log = server.awaitErrorLog(mark, "JVM\\d{5}: ", Duration.ofSeconds(5));
                    assertTrue(log.matches("(?s).*JVM\\d{5}: .*"), () -> "a numbered log line:\n" + log);
                }
            }
        }
        if (failed) {
            // the first failure says why: the class name and both files
            String log = server.errorLogSince(start);
            assertTrue(log.matches("(?s).*JVM\\d{5}: [^\n]*Site[^\n]*dup-a/site\\.java[^\n]*dup-b/site\\.java.*")
                    || log.matches("(?s).*JVM\\d{5}: [^\n]*Site[^\n]*dup-b/site\\.java[^\n]*dup-a/site\\.java.*"),
                    () -> "the reason, naming the class and both scripts:\n" + log);
        }
    }

    @Test
    void resourceGroupIsNamedAfterHostAndScriptName() {
        // mod_wsgi's %{RESOURCE} is "host[:port]|SCRIPT_NAME"
        Map<String, String> r = counter("/resource");
        assertTrue(r.get("group").endsWith("|/resource"), () -> "group " + r.get("group"));
    }

    @Test
    void callableOption() {
        assertEquals("method:application callable=application group=" + groupOf("/c/default"),
                text("main.test", "/c/default"));
        assertTrue(text("main.test", "/c/other").startsWith("method:other callable=other "));
        assertTrue(text("main.test", "/c/handler").startsWith("field:handler callable=handler "),
                "a static field implementing org.modjvm.Application");
    }

    @Test
    void classQualifiedCallable() {
        assertTrue(text("main.test", "/c/helper").startsWith("Helper::application callable=Helper::application "),
                "callable=Class::member names a member of another class of the script");
    }

    @Test
    void serverAndEnvGroups() {
        // README: %{SERVER} is the server name with :port unless 80 or 443; %{ENV:var} a variable's value
        // the name and port are the virtual host's as configured (its ServerName; no port there,
        // so the port it listens on), never the Host header's (issue 10: a client must not be
        // able to create groups)
        assertEquals("main.test:" + server.port(), counter("/g/server").get("group"));
        RawHttp.Response r = RawHttp.get(server.port(), "/g/server", "Host: main.test:1234");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.text().contains("\ngroup=main.test:" + server.port() + "\n"), r::toString);
        assertEquals("from-env", counter("/g/env").get("group"));
    }

    private static String groupOf(String path) {
        String t = text("main.test", path);
        return t.substring(t.indexOf("group=") + "group=".length());
    }

    @Test
    void defaultCallableCanBeAStaticField() {
        assertEquals("field:application", text("main.test", "/field"));
    }

    @Test
    void missingCallableIs500WithItsNameInTheLog() {
        long mark = server.errorLogMark();
        RawHttp.Response r = RawHttp.get(server.port(), "/c/missing", "Host: main.test");
        assertEquals(500, r.status(), r::toString);
        String log = server.awaitErrorLog(mark, "JVM\\d{5}: .*nosuchcallable", Duration.ofSeconds(10));
        assertTrue(log.matches("(?s).*JVM\\d{5}: .*nosuchcallable.*"), () -> "log names the callable:\n" + log);
    }

    @Test
    void groupAndCallableDirectivesWorkInLocation() {
        // README: JvmApplicationGroup and JvmCallableObject are allowed in directory context
        assertEquals("method:other callable=other group=from-location", text("main.test", "/loc"));
        assertEquals("method:application callable=application group=" + groupOf("/c/default"),
                text("main.test", "/c/default"), "outside the <Location> the defaults hold");
    }

    @Test
    void directivesSetGroupAndCallableAndOptionsOverrideThem() {
        assertEquals("method:other callable=other group=from-directive", text("directives.test", "/c"));
        assertEquals("field:handler callable=handler group=from-option", text("directives.test", "/override"));
    }
}
