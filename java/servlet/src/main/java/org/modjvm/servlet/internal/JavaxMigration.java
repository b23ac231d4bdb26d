package org.modjvm.servlet.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Enumeration;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.apache.catalina.util.ContextName;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;
import org.modjvm.runtime.web.WorkDirectories;

/**
 * javax.servlet web applications (Servlet 4.0 and older: Java EE 8, before the move to the
 * jakarta namespace) on Tomcat 11, which implements jakarta.servlet only. Deployed as they are,
 * they would fail with a NoClassDefFoundError of javax.servlet, or deploy and answer 404 for
 * every servlet of theirs (annotations and a web.xml whose classes are not servlets of this
 * engine). Tomcat 11 converts such applications with its jakartaee-migration tool when they are
 * put in its legacy app base (HostConfig); mod_jvm does the same when one is mounted: it
 * recognises the application, converts a copy into the process's private work directory with
 * the same converter and profile (TOMCAT: the APIs Tomcat implements), deploys the copy, and says
 * so (JVM01440). Without the converter (a servlet engine directory without its jar) the
 * application is refused in a line that says what it is and how to convert it (JVM01442).
 *
 * <p>Recognised as javax: a web application whose own classes ({@code WEB-INF/classes}) use
 * javax.servlet and not jakarta.servlet; or, when its classes use neither, one whose web.xml is a
 * Java EE one (the {@code http://xmlns.jcp.org/xml/ns/javaee} or {@code http://java.sun.com}
 * namespaces, or a Servlet 2.3 or older DOCTYPE), or, without a web.xml, whose jars use
 * javax.servlet and not jakarta.servlet. An application with jakarta classes and an old web.xml
 * header (Tomcat 10 and 11 run those as they are) is not converted.
 */
final class JavaxMigration {
    /** The converter's own INFO lines ("Migration starting…") say what JVM01440 says; its warnings stay. */
    private static final Logger CONVERTER_LOGGER = Logger.getLogger("org.apache.tomcat.jakartaee");
    private static final byte[] JAVAX = "javax/servlet/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JAKARTA = "jakarta/servlet/".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern ROOT_ELEMENT = Pattern.compile("<(?:[A-Za-z_][\\w.-]*:)?web-app\\b[^>]*>");
    private static final Pattern NAMESPACE = Pattern.compile("xmlns(?::[\\w.-]+)?\\s*=\\s*[\"']([^\"']*)[\"']");
    private static final Pattern VERSION = Pattern.compile("\\bversion\\s*=\\s*[\"']([^\"']*)[\"']");
    private static final int MAX_WEB_XML = 4 << 20;
    private static final String CONVERTER = "org.apache.tomcat.jakartaee.Migration";

    static {
        CONVERTER_LOGGER.setLevel(Level.WARNING);
    }

    /** The application cannot be deployed as it is and was not converted: why is logged. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused() {
            super(null, null, false, false);
        }
    }

    private JavaxMigration() {
    }

    /**
     * What to deploy for the web application {@code root}: itself, or, if it is a javax.servlet
     * application, a converted copy in {@code workDirectory}.
     *
     * @throws Refused if it is a javax application that could not be converted (logged)
     */
    static String prepare(String root, String contextPath, Path workDirectory, Log log) throws Refused {
        Path source = Path.of(root);
        Usage usage;
        try {
            usage = usage(source);
        } catch (IOException | RuntimeException e) {
            // unreadable or not a zip: the engine's own deployment says so better (JVM01405)
            return root;
        }
        if (!usage.javax()) {
            return root;
        }
        String what = "web application " + root + " (context path " + TomcatEngine.contextPathShown(contextPath)
                + ") is a javax.servlet application (Servlet 4.0 or older: " + usage.evidence() + ")";
        if (!converterInstalled()) {
            log.log(Message.JVM01442, what + ", which Tomcat 11 cannot run as it is, and the converter"
                    + " (Tomcat's jakartaee-migration) is not installed in the servlet engine's directory: convert"
                    + " it to jakarta.servlet with Tomcat's migration tool (java -jar"
                    + " jakartaee-migration-*-shaded.jar " + source.getFileName() + " converted"
                    + (Files.isDirectory(source) ? "" : ".war") + ") and mount the converted copy, or install the"
                    + " complete module; answering 503 until it changes");
            throw new Refused();
        }
        String name = new ContextName(contextPath, null).getBaseName();
        Path target = workDirectory.resolve(Files.isDirectory(source) ? name : name + ".war");
        long started = System.nanoTime();
        try {
            Files.createDirectories(workDirectory);
            WorkDirectories.removeTree(target);
            Converter.convert(source, target);
        } catch (IOException | RuntimeException | LinkageError e) {
            log.log(Message.JVM01441, what + " and could not be converted to jakarta.servlet: "
                    + DeploymentFailure.oneLine(DeploymentFailure.describe(e)) + "; answering 503 until it changes");
            try {
                WorkDirectories.removeTree(target);
            } catch (IOException ignored) {
                // the work directory goes with the process
            }
            throw new Refused();
        }
        log.log(Message.JVM01440, what + ": converted to jakarta.servlet (Tomcat's jakartaee-migration, as"
                + " Tomcat 11 converts its legacy app base) into " + target + " in " + Log.millis(started)
                + " ms; the converted copy is deployed");
        return target.toString();
    }

    private static boolean converterInstalled() {
        try {
            Class.forName(CONVERTER, false, JavaxMigration.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The converter's classes are named here only, so this class loads without them. */
    private static final class Converter {
        static void convert(Path source, Path target) throws IOException {
            org.apache.tomcat.jakartaee.Migration migration = new org.apache.tomcat.jakartaee.Migration();
            migration.setEESpecProfile(org.apache.tomcat.jakartaee.EESpecProfiles.TOMCAT);
            migration.setSource(source.toFile());
            migration.setDestination(target.toFile());
            migration.execute();
        }
    }

    /** What an application uses, and what showed it (for the log line). */
    record Usage(boolean javax, String evidence) {
    }

    /** Which servlet API the web application {@code root} (a WAR or a directory) is written against. */
    static Usage usage(Path root) throws IOException {
        return Files.isDirectory(root) ? usageOfDirectory(root) : usageOfWar(root);
    }

    private static Usage usageOfDirectory(Path root) throws IOException {
        Path webXml = root.resolve("WEB-INF/web.xml");
        String descriptor = null;
        if (Files.isRegularFile(webXml)) {
            try (InputStream in = Files.newInputStream(webXml)) {
                descriptor = descriptorKind(in.readNBytes(MAX_WEB_XML));
            }
        }
        if ("jakarta".equals(descriptor)) {
            return new Usage(false, "");
        }
        Scan classes = new Scan();
        Path classesDir = root.resolve("WEB-INF/classes");
        if (Files.isDirectory(classesDir)) {
            Files.walkFileTree(classesDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (file.getFileName().toString().endsWith(".class")) {
                        classes.add(Files.readAllBytes(file));
                    }
                    return classes.jakarta ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }
            });
        }
        Scan jars = new Scan();
        Path lib = root.resolve("WEB-INF/lib");
        if (descriptor == null && !classes.javax && !classes.jakarta && Files.isDirectory(lib)) {
            try (var entries = Files.newDirectoryStream(lib, "*.jar")) {
                for (Path jar : entries) {
                    try (InputStream in = Files.newInputStream(jar)) {
                        jars.addJar(in);
                    }
                    if (jars.jakarta) {
                        break;
                    }
                }
            }
        }
        return verdict(descriptor, classes, jars);
    }

    private static Usage usageOfWar(Path war) throws IOException {
        try (ZipFile zip = new ZipFile(war.toFile())) {
            ZipEntry webXml = zip.getEntry("WEB-INF/web.xml");
            String descriptor = null;
            if (webXml != null) {
                try (InputStream in = zip.getInputStream(webXml)) {
                    descriptor = descriptorKind(in.readNBytes(MAX_WEB_XML));
                }
            }
            if ("jakarta".equals(descriptor)) {
                return new Usage(false, "");
            }
            Scan classes = new Scan();
            Scan jars = new Scan();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements() && !classes.jakarta; ) {
                ZipEntry entry = e.nextElement();
                if (entry.getName().startsWith("WEB-INF/classes/") && entry.getName().endsWith(".class")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        classes.add(in.readAllBytes());
                    }
                }
            }
            if (descriptor == null && !classes.javax && !classes.jakarta) {
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements() && !jars.jakarta; ) {
                    ZipEntry entry = e.nextElement();
                    if (entry.getName().startsWith("WEB-INF/lib/") && entry.getName().endsWith(".jar")) {
                        try (InputStream in = zip.getInputStream(entry)) {
                            jars.addJar(in);
                        }
                    }
                }
            }
            return verdict(descriptor, classes, jars);
        }
    }

    private static Usage verdict(String descriptor, Scan classes, Scan jars) {
        if (classes.jakarta) {
            return new Usage(false, ""); // jakarta classes, whatever the web.xml header says
        }
        if (classes.javax) {
            return new Usage(true, "its classes in WEB-INF/classes use javax.servlet");
        }
        if (descriptor != null) {
            return new Usage(true, "its WEB-INF/web.xml is " + descriptor);
        }
        if (jars.javax && !jars.jakarta) {
            return new Usage(true, "the jars in its WEB-INF/lib use javax.servlet");
        }
        return new Usage(false, "");
    }

    /**
     * "jakarta" for a Jakarta EE web.xml (Servlet 5.0 and later), a description of an older one
     * ("a Java EE one (http://xmlns.jcp.org/xml/ns/javaee, version 4.0)"), null when it cannot
     * be told.
     */
    static String descriptorKind(byte[] xml) {
        String text = new String(xml, StandardCharsets.ISO_8859_1); // the markup is ASCII in every encoding used
        Matcher root = ROOT_ELEMENT.matcher(text);
        if (!root.find()) {
            return null;
        }
        String element = root.group();
        Matcher namespace = NAMESPACE.matcher(element);
        String ns = null;
        while (namespace.find()) {
            String uri = namespace.group(1);
            if (uri.contains("jakarta.ee") || uri.contains("java.sun.com") || uri.contains("xmlns.jcp.org")) {
                ns = uri;
                break;
            }
        }
        Matcher version = VERSION.matcher(element);
        String v = version.find() ? version.group(1) : null;
        if (ns != null && ns.contains("jakarta.ee")) {
            return "jakarta";
        }
        if (ns != null) {
            return "a Java EE one (" + ns + (v != null ? ", version " + v : "") + ")";
        }
        String head = text.substring(0, root.start());
        if (head.contains("web-app_2_3.dtd") || head.contains("web-app_2_2.dtd")) {
            return "a Servlet " + (head.contains("2_3") ? "2.3" : "2.2") + " one (DOCTYPE)";
        }
        return null;
    }

    /**
     * Whether class files mention the javax.servlet and the jakarta.servlet packages. A scan
     * stops at the first jakarta one: classes that use jakarta.servlet make the verdict jakarta
     * whatever else they use, so a jakarta application is read only until then.
     */
    private static final class Scan {
        boolean javax;
        boolean jakarta;

        void add(byte[] classFile) {
            javax |= contains(classFile, JAVAX);
            jakarta |= contains(classFile, JAKARTA);
        }

        void addJar(InputStream jar) throws IOException {
            ZipInputStream in = new ZipInputStream(jar);
            for (ZipEntry entry; (entry = in.getNextEntry()) != null && !jakarta; ) {
                if (entry.getName().endsWith(".class")) {
                    add(in.readAllBytes());
                }
            }
        }

        /** Class names in a class file's constant pool are plain bytes (modified UTF-8 of ASCII). */
        private static boolean contains(byte[] data, byte[] word) {
            outer:
            for (int i = 0, last = data.length - word.length; i <= last; i++) {
                for (int k = 0; k < word.length; k++) {
                    if (data[i + k] != word[k]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }
}
