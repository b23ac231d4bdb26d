package org.modjvm.runtime;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.modjvm.runtime.compile.CacheKey;
import org.modjvm.runtime.compile.CompiledClassCache;
import org.modjvm.runtime.compile.InMemoryJavac;
import org.modjvm.runtime.compile.ScriptLoadException;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * Entry point of a compiler process: a short-lived JVM that {@code compile.CompileProcess} starts to
 * compile one script into the disk cache, so that the server's own processes never load javac
 * (about 50 MB of RSS for the rest of their lives). Same compiler, key, atomic write and
 * ownership checks as an in-process compile ({@link InMemoryJavac}, {@link CompiledClassCache}).
 *
 * <p>Arguments, {@code key=value}: {@code cache} (the cache directory), {@code uid} (its
 * required owner), {@code key} (the entry's cache key), {@code source} (a file holding the
 * source bytes; their key must be {@code key}), {@code script} (the script's path, for
 * diagnostics and the classes' SourceFile).
 *
 * <p>Output on stdout, UTF-8, one record a line, the last one being the result:
 * <pre>
 * log LEVEL TEXT        a line for the error log (Apache level number, text with its JVMnnnnn: number)
 * message TEXT          one line of the failure message (javac style: "/path/site.java:5: error: …")
 * result ok compiled    the entry is written (exit code 0)
 * result ok cached      the entry was already there, written by another process (exit code 0)
 * result error CODE     the source does not compile: the message lines say why (exit code 1)
 * result failed CODE    anything else (exit code 2)
 * </pre>
 */
public final class CompileMain {
    static final int EXIT_OK = 0;
    static final int EXIT_COMPILE_ERROR = 1;
    static final int EXIT_FAILED = 2;

    private CompileMain() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        int status;
        try {
            status = run(args, out);
        } catch (Throwable e) {
            message(out, "the compiler process failed:\n" + trace(e));
            out.println("result failed " + Message.JVM01220.id());
            status = EXIT_FAILED;
        }
        out.flush();
        System.exit(status);
    }

    private static int run(String[] args, PrintStream out) throws Exception {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                return failed(out, "bad argument '" + arg + "': not key=value");
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        for (String required : new String[] {"cache", "uid", "key", "source", "script"}) {
            if (!values.containsKey(required)) {
                return failed(out, "missing argument " + required + "=");
            }
        }
        Log log = new Log((level, line) -> {
            out.print("log " + level + " ");
            out.println(new String(line, StandardCharsets.UTF_8));
        }, Log.DEBUG);
        CompiledClassCache cache = new CompiledClassCache(Path.of(values.get("cache")),
                Integer.parseInt(values.get("uid")));
        String key = values.get("key");
        if (!cache.safe(log)) {
            return failed(out, "the compiled-class cache " + cache.directory() + " cannot be used");
        }
        byte[] source = Files.readAllBytes(Path.of(values.get("source")));
        String actual = CacheKey.of(source);
        if (!actual.equals(key)) {
            return failed(out, "cache key mismatch: the server expects " + key + ", this JVM computes " + actual
                    + " (a different Java feature version or mod_jvm runtime on the class path?)");
        }
        if (cache.read(key, log) != null) {
            out.println("result ok cached");
            return EXIT_OK;
        }
        Map<String, byte[]> classes;
        try {
            classes = InMemoryJavac.compile(Path.of(values.get("script")), source, System.getProperty("java.home"));
        } catch (ScriptLoadException e) {
            message(out, e.getCause() == null ? e.getMessage() : e.getMessage() + "\n" + trace(e.getCause()));
            out.println("result error " + e.code);
            return EXIT_COMPILE_ERROR;
        }
        if (!cache.write(key, classes, Path.of(values.get("script")), log)) {
            return failed(out, "the compiled classes could not be written to the cache (see above)");
        }
        out.println("result ok compiled");
        return EXIT_OK;
    }

    private static int failed(PrintStream out, String why) {
        message(out, why);
        out.println("result failed " + Message.JVM01220.id());
        return EXIT_FAILED;
    }

    private static void message(PrintStream out, String text) {
        for (String line : text.split("\r\n|\r|\n", -1)) {
            out.print("message ");
            out.println(line);
        }
    }

    private static String trace(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString().stripTrailing();
    }
}
