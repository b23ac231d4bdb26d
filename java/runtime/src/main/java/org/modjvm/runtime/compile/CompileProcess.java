package org.modjvm.runtime.compile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * Runs {@code org.modjvm.runtime.CompileMain} in a short-lived child JVM that compiles one script into the disk
 * cache, so this process (an Apache child, a daemon) never loads javac. Started with
 * ProcessBuilder (posix_spawn through jspawnhelper: safe inside an Apache child; the child
 * gets no descriptor but its stdin from /dev/null and two pipes for stdout and stderr), killed
 * after a timeout.
 */
final class CompileProcess {
    /**
     * A one-shot compile: the class-data archive, C1 only (javac's code is run once, C2 would not
     * pay off), the serial collector, no perf file or attach socket.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xmx256m", "-XX:-UsePerfData", "-XX:+DisableAttachMechanism");
    static final long DEFAULT_TIMEOUT_MILLIS = 60_000;
    /** The child's main class: an entry point of the runtime, named here so compiling does not depend on it. */
    static final String MAIN_CLASS = "org.modjvm.runtime.CompileMain";
    /** Enough for javac's 100 errors with their source lines; the rest is dropped. */
    private static final int MAX_OUTPUT = 1 << 20;

    /** What starts a JVM: {@code <java.home>/bin/java} and its options (tests put a fake here). */
    private final List<String> launcher;
    private final String classPath;
    private final long timeoutMillis;

    CompileProcess(List<String> launcher, String classPath, long timeoutMillis) {
        this.launcher = List.copyOf(launcher);
        this.classPath = classPath;
        this.timeoutMillis = timeoutMillis;
    }

    /** This JVM's own java launcher and class path (the runtime jar, the API jar, JvmClassPath). */
    static CompileProcess standard() {
        List<String> launcher = new ArrayList<>();
        launcher.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        launcher.addAll(JVM_OPTIONS);
        return new CompileProcess(launcher, System.getProperty("java.class.path", ""), DEFAULT_TIMEOUT_MILLIS);
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    /** Why no compiler process can be started at all, or {@code null}. */
    String unavailable() {
        Path java = Path.of(launcher.get(0));
        return Files.isExecutable(java) ? null : java + " does not exist or is not executable";
    }

    /** The child could not be started: the caller compiles in memory. */
    static final class CannotStart extends Exception {
        private static final long serialVersionUID = 1L;

        CannotStart(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /**
     * Compiles {@code source} into {@code cache} under {@code key}; on return the entry is there.
     *
     * @throws ScriptLoadException the source does not compile (javac's diagnostics, as in memory),
     *                             or the child timed out or failed (temporary)
     * @throws CannotStart         no child could be started
     */
    void compile(ScriptSource source, String key, CompiledClassCache cache, Log log)
            throws ScriptLoadException, CannotStart {
        Path sourceFile;
        try {
            sourceFile = cache.writeSource(key, source.bytes());
        } catch (IOException | RuntimeException e) {
            throw new CannotStart("cannot write the source to " + cache.directory() + ": " + e, e);
        }
        try {
            run(source.path(), command(cache, key, sourceFile, source.path()), log);
        } finally {
            try {
                Files.deleteIfExists(sourceFile);
            } catch (IOException ignored) {
                // a leftover .src file is harmless: its name never matches a key
            }
        }
    }

    private List<String> command(CompiledClassCache cache, String key, Path sourceFile, Path script) {
        List<String> command = new ArrayList<>(launcher);
        command.add("-cp");
        command.add(classPath);
        command.add(MAIN_CLASS);
        command.add("cache=" + cache.directory());
        command.add("uid=" + cache.uid());
        command.add("key=" + key);
        command.add("source=" + sourceFile);
        command.add("script=" + script);
        return command;
    }

    private void run(Path script, List<String> command, Log log) throws ScriptLoadException, CannotStart {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // a daemon's settings, with its secrets: the compiler has no business with them
        builder.environment().remove("MOD_JVM_SETTINGS");
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new CannotStart("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
        Drain out = Drain.start(process.getInputStream(), "mod_jvm-compile-out");
        Drain err = Drain.start(process.getErrorStream(), "mod_jvm-compile-err");
        // not cut short by an interrupt (a request timeout): others wait for this compile too
        if (!Uninterruptibly.waitFor(process, timeoutMillis)) {
            kill(process);
            Uninterruptibly.waitFor(process, 5000);
            Uninterruptibly.join(out, 5000);
            Uninterruptibly.join(err, 5000);
            throw ScriptLoadException.temporary(Message.JVM01220, "compiling " + script + " in a separate JVM (pid "
                    + process.pid() + ") took longer than " + timeoutMillis / 1000.0 + " s: killed it; the next request"
                    + " after " + ScriptLoadException.TEMPORARY_FAILURE_RETRY_NANOS / 1_000_000_000L + " s tries again"
                    + reportOf(err.text(), ""));
        }
        Uninterruptibly.join(out, 5000); // at the child's exit its pipes close (unless it left a process behind)
        Uninterruptibly.join(err, 5000);
        Output output = Output.parse(out.text(), log);
        int exit = process.exitValue();
        if (err.text().length() > 0 && log.enabled(Message.JVM01222)) {
            log.log(Message.JVM01222, "the compiler process of " + script + " wrote to stderr:\n"
                    + err.text().stripTrailing());
        }
        // the result line, its last words, decides; the exit code only says the same
        if (output.result.startsWith("ok ")) {
            return;
        }
        Message reported = output.result.startsWith("error ") ? Message.ofId(output.result.substring(6).trim()) : null;
        if (reported != null) {
            throw new ScriptLoadException(reported, output.message);
        }
        throw ScriptLoadException.temporary(Message.JVM01220, "compiling " + script + " in a separate JVM failed (exit code "
                + exit + (output.result.isEmpty() ? ", no result" : ", " + output.result) + ")"
                + reportOf(err.text(), output.message));
    }

    /** SIGKILL to the child and anything it started (which would hold its pipes open). */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String reportOf(String stderr, String message) {
        StringBuilder text = new StringBuilder();
        if (!message.isEmpty()) {
            text.append(":\n").append(message.stripTrailing());
        }
        if (!stderr.isBlank()) {
            text.append(text.length() == 0 ? ":\n" : "\n").append(stderr.stripTrailing());
        }
        return text.toString();
    }

    /** The child's stdout, read as CompileMain writes it. */
    private static final class Output {
        String result = "";
        String message = "";

        static Output parse(String text, Log log) {
            Output output = new Output();
            StringBuilder message = new StringBuilder();
            for (String line : text.split("\n")) {
                if (line.startsWith("message ")) {
                    if (message.length() > 0) {
                        message.append('\n');
                    }
                    message.append(line, 8, line.length());
                } else if (line.startsWith("log ")) {
                    int space = line.indexOf(' ', 4);
                    try {
                        int level = Integer.parseInt(line.substring(4, space));
                        log.logRaw(level, line.substring(space + 1).getBytes(StandardCharsets.UTF_8));
                    } catch (RuntimeException malformed) {
                        message.append(message.length() > 0 ? "\n" : "").append(line);
                    }
                } else if (line.startsWith("result ")) {
                    output.result = line.substring(7).trim();
                } else if (!line.isEmpty()) {
                    message.append(message.length() > 0 ? "\n" : "").append(line); // not ours: show it
                }
            }
            output.message = message.toString();
            return output;
        }
    }

    /** Reads a child's stream to its end on a small thread, keeping at most {@link #MAX_OUTPUT} bytes. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean truncated;

        private Drain(InputStream in, String name) {
            super(null, null, name, 256 * 1024);
            this.in = in;
            setDaemon(true);
        }

        static Drain start(InputStream in, String name) {
            Drain drain = new Drain(in, name);
            drain.start();
            return drain;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (InputStream stream = in) {
                for (int n; (n = stream.read(buffer)) >= 0; ) {
                    synchronized (this) {
                        int room = MAX_OUTPUT - bytes.size();
                        if (n > room) {
                            truncated = true;
                        }
                        bytes.write(buffer, 0, Math.max(0, Math.min(n, room)));
                    }
                }
            } catch (IOException ignored) {
                // the child was killed: keep what was read
            }
        }

        synchronized String text() {
            String text = bytes.toString(StandardCharsets.UTF_8);
            return truncated ? text + "\n[… output truncated]" : text;
        }
    }
}
