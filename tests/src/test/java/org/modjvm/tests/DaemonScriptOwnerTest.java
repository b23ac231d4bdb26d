package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code script-user=} / {@code script-group=} against a local user who can write the directory
 * a {@code JvmScriptAliasMatch} maps into (issue 10, item 3): the daemon checks the owner of the
 * very file it reads (opened without following a symlink the check did not see, {@code fstat}ed,
 * read from that descriptor), so swapping the path between the site's file and the attacker's
 * file (or a symlink to it) while requesting it never runs the attacker's code.
 *
 * <p>Group "site": user=nobody group=nogroup script-user=nobody script-group=nogroup, with
 * {@code java.io.tmpdir} a directory that does not exist and nobody's home /nonexistent (the
 * native access must not need a writable place). The "attacker" is the user daemon (uid 1).
 * Runs as root only (files are given to other users).
 */
@ExtendWith(DumpLogOnFailure.class)
class DaemonScriptOwnerTest {
    static final int SITE_UID = 65534;
    static final int ATTACKER_UID = 1;
    static final String EVIL = "EVIL-CODE-RAN";
    static ApacheServer server;
    static Path shared;
    static UserPrincipal site;
    static GroupPrincipal siteGroup;
    static UserPrincipal attacker;
    static GroupPrincipal attackerGroup;
    static UserPrincipal root;

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(ApacheServer.isRoot(), "needs root: the scripts belong to other users");
        server = ApacheServer.create().name("daemon-script-owner");
        UserPrincipalLookupService users = server.root().getFileSystem().getUserPrincipalLookupService();
        site = users.lookupPrincipalByName("nobody");
        siteGroup = users.lookupPrincipalByGroupName("nogroup");
        attacker = users.lookupPrincipalByName("daemon");
        attackerGroup = users.lookupPrincipalByGroupName("daemon");
        root = users.lookupPrincipalByName("root");
        shared = server.root().resolve("apps/shared");
        Files.createDirectories(shared);
        siteFile("site.java", legitSource());
        attackerFile("evil.java", evilSource());
        server.config("""
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess site processes=1 threads=8 user=nobody group=nogroup \\
                    script-user=nobody script-group=nogroup jvm-options=-Djava.io.tmpdir=@ROOT@/no-such-tmp
                JvmScriptAliasMatch ^/s/([a-z]+)$ @ROOT@/apps/shared/$1.java process-group=site
                JvmScriptAliasMatch ^/j/([a-z]+)$ @ROOT@/apps/shared/$1.jar process-group=site
                """).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String legitSource() {
        return """
                import java.util.List;
                import java.util.Map;
                import org.modjvm.StartResponse;
                public class Site {
                    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
                        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                        return List.of("site's own code".getBytes());
                    }
                }
                """;
    }

    /** Leaves a marker file as soon as its class is initialized, and says so in its answer. */
    static String evilSource() {
        return """
                import java.nio.file.Files;
                import java.nio.file.Path;
                import java.util.List;
                import java.util.Map;
                import org.modjvm.StartResponse;
                public class Evil {
                    static {
                        try {
                            Files.writeString(Path.of("%s"), "ran as " + System.getProperty("user.name"));
                        } catch (Exception e) {
                            // the answer still says it
                        }
                    }
                    public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) {
                        sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                        return List.of("%s, padding to change the size".getBytes());
                    }
                }
                """.formatted(server.markers().resolve("evil"), EVIL);
    }

    static Path siteFile(String name, String content) throws IOException {
        Path p = shared.resolve(name);
        Files.writeString(p, content);
        own(p, site, siteGroup);
        return p;
    }

    static Path attackerFile(String name, String content) throws IOException {
        Path p = shared.resolve(name);
        Files.writeString(p, content);
        own(p, attacker, attackerGroup);
        return p;
    }

    /** chown, or lchown for a symlink. */
    static void own(Path p, UserPrincipal user, GroupPrincipal group) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        view.setOwner(user);
        view.setGroup(group);
    }

    /** A symlink at {@code shared/name} to {@code target}, owned by {@code user} (made aside, renamed into place). */
    static Path symlink(String name, Path target, UserPrincipal user, GroupPrincipal group) throws IOException {
        Path tmp = shared.resolve("." + name + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, target);
        own(tmp, user, group);
        return Files.move(tmp, shared.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Makes {@code shared/name} the file {@code existing} (a new hard link renamed over it: atomic). */
    static void linkInto(String name, Path existing) throws IOException {
        Path tmp = shared.resolve("." + name + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createLink(tmp, existing);
        Files.move(tmp, shared.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static RawHttp.Response get(String target) {
        return RawHttp.get(server.port(), target);
    }

    static void assertNoEvilRan() {
        assertFalse(Files.exists(server.markers().resolve("evil")), "the attacker's class was initialized in the daemon");
    }

    // ------------------------------------------------------------------ tests

    @Test
    void theSiteUsersScriptRuns() {
        RawHttp.Response r = get("/s/site");
        assertEquals(200, r.status(), r::toString);
        assertEquals("site's own code", r.text());
    }

    @Test
    void anotherUsersScriptIsForbiddenAndTheLogNamesItsOwner() {
        long mark = server.errorLogMark();
        RawHttp.Response r = get("/s/evil");
        assertEquals(403, r.status(), r::toString);
        String log = server.awaitErrorLog(mark, "JVM01345", Duration.ofSeconds(20));
        String line = Daemons.lines(log, "JVM01345");
        assertTrue(line.contains(shared.resolve("evil.java").toString()) && line.contains("uid " + ATTACKER_UID)
                && line.contains("script-user=nobody (uid " + SITE_UID + ")"), log);
        assertNoEvilRan();
    }

    @Test
    void anotherUsersSymlinkToTheSiteScriptIsNotFollowed() throws IOException {
        // the link's target belongs to the site user: a check that follows links sees no problem
        symlink("alink.java", shared.resolve("site.java"), attacker, attackerGroup);
        long mark = server.errorLogMark();
        RawHttp.Response r = get("/s/alink");
        assertEquals(403, r.status(), r::toString);
        String log = server.awaitErrorLog(mark, "JVM01346", Duration.ofSeconds(20));
        String line = Daemons.lines(log, "JVM01346");
        assertTrue(line.contains(shared.resolve("alink.java").toString()) && line.contains("uid " + ATTACKER_UID), log);
    }

    @Test
    void symlinksOfRootAndOfTheSiteUserAreFollowed() throws IOException {
        symlink("rootlink.java", shared.resolve("site.java"), root, siteGroup);
        symlink("sitelink.java", Path.of("site.java"), site, siteGroup); // relative
        for (String name : List.of("rootlink", "sitelink")) {
            RawHttp.Response r = get("/s/" + name);
            assertEquals(200, r.status(), () -> name + ": " + r);
            assertEquals("site's own code", r.text());
        }
    }

    /** The daemons check owners through JNA: configtest refuses a runtime directory without it, naming both files. */
    @Test
    void configtestRefusesARuntimeDirectoryWithoutJnaWhenAGroupNeedsIt() throws IOException {
        ApacheServer s = ApacheServer.create().name("daemon-script-owner-configtest");
        try {
            Path rt = Files.createDirectories(s.root().resolve("rt"));
            for (String jar : List.of("mod_jvm-runtime.jar", "mod_jvm-api.jar")) {
                Files.copy(ApacheServer.moduleDir().resolve(jar), rt.resolve(jar));
            }
            Path app = s.installApp("pid.java", "app");
            s.config("JvmRuntimeDirectory " + rt + "\nJvmDaemonProcess g user=nobody script-user=nobody\n"
                    + "JvmScriptAlias /a " + app + " process-group=g");
            ApacheServer.ConfigTest without = s.configtest();
            assertEquals(1, without.exitCode(), without.output());
            assertTrue(without.output().contains("JVM00095: JvmDaemonProcess g: script-user=/script-group= need jna.jar"
                    + " and libjnidispatch.so in the runtime directory " + rt), without.output());
            for (String f : List.of("jna.jar", "libjnidispatch.so")) {
                Files.copy(ApacheServer.moduleDir().resolve(f), rt.resolve(f));
            }
            ApacheServer.ConfigTest with = s.configtest();
            assertEquals(0, with.exitCode(), with.output());
        } finally {
            s.close();
        }
    }

    /** JNA present but unusable (a broken native part): the group says so at start and runs nothing unchecked. */
    @Test
    void withoutUsableJnaTheGroupRunsNoScript() throws IOException {
        ApacheServer s = ApacheServer.create().name("daemon-script-owner-nojna");
        try {
            Path rt = Files.createDirectories(s.root().resolve("rt"));
            for (String f : List.of("mod_jvm-runtime.jar", "mod_jvm-api.jar", "jna.jar")) {
                Files.copy(ApacheServer.moduleDir().resolve(f), rt.resolve(f));
            }
            Files.writeString(rt.resolve("libjnidispatch.so"), "not a shared library\n");
            Path app = s.installApp("pid.java", "app");
            own(app, site, siteGroup);
            s.config("JvmRuntimeDirectory " + rt + "\nJvmDaemonProcess g user=nobody group=nogroup script-user=nobody\n"
                    + "JvmScriptAlias /a " + app + " process-group=g").start();
            String start = s.awaitErrorLog(0, "JVM01348", Duration.ofSeconds(60));
            assertTrue(Daemons.lines(start, "JVM01348").contains("daemon process group g requires script-user=nobody (uid "
                    + SITE_UID + ") but cannot check the owner of a script"), start);
            long mark = s.errorLogMark();
            RawHttp.Response r = RawHttp.get(s.port(), "/a");
            assertEquals(500, r.status(), r::toString);
            String log = s.awaitErrorLog(mark, "JVM01352", Duration.ofSeconds(20));
            assertTrue(Daemons.lines(log, "JVM01352").contains("cannot check the owner of script " + app), log);
        } finally {
            s.close();
        }
    }

    /**
     * The attack of the issue: a swapper flips {@code x.java} between the site's file, the
     * attacker's file and the attacker's symlink to it, as fast as it can, while four clients
     * request it (8 s and 1000 requests at least). The attacker's code must never run; the site's does.
     */
    @Test
    void swappingTheScriptWhileItIsRequestedNeverRunsTheAttackersCode() throws Exception {
        Path legit = shared.resolve("site.java");
        Path evil = shared.resolve("evil.java");
        linkInto("x.java", legit);
        // loaded (compiled: seconds on a busy machine) before the race, so the race has requests
        RawHttp.Response first = get("/s/x");
        assertEquals(200, first.status(), first::toString);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger flips = new AtomicInteger();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        List<String> evilAnswers = java.util.Collections.synchronizedList(new ArrayList<>());
        LongAdder siteAnswers = new LongAdder();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<?> swapper = pool.submit(() -> {
                while (!stop.get()) {
                    int n = flips.getAndIncrement();
                    try {
                        switch (n % 4) {
                            case 1 -> linkInto("x.java", evil);
                            case 3 -> symlink("x.java", evil, attacker, attackerGroup);
                            default -> linkInto("x.java", legit);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return null;
            });
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                clients.add(pool.submit(() -> {
                    while (!stop.get()) {
                        try (RawHttp http = RawHttp.connect(server.port())) {
                            for (int i = 0; i < 50 && !stop.get(); i++) {
                                http.sendHead("GET", "/s/x");
                                RawHttp.Response r = http.readResponse(false);
                                statuses.computeIfAbsent(r.status(), s -> new LongAdder()).increment();
                                if (r.text().contains(EVIL)) {
                                    evilAnswers.add(r.text());
                                } else if (r.status() == 200 && r.text().equals("site's own code")) {
                                    siteAnswers.increment();
                                }
                                if (!"keep-alive".equalsIgnoreCase(String.valueOf(r.header("Connection")))
                                        && r.header("Keep-Alive") == null) {
                                    break;
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            // at least 8 s and 1000 requests (before the fix the attacker's code ran after a few
            // hundred), at most 120 s whatever the load
            long start = System.nanoTime();
            while (evilAnswers.isEmpty() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120)
                    && (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8) || requests(statuses) < 1000)) {
                ApacheServer.sleep(50);
            }
            stop.set(true);
            swapper.get(30, TimeUnit.SECONDS);
            for (Future<?> f : clients) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
            linkInto("x.java", legit);
        }
        String summary = "statuses " + statuses + ", " + flips.get() + " flips, " + siteAnswers.sum() + " answers of the site";
        System.err.println("[daemon-script-owner] swapping: " + summary);
        assertTrue(evilAnswers.isEmpty(), () -> "the attacker's code answered: " + evilAnswers.get(0) + " (" + summary + ")");
        assertNoEvilRan();
        assertTrue(siteAnswers.sum() > 0, "the site's code never answered: " + summary);
        assertTrue(statuses.containsKey(403), "the attacker's file was never refused (was it ever seen?): " + summary);
        for (int status : statuses.keySet()) {
            assertTrue(status == 200 || status == 403, "only 200 (the site) and 403 (the attacker): " + summary);
        }
        // and afterwards the site's script answers as before
        RawHttp.Response after = get("/s/x");
        assertEquals(200, after.status(), after::toString);
        assertEquals("site's own code", after.text());
    }

    static long requests(Map<Integer, LongAdder> statuses) {
        return statuses.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /**
     * A jar's resources come from the bytes that were checked, not from the path on disk later:
     * while a request of the site's jar runs (the owner was checked and the jar loaded), the
     * attacker puts a jar of the same size and modification time at its path; the resource the
     * request then reads must still be the site's.
     */
    @Test
    void aJarsResourcesComeFromTheCheckedBytesNotFromThePathLater() throws Exception {
        Path jar = shared.resolve("res.jar");
        Files.write(jar, resourceJar("site-resource"));
        own(jar, site, siteGroup);
        FileTime time = FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(jar, time);
        RawHttp.Response loaded = get("/j/res");
        assertEquals(200, loaded.status(), loaded::toString);
        assertEquals("loaded", loaded.text());

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<RawHttp.Response> reading = pool.submit(() -> get("/j/res?read"));
            Daemons.awaitMarker(server, "res-waiting", Duration.ofSeconds(60));
            Path swap = shared.resolve(".res.jar.tmp");
            Files.write(swap, resourceJar("evil-resource"));
            assertEquals(Files.size(jar), Files.size(swap), "the test's two jars must have the same size");
            own(swap, attacker, attackerGroup);
            Files.setLastModifiedTime(swap, time);
            Files.move(swap, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(server.markers().resolve("res-swapped"), "go");
            RawHttp.Response read = reading.get(90, TimeUnit.SECONDS);
            assertEquals(200, read.status(), read::toString);
            assertEquals("resource=site-resource", read.text());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A jar with class ResApp (named by the manifest) and a stored resource msg.txt holding {@code text}. */
    static byte[] resourceJar(String text) throws IOException {
        Path src = Files.createTempDirectory("resapp-src");
        try {
            Path java = src.resolve("ResApp.java");
            Files.writeString(java, """
                    import java.io.InputStream;
                    import java.net.URL;
                    import java.nio.file.Files;
                    import java.nio.file.Path;
                    import java.util.List;
                    import java.util.Map;
                    import org.modjvm.StartResponse;
                    public class ResApp {
                        public static Iterable<byte[]> application(Map<String, Object> environ, StartResponse sr) throws Exception {
                            sr.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
                            if (!"read".equals(environ.get("QUERY_STRING"))) {
                                return List.of("loaded".getBytes());
                            }
                            // the test swaps the jar on disk now: say so, wait for it
                            Path markers = Path.of((String) environ.get("MARKER_DIR"));
                            Files.writeString(markers.resolve("res-waiting"), "waiting");
                            for (int i = 0; i < 600 && !Files.exists(markers.resolve("res-swapped")); i++) {
                                Thread.sleep(100);
                            }
                            URL url = ResApp.class.getResource("/msg.txt");
                            try (InputStream in = url.openStream()) {
                                return List.of(("resource=" + new String(in.readAllBytes())).getBytes());
                            }
                        }
                    }
                    """);
            String api = ApacheServer.moduleDir().resolve("mod_jvm-api.jar").toString();
            int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-cp", api,
                    "-d", src.toString(), java.toString());
            assertEquals(0, rc, "javac of the jar app");
            Manifest m = new Manifest();
            m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            m.getMainAttributes().put(new Attributes.Name("Application-Class"), "ResApp");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            long time = 1_700_000_000_000L;
            try (JarOutputStream out = new JarOutputStream(bytes)) {
                JarEntry manifest = new JarEntry("META-INF/MANIFEST.MF");
                manifest.setTime(time);
                out.putNextEntry(manifest);
                m.write(out);
                out.closeEntry();
                JarEntry cls = new JarEntry("ResApp.class");
                cls.setTime(time);
                out.putNextEntry(cls);
                out.write(Files.readAllBytes(src.resolve("ResApp.class")));
                out.closeEntry();
                // stored, so that both jars have the same size whatever the text
                byte[] data = text.getBytes(StandardCharsets.US_ASCII);
                CRC32 crc = new CRC32();
                crc.update(data);
                JarEntry res = new JarEntry("msg.txt");
                res.setTime(time);
                res.setMethod(ZipEntry.STORED);
                res.setSize(data.length);
                res.setCompressedSize(data.length);
                res.setCrc(crc.getValue());
                out.putNextEntry(res);
                out.write(data);
                out.closeEntry();
            }
            return bytes.toByteArray();
        } finally {
            try (var files = Files.list(src)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(src);
        }
    }
}
