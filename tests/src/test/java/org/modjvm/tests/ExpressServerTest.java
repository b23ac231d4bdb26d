package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * mod_jvm-express start-server and setup-server, through the real launcher
 * (scripts/mod_jvm-express → java/express/target/mod_jvm-express.jar → apache2 with the built
 * module). The other Express*Test classes use the helpers here.
 */
class ExpressServerTest {
    private Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dir = tempDir();
    }

    @AfterEach
    void tearDown() {
        for (Process p : started) {
            stop(p);
        }
        deleteTree(dir);
    }

    @Test
    void startServerServesTheApplicationAndAUrlAliasInDaemonMode() throws Exception {
        Path app = copyHello(dir);
        Path media = dir.resolve("media");
        Files.createDirectories(media);
        Files.writeString(media.resolve("style.css"), "body { color: red; }\n");
        Path root = dir.resolve("root");
        int port = freePort();
        Path out = dir.resolve("out.txt");
        Process p = launch(out, "start-server", app.toString(), "--port", Integer.toString(port),
                "--url-alias", "/media", media.toString(), "--server-root", root.toString(), "--access-log");
        started.add(p);
        RawHttp.Response r = awaitOk(p, port, "/", out);
        assertEquals("Hello World!", r.text());
        RawHttp.Response css = RawHttp.get(port, "/media/style.css");
        assertEquals(200, css.status(), css::toString);
        assertEquals("body { color: red; }\n", css.text());
        assertTrue(css.header("Content-Type").startsWith("text/css"), css::toString);
        // the launcher exec'ed Apache: the Apache parent is the process we started
        assertEquals(Long.toString(p.pid()), Files.readString(root.resolve("httpd.pid")).trim());
        String config = Files.readString(root.resolve("httpd.conf"));
        assertTrue(config.contains("JvmDaemonProcess express processes=1 threads=5"), config);
        assertTrue(config.contains("process-group=express"), config);
        String said = awaitOutput(out, "Apache is up: open http://127.0.0.1:" + port + "/");
        assertTrue(said.contains("compiling " + app + " and starting Apache (daemon mode"), said);
        assertTrue(said.contains(root.resolve("error_log").toString()), said);
        // Apache writes the access log line after the response is out: wait for it
        long logDeadline = System.nanoTime() + 5_000_000_000L;
        while (!Files.readString(root.resolve("access_log")).contains("GET /media/style.css")
                && System.nanoTime() < logDeadline) {
            ApacheServer.sleep(50);
        }
        assertTrue(Files.readString(root.resolve("access_log")).contains("GET /media/style.css"),
                () -> "access log: " + root.resolve("access_log"));
        // SIGTERM stops Apache and the daemon processes
        List<ProcessHandle> all = new ArrayList<>();
        p.toHandle().descendants().forEach(all::add);
        p.destroy();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "apache2 did not stop on SIGTERM");
        for (ProcessHandle h : all) {
            h.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutAFileTheDefaultPageSaysItWorksInEmbeddedMode() throws Exception {
        Path root = dir.resolve("root");
        int port = freePort();
        Path out = dir.resolve("out.txt");
        Process p = launch(out, "start-server", "--port", Integer.toString(port), "--embedded-mode",
                "--processes", "1", "--threads", "4", "--server-root", root.toString());
        started.add(p);
        RawHttp.Response r = awaitOk(p, port, "/", out);
        assertTrue(r.text().contains("It works!"), r::toString);
        assertTrue(r.header("Content-Type").startsWith("text/html"), r::toString);
        String config = Files.readString(root.resolve("httpd.conf"));
        assertFalse(config.contains("JvmDaemonProcess"), config);
        assertTrue(config.contains("ThreadsPerChild 4"), config);
        assertTrue(awaitOutput(out, "Apache is up").contains("embedded mode"));
    }

    @Test
    void signalsGoStraightToApacheAndTheLogCanGoToTheTerminal() throws Exception {
        Path app = copyHello(dir);
        Path root = dir.resolve("root");
        int port = freePort();
        Path out = dir.resolve("out.txt");
        Process p = launch(out, "start-server", app.toString(), "--port", Integer.toString(port),
                "--server-root", root.toString(), "--log-to-terminal", "--log-level", "info", "--reload-on-changes");
        started.add(p);
        awaitOk(p, port, "/", out);
        for (String signal : new String[] {"HUP", "USR1"}) {
            assertEquals(0, exec(List.of("kill", "-" + signal, Long.toString(p.pid()))).code());
            ApacheServer.sleep(300);
            RawHttp.Response r = awaitGet(port, "/", Duration.ofSeconds(30));
            assertEquals("Hello World!", r.text(), signal);
            assertTrue(p.isAlive(), "Apache exited on SIG" + signal);
        }
        // the error log is on the terminal, the restarts in it
        String said = awaitOutput(out, "AH00493: SIGUSR1 received");
        assertTrue(said.contains("SIGHUP received"), said);
        assertFalse(Files.exists(root.resolve("error_log")), "no error_log file with --log-to-terminal");
        assertTrue(Files.readString(root.resolve("httpd.conf")).contains("JvmScriptReloading On"));
        p.destroy();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "apache2 did not stop on SIGTERM");
    }

    @Test
    void aJarWithApplicationClassInEmbeddedMode() throws Exception {
        Path src = dir.resolve("src/Site.java");
        Files.createDirectories(src.getParent());
        Files.copy(ApacheServer.samplesDir().resolve("hello/site.java"), src);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), "-cp",
                ApacheServer.moduleDir().resolve("mod_jvm-api.jar").toString(), src.toString()));
        Path jar = dir.resolve("app/site.jar");
        Files.createDirectories(jar.getParent());
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Application-Class", "Site");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), mf)) {
            out.putNextEntry(new java.util.jar.JarEntry("Site.class"));
            out.write(Files.readAllBytes(classes.resolve("Site.class")));
            out.closeEntry();
        }
        Files.setPosixFilePermissions(jar.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        int port = freePort();
        Path out = dir.resolve("out.txt");
        Process p = launch(out, "start-server", jar.toString(), "--port", Integer.toString(port), "--embedded-mode",
                "--mount-point", "/hello", "--server-root", dir.resolve("root").toString());
        started.add(p);
        RawHttp.Response r = awaitOk(p, port, "/hello", out);
        assertEquals("Hello World!", r.text());
        String said = awaitOutput(out, "Apache is up: open http://127.0.0.1:" + port + "/hello/");
        assertTrue(said.contains("starting Apache with " + jar + " (embedded mode"), said);
    }

    @Test
    void aCompileErrorIsShownOnTheTerminal() throws Exception {
        Path app = dir.resolve("app/broken.java");
        Files.createDirectories(app.getParent());
        Files.writeString(app, "public class Broken {\n"
                + "    public static Iterable<byte[]> application(java.util.Map<String, Object> e, org.modjvm.StartResponse s) {\n"
                + "        return nothing;\n"
                + "    }\n"
                + "}\n");
        Files.setPosixFilePermissions(app.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-r--r--"));
        int port = freePort();
        Path out = dir.resolve("out.txt");
        Process p = launch(out, "start-server", app.toString(), "--port", Integer.toString(port),
                "--server-root", dir.resolve("root").toString());
        started.add(p);
        // compiling takes a while on a busy machine: the watcher looks for 60 s
        String said = awaitOutput(out, "broken.java:3: error: cannot find symbol", 55);
        assertTrue(said.contains("the application did not start"), said);
        assertEquals(500, awaitGet(port, "/", Duration.ofSeconds(30)).status());
    }

    @Test
    void setupServerWritesARootWhoseApachectlStartsAndStopsIt() throws Exception {
        Path app = copyHello(dir);
        Path root = dir.resolve("root");
        int port = freePort();
        Result setup = run("setup-server", app.toString(), "--port", Integer.toString(port),
                "--server-root", root.toString(), "--mount-point", "/hello");
        assertEquals(0, setup.code(), setup.output());
        assertTrue(setup.output().contains("server root written: " + root), setup.output());
        Path ctl = root.resolve("apachectl");
        assertTrue(Files.isExecutable(ctl));
        Result t = exec(List.of(ctl.toString(), "configtest"));
        assertEquals(0, t.code(), t.output());
        assertTrue(t.output().contains("Syntax OK"), t.output());
        Result start = exec(List.of(ctl.toString(), "start"));
        try {
            assertEquals(0, start.code(), start.output());
            RawHttp.Response r = awaitGet(port, "/hello/", Duration.ofSeconds(30));
            assertEquals(200, r.status(), () -> r + "\n" + log(root));
            assertEquals("Hello World!", r.text());
            assertEquals(404, RawHttp.get(port, "/").status());
        } finally {
            Result stop = exec(List.of(ctl.toString(), "stop"));
            assertEquals(0, stop.code(), stop.output());
        }
        assertFalse(Files.exists(root.resolve("httpd.pid")), "apachectl stop returned before Apache was gone");
        assertTrue(portFree(port), "port still in use after apachectl stop");
    }

    @Test
    void httpsPortServesTheApplicationOverTls() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        Path app = copyHello(dir);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Result gen = exec(List.of("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-keyout", key.toString(), "-out", cert.toString()));
        assertEquals(0, gen.code(), gen.output());
        int port = freePort();
        int httpsPort = freePort();
        Path out = dir.resolve("out.txt");
        Process p = launch(out, "start-server", app.toString(), "--port", Integer.toString(port),
                "--https-port", Integer.toString(httpsPort), "--ssl-certificate-file", cert.toString(),
                "--ssl-certificate-key-file", key.toString(), "--server-root", dir.resolve("root").toString());
        started.add(p);
        awaitOk(p, port, "/", out);
        try (RawHttp c = RawHttp.connect(httpsPort, true)) {
            c.sendHead("GET", "/", "Connection: close");
            RawHttp.Response r = c.readResponse();
            assertEquals(200, r.status(), r::toString);
            assertEquals("Hello World!", r.text());
        }
    }

    // ------------------------------------------------------------------ helpers (also for the other Express tests)

    record Result(int code, String output) {
    }

    static Path top() {
        return ApacheServer.moduleDir().resolve("../../..").normalize();
    }

    static Path launcher() {
        Path jar = top().resolve("java/express/target/mod_jvm-express.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " not built (cd " + top() + " && mvn -B install -DskipTests)");
        }
        return top().resolve("scripts/mod_jvm-express");
    }

    /** Runs mod_jvm-express to its end (not start-server with a free port!). */
    static Result run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    static Result exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts mod_jvm-express (start-server: it becomes apache2), output to a file. */
    static Process launch(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        return p;
    }

    static RawHttp.Response awaitOk(Process p, int port, String path, Path out) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("mod_jvm-express exited with " + p.exitValue() + ":\n" + Files.readString(out));
            }
            if (!portFree(port)) {
                try {
                    RawHttp.Response r = RawHttp.get(port, path);
                    if (r.status() == 200) {
                        return r;
                    }
                } catch (RuntimeException e) {
                    // not yet
                }
            }
            ApacheServer.sleep(50);
        }
        throw new AssertionError("no 200 for " + path + " on port " + port + " within 45 s:\n" + Files.readString(out));
    }

    static RawHttp.Response awaitGet(int port, String path, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                RawHttp.Response r = RawHttp.get(port, path);
                if (r.status() != 503) {
                    return r;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            ApacheServer.sleep(50);
        }
        throw new AssertionError("no answer on port " + port, last);
    }

    /** Waits (15 s) until the output file contains {@code text} (the launcher's watcher writes late). */
    static String awaitOutput(Path out, String text) throws IOException {
        return awaitOutput(out, text, 15);
    }

    static String awaitOutput(Path out, String text, int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String s = Files.readString(out);
        while (!s.contains(text) && System.nanoTime() < deadline) {
            ApacheServer.sleep(50);
            s = Files.readString(out);
        }
        assertTrue(s.contains(text), "output lacks '" + text + "':\n" + s);
        return s;
    }

    static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>();
        p.toHandle().descendants().forEach(all::add);
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : all) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                ApacheServer.sleep(50);
            }
            h.destroyForcibly();
        }
    }

    /** A temp dir the user the application runs as (www-data when the tests run as root) can read. */
    static Path tempDir() throws IOException {
        Path d = Files.createTempDirectory("modjvm-express-");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    static Path copyHello(Path dir) throws IOException {
        Path app = dir.resolve("app/site.java");
        Files.createDirectories(app.getParent());
        Files.setPosixFilePermissions(app.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(ApacheServer.samplesDir().resolve("hello/site.java"), app);
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-r--r--"));
        return app;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String log(Path root) {
        try {
            Path l = root.resolve("error_log");
            return Files.exists(l) ? Files.readString(l, StandardCharsets.ISO_8859_1) : "(no error_log)";
        } catch (IOException e) {
            return e.toString();
        }
    }

    static void deleteTree(Path d) {
        if (d == null || Boolean.getBoolean("modjvm.keep")) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
