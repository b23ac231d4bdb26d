package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modjvm.tests.ExpressServerTest.exec;
import static org.modjvm.tests.ExpressServerTest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** module-location, module-config and install-module: their lines load the module in a fresh Apache configuration. */
class ExpressModuleTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = ExpressServerTest.tempDir();
    }

    @AfterEach
    void tearDown() {
        ExpressServerTest.deleteTree(dir);
    }

    @Test
    void moduleLocationIsTheBuiltModule() {
        ExpressServerTest.Result r = run("module-location");
        assertEquals(0, r.code(), r.output());
        assertEquals(ApacheServer.moduleDir().resolve("mod_jvm.so").toString(), r.output().strip());
    }

    @Test
    void moduleConfigIsAcceptedByApacheInAFreshConfiguration() throws IOException {
        ExpressServerTest.Result r = run("module-config");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("LoadModule jvm_module \"" + ApacheServer.moduleDir().resolve("mod_jvm.so") + "\""),
                r.output());
        assertTrue(r.output().contains("JvmHome \""), r.output());
        configtest(r.output());
    }

    @Test
    void moduleConfigWithAJavaHome() throws IOException {
        Path home = ApacheServer.jvmHome();
        ExpressServerTest.Result r = run("module-config", "--java-home", home.toString());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("JvmHome \"" + home.toAbsolutePath().normalize() + "\""), r.output());
        configtest(r.output());
        ExpressServerTest.Result bad = run("module-config", "--java-home", dir.toString());
        assertEquals(1, bad.code(), bad.output());
        assertTrue(bad.output().contains("is not a JDK"), bad.output());
    }

    @Test
    void installModuleCopiesTheModuleAndItsJarsAndPrintsTheLines() throws IOException {
        Path modules = dir.resolve("modules");
        Files.createDirectories(modules);
        ExpressServerTest.Result r = run("install-module", "--modules-directory", modules.toString());
        assertEquals(0, r.code(), r.output());
        for (String f : new String[] {"mod_jvm.so", "mod_jvm-runtime.jar", "mod_jvm-api.jar", "jna.jar", "libjnidispatch.so"}) {
            assertTrue(Files.isRegularFile(modules.resolve(f)), f + " not installed");
        }
        assertTrue(r.output().contains("LoadModule jvm_module \"" + modules.resolve("mod_jvm.so") + "\""), r.output());
        // the printed lines (stdout; the "installed" note goes to stderr) work in a fresh configuration,
        // with a script mounted so that the module checks its jars and JDK
        String lines = r.output().lines().filter(l -> !l.startsWith("mod_jvm-express:")).reduce("", (a, b) -> a + b + "\n");
        configtest(lines);
        ExpressServerTest.Result missing = run("install-module", "--modules-directory", dir.resolve("none").toString());
        assertEquals(1, missing.code(), missing.output());
        assertTrue(missing.output().contains("does not exist"), missing.output());
    }

    /** apache2 -t on a minimal configuration plus {@code lines} and a mounted script. */
    private void configtest(String lines) throws IOException {
        Path root = dir.resolve("fresh");
        Files.createDirectories(root);
        Path app = ExpressServerTest.copyHello(dir);
        String conf = "ServerRoot \"" + root + "\"\n"
                + "ServerName 127.0.0.1\n"
                + "Listen 127.0.0.1:" + ExpressServerTest.freePort() + "\n"
                + "PidFile \"" + root.resolve("httpd.pid") + "\"\n"
                + "DefaultRuntimeDir \"" + root + "\"\n"
                + "ErrorLog \"" + root.resolve("error_log") + "\"\n"
                + "LoadModule mpm_event_module " + ApacheServer.APACHE_MODULES.resolve("mod_mpm_event.so") + "\n"
                + "LoadModule authz_core_module " + ApacheServer.APACHE_MODULES.resolve("mod_authz_core.so") + "\n"
                + lines
                + "JvmScriptAlias / \"" + app + "\"\n";
        Path f = root.resolve("httpd.conf");
        Files.writeString(f, conf);
        ExpressServerTest.Result t = exec(List.of(ApacheServer.APACHE.toString(), "-d", root.toString(), "-f",
                f.toString(), "-t"));
        assertEquals(0, t.code(), t.output() + "\n" + conf);
        assertTrue(t.output().contains("Syntax OK"), t.output());
    }
}
