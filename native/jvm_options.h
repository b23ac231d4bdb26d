/* jvm_options: the options mod_jvm gives every JVM it starts, before the user's, in one place
 * for both modes. No httpd dependency (unit-tested by native/tests/test_jvm_options.c). */
#ifndef JVM_OPTIONS_H
#define JVM_OPTIONS_H

/* Which JVM: one inside an Apache child (JvmOptions), or a daemon process (jvm-options=). */
typedef enum { JVM_OPTIONS_EMBEDDED, JVM_OPTIONS_DAEMON } jvm_options_mode;

/* No mode has more defaults than this. */
#define JVM_OPTIONS_MAX_DEFAULTS 16

/* Writes into out (room for JVM_OPTIONS_MAX_DEFAULTS) the options a JVM of `mode` from the JDK
 * at jvm_home starts with before the user's `user` (user_count of them, as given): the fixed
 * ones, then a small heap (-Xms8m, -Xmx64m) and the serial collector unless the user chose a
 * size or a collector (-XX:+Use…GC), then -XX:TrimNativeHeapInterval when that JDK has it.
 * Returns how many were written. The strings are static. */
int jvm_options_defaults(jvm_options_mode mode, const char *jvm_home, const char *const *user, int user_count,
                         const char **out);

#endif
