package org.modjvm.runtime.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The numbered log messages hold together: every JVMnnnnn the sources mention is declared in a
 * registry (native/jvm_messages.h for the C module, {@link Message} for the runtime), once, is
 * logged through it (no "JVMnnnnn: " literal at a call site, so a number cannot be reused by
 * hand for a second failure), is used, and has its row in docs/troubleshooting.md; no row
 * documents a number nothing logs. Reads the source tree (the test runs in java/runtime).
 */
class MessageRegistryTest {
    private static final Pattern CODE = Pattern.compile("\\bJVM0\\d{4}\\b");
    private static final Pattern C_DEFINE = Pattern.compile("^#define (JVM0\\d{4}) \"(JVM0\\d{4}): \"", Pattern.MULTILINE);
    private static final Pattern LITERAL_AT_CALL_SITE = Pattern.compile("\"JVM0\\d{4}");
    /** A table row's first cell: the message, possibly several, each `JVMnnnnn: …`. */
    private static final Pattern DOC_ROW = Pattern.compile("^\\| ([^|]*)\\|([^|]*)", Pattern.MULTILINE);
    private static final Pattern DOC_CODE = Pattern.compile("`(JVM0\\d{4})[:`]");
    /** A level written next to a numbered message (its level is declared in {@link Message}), also before its prefix(). */
    private static final Pattern LEVEL_AT_CALL_SITE =
            Pattern.compile("Log\\.(CRIT|ERR|WARNING|NOTICE|INFO|DEBUG)\\s*,\\s*\\(?\\s*Message\\.");
    /** A level as the docs name it: troubleshooting.md's "(info)", "(crit, at …)"; the contract's level column. */
    private static final Pattern DOC_LEVEL = Pattern.compile("^\\((crit|error|warning|notice|info|debug)\\b");
    private static final Pattern CONTRACT_ROW =
            Pattern.compile("^\\| ([^|]*)\\| (crit|error|warning|notice|info|debug) \\|", Pattern.MULTILINE);
    private static final Map<String, Integer> LEVELS = Map.of("crit", Log.CRIT, "error", Log.ERR,
            "warning", Log.WARNING, "notice", Log.NOTICE, "info", Log.INFO, "debug", Log.DEBUG);

    private final Path root = findRoot();

    @Test
    void cRegistryDefinesEachNumberOnceAsItsOwnPrefix() throws IOException {
        Map<String, Integer> seen = new TreeMap<>();
        Matcher m = C_DEFINE.matcher(header());
        while (m.find()) {
            assertEquals(m.group(1), m.group(2), "the macro and its text name one number");
            seen.merge(m.group(1), 1, Integer::sum);
        }
        assertTrue(seen.size() > 40, "jvm_messages.h defines the C module's messages: " + seen.keySet());
        seen.forEach((code, count) -> assertEquals(1, count, code + " defined " + count + " times"));
        for (String code : seen.keySet()) {
            int n = Integer.parseInt(code.substring(3));
            assertTrue(n >= 1 && n <= 999, code + ": the C module's numbers are JVM00001-JVM00999");
        }
        // every line of the header that defines a number is one the pattern above read
        long defines = header().lines().filter(l -> l.startsWith("#define JVM0")).count();
        assertEquals(seen.size(), defines, "a #define of jvm_messages.h not of the form #define JVMnnnnn \"JVMnnnnn: \"");
    }

    @Test
    void javaRegistryNumbersAreTheRuntimes() {
        for (Message message : Message.values()) {
            int n = Integer.parseInt(message.id().substring(3));
            assertTrue(n >= 1000 && n <= 1999, message + ": the runtime's numbers are JVM01000-JVM01999");
            assertEquals(message.id() + ": ", message.prefix());
            assertTrue(!message.summary().isBlank(), message + " has no summary");
        }
    }

    @Test
    void everyNumberMentionedIsRegisteredAndNoCallSiteSpellsOne() throws IOException {
        Set<String> registered = registered();
        List<String> problems = new ArrayList<>();
        for (Path file : sources()) {
            String text = Files.readString(file);
            Matcher m = CODE.matcher(text);
            while (m.find()) {
                if (!registered.contains(m.group())) {
                    problems.add(root.relativize(file) + ": " + m.group() + " is in no registry");
                }
            }
            if (!file.endsWith("Message.java")) {
                Matcher literal = LITERAL_AT_CALL_SITE.matcher(text);
                while (literal.find()) {
                    problems.add(root.relativize(file) + ": \"" + text.substring(literal.start() + 1, literal.end())
                            + " spelled as a string: use the registry (jvm_messages.h / Message)");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * A message has one level, the one {@link Message} declares: a call site that passes its own
     * could log one number at two levels (a message needing two levels is two messages).
     */
    @Test
    void noCallSiteGivesANumberedMessageALevel() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : sources()) {
            if (!file.toString().endsWith(".java")) {
                continue;
            }
            String text = Files.readString(file);
            Matcher m = LEVEL_AT_CALL_SITE.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                problems.add(root.relativize(file) + ":" + line + ": " + m.group());
            }
        }
        assertEquals(List.of(), problems, "a level given at the call site of a numbered message");
    }

    @Test
    void everyRegisteredNumberIsUsed() throws IOException {
        StringBuilder c = new StringBuilder();
        StringBuilder java = new StringBuilder();
        for (Path file : sources()) {
            String name = file.getFileName().toString();
            if (name.endsWith(".c")) {
                c.append(Files.readString(file));
            } else if (name.endsWith(".java") && !name.equals("Message.java")) {
                java.append(Files.readString(file));
            }
        }
        List<String> unused = new ArrayList<>();
        for (String code : cRegistry()) {
            // a use is the macro before the rest of its format string
            if (!Pattern.compile("\\b" + code + "\\s*\"").matcher(c).find()) {
                unused.add(code);
            }
        }
        for (Message message : Message.values()) {
            if (!java.toString().contains("Message." + message.id())) {
                unused.add(message.id());
            }
        }
        assertEquals(List.of(), unused, "registered but logged nowhere");
    }

    @Test
    void troubleshootingDocumentsExactlyTheRegisteredNumbers() throws IOException {
        Set<String> documented = new TreeSet<>();
        Set<String> retired = new TreeSet<>();
        Matcher row = DOC_ROW.matcher(Files.readString(root.resolve("docs/troubleshooting.md")));
        while (row.find()) {
            boolean older = row.group(2).strip().startsWith("(older versions)");
            Matcher m = DOC_CODE.matcher(row.group(1));
            while (m.find()) {
                (older ? retired : documented).add(m.group(1));
            }
        }
        Set<String> registered = registered();
        Set<String> undocumented = new TreeSet<>(registered);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "registered numbers without a row in docs/troubleshooting.md");
        Set<String> unknown = new TreeSet<>(documented);
        unknown.removeAll(registered);
        assertEquals(Set.of(), unknown, "rows of docs/troubleshooting.md for numbers nothing logs"
                + " (a retired one's row starts its explanation with \"(older versions)\")");
        Set<String> reused = new TreeSet<>(retired);
        reused.retainAll(registered);
        assertEquals(Set.of(), reused, "retired numbers used again");
    }

    /** Where the docs say at which level a runtime message is logged, it is the level {@link Message} declares. */
    @Test
    void theDocsStateTheDeclaredLevels() throws IOException {
        List<String> problems = new ArrayList<>();
        Matcher row = DOC_ROW.matcher(Files.readString(root.resolve("docs/troubleshooting.md")));
        while (row.find()) {
            Matcher level = DOC_LEVEL.matcher(row.group(2).strip());
            if (level.find()) {
                checkLevel("docs/troubleshooting.md", row.group(1), level.group(1), problems);
            }
        }
        Matcher contract = CONTRACT_ROW.matcher(Files.readString(root.resolve("docs/application-contract.md")));
        int rows = 0;
        while (contract.find()) {
            rows++;
            checkLevel("docs/application-contract.md", contract.group(1), contract.group(2), problems);
        }
        assertTrue(rows > 20, "application-contract.md lists the runtime's messages with their levels: " + rows);
        assertEquals(List.of(), problems);
    }

    private static void checkLevel(String doc, String cell, String level, List<String> problems) {
        Matcher m = DOC_CODE.matcher(cell);
        while (m.find()) {
            Message message = Message.ofId(m.group(1));
            if (message != null && message.level() != LEVELS.get(level)) {
                problems.add(doc + ": " + message + " is said to be logged at " + level + ", declared at "
                        + LEVELS.entrySet().stream().filter(e -> e.getValue() == message.level()).findFirst().get().getKey());
            }
        }
    }

    @Test
    void expressLooksForTheRegisteredStartupFailures() throws IOException {
        Matcher m = Pattern.compile("#define JVM_STARTUP_FAILURES \"([^\"]*)\"").matcher(header());
        assertTrue(m.find(), "jvm_messages.h lists JVM_STARTUP_FAILURES");
        List<String> native_ = Arrays.asList(m.group(1).split(" "));
        assertEquals(native_, Message.NATIVE_STARTUP_FAILURES);
        assertTrue(cRegistry().containsAll(native_), native_ + " are not all in jvm_messages.h");
        String pattern = Message.startupFailurePattern();
        Set<String> listed = Set.of(pattern.split("\\|"));
        for (String code : List.of("JVM01002", "JVM01107", "JVM01210", "JVM01219", "JVM00011", "JVM00051")) {
            assertTrue(listed.contains(code), code + " missing from " + pattern);
        }
        assertTrue(!listed.contains("JVM01001") && !listed.contains("JVM00050"), pattern);
    }

    private Set<String> registered() throws IOException {
        Set<String> all = new TreeSet<>(cRegistry());
        for (Message message : Message.values()) {
            all.add(message.id());
        }
        return all;
    }

    private Set<String> cRegistry() throws IOException {
        Set<String> codes = new TreeSet<>();
        Matcher m = C_DEFINE.matcher(header());
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }

    private String header() throws IOException {
        return Files.readString(root.resolve("native/jvm_messages.h"));
    }

    /** native/*.c and *.h, and the main sources of every Java module. */
    private List<Path> sources() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> nat = Files.list(root.resolve("native"))) {
            nat.filter(p -> p.toString().endsWith(".c") || p.toString().endsWith(".h"))
                    .filter(p -> !p.endsWith("jvm_messages.h"))
                    .forEach(files::add);
        }
        try (Stream<Path> modules = Files.list(root.resolve("java"))) {
            for (Path module : modules.collect(Collectors.toList())) {
                Path main = module.resolve("src/main/java");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> java = Files.walk(main)) {
                        java.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
                    }
                }
            }
        }
        assertTrue(files.size() > 50, "found the sources: " + files.size());
        return files;
    }

    private static Path findRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("native/jvm_messages.h")) && Files.exists(dir.resolve("docs/troubleshooting.md"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("the source tree (native/, docs/) is not above " + System.getProperty("user.dir"));
    }
}
