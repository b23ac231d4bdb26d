package org.modjvm.servlet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which web applications JavaxMigration takes for javax.servlet ones (ServletJavaxTest converts real ones). */
class JavaxMigrationTest {
    @TempDir
    Path dir;

    static String kind(String xml) {
        return JavaxMigration.descriptorKind(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void webXmlNamespacesAndDoctypes() {
        assertEquals("jakarta", kind("<?xml version=\"1.0\"?>\n<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\""
                + " version=\"6.1\">"));
        assertEquals("a Java EE one (http://xmlns.jcp.org/xml/ns/javaee, version 4.0)",
                kind("<web-app xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
                        + "  xmlns=\"http://xmlns.jcp.org/xml/ns/javaee\" version=\"4.0\">"));
        assertEquals("a Java EE one (http://java.sun.com/xml/ns/javaee, version 2.5)",
                kind("<web-app xmlns='http://java.sun.com/xml/ns/javaee' version='2.5'><display-name/></web-app>"));
        assertEquals("a Java EE one (http://java.sun.com/xml/ns/j2ee, version 2.4)",
                kind("<!-- a comment --><j2ee:web-app xmlns:j2ee=\"http://java.sun.com/xml/ns/j2ee\" version=\"2.4\">"));
        assertEquals("a Servlet 2.3 one (DOCTYPE)", kind("<!DOCTYPE web-app PUBLIC \"-//Sun Microsystems, Inc.//DTD Web"
                + " Application 2.3//EN\" \"http://java.sun.com/dtd/web-app_2_3.dtd\">\n<web-app>"));
        assertNull(kind("<web-app>"), "no namespace, no DOCTYPE: cannot be told");
        assertNull(kind("not xml at all"));
    }

    @Test
    void classesDecideOverTheDescriptor() throws IOException {
        Path app = dir.resolve("app");
        write(app.resolve("WEB-INF/web.xml"), "<web-app xmlns=\"http://xmlns.jcp.org/xml/ns/javaee\" version=\"3.1\">");
        write(app.resolve("WEB-INF/classes/a/A.class"), "\u00ca\u00fe\u00ba\u00be...Ljakarta/servlet/ServletContext;...");
        assertFalse(JavaxMigration.usage(app).javax(), "jakarta classes with an old web.xml header run as they are");
        write(app.resolve("WEB-INF/classes/a/A.class"), "...javax/servlet/http/HttpServlet...");
        JavaxMigration.Usage usage = JavaxMigration.usage(app);
        assertTrue(usage.javax());
        assertEquals("its classes in WEB-INF/classes use javax.servlet", usage.evidence());
        Files.delete(app.resolve("WEB-INF/classes/a/A.class"));
        assertEquals("its WEB-INF/web.xml is a Java EE one (http://xmlns.jcp.org/xml/ns/javaee, version 3.1)",
                JavaxMigration.usage(app).evidence());
    }

    @Test
    void withoutWebXmlNorServletClassesTheJarsTell() throws IOException {
        Path app = dir.resolve("app");
        write(app.resolve("WEB-INF/classes/a/Plain.class"), "java/lang/Object");
        assertFalse(JavaxMigration.usage(app).javax());
        Files.createDirectories(app.resolve("WEB-INF/lib"));
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(app.resolve("WEB-INF/lib/x.jar")))) {
            out.putNextEntry(new java.util.zip.ZipEntry("x/X.class"));
            out.write("Ljavax/servlet/Filter;".getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals("the jars in its WEB-INF/lib use javax.servlet", JavaxMigration.usage(app).evidence());
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(app.resolve("WEB-INF/lib/y.jar")))) {
            out.putNextEntry(new java.util.zip.ZipEntry("y/Y.class"));
            out.write("Ljakarta/servlet/Filter;".getBytes(StandardCharsets.US_ASCII));
        }
        assertFalse(JavaxMigration.usage(app).javax(), "jars of both kinds: a jakarta application with an old library");
    }

    @Test
    void aJakartaWebXmlIsEnough() throws IOException {
        Path app = dir.resolve("app");
        write(app.resolve("WEB-INF/web.xml"), "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">");
        write(app.resolve("WEB-INF/classes/a/A.class"), "javax/servlet/http/HttpServlet");
        assertFalse(JavaxMigration.usage(app).javax(), "a Jakarta EE web.xml is Servlet 5 or later");
    }

    static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, content.getBytes(StandardCharsets.ISO_8859_1));
    }
}
