package org.modjvm.runtime.compile;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.modjvm.runtime.log.Message;

/**
 * Compiles one {@code .java} script in memory with javax.tools (only reached through
 * {@link JavaSourceCompiler}, see there why). The file name need not match the public class;
 * the class path is the JVM's own ({@code java.class.path}: the API jar and JvmClassPath).
 */
public final class InMemoryJavac {
    /** Annotation processors off (speed, and no code from the class path runs at compile time). */
    private static final List<String> FIXED_OPTIONS = List.of("-proc:none", "-g", "-Xlint:none", "-encoding", "UTF-8");

    private InMemoryJavac() {
    }

    public static Map<String, byte[]> compile(Path script, byte[] source, String jvmHome) throws ScriptLoadException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new ScriptLoadException(Message.JVM01212, "JvmHome " + jvmHome
                    + " has no Java compiler (a JRE?): install a JDK or mount a jar (cannot compile " + script + ")");
        }
        String text = decode(source);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> outputs = new TreeMap<>();
        List<String> options = new ArrayList<>(FIXED_OPTIONS);
        options.add("-classpath");
        options.add(System.getProperty("java.class.path", ""));
        boolean success;
        try (StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
             MemoryFileManager files = new MemoryFileManager(standard, outputs)) {
            JavaCompiler.CompilationTask task = compiler.getTask(null, files, diagnostics, options, null,
                    List.of(new ScriptFile(script, text)));
            success = task.call();
        } catch (Exception | LinkageError e) {
            throw new ScriptLoadException(Message.JVM01211, "compiling " + script + " failed: the compiler crashed:", e);
        }
        if (!success || outputs.isEmpty()) {
            String report = report(script, text, diagnostics);
            throw new ScriptLoadException(Message.JVM01211, "compiling " + script + " failed:\n"
                    + (report.isEmpty() ? script + ": error: the source defines no class" : report));
        }
        Map<String, byte[]> classes = new TreeMap<>();
        for (Map.Entry<String, ByteArrayOutputStream> output : outputs.entrySet()) {
            classes.put(output.getKey(), output.getValue().toByteArray());
        }
        return classes;
    }

    /** Sources are UTF-8; invalid bytes fall back to ISO-8859-1 rather than failing, a BOM is dropped. */
    private static String decode(byte[] source) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(source)).toString();
        } catch (CharacterCodingException e) {
            text = new String(source, StandardCharsets.ISO_8859_1);
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** javac's own layout: "path:line: error: message", message lines, the source line, a caret. */
    private static String report(Path script, String text, DiagnosticCollector<JavaFileObject> diagnostics) {
        String[] lines = text.split("\r\n|\r|\n", -1);
        StringBuilder out = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
            if (diagnostic.getKind() != Diagnostic.Kind.ERROR && diagnostic.getKind() != Diagnostic.Kind.WARNING
                    && diagnostic.getKind() != Diagnostic.Kind.MANDATORY_WARNING) {
                continue;
            }
            if (out.length() > 0) {
                out.append('\n');
            }
            long line = diagnostic.getLineNumber();
            out.append(diagnostic.getSource() == null ? "javac" : script.toString());
            if (line > 0) {
                out.append(':').append(line);
            }
            out.append(diagnostic.getKind() == Diagnostic.Kind.ERROR ? ": error: " : ": warning: ")
                    .append(diagnostic.getMessage(Locale.ROOT));
            if (line > 0 && line <= lines.length) {
                String sourceLine = lines[(int) line - 1];
                out.append('\n').append(sourceLine);
                int index = charIndex(sourceLine, diagnostic.getColumnNumber());
                if (index >= 0) {
                    StringBuilder caret = new StringBuilder();
                    for (int i = 0; i < index; i++) {
                        caret.append(sourceLine.charAt(i) == '\t' ? '\t' : ' ');
                    }
                    out.append('\n').append(caret).append('^');
                }
            }
        }
        return out.toString();
    }

    /** javac's column numbers count a tab as up to the next multiple of 8: back to a char index, or -1. */
    static int charIndex(String line, long column) {
        if (column <= 0) {
            return -1;
        }
        long expanded = 1;
        for (int i = 0; i < line.length(); i++) {
            if (expanded >= column) {
                return i;
            }
            expanded = line.charAt(i) == '\t' ? ((expanded - 1) / 8 + 1) * 8 + 1 : expanded + 1;
        }
        return expanded >= column ? line.length() : -1;
    }

    /** The script as a source file object. The file name need not match the public class. */
    private static final class ScriptFile extends SimpleJavaFileObject {
        private final String text;

        ScriptFile(Path script, String text) {
            super(toUri(script), Kind.SOURCE);
            this.text = text;
        }

        private static URI toUri(Path script) {
            return script.toAbsolutePath().toUri();
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }

        /** Lets "public class Site" live in hello.java: a mounted script's name is the URL's business. */
        @Override
        public boolean isNameCompatible(String simpleName, Kind kind) {
            return kind == Kind.SOURCE;
        }
    }

    /** Collects class output in memory; everything else goes to the standard manager. */
    private static final class MemoryFileManager extends ForwardingJavaFileManager<JavaFileManager> {
        private final Map<String, ByteArrayOutputStream> outputs;

        MemoryFileManager(JavaFileManager standard, Map<String, ByteArrayOutputStream> outputs) {
            super(standard);
            this.outputs = outputs;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
                    outputs.put(className, bytes);
                    return bytes;
                }
            };
        }
    }
}
