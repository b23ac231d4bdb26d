package org.modjvm.runtime.log;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Formats a stack trace like {@link Throwable#printStackTrace()} (causes, suppressed,
 * "... n more"), but without the frames of mod_jvm itself below the application: a log reader
 * wants the application's frames, as mod_wsgi shows only the script's traceback.
 */
final class StackTraces {
    private static final String RUNTIME_PACKAGE = "org.modjvm.runtime.";

    private StackTraces() {
    }

    static String format(Throwable error) {
        StringBuilder out = new StringBuilder(1024);
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(error);
        out.append(error).append('\n');
        StackTraceElement[] frames = error.getStackTrace();
        int shown = applicationFrames(frames);
        for (int i = 0; i < shown; i++) {
            out.append("\tat ").append(frames[i]).append('\n');
        }
        for (Throwable suppressed : error.getSuppressed()) {
            enclosed(out, suppressed, frames, "Suppressed: ", "\t", seen);
        }
        Throwable cause = error.getCause();
        if (cause != null) {
            enclosed(out, cause, frames, "Caused by: ", "", seen);
        }
        return out.toString();
    }

    /**
     * How many top frames to show: up to the first runtime frame below an application frame
     * (the runtime calling the application), minus JDK reflection/invoke frames just above it.
     */
    static int applicationFrames(StackTraceElement[] frames) {
        boolean applicationSeen = false;
        int cut = frames.length;
        for (int i = 0; i < frames.length; i++) {
            boolean runtime = frames[i].getClassName().startsWith(RUNTIME_PACKAGE);
            if (runtime && applicationSeen) {
                cut = i;
                break;
            }
            applicationSeen |= !runtime;
        }
        if (cut == frames.length) {
            return cut;
        }
        while (cut > 1 && isJdkPlumbing(frames[cut - 1].getClassName())) {
            cut--;
        }
        return cut;
    }

    private static boolean isJdkPlumbing(String className) {
        return className.startsWith("java.lang.invoke.") || className.startsWith("jdk.internal.")
                || className.startsWith("java.lang.reflect.") || className.equals("java.lang.Class");
    }

    private static void enclosed(StringBuilder out, Throwable error, StackTraceElement[] enclosing, String caption,
                                 String prefix, Set<Throwable> seen) {
        if (!seen.add(error)) {
            out.append(prefix).append(caption).append("[CIRCULAR REFERENCE: ").append(error).append("]\n");
            return;
        }
        StackTraceElement[] frames = error.getStackTrace();
        int m = frames.length - 1;
        int n = enclosing.length - 1;
        while (m >= 0 && n >= 0 && frames[m].equals(enclosing[n])) {
            m--;
            n--;
        }
        int inCommon = frames.length - 1 - m;
        out.append(prefix).append(caption).append(error).append('\n');
        for (int i = 0; i <= m; i++) {
            out.append(prefix).append("\tat ").append(frames[i]).append('\n');
        }
        if (inCommon != 0) {
            out.append(prefix).append("\t... ").append(inCommon).append(" more\n");
        }
        for (Throwable suppressed : error.getSuppressed()) {
            enclosed(out, suppressed, frames, "Suppressed: ", prefix + "\t", seen);
        }
        Throwable cause = error.getCause();
        if (cause != null) {
            enclosed(out, cause, frames, "Caused by: ", prefix, seen);
        }
    }
}
