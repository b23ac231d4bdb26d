package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Daemon-mode helpers: the daemon processes of a server (descendants of the Apache parent running
 * {@code org.modjvm.runtime.DaemonMain}, their group in the settings frame of their environment),
 * what {@code /proc} says about them, and the
 * parsed answers of the {@code apps/daemon.java} test app.
 */
final class Daemons {
    static final String MAIN_CLASS = "org.modjvm.runtime.DaemonMain";

    private Daemons() {
    }

    /** The command line of a process (argv), empty if it is gone. */
    static List<String> cmdline(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            if (b.length == 0) {
                return List.of();
            }
            String s = new String(b, StandardCharsets.UTF_8);
            if (s.endsWith("\0")) {
                s = s.substring(0, s.length() - 1);
            }
            return Arrays.asList(s.split("\0", -1));
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Where a process's descriptors lead (the targets of /proc/PID/fd: a file's path,
     * {@code socket:[inode]} …), empty if it is gone or not ours to read.
     */
    static List<String> openFiles(long pid) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    out.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException closedMeanwhile) {
                    // closed between the list and the read
                }
            }
        } catch (IOException gone) {
            return List.of();
        }
        return out;
    }

    /** A field of /proc/PID/status ("Uid", "Gid", "State" …), null if the process is gone. */
    static String status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1).trim().replaceAll("\\s+", " ");
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Alive and not a zombie waiting to be reaped. */
    static boolean alive(long pid) {
        String state = status(pid, "State");
        if (state == null) {
            return false;
        }
        if (!state.startsWith("Z") && !state.startsWith("X")) {
            return true;
        }
        // a zombie leader whose other threads are still exiting (a JVM that crashed: the thread
        // that handled the signal ends first) still holds its sockets open
        String threads = status(pid, "Threads");
        return threads != null && Integer.parseInt(threads.trim()) > 1;
    }

    /** The group a daemon process serves ({@code mod_jvm.process_group} of its settings), or null if it is no daemon. */
    static String groupOf(long pid) {
        return cmdline(pid).contains(MAIN_CLASS) ? settings(pid).get("mod_jvm.process_group") : null;
    }

    /**
     * The settings frame the Apache parent gave a daemon process ({@code MOD_JVM_SETTINGS} in its
     * environment, hex; docs/internals.md "Settings frame"), empty if the process is gone or has
     * none. The tests run as root: they may read any process's environment.
     */
    static Map<String, String> settings(long pid) {
        byte[] env;
        try {
            env = Files.readAllBytes(Path.of("/proc/" + pid + "/environ"));
        } catch (IOException e) {
            return Map.of();
        }
        for (String var : new String(env, StandardCharsets.ISO_8859_1).split("\0")) {
            if (var.startsWith("MOD_JVM_SETTINGS=")) {
                return decodeSettings(java.util.HexFormat.of().parseHex(var.substring(17)));
            }
        }
        return Map.of();
    }

    /** A key/value block: u32 count, then count × (u32 length, key, u32 length, value), little-endian. */
    private static Map<String, String> decodeSettings(byte[] frame) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(frame).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        Map<String, String> out = new LinkedHashMap<>();
        for (int n = in.getInt(); n > 0; n--) {
            byte[] key = new byte[in.getInt()];
            in.get(key);
            byte[] value = new byte[in.getInt()];
            in.get(value);
            out.put(new String(key, StandardCharsets.ISO_8859_1), new String(value, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /** Live daemon processes of {@code group} below the Apache parent. */
    static List<Long> pids(ApacheServer s, String group) {
        List<Long> out = new ArrayList<>();
        ProcessHandle.of(s.parentPid()).ifPresent(parent -> parent.descendants().forEach(h -> {
            if (group.equals(groupOf(h.pid())) && alive(h.pid())) {
                out.add(h.pid());
            }
        }));
        out.sort(null);
        return out;
    }

    /** Every live daemon process below the Apache parent, any group. */
    static List<Long> allPids(ApacheServer s) {
        List<Long> out = new ArrayList<>();
        ProcessHandle.of(s.parentPid()).ifPresent(parent -> parent.descendants().forEach(h -> {
            if (groupOf(h.pid()) != null && alive(h.pid())) {
                out.add(h.pid());
            }
        }));
        return out;
    }

    /** Waits until exactly {@code n} processes of the group live; returns them (or fails with what it saw). */
    static List<Long> awaitPids(ApacheServer s, String group, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Long> seen;
        while (true) {
            seen = pids(s, group);
            if (seen.size() == n) {
                return seen;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " daemon processes of group " + group + " within "
                        + timeout + ", saw " + seen + "\n" + s.diagnostics());
            }
            ApacheServer.sleep(50);
        }
    }

    /** Waits until {@code n} processes of the group live and none of them is in {@code old}. */
    static List<Long> awaitReplacement(ApacheServer s, String group, int n, List<Long> old, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Long> seen;
        while (true) {
            seen = pids(s, group);
            if (seen.size() == n && seen.stream().noneMatch(old::contains)) {
                return seen;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " new daemon processes of group " + group + " (not " + old
                        + ") within " + timeout + ", saw " + seen + "\n" + s.diagnostics());
            }
            ApacheServer.sleep(50);
        }
    }

    /**
     * New sessions until each of a group's {@code routes} processes holds {@code perRoute} of them;
     * returns the ones kept. {@code newSession} makes a client and its first request (which goes to
     * whichever process accepts first on the group's socket), {@code route} reads the route its
     * session id ends in. A process that is still deploying accepts nothing, so the tries go on for
     * up to {@code timeout} (with a pause between them after the first hundred) instead of a fixed
     * number: CI once saw 300 in a row reach the one process that was ready.
     */
    static <V> List<V> spreadOverRoutes(Supplier<V> newSession, ToIntFunction<V> route, int routes, int perRoute,
            Duration timeout) {
        List<V> kept = new ArrayList<>();
        int[] count = new int[routes];
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int tries = 1; kept.size() < routes * perRoute; tries++) {
            V v = newSession.get();
            int r = route.applyAsInt(v);
            if (r < 0 || r >= routes) {
                throw new AssertionError("the session id ends in the route of its process (0 to " + (routes - 1)
                        + "): " + v);
            }
            if (count[r] < perRoute) {
                count[r]++;
                kept.add(v);
            }
            if (kept.size() < routes * perRoute && System.nanoTime() > deadline) {
                throw new AssertionError(tries + " new sessions in " + timeout + " were not spread over the "
                        + routes + " processes (" + perRoute + " each): " + Arrays.toString(count));
            }
            if (tries > 100) {
                ApacheServer.sleep(50);
            }
        }
        return kept;
    }

    static void kill(long pid, String signal) {
        try {
            Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new AssertionError("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs a command, returns exit code and output (stdout+stderr). */
    record Result(int exitCode, String output) {
    }

    static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Parses the "key=value" lines of the daemon app's info answer (asserting 200). */
    static Map<String, String> info(RawHttp.Response r) {
        assertEquals(200, r.status(), () -> "daemon app did not answer 200: " + r);
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : r.text().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    static Map<String, String> info(ApacheServer s, String target, String... headers) {
        return info(RawHttp.get(s.port(), target, headers));
    }

    /** The pid in an answer "pid=P …" of the sleep case (or the info case). */
    static long pidOf(RawHttp.Response r) {
        String t = r.text();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid=(\\d+)").matcher(t);
        if (!m.find()) {
            throw new AssertionError("no pid= in " + r);
        }
        return Long.parseLong(m.group(1));
    }

    /** Number of lines of {@code log} that match {@code regex}. */
    static int countLines(String log, String regex) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        int n = 0;
        for (String line : log.split("\n")) {
            if (p.matcher(line).find()) {
                n++;
            }
        }
        return n;
    }

    static String lines(String log, String regex) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        return Arrays.stream(log.split("\n")).filter(l -> p.matcher(l).find()).collect(Collectors.joining("\n"));
    }

    /** Waits for a marker file written by the app, returns its content. */
    static String awaitMarker(ApacheServer s, String name, Duration timeout) {
        Path m = s.markers().resolve(name);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(m)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("marker " + name + " not written within " + timeout + "\n" + s.diagnostics());
            }
            ApacheServer.sleep(20);
        }
        try {
            return Files.readString(m).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
