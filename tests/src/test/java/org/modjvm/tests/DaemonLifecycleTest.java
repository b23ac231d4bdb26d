package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Daemons across Apache's lifecycle: a graceful restart lets the running request finish in the
 * old generation's daemon while new requests go to the new generation (same socket, new secret);
 * an old child that needs a new connection reaches the new generation;
 * a hard restart replaces them; stopping Apache, even with a response in flight, leaves no
 * process and no socket behind. Each test has its own server.
 */
@ExtendWith(DumpLogOnFailure.class)
class DaemonLifecycleTest {

    static ApacheServer server(String name) {
        // two Apache children possible: a graceful restart starts a new child while the old one
        // (ServerLimit 1 would leave no scoreboard slot) finishes the response in flight
        ApacheServer s = ApacheServer.create().name(name).processes(2);
        Path app = s.installApp("daemon.java", "daemon");
        Path stream = s.installApp("stream.java", "stream");
        s.config("""
                SetEnv MARKER_DIR @ROOT@/markers
                JvmDaemonProcess lc processes=2 threads=4
                JvmScriptAlias /lc %s process-group=lc
                JvmScriptAlias /stream %s process-group=lc
                """.formatted(app, stream));
        return s;
    }

    static List<Path> sockets(ApacheServer s) {
        Pattern name = Pattern.compile("jvm\\.\\d+\\.\\d+\\.sock");
        try (Stream<Path> files = Files.list(s.root().resolve("run"))) {
            return files.filter(f -> name.matcher(f.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String secretOf(long pid) throws IOException {
        return envOf(pid, "mod_jvm.daemon.secret");
    }

    /** A secret of the settings in a daemon's environment (Daemons.settings), in hex. */
    static String envOf(long pid, String key) throws IOException {
        String secret = Daemons.settings(pid).get(key);
        if (secret == null) {
            throw new AssertionError("no " + key + " in the settings in the environment of " + pid);
        }
        return HexFormat.of().formatHex(secret.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Connects with HELLO(secret); true if the daemon kept the connection open for a second. */
    static boolean helloAccepted(Path socket, byte[] secret) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            c.write(DaemonBasicsTest.hello(secret));
            return DaemonBasicsTest.readUntilClosed(c, 1000) == null;
        }
    }

    static long pid(ApacheServer s) {
        RawHttp.Response r = RawHttp.get(s.port(), "/lc?case=info");
        assertEquals(200, r.status(), () -> r + "\n" + Daemons.lines(s.errorLog(), "JVM0\\d+|AH0\\d+"));
        return Daemons.pidOf(r);
    }

    @Test
    void gracefulRestartLetsTheRunningRequestFinishAndMovesNewRequestsToANewGeneration() throws Exception {
        try (ApacheServer s = server("daemon-graceful").start()) {
            List<Long> oldPids = Daemons.awaitPids(s, "lc", 2, Duration.ofSeconds(10));
            List<Path> oldSockets = sockets(s);
            assertEquals(1, oldSockets.size(), oldSockets::toString);
            byte[] oldSecret = HexFormat.of().parseHex(secretOf(oldPids.get(0)));
            String announcedNext = envOf(oldPids.get(0), "mod_jvm.daemon.next_secret");
            assertTrue(helloAccepted(oldSockets.get(0), oldSecret), "control: the generation's secret is accepted");
            pid(s);
            long mark = s.errorLogMark();
            try (RawHttp c = RawHttp.connect(s.port())) {
                // 30 chunks, 100 ms apart: 3 s of streaming across the restart
                c.sendHead("GET", "/stream?n=30&sleep=100&tag=graceful", "Connection: close");
                RawHttp.Head head = c.readHead();
                assertEquals(200, head.status(), head::toString);
                InputStream body = c.body(head, false);
                byte[] first = new byte[8];
                assertEquals(8, body.readNBytes(first, 0, 8));
                s.signal("USR1");
                // new requests reach a daemon of the new generation; none fails meanwhile
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                long newPid = -1;
                while (System.nanoTime() < deadline) {
                    long p = pid(s);
                    if (!oldPids.contains(p)) {
                        newPid = p;
                        break;
                    }
                    ApacheServer.sleep(100);
                }
                assertNotEquals(-1, newPid, "a new-generation daemon answers within 20 s");
                String rest = new String(body.readAllBytes(), StandardCharsets.US_ASCII);
                StringBuilder expected = new StringBuilder();
                for (int i = 0; i < 30; i++) {
                    expected.append("chunk ").append(i).append('\n');
                }
                assertEquals(expected.toString(), new String(first, StandardCharsets.US_ASCII) + rest,
                        "the response in flight completes in the old generation's daemon");
            }
            List<Long> newPids = Daemons.awaitPids(s, "lc", 2, Duration.ofSeconds(15));
            // the old generation's daemons drain and exit; its socket is gone
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (oldPids.stream().anyMatch(Daemons::alive) && System.nanoTime() < deadline) {
                ApacheServer.sleep(100);
            }
            assertTrue(oldPids.stream().noneMatch(Daemons::alive), "old daemons exited: " + oldPids);
            assertTrue(newPids.stream().noneMatch(oldPids::contains), newPids + " vs " + oldPids);
            // the group keeps its socket (old children still serving may need a new connection)
            List<Path> newSockets = sockets(s);
            assertEquals(oldSockets, newSockets, "one socket per group, kept across a graceful restart");
            // the new generation has a new secret and accepts the previous one (its old children)
            byte[] newSecret = HexFormat.of().parseHex(secretOf(newPids.get(0)));
            assertFalse(java.util.Arrays.equals(oldSecret, newSecret), "a new secret per generation");
            assertEquals(announcedNext, secretOf(newPids.get(0)), "the one the old generation was told would come next");
            assertTrue(helloAccepted(newSockets.get(0), newSecret), "control: the new secret is accepted");
            assertTrue(helloAccepted(newSockets.get(0), oldSecret), "the previous generation's secret is accepted");
            // one more graceful restart: the secret of two generations ago is rejected
            s.signal("USR1");
            long deadline3 = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline3 && newPids.contains(pid(s))) {
                ApacheServer.sleep(100);
            }
            List<Long> thirdPids = Daemons.awaitPids(s, "lc", 2, Duration.ofSeconds(15));
            assertTrue(thirdPids.stream().noneMatch(newPids::contains), thirdPids + " vs " + newPids);
            byte[] thirdSecret = HexFormat.of().parseHex(secretOf(thirdPids.get(0)));
            long mark2 = s.errorLogMark();
            assertFalse(helloAccepted(newSockets.get(0), oldSecret), "the secret of two generations ago is rejected");
            assertTrue(helloAccepted(newSockets.get(0), newSecret), "the previous generation's secret is accepted");
            assertTrue(helloAccepted(newSockets.get(0), thirdSecret), "control: the current secret is accepted");
            assertTrue(s.awaitErrorLog(mark2, "JVM01301", Duration.ofSeconds(5)).contains("JVM01301"));
            String log = s.errorLogSince(mark);
            assertFalse(log.contains("JVM00051"), () -> "no daemon 'died' in a graceful restart:\n" + log);
            assertFalse(log.contains("JVM00064"), () -> "no request failed:\n" + log);
            assertTrue(s.crashLines().isEmpty(), () -> "crash lines: " + s.crashLines());
        }
    }

    /**
     * Right after a graceful restart an old process may still accept for a few milliseconds
     * (its SIGTERM is on the way) and get a connection of the new generation: it recognises the
     * secret it was told would come next, answers GOODBYE (Apache sends the request again, to a
     * new process) instead of rejecting it, and stops accepting at once. Simulated here by
     * presenting that secret to the running generation.
     */
    @Test
    void aConnectionOfTheNextGenerationGetsGoodbyeAndEndsTheOldProcess() throws Exception {
        try (ApacheServer s = server("daemon-next-secret").start()) {
            List<Long> pids = Daemons.awaitPids(s, "lc", 2, Duration.ofSeconds(10));
            pid(s);
            byte[] next = HexFormat.of().parseHex(envOf(pids.get(0), "mod_jvm.daemon.next_secret"));
            assertEquals(envOf(pids.get(0), "mod_jvm.daemon.next_secret"), envOf(pids.get(1), "mod_jvm.daemon.next_secret"));
            long mark = s.errorLogMark();
            byte[] answer;
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sockets(s).get(0)))) {
                c.write(DaemonBasicsTest.hello(next));
                answer = DaemonBasicsTest.readUntilClosed(c, 5000);
            }
            assertArrayEquals(new byte[] {1, 0, 0, 0, 10}, answer, "GOODBYE (length 1, type 10), then the end");
            String log = s.awaitErrorLog(mark, "JVM01304", Duration.ofSeconds(5));
            assertTrue(log.contains("JVM01304"), () -> "the process that got it stops:\n" + log);
            assertFalse(log.contains("JVM01301"), () -> "not logged as a rejected connection:\n" + log);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            List<Long> now = Daemons.pids(s, "lc");
            while ((now.size() != 2 || now.containsAll(pids)) && System.nanoTime() < deadline) {
                ApacheServer.sleep(100);
                now = Daemons.pids(s, "lc");
            }
            List<Long> replaced = now;
            assertEquals(2, replaced.size(), replaced::toString);
            assertEquals(1, replaced.stream().filter(pids::contains).count(),
                    () -> "the process that got the connection was replaced, the other lives on: " + pids + " -> " + replaced);
            assertEquals(200, RawHttp.get(s.port(), "/lc?case=info").status());
        }
    }

    /**
     * An old-generation Apache child that needs a NEW daemon connection after a graceful restart
     * (here: a request whose headers were still arriving when the restart began, so the child
     * only contacts the group afterwards, and the old daemons have closed its pooled connection)
     * reaches the new generation's daemons through the group's socket, which outlives the
     * generation, with its own (previous) secret.
     */
    @Test
    void anOldChildThatNeedsANewConnectionAfterAGracefulRestartReachesTheNewGeneration() throws Exception {
        try (ApacheServer s = server("daemon-graceful-old-child").start()) {
            List<Long> oldPids = Daemons.awaitPids(s, "lc", 2, Duration.ofSeconds(10));
            pid(s);
            long mark = s.errorLogMark();
            try (RawHttp c = RawHttp.connect(s.port())) {
                // the request line and one header now, the end of the headers after the restart
                c.send("GET /lc?case=info HTTP/1.1\r\nHost: localhost\r\n");
                ApacheServer.sleep(300);
                s.signal("USR1");
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline && oldPids.contains(pid(s))) {
                    ApacheServer.sleep(100);
                }
                // the new generation is up; the old daemons drain (they close idle connections)
                List<Long> newPids = Daemons.awaitPids(s, "lc", 2, Duration.ofSeconds(15));
                assertTrue(newPids.stream().noneMatch(oldPids::contains), newPids + " vs " + oldPids);
                c.send("Connection: close\r\n\r\n");
                RawHttp.Response r = c.readResponse();
                assertEquals(200, r.status(), () -> r + "\n" + Daemons.lines(s.errorLogSince(mark), "JVM0\\d+|AH0\\d+"));
                long served = Daemons.pidOf(r);
                assertTrue(newPids.contains(served), () -> "served by " + served + ", new generation " + newPids);
            }
            String log = s.errorLogSince(mark);
            assertFalse(log.contains("JVM00061"), () -> "no connection failed:\n" + log);
            assertFalse(log.contains("JVM01301"), () -> "no connection rejected:\n" + log);
        }
    }

    @Test
    void gracefulRestartUnderLoadFailsNoRequest() {
        try (ApacheServer s = server("daemon-graceful-load").start()) {
            List<Long> oldPids = Daemons.awaitPids(s, "lc", 2, Duration.ofSeconds(10));
            pid(s);
            long mark = s.errorLogMark();
            try (Load l = new Load(s, "/lc?case=sleep&ms=20", 8).start()) {
                l.awaitCount(50, 20_000);
                s.signal("USR1");
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline
                        && l.samples().stream().noneMatch(x -> x.good() && x.pid() > 0 && !oldPids.contains(x.pid()))) {
                    ApacheServer.sleep(100);
                }
                ApacheServer.sleep(1500);
                l.stop();
                assertTrue(l.samples().stream().anyMatch(x -> x.good() && !oldPids.contains(x.pid())),
                        () -> "the new generation serves: " + l.report());
                assertTrue(l.failures().isEmpty(), () -> l.report() + "\n"
                        + Daemons.lines(s.errorLogSince(mark), "JVM0\\d+|AH0\\d+"));
            }
        }
    }

    @Test
    void shutdownTimeoutBoundsHowLongARestartWaitsForARunningRequest() throws Exception {
        try (ApacheServer s = ApacheServer.create().name("daemon-shutdown-timeout")) {
            Path app = s.installApp("daemon.java", "daemon");
            s.config("""
                    SetEnv MARKER_DIR @ROOT@/markers
                    JvmDaemonProcess sd shutdown-timeout=1
                    JvmScriptAlias /sd %s process-group=sd
                    """.formatted(app)).start();
            long old = Daemons.awaitPids(s, "sd", 1, Duration.ofSeconds(10)).get(0);
            java.util.concurrent.CompletableFuture<RawHttp.Response> running = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> RawHttp.get(s.port(), "/sd?case=sleep&ms=8000&marker=sd-running"));
            Daemons.awaitMarker(s, "sd-running", Duration.ofSeconds(20));
            long t0 = System.nanoTime();
            s.signal("USR1");
            RawHttp.Response r = running.get(20, java.util.concurrent.TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 4000, "the old daemon waited shutdown-timeout=1 s, not the request's 8 s: " + ms + " ms, " + r);
            assertTrue(r.status() == 502 || r.status() == 503 || !r.complete(), r::toString);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (Daemons.alive(old) && System.nanoTime() < deadline) {
                ApacheServer.sleep(50);
            }
            assertFalse(Daemons.alive(old), "the old daemon exited");
            Daemons.awaitReplacement(s, "sd", 1, List.of(old), Duration.ofSeconds(15));
        }
    }

    @Test
    void hardRestartReplacesTheDaemons() {
        try (ApacheServer s = server("daemon-restart").start()) {
            List<Long> oldPids = Daemons.awaitPids(s, "lc", 2, Duration.ofSeconds(10));
            pid(s);
            s.signal("HUP");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            List<Long> now = List.of();
            while (System.nanoTime() < deadline) {
                now = Daemons.pids(s, "lc");
                if (now.size() == 2 && now.stream().noneMatch(oldPids::contains)) {
                    break;
                }
                ApacheServer.sleep(100);
            }
            List<Long> fin = now;
            assertTrue(fin.size() == 2 && fin.stream().noneMatch(oldPids::contains), () -> "new daemons " + fin
                    + " replace " + oldPids);
            long served = -1;
            for (int i = 0; i < 100 && served < 0; i++) {
                try {
                    RawHttp.Response r = RawHttp.get(s.port(), "/lc?case=info");
                    if (r.status() == 200) {
                        served = Daemons.pidOf(r);
                    }
                } catch (RuntimeException e) {
                    // the listener may be re-opening
                }
                ApacheServer.sleep(100);
            }
            assertTrue(fin.contains(served), "a new daemon serves: " + served + " in " + fin);
            assertEquals(1, sockets(s).size(), () -> "one socket: " + sockets(s));
        }
    }

    @Test
    void stopWithAResponseInFlightLeavesNoProcessAndNoSocket() throws Exception {
        ApacheServer s = server("daemon-stop").start();
        try {
            List<Long> daemons = Daemons.awaitPids(s, "lc", 2, Duration.ofSeconds(10));
            List<Long> all = new ArrayList<>();
            ProcessHandle.of(s.parentPid()).ifPresent(p -> p.descendants().forEach(h -> all.add(h.pid())));
            try (RawHttp c = RawHttp.connect(s.port())) {
                c.sendHead("GET", "/stream?n=3000&sleep=10&tag=stopping", "Connection: close");
                RawHttp.Head head = c.readHead();
                assertEquals(200, head.status(), head::toString);
                long t0 = System.nanoTime();
                s.stop(); // fails if any process of the server survives
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 10_000, "stopped in " + ms + " ms");
            }
            List<Long> alive = all.stream().filter(Daemons::alive).toList();
            assertTrue(alive.isEmpty(), "no process of the server left (daemons " + daemons + "): " + alive);
            assertTrue(sockets(s).isEmpty(), () -> "no socket left: " + sockets(s));
        } finally {
            s.close();
        }
    }

    @Test
    void stopLeavesNoDaemonEvenIfApacheIsKilled() throws Exception {
        // the daemons die with the Apache parent (PR_SET_PDEATHSIG), even on kill -9
        ApacheServer s = server("daemon-parent-killed").start();
        List<ProcessHandle> all = new ArrayList<>();
        try {
            List<Long> daemons = Daemons.awaitPids(s, "lc", 2, Duration.ofSeconds(10));
            pid(s);
            ProcessHandle.of(s.parentPid()).ifPresent(p -> p.descendants().forEach(all::add));
            Daemons.kill(s.parentPid(), "KILL");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (daemons.stream().anyMatch(Daemons::alive) && System.nanoTime() < deadline) {
                ApacheServer.sleep(100);
            }
            List<Long> alive = daemons.stream().filter(Daemons::alive).toList();
            assertTrue(alive.isEmpty(), "daemons outlived a killed Apache parent: " + alive);
        } finally {
            // the Apache children outlive a kill -9 of their parent (Apache's business, not
            // mod_jvm's): end them, they are this test's
            for (ProcessHandle h : all) {
                h.destroyForcibly();
            }
            try {
                s.close();
            } catch (AssertionError e) {
                if (!e.getMessage().contains("survived")) {
                    throw e;
                }
            }
        }
    }
}
