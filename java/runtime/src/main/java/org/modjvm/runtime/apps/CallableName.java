package org.modjvm.runtime.apps;

import org.modjvm.runtime.compile.ScriptLoadException;
import org.modjvm.runtime.log.Message;

/**
 * A configured callable: {@code member} (searched for in the script's classes, or the jar's
 * {@code Application-Class}) or {@code com.example.App::member} (that class).
 *
 * @param className the binary class name, or {@code null} when not given
 */
public record CallableName(String className, String member) {
    public static final String DEFAULT_MEMBER = "application";

    static CallableName parse(String callable) throws ScriptLoadException {
        if (callable == null || callable.isEmpty()) {
            return new CallableName(null, DEFAULT_MEMBER);
        }
        int separator = callable.indexOf("::");
        String className = separator < 0 ? null : callable.substring(0, separator);
        String member = separator < 0 ? callable : callable.substring(separator + 2);
        if (!isIdentifier(member) || (className != null && !isClassName(className))) {
            throw new ScriptLoadException(Message.JVM01213, "callable '" + callable
                    + "' is not a member name or Class::member (e.g. application or com.example.App::application)");
        }
        return new CallableName(className, member);
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!Character.isJavaIdentifierPart(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isClassName(String s) {
        for (String part : s.split("\\.", -1)) {
            if (!isIdentifier(part)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return className == null ? member : className + "::" + member;
    }
}
