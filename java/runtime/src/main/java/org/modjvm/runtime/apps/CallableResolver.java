package org.modjvm.runtime.apps;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.modjvm.Application;
import org.modjvm.StartResponse;
import org.modjvm.runtime.compile.ScriptClasses;
import org.modjvm.runtime.compile.ScriptLoadException;
import org.modjvm.runtime.log.Message;

/**
 * Finds a script's callable and turns it into an {@link Application}, once per load (this is
 * the only place that uses reflection). The callable is a {@code public static} member of the
 * application class: a method {@code (Map<String,Object>, StartResponse)} returning an
 * Iterable, or a field whose type implements {@link Application}.
 *
 * <p>Which class: the one named by {@code Class::member}; else a jar's
 * {@code Application-Class}; else, for a source, the top-level class that declares the member
 * (public classes first). The class is initialized here, so a failing static initializer is a
 * load error, not a surprise in the first request.
 */
final class CallableResolver {
    private static final MethodType APPLICATION_TYPE = MethodType.methodType(Iterable.class, Map.class, StartResponse.class);

    private CallableResolver() {
    }

    static Application resolve(GroupClassLoader loader, Path script, ScriptClasses classes, CallableName callable)
            throws ScriptLoadException {
        Class<?> target;
        if (callable.className() != null) {
            target = load(loader, script, callable.className());
        } else if (classes.mainClass() != null) {
            target = load(loader, script, classes.mainClass());
        } else if (!classes.jar()) {
            target = findDeclaringClass(loader, script, classes, callable.member());
        } else {
            throw new ScriptLoadException(Message.JVM01216, "jar " + script + " names no application class: add the manifest"
                    + " attribute " + JarReader.APPLICATION_CLASS + ": com.example.App, or configure the callable as"
                    + " com.example.App::" + callable.member());
        }
        return member(target, script, callable.member());
    }

    private static Class<?> load(GroupClassLoader loader, Path script, String className) throws ScriptLoadException {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new ScriptLoadException(Message.JVM01213, "application class " + className + " of " + script
                    + " not found in the script or on the class path");
        } catch (LinkageError e) {
            throw new ScriptLoadException(Message.JVM01217, "cannot load class " + className + " of " + script + ":", e);
        }
    }

    /** The top-level class declaring {@code member}; public classes win; two equal candidates are an error. */
    private static Class<?> findDeclaringClass(GroupClassLoader loader, Path script, ScriptClasses classes, String member)
            throws ScriptLoadException {
        List<Class<?>> publicMatches = new ArrayList<>(1);
        List<Class<?>> otherMatches = new ArrayList<>(1);
        TreeSet<String> topLevel = new TreeSet<>();
        for (String name : classes.classes().keySet()) {
            if (name.indexOf('$') < 0) {
                topLevel.add(name);
            }
        }
        for (String name : topLevel) {
            Class<?> candidate = load(loader, script, name);
            if (declares(candidate, member, script)) {
                (Modifier.isPublic(candidate.getModifiers()) ? publicMatches : otherMatches).add(candidate);
            }
        }
        List<Class<?>> matches = publicMatches.isEmpty() ? otherMatches : publicMatches;
        if (matches.isEmpty()) {
            throw new ScriptLoadException(Message.JVM01213, "no class of " + script + " has a member named '" + member
                    + "' (classes: " + String.join(", ", topLevel) + "): declare public static Iterable<byte[]> "
                    + member + "(Map<String, Object> environ, StartResponse startResponse), or a public static "
                    + "Application field of that name");
        }
        if (matches.size() > 1) {
            throw new ScriptLoadException(Message.JVM01213, "classes " + matches.get(0).getName() + " and "
                    + matches.get(1).getName() + " of " + script + " both declare '" + member
                    + "': configure the callable as Class::" + member);
        }
        return matches.get(0);
    }

    private static boolean declares(Class<?> type, String member, Path script) throws ScriptLoadException {
        try {
            for (Method method : type.getDeclaredMethods()) {
                if (method.getName().equals(member)) {
                    return true;
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (field.getName().equals(member)) {
                    return true;
                }
            }
            return false;
        } catch (LinkageError e) {
            throw new ScriptLoadException(Message.JVM01217, "cannot inspect class " + type.getName() + " of " + script
                    + " (a class it uses is missing?):", e);
        }
    }

    private static Application member(Class<?> type, Path script, String member) throws ScriptLoadException {
        String where = "class " + type.getName() + " of " + script;
        try {
            List<Method> named = new ArrayList<>(1);
            for (Method method : type.getDeclaredMethods()) {
                if (method.getName().equals(member)) {
                    named.add(method);
                }
            }
            for (Method method : named) {
                if (hasApplicationSignature(method)) {
                    checkPublicStatic(method.getModifiers(), where, "method " + member);
                    initialize(type, where);
                    MethodHandle handle = MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                            .unreflect(method).asType(APPLICATION_TYPE);
                    return new MethodApplication(handle, type.getName() + "::" + member);
                }
            }
            if (!named.isEmpty()) {
                throw new ScriptLoadException(Message.JVM01213, "method " + member + " of " + where + " has the wrong signature "
                        + named.get(0).toGenericString() + ": it must be public static, take (Map<String, Object>,"
                        + " StartResponse) and return an Iterable (e.g. Iterable<byte[]> or List<byte[]>)");
            }
            Field field;
            try {
                field = type.getDeclaredField(member);
            } catch (NoSuchFieldException e) {
                throw new ScriptLoadException(Message.JVM01213, where + " has no method or field named '" + member
                        + "': declare public static Iterable<byte[]> " + member
                        + "(Map<String, Object> environ, StartResponse startResponse), or a public static Application field");
            }
            if (!Application.class.isAssignableFrom(field.getType())) {
                throw new ScriptLoadException(Message.JVM01213, "field " + member + " of " + where + " has type "
                        + field.getType().getName() + ", which does not implement " + Application.class.getName());
            }
            checkPublicStatic(field.getModifiers(), where, "field " + member);
            initialize(type, where);
            Object value = MethodHandles.privateLookupIn(type, MethodHandles.lookup()).unreflectGetter(field).invoke();
            if (value == null) {
                throw new ScriptLoadException(Message.JVM01213, "field " + member + " of " + where
                        + " is null after the class was initialized");
            }
            return (Application) value;
        } catch (ScriptLoadException e) {
            throw e;
        } catch (LinkageError e) {
            throw new ScriptLoadException(Message.JVM01217, "cannot resolve '" + member + "' in " + where + ":", e);
        } catch (Throwable e) {
            throw new ScriptLoadException(Message.JVM01213, "cannot use '" + member + "' of " + where + ":", e);
        }
    }

    private static boolean hasApplicationSignature(Method method) {
        Class<?>[] parameters = method.getParameterTypes();
        return parameters.length == 2
                && parameters[0].isAssignableFrom(Map.class)
                && parameters[1].isAssignableFrom(StartResponse.class)
                && Iterable.class.isAssignableFrom(method.getReturnType());
    }

    private static void checkPublicStatic(int modifiers, String where, String what) throws ScriptLoadException {
        if (!Modifier.isStatic(modifiers) || !Modifier.isPublic(modifiers)) {
            throw new ScriptLoadException(Message.JVM01213, what + " of " + where + " must be public static");
        }
    }

    /** Runs the static initializer now: its failure is a load error with the stack trace. */
    private static void initialize(Class<?> type, String where) throws ScriptLoadException {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ExceptionInInitializerError e) {
            throw new ScriptLoadException(Message.JVM01215, "the static initializer of " + where + " failed:",
                    e.getCause() == null ? e : e.getCause());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ScriptLoadException(Message.JVM01215, "cannot initialize " + where + ":", e);
        }
    }
}
